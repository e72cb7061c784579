import { describe, expect, test } from 'vitest'
import { clearFailures, countFailures, minutesUntilBelow, recordFailure } from './login-attempt.server'

const WINDOW = 15
const MINUTE = 60_000
// the start of a 15-minute window
const start = Math.floor(Date.UTC(2026, 10, 29, 10, 0) / (WINDOW * MINUTE)) * WINDOW * MINUTE

async function fail(key: string, times: number, at: number) {
  for (let i = 0; i < times; i++) await recordFailure([key], WINDOW, at)
}

describe('failed-login counting over a sliding window', () => {
  test('a burst across a window boundary is counted whole, not started again from zero', async () => {
    const key = 'account:burst@example.az'
    await fail(key, 5, start + 14 * MINUTE)
    // half a minute into the next window almost all of the last five still count
    expect(await countFailures([key], WINDOW, start + 15.5 * MINUTE)).toBeCloseTo(5 * (1 - 0.5 / 15), 5)
    await fail(key, 3, start + 15.5 * MINUTE)
    expect(await countFailures([key], WINDOW, start + 15.5 * MINUTE)).toBeGreaterThanOrEqual(5)
    // and they fade: a whole window later only the three newer ones weigh, partly
    expect(await countFailures([key], WINDOW, start + 31 * MINUTE)).toBeLessThan(3)
    expect(await countFailures([key], WINDOW, start + 46 * MINUTE)).toBe(0)
  })

  test('says when the account may try again, and a successful login clears the counters', async () => {
    const key = 'account:locked@example.az'
    await fail(key, 5, start + MINUTE)
    expect(await minutesUntilBelow([{ key, limit: 5 }], WINDOW, start + MINUTE)).toBe(15)
    // a wider limit is free at once
    expect(await minutesUntilBelow([{ key, limit: 6 }], WINDOW, start + MINUTE)).toBe(1)
    await clearFailures([key], WINDOW, start + 16 * MINUTE)
    expect(await countFailures([key], WINDOW, start + 16 * MINUTE)).toBe(0)
  })
})
