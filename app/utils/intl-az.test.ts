import { describe, expect, it } from 'vitest'
import { formatAzDate, formatAzNumber } from './intl-az'

/** Node ships full ICU: its Azerbaijani output is the CLDR reference the hand-built one must equal. */
const reference = (value: Date, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('az-Latn-AZ', options).format(value)

const DATE_OPTIONS: Intl.DateTimeFormatOptions[] = [
  { dateStyle: 'short' },
  { dateStyle: 'medium' },
  { dateStyle: 'long' },
  { dateStyle: 'full' },
  { dateStyle: 'medium', timeStyle: 'short' },
  { timeStyle: 'short' },
  { weekday: 'short', day: 'numeric', month: 'short' },
  { weekday: 'long' },
  { weekday: 'short' },
  { month: 'long', year: 'numeric' },
  { day: 'numeric', month: 'long' },
  { day: 'numeric', month: 'short', year: 'numeric' },
  { day: '2-digit', month: '2-digit', year: 'numeric' },
  { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  { weekday: 'long', day: 'numeric', month: 'long' },
  { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
]

// every month and every weekday, around midnight in Baku (UTC+4) to catch a day slipping
const DATES = Array.from({ length: 12 }, (_, m) => new Date(Date.UTC(2026, m, 3 + m, 20 + (m % 2) * 3, 5 + m)))

describe('Azerbaijani dates', () => {
  it.each(DATE_OPTIONS.map((options) => [JSON.stringify(options), options] as const))('match CLDR for %s', (_name, options) => {
    for (const timeZone of ['Asia/Baku', 'UTC']) {
      for (const date of DATES) expect(formatAzDate(date, { ...options, timeZone })).toBe(reference(date, { ...options, timeZone }))
    }
  })

  it('joins a long date and a time with a comma (CLDR has a slash)', () => {
    expect(formatAzDate(new Date('2026-01-03T20:05:00Z'), { dateStyle: 'long', timeStyle: 'short', timeZone: 'Asia/Baku' })).toBe('4 yanvar 2026, 00:05')
  })
})

describe('Azerbaijani numbers and money', () => {
  const money = new Intl.NumberFormat('az-Latn-AZ', { style: 'currency', currency: 'AZN' })
  const plain = new Intl.NumberFormat('az-Latn-AZ')
  it.each([0, 0.5, 12.5, 1234.5, -1234567.891, 1e9])('match CLDR for %d', (value) => {
    expect(formatAzNumber(value, { style: 'currency', currency: 'AZN' })).toBe(money.format(value))
    expect(formatAzNumber(value)).toBe(plain.format(value))
  })

  it('writes the manat sign after the amount', () => {
    expect(formatAzNumber(12.5, { style: 'currency', currency: 'AZN' })).toBe('12,50\u00a0₼')
  })
})
