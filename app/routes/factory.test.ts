import { describe, expect, it } from 'vitest'
import mongoose, { Types } from 'mongoose'
import { certify, makeCourse, makeFamily, makeFamilyMember, makeLine, makeProduct, makeShift, makeTechnician } from '#tests/factories/factory'
import { sampleImage } from '#tests/factories/applications'
import { makeUser } from '#tests/factories/users'
import { BASE, call, request, signedIn } from '#tests/support/requests'
import { BatchModel } from '#models/batch.server'
import { BookingModel } from '#models/booking.server'
import { addLocalDays, localDay } from '#models/factory-days'
import { bookShift, getLine } from '#models/factory.server'
import { OutboxModel } from '#models/outbox.server'
import { SlotModel } from '#models/slot.server'
import { PlaceModel } from '#models/place.server'
import { LotModel } from '#models/lot.server'
import { action as lotAction, loader as lotLoader } from './admin.lots.$code._index'
import { loader as labelLoader } from './admin.lots.$code.label'
import { loader as csvLoader } from './admin.lots.$code.recipients[.]csv'
import { loader as lotsLoader } from './admin.lots._index'
import { action as factoryAction, loader as factoryLoader } from './admin.factories.$placeId'
import { action as lineAction, loader as lineLoader } from './admin.factories.lines.$lineId'
import { action as qcAction, loader as batchLoader } from './factory.batches.$id'
import { action as recordAction, loader as recordLoader } from './factory.bookings.$bookingId.batch'
import { action as floorAction, loader as floorLoader } from './factory.today'
import { action as shiftsAction, loader as shiftsLoader } from './family.shifts'
import { loader as stockLoader } from './family.stock'

const en = async (user: { _id: unknown }) => (await signedIn(String(user._id), { locale: 'en' })).cookie
const GOOD_JAM = { 'check.processTemperature': '92', 'check.brix': '64', 'check.ph': '3.4', 'check.storageTemperature': '20', 'check.seal': 'on', 'check.labelling': 'on', 'check.hygiene': 'on' }

/** A jam line (needs the "Jam and preserves" certificate), today's shift under way, a certified family with a member and a product. */
async function floor({ startedMinutesAgo = 5 } = {}) {
  const course = await makeCourse({ title: 'Jam and preserves' })
  const technician = await makeTechnician('Elvin Kərimov')
  const { line } = await makeLine({ courseIds: [course._id] })
  const family = await makeFamily({ name: 'Abbasovlar' })
  const member = await makeFamilyMember(family._id)
  await certify(family._id, course._id)
  const product = await makeProduct(family._id, { title: 'Medlar jam', shelfLifeDays: 365 })
  const shift = await makeShift(line._id, { daysAhead: 1, staffId: technician._id })
  // the shift was booked the day before it; "now" for the floor is during it
  const booked = await bookShift({ slotId: String(shift._id), familyId: family._id, sku: product.sku, plannedQty: 50, unit: 'jar', actor: null })
  if (!booked.ok) throw new Error(booked.reason)
  // move the shift (and its booking) so it started a little while ago
  const startsAt = new Date(Date.now() - startedMinutesAgo * 60_000)
  const endsAt = new Date(startsAt.getTime() + 4 * 3_600_000)
  await mongoose.connection.db!.collection('slots').updateOne({ _id: shift._id }, { $set: { startsAt, endsAt } })
  await mongoose.connection.db!.collection('bookings').updateOne({ _id: booked.booking._id }, { $set: { startsAt, endsAt } })
  return { course, technician, line, family, member, product, shift, booking: booked.booking }
}

describe('/family/shifts', () => {
  it('is for family members only', async () => {
    const shopper = await makeUser({ roles: ['shopper'] })
    expect((await call(shiftsLoader, request('/family/shifts', { cookie: await en(shopper) }))).status).toBe(403)
    expect((await call(shiftsLoader, request('/family/shifts'))).status).toBe(302)
  })

  it('shows the week’s shifts with free places, and why another line cannot be booked', async () => {
    const course = await makeCourse({ title: 'Jam and preserves' })
    const { line } = await makeLine({ courseIds: [course._id], capacity: 6 })
    await makeLine({ code: 'DRY', courseIds: [(await makeCourse({ title: 'Dairy hygiene' }))._id], name: { az: 'Süd xətti', en: 'Dairy line', ru: 'Молочная линия' } })
    const family = await makeFamily()
    const member = await makeFamilyMember(family._id)
    await certify(family._id, course._id)
    await makeProduct(family._id)
    const shift = await makeShift(line._id, { daysAhead: 1 })
    const page = await call(shiftsLoader, request(`/family/shifts?week=${localDay(shift.startsAt)}&shift=${shift._id}`, { cookie: await en(member) }))
    expect(page.status).toBe(200)
    expect(page.data.items.map((i: { title: string; filled: number; capacity: number }) => [i.title, i.filled, i.capacity])).toContainEqual(['Jam line', 0, 6])
    expect(page.data.selected).toMatchObject({ id: String(shift._id), free: 6, line: 'Jam line' })
    expect(page.data.otherLines).toEqual([{ id: expect.any(String), name: 'Dairy line', place: expect.any(String), reason: 'This line needs the “Dairy hygiene” certificate — complete the course to book it.' }])
  })

  it('books with the planned product, refuses in plain words, and cancels', async () => {
    const course = await makeCourse({ title: 'Jam and preserves' })
    const { line } = await makeLine({ courseIds: [course._id], capacity: 1, quotaUpcoming: 1 })
    const family = await makeFamily()
    const member = await makeFamilyMember(family._id)
    await certify(family._id, course._id)
    const product = await makeProduct(family._id)
    const first = await makeShift(line._id, { daysAhead: 1 })
    const second = await makeShift(line._id, { daysAhead: 2 })
    const cookie = await en(member)
    const form = (slotId: unknown, extra: Record<string, string> = {}) => ({ intent: 'book', slotId: String(slotId), sku: product.sku, plannedQty: '40', unit: 'jar', ...extra })

    const invalid = await call(shiftsAction, request('/family/shifts', { cookie, form: form(first._id, { plannedQty: '-4' }) }))
    expect(invalid.status).toBe(400)
    expect(invalid.data.errors.plannedQty).toBeTruthy()

    const booked = await call(shiftsAction, request('/family/shifts', { cookie, form: form(first._id) }))
    expect(booked).toMatchObject({ status: 302, location: '/family/shifts' })
    const booking = await BookingModel.findOne({ slotId: first._id }).lean()
    expect(booking).toMatchObject({ status: 'confirmed', purpose: { sku: product.sku, plannedQty: 40, unit: 'jar' } })

    const quota = await call(shiftsAction, request('/family/shifts', { cookie, form: form(second._id) }))
    expect(quota).toMatchObject({ status: 409, data: { formError: 'You already have 1 upcoming shifts — the most a family may hold at once.' } })

    const other = await makeFamily()
    await certify(other._id, course._id)
    const otherMember = await makeFamilyMember(other._id)
    const otherProduct = await makeProduct(other._id)
    const full = await call(shiftsAction, request('/family/shifts', { cookie: await en(otherMember), form: { ...form(first._id), sku: otherProduct.sku } }))
    expect(full).toMatchObject({ status: 409, data: { formError: 'Fully booked — join the waitlist?', offerWaitlist: true } })

    // someone else's booking cannot be cancelled through this page
    const foreign = await call(shiftsAction, request('/family/shifts', { cookie: await en(otherMember), form: { intent: 'cancel', bookingId: String(booking!._id) } }))
    expect(foreign.status).toBe(409)
    expect(await call(shiftsAction, request('/family/shifts', { cookie, form: { intent: 'cancel', bookingId: String(booking!._id) } }))).toMatchObject({ status: 302 })
    expect((await BookingModel.findById(booking!._id).lean())!.status).toBe('cancelled')
  })

  it('tells a family with an expired certificate the date it expired', async () => {
    const course = await makeCourse({ title: 'Dairy hygiene' })
    const { line } = await makeLine({ courseIds: [course._id] })
    const family = await makeFamily()
    const member = await makeFamilyMember(family._id)
    await certify(family._id, course._id, { issuedAt: new Date('2024-05-03T10:00:00Z') })
    const product = await makeProduct(family._id)
    const shift = await makeShift(line._id)
    const refused = await call(shiftsAction, request('/family/shifts', { cookie: await en(member), form: { intent: 'book', slotId: String(shift._id), sku: product.sku, plannedQty: '10', unit: 'jar' } }))
    expect(refused).toMatchObject({ status: 409, data: { formError: 'Your “Dairy hygiene” certificate expired on 3 May 2026 — renew it.' } })
  })
})

describe('/factory/today and batches', () => {
  it('the supervising technician checks a family in, records a batch and passes QC; the lot is in the family’s stock', async () => {
    const { technician, family, member, product, booking, shift } = await floor()
    const cookie = await en(technician)
    const today = await call(floorLoader, request('/factory/today', { cookie }))
    expect(today.data.shifts.map((s: { id: string; families: { family: string; status: string }[] }) => [s.id, s.families.map((f) => `${f.family}:${f.status}`)])).toEqual([[String(shift._id), ['Abbasovlar:confirmed']]])

    // a batch before check-in is refused, with the reason on the page and from the action
    const early = await call(recordLoader, request(`/factory/bookings/${booking._id}/batch`, { cookie }), { bookingId: String(booking._id) })
    expect(early.data.notCheckedIn).toBe('The family has not been checked in (Confirmed) — check them in before recording a batch.')
    const refused = await call(recordAction, request(`/factory/bookings/${booking._id}/batch`, { cookie, form: { sku: product.sku, qty: '100', unit: 'jar', producedOn: early.data.shiftDay } }), { bookingId: String(booking._id) })
    expect(refused.status).toBe(409)

    expect(await call(floorAction, request('/factory/today', { cookie, form: { intent: 'checkIn', bookingId: String(booking._id) } }))).toMatchObject({ status: 302 })
    expect((await BookingModel.findById(booking._id).lean())!).toMatchObject({ status: 'checked_in', checkedInAt: expect.any(Date) })

    const absurd = await call(recordAction, request(`/factory/bookings/${booking._id}/batch`, { cookie, form: { sku: product.sku, qty: '90000', unit: 'jar', producedOn: early.data.shiftDay } }), { bookingId: String(booking._id) })
    expect(absurd).toMatchObject({ status: 400, data: { errors: { qty: 'One batch can be at most 5000 jars — check the quantity.' } } })
    const backwards = await call(recordAction, request(`/factory/bookings/${booking._id}/batch`, { cookie, form: { sku: product.sku, qty: '100', unit: 'jar', producedOn: early.data.shiftDay, bestBefore: early.data.shiftDay } }), { bookingId: String(booking._id) })
    expect(backwards.status).toBe(400)
    expect(backwards.data.errors.bestBefore).toMatch(/^The best-before date must be after the production date/)

    const recorded = await call(
      recordAction,
      request(`/factory/bookings/${booking._id}/batch`, { cookie, form: { sku: product.sku, qty: '100', unit: 'jar', producedOn: early.data.shiftDay, ingredients: 'Medlar — own orchard\nSugar — Azərsun', processNotes: '45 min', requestKey: 'k1' } }),
      { bookingId: String(booking._id) },
    )
    expect(recorded.status).toBe(302)
    const batch = (await BatchModel.findOne({ bookingId: booking._id }).lean())!
    expect(recorded.location).toBe(`/factory/batches/${batch._id}`)
    expect(batch.ingredients.map((i) => [i.name, i.source])).toEqual([
      ['Medlar', 'own orchard'],
      ['Sugar', 'Azərsun'],
    ])

    const form = await call(batchLoader, request(`/factory/batches/${batch._id}`, { cookie }), { id: String(batch._id) })
    expect(form.data).toMatchObject({ mayDecide: true, status: 'recorded', checklist: expect.arrayContaining([expect.objectContaining({ key: 'brix', min: 60 })]) })
    const low = await call(qcAction, request(`/factory/batches/${batch._id}`, { cookie, form: { ...GOOD_JAM, 'check.brix': '55', result: 'pass' } }), { id: String(batch._id) })
    expect(low).toMatchObject({ status: 409, data: { formError: 'Cannot pass: Sugar outside the limits or not recorded.', errors: { 'check.brix': 'not ok' } } })
    const passed = await call(qcAction, request(`/factory/batches/${batch._id}`, { cookie, form: { ...GOOD_JAM, result: 'pass' } }), { id: String(batch._id) })
    expect(passed).toMatchObject({ status: 302, location: `/factory/batches/${batch._id}` })

    const lot = (await LotModel.findOne({ batchId: batch._id }).lean())!
    expect(lot).toMatchObject({ status: 'available', qtyAvailable: 100, code: batch.lotCode })
    const stock = await call(stockLoader, request('/family/stock', { cookie: await en(member) }))
    expect(stock.data.lots.map((l: { code: string; available: number; status: string }) => [l.code, l.available, l.status])).toEqual([[lot.code, 100, 'available']])
    expect(stock.data.products).toEqual([expect.objectContaining({ sku: product.sku, available: 100 })])

    // another family sees none of it
    const strangerMember = await makeFamilyMember((await makeFamily())._id)
    expect((await call(stockLoader, request('/family/stock', { cookie: await en(strangerMember) }))).data.lots).toEqual([])
    expect(family._id).toBeTruthy()
  })

  it('another technician can see the shift but not act on it, record its batch or check its quality', async () => {
    const { technician, booking, product } = await floor()
    const other = await makeTechnician('Second Technician')
    const cookie = await en(other)
    const checkIn = await call(floorAction, request('/factory/today', { cookie, form: { intent: 'checkIn', bookingId: String(booking._id) } }))
    expect(checkIn).toMatchObject({ status: 403, data: { formError: 'Elvin Kərimov supervises this shift — only the shift’s technician can do this.' } })
    const all = await call(floorLoader, request('/factory/today?scope=all', { cookie }))
    expect(all.data.shifts[0]).toMatchObject({ mayAct: false })

    await call(floorAction, request('/factory/today', { cookie: await en(technician), form: { intent: 'checkIn', bookingId: String(booking._id) } }))
    const page = await call(recordLoader, request(`/factory/bookings/${booking._id}/batch`, { cookie }), { bookingId: String(booking._id) })
    expect(page.data.notYours).toBe('Elvin Kərimov supervises this shift — only the shift’s technician can do this.')
    const record = await call(recordAction, request(`/factory/bookings/${booking._id}/batch`, { cookie, form: { sku: product.sku, qty: '10', unit: 'jar', producedOn: page.data.shiftDay } }), { bookingId: String(booking._id) })
    expect(record.status).toBe(403)
    expect(await BatchModel.countDocuments()).toBe(0)

    await call(recordAction, request(`/factory/bookings/${booking._id}/batch`, { cookie: await en(technician), form: { sku: product.sku, qty: '10', unit: 'jar', producedOn: page.data.shiftDay } }), { bookingId: String(booking._id) })
    const batch = (await BatchModel.findOne().lean())!
    const qc = await call(qcAction, request(`/factory/batches/${batch._id}`, { cookie, form: { ...GOOD_JAM, result: 'pass' } }), { id: String(batch._id) })
    expect(qc).toMatchObject({ status: 403, data: { formError: 'Elvin Kərimov supervises this shift — only the shift’s technician can do this.' } })
    expect((await BatchModel.findById(batch._id).lean())!.status).toBe('recorded')
  })

  it('is not for families or shoppers', async () => {
    const { member } = await floor()
    expect((await call(floorLoader, request('/factory/today', { cookie: await en(member) }))).status).toBe(403)
  })
})

describe('/admin/lots', () => {
  async function passedLot() {
    const setup = await floor()
    const cookie = await en(setup.technician)
    await call(floorAction, request('/factory/today', { cookie, form: { intent: 'checkIn', bookingId: String(setup.booking._id) } }))
    const page = await call(recordLoader, request(`/factory/bookings/${setup.booking._id}/batch`, { cookie }), { bookingId: String(setup.booking._id) })
    await call(recordAction, request(`/factory/bookings/${setup.booking._id}/batch`, { cookie, form: { sku: setup.product.sku, qty: '40', unit: 'jar', producedOn: page.data.shiftDay } }), { bookingId: String(setup.booking._id) })
    const batch = (await BatchModel.findOne().lean())!
    await call(qcAction, request(`/factory/batches/${batch._id}`, { cookie, form: { ...GOOD_JAM, result: 'pass' } }), { id: String(batch._id) })
    return { ...setup, lot: (await LotModel.findOne({ batchId: batch._id }).lean())! }
  }

  it('the lot page shows batch, shift, family, technician, QC, movements and the orders it went to; only a sales manager sees buyers and recalls', async () => {
    const { lot, technician } = await passedLot()
    const sales = await makeUser({ roles: ['sales_manager'] })
    const db = mongoose.connection.db!
    await db.collection('orders').insertOne({ number: 'ABAD-2026-00007', channel: 'boutique', status: 'paid', customer: { name: 'Zəhra Cəfərova', email: 'zehra@example.az', phone: '+994501112233' }, createdAt: new Date(), lines: [{ sku: lot.sku, qty: 2, lots: [{ lotId: lot._id, code: lot.code, qty: 2 }] }] })

    const asTech = await call(lotLoader, request(`/admin/lots/${lot.code}`, { cookie: await en(technician) }), { code: lot.code })
    // the technician sees which order received it, but not who bought it
    expect(asTech.data).toMatchObject({ code: lot.code, status: 'available', family: 'Abbasovlar', technician: 'Elvin Kərimov', mayRecall: false, showRecipients: true })
    expect(asTech.data.recipients).toEqual([expect.objectContaining({ number: 'ABAD-2026-00007', customer: '', contact: '', qty: 2 })])
    expect(asTech.data.qc.checks.length).toBeGreaterThan(3)
    expect(asTech.data.movements.map((m: { kind: string; qty: number }) => [m.kind, m.qty])).toEqual([['produced', 40]])
    const techRecall = await call(lotAction, request(`/admin/lots/${lot.code}`, { cookie: await en(technician), form: { intent: 'recall', reason: 'glass' } }), { code: lot.code })
    expect(techRecall.status).toBe(403)
    expect((await call(csvLoader, request(`/admin/lots/${lot.code}/recipients.csv`, { cookie: await en(technician) }), { code: lot.code })).status).toBe(403)

    const salesCookie = await en(sales)
    const asSales = await call(lotLoader, request(`/admin/lots/${lot.code}`, { cookie: salesCookie }), { code: lot.code })
    expect(asSales.data.recipients).toEqual([expect.objectContaining({ number: 'ABAD-2026-00007', customer: 'Zəhra Cəfərova', contact: 'zehra@example.az · +994501112233', qty: 2 })])
    const noReason = await call(lotAction, request(`/admin/lots/${lot.code}`, { cookie: salesCookie, form: { intent: 'recall', reason: '' } }), { code: lot.code })
    expect(noReason.status).toBe(400)
    expect(await call(lotAction, request(`/admin/lots/${lot.code}`, { cookie: salesCookie, form: { intent: 'recall', reason: 'Glass fragment found in a jar' } }), { code: lot.code })).toMatchObject({ status: 302 })
    const after = await call(lotLoader, request(`/admin/lots/${lot.code}`, { cookie: salesCookie }), { code: lot.code })
    expect(after.data.status).toBe('recalled')
    expect(after.data.recall).toMatch(/^Recalled: Glass fragment found in a jar/)

    const csv = (await csvLoader({ request: request(`/admin/lots/${lot.code}/recipients.csv`, { cookie: salesCookie }), params: { code: lot.code }, context: { cspNonce: '' } })) as Response
    expect(csv.headers.get('Content-Type')).toBe('text/csv; charset=utf-8')
    const body = await csv.text()
    expect(body.split('\r\n')[1]).toContain('ABAD-2026-00007')
    expect(body).toContain('Zəhra Cəfərova')

    const list = await call(lotsLoader, request('/admin/lots?status=recalled', { cookie: salesCookie }))
    expect(list.data.lots.map((l: { code: string }) => l.code)).toEqual([lot.code])
    const label = await call(labelLoader, request(`/admin/lots/${lot.code}/label`, { cookie: salesCookie }), { code: lot.code })
    expect(label.data).toMatchObject({ code: lot.code, product: expect.stringContaining('Medlar jam'), family: expect.stringContaining('Abbasovlar'), status: 'recalled' })
  })

  it('is not for families, and an unknown code is a 404', async () => {
    const { lot, member } = await passedLot()
    expect((await call(lotLoader, request(`/admin/lots/${lot.code}`, { cookie: await en(member) }), { code: lot.code })).status).toBe(403)
    expect((await call(lotsLoader, request('/admin/lots', { cookie: await en(member) }))).status).toBe(403)
    const admin = await makeUser({ roles: ['admin'] })
    expect((await call(lotLoader, request('/admin/lots/GUB-JAM-20200101-999', { cookie: await en(admin) }), { code: 'GUB-JAM-20200101-999' })).status).toBe(404)
    expect((await call(lotLoader, request('/admin/lots/nonsense', { cookie: await en(admin) }), { code: 'nonsense' })).status).toBe(404)
    expect(Types.ObjectId.isValid(String(lot._id))).toBe(true)
  })
})

describe('QC photos', () => {
  it('a failed check keeps the reason and the photos taken; the lot is quarantined', async () => {
    const { technician, booking, product } = await floor()
    const cookie = await en(technician)
    await call(floorAction, request('/factory/today', { cookie, form: { intent: 'checkIn', bookingId: String(booking._id) } }))
    const page = await call(recordLoader, request(`/factory/bookings/${booking._id}/batch`, { cookie }), { bookingId: String(booking._id) })
    await call(recordAction, request(`/factory/bookings/${booking._id}/batch`, { cookie, form: { sku: product.sku, qty: '30', unit: 'jar', producedOn: page.data.shiftDay } }), { bookingId: String(booking._id) })
    const batch = (await BatchModel.findOne().lean())!
    const form = new FormData()
    for (const [name, value] of Object.entries({ ...GOOD_JAM, 'check.brix': '48', result: 'fail', reason: 'Did not set' })) form.append(name, value)
    form.append('photos', new File([new Uint8Array(await sampleImage('jar'))], 'jar.jpg', { type: 'image/jpeg' }))
    const failed = await call(qcAction, new Request(new URL(`/factory/batches/${batch._id}`, BASE), { method: 'POST', body: form, headers: { Cookie: cookie } }), { id: String(batch._id) })
    expect(failed.status).toBe(302)
    const after = (await BatchModel.findById(batch._id).lean())!
    expect(after).toMatchObject({ status: 'qc_failed', qc: { reason: 'Did not set', result: 'fail' } })
    expect(after.qc.photos).toHaveLength(1)
    expect((await LotModel.findOne({ batchId: batch._id }).lean())!.status).toBe('quarantined')
    const shown = await call(batchLoader, request(`/factory/batches/${batch._id}`, { cookie }), { id: String(batch._id) })
    expect(shown.data.qc.photos[0]).toMatch(/^\/images\//)
  })
})

describe('/admin/factories/lines/:lineId', () => {
  it('staff plan shifts from a template, set the fair-use limits and close the line for maintenance with notice', async () => {
    const course = await makeCourse()
    const { line } = await makeLine({ courseIds: [course._id] })
    const technician = await makeTechnician('Elvin Kərimov')
    const cookie = await en(technician)
    const path = `/admin/factories/lines/${line._id}`
    const params = { lineId: String(line._id) }
    const from = addLocalDays(localDay(new Date()), 1)
    const planned = await call(lineAction, request(path, { cookie, form: { intent: 'plan', weekdays: ['1', '2', '3', '4', '5', '6', '7'], starts: '09:00', ends: '13:00', from, to: addLocalDays(from, 6), staffId: String(technician._id) } }), params)
    expect(planned.status).toBe(302)
    expect(await SlotModel.countDocuments({ resourceId: line._id, staffId: technician._id })).toBe(7)
    const bad = await call(lineAction, request(path, { cookie, form: { intent: 'plan', starts: '09:00', ends: '13:00', from, to: from } }), params)
    expect(bad.status).toBe(400)
    expect(bad.data.errors.weekdays).toBeTruthy()

    expect(await call(lineAction, request(path, { cookie, form: { intent: 'quota', quotaUpcoming: '5', quotaPerWeek: '1' } }), params)).toMatchObject({ status: 302 })
    expect((await getLine(line._id))!.rules).toMatchObject({ quotaUpcoming: 5, quotaPerWeek: 1 })

    const family = await makeFamily()
    await makeFamilyMember(family._id, { email: 'abbasova@example.az' })
    await certify(family._id, course._id)
    const product = await makeProduct(family._id)
    const first = (await SlotModel.findOne({ resourceId: line._id }).sort({ startsAt: 1 }).lean())!
    expect((await bookShift({ slotId: String(first._id), familyId: family._id, sku: product.sku, plannedQty: 10, unit: 'jar', actor: null })).ok).toBe(true)
    const closed = await call(lineAction, request(path, { cookie, form: { intent: 'maintenance', from: `${from}T00:00`, to: `${from}T23:59`, reason: 'Kettle repair' } }), params)
    expect(closed.status).toBe(302)
    expect((await SlotModel.findById(first._id).lean())!.status).toBe('cancelled')
    expect(await OutboxModel.countDocuments({ to: 'abbasova@example.az', template: 'booking.slotCancelled' })).toBe(1)
    const page = await call(lineLoader, request(path, { cookie }), params)
    expect(page.data.maintenance).toEqual([expect.objectContaining({ reason: 'Kettle repair' })])

    const member = await makeFamilyMember(family._id)
    expect((await call(lineLoader, request(path, { cookie: await en(member) }), params)).status).toBe(403)
  })

  it('staff describe the line: workstations, equipment, required certificates and products; bad values change nothing', async () => {
    const hygiene = await makeCourse()
    const jam = await makeCourse()
    const { line } = await makeLine({ courseIds: [hygiene._id] })
    const cookie = await en(await makeTechnician('Elvin Kərimov'))
    const path = `/admin/factories/lines/${line._id}`
    const params = { lineId: String(line._id) }
    const form = { intent: 'settings', capacity: '8', equipment: 'Vakuum qazanı\n  Doldurma maşını \n\nVakuum qazanı', productCategories: ['jam', 'pickles'], certificates: [String(hygiene._id), String(jam._id)] }
    expect(await call(lineAction, request(path, { cookie, form }), params)).toMatchObject({ status: 302 })
    const saved = (await getLine(line._id))!
    expect(saved.capacity).toBe(8)
    expect(saved.equipment.map((item) => item.az)).toEqual(['Vakuum qazanı', 'Doldurma maşını'])
    expect(saved.productCategories).toEqual(['jam', 'pickles'])
    expect(saved.rules.prerequisites.map((rule) => String(rule.certificateOfCourseId))).toEqual([String(hygiene._id), String(jam._id)])
    const page = await call(lineLoader, request(path, { cookie }), params)
    expect(page.data.settings).toEqual({ equipment: 'Vakuum qazanı\nDoldurma maşını', productCategories: ['jam', 'pickles'], certificates: [String(hygiene._id), String(jam._id)] })

    for (const bad of [{ capacity: '0' }, { capacity: 'many' }, { productCategories: ['rockets'] }, { certificates: ['0123456789abcdef01234567'] }]) {
      const refused = await call(lineAction, request(path, { cookie, form: { ...form, capacity: '3', ...bad } }), params)
      expect(refused.status, JSON.stringify(bad)).toBe(400)
    }
    expect((await getLine(line._id))!.capacity).toBe(8)
  })
})

describe('/admin/factories/:placeId', () => {
  it('staff keep the address and opening hours, and closing a day cancels its shifts with notice; bad hours change nothing', async () => {
    const course = await makeCourse()
    const { line } = await makeLine({ courseIds: [course._id] })
    const technician = await makeTechnician('Elvin Kərimov')
    const cookie = await en(technician)
    const path = `/admin/factories/${line.placeId}`
    const params = { placeId: String(line.placeId) }

    // a booked shift on the day that is then closed
    const family = await makeFamily()
    await makeFamilyMember(family._id, { email: 'quliyeva@example.az' })
    await certify(family._id, course._id)
    const product = await makeProduct(family._id)
    const shift = await makeShift(line._id)
    expect((await bookShift({ slotId: String(shift._id), familyId: family._id, sku: product.sku, plannedQty: 10, unit: 'jar', actor: null })).ok).toBe(true)

    const hours = { opens1: '08:00', closes1: '18:00', opens2: '08:00', closes2: '18:00', opens3: '', closes3: '', opens4: '09:00', closes4: '17:00', opens5: '09:00', closes5: '17:00', opens6: '', closes6: '', opens7: '', closes7: '' }
    expect(await call(factoryAction, request(path, { cookie, form: { intent: 'details', address: 'Quba, Heydər Əliyev pr. 12', ...hours } }), params)).toMatchObject({ status: 302 })
    const saved = (await PlaceModel.findById(line.placeId).lean())!
    expect(saved.address).toBe('Quba, Heydər Əliyev pr. 12')
    expect(saved.openingHours.map((h) => [h.weekday, h.opens, h.closes])).toEqual([
      [1, '08:00', '18:00'],
      [2, '08:00', '18:00'],
      [4, '09:00', '17:00'],
      [5, '09:00', '17:00'],
    ])
    for (const bad of [{ closes1: '07:00' }, { closes2: '' }, { opens4: '25:00' }]) {
      const refused = await call(factoryAction, request(path, { cookie, form: { intent: 'details', address: 'Elsewhere', ...hours, ...bad } }), params)
      expect(refused.status, JSON.stringify(bad)).toBe(400)
    }
    expect((await PlaceModel.findById(line.placeId).lean())!.address).toBe('Quba, Heydər Əliyev pr. 12')

    const day = localDay(shift.startsAt)
    expect((await call(factoryAction, request(path, { cookie, form: { intent: 'close', date: day, reason: '' } }), params)).status).toBe(400)
    expect((await call(factoryAction, request(path, { cookie, form: { intent: 'close', date: '2020-01-01', reason: 'Too late' } }), params)).status).toBe(400)
    expect(await call(factoryAction, request(path, { cookie, form: { intent: 'close', date: day, reason: 'Sanitary inspection' } }), params)).toMatchObject({ status: 302 })
    expect((await SlotModel.findById(shift._id).lean())!.status).toBe('cancelled')
    expect(await OutboxModel.countDocuments({ to: 'quliyeva@example.az', template: 'booking.slotCancelled' })).toBe(1)
    const page = await call(factoryLoader, request(path, { cookie }), params)
    expect(page.data.closedDays).toEqual([{ date: day, reason: 'Sanitary inspection' }])
    expect(await call(factoryAction, request(path, { cookie, form: { intent: 'reopen', date: day } }), params)).toMatchObject({ status: 302 })
    expect((await PlaceModel.findById(line.placeId).lean())!.closedDays).toEqual([])

    const member = await makeFamilyMember(family._id)
    expect((await call(factoryLoader, request(path, { cookie: await en(member) }), params)).status).toBe(403)
    expect((await call(factoryLoader, request('/admin/factories/0123456789abcdef01234567', { cookie }), { placeId: '0123456789abcdef01234567' })).status).toBe(404)
  })
})
