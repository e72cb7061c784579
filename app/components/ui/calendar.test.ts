import { describe, expect, it } from 'vitest'
import { addDays, dayKey, groupByDay, minutesIntoDay, monthGrid, placeInLanes, shiftMonth, startOfWeek, weekOf, weekdayIndex } from './calendar'

const BAKU = 'Asia/Baku'

describe('days in the place time zone', () => {
  it('puts a slot on the day of the factory clock, not of UTC', () => {
    // 21:30 UTC is 01:30 the next morning in Baku (UTC+4)
    expect(dayKey('2026-03-09T21:30:00Z', BAKU)).toBe('2026-03-10')
    expect(minutesIntoDay('2026-03-09T21:30:00Z', BAKU)).toBe(90)
    expect(dayKey('2026-03-09T21:30:00Z', 'UTC')).toBe('2026-03-09')
  })

  it('counts weeks from Monday', () => {
    expect(weekdayIndex('2026-03-09')).toBe(0) // a Monday
    expect(weekdayIndex('2026-03-15')).toBe(6) // a Sunday
    expect(startOfWeek('2026-03-15')).toBe('2026-03-09')
    expect(weekOf('2026-03-11')).toEqual(['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13', '2026-03-14', '2026-03-15'])
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29')
  })
})

describe('month grid', () => {
  it('covers the month in whole Monday-first weeks', () => {
    const weeks = monthGrid(2026, 2) // February 2026 starts on a Sunday
    expect(weeks[0][0]).toEqual({ day: '2026-01-26', inMonth: false })
    expect(weeks[0][6]).toEqual({ day: '2026-02-01', inMonth: true })
    expect(weeks.every((week) => week.length === 7)).toBe(true)
    const inMonth = weeks.flat().filter((cell) => cell.inMonth).map((cell) => cell.day)
    expect(inMonth).toHaveLength(28)
    expect(inMonth.at(-1)).toBe('2026-02-28')
    expect(weeks.at(-1)!.at(-1)!.day).toBe('2026-03-01')
  })

  it('has no trailing week of the next month', () => {
    const weeks = monthGrid(2021, 2) // February 2021: Monday 1st to Sunday 28th
    expect(weeks).toHaveLength(4)
    expect(weeks.flat().every((cell) => cell.inMonth)).toBe(true)
  })

  it('steps across years', () => {
    expect(shiftMonth(2026, 1, -1)).toEqual({ year: 2025, month: 12 })
    expect(shiftMonth(2026, 12, 1)).toEqual({ year: 2027, month: 1 })
  })
})

describe('slots of a day', () => {
  it('groups by local day in order and cuts a slot at midnight', () => {
    const items = [
      { id: 'late', start: '2026-03-10T18:00:00Z', end: '2026-03-10T21:00:00Z' }, // 22:00–01:00 local
      { id: 'morning', start: '2026-03-10T05:00:00Z', end: '2026-03-10T08:00:00Z' }, // 09:00–12:00
      { id: 'elsewhere', start: '2026-04-01T05:00:00Z', end: '2026-04-01T06:00:00Z' },
    ]
    const byDay = groupByDay(items, ['2026-03-10', '2026-03-11'], BAKU)
    expect(byDay.get('2026-03-10')!.map((item) => [item.id, item.startMin, item.endMin])).toEqual([
      ['morning', 540, 720],
      ['late', 1320, 1440],
    ])
    expect(byDay.get('2026-03-11')).toEqual([])
  })

  it('places overlapping slots side by side and the rest full width', () => {
    const placed = placeInLanes([
      { id: 'a', start: 540, end: 660 },
      { id: 'b', start: 600, end: 720 },
      { id: 'c', start: 660, end: 780 }, // fits in a's lane once a ends
      { id: 'd', start: 800, end: 860 }, // alone
    ])
    const byId = Object.fromEntries(placed.map((item) => [item.id, [item.lane, item.lanes]]))
    expect(byId).toEqual({ a: [0, 2], b: [1, 2], c: [0, 2], d: [0, 1] })
  })
})
