/**
 * Azerbaijani dates and numbers built by hand from locale-neutral parts.
 *
 * Why: Chromium's bundled ICU lists `az` as supported but carries none of its patterns, so
 * `Intl.DateTimeFormat('az')` gives "2026 M03 1" in the browser while Node gives "1 mar 2026".
 * The server's HTML and the browser's render then differ, React throws away the hydrated page,
 * and client-side renders show the broken form. These functions give Node's (CLDR) output on both
 * sides, using only English Intl data (always present) for the calendar arithmetic.
 */

const MONTHS_LONG = ['yanvar', 'fevral', 'mart', 'aprel', 'may', 'iyun', 'iyul', 'avqust', 'sentyabr', 'oktyabr', 'noyabr', 'dekabr']
const MONTHS_SHORT = ['yan', 'fev', 'mar', 'apr', 'may', 'iyn', 'iyl', 'avq', 'sen', 'okt', 'noy', 'dek']
const WEEKDAYS_LONG = ['bazar', 'bazar ertəsi', 'çərşənbə axşamı', 'çərşənbə', 'cümə axşamı', 'cümə', 'şənbə']
/** CLDR has two abbreviations: standing alone ("C.A.") and next to a date ("5 fev, C.a."). */
const WEEKDAYS_SHORT = ['B.', 'B.E.', 'Ç.A.', 'Ç.', 'C.A.', 'C.', 'Ş.']
const WEEKDAYS_SHORT_IN_DATE = ['B.', 'B.e.', 'Ç.a.', 'Ç.', 'C.a.', 'C.', 'Ş.']
const EN_WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const NBSP = '\u00a0'

const partFormats = new Map<string, Intl.DateTimeFormat>()
function partsOf(date: Date, timeZone: string | undefined) {
  const key = timeZone ?? ''
  let format = partFormats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
    partFormats.set(key, format)
  }
  const p: Record<string, string> = {}
  for (const part of format.formatToParts(date)) p[part.type] = part.value
  return {
    year: Number(p.year),
    month: Number(p.month) - 1,
    day: Number(p.day),
    weekday: EN_WEEKDAYS.indexOf(p.weekday),
    hour: p.hour,
    minute: p.minute,
    second: p.second,
  }
}

const pad = (n: number) => String(n).padStart(2, '0')

export function formatAzDate(value: Date | string | number, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium' }): string {
  const date = new Date(value)
  const p = partsOf(date, options.timeZone)
  let datePart = ''
  let weekday = ''
  let time = ''

  if (options.dateStyle || options.timeStyle) {
    switch (options.dateStyle) {
      case 'short':
        datePart = `${pad(p.day)}.${pad(p.month + 1)}.${String(p.year).slice(-2)}`
        break
      case 'medium':
        datePart = `${p.day} ${MONTHS_SHORT[p.month]} ${p.year}`
        break
      case 'long':
        datePart = `${p.day} ${MONTHS_LONG[p.month]} ${p.year}`
        break
      case 'full':
        datePart = `${p.day} ${MONTHS_LONG[p.month]} ${p.year}`
        weekday = WEEKDAYS_LONG[p.weekday]
        break
    }
    if (options.timeStyle) time = options.timeStyle === 'short' ? `${p.hour}:${p.minute}` : `${p.hour}:${p.minute}:${p.second}`
  } else {
    const { day, month, year } = options
    const textMonth = month === 'short' || month === 'long' || month === 'narrow'
    if (textMonth) {
      const name = month === 'long' ? MONTHS_LONG[p.month] : MONTHS_SHORT[p.month]
      datePart = [day ? String(p.day) : '', name, year ? String(p.year) : ''].filter(Boolean).join(' ')
    } else if (month || day || year) {
      const fields: string[] = []
      if (day) fields.push(day === '2-digit' || month ? pad(p.day) : String(p.day))
      if (month) fields.push(pad(p.month + 1))
      if (year) fields.push(year === '2-digit' ? String(p.year).slice(-2) : String(p.year))
      datePart = fields.join('.')
    }
    if (options.weekday) weekday = options.weekday === 'long' ? WEEKDAYS_LONG[p.weekday] : (datePart ? WEEKDAYS_SHORT_IN_DATE : WEEKDAYS_SHORT)[p.weekday]
    if (options.hour || options.minute) {
      time = [options.hour ? p.hour : '', options.minute ? p.minute : '', options.second ? p.second : ''].filter(Boolean).join(':')
    }
  }
  // CLDR joins a long date and a time with "/" ("4 yanvar 2026/00:05"); a comma reads better and is used throughout
  return [datePart, weekday, time].filter(Boolean).join(', ')
}

const numberFormats = new Map<string, Intl.NumberFormat>()

/** Decimal comma, dot for thousands; AZN as "12,50 ₼" (the manat sign after a no-break space). */
export function formatAzNumber(value: number, options: Intl.NumberFormatOptions = {}): string {
  const currency = options.style === 'currency'
  const { style: _style, currency: _currency, currencyDisplay: _display, ...rest } = options
  const neutral: Intl.NumberFormatOptions = currency ? { minimumFractionDigits: 2, maximumFractionDigits: 2, ...rest } : rest
  const key = JSON.stringify(neutral)
  let format = numberFormats.get(key)
  if (!format) {
    format = new Intl.NumberFormat('en-GB', neutral)
    numberFormats.set(key, format)
  }
  let text = ''
  for (const part of format.formatToParts(value)) {
    if (part.type === 'group') text += '.'
    else if (part.type === 'decimal') text += ','
    else text += part.value
  }
  if (!currency) return text
  return options.currency && options.currency !== 'AZN' ? `${text}${NBSP}${options.currency}` : `${text}${NBSP}₼`
}
