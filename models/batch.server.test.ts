import { describe, expect, test } from 'vitest'
import { Types } from 'mongoose'
import { certify, makeCourse, makeFamily, makeLine, makeProduct, makeShift, makeTechnician } from '#tests/factories/factory'
import { makeLot } from '#tests/factories/lots'
import { BatchModel, decideQc, recordBatch, type BatchInput } from './batch.server'
import { addLocalDays, localDay } from './factory-days'
import { bookShift, checkInFamily, markFamilyNoShow } from './factory.server'
import { getLot, LotModel, reserveStock, stockBySku } from './lot.server'
import { LotMovementModel } from './lot-movement.server'

const GOOD_JAM = { processTemperature: '92', brix: '64', ph: '3.4', storageTemperature: '20', seal: 'on', labelling: 'on', hygiene: 'on' }

/** A checked-in family on a shift (which started a few minutes ago) with a jam product of 180 days' shelf life. */
async function checkedIn({ category = 'jam', shelfLifeDays = 180 as number | null, checkIn = true } = {}) {
  const course = await makeCourse()
  const technician = await makeTechnician('Elvin Kərimov')
  const { line } = await makeLine({ courseIds: [course._id], productCategories: [] })
  const shift = await makeShift(line._id, { daysAhead: 1, staffId: technician._id })
  const family = await makeFamily({ name: 'Abbasovlar' })
  await certify(family._id, course._id)
  const product = await makeProduct(family._id, { category, shelfLifeDays, title: 'Medlar jam' })
  const booked = await bookShift({ slotId: String(shift._id), familyId: family._id, sku: product.sku, plannedQty: 50, unit: 'jar', actor: null })
  if (!booked.ok) throw new Error(booked.reason)
  // the shift is tomorrow: "now" on the floor is during the shift
  const during = new Date(shift.startsAt.getTime() + 2 * 3_600_000)
  if (checkIn) await checkInFamily(String(booked.booking._id), null, { now: shift.startsAt })
  const shiftDay = localDay(shift.startsAt)
  const actor = { _id: technician._id, name: technician.name }
  const record = (input: Partial<BatchInput> = {}) => recordBatch({ bookingId: String(booked.booking._id), sku: product.sku, qty: 120, unit: 'jar', ...input }, actor, during)
  return { shift, family, product, booking: booked.booking, technician, actor, during, shiftDay, record }
}

describe('recording a batch', () => {
  test('a checked-in family’s batch gets the next lot code of the line and day, and a best-before from the shelf life', async () => {
    const { record, shiftDay, technician, family } = await checkedIn()
    const first = await record()
    const second = await record({ qty: 30 })
    expect(first.ok && first.batch.lotCode).toBe(`GUB-JAM-${shiftDay.replaceAll('-', '')}-001`)
    expect(second.ok && second.batch.lotCode).toBe(`GUB-JAM-${shiftDay.replaceAll('-', '')}-002`)
    if (!first.ok) return
    expect(localDay(first.batch.producedOn)).toBe(shiftDay)
    expect(localDay(first.batch.bestBefore!)).toBe(addLocalDays(shiftDay, 180))
    expect(first.batch).toMatchObject({ status: 'recorded', qty: 120, unit: 'jar', technicianId: technician._id, familyId: family._id, kind: 'food' })
  })

  test('a family that was not checked in (or did not come) cannot have a batch', async () => {
    const { record, booking, shift } = await checkedIn({ checkIn: false })
    expect(await record()).toEqual({ ok: false, reason: 'not_checked_in', details: { status: 'confirmed' } })
    await markFamilyNoShow(String(booking._id), null, { now: shift.startsAt })
    expect(await record()).toEqual({ ok: false, reason: 'not_checked_in', details: { status: 'no_show' } })
    expect(await BatchModel.countDocuments()).toBe(0)
  })

  test('negative, fractional and absurd quantities are refused', async () => {
    const { record } = await checkedIn()
    for (const qty of [0, -3, 2.5, Number.NaN]) expect(await record({ qty })).toEqual({ ok: false, reason: 'invalid_quantity' })
    expect(await record({ qty: 50_000 })).toEqual({ ok: false, reason: 'quantity_absurd', details: { max: 5000, unit: 'jar' } })
    expect(await record({ qty: 2500, unit: 'kg' })).toEqual({ ok: false, reason: 'quantity_absurd', details: { max: 2000, unit: 'kg' } })
  })

  test('dates: best-before on or before production, past the shelf life, or a production day in the future are refused', async () => {
    const { record, shiftDay } = await checkedIn()
    expect(await record({ bestBefore: shiftDay })).toEqual({ ok: false, reason: 'best_before_not_after_production', details: { producedOn: shiftDay } })
    expect(await record({ bestBefore: addLocalDays(shiftDay, -3) })).toMatchObject({ reason: 'best_before_not_after_production' })
    expect(await record({ bestBefore: addLocalDays(shiftDay, 181) })).toEqual({ ok: false, reason: 'best_before_beyond_shelf_life', details: { max: addLocalDays(shiftDay, 180), days: 180 } })
    expect(await record({ producedOn: addLocalDays(shiftDay, 1) })).toEqual({ ok: false, reason: 'produced_in_future', details: { day: addLocalDays(shiftDay, 1) } })
    expect(await record({ producedOn: addLocalDays(shiftDay, -1) })).toEqual({ ok: false, reason: 'produced_before_shift', details: { day: shiftDay } })
    expect(await record({ bestBefore: 'soon' })).toEqual({ ok: false, reason: 'invalid_date' })
    const shorter = await record({ bestBefore: addLocalDays(shiftDay, 90) })
    expect(shorter.ok && localDay(shorter.batch.bestBefore!)).toBe(addLocalDays(shiftDay, 90))
    expect(await BatchModel.countDocuments()).toBe(1)
  })

  test('a handicraft has no best-before; a food without a stated shelf life needs one', async () => {
    const craft = await checkedIn({ category: 'carpets', shelfLifeDays: null })
    const carpet = await craft.record({ qty: 2, unit: 'pcs' })
    expect(carpet.ok && carpet.batch).toMatchObject({ kind: 'craft', bestBefore: null })
    const food = await checkedIn({ shelfLifeDays: null })
    expect(await food.record()).toEqual({ ok: false, reason: 'best_before_required' })
    expect((await food.record({ bestBefore: addLocalDays(food.shiftDay, 30) })).ok).toBe(true)
  })

  test('ingredients keep their source: free text, or an earlier lot by its code', async () => {
    const { record } = await checkedIn()
    const sugar = await makeLot({ sku: 'SUGAR', factoryCode: 'GUB', lineCode: 'DRY' })
    const result = await record({ ingredients: [{ name: 'Medlar', source: 'Own orchard, Qəçrəş' }, { name: 'Sugar', source: sugar.code.toLowerCase() }] })
    expect(result.ok && result.batch.ingredients).toEqual([
      { name: 'Medlar', source: 'Own orchard, Qəçrəş', sourceLotId: null },
      { name: 'Sugar', source: sugar.code, sourceLotId: sugar._id },
    ])
    expect(await record({ ingredients: [{ name: 'Sugar', source: 'GUB-DRY-20200101-999' }] })).toEqual({ ok: false, reason: 'source_lot_not_found' })
  })

  test('a product of another family is refused', async () => {
    const { record } = await checkedIn()
    const other = await makeProduct((await makeFamily())._id)
    expect(await record({ sku: other.sku })).toEqual({ ok: false, reason: 'product_not_family' })
  })

  test('a double submit with the same form key records one batch and draws one lot number', async () => {
    const { record, shiftDay } = await checkedIn()
    const [a, b] = await Promise.all([record({ requestKey: 'form-1' }), record({ requestKey: 'form-1' })])
    expect(a.ok && b.ok && a.batch._id.equals(b.batch._id)).toBe(true)
    const next = await record({ requestKey: 'form-2' })
    expect(next.ok && next.batch.lotCode).toBe(`GUB-JAM-${shiftDay.replaceAll('-', '')}-002`)
  })
})

describe('quality control', () => {
  test('a pass with every check in range creates the lot once: available, sellable, with a produced movement', async () => {
    const { record, actor, product } = await checkedIn()
    const recorded = await record()
    if (!recorded.ok) throw new Error(recorded.reason)
    const passed = await decideQc({ batchId: String(recorded.batch._id), result: 'pass', values: GOOD_JAM, notes: 'set well' }, actor)
    expect(passed.ok).toBe(true)
    if (!passed.ok) return
    expect(passed.lot).toMatchObject({ code: recorded.batch.lotCode, status: 'available', qtyProduced: 120, qtyAvailable: 120, sku: product.sku })
    expect(passed.batch.qc.checks.every((c) => c.ok)).toBe(true)
    const again = await decideQc({ batchId: String(recorded.batch._id), result: 'pass', values: GOOD_JAM }, actor)
    expect(again.ok && again.repeated && again.lot._id.equals(passed.lot._id)).toBe(true)
    expect(await LotModel.countDocuments()).toBe(1)
    expect(await LotMovementModel.countDocuments({ lotId: passed.lot._id, kind: 'produced', qty: 120 })).toBe(1)
    expect((await stockBySku([product.sku])).get(product.sku)).toBe(120)
    expect(await decideQc({ batchId: String(recorded.batch._id), result: 'fail', values: {}, reason: 'late doubt' }, actor)).toEqual({ ok: false, reason: 'already_decided', details: { status: 'qc_passed' } })
  })

  test('a pass is refused while a measurement is out of range or missing, naming the checks', async () => {
    const { record, actor } = await checkedIn()
    const recorded = await record()
    if (!recorded.ok) throw new Error(recorded.reason)
    const refused = await decideQc({ batchId: String(recorded.batch._id), result: 'pass', values: { ...GOOD_JAM, brix: '52', ph: '', hygiene: undefined } }, actor)
    expect(refused).toEqual({ ok: false, reason: 'checks_failed', details: { failed: ['brix', 'ph', 'hygiene'] } })
    expect((await BatchModel.findById(recorded.batch._id).lean())!.status).toBe('recorded')
  })

  test('a fail needs a reason and quarantines the lot: traceable but never sold', async () => {
    const { record, actor, product } = await checkedIn()
    const recorded = await record()
    if (!recorded.ok) throw new Error(recorded.reason)
    expect(await decideQc({ batchId: String(recorded.batch._id), result: 'fail', values: GOOD_JAM, reason: '  ' }, actor)).toEqual({ ok: false, reason: 'reason_required' })
    const failed = await decideQc({ batchId: String(recorded.batch._id), result: 'fail', values: { ...GOOD_JAM, brix: '48' }, reason: 'did not set: brix 48' }, actor)
    expect(failed.ok && failed.lot).toMatchObject({ status: 'quarantined', quarantine: { reason: 'did not set: brix 48' } })
    expect(failed.ok && failed.batch.status).toBe('qc_failed')
    expect((await reserveStock({ sku: product.sku, qty: 1, orderId: new Types.ObjectId() })).ok).toBe(false)
  })

  test('two technicians deciding at once: one decision, one lot', async () => {
    const { record, actor } = await checkedIn()
    const recorded = await record()
    if (!recorded.ok) throw new Error(recorded.reason)
    const results = await Promise.all([
      decideQc({ batchId: String(recorded.batch._id), result: 'pass', values: GOOD_JAM }, actor),
      decideQc({ batchId: String(recorded.batch._id), result: 'fail', values: GOOD_JAM, reason: 'smell' }, actor),
    ])
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    expect(await LotModel.countDocuments()).toBe(1)
    const lot = (await LotModel.findOne().lean())!
    expect(lot.status).toBe((await BatchModel.findById(recorded.batch._id).lean())!.status === 'qc_passed' ? 'available' : 'quarantined')
  })
})

describe('concurrency', () => {
  test('100 batches recorded at once on one line and day get lot numbers 001–100, each once', async () => {
    const { record, actor, shiftDay } = await checkedIn()
    const started = Date.now()
    const results = await Promise.all(Array.from({ length: 100 }, () => record({ qty: 10 })))
    const recordedMs = Date.now() - started
    const codes = results.map((r) => (r.ok ? r.batch.lotCode! : 'refused'))
    const prefix = `GUB-JAM-${shiftDay.replaceAll('-', '')}-`
    expect(codes.slice().sort()).toEqual(Array.from({ length: 100 }, (_, i) => `${prefix}${String(i + 1).padStart(3, '0')}`))
    // and the lots that QC then creates carry the same codes, once each
    await Promise.all(results.map((r) => (r.ok ? decideQc({ batchId: String(r.batch._id), result: 'pass', values: GOOD_JAM }, actor) : null)))
    expect((await LotModel.find().select('code').lean()).map((l) => l.code).sort()).toEqual(codes.slice().sort())
    console.log(`100 concurrent batch records: ${recordedMs} ms`)
    expect(await getLot((await LotModel.findOne().lean())!._id)).not.toBeNull()
  }, 180_000)
})
