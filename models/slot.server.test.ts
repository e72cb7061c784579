import { describe, expect, it } from 'vitest'
import { clockOf, dayKeyOf } from '#app/utils/zoned-time'
import { makePlace, makeResource } from '#tests/factories/training'
import { WEEKDAY_HOURS } from './place.server'
import { createSlot, createSlotTemplate, generateSlots, listResourceSlots } from './slot.server'

describe('generateSlots', () => {
  it('keeps the wall-clock time across a daylight-saving change and skips a holiday', async () => {
    // Europe/Berlin moves its clocks forward on Sunday 29 March 2026; Friday 27 March is a holiday here
    const place = await makePlace({ timezone: 'Europe/Berlin', openingHours: WEEKDAY_HOURS('08:00', '19:00'), closedDays: [{ date: '2026-03-27', reason: 'Holiday' }] })
    const resource = await makeResource({ placeId: place._id, capacity: 6 })
    const result = await generateSlots(
      { resourceId: resource._id, weekdays: [1, 2, 3, 4, 5], times: [{ starts: '09:00', ends: '13:00' }, { starts: '14:00', ends: '18:00' }], from: '2026-03-23', to: '2026-04-03' },
      null,
    )
    expect(result).toMatchObject({ ok: true, created: 18, existing: 0 })
    expect(result.ok && result.skipped).toEqual([
      { date: '2026-03-27', starts: '09:00', reason: 'closed_day', note: 'Holiday' },
      { date: '2026-03-27', starts: '14:00', reason: 'closed_day', note: 'Holiday' },
    ])
    const slots = await listResourceSlots(resource._id)
    expect(slots).toHaveLength(18)
    // every slot is 09:00 or 14:00 on the Berlin wall clock…
    expect(new Set(slots.map((s) => clockOf(s.startsAt, 'Europe/Berlin')))).toEqual(new Set(['09:00', '14:00']))
    expect(slots.some((s) => dayKeyOf(s.startsAt, 'Europe/Berlin') === '2026-03-27')).toBe(false)
    // …so the UTC instant moves by an hour across the change
    const before = slots.find((s) => dayKeyOf(s.startsAt, 'Europe/Berlin') === '2026-03-26' && clockOf(s.startsAt, 'Europe/Berlin') === '09:00')!
    const after = slots.find((s) => dayKeyOf(s.startsAt, 'Europe/Berlin') === '2026-03-30' && clockOf(s.startsAt, 'Europe/Berlin') === '09:00')!
    expect(new Date(before.startsAt).toISOString()).toBe('2026-03-26T08:00:00.000Z')
    expect(new Date(after.startsAt).toISOString()).toBe('2026-03-30T07:00:00.000Z')
    expect(new Date(after.endsAt).getTime() - new Date(after.startsAt).getTime()).toBe(4 * 3_600_000)
    expect(slots.every((s) => s.capacity === 6)).toBe(true)
  })

  it('does not duplicate slots when generated again, and reports periods outside the opening hours', async () => {
    const place = await makePlace({ openingHours: WEEKDAY_HOURS('09:00', '13:00') })
    const resource = await makeResource({ placeId: place._id })
    const template = await createSlotTemplate({ resourceId: resource._id, weekdays: [1, 3], times: [{ starts: '09:00', ends: '13:00' }, { starts: '14:00', ends: '18:00' }], from: '2030-01-07', to: '2030-01-13', capacity: 3 }, null)
    const first = await generateSlots(template._id, null)
    expect(first).toMatchObject({ ok: true, created: 2 })
    expect(first.ok && first.skipped.map((s) => s.reason)).toEqual(['outside_opening_hours', 'outside_opening_hours'])
    const again = await generateSlots(template._id, null)
    expect(again).toMatchObject({ ok: true, created: 0, existing: 2 })
    const slots = await listResourceSlots(resource._id)
    expect(slots.map((s) => new Date(s.startsAt).toISOString())).toEqual(['2030-01-07T05:00:00.000Z', '2030-01-09T05:00:00.000Z'])
    expect(slots.every((s) => String(s.templateId) === String(template._id))).toBe(true)
  })

  it('refuses a reversed or empty range and a single slot on a closed day', async () => {
    const place = await makePlace({ closedDays: [{ date: '2030-03-21', reason: 'Novruz' }] })
    const resource = await makeResource({ placeId: place._id })
    expect(await generateSlots({ resourceId: resource._id, weekdays: [1], times: [{ starts: '09:00', ends: '10:00' }], from: '2030-02-01', to: '2030-01-01' }, null)).toMatchObject({ ok: false, reason: 'invalid_period' })
    expect(await generateSlots({ resourceId: resource._id, weekdays: [1], times: [{ starts: '9am', ends: '10:00' }], from: '2030-01-01', to: '2030-01-31' }, null)).toMatchObject({ ok: false, reason: 'invalid_period' })
    const single = await createSlot({ resourceId: resource._id, startsAt: new Date('2030-03-21T06:00:00Z'), endsAt: new Date('2030-03-21T08:00:00Z') }, null)
    expect(single).toMatchObject({ ok: false, reason: 'closed_day', details: { note: 'Novruz' } })
  })
})
