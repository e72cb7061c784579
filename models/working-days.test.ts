import { describe, expect, it } from 'vitest'
import { addWorkingDays, fromWorkingMs, isOverdue, overdueBefore, workingDaysBetween, workingMs } from './working-days'

// Baku is UTC+4: 2026-03-02 is a Monday; 09:00 in Baku is 05:00 UTC
const baku = (day: string, time = '09:00') => new Date(`${day}T${time}:00+04:00`)

describe('working days (Monday–Friday, Baku time)', () => {
  it('skips weekends when adding days', () => {
    expect(addWorkingDays(baku('2026-03-02'), 10)).toEqual(baku('2026-03-16'))
    // Friday + 1 working day is Monday, same time
    expect(addWorkingDays(baku('2026-03-06', '15:00'), 1)).toEqual(baku('2026-03-09', '15:00'))
  })

  it('starts the clock on Monday for a request sent at the weekend', () => {
    const saturday = baku('2026-03-07', '12:00')
    expect(workingDaysBetween(saturday, baku('2026-03-09', '00:00'))).toBe(0)
    expect(addWorkingDays(saturday, 1)).toEqual(baku('2026-03-10', '00:00'))
  })

  it('counts whole and partial working days between two instants', () => {
    expect(workingDaysBetween(baku('2026-03-02'), baku('2026-03-09'))).toBe(5)
    expect(workingDaysBetween(baku('2026-03-06', '12:00'), baku('2026-03-09', '00:00'))).toBe(0.5)
  })

  it('uses the Baku wall clock, not UTC, for the weekend', () => {
    // Friday 23:30 in Baku is still Friday 19:30 UTC; Saturday 01:00 in Baku is Friday 21:00 UTC
    expect(workingMs(baku('2026-03-07', '01:00'))).toBe(workingMs(baku('2026-03-07', '00:00')))
    expect(workingMs(baku('2026-03-06', '23:30'))).toBeLessThan(workingMs(baku('2026-03-07', '00:00')))
  })

  it('fromWorkingMs inverts workingMs on working time', () => {
    for (const at of [baku('2026-03-02', '00:01'), baku('2026-03-04', '13:37'), baku('2026-12-31', '23:59')]) {
      expect(fromWorkingMs(workingMs(at))).toEqual(at)
    }
  })

  it('the query line and the per-case check agree on what is overdue', () => {
    const start = baku('2026-02-01', '00:00').getTime()
    let seed = 7
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647
    for (let i = 0; i < 2000; i++) {
      const since = new Date(start + random() * 60 * 86_400_000)
      const now = new Date(since.getTime() + random() * 25 * 86_400_000)
      const days = 1 + Math.floor(random() * 12)
      expect(isOverdue(since, days, now)).toBe(since < overdueBefore(days, now))
    }
  })
})
