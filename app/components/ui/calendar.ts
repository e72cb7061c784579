/**
 * Calendar arithmetic for WeekCalendar and MonthCalendar. Days are `YYYY-MM-DD` keys in the
 * place's time zone (Asia/Baku by default), so a shift at 23:30 UTC lands on the day the family
 * sees on the factory's wall clock, whatever the browser's zone.
 */

export type DayKey = string

const keyFormats = new Map<string, Intl.DateTimeFormat>()
function partsIn(value: Date | string | number, timeZone: string) {
  let format = keyFormats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    keyFormats.set(timeZone, format)
  }
  const parts: Record<string, string> = {}
  for (const part of format.formatToParts(new Date(value))) parts[part.type] = part.value
  return parts
}

export function dayKey(value: Date | string | number, timeZone: string): DayKey {
  const p = partsIn(value, timeZone)
  return `${p.year}-${p.month}-${p.day}`
}

/** Minutes since local midnight in the zone (0–1439). */
export function minutesIntoDay(value: Date | string | number, timeZone: string) {
  const p = partsIn(value, timeZone)
  return Number(p.hour) * 60 + Number(p.minute)
}

function keyToUtc(key: DayKey) {
  const [y, m, d] = key.split('-').map(Number)
  return Date.UTC(y, m - 1, d)
}

function utcToKey(ms: number): DayKey {
  return new Date(ms).toISOString().slice(0, 10)
}

export function addDays(key: DayKey, days: number): DayKey {
  return utcToKey(keyToUtc(key) + days * 86_400_000)
}

/** 0 = Monday … 6 = Sunday (the week starts on Monday in Azerbaijan and Russia). */
export function weekdayIndex(key: DayKey) {
  return (new Date(keyToUtc(key)).getUTCDay() + 6) % 7
}

export function startOfWeek(key: DayKey): DayKey {
  return addDays(key, -weekdayIndex(key))
}

export function weekOf(key: DayKey): DayKey[] {
  const monday = startOfWeek(key)
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i))
}

/** A noon instant of the day, safe to format with Intl in any zone near UTC+4 without slipping a day. */
export function dayKeyToDate(key: DayKey) {
  return new Date(keyToUtc(key) + 12 * 3_600_000)
}

export type MonthCell = { day: DayKey; inMonth: boolean }

/** Whole Monday-first weeks covering the month; days of the neighbouring months are marked. */
export function monthGrid(year: number, month: number): MonthCell[][] {
  const first = utcToKey(Date.UTC(year, month - 1, 1))
  const monthPrefix = first.slice(0, 7)
  const weeks: MonthCell[][] = []
  let cursor = startOfWeek(first)
  do {
    const week: MonthCell[] = []
    for (let i = 0; i < 7; i++) {
      week.push({ day: cursor, inMonth: cursor.startsWith(monthPrefix) })
      cursor = addDays(cursor, 1)
    }
    weeks.push(week)
  } while (cursor.startsWith(monthPrefix))
  return weeks
}

/** `YYYY-MM` of the month before/after. */
export function shiftMonth(year: number, month: number, by: number) {
  const date = new Date(Date.UTC(year, month - 1 + by, 1))
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1 }
}

export type Timed = { start: Date | string; end: Date | string }

/**
 * Items of the given days with their minutes in the zone, in order; a slot running past midnight
 * ends at 24:00 on its first day, and a zero-length one still gets a visible quarter-hour.
 */
export function groupByDay<T extends Timed>(items: readonly T[], days: readonly DayKey[], timeZone: string) {
  const byDay = new Map<DayKey, Array<T & { startMin: number; endMin: number }>>(days.map((day) => [day, []]))
  for (const item of items) {
    const day = dayKey(item.start, timeZone)
    const list = byDay.get(day)
    if (!list) continue
    const startMin = minutesIntoDay(item.start, timeZone)
    const sameDay = dayKey(item.end, timeZone) === day
    const endMin = sameDay ? Math.max(startMin + 15, minutesIntoDay(item.end, timeZone)) : 24 * 60
    list.push({ ...item, startMin, endMin })
  }
  for (const list of byDay.values()) list.sort((a, b) => a.startMin - b.startMin)
  return byDay
}

export type TimedItem = { start: number; end: number }
export type Placed<T> = T & { lane: number; lanes: number }

/**
 * Side-by-side columns for overlapping items of one day: each item gets the first free lane, and
 * every item of an overlapping cluster shares that cluster's lane count (so widths line up).
 */
export function placeInLanes<T extends TimedItem>(items: readonly T[]): Placed<T>[] {
  const sorted = [...items].sort((a, b) => a.start - b.start || b.end - a.end)
  const placed: Placed<T>[] = []
  let cluster: Placed<T>[] = []
  let laneEnds: number[] = []
  let clusterEnd = Number.NEGATIVE_INFINITY
  const closeCluster = () => {
    for (const item of cluster) item.lanes = laneEnds.length
    cluster = []
    laneEnds = []
  }
  for (const item of sorted) {
    if (item.start >= clusterEnd) closeCluster()
    let lane = laneEnds.findIndex((end) => end <= item.start)
    if (lane === -1) {
      lane = laneEnds.length
      laneEnds.push(item.end)
    } else laneEnds[lane] = item.end
    const entry = { ...item, lane, lanes: 1 }
    cluster.push(entry)
    placed.push(entry)
    clusterEnd = Math.max(clusterEnd, item.end)
  }
  closeCluster()
  return placed
}
