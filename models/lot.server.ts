import mongoose, { Schema, type InferSchemaType, type Model, Types } from 'mongoose'
import { sendMail } from '#app/utils/mail.server'
import { pickText } from '#app/utils/i18n'
import { recordAudit, type Actor } from './audit.server'
import { localDay } from './factory-days'
import { shopChanged } from './shop-changes'
import { holderContacts } from './holder.server'
import { listLotMovements, listOrderMovements, recordMovement } from './lot-movement.server'

import { LOT_CODE_PATTERN, LOT_SORTS, LOT_STATUSES, LOT_UNITS, type LotStatus, type LotUnit } from './factory-rules'

export { LOT_CODE_PATTERN, LOT_SORTS, LOT_STATUSES, LOT_UNITS, type LotStatus, type LotUnit }

/**
 * A traceable lot of stock: what one QC-passed (or quarantined) batch produced. Quantities only
 * change through conditional single-document updates; open reservations live on the lot itself
 * (one per order), so a reservation, its release and its sale are each applied exactly once.
 */
const reservationSchema = new Schema(
  {
    rid: { type: Schema.Types.ObjectId, required: true },
    orderId: { type: Schema.Types.ObjectId, required: true },
    qty: { type: Number, required: true, min: 1 },
    at: { type: Date, required: true },
  },
  { _id: false },
)

const lotSchema = new Schema(
  {
    code: { type: String, required: true },
    batchId: { type: Schema.Types.ObjectId, ref: 'Batch', required: true },
    productId: { type: Schema.Types.ObjectId, ref: 'Product', default: null },
    sku: { type: String, required: true },
    productName: { az: { type: String, default: '' }, en: { type: String, default: '' }, ru: { type: String, default: '' } },
    unit: { type: String, enum: LOT_UNITS, required: true },
    familyId: { type: Schema.Types.ObjectId, ref: 'Family', required: true },
    placeId: { type: Schema.Types.ObjectId, ref: 'Place', default: null },
    lineId: { type: Schema.Types.ObjectId, ref: 'Resource', default: null },
    factoryCode: { type: String, required: true },
    lineCode: { type: String, required: true },
    producedOn: { type: Date, required: true },
    /** null: never expires (handicrafts) */
    bestBefore: { type: Date, default: null },
    qtyProduced: { type: Number, required: true, min: 0 },
    qtyAvailable: { type: Number, required: true, min: 0 },
    qtyReserved: { type: Number, default: 0, min: 0 },
    qtySold: { type: Number, default: 0, min: 0 },
    qtyWrittenOff: { type: Number, default: 0, min: 0 },
    status: { type: String, enum: LOT_STATUSES, required: true },
    quarantine: { reason: { type: String, default: '' }, at: { type: Date, default: null } },
    recall: {
      reason: { type: String, default: '' },
      by: { type: Schema.Types.ObjectId, ref: 'User', default: null },
      byName: { type: String, default: '' },
      at: { type: Date, default: null },
      previousStatus: { type: String, default: '' },
    },
    reservations: { type: [reservationSchema], default: [] },
  },
  { timestamps: true },
)
lotSchema.index({ code: 1 }, { unique: true })
// one lot per batch: creating it twice (a retried QC pass) finds the first
lotSchema.index({ batchId: 1 }, { unique: true })
// FEFO: the sellable lots of a SKU, earliest best-before first
lotSchema.index({ sku: 1, status: 1, bestBefore: 1 })
lotSchema.index({ familyId: 1, producedOn: -1 })
lotSchema.index({ productId: 1, status: 1 })
lotSchema.index({ 'reservations.orderId': 1 })
lotSchema.index({ status: 1, bestBefore: 1 })

export type Lot = InferSchemaType<typeof lotSchema> & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date }
export const LotModel = (mongoose.models.Lot as Model<Lot>) ?? mongoose.model('Lot', lotSchema, 'lots')

/** Lot codes read factory-line-day-sequence: `GUB-JAM-20261129-003`; they sort by day within a line. */
export function formatLotCode(factoryCode: string, lineCode: string, producedOn: Date, seq: number) {
  return `${factoryCode}-${lineCode}-${localDay(producedOn).replaceAll('-', '')}-${String(seq).padStart(3, '0')}`
}

export function lotSequenceKey(factoryCode: string, lineCode: string, producedOn: Date) {
  return `lot:${factoryCode}-${lineCode}-${localDay(producedOn).replaceAll('-', '')}`
}

/**
 * The factory and line parts of a lot code: a place coded `GUBA-FACTORY` gives `GUB`, a line coded
 * `jam` gives `JAM`. The day counter is keyed by the same parts, so two places that share a prefix
 * share one sequence and their codes still never collide.
 */
export function lotCodeParts(placeCode: string, lineCode: string) {
  const clean = (text: string) => text.toUpperCase().replace(/[^A-Z0-9]/g, '')
  return { factoryCode: clean(placeCode).slice(0, 3) || 'ABD', lineCode: clean(lineCode).slice(0, 6) || 'LINE' }
}


/** A lot is sellable only before its best-before instant (or when it has none). */
function sellableAt(now: Date) {
  return { $or: [{ bestBefore: null }, { bestBefore: { $gt: now } }] }
}

function toObjectId(value: Types.ObjectId | string) {
  return typeof value === 'string' ? new Types.ObjectId(value) : value
}

function normaliseActor(by: Actor | string | Types.ObjectId | undefined | null): Actor {
  if (!by) return null
  if (typeof by === 'string' || by instanceof Types.ObjectId) return { _id: by }
  return by
}

/**
 * What the UI shows: "reserved" when every unit left is held by orders, "reserved_partly" when some
 * are; expired as soon as the date passes, sweep or not. Stored status stays `available` for both.
 */
export function effectiveLotStatus(lot: Pick<Lot, 'status' | 'bestBefore' | 'qtyAvailable' | 'qtyReserved'>, now = new Date()) {
  if (lot.status === 'available' && lot.bestBefore && new Date(lot.bestBefore) <= now) return 'expired'
  if (lot.status === 'available' && lot.qtyReserved > 0) return lot.qtyAvailable === 0 ? 'reserved' : 'reserved_partly'
  return lot.status
}

/** Whether units of the lot may still be sold (or are held for orders): what counts as stock. */
export function isSellable(lot: Pick<Lot, 'status' | 'bestBefore'>, now = new Date()) {
  return lot.status === 'available' && (!lot.bestBefore || new Date(lot.bestBefore) > now)
}

// ——— creating lots (called by the batch module) ———

export type NewLot = {
  code: string
  batchId: Types.ObjectId
  productId: Types.ObjectId | null
  sku: string
  productName: { az: string; en: string; ru: string }
  unit: LotUnit
  familyId: Types.ObjectId
  placeId: Types.ObjectId | null
  lineId: Types.ObjectId | null
  factoryCode: string
  lineCode: string
  producedOn: Date
  bestBefore: Date | null
  qty: number
  quarantineReason?: string
}

/** Creates the batch's lot once; a second call (retry, double click) returns the first. */
export async function createLotForBatch(input: NewLot, actor: Actor) {
  const quarantined = Boolean(input.quarantineReason)
  const now = new Date()
  let lot: Lot
  try {
    const created = await LotModel.create({
      code: input.code,
      batchId: input.batchId,
      productId: input.productId,
      sku: input.sku,
      productName: input.productName,
      unit: input.unit,
      familyId: input.familyId,
      placeId: input.placeId,
      lineId: input.lineId,
      factoryCode: input.factoryCode,
      lineCode: input.lineCode,
      producedOn: input.producedOn,
      bestBefore: input.bestBefore,
      qtyProduced: input.qty,
      qtyAvailable: input.qty,
      status: quarantined ? 'quarantined' : 'available',
      quarantine: quarantined ? { reason: input.quarantineReason, at: now } : { reason: '', at: null },
    })
    lot = created.toObject() as Lot
    await recordAudit({
      actor,
      action: quarantined ? 'lot.quarantined' : 'lot.created',
      subject: { type: 'Lot', id: lot._id },
      after: { code: lot.code, sku: lot.sku, qty: input.qty, status: lot.status },
      reason: input.quarantineReason ?? '',
    })
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error
    const existing = await LotModel.findOne({ batchId: input.batchId }).lean<Lot>()
    if (!existing) throw error
    lot = existing
  }
  await recordMovement({ key: `produced:${lot._id}`, lotId: lot._id, lotCode: lot.code, sku: lot.sku, kind: 'produced', qty: lot.qtyProduced, by: actor, reason: lot.quarantine?.reason ?? '', at: lot.createdAt })
  return lot
}

// ——— FEFO allocation for orders ———

export type Allocation = { lotId: Types.ObjectId; code: string; qty: number; bestBefore: Date | null }
export type ReserveResult =
  | { ok: true; allocations: Allocation[] }
  | { ok: false; reason: 'invalid_quantity' }
  | { ok: false; reason: 'insufficient_stock'; requested: number; available: number }

async function heldByOrder(orderId: Types.ObjectId, sku?: string): Promise<(Allocation & { rid: Types.ObjectId; sku: string; status: string })[]> {
  const lots = await LotModel.find({ 'reservations.orderId': orderId, ...(sku ? { sku } : {}) })
    .select('code sku status bestBefore reservations')
    .sort({ bestBefore: 1, code: 1 })
    .lean<Lot[]>()
  const held = []
  for (const lot of lots)
    for (const r of lot.reservations)
      if (String(r.orderId) === String(orderId)) held.push({ lotId: lot._id, code: lot.code, sku: lot.sku, status: lot.status, qty: r.qty, bestBefore: lot.bestBefore ?? null, rid: r.rid })
  return held
}

/**
 * Reserves `qty` units of a SKU for an order, first-expired-first-out across its sellable lots.
 * Each lot is taken with one conditional update (available, not past best-before, enough units,
 * not already holding this order), so stock never goes negative and a retry of the same order
 * reuses what it already holds. If the whole quantity cannot be had, everything the order holds
 * of this SKU is given back.
 */
export async function reserveStock({
  sku,
  qty,
  orderId,
  by = null,
  now = new Date(),
}: {
  sku: string
  qty: number
  orderId: Types.ObjectId | string
  by?: Actor | string | Types.ObjectId | null
  now?: Date
}): Promise<ReserveResult> {
  if (!Number.isInteger(qty) || qty <= 0 || qty > 1_000_000) return { ok: false, reason: 'invalid_quantity' }
  const order = toObjectId(orderId)
  const actor = normaliseActor(by)
  const held = await heldByOrder(order, sku)
  for (const h of held) await recordMovement({ key: `reserved:${h.rid}`, lotId: h.lotId, lotCode: h.code, sku, kind: 'reserved', qty: h.qty, orderId: order, by: actor })
  const allocations: Allocation[] = held.map(({ lotId, code, qty: q, bestBefore }) => ({ lotId, code, qty: q, bestBefore }))
  let remaining = qty - allocations.reduce((sum, a) => sum + a.qty, 0)
  if (remaining <= 0) return { ok: true, allocations }

  const candidates = await LotModel.find({ sku, status: 'available', qtyAvailable: { $gt: 0 }, 'reservations.orderId': { $ne: order }, ...sellableAt(now) })
    .select('code qtyAvailable bestBefore')
    .sort({ bestBefore: 1, code: 1 })
    .lean<Lot[]>()
  for (const lot of candidates) {
    let available = lot.qtyAvailable
    while (remaining > 0 && available > 0) {
      const take = Math.min(remaining, available)
      const rid = new Types.ObjectId()
      const taken = await LotModel.updateOne(
        { _id: lot._id, status: 'available', qtyAvailable: { $gte: take }, 'reservations.orderId': { $ne: order }, ...sellableAt(now) },
        { $inc: { qtyAvailable: -take, qtyReserved: take }, $push: { reservations: { rid, orderId: order, qty: take, at: now } } },
      )
      if (taken.modifiedCount === 1) {
        remaining -= take
        allocations.push({ lotId: lot._id, code: lot.code, qty: take, bestBefore: lot.bestBefore ?? null })
        await recordMovement({ key: `reserved:${rid}`, lotId: lot._id, lotCode: lot.code, sku, kind: 'reserved', qty: take, orderId: order, by: actor, at: now })
        break
      }
      // someone else took units between our read and our update: look again at what is left
      const fresh = await LotModel.findOne({ _id: lot._id, status: 'available', 'reservations.orderId': { $ne: order }, ...sellableAt(now) })
        .select('qtyAvailable')
        .lean<Pick<Lot, 'qtyAvailable'>>()
      available = fresh?.qtyAvailable ?? 0
    }
    if (remaining === 0) break
  }
  if (remaining > 0) {
    await releaseReservation(order, { sku, by: actor, reason: 'insufficient_stock' })
    return { ok: false, reason: 'insufficient_stock', requested: qty, available: qty - remaining }
  }
  return { ok: true, allocations }
}

/** Gives back everything an order holds (or only one SKU of it); safe to call again. */
export async function releaseReservation(
  orderId: Types.ObjectId | string,
  { sku, by = null, reason = '' }: { sku?: string; by?: Actor | string | Types.ObjectId | null; reason?: string } = {},
) {
  const order = toObjectId(orderId)
  const actor = normaliseActor(by)
  const released: Allocation[] = []
  for (const h of await heldByOrder(order, sku)) {
    const done = await LotModel.updateOne(
      { _id: h.lotId, reservations: { $elemMatch: { rid: h.rid } } },
      { $pull: { reservations: { rid: h.rid } }, $inc: { qtyAvailable: h.qty, qtyReserved: -h.qty } },
    )
    if (done.modifiedCount !== 1) continue
    released.push({ lotId: h.lotId, code: h.code, qty: h.qty, bestBefore: h.bestBefore })
    await recordMovement({ key: `released:${h.rid}`, lotId: h.lotId, lotCode: h.code, sku: h.sku, kind: 'released', qty: h.qty, orderId: order, by: actor, reason })
  }
  return { released }
}

export type CommitResult = { ok: true; sold: { lotId: Types.ObjectId; code: string; sku: string; qty: number }[] } | { ok: false; reason: 'recalled'; lots: string[] }

/**
 * Turns an order's reservations into sales. A recalled lot is never sold: the order keeps its
 * reservation and the caller decides (refund, substitute). Calling it again returns the same sale.
 */
export async function commitSale(orderId: Types.ObjectId | string, { by = null }: { by?: Actor | string | Types.ObjectId | null } = {}): Promise<CommitResult> {
  const order = toObjectId(orderId)
  const actor = normaliseActor(by)
  const held = await heldByOrder(order)
  const recalled = held.filter((h) => h.status === 'recalled' || h.status === 'quarantined').map((h) => h.code)
  if (recalled.length) return { ok: false, reason: 'recalled', lots: [...new Set(recalled)] }
  for (const h of held) {
    const done = await LotModel.updateOne(
      { _id: h.lotId, reservations: { $elemMatch: { rid: h.rid } } },
      { $pull: { reservations: { rid: h.rid } }, $inc: { qtyReserved: -h.qty, qtySold: h.qty } },
    )
    if (done.modifiedCount !== 1) continue
    await recordMovement({ key: `sold:${h.rid}`, lotId: h.lotId, lotCode: h.code, sku: h.sku, kind: 'sold', qty: h.qty, orderId: order, by: actor })
    await LotModel.updateOne({ _id: h.lotId, status: 'available', qtyAvailable: 0, qtyReserved: 0 }, { $set: { status: 'sold_out' } })
  }
  const sold = await listOrderMovements(order, 'sold')
  return { ok: true, sold: sold.map((m) => ({ lotId: m.lotId, code: m.lotCode, sku: m.sku, qty: m.qty })) }
}

/** The expiry sweep: lots past best-before leave the available state for good. */
export async function expireLots(now = new Date()) {
  const due = await LotModel.find({ status: 'available', bestBefore: { $ne: null, $lte: now } }).select('code').lean<Pick<Lot, '_id' | 'code'>[]>()
  let expired = 0
  for (const lot of due) {
    const done = await LotModel.updateOne({ _id: lot._id, status: 'available' }, { $set: { status: 'expired' } })
    if (done.modifiedCount !== 1) continue
    expired += 1
    await recordAudit({ actor: null, action: 'lot.expired', subject: { type: 'Lot', id: lot._id }, before: { status: 'available' }, after: { status: 'expired' } })
  }
  return expired
}

/** Sellable stock per SKU: the sum of the available quantity of its lots that may still be sold. */
export async function stockBySku(skus: string[], now = new Date()) {
  const stock = new Map<string, number>(skus.map((sku) => [sku, 0]))
  if (!skus.length) return stock
  const rows = await LotModel.aggregate<{ _id: string; qty: number }>([
    { $match: { sku: { $in: skus }, status: 'available', ...sellableAt(now) } },
    { $group: { _id: '$sku', qty: { $sum: '$qtyAvailable' } } },
  ])
  for (const row of rows) stock.set(row._id, row.qty)
  return stock
}

export async function stockForProduct(productId: Types.ObjectId | string, now = new Date()) {
  const rows = await LotModel.aggregate<{ qty: number }>([
    { $match: { productId: toObjectId(productId), status: 'available', ...sellableAt(now) } },
    { $group: { _id: null, qty: { $sum: '$qtyAvailable' } } },
  ])
  return rows[0]?.qty ?? 0
}

// ——— staff actions ———

export type LotActionResult = { ok: true; lot: Lot } | { ok: false; reason: 'not_found' | 'already_recalled' | 'not_enough' | 'not_available' }

/** Takes a lot off sale at once, whatever state it was in, and tells the family by mail. */
export async function recallLot({ lotId, reason, actor }: { lotId: Types.ObjectId | string; reason: string; actor: Actor }): Promise<LotActionResult> {
  const before = await LotModel.findById(lotId).select('status code familyId').lean<Lot>()
  if (!before) return { ok: false, reason: 'not_found' }
  const at = new Date()
  const lot = await LotModel.findOneAndUpdate(
    { _id: lotId, status: { $ne: 'recalled' } },
    { $set: { status: 'recalled', recall: { reason, by: actor?._id ?? null, byName: actor?.name ?? '', at, previousStatus: before.status } } },
    { returnDocument: 'after' },
  ).lean<Lot>()
  if (!lot) return { ok: false, reason: 'already_recalled' }
  shopChanged()
  await recordAudit({ actor, action: 'lot.recalled', subject: { type: 'Lot', id: lot._id }, before: { status: before.status }, after: { status: 'recalled' }, reason })
  const contacts = await holderContacts({ kind: 'family', id: lot.familyId })
  await Promise.all(
    contacts.map((c) => sendMail({ to: c.email, locale: c.locale ?? 'az', template: 'lot.recalled', params: { name: c.name, code: lot.code, product: pickText(lot.productName, c.locale ?? 'az'), reason } })),
  )
  return { ok: true, lot }
}

/** Units that cannot be sold (broken jars, samples): only from what is available, never below zero. */
export async function writeOffLot({ lotId, qty, reason, actor }: { lotId: Types.ObjectId | string; qty: number; reason: string; actor: Actor }): Promise<LotActionResult> {
  if (!Number.isInteger(qty) || qty <= 0) return { ok: false, reason: 'not_enough' }
  const key = `written_off:${new Types.ObjectId()}`
  const lot = await LotModel.findOneAndUpdate(
    { _id: lotId, qtyAvailable: { $gte: qty } },
    { $inc: { qtyAvailable: -qty, qtyWrittenOff: qty } },
    { returnDocument: 'after' },
  ).lean<Lot>()
  if (!lot) return (await LotModel.exists({ _id: lotId })) ? { ok: false, reason: 'not_enough' } : { ok: false, reason: 'not_found' }
  await recordMovement({ key, lotId: lot._id, lotCode: lot.code, sku: lot.sku, kind: 'written_off', qty, by: actor, reason })
  if (lot.status === 'available' && lot.qtyAvailable === 0 && lot.qtyReserved === 0)
    await LotModel.updateOne({ _id: lot._id, status: 'available', qtyAvailable: 0, qtyReserved: 0 }, { $set: { status: 'sold_out' } })
  await recordAudit({ actor, action: 'lot.written_off', subject: { type: 'Lot', id: lot._id }, after: { qty }, reason })
  return { ok: true, lot }
}

// ——— reads for pages ———

const LIST_FIELDS = 'code sku productId productName unit familyId factoryCode lineCode producedOn bestBefore qtyProduced qtyAvailable qtyReserved qtySold qtyWrittenOff status'

export async function getLotByCode(code: string) {
  if (!LOT_CODE_PATTERN.test(code)) return null
  return LotModel.findOne({ code }).select('-reservations').lean<Lot>()
}

export async function getLot(id: Types.ObjectId | string) {
  if (!mongoose.isValidObjectId(id)) return null
  return LotModel.findById(id).select('-reservations').lean<Lot>()
}


export async function listLots({
  scope,
  status,
  q,
  familyId,
  page = 1,
  perPage = 25,
  sort = 'producedOn',
  dir = -1,
}: {
  /** the caller's permission filter (`accessibleBy(ability, 'read').ofType('Lot')`) */
  scope?: Record<string, unknown>
  status?: LotStatus
  q?: string
  familyId?: string
  page?: number
  perPage?: number
  sort?: (typeof LOT_SORTS)[number]
  dir?: 1 | -1
}) {
  const and: Record<string, unknown>[] = scope ? [scope] : []
  if (status) and.push({ status })
  if (q) {
    const text = q.trim().toUpperCase().replace(/[^A-Z0-9-]/g, '')
    if (text) and.push({ $or: [{ code: { $regex: `^${text}` } }, { sku: { $regex: `^${text}`, $options: 'i' } }] })
  }
  if (familyId && mongoose.isValidObjectId(familyId)) and.push({ familyId: new Types.ObjectId(familyId) })
  const filter = and.length ? { $and: and } : {}
  const [items, total] = await Promise.all([
    LotModel.find(filter)
      .select(LIST_FIELDS)
      .sort({ [sort]: dir, code: dir })
      .skip((page - 1) * perPage)
      .limit(perPage)
      .lean<Lot[]>(),
    LotModel.countDocuments(filter),
  ])
  return { items, total, page, perPage }
}

/** A family's own stock: its lots, newest first, and the sellable sum per SKU. */
export async function listFamilyStock(familyId: Types.ObjectId | string, now = new Date()) {
  const lots = await LotModel.find({ familyId: toObjectId(familyId) }).select(LIST_FIELDS).sort({ producedOn: -1, code: -1 }).limit(500).lean<Lot[]>()
  const bySku = new Map<string, { sku: string; productName: Lot['productName']; unit: string; available: number; reserved: number; sold: number; lots: number }>()
  for (const lot of lots) {
    const row = bySku.get(lot.sku) ?? { sku: lot.sku, productName: lot.productName, unit: lot.unit, available: 0, reserved: 0, sold: 0, lots: 0 }
    if (isSellable(lot, now)) row.available += lot.qtyAvailable
    row.reserved += lot.qtyReserved
    row.sold += lot.qtySold
    row.lots += 1
    bySku.set(lot.sku, row)
  }
  return { lots, products: [...bySku.values()] }
}

export { listLotMovements }

// ——— who received a lot (recall) ———

export type LotRecipient = {
  orderId: string
  number: string
  channel: string
  status: string
  placedAt: Date | null
  customerName: string
  customerEmail: string
  customerPhone: string
  retailerId: string
  retailerName: string
  qty: number
}

type OrderLike = {
  _id: Types.ObjectId
  number?: string
  channel?: string
  status?: string
  createdAt?: Date
  placedAt?: Date
  customer?: { name?: string; email?: string; phone?: string }
  shippingAddress?: { name?: string; phone?: string }
  retailerId?: Types.ObjectId | null
  lines?: { lots?: { lotId?: unknown; qty?: number }[] }[]
  history?: { status?: string }[]
}

/**
 * Whether an order's units left (or will leave) with its customer: a cancelled order gave its
 * units back, and so did one refunded before it was shipped or handed over.
 */
function receivedUnits(order: OrderLike) {
  if (order.status === 'cancelled' || order.status === 'reserving') return false
  if (order.status === 'refunded') return (order.history ?? []).some((entry) => entry.status === 'shipped' || entry.status === 'delivered')
  return true
}

/**
 * Every order that received (or holds) units of the lot, with its shopper or retailer. Read from
 * the `orders` collection through the connection, so it works before and after the order model
 * exists; orders carry `lines[].lots[] = { lotId, code, qty }`.
 */
export async function listLotRecipients(lotId: Types.ObjectId | string): Promise<LotRecipient[]> {
  const db = mongoose.connection.db
  if (!db) return []
  const id = toObjectId(lotId)
  const orders = await db
    .collection<OrderLike>('orders')
    .find({ 'lines.lots.lotId': { $in: [id, String(id)] } }, { projection: { number: 1, channel: 1, status: 1, createdAt: 1, placedAt: 1, customer: 1, shippingAddress: 1, retailerId: 1, lines: 1, history: 1 } })
    .sort({ createdAt: 1 })
    .limit(5000)
    .toArray()
    .then((rows) => rows.filter(receivedUnits))
  const retailerIds = [...new Set(orders.map((o) => o.retailerId).filter(Boolean).map(String))]
  const retailers = retailerIds.length
    ? await db
        .collection<{ _id: Types.ObjectId; name?: string; legalName?: string }>('retailers')
        .find({ _id: { $in: retailerIds.map((r) => new Types.ObjectId(r)) } }, { projection: { name: 1, legalName: 1 } })
        .toArray()
    : []
  const retailerNames = new Map(retailers.map((r) => [String(r._id), r.name ?? r.legalName ?? '']))
  return orders.map((order) => {
    let qty = 0
    for (const line of order.lines ?? []) for (const part of line.lots ?? []) if (String(part.lotId) === String(id)) qty += Number(part.qty) || 0
    return {
      orderId: String(order._id),
      number: order.number ?? '',
      channel: order.channel ?? '',
      status: order.status ?? '',
      placedAt: order.placedAt ?? order.createdAt ?? null,
      customerName: order.customer?.name ?? order.shippingAddress?.name ?? '',
      customerEmail: order.customer?.email ?? '',
      customerPhone: order.customer?.phone ?? order.shippingAddress?.phone ?? '',
      retailerId: order.retailerId ? String(order.retailerId) : '',
      retailerName: order.retailerId ? (retailerNames.get(String(order.retailerId)) ?? '') : '',
      qty,
    }
  })
}

/** RFC 4180 CSV; a cell that a spreadsheet would run as a formula is prefixed with a quote. */
export function toCsv(header: string[], rows: (string | number | null | undefined)[][]) {
  const cell = (value: string | number | null | undefined) => {
    let text = value == null ? '' : String(value)
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
  }
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n'
}
