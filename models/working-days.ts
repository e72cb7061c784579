/**
 * Service targets are counted in working days (Monday–Friday) on the wall clock in Baku. Time is
 * mapped to "working time" (the milliseconds of working days elapsed since the epoch): a weekend is
 * a plateau, so a request sent on Saturday starts its clock on Monday, and "overdue" is the same
 * comparison in code and in a database query.
 */
const DAY = 86_400_000
/** Azerbaijan has kept UTC+4 all year since 2016. */
const BAKU_OFFSET = 4 * 3_600_000
/** 1970-01-01 was a Thursday; with Monday = 0 that is weekday 3. */
const EPOCH_WEEKDAY = 3

const isWorkday = (dayIndex: number) => ((((dayIndex + EPOCH_WEEKDAY) % 7) + 7) % 7) < 5

/** Working days among the calendar days [0, dayIndex). */
function workdaysBefore(dayIndex: number) {
  const weeks = Math.floor(dayIndex / 7)
  let count = weeks * 5
  for (let day = weeks * 7; day < dayIndex; day++) if (isWorkday(day)) count++
  return count
}

/** Working milliseconds elapsed from the epoch to the instant. */
export function workingMs(at: Date | number) {
  const local = new Date(at).getTime() + BAKU_OFFSET
  const day = Math.floor(local / DAY)
  return workdaysBefore(day) * DAY + (isWorkday(day) ? local - day * DAY : 0)
}

/** The earliest instant whose working time reaches `value` (the inverse of workingMs). */
export function fromWorkingMs(value: number) {
  const whole = Math.floor(value / DAY)
  const rest = value - whole * DAY
  // the calendar day that holds the (whole)-th working day, counted from 0
  let day = Math.floor(whole / 5) * 7
  let seen = workdaysBefore(day)
  while (!(isWorkday(day) && seen === whole)) {
    if (isWorkday(day)) seen++
    day++
  }
  if (rest === 0 && whole > 0) {
    // exactly at a day boundary: the end of the previous working day comes first
    let previous = day - 1
    while (!isWorkday(previous)) previous--
    return new Date((previous + 1) * DAY - BAKU_OFFSET)
  }
  return new Date(day * DAY + rest - BAKU_OFFSET)
}

export function addWorkingDays(from: Date | number, days: number) {
  return fromWorkingMs(workingMs(from) + days * DAY)
}

/** Working days (fractional) between two instants. */
export function workingDaysBetween(from: Date | number, to: Date | number) {
  return (workingMs(to) - workingMs(from)) / DAY
}

/** A case started at `since` is overdue at `now` when more than `days` working days have passed. */
export function isOverdue(since: Date | number, days: number, now: Date | number = Date.now()) {
  return workingMs(now) - workingMs(since) > days * DAY
}

/** Cases started before this instant are overdue at `now`: the same rule as isOverdue, for a query. */
export function overdueBefore(days: number, now: Date | number = Date.now()) {
  return fromWorkingMs(workingMs(now) - days * DAY)
}
