import { describe, expect, it } from 'vitest'
import { Types } from 'mongoose'
import { makeActiveFamily, makeFamilies, makePlace, makeResource, makeSlot, makeSlotAt, makeTrainingCourse, localDayFromNow } from '#tests/factories/training'
import { addDaysToKey, isoWeekday, zonedToUtc } from '#app/utils/zoned-time'
import { OutboxModel } from './outbox.server'
import { issueCertificate } from './certificate.server'
import { addClosedDay, WEEKDAY_HOURS } from './place.server'
import { SlotModel } from './slot.server'
import {
  BookingModel,
  bookSlot,
  cancelBooking,
  cancelSlot,
  changeCapacity,
  checkIn,
  completeSlot,
  countBookings,
  getHolderSchedule,
  markNoShow,
  promoteFromWaitlist,
  type Booking,
} from './booking.server'

const actor = null

async function slotState(slotId: Types.ObjectId) {
  const slot = await SlotModel.findById(slotId).lean()
  return {
    confirmed: slot!.confirmed,
    waiting: slot!.waiting,
    realConfirmed: await countBookings({ slotId, status: 'confirmed' }),
    realWaiting: await countBookings({ slotId, status: 'waitlisted' }),
  }
}

describe('bookSlot: each rule refuses with its own reason', () => {
  it('confirms a booking and counts it on the slot', async () => {
    const resource = await makeResource({ capacity: 2 })
    const slot = await makeSlot(resource._id)
    const { holder } = await makeActiveFamily()
    const result = await bookSlot({ slotId: slot._id, holder, actor })
    expect(result.ok && result.booking.status).toBe('confirmed')
    expect(await slotState(slot._id)).toEqual({ confirmed: 1, waiting: 0, realConfirmed: 1, realWaiting: 0 })
  })

  it('capacity_full, and offers the waitlist', async () => {
    const resource = await makeResource({ capacity: 1 })
    const slot = await makeSlot(resource._id)
    const [a, b] = await makeFamilies(2)
    expect((await bookSlot({ slotId: slot._id, holder: a, actor })).ok).toBe(true)
    const refused = await bookSlot({ slotId: slot._id, holder: b, actor })
    expect(refused).toMatchObject({ ok: false, reason: 'capacity_full', details: { waitlist: true } })
    expect(await countBookings({ slotId: slot._id })).toBe(1)
  })

  it('already_booked: one booking per holder per slot', async () => {
    const resource = await makeResource({ capacity: 5 })
    const slot = await makeSlot(resource._id)
    const { holder } = await makeActiveFamily()
    await bookSlot({ slotId: slot._id, holder, actor })
    expect(await bookSlot({ slotId: slot._id, holder, actor })).toMatchObject({ ok: false, reason: 'already_booked' })
    // and under a race of five different requests (different idempotency keys)
    const other = await makeSlot(resource._id, { daysAhead: 4 })
    const results = await Promise.all(Array.from({ length: 5 }, () => bookSlot({ slotId: other._id, holder, actor })))
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(Array(4).fill('already_booked'))
    expect((await slotState(other._id)).confirmed).toBe(1)
  })

  it('prerequisite_missing and certificate_expired (with the expiry date)', async () => {
    const course = await makeTrainingCourse({ certificateValidityMonths: 12 })
    const resource = await makeResource({ kind: 'line', rules: { prerequisites: [{ certificateOfCourseId: course._id }] } })
    const slot = await makeSlot(resource._id)
    const { holder } = await makeActiveFamily()
    expect(await bookSlot({ slotId: slot._id, holder, actor })).toMatchObject({ ok: false, reason: 'prerequisite_missing', details: { course: { en: course.title.en } } })
    const issuedAt = new Date(Date.now() - 400 * 86_400_000)
    const expired = await issueCertificate({ holder, courseId: course._id, issuedAt }, null)
    const refusal = await bookSlot({ slotId: slot._id, holder, actor })
    expect(refusal).toMatchObject({ ok: false, reason: 'certificate_expired' })
    expect(!refusal.ok && new Date(refusal.details!.expiredAt as Date).getTime()).toBe(new Date(expired.expiresAt!).getTime())
    await issueCertificate({ holder, courseId: course._id }, null)
    expect((await bookSlot({ slotId: slot._id, holder, actor })).ok).toBe(true)
  })

  it('quota_upcoming counts upcoming bookings across the quota group', async () => {
    const place = await makePlace()
    const rules = { quotaUpcoming: 2, quotaGroup: 'line' }
    const lineA = await makeResource({ kind: 'line', placeId: place._id, rules })
    const lineB = await makeResource({ kind: 'line', placeId: place._id, rules })
    const slots = [await makeSlot(lineA._id, { daysAhead: 2 }), await makeSlot(lineB._id, { daysAhead: 3 }), await makeSlot(lineA._id, { daysAhead: 4 })]
    const { holder } = await makeActiveFamily()
    expect((await bookSlot({ slotId: slots[0]._id, holder, actor })).ok).toBe(true)
    expect((await bookSlot({ slotId: slots[1]._id, holder, actor })).ok).toBe(true)
    expect(await bookSlot({ slotId: slots[2]._id, holder, actor })).toMatchObject({ ok: false, reason: 'quota_upcoming', details: { quota: 2 } })
    // a cancellation gives the quota back
    const mine = await BookingModel.findOne({ slotId: slots[0]._id }).lean<Booking>()
    expect((await cancelBooking({ bookingId: mine!._id, actor })).ok).toBe(true)
    expect((await bookSlot({ slotId: slots[2]._id, holder, actor })).ok).toBe(true)
  })

  it('quota_week counts the bookings of one ISO week', async () => {
    const resource = await makeResource({ kind: 'line', rules: { quotaPerWeek: 1 } })
    // Monday and Tuesday of next week, and the Monday after
    const monday = localDayFromNow(8 - isoWeekday(localDayFromNow(0)))
    const at = (day: string) => makeSlotAt(resource._id, zonedToUtc(day, '10:00', 'Asia/Baku'))
    const first = await at(monday)
    const tuesday = await at(addDaysToKey(monday, 1))
    const nextWeek = await at(addDaysToKey(monday, 7))
    const { holder } = await makeActiveFamily()
    expect((await bookSlot({ slotId: first._id, holder, actor })).ok).toBe(true)
    expect(await bookSlot({ slotId: tuesday._id, holder, actor })).toMatchObject({ ok: false, reason: 'quota_week', details: { quota: 1 } })
    expect((await bookSlot({ slotId: nextWeek._id, holder, actor })).ok).toBe(true)
  })

  it('too_late_notice and too_far_ahead', async () => {
    const resource = await makeResource({ rules: { minNoticeHours: 48, maxAdvanceDays: 10 } })
    const soon = await makeSlotAt(resource._id, new Date(Date.now() + 5 * 3_600_000))
    const far = await makeSlot(resource._id, { daysAhead: 20 })
    const fine = await makeSlot(resource._id, { daysAhead: 5 })
    const { holder } = await makeActiveFamily()
    expect(await bookSlot({ slotId: soon._id, holder, actor })).toMatchObject({ ok: false, reason: 'too_late_notice', details: { hours: 48 } })
    expect(await bookSlot({ slotId: far._id, holder, actor })).toMatchObject({ ok: false, reason: 'too_far_ahead', details: { days: 10 } })
    expect((await bookSlot({ slotId: fine._id, holder, actor })).ok).toBe(true)
  })

  it('overlap with the holder’s own bookings, even on another resource', async () => {
    const a = await makeResource()
    const b = await makeResource()
    const first = await makeSlot(a._id, { starts: '10:00', ends: '12:00' })
    const clash = await makeSlot(b._id, { starts: '11:00', ends: '13:00' })
    const adjacent = await makeSlot(b._id, { starts: '12:00', ends: '14:00' })
    const { holder } = await makeActiveFamily()
    expect((await bookSlot({ slotId: first._id, holder, actor })).ok).toBe(true)
    expect(await bookSlot({ slotId: clash._id, holder, actor })).toMatchObject({ ok: false, reason: 'overlap' })
    expect((await bookSlot({ slotId: adjacent._id, holder, actor })).ok).toBe(true)
  })

  it('closed_day and outside_opening_hours', async () => {
    const place = await makePlace({ openingHours: WEEKDAY_HOURS('09:00', '18:00', [1, 2, 3, 4, 5, 6, 7]) })
    const resource = await makeResource({ placeId: place._id })
    const slot = await makeSlot(resource._id, { daysAhead: 6 })
    await addClosedDay(place._id, localDayFromNow(6), 'Novruz', null)
    const { holder } = await makeActiveFamily()
    expect(await bookSlot({ slotId: slot._id, holder, actor })).toMatchObject({ ok: false, reason: 'closed_day', details: { note: 'Novruz' } })
    // opening hours shortened after the slot was made
    const late = await makeSlot(resource._id, { daysAhead: 7, starts: '16:00', ends: '18:00' })
    await (await import('./place.server')).PlaceModel.updateOne({ _id: place._id }, { $set: { openingHours: WEEKDAY_HOURS('09:00', '17:00', [1, 2, 3, 4, 5, 6, 7]) } })
    expect(await bookSlot({ slotId: late._id, holder, actor })).toMatchObject({ ok: false, reason: 'outside_opening_hours' })
  })

  it('slot_in_past, slot_closed and slot_not_found', async () => {
    const resource = await makeResource()
    const past = await makeSlotAt(resource._id, new Date(Date.now() - 3_600_000))
    const cancelled = await makeSlot(resource._id)
    await cancelSlot(cancelled._id, null)
    const { holder } = await makeActiveFamily()
    expect(await bookSlot({ slotId: past._id, holder, actor })).toMatchObject({ ok: false, reason: 'slot_in_past' })
    expect(await bookSlot({ slotId: cancelled._id, holder, actor })).toMatchObject({ ok: false, reason: 'slot_closed' })
    expect(await bookSlot({ slotId: new Types.ObjectId(), holder, actor })).toMatchObject({ ok: false, reason: 'slot_not_found' })
  })

  it('holder_not_eligible (not accepted, wrong kind) and suspended', async () => {
    const resource = await makeResource()
    const slot = await makeSlot(resource._id)
    const left = await makeActiveFamily({ status: 'left' })
    const suspended = await makeActiveFamily({ status: 'suspended' })
    expect(await bookSlot({ slotId: slot._id, holder: left.holder, actor })).toMatchObject({ ok: false, reason: 'holder_not_eligible' })
    expect(await bookSlot({ slotId: slot._id, holder: { kind: 'family', id: new Types.ObjectId() }, actor })).toMatchObject({ ok: false, reason: 'holder_not_eligible' })
    expect(await bookSlot({ slotId: slot._id, holder: suspended.holder, actor })).toMatchObject({ ok: false, reason: 'suspended' })
    expect(await bookSlot({ slotId: slot._id, holder: { kind: 'startup', id: new Types.ObjectId() }, actor })).toMatchObject({ ok: false, reason: 'holder_not_eligible' })
  })
})

describe('idempotency', () => {
  it('a retry with the same key returns the first booking, also when sent at once', async () => {
    const resource = await makeResource({ capacity: 10 })
    const slot = await makeSlot(resource._id)
    const { holder } = await makeActiveFamily()
    const results = await Promise.all(Array.from({ length: 6 }, () => bookSlot({ slotId: slot._id, holder, actor, idempotencyKey: 'click-1' })))
    const ids = new Set(results.map((r) => r.ok && String(r.booking._id)))
    expect(results.every((r) => r.ok)).toBe(true)
    expect(ids.size).toBe(1)
    expect(await countBookings({ slotId: slot._id })).toBe(1)
    expect((await slotState(slot._id)).confirmed).toBe(1)
    const other = await makeSlot(resource._id, { daysAhead: 5 })
    expect(await bookSlot({ slotId: other._id, holder, actor, idempotencyKey: 'click-1' })).toMatchObject({ ok: false, reason: 'idempotency_conflict' })
  })
})

describe('waitlist, cancellation and promotion', () => {
  it('promotes the first waiting holder when a place frees, flags a late cancel and mails the promoted family', async () => {
    const resource = await makeResource({ capacity: 1, rules: { cancelCutoffHours: 24 * 30 } })
    const slot = await makeSlot(resource._id)
    const a = await makeActiveFamily()
    const b = await makeActiveFamily({ withMember: true, email: 'promoted@example.az' })
    const c = await makeActiveFamily()
    const first = await bookSlot({ slotId: slot._id, holder: a.holder, actor })
    const second = await bookSlot({ slotId: slot._id, holder: b.holder, actor, joinWaitlist: true })
    const third = await bookSlot({ slotId: slot._id, holder: c.holder, actor, joinWaitlist: true })
    expect(second).toMatchObject({ ok: true, booking: { status: 'waitlisted', waitlistPosition: 1 } })
    expect(third).toMatchObject({ ok: true, booking: { status: 'waitlisted', waitlistPosition: 2 } })
    const cancelled = await cancelBooking({ bookingId: first.ok ? first.booking._id : '', actor })
    expect(cancelled).toMatchObject({ ok: true, lateCancel: true, booking: { status: 'cancelled', lateCancel: true } })
    expect(cancelled.ok && cancelled.promoted.map((p) => String(p.holder.id))).toEqual([String(b.family._id)])
    expect(await slotState(slot._id)).toEqual({ confirmed: 1, waiting: 1, realConfirmed: 1, realWaiting: 1 })
    const mail = await OutboxModel.findOne({ to: 'promoted@example.az', template: 'booking.promoted' }).lean()
    expect(mail).not.toBeNull()
    // a newcomer cannot jump the queue while someone waits
    const d = await makeActiveFamily()
    expect(await bookSlot({ slotId: slot._id, holder: d.holder, actor, joinWaitlist: true })).toMatchObject({ ok: true, booking: { status: 'waitlisted', waitlistPosition: 3 } })
  })

  it('raising the capacity promotes; lowering below the confirmed count is refused', async () => {
    const resource = await makeResource({ capacity: 1 })
    const slot = await makeSlot(resource._id)
    const [a, b, c] = await makeFamilies(3)
    await bookSlot({ slotId: slot._id, holder: a, actor })
    await bookSlot({ slotId: slot._id, holder: b, actor, joinWaitlist: true })
    await bookSlot({ slotId: slot._id, holder: c, actor, joinWaitlist: true })
    const raised = await changeCapacity(slot._id, 2, null)
    expect(raised.ok && raised.promoted?.map((p) => String(p.holder.id))).toEqual([String(b.id)])
    expect(await changeCapacity(slot._id, 1, null)).toMatchObject({ ok: false, reason: 'capacity_below_confirmed', details: { confirmed: 2 } })
    expect(await slotState(slot._id)).toEqual({ confirmed: 2, waiting: 1, realConfirmed: 2, realWaiting: 1 })
  })

  it('a promoted holder whose time is now taken leaves the queue with the reason; the next one gets the place', async () => {
    const resource = await makeResource({ capacity: 1 })
    const other = await makeResource()
    const slot = await makeSlot(resource._id)
    const clash = await makeSlot(other._id)
    const [a, b, c] = await makeFamilies(3)
    const first = await bookSlot({ slotId: slot._id, holder: a, actor })
    await bookSlot({ slotId: slot._id, holder: b, actor, joinWaitlist: true })
    await bookSlot({ slotId: slot._id, holder: c, actor, joinWaitlist: true })
    await bookSlot({ slotId: clash._id, holder: b, actor })
    const result = await cancelBooking({ bookingId: first.ok ? first.booking._id : '', actor })
    expect(result.ok && result.promoted.map((p) => String(p.holder.id))).toEqual([String(c.id)])
    const skipped = await BookingModel.findOne({ slotId: slot._id, 'holder.id': b.id }).lean<Booking>()
    expect(skipped).toMatchObject({ status: 'cancelled', cancelReason: 'promotion_refused:overlap' })
    expect(await slotState(slot._id)).toEqual({ confirmed: 1, waiting: 0, realConfirmed: 1, realWaiting: 0 })
  })

  it('cancelling a slot cancels its bookings, frees the holders and tells them', async () => {
    const resource = await makeResource({ capacity: 1, rules: { quotaUpcoming: 1 } })
    const slot = await makeSlot(resource._id)
    const later = await makeSlot(resource._id, { daysAhead: 6 })
    const a = await makeActiveFamily({ withMember: true, email: 'cancelled-slot@example.az' })
    const [b] = await makeFamilies(1)
    await bookSlot({ slotId: slot._id, holder: a.holder, actor })
    await bookSlot({ slotId: slot._id, holder: b, actor, joinWaitlist: true })
    const result = await cancelSlot(slot._id, null, { reason: 'Trainer ill' })
    expect(result).toMatchObject({ ok: true, affected: 2 })
    expect(await countBookings({ slotId: slot._id, status: 'cancelled' })).toBe(2)
    expect(await OutboxModel.countDocuments({ to: 'cancelled-slot@example.az', template: 'booking.slotCancelled' })).toBe(1)
    // the quota is free again
    expect((await bookSlot({ slotId: later._id, holder: a.holder, actor })).ok).toBe(true)
  })

  it('a holder cannot cancel after the start; staff check in, mark no-shows and close the slot', async () => {
    const resource = await makeResource({ capacity: 3 })
    const startsAt = new Date(Date.now() + 30 * 60_000)
    const slot = await makeSlotAt(resource._id, startsAt, 120)
    const [a, b, c] = await makeFamilies(3)
    const bookings = await Promise.all([a, b, c].map((holder) => bookSlot({ slotId: slot._id, holder, actor })))
    const [ba, bb, bc] = bookings.map((r) => (r.ok ? r.booking : null)!)
    const afterStart = new Date(startsAt.getTime() + 5 * 60_000)
    expect(await cancelBooking({ bookingId: ba._id, actor, now: afterStart })).toMatchObject({ ok: false, reason: 'slot_in_past' })
    expect(await checkIn(ba._id, null, { now: new Date(startsAt.getTime() - 3 * 3_600_000) })).toMatchObject({ ok: false, reason: 'not_allowed_now' })
    expect(await checkIn(ba._id, null, { now: afterStart })).toMatchObject({ ok: true, booking: { status: 'checked_in', attendance: 'present' } })
    expect(await markNoShow(bb._id, null, { now: afterStart })).toMatchObject({ ok: true, booking: { status: 'no_show' } })
    expect(await completeSlot(slot._id, null, { now: new Date(startsAt.getTime() - 60_000) })).toMatchObject({ ok: false, reason: 'not_allowed_now' })
    expect(await completeSlot(slot._id, null, { now: afterStart })).toMatchObject({ ok: true })
    const final = await BookingModel.find({ slotId: slot._id }).lean<Booking[]>()
    const byId = new Map(final.map((x) => [String(x._id), x]))
    expect(byId.get(String(ba._id))?.status).toBe('completed')
    expect(byId.get(String(bb._id))?.status).toBe('no_show')
    expect(byId.get(String(bc._id))).toMatchObject({ status: 'no_show', attendance: 'absent' })
    const schedule = await getHolderSchedule(a)
    expect(schedule?.busy).toHaveLength(0)
  })
})

describe('concurrency', () => {
  it('300 holders at once at a slot of 12: exactly 12 confirmed, the rest waitlisted in one unbroken order, counters true', async () => {
    const resource = await makeResource({ capacity: 12 })
    const slot = await makeSlot(resource._id)
    const holders = await makeFamilies(300)
    const results = await Promise.all(holders.map((holder, i) => bookSlot({ slotId: slot._id, holder, actor, joinWaitlist: true, idempotencyKey: `race-${i}` })))
    expect(results.every((r) => r.ok)).toBe(true)
    const confirmed = results.filter((r) => r.ok && r.booking.status === 'confirmed')
    const waitlisted = results.filter((r) => r.ok && r.booking.status === 'waitlisted')
    expect(confirmed).toHaveLength(12)
    expect(waitlisted).toHaveLength(288)
    const positions = waitlisted.map((r) => (r.ok ? r.booking.waitlistPosition : 0)).sort((x, y) => x! - y!)
    expect(positions).toEqual(Array.from({ length: 288 }, (_, i) => i + 1))
    expect(await slotState(slot._id)).toEqual({ confirmed: 12, waiting: 288, realConfirmed: 12, realWaiting: 288 })
  })

  it('300 holders at once without the waitlist: 12 confirmed, 288 refused as full', async () => {
    const resource = await makeResource({ capacity: 12 })
    const slot = await makeSlot(resource._id)
    const holders = await makeFamilies(300)
    const results = await Promise.all(holders.map((holder) => bookSlot({ slotId: slot._id, holder, actor })))
    expect(results.filter((r) => r.ok)).toHaveLength(12)
    expect(results.filter((r) => !r.ok && r.reason === 'capacity_full')).toHaveLength(288)
    expect(await slotState(slot._id)).toEqual({ confirmed: 12, waiting: 0, realConfirmed: 12, realWaiting: 0 })
  })

  it('cancel and promote racing: never over capacity, nobody promoted twice, promotions in queue order', async () => {
    const resource = await makeResource({ capacity: 5 })
    const slot = await makeSlot(resource._id)
    const holders = await makeFamilies(15)
    const booked: Booking[] = []
    for (const holder of holders) {
      const r = await bookSlot({ slotId: slot._id, holder, actor, joinWaitlist: true })
      if (r.ok) booked.push(r.booking)
    }
    const confirmed = booked.filter((b) => b.status === 'confirmed')
    const queue = booked.filter((b) => b.status === 'waitlisted').sort((x, y) => x.waitlistPosition! - y.waitlistPosition!)
    expect(confirmed).toHaveLength(5)
    const results = await Promise.all([
      ...confirmed.slice(0, 3).map((b) => cancelBooking({ bookingId: b._id, actor })),
      ...Array.from({ length: 6 }, () => promoteFromWaitlist(slot._id)),
      cancelBooking({ bookingId: queue[9]._id, actor }),
    ])
    expect(results.slice(0, 3).every((r) => 'ok' in r && r.ok)).toBe(true)
    const state = await slotState(slot._id)
    expect(state).toEqual({ confirmed: 5, waiting: 6, realConfirmed: 5, realWaiting: 6 })
    const promotedIds = (await BookingModel.find({ slotId: slot._id, status: 'confirmed' }).lean<Booking[]>()).map((b) => String(b._id))
    for (const b of queue.slice(0, 3)) expect(promotedIds).toContain(String(b._id))
    const promotions = await BookingModel.find({ slotId: slot._id }).lean<Booking[]>()
    for (const b of promotions) expect(b.history.filter((h) => h.note === 'promoted from the waitlist').length).toBeLessThanOrEqual(1)
  })

  it('one holder firing 20 bookings at 20 slots at once keeps its quota and never overlaps itself', async () => {
    const resource = await makeResource({ kind: 'line', capacity: 5, rules: { quotaUpcoming: 4 } })
    const [holder] = await makeFamilies(1)
    const slots = []
    // 20 slots over 10 days, two per day overlapping each other (10:00–12:00 and 11:00–13:00)
    for (let d = 0; d < 10; d++) {
      slots.push(await makeSlot(resource._id, { daysAhead: 2 + d, starts: '10:00', ends: '12:00' }))
      slots.push(await makeSlot(resource._id, { daysAhead: 2 + d, starts: '11:00', ends: '13:00' }))
    }
    const results = await Promise.all(slots.map((slot) => bookSlot({ slotId: slot._id, holder, actor })))
    const mine = await BookingModel.find({ 'holder.id': holder.id, status: 'confirmed' }).sort({ startsAt: 1 }).lean<Booking[]>()
    expect(mine.length).toBeLessThanOrEqual(4)
    expect(mine.length).toBe(results.filter((r) => r.ok).length)
    for (let i = 1; i < mine.length; i++) expect(new Date(mine[i].startsAt) >= new Date(mine[i - 1].endsAt)).toBe(true)
    const refusals = new Set(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason))
    for (const reason of refusals) expect(['quota_upcoming', 'overlap']).toContain(reason)
    const schedule = await getHolderSchedule(holder)
    expect(schedule?.busy).toHaveLength(mine.length)
    expect(schedule?.upcoming.line).toBe(mine.length)
    const totals = await SlotModel.find({ _id: { $in: slots.map((s) => s._id) } }).lean()
    expect(totals.reduce((sum, s) => sum + s.confirmed, 0)).toBe(mine.length)
  })
})
