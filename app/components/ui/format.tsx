import { formatDate, formatDateTime, formatMoney, useLocale } from '#app/utils/i18n'

/** An amount in qəpik (integer), shown as AZN in the page's language. */
export function Money({ qepik, className }: { qepik: number; className?: string }) {
  const locale = useLocale()
  return <span className={className ?? 'money'}>{formatMoney(qepik, locale)}</span>
}

/** A machine-readable `<time>`; date and time in the place's zone (Asia/Baku) unless told. */
export function DateTime({
  value,
  dateOnly,
  options,
  timeZone,
}: {
  value: Date | string | number
  dateOnly?: boolean
  options?: Intl.DateTimeFormatOptions
  timeZone?: string
}) {
  const locale = useLocale()
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return null
  const text = options ? formatDate(date, locale, options, timeZone) : dateOnly ? formatDate(date, locale, undefined, timeZone) : formatDateTime(date, locale, timeZone)
  return <time dateTime={date.toISOString()}>{text}</time>
}
