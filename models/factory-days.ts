/**
 * Production days are the factory's wall-clock days (Asia/Baku): a batch made at 01:00 local time
 * belongs to that local day, whatever UTC says, and the lot code carries that day.
 */
export const FACTORY_TIME_ZONE = 'Asia/Baku'

const formats = new Map<string, Intl.DateTimeFormat>()
function parts(value: Date, timeZone: string) {
  let format = formats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
    formats.set(timeZone, format)
  }
  const out: Record<string, string> = {}
  for (const part of format.formatToParts(value)) out[part.type] = part.value
  return out
}

/** `YYYY-MM-DD` of the instant in the zone. */
export function localDay(value: Date | string | number, timeZone = FACTORY_TIME_ZONE) {
  const p = parts(new Date(value), timeZone)
  return `${p.year}-${p.month}-${p.day}`
}

/** Offset of the zone from UTC at that instant, in minutes (Baku: +240). */
function offsetMinutes(value: Date, timeZone: string) {
  const p = parts(value, timeZone)
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second))
  return Math.round((wall - Math.floor(value.getTime() / 1000) * 1000) / 60_000)
}

/** The instant a local day starts (`2026-11-29` → 2026-11-28T20:00Z in Baku). */
export function startOfLocalDay(day: string, timeZone = FACTORY_TIME_ZONE) {
  const [y, m, d] = day.split('-').map(Number)
  const guess = new Date(Date.UTC(y, m - 1, d))
  return new Date(guess.getTime() - offsetMinutes(guess, timeZone) * 60_000)
}

/** A wall-clock time of a local day as an instant (`2026-11-29`, `09:30`). */
export function localTime(day: string, hhmm: string, timeZone = FACTORY_TIME_ZONE) {
  const [h, min] = hhmm.split(':').map(Number)
  return new Date(startOfLocalDay(day, timeZone).getTime() + (h * 60 + min) * 60_000)
}

export function addLocalDays(day: string, days: number) {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

export function isDayKey(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))
}

/** Whole days from one local day to another (`2026-11-01` → `2026-11-29` = 28). */
export function daysBetween(from: string, to: string) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}
