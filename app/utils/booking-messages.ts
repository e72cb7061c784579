import { formatDate, formatDateTime, pickText, type Locale, type T } from './i18n'

type RefusalLike = { reason: string; details?: Record<string, unknown> }

/**
 * The sentence a person reads for an engine refusal (`booking.reason.<code>`), with the details
 * that make it actionable: the course to take, the expiry date, the quota, the clashing booking.
 */
export function refusalMessage(t: T, locale: Locale, refusal: RefusalLike) {
  const details = refusal.details ?? {}
  const date = (value: unknown) => (value ? formatDate(value as string | Date, locale, { dateStyle: 'long' }) : '')
  const params: Record<string, string | number> = {}
  if (details.course) params.course = pickText(details.course as Record<Locale, string>, locale)
  if (details.expiredAt) params.date = date(details.expiredAt)
  if (details.quota != null) params.quota = Number(details.quota)
  if (details.hours != null) params.hours = Number(details.hours)
  if (details.days != null) params.days = Number(details.days)
  if (details.startsAt) params.when = formatDateTime(details.startsAt as string | Date, locale)
  if (refusal.reason === 'closed_day') {
    params.date = details.date ? formatDate(`${details.date}T12:00:00Z`, locale, { dateStyle: 'long' }) : ''
    params.note = (details.note as string) || t('booking.closedDayNoNote')
  }
  if (details.confirmed != null) params.confirmed = Number(details.confirmed)
  if (details.session != null) params.session = Number(details.session)
  if (details.notYourSession) return t('booking.reason.not_your_session')
  const key = `booking.reason.${refusal.reason}`
  const text = t(key, params)
  return text === key ? t('booking.reason.unknown') : text
}
