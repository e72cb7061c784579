import { formatDate, formatDateTime, pickText, type Locale, type T } from './i18n'

type RefusalLike = { reason: string; details?: Record<string, unknown> }

const longDate = (value: unknown, locale: Locale) => (value ? formatDate(value as string | Date, locale, { dateStyle: 'long' }) : '')
const dayDate = (day: unknown, locale: Locale) => (typeof day === 'string' && day ? formatDate(`${day}T12:00:00Z`, locale, { dateStyle: 'long' }, 'UTC') : '')

/**
 * The sentence a family or a technician reads for a refusal from the factory floor: the course
 * whose certificate is missing, the date it expired, the quota, the clashing shift, the limit a
 * quantity broke. `scope` picks the catalogue (booking, batch, QC, lot).
 */
export function factoryRefusal(t: T, locale: Locale, refusal: RefusalLike, scope: 'factory' | 'batch' | 'qc' | 'lot' = 'factory') {
  const d = refusal.details ?? {}
  const params: Record<string, string | number> = {}
  if (d.course) params.course = pickText(d.course as Record<Locale, string>, locale)
  if (d.expiredAt) params.date = longDate(d.expiredAt, locale)
  if (d.until) params.date = longDate(d.until, locale)
  if (d.noShows != null) params.count = Number(d.noShows)
  if (d.quota != null) params.quota = Number(d.quota)
  if (d.hours != null) params.hours = Number(d.hours)
  if (d.days != null) params.days = Number(d.days)
  if (d.startsAt) params.when = formatDateTime(d.startsAt as string | Date, locale)
  if (d.status) params.status = t(`status.${String(d.status)}`)
  if (d.max != null) params.max = typeof d.max === 'number' ? d.max : dayDate(d.max, locale)
  if (typeof d.max === 'string') params.date = dayDate(d.max, locale)
  if (d.unit) params.unit = t(`unit.${String(d.unit)}`)
  if (d.day) params.day = dayDate(d.day, locale)
  if (d.producedOn) params.date = dayDate(d.producedOn, locale)
  if (d.code) params.code = String(d.code)
  if (d.reason) params.reason = String(d.reason)
  if (d.to) params.date = longDate(d.to, locale)
  if (Array.isArray(d.failed)) params.checks = d.failed.map((key) => t(`qc.check.${String(key)}`)).join(', ')
  if (refusal.reason === 'closed_day') {
    params.note = (d.note as string) || dayDate(d.date, locale)
  }
  if (refusal.reason === 'capacity_full' && d.waitlist === false) return t('factory.refusal.capacity_full_nowaitlist')
  const key = `${scope}.refusal.${refusal.reason}`
  const text = t(key, params)
  if (text !== key) return text
  const engineKey = `booking.reason.${refusal.reason}`
  const engineText = t(engineKey, params)
  return engineText === engineKey ? t('factory.refusal.try_again') : engineText
}
