/**
 * Wall-clock time in a named zone ↔ UTC instants, through Intl only: offsets are read from the
 * zone database for each instant, never assumed, so a template "09:00 every Monday" stays 09:00
 * on the wall across a daylight-saving change.
 */

export type DayKey = string // YYYY-MM-DD

const formats = new Map<string, Intl.DateTimeFormat>()
function format(timeZone: string) {
  let f = formats.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
    formats.set(timeZone, f)
  }
  return f
}

export type WallTime = { year: number; month: number; day: number; hour: number; minute: number }

export function wallTime(instant: Date | number, timeZone: string): WallTime {
  const parts: Record<string, number> = {}
  for (const part of format(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  }
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour % 24, minute: parts.minute }
}

/** Offset of the zone from UTC at an instant, in milliseconds (Baku: +4 h). */
export function zoneOffsetMs(instant: number, timeZone: string) {
  const w = wallTime(instant, timeZone)
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute)
  return asUtc - Math.floor(instant / 60_000) * 60_000
}

export function parseDayKey(key: DayKey) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(key)
  if (!match) throw new Error(`not a day: ${key}`)
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) }
}

export function parseClock(clock: string) {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(clock)
  if (!match) throw new Error(`not a time of day: ${clock}`)
  return { hour: Number(match[1]), minute: Number(match[2]) }
}

/**
 * The UTC instant of a wall-clock time on a day in a zone. An ambiguous time (the hour repeated
 * when clocks go back) resolves to the earlier instant; a time that does not exist (skipped when
 * clocks go forward) moves forward by the gap — the same choice as Temporal's "compatible".
 */
export function zonedToUtc(day: DayKey, clock: string, timeZone: string): Date {
  const { year, month, day: d } = parseDayKey(day)
  const { hour, minute } = parseClock(clock)
  const naive = Date.UTC(year, month - 1, d, hour, minute)
  const offsets = [...new Set([zoneOffsetMs(naive - 12 * 3_600_000, timeZone), zoneOffsetMs(naive + 12 * 3_600_000, timeZone)])]
  const matches = offsets
    .map((offset) => naive - offset)
    .filter((candidate) => {
      const w = wallTime(candidate, timeZone)
      return w.year === year && w.month === month && w.day === d && w.hour === hour && w.minute === minute
    })
  if (matches.length) return new Date(Math.min(...matches))
  // inside a gap: use the offset in force before the change
  return new Date(naive - offsets[0])
}

export function dayKeyOf(instant: Date | number, timeZone: string): DayKey {
  const w = wallTime(instant, timeZone)
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`
}

export function clockOf(instant: Date | number, timeZone: string) {
  const w = wallTime(instant, timeZone)
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`
}

export function addDaysToKey(key: DayKey, days: number): DayKey {
  const { year, month, day } = parseDayKey(key)
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10)
}

/** 1 = Monday … 7 = Sunday (ISO). */
export function isoWeekday(key: DayKey) {
  const { year, month, day } = parseDayKey(key)
  return ((new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7) + 1
}

/** ISO week of a day, e.g. `2026-W14`: quotas per week count the week the holder sees on the wall. */
export function isoWeekKey(key: DayKey) {
  const { year, month, day } = parseDayKey(key)
  const date = new Date(Date.UTC(year, month - 1, day))
  const weekday = isoWeekday(key)
  date.setUTCDate(date.getUTCDate() + 4 - weekday) // the week's Thursday decides its year
  const weekYear = date.getUTCFullYear()
  const week = Math.ceil(((date.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000 + 1) / 7)
  return `${weekYear}-W${String(week).padStart(2, '0')}`
}

export function daysBetween(from: DayKey, to: DayKey) {
  const a = parseDayKey(from)
  const b = parseDayKey(to)
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000)
}

export function minutesOfClock(clock: string) {
  const { hour, minute } = parseClock(clock)
  return hour * 60 + minute
}
