import mongoose, { Schema, type Model, Types } from 'mongoose'
import { recordAudit, type Actor } from './audit.server'
import { nextSequence } from './counter.server'
import { addLocalDays, daysBetween, isDayKey, localDay, startOfLocalDay } from './factory-days'
import { getShiftContext, type ShiftContext } from './factory.server'
import { createLotForBatch, formatLotCode, getLot, LOT_CODE_PATTERN, LOT_UNITS, LotModel, lotCodeParts, lotSequenceKey, type Lot, type LotUnit } from './lot.server'
import { MAX_BATCH_QTY, MAX_INGREDIENTS } from './factory-rules'
import { findProductBySku, type ProductForBatch } from './product-lookup.server'
import { checklistFor, evaluateChecks, type QcEntry } from './qc-checklists'

export const BATCH_STATUSES = ['recorded', 'qc_passed', 'qc_failed'] as const
export type BatchStatus = (typeof BATCH_STATUSES)[number]

export { MAX_BATCH_QTY, MAX_INGREDIENTS }
/** Without a stated shelf life a food lot may not be dated further out than this. */
export const DEFAULT_MAX_SHELF_DAYS = 730

/**
 * What one family produced of one product in one shift. Its lot code is drawn when it is recorded
 * (from a per factory+line+day counter, only after the batch exists, so the sequence has no gaps);
 * the quality check then turns it into a lot: available when passed, quarantined when failed.
 */
const batchSchema = new Schema(
  {
    /** the form's one-time key: a double submit finds the first batch instead of making a second */
    requestKey: { type: String, default: undefined },
    bookingId: { type: Schema.Types.ObjectId, ref: 'Booking', required: true },
    slotId: { type: Schema.Types.ObjectId, ref: 'Slot', required: true },
    lineId: { type: Schema.Types.ObjectId, ref: 'Resource', required: true },
    placeId: { type: Schema.Types.ObjectId, ref: 'Place', required: true },
    familyId: { type: Schema.Types.ObjectId, ref: 'Family', required: true },
    technicianId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    recordedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    recordedByName: { type: String, default: '' },
    productId: { type: Schema.Types.ObjectId, ref: 'Product', required: true },
    sku: { type: String, required: true },
    productName: { az: { type: String, default: '' }, en: { type: String, default: '' }, ru: { type: String, default: '' } },
    category: { type: String, default: '' },
    kind: { type: String, enum: ['food', 'craft'], required: true },
    qty: { type: Number, required: true, min: 1 },
    unit: { type: String, enum: LOT_UNITS, required: true },
    ingredients: {
      type: [{ _id: false, name: { type: String, required: true }, source: { type: String, default: '' }, sourceLotId: { type: Schema.Types.ObjectId, ref: 'Lot', default: null } }],
      default: [],
    },
    processNotes: { type: String, default: '' },
    producedOn: { type: Date, required: true },
    bestBefore: { type: Date, default: null },
    factoryCode: { type: String, required: true },
    lineCode: { type: String, required: true },
    lotCode: { type: String, default: undefined },
    status: { type: String, enum: BATCH_STATUSES, default: 'recorded' },
    qc: {
      checks: { type: [{ _id: false, key: String, value: Schema.Types.Mixed, ok: Boolean }], default: [] },
      result: { type: String, enum: ['pass', 'fail', null], default: null },
      notes: { type: String, default: '' },
      reason: { type: String, default: '' },
      photos: { type: [String], default: [] },
      by: { type: Schema.Types.ObjectId, ref: 'User', default: null },
      byName: { type: String, default: '' },
      at: { type: Date, default: null },
    },
    lotId: { type: Schema.Types.ObjectId, ref: 'Lot', default: null },
  },
  { timestamps: true },
)
batchSchema.index({ requestKey: 1 }, { unique: true, sparse: true })
batchSchema.index({ lotCode: 1 }, { unique: true, sparse: true })
batchSchema.index({ bookingId: 1 })
batchSchema.index({ slotId: 1 })
batchSchema.index({ familyId: 1, producedOn: -1 })
batchSchema.index({ technicianId: 1, status: 1 })

export type Batch = {
  _id: Types.ObjectId
  requestKey?: string
  bookingId: Types.ObjectId
  slotId: Types.ObjectId
  lineId: Types.ObjectId
  placeId: Types.ObjectId
  familyId: Types.ObjectId
  technicianId: Types.ObjectId | null
  recordedBy: Types.ObjectId | null
  recordedByName: string
  productId: Types.ObjectId
  sku: string
  productName: { az: string; en: string; ru: string }
  category: string
  kind: 'food' | 'craft'
  qty: number
  unit: LotUnit
  ingredients: { name: string; source: string; sourceLotId: Types.ObjectId | null }[]
  processNotes: string
  producedOn: Date
  bestBefore: Date | null
  factoryCode: string
  lineCode: string
  lotCode?: string
  status: BatchStatus
  qc: { checks: QcEntry[]; result: 'pass' | 'fail' | null; notes: string; reason: string; photos: string[]; by: Types.ObjectId | null; byName: string; at: Date | null }
  lotId: Types.ObjectId | null
  createdAt: Date
  updatedAt: Date
}
export const BatchModel = (mongoose.models.Batch as Model<Batch>) ?? mongoose.model<Batch>('Batch', batchSchema, 'batches')

export type BatchInput = {
  bookingId: string
  sku: string
  qty: number
  unit: LotUnit
  ingredients?: { name: string; source?: string }[]
  processNotes?: string
  /** `YYYY-MM-DD` in the factory's zone; the shift's day when left out */
  producedOn?: string
  /** `YYYY-MM-DD`; computed from the product's shelf life when left out */
  bestBefore?: string | null
  requestKey?: string
}

export type BatchRefusal =
  | { ok: false; reason: 'booking_not_found' | 'not_a_line' | 'product_not_found' | 'product_not_family' | 'line_cannot_make' | 'invalid_quantity' | 'too_many_ingredients' | 'source_lot_not_found' | 'invalid_date' | 'best_before_required' }
  | { ok: false; reason: 'not_checked_in'; details: { status: string } }
  | { ok: false; reason: 'quantity_absurd'; details: { max: number; unit: string } }
  | { ok: false; reason: 'produced_in_future' | 'produced_before_shift'; details: { day: string } }
  | { ok: false; reason: 'best_before_not_after_production'; details: { producedOn: string } }
  | { ok: false; reason: 'best_before_beyond_shelf_life'; details: { max: string; days: number } }
export type BatchResult = { ok: true; batch: Batch; repeated: boolean } | BatchRefusal

/**
 * The best-before date for a product made on a day: production day + shelf life. The technician
 * may set an earlier date (a short-lived recipe), never a later one, and never on or before the
 * production day.
 */
export function bestBeforeLimits(product: Pick<ProductForBatch, 'kind' | 'shelfLifeDays'>, producedOn: string) {
  if (product.kind === 'craft' && !product.shelfLifeDays) return { required: false, min: addLocalDays(producedOn, 1), max: null, suggested: null }
  const days = product.shelfLifeDays ?? DEFAULT_MAX_SHELF_DAYS
  return { required: true, min: addLocalDays(producedOn, 1), max: addLocalDays(producedOn, days), suggested: product.shelfLifeDays ? addLocalDays(producedOn, product.shelfLifeDays) : null, days }
}

function validateQuantity(qty: number, unit: LotUnit): BatchRefusal | null {
  if (!Number.isInteger(qty) || qty <= 0) return { ok: false, reason: 'invalid_quantity' }
  if (qty > MAX_BATCH_QTY[unit]) return { ok: false, reason: 'quantity_absurd', details: { max: MAX_BATCH_QTY[unit], unit } }
  return null
}

/**
 * Records a batch for a checked-in family. Everything is checked before anything is written; the
 * lot number is drawn only after the batch is stored, so refused or repeated submissions leave no
 * gap in the day's sequence.
 */
export async function recordBatch(input: BatchInput, actor: Actor, now = new Date()): Promise<BatchResult> {
  if (input.requestKey) {
    const existing = await BatchModel.findOne({ requestKey: input.requestKey }).lean<Batch>()
    if (existing) return { ok: true, batch: await settledBatch(existing), repeated: true }
  }
  const context = await getShiftContext(input.bookingId)
  if (!context) return { ok: false, reason: 'booking_not_found' }
  if (context.booking.status !== 'checked_in' && context.booking.status !== 'completed') return { ok: false, reason: 'not_checked_in', details: { status: context.booking.status } }
  const product = await findProductBySku(input.sku)
  if (!product) return { ok: false, reason: 'product_not_found' }
  if (product.familyId && String(product.familyId) !== String(context.familyId)) return { ok: false, reason: 'product_not_family' }
  if (context.line.productCategories.length && !context.line.productCategories.includes(product.category)) return { ok: false, reason: 'line_cannot_make' }
  const quantityProblem = validateQuantity(input.qty, input.unit)
  if (quantityProblem) return quantityProblem
  const ingredients = input.ingredients ?? []
  if (ingredients.length > MAX_INGREDIENTS) return { ok: false, reason: 'too_many_ingredients' }

  const dates = checkDates(context, product, input.producedOn, input.bestBefore, now)
  if (!dates.ok) return dates

  const resolved: Batch['ingredients'] = []
  for (const ingredient of ingredients) {
    const source = (ingredient.source ?? '').trim()
    let sourceLotId: Types.ObjectId | null = null
    if (LOT_CODE_PATTERN.test(source.toUpperCase())) {
      const lot = await LotModel.findOne({ code: source.toUpperCase() }).select('_id').lean<Pick<Lot, '_id'>>()
      if (!lot) return { ok: false, reason: 'source_lot_not_found' }
      sourceLotId = lot._id
    }
    resolved.push({ name: ingredient.name.trim(), source: sourceLotId ? source.toUpperCase() : source, sourceLotId })
  }

  const codes = lotCodeParts(context.place.code, context.line.code)
  let created
  try {
    created = await BatchModel.create({
      requestKey: input.requestKey || undefined,
      bookingId: context.booking._id,
      slotId: context.slot._id,
      lineId: context.line._id,
      placeId: context.place._id,
      familyId: context.familyId,
      technicianId: context.slot.staffId,
      recordedBy: actor?._id ?? null,
      recordedByName: actor?.name ?? '',
      productId: product.productId,
      sku: product.sku,
      productName: product.name,
      category: product.category,
      kind: product.kind,
      qty: input.qty,
      unit: input.unit,
      ingredients: resolved,
      processNotes: (input.processNotes ?? '').trim(),
      producedOn: dates.producedOn,
      bestBefore: dates.bestBefore,
      factoryCode: codes.factoryCode,
      lineCode: codes.lineCode,
    })
  } catch (error) {
    if ((error as { code?: number }).code === 11000 && input.requestKey) {
      const existing = await BatchModel.findOne({ requestKey: input.requestKey }).lean<Batch>()
      if (existing) return { ok: true, batch: await settledBatch(existing), repeated: true }
    }
    throw error
  }
  const batch = await ensureLotCode(created.toObject() as Batch)
  await recordAudit({
    actor,
    action: 'batch.recorded',
    subject: { type: 'Batch', id: batch._id },
    after: { lotCode: batch.lotCode, sku: batch.sku, qty: batch.qty, unit: batch.unit, familyId: String(batch.familyId), bookingId: String(batch.bookingId) },
  })
  return { ok: true, batch, repeated: false }
}

type DateCheck = { ok: true; producedOn: Date; bestBefore: Date | null } | BatchRefusal

function checkDates(context: ShiftContext, product: ProductForBatch, producedOnRaw: string | undefined, bestBeforeRaw: string | null | undefined, now: Date): DateCheck {
  const zone = context.place.timezone
  const shiftDay = localDay(context.slot.startsAt, zone)
  const producedDay = producedOnRaw || shiftDay
  if (!isDayKey(producedDay)) return { ok: false, reason: 'invalid_date' }
  if (daysBetween(localDay(now, zone), producedDay) > 0) return { ok: false, reason: 'produced_in_future', details: { day: producedDay } }
  if (daysBetween(shiftDay, producedDay) < 0) return { ok: false, reason: 'produced_before_shift', details: { day: shiftDay } }
  const limits = bestBeforeLimits(product, producedDay)
  const bestDay = bestBeforeRaw || limits.suggested
  if (!bestDay) {
    if (limits.required) return { ok: false, reason: 'best_before_required' }
    return { ok: true, producedOn: startOfLocalDay(producedDay, zone), bestBefore: null }
  }
  if (!isDayKey(bestDay)) return { ok: false, reason: 'invalid_date' }
  if (daysBetween(producedDay, bestDay) < 1) return { ok: false, reason: 'best_before_not_after_production', details: { producedOn: producedDay } }
  if (limits.max && daysBetween(limits.max, bestDay) > 0) return { ok: false, reason: 'best_before_beyond_shelf_life', details: { max: limits.max, days: daysBetween(producedDay, limits.max) } }
  return { ok: true, producedOn: startOfLocalDay(producedDay, zone), bestBefore: startOfLocalDay(bestDay, zone) }
}

/**
 * A repeated submission finds the first one's batch; it waits for that request to draw the lot
 * number rather than drawing one itself (which would leave a gap), and only draws when the first
 * request evidently died in between.
 */
async function settledBatch(batch: Batch): Promise<Batch> {
  let current = batch
  for (let i = 0; i < 40 && !current.lotCode; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25))
    current = (await BatchModel.findById(batch._id).lean<Batch>()) ?? current
  }
  return ensureLotCode(current)
}

/**
 * Gives a stored batch its lot code. Only a batch without one draws a number, and the code is set
 * with a condition, so the day's sequence stays 1, 2, 3 … under any number of concurrent records.
 */
async function ensureLotCode(batch: Batch): Promise<Batch> {
  if (batch.lotCode) return batch
  const seq = await nextSequence(lotSequenceKey(batch.factoryCode, batch.lineCode, batch.producedOn))
  const code = formatLotCode(batch.factoryCode, batch.lineCode, batch.producedOn, seq)
  const updated = await BatchModel.findOneAndUpdate({ _id: batch._id, lotCode: { $exists: false } }, { $set: { lotCode: code } }, { returnDocument: 'after' }).lean<Batch>()
  return updated ?? ((await BatchModel.findById(batch._id).lean<Batch>()) as Batch)
}

// ——— quality control ———

export type QcInput = {
  batchId: string
  result: 'pass' | 'fail'
  values: Record<string, unknown>
  notes?: string
  reason?: string
  photos?: string[]
}

export type QcResult =
  | { ok: true; batch: Batch; lot: Lot; repeated: boolean }
  | { ok: false; reason: 'batch_not_found' | 'reason_required' }
  | { ok: false; reason: 'checks_failed'; details: { failed: string[] } }
  | { ok: false; reason: 'already_decided'; details: { status: BatchStatus } }

/**
 * Decides a batch once. A pass needs every check of its category within limits; a fail needs a
 * reason and puts the lot in quarantine. The decision is a conditional update from "recorded", so
 * two technicians (or two clicks) cannot both decide, and the lot is created exactly once.
 */
export async function decideQc(input: QcInput, actor: Actor): Promise<QcResult> {
  if (!mongoose.isValidObjectId(input.batchId)) return { ok: false, reason: 'batch_not_found' }
  const batch = await BatchModel.findById(input.batchId).lean<Batch>()
  if (!batch) return { ok: false, reason: 'batch_not_found' }
  const checks = evaluateChecks(checklistFor(batch.category), input.values)
  const reason = (input.reason ?? '').trim()
  if (batch.status !== 'recorded') {
    const sameDecision = (batch.status === 'qc_passed') === (input.result === 'pass')
    if (sameDecision) return { ok: true, batch: await ensureLotCode(batch), lot: await ensureLot(batch, actor), repeated: true }
    return { ok: false, reason: 'already_decided', details: { status: batch.status } }
  }
  if (input.result === 'pass') {
    const failed = checks.filter((c) => !c.ok).map((c) => c.key)
    if (failed.length) return { ok: false, reason: 'checks_failed', details: { failed } }
  } else if (!reason) return { ok: false, reason: 'reason_required' }

  const withCode = await ensureLotCode(batch)
  const status: BatchStatus = input.result === 'pass' ? 'qc_passed' : 'qc_failed'
  const decided = await BatchModel.findOneAndUpdate(
    { _id: batch._id, status: 'recorded' },
    {
      $set: {
        status,
        qc: { checks, result: input.result, notes: (input.notes ?? '').trim(), reason, photos: input.photos ?? [], by: actor?._id ?? null, byName: actor?.name ?? '', at: new Date() },
      },
    },
    { returnDocument: 'after' },
  ).lean<Batch>()
  if (!decided) return decideQc(input, actor)
  await recordAudit({ actor, action: `batch.${status}`, subject: { type: 'Batch', id: batch._id }, before: { status: 'recorded' }, after: { status, lotCode: withCode.lotCode, checks }, reason })
  const lot = await ensureLot(decided, actor)
  return { ok: true, batch: { ...decided, lotId: lot._id }, lot, repeated: false }
}

/** The decided batch's lot, created if a crash or a race left it missing (the lot's unique batchId keeps it single). */
async function ensureLot(batch: Batch, actor: Actor): Promise<Lot> {
  if (batch.lotId) {
    const lot = await getLot(batch.lotId)
    if (lot) return lot
  }
  const coded = await ensureLotCode(batch)
  const lot = await createLotForBatch(
    {
      code: coded.lotCode!,
      batchId: coded._id,
      productId: coded.productId,
      sku: coded.sku,
      productName: coded.productName,
      unit: coded.unit,
      familyId: coded.familyId,
      placeId: coded.placeId,
      lineId: coded.lineId,
      factoryCode: coded.factoryCode,
      lineCode: coded.lineCode,
      producedOn: coded.producedOn,
      bestBefore: coded.bestBefore,
      qty: coded.qty,
      quarantineReason: coded.status === 'qc_failed' ? coded.qc.reason || 'qc_failed' : undefined,
    },
    actor,
  )
  await BatchModel.updateOne({ _id: coded._id, lotId: null }, { $set: { lotId: lot._id } })
  return lot
}

/** Photos taken at the check, added after the decision so a refused check leaves no stray images. */
export async function attachQcPhotos(batchId: string | Types.ObjectId, photoIds: string[], actor: Actor) {
  if (!photoIds.length) return false
  const result = await BatchModel.updateOne({ _id: batchId, status: { $ne: 'recorded' } }, { $push: { 'qc.photos': { $each: photoIds } } })
  if (result.modifiedCount) await recordAudit({ actor, action: 'batch.qc_photos_added', subject: { type: 'Batch', id: String(batchId) }, after: { photos: photoIds.length } })
  return result.modifiedCount === 1
}

// ——— reads ———

export async function getBatch(id: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(id)) return null
  return BatchModel.findById(id).lean<Batch>()
}

export async function listBatchesForSlots(slotIds: (string | Types.ObjectId)[]) {
  if (!slotIds.length) return []
  return BatchModel.find({ slotId: { $in: slotIds } })
    .select('bookingId slotId familyId sku productName qty unit lotCode status lotId technicianId createdAt')
    .sort({ createdAt: 1 })
    .lean<Batch[]>()
}

export async function listFamilyBatches(familyId: string | Types.ObjectId, limit = 50) {
  return BatchModel.find({ familyId }).select('sku productName qty unit lotCode status producedOn lotId qc.reason').sort({ producedOn: -1, createdAt: -1 }).limit(limit).lean<Batch[]>()
}

export { checklistFor }
