import { describe, expect, test } from 'vitest'
import { Types } from 'mongoose'
import { certify, makeCertifiedFamilies, makeCourse, makeFamily, makeFamilyMember, makeLine, makeProduct, makeShift, makeTechnician } from '#tests/factories/factory'
import { BookingModel, type Booking } from './booking.server'
import { addLocalDays, localDay, localTime } from './factory-days'
import {
  applyNoShowRule,
  assignShiftTechnician,
  bookShift,
  cancelShift,
  checkInFamily,
  closeLineForMaintenance,
  closeShift,
  familyLineStandings,
  getFactorySuspension,
  listFamilyShifts,
  listFloorShifts,
  markFamilyNoShow,
  planShifts,
  sendShiftReminders,
} from './factory.server'
import { OutboxModel } from './outbox.server'
import { SlotModel } from './slot.server'

const actor = { _id: new Types.ObjectId(), name: 'Staff' }

/** A line that needs one course, a certified family with a jam product and a member who gets mail. */
async function floor(options: { capacity?: number; quotaUpcoming?: number } = {}) {
  const course = await makeCourse({ title: 'Dairy hygiene' })
  const { line } = await makeLine({ courseIds: [course._id], capacity: options.capacity ?? 6, quotaUpcoming: options.quotaUpcoming ?? 3 })
  const family = await makeFamily({ name: 'Abbasovlar' })
  await makeFamilyMember(family._id, { email: `member${Date.now()}@example.az` })
  await certify(family._id, course._id)
  const product = await makeProduct(family._id, { category: 'jam', title: 'Medlar jam' })
  return { course, line, family, product }
}

function book(slotId: unknown, familyId: unknown, sku: string, extra: Partial<Parameters<typeof bookShift>[0]> = {}) {
  return bookShift({ slotId: String(slotId), familyId: String(familyId), sku, plannedQty: 40, unit: 'jar', actor, ...extra })
}

describe('booking a shift', () => {
  test('a certified family books with its planned product and quantity', async () => {
    const { line, family, product } = await floor()
    const shift = await makeShift(line._id)
    const result = await book(shift._id, family._id, product.sku)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.booking.status).toBe('confirmed')
    expect(result.booking.purpose).toMatchObject({ sku: product.sku, plannedQty: 40, unit: 'jar', productName: { en: expect.stringContaining('Medlar jam') } })
    expect((await SlotModel.findById(shift._id).lean())!.confirmed).toBe(1)
  })

  test('without the certificate the family is told which course it needs; with an expired one, when it expired', async () => {
    const { course, line, product } = await floor()
    const shift = await makeShift(line._id)
    const stranger = await makeFamily()
    const strangerProduct = await makeProduct(stranger._id)
    expect(await book(shift._id, stranger._id, strangerProduct.sku)).toMatchObject({ ok: false, reason: 'prerequisite_missing', details: { course: { en: 'Dairy hygiene' } } })

    const lapsed = await makeFamily()
    const lapsedProduct = await makeProduct(lapsed._id)
    await certify(lapsed._id, course._id, { issuedAt: new Date(Date.now() - 25 * 30 * 86_400_000) })
    const refused = await book(shift._id, lapsed._id, lapsedProduct.sku)
    expect(refused).toMatchObject({ ok: false, reason: 'certificate_expired', details: { expiredAt: expect.any(Date) } })
    expect(product.sku).toBeTruthy()
  })

  test('beyond the quota of upcoming shifts the family is told its quota', async () => {
    const { line, family, product } = await floor({ quotaUpcoming: 3 })
    for (const daysAhead of [1, 2, 3]) expect((await book((await makeShift(line._id, { daysAhead }))._id, family._id, product.sku)).ok).toBe(true)
    expect(await book((await makeShift(line._id, { daysAhead: 4 }))._id, family._id, product.sku)).toMatchObject({ ok: false, reason: 'quota_upcoming', details: { quota: 3 } })
  })

  test('a family cannot be on two lines at the same time', async () => {
    const { course, line, family, product } = await floor()
    const { line: other } = await makeLine({ code: 'PKL', courseIds: [course._id] })
    expect((await book((await makeShift(line._id, { starts: '09:00', ends: '13:00' }))._id, family._id, product.sku)).ok).toBe(true)
    expect(await book((await makeShift(other._id, { starts: '12:00', ends: '16:00' }))._id, family._id, product.sku)).toMatchObject({ ok: false, reason: 'overlap' })
  })

  test('a shift that has started or passed cannot be booked', async () => {
    const { line, family, product } = await floor()
    const shift = await makeShift(line._id)
    expect(await book(shift._id, family._id, product.sku, { now: new Date(shift.startsAt.getTime() + 60_000) })).toMatchObject({ ok: false, reason: 'slot_in_past' })
  })

  test('another family’s product, a category the line cannot make and absurd quantities are refused', async () => {
    const { line, family } = await floor()
    const shift = await makeShift(line._id)
    const neighbour = await makeFamily()
    const theirs = await makeProduct(neighbour._id)
    expect(await book(shift._id, family._id, theirs.sku)).toEqual({ ok: false, reason: 'product_not_family' })
    const carpet = await makeProduct(family._id, { category: 'carpets' })
    expect(await book(shift._id, family._id, carpet.sku)).toEqual({ ok: false, reason: 'line_cannot_make' })
    const jam = await makeProduct(family._id)
    for (const plannedQty of [0, -5, 2.5, 1_000_000]) expect(await book(shift._id, family._id, jam.sku, { plannedQty })).toEqual({ ok: false, reason: 'planned_qty_invalid' })
  })

  test('a full shift offers the waitlist; a cancellation gives the place to the first in line', async () => {
    const { course, line, family, product } = await floor({ capacity: 1 })
    const shift = await makeShift(line._id)
    const second = await makeFamily()
    await certify(second._id, course._id)
    const secondProduct = await makeProduct(second._id)
    const first = await book(shift._id, family._id, product.sku)
    expect(await book(shift._id, second._id, secondProduct.sku)).toMatchObject({ ok: false, reason: 'capacity_full', details: { waitlist: true } })
    const waiting = await book(shift._id, second._id, secondProduct.sku, { joinWaitlist: true })
    expect(waiting.ok && waiting.booking.status).toBe('waitlisted')
    const cancelled = await cancelShift({ bookingId: String(first.ok && first.booking._id), familyId: family._id, actor })
    expect(cancelled.ok && cancelled.promoted.map((b) => String(b.holder.id))).toEqual([String(second._id)])
  })

  test('a family cannot cancel another family’s booking', async () => {
    const { line, family, product } = await floor()
    const shift = await makeShift(line._id)
    const booked = await book(shift._id, family._id, product.sku)
    expect(await cancelShift({ bookingId: String(booked.ok && booked.booking._id), familyId: new Types.ObjectId(), actor })).toEqual({ ok: false, reason: 'not_found' })
  })

  test('the calendar lists shifts of certified lines with free places, and names the certificate a line needs', async () => {
    const { line, family, product } = await floor({ capacity: 6 })
    const { line: dairy } = await makeLine({ code: 'DRY', courseIds: [(await makeCourse({ title: 'Cheese making' }))._id] })
    const shift = await makeShift(line._id)
    await makeShift(dairy._id)
    await book(shift._id, family._id, product.sku)
    const from = localTime(localDay(new Date()), '00:00')
    const { shifts, standings } = await listFamilyShifts({ familyId: family._id, from, to: new Date(from.getTime() + 7 * 86_400_000) })
    expect(shifts.map((s) => [s.line?.code, s.free, s.mine?.status])).toEqual([['JAM', 5, 'confirmed']])
    expect(standings.find((s) => s.line.code === 'DRY')?.standing).toMatchObject({ ok: false, refusal: { reason: 'prerequisite_missing', details: { course: { en: 'Cheese making' } } } })
    expect((await familyLineStandings(family._id)).find((s) => s.line.code === 'JAM')?.standing).toEqual({ ok: true })
  })
})

describe('no-shows', () => {
  test('three no-shows in 30 days suspend new bookings, once, with a mail; an excused absence does not count', async () => {
    const { line, family, product } = await floor({ quotaUpcoming: 10 })
    const bookings: Booking[] = []
    for (const daysAhead of [1, 2, 3, 4]) {
      const result = await book((await makeShift(line._id, { daysAhead }))._id, family._id, product.sku)
      if (result.ok) bookings.push(result.booking)
    }
    const at = (i: number) => new Date(bookings[i].startsAt.getTime() + 30 * 60_000)
    await markFamilyNoShow(String(bookings[0]._id), actor, { now: at(0), excused: true })
    await markFamilyNoShow(String(bookings[1]._id), actor, { now: at(1) })
    await markFamilyNoShow(String(bookings[2]._id), actor, { now: at(2) })
    expect(await getFactorySuspension(family._id, at(2))).toBeNull()
    await markFamilyNoShow(String(bookings[3]._id), actor, { now: at(3) })
    const suspension = await getFactorySuspension(family._id, at(3))
    expect(suspension?.noShows).toBe(3)
    expect(suspension!.until.getTime()).toBe(at(3).getTime() + 14 * 86_400_000)
    expect(await applyNoShowRule(family._id, actor, at(3))).toBeNull()
    expect(await OutboxModel.countDocuments({ template: 'factory.suspended' })).toBe(1)

    const refused = await book((await makeShift(line._id, { daysAhead: 8 }))._id, family._id, product.sku, { now: at(3) })
    expect(refused).toMatchObject({ ok: false, reason: 'suspended', details: { noShows: 3 } })
    expect(await getFactorySuspension(family._id, new Date(at(3).getTime() + 15 * 86_400_000))).toBeNull()
  })

  test('closing a shift turns the families that never checked in into no-shows and completes the others', async () => {
    const { course, line, family, product } = await floor()
    const other = await makeFamily()
    await certify(other._id, course._id)
    const otherProduct = await makeProduct(other._id)
    const shift = await makeShift(line._id)
    const came = await book(shift._id, family._id, product.sku)
    const absent = await book(shift._id, other._id, otherProduct.sku)
    const during = new Date(shift.startsAt.getTime() + 60 * 60_000)
    expect((await checkInFamily(String(came.ok && came.booking._id), actor, { now: during })).ok).toBe(true)
    expect((await closeShift(String(shift._id), actor, { now: during })).ok).toBe(true)
    const statuses = await BookingModel.find({ slotId: shift._id }).select('status holder').lean()
    expect(Object.fromEntries(statuses.map((b) => [String(b.holder.id), b.status]))).toEqual({ [String(family._id)]: 'completed', [String(other._id)]: 'no_show' })
    expect(absent.ok).toBe(true)
  })
})

describe('staff', () => {
  test('maintenance cancels the bookings of the period with notice, and the line cannot be booked then', async () => {
    const { line, family, product } = await floor()
    const shift = await makeShift(line._id, { daysAhead: 2 })
    expect((await book(shift._id, family._id, product.sku)).ok).toBe(true)
    const day = addLocalDays(localDay(new Date()), 2)
    const result = await closeLineForMaintenance({ lineId: line._id, from: localTime(day, '00:00'), to: localTime(day, '23:59'), reason: 'Kettle repair' }, actor)
    expect(result).toEqual({ ok: true, shifts: 1, bookings: 1 })
    expect((await BookingModel.findOne({ slotId: shift._id }).lean())!.status).toBe('cancelled')
    const mails = await OutboxModel.find({ template: 'booking.slotCancelled' }).lean()
    expect(mails).toHaveLength(1)
    const plan = await planShifts({ lineId: line._id, weekdays: [1, 2, 3, 4, 5, 6, 7], times: [{ starts: '14:00', ends: '18:00' }], from: day, to: day }, actor)
    expect(plan.ok).toBe(true)
    const afternoon = await SlotModel.findOne({ resourceId: line._id, startsAt: localTime(day, '14:00') }).lean()
    expect(afternoon?.status).toBe('cancelled')
  })

  test('shifts come from a template and get their supervising technician', async () => {
    const { line } = await floor()
    const technician = await makeTechnician('Elvin Kərimov')
    const from = addLocalDays(localDay(new Date()), 1)
    const plan = await planShifts({ lineId: line._id, weekdays: [1, 2, 3, 4, 5, 6, 7], times: [{ starts: '09:00', ends: '13:00' }, { starts: '14:00', ends: '18:00' }], from, to: addLocalDays(from, 6), staffId: technician._id }, actor)
    expect(plan.ok && plan.created).toBe(14)
    const day = await listFloorShifts({ day: from, staffId: technician._id })
    expect(day.map((s) => [s.line?.code, s.technicianName])).toEqual([
      ['JAM', 'Elvin Kərimov'],
      ['JAM', 'Elvin Kərimov'],
    ])
    const other = await makeTechnician('Second')
    expect((await assignShiftTechnician(day[1]._id, other._id, actor)).ok).toBe(true)
    expect(await listFloorShifts({ day: from, staffId: technician._id })).toHaveLength(1)
    const family = await makeFamily()
    expect(await assignShiftTechnician(day[1]._id, (await makeFamilyMember(family._id))._id, actor)).toEqual({ ok: false, reason: 'not_a_technician' })
  })

  test('reminders go out once, the day before', async () => {
    const { line, family, product } = await floor()
    await book((await makeShift(line._id, { daysAhead: 1 }))._id, family._id, product.sku)
    await book((await makeShift(line._id, { daysAhead: 2 }))._id, family._id, product.sku)
    expect(await sendShiftReminders()).toBe(1)
    expect(await sendShiftReminders()).toBe(0)
    const mails = await OutboxModel.find({ template: 'factory.reminder' }).lean()
    expect(mails).toHaveLength(1)
    expect(mails[0].body).toContain('Medlar jam')
  })
})

describe('concurrency', () => {
  test('200 families booking a 6-place shift at once: exactly 6 get a place', async () => {
    const course = await makeCourse()
    const { line } = await makeLine({ courseIds: [course._id], capacity: 6 })
    const shift = await makeShift(line._id)
    const families = await makeCertifiedFamilies(200, course._id)
    const started = Date.now()
    const results = await Promise.all(families.map((f) => book(shift._id, f.familyId, f.sku)))
    console.log(`200 concurrent shift bookings: ${Date.now() - started} ms`)
    expect(results.filter((r) => r.ok)).toHaveLength(6)
    expect(results.filter((r) => !r.ok && r.reason === 'capacity_full')).toHaveLength(194)
    expect((await SlotModel.findById(shift._id).lean())!.confirmed).toBe(6)
    expect(await BookingModel.countDocuments({ slotId: shift._id, status: 'confirmed' })).toBe(6)
  }, 180_000)
})
