import crypto from 'node:crypto'
import mongoose, { Schema, Types, type Model } from 'mongoose'
import { getEnv } from '#app/utils/env.server'
import { formatMoney, pickText, translate, type Locale } from '#app/utils/i18n'
import { sendMail } from '#app/utils/mail.server'
import {
  BAKU_DISTRICTS,
  DELIVERY_METHODS,
  ORDER_NUMBER_PATTERN,
  ORDER_STATUSES,
  PAYMENT_METHODS,
  PAYMENT_STATUSES,
  paymentFits,
  type DeliveryMethod,
  type OrderStatus,
  type PaymentMethod,
  type PaymentStatus,
} from '#app/utils/shop'
import { createCheckoutSession, expireCheckoutSession, refundPayment, stripeEnabled, type Stripe } from '#app/utils/stripe.server'
import { recordAudit, type Actor } from './audit.server'
import { acknowledgePrices, priceCart, removeOrderedLines } from './cart.server'
import { formatReference, nextSequence } from './counter.server'
import { LotModel, commitSale, releaseReservation, reserveStock } from './lot.server'
import { claimPaymentEvent, finishPaymentEvent, type PaymentEventOutcome } from './payment-event.server'
import { ProductModel, type Texts } from './product.server'

/**
 * Boutique orders. Placing one prices everything on the server, reserves stock per line (lots
 * first-expired-first-out for food, staff-counted pieces for crafts) with conditional updates, and
 * gives everything back if any line cannot be had. A checkout submit carries an idempotency key
 * (unique here), so a double click places one order. Online payment (Stripe) holds the stock for
 * RESERVATION_MINUTES; pay-on-delivery and pay-at-pickup orders are confirmed by staff.
 */

const texts = () => ({ az: { type: String, default: '' }, en: { type: String, default: '' }, ru: { type: String, default: '' } })

const lotPartSchema = new Schema(
  {
    lotId: { type: Schema.Types.ObjectId, ref: 'Lot', required: true },
    code: { type: String, required: true },
    qty: { type: Number, required: true, min: 1 },
  },
  { _id: false },
)

const orderLineSchema = new Schema(
  {
    sku: { type: String, required: true },
    productId: { type: Schema.Types.ObjectId, ref: 'Product', required: true },
    slug: { type: String, default: '' },
    kind: { type: String, enum: ['food', 'craft'], required: true },
    title: texts(),
    label: texts(),
    qty: { type: Number, required: true, min: 1 },
    unitPrice: { type: Number, required: true, min: 0 },
    lineTotal: { type: Number, required: true, min: 0 },
    /** the lots this line's units come from (reserved at placement, sold at dispatch) */
    lots: { type: [lotPartSchema], default: [] },
    /** crafts: pieces taken from the product's counted stock and not yet given back or sold */
    craftHeld: { type: Boolean, default: false },
    /** the lots the packer confirmed taking from the shelf */
    pickedLots: { type: [lotPartSchema], default: [] },
  },
  { _id: false },
)

const historySchema = new Schema(
  {
    status: { type: String, required: true },
    at: { type: Date, required: true },
    by: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    byName: { type: String, default: '' },
    /** a catalogue key (system notes) or the staff member's own words */
    note: { type: String, default: '' },
  },
  { _id: false },
)

const orderSchema = new Schema(
  {
    /** absent while the stock is being reserved; given once the order stands */
    number: { type: String },
    channel: { type: String, enum: ['boutique', 'retail'], default: 'boutique' },
    customer: {
      userId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
      name: { type: String, required: true },
      email: { type: String, required: true, lowercase: true, trim: true },
      phone: { type: String, required: true },
      locale: { type: String, enum: ['az', 'en', 'ru'], default: 'az' },
    },
    delivery: {
      method: { type: String, enum: DELIVERY_METHODS, required: true },
      address: { type: String, default: '' },
      district: { type: String, default: '' },
      note: { type: String, default: '' },
      fee: { type: Number, required: true, min: 0 },
    },
    lines: { type: [orderLineSchema], default: [] },
    totals: {
      items: { type: Number, required: true, min: 0 },
      delivery: { type: Number, required: true, min: 0 },
      total: { type: Number, required: true, min: 0 },
      currency: { type: String, default: 'AZN' },
    },
    payment: {
      method: { type: String, enum: PAYMENT_METHODS, required: true },
      status: { type: String, enum: PAYMENT_STATUSES, default: 'pending' },
      /** Stripe: the Checkout Session id, and its hosted page while it is open */
      providerRef: { type: String, default: '' },
      checkoutUrl: { type: String, default: '' },
      paymentIntent: { type: String, default: '' },
      amountPaid: { type: Number, default: 0 },
      paidAt: { type: Date, default: null },
      refundRef: { type: String, default: '' },
      refundedAt: { type: Date, default: null },
      /** why a payment needs a person: amount_mismatch, paid_after_cancel */
      flag: { type: String, default: '' },
    },
    status: { type: String, enum: ['reserving', ...ORDER_STATUSES], required: true },
    /** unpaid online orders: when their stock goes back to sale */
    reservedUntil: { type: Date, default: null },
    trackingToken: { type: String, required: true },
    idempotencyKey: { type: String, required: true },
    cartOwner: { type: String, default: '' },
    placedAt: { type: Date, default: null },
    packedAt: { type: Date, default: null },
    packedBy: { type: String, default: '' },
    history: { type: [historySchema], default: [] },
  },
  { timestamps: true },
)
orderSchema.index({ number: 1 }, { unique: true, sparse: true })
orderSchema.index({ trackingToken: 1 }, { unique: true })
orderSchema.index({ idempotencyKey: 1 }, { unique: true })
orderSchema.index({ 'lines.lots.lotId': 1 })
orderSchema.index({ status: 1, placedAt: -1 })
orderSchema.index({ status: 1, reservedUntil: 1 })
orderSchema.index({ 'customer.userId': 1, placedAt: -1 })
orderSchema.index({ 'customer.email': 1 })
orderSchema.index({ 'payment.providerRef': 1 })
orderSchema.index({ 'payment.paymentIntent': 1 })
orderSchema.index({ placedAt: -1 })

export type LotPart = { lotId: Types.ObjectId; code: string; qty: number }
export type OrderLine = {
  sku: string
  productId: Types.ObjectId
  slug: string
  kind: 'food' | 'craft'
  title: Texts
  label: Texts
  qty: number
  unitPrice: number
  lineTotal: number
  lots: LotPart[]
  craftHeld: boolean
  pickedLots: LotPart[]
}
export type OrderHistoryEntry = { status: string; at: Date; by: Types.ObjectId | null; byName: string; note: string }
export type Order = {
  _id: Types.ObjectId
  number?: string
  channel: 'boutique' | 'retail'
  customer: { userId: Types.ObjectId | null; name: string; email: string; phone: string; locale: Locale }
  delivery: { method: DeliveryMethod; address: string; district: string; note: string; fee: number }
  lines: OrderLine[]
  totals: { items: number; delivery: number; total: number; currency: string }
  payment: {
    method: PaymentMethod
    status: PaymentStatus
    providerRef: string
    checkoutUrl: string
    paymentIntent: string
    amountPaid: number
    paidAt: Date | null
    refundRef: string
    refundedAt: Date | null
    flag: string
  }
  status: 'reserving' | OrderStatus
  reservedUntil: Date | null
  trackingToken: string
  idempotencyKey: string
  cartOwner: string
  placedAt: Date | null
  packedAt: Date | null
  packedBy: string
  history: OrderHistoryEntry[]
  createdAt: Date
  updatedAt: Date
}
export type PlacedOrder = Order & { number: string; status: OrderStatus }

export const OrderModel = (mongoose.models.Order as Model<Order>) ?? mongoose.model('Order', orderSchema, 'orders')

/* ───────────────────────── prices and fees ───────────────────────── */

/** Courier within Baku costs COURIER_FEE, free from FREE_COURIER_FROM; pickup at the boutique is free. */
export function deliveryFee(method: DeliveryMethod, itemsTotal: number) {
  if (method === 'pickup') return 0
  const { COURIER_FEE, FREE_COURIER_FROM } = getEnv()
  return FREE_COURIER_FROM > 0 && itemsTotal >= FREE_COURIER_FROM ? 0 : COURIER_FEE
}

/** What the cart costs with each delivery method, as the server prices it now. */
export async function quoteCheckout(cartOwner: string, now = new Date()) {
  const cart = await priceCart(cartOwner, now)
  const fees = { courier: deliveryFee('courier', cart.itemsTotal), pickup: deliveryFee('pickup', cart.itemsTotal) }
  return { cart, fees, totals: { courier: cart.itemsTotal + fees.courier, pickup: cart.itemsTotal + fees.pickup } }
}

/* ───────────────────────── placing an order ───────────────────────── */

export type CheckoutInput = {
  cartOwner: string
  /** for the mails of orders the placement finds expired */
  baseUrl?: string | null
  idempotencyKey: string
  customer: { userId: Types.ObjectId | string | null; name: string; email: string; phone: string; locale: Locale }
  delivery: { method: DeliveryMethod; address?: string; district?: string; note?: string }
  paymentMethod: PaymentMethod
  /** the total the shopper was shown on the review; a different server total stops the order */
  seenTotal?: number | null
}

export type PlaceResult =
  | { ok: true; order: PlacedOrder; created: boolean }
  | { ok: false; reason: 'empty' | 'payment_method' | 'address' | 'busy' }
  | { ok: false; reason: 'cart_problems'; lines: { sku: string; title: Texts | null; problem: string; available: number }[] }
  | { ok: false; reason: 'price_changed'; changes: { sku: string; title: Texts; before: number; after: number }[]; total: number }
  | { ok: false; reason: 'insufficient_stock'; sku: string; title: Texts; requested: number; available: number }

const IDEMPOTENCY_PATTERN = /^[A-Za-z0-9_-]{16,64}$/

export function newIdempotencyKey() {
  return crypto.randomBytes(18).toString('base64url')
}

function newTrackingToken() {
  return crypto.randomBytes(24).toString('base64url')
}

function bakuYear(at: Date) {
  return Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Baku', year: 'numeric' }).format(at))
}

/** Order numbers read B-2026-000123: a per-year counter, so concurrent orders never share one. */
export async function nextOrderNumber(at = new Date()) {
  const year = bakuYear(at)
  return formatReference('B', year, await nextSequence(`order:boutique:${year}`), 6)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The order a key already placed; waits briefly while another request is still reserving for it. */
async function orderForKey(idempotencyKey: string): Promise<PlacedOrder | 'gone' | 'busy'> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const order = await OrderModel.findOne({ idempotencyKey }).lean<Order>()
    if (!order) return 'gone'
    if (order.status !== 'reserving') return order as PlacedOrder
    await sleep(100)
  }
  return 'busy'
}

async function reserveCraft(orderId: Types.ObjectId, line: { sku: string; productId: Types.ObjectId; qty: number }) {
  const taken = await ProductModel.updateOne(
    { _id: line.productId, variants: { $elemMatch: { sku: line.sku, craftStock: { $gte: line.qty } } } },
    { $inc: { 'variants.$.craftStock': -line.qty } },
  )
  if (taken.modifiedCount !== 1) {
    const product = await ProductModel.findById(line.productId).select('variants.sku variants.craftStock').lean<{ variants: { sku: string; craftStock: number }[] }>()
    return { ok: false as const, available: product?.variants.find((variant) => variant.sku === line.sku)?.craftStock ?? 0 }
  }
  await OrderModel.updateOne({ _id: orderId, 'lines.sku': line.sku }, { $set: { 'lines.$.craftHeld': true } })
  return { ok: true as const }
}

/** Gives back everything an order holds: its lot reservations and its craft pieces. Safe to repeat. */
async function releaseOrderStock(orderId: Types.ObjectId, actor: Actor, reason: string) {
  await releaseReservation(orderId, { by: actor, reason })
  const order = await OrderModel.findById(orderId).select('lines.sku lines.productId lines.qty lines.craftHeld').lean<Pick<Order, 'lines'>>()
  for (const line of order?.lines ?? []) {
    if (!line.craftHeld) continue
    // the flag flips once, so the pieces go back once however often this runs
    const flipped = await OrderModel.updateOne({ _id: orderId, lines: { $elemMatch: { sku: line.sku, craftHeld: true } } }, { $set: { 'lines.$.craftHeld': false } })
    if (flipped.modifiedCount === 1) await ProductModel.updateOne({ _id: line.productId, 'variants.sku': line.sku }, { $inc: { 'variants.$.craftStock': line.qty } })
  }
}

export async function placeOrder(input: CheckoutInput, now = new Date()): Promise<PlaceResult> {
  if (!IDEMPOTENCY_PATTERN.test(input.idempotencyKey)) throw new Error('a checkout needs an idempotency key')
  if (!paymentFits(input.delivery.method, input.paymentMethod) || (input.paymentMethod === 'stripe' && !stripeEnabled())) return { ok: false, reason: 'payment_method' }
  if (input.delivery.method === 'courier' && (!input.delivery.address?.trim() || !(BAKU_DISTRICTS as readonly string[]).includes(input.delivery.district ?? ''))) {
    return { ok: false, reason: 'address' }
  }

  const earlier = await orderForKey(input.idempotencyKey)
  if (earlier === 'busy') return { ok: false, reason: 'busy' }
  if (earlier !== 'gone') return { ok: true, order: earlier, created: false }

  // stock held by unpaid orders that ran out of time goes back before anyone is told "sold out"
  await sweepExpiredOrders(now, input.baseUrl)

  const cart = await priceCart(input.cartOwner, now)
  if (!cart.lines.length) return { ok: false, reason: 'empty' }
  const blocking = cart.lines.filter((line) => line.problem && line.problem !== 'price_changed')
  if (blocking.length) {
    return { ok: false, reason: 'cart_problems', lines: blocking.map((line) => ({ sku: line.sku, title: line.variant?.title ?? null, problem: line.problem!, available: line.variant?.stock ?? 0 })) }
  }
  const fee = deliveryFee(input.delivery.method, cart.itemsTotal)
  const total = cart.itemsTotal + fee
  const changed = cart.lines.filter((line) => line.problem === 'price_changed')
  if (changed.length || (input.seenTotal != null && input.seenTotal !== total)) {
    await acknowledgePrices(input.cartOwner, new Map(cart.lines.map((line) => [line.sku, line.unitPrice])))
    return {
      ok: false,
      reason: 'price_changed',
      changes: changed.map((line) => ({ sku: line.sku, title: line.variant!.title, before: line.previousPrice, after: line.unitPrice })),
      total,
    }
  }

  const orderId = new Types.ObjectId()
  const lines = cart.lines.map((line) => ({
    sku: line.sku,
    productId: line.variant!.productId,
    slug: line.variant!.slug,
    kind: line.variant!.kind,
    title: line.variant!.title,
    label: line.variant!.label,
    qty: line.qty,
    unitPrice: line.unitPrice,
    lineTotal: line.lineTotal,
    lots: [] as LotPart[],
    craftHeld: false,
    pickedLots: [] as LotPart[],
  }))
  const online = input.paymentMethod === 'stripe'
  try {
    await OrderModel.create({
      _id: orderId,
      status: 'reserving',
      idempotencyKey: input.idempotencyKey,
      trackingToken: newTrackingToken(),
      cartOwner: input.cartOwner,
      customer: {
        userId: input.customer.userId ? new Types.ObjectId(String(input.customer.userId)) : null,
        name: input.customer.name.trim(),
        email: input.customer.email.trim().toLowerCase(),
        phone: input.customer.phone.trim(),
        locale: input.customer.locale,
      },
      delivery: {
        method: input.delivery.method,
        address: input.delivery.method === 'courier' ? (input.delivery.address ?? '').trim() : '',
        district: input.delivery.method === 'courier' ? (input.delivery.district ?? '') : '',
        note: (input.delivery.note ?? '').trim(),
        fee,
      },
      lines,
      totals: { items: cart.itemsTotal, delivery: fee, total, currency: 'AZN' },
      payment: { method: input.paymentMethod, status: 'pending' },
    })
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error
    // the same submit arrived twice at once: the other request places the order
    const other = await orderForKey(input.idempotencyKey)
    if (other === 'busy' || other === 'gone') return { ok: false, reason: 'busy' }
    return { ok: true, order: other, created: false }
  }

  const actor: Actor = input.customer.userId ? { _id: String(input.customer.userId), name: input.customer.name } : null
  for (const line of lines) {
    if (line.kind === 'craft') {
      const taken = await reserveCraft(orderId, line)
      if (taken.ok) continue
      return failPlacement(orderId, actor, line, taken.available)
    }
    const reserved = await reserveStock({ sku: line.sku, qty: line.qty, orderId, by: actor, now })
    if (reserved.ok) {
      line.lots = reserved.allocations.map((part) => ({ lotId: part.lotId, code: part.code, qty: part.qty }))
      continue
    }
    return failPlacement(orderId, actor, line, reserved.reason === 'insufficient_stock' ? reserved.available : 0)
  }

  const number = await nextOrderNumber(now)
  const status: OrderStatus = online ? 'awaiting_payment' : 'placed'
  const reservedUntil = online ? new Date(now.getTime() + getEnv().RESERVATION_MINUTES * 60_000) : null
  const set: Record<string, unknown> = { status, number, reservedUntil, placedAt: now }
  lines.forEach((line, index) => {
    set[`lines.${index}.lots`] = line.lots
  })
  const order = await OrderModel.findOneAndUpdate(
    { _id: orderId, status: 'reserving' },
    { $set: set, $push: { history: { status, at: now, by: actor?._id ?? null, byName: actor?.name ?? input.customer.name, note: '' } } },
    { returnDocument: 'after' },
  ).lean<PlacedOrder>()
  if (!order) {
    // a sweep took the half-placed order for abandoned: nothing is held any more
    await releaseOrderStock(orderId, actor, 'abandoned')
    return { ok: false, reason: 'busy' }
  }
  await removeOrderedLines(
    input.cartOwner,
    lines.map((line) => line.sku),
  )
  await recordAudit({
    actor,
    action: 'order.placed',
    subject: { type: 'Order', id: orderId },
    after: { number, status, total, payment: input.paymentMethod, delivery: input.delivery.method, lines: lines.map((line) => ({ sku: line.sku, qty: line.qty, lots: line.lots.map((part) => part.code) })) },
  })
  return { ok: true, order, created: true }
}

async function failPlacement(orderId: Types.ObjectId, actor: Actor, line: { sku: string; title: Texts; qty: number }, available: number): Promise<PlaceResult> {
  await releaseOrderStock(orderId, actor, 'insufficient_stock')
  await OrderModel.deleteOne({ _id: orderId, status: 'reserving' })
  return { ok: false, reason: 'insufficient_stock', sku: line.sku, title: line.title, requested: line.qty, available }
}

/* ───────────────────────── mail ───────────────────────── */

export function trackingPath(order: Pick<Order, 'number' | 'trackingToken'>) {
  return `/orders/${order.number}?token=${encodeURIComponent(order.trackingToken)}`
}

function itemsText(order: Pick<Order, 'lines'>, locale: Locale) {
  return order.lines
    .map((line) => {
      const label = pickText(line.label, locale)
      return `${line.qty} × ${pickText(line.title, locale)}${label ? ` (${label})` : ''} — ${formatMoney(line.lineTotal, locale)}`
    })
    .join('\n')
}

export function deliveryText(order: Pick<Order, 'delivery'>, locale: Locale) {
  if (order.delivery.method === 'pickup') return translate(locale, 'shop.mail.pickupAt')
  const district = order.delivery.district ? translate(locale, `shop.district.${order.delivery.district}`) : ''
  return translate(locale, 'shop.mail.courierTo', { address: [order.delivery.address, district].filter(Boolean).join(', ') })
}

/** One mail per event, in the shopper's language, always with the tracking link. */
export async function mailOrder(order: PlacedOrder, template: 'placed' | 'paid' | 'shipped' | 'ready' | 'delivered' | 'cancelled' | 'refunded' | 'paid_after_cancel', baseUrl: string, extra: Record<string, string> = {}) {
  const locale = order.customer.locale
  await sendMail({
    to: order.customer.email,
    locale,
    template: `order.${template}`,
    params: {
      name: order.customer.name,
      number: order.number,
      total: formatMoney(order.totals.total, locale),
      items: itemsText(order, locale),
      delivery: deliveryText(order, locale),
      payment: translate(locale, `shop.payment.${order.payment.method}`),
      link: new URL(trackingPath(order), baseUrl).toString(),
      reason: '',
      ...extra,
    },
  })
}

/* ───────────────────────── online payment ───────────────────────── */

/** Opens (or reopens, idempotently) the Stripe Checkout Session of an unpaid online order; returns its URL. */
export async function startOnlinePayment(order: PlacedOrder, baseUrl: string) {
  if (order.payment.method !== 'stripe' || order.status !== 'awaiting_payment') return null
  if (order.payment.checkoutUrl) return order.payment.checkoutUrl
  const locale = order.customer.locale
  const link = new URL(trackingPath(order), baseUrl)
  const success = new URL(link)
  success.searchParams.set('paid', '1')
  const session = await createCheckoutSession({
    orderId: String(order._id),
    number: order.number,
    email: order.customer.email,
    locale,
    lines: order.lines.map((line) => {
      const label = pickText(line.label, locale)
      return { name: `${pickText(line.title, locale)}${label ? ` (${label})` : ''}`, unitAmount: line.unitPrice, quantity: line.qty }
    }),
    deliveryFee: order.totals.delivery,
    deliveryName: translate(locale, 'shop.delivery.courier'),
    successUrl: success.toString(),
    cancelUrl: link.toString(),
    expiresAt: order.reservedUntil ?? new Date(Date.now() + getEnv().RESERVATION_MINUTES * 60_000),
  })
  await OrderModel.updateOne({ _id: order._id, status: 'awaiting_payment' }, { $set: { 'payment.providerRef': session.id, 'payment.checkoutUrl': session.url ?? '' } })
  return session.url
}

type EventResult = { outcome: PaymentEventOutcome | 'duplicate'; orderId?: Types.ObjectId | null; note?: string }

/**
 * Applies one verified Stripe event, once: the event id is claimed first (unique), and every order
 * change is conditional on the order's current state, so replays and out-of-order deliveries
 * change nothing they should not. An order is paid only for its own amount in AZN; a payment for
 * an order that was cancelled meanwhile is refunded and flagged, never silently "paid".
 */
export async function applyStripeEvent(event: Stripe.Event, baseUrl: string): Promise<EventResult> {
  const object = event.data.object as { id?: string }
  const claim = await claimPaymentEvent({ eventId: event.id, type: event.type, objectId: object.id ?? '', createdAt: new Date(event.created * 1000) })
  if (claim === 'duplicate') return { outcome: 'duplicate' }
  let result: EventResult
  switch (event.type) {
    case 'checkout.session.completed':
      result = await onSessionCompleted(event.data.object as Stripe.Checkout.Session, event.id, baseUrl)
      break
    case 'checkout.session.expired':
      result = await onSessionExpired(event.data.object as Stripe.Checkout.Session, baseUrl)
      break
    case 'charge.refunded':
      result = await onChargeRefunded(event.data.object as Stripe.Charge, baseUrl)
      break
    default:
      result = { outcome: 'ignored', note: 'event type not used' }
  }
  await finishPaymentEvent(event.id, { outcome: result.outcome as PaymentEventOutcome, orderId: result.orderId ?? null, note: result.note })
  return result
}

async function orderForSession(session: Pick<Stripe.Checkout.Session, 'id' | 'metadata' | 'client_reference_id'>) {
  const id = session.metadata?.orderId ?? session.client_reference_id ?? ''
  if (mongoose.isValidObjectId(id)) {
    const order = await OrderModel.findOne({ _id: id, channel: 'boutique', status: { $ne: 'reserving' } }).lean<PlacedOrder>()
    if (order) return order
  }
  return OrderModel.findOne({ 'payment.providerRef': session.id, status: { $ne: 'reserving' } }).lean<PlacedOrder>()
}

const intentOf = (value: string | { id: string } | null | undefined) => (typeof value === 'string' ? value : (value?.id ?? ''))

async function onSessionCompleted(session: Stripe.Checkout.Session, eventId: string, baseUrl: string): Promise<EventResult> {
  const order = await orderForSession(session)
  if (!order) return { outcome: 'unknown_order', note: `session ${session.id}` }
  if (session.payment_status !== 'paid') return { outcome: 'ignored', orderId: order._id, note: `payment_status ${session.payment_status}` }
  const paymentIntent = intentOf(session.payment_intent)
  if (session.amount_total !== order.totals.total || (session.currency ?? '').toLowerCase() !== 'azn') {
    await OrderModel.updateOne(
      { _id: order._id, 'payment.status': { $ne: 'paid' } },
      {
        $set: { 'payment.status': 'flagged', 'payment.flag': 'amount_mismatch', 'payment.paymentIntent': paymentIntent },
        $push: { history: { status: order.status, at: new Date(), by: null, byName: 'Stripe', note: 'shop.note.amountMismatch' } },
      },
    )
    await recordAudit({
      actor: null,
      action: 'order.payment_flagged',
      subject: { type: 'Order', id: order._id },
      after: { amount: session.amount_total, currency: session.currency, expected: order.totals.total },
      reason: 'amount_mismatch',
    })
    return { outcome: 'amount_mismatch', orderId: order._id, note: `${session.amount_total} ${session.currency} for ${order.totals.total} azn` }
  }
  const now = new Date()
  const paid = await OrderModel.findOneAndUpdate(
    { _id: order._id, status: 'awaiting_payment', 'payment.status': { $in: ['pending', 'flagged'] } },
    {
      $set: {
        status: 'paid',
        reservedUntil: null,
        'payment.status': 'paid',
        'payment.paidAt': now,
        'payment.amountPaid': session.amount_total,
        'payment.paymentIntent': paymentIntent,
        'payment.providerRef': session.id,
        'payment.checkoutUrl': '',
      },
      $push: { history: { status: 'paid', at: now, by: null, byName: 'Stripe', note: '' } },
    },
    { returnDocument: 'after' },
  ).lean<PlacedOrder>()
  if (paid) {
    await recordAudit({ actor: null, action: 'order.paid', subject: { type: 'Order', id: order._id }, before: { status: 'awaiting_payment' }, after: { status: 'paid', amount: session.amount_total, paymentIntent } })
    await mailOrder(paid, 'paid', baseUrl)
    return { outcome: 'applied', orderId: order._id }
  }
  const current = await OrderModel.findById(order._id).lean<PlacedOrder>()
  if (current?.status === 'cancelled' && current.payment.status !== 'refunded' && paymentIntent) {
    // the stock went back to sale before the money came: give the money back, and say so
    const refund = await refundPayment({ paymentIntent, idempotencyKey: `refund:late:${order._id}:${eventId}`, reason: 'requested_by_customer' })
    const refunded = await OrderModel.findOneAndUpdate(
      { _id: order._id, status: 'cancelled', 'payment.status': { $ne: 'refunded' } },
      {
        $set: {
          'payment.status': 'refunded',
          'payment.flag': 'paid_after_cancel',
          'payment.paymentIntent': paymentIntent,
          'payment.amountPaid': session.amount_total,
          'payment.refundRef': refund.id,
          'payment.refundedAt': now,
        },
        $push: { history: { status: 'cancelled', at: now, by: null, byName: 'Stripe', note: 'shop.note.paidAfterCancel' } },
      },
      { returnDocument: 'after' },
    ).lean<PlacedOrder>()
    await recordAudit({ actor: null, action: 'order.refunded', subject: { type: 'Order', id: order._id }, after: { refund: refund.id, amount: session.amount_total }, reason: 'paid_after_cancel' })
    if (refunded) await mailOrder(refunded, 'paid_after_cancel', baseUrl)
    return { outcome: 'flagged_refunded', orderId: order._id, note: `refund ${refund.id}` }
  }
  return { outcome: 'ignored', orderId: order._id, note: `order already ${current?.status}` }
}

async function onSessionExpired(session: Stripe.Checkout.Session, baseUrl: string): Promise<EventResult> {
  const order = await orderForSession(session)
  if (!order) return { outcome: 'unknown_order', note: `session ${session.id}` }
  const cancelled = await cancelUnpaid(order, 'shop.note.paymentExpired', baseUrl)
  return cancelled ? { outcome: 'applied', orderId: order._id } : { outcome: 'ignored', orderId: order._id, note: `order ${order.status}` }
}

async function onChargeRefunded(charge: Stripe.Charge, baseUrl: string): Promise<EventResult> {
  const paymentIntent = intentOf(charge.payment_intent)
  const order = paymentIntent ? await OrderModel.findOne({ 'payment.paymentIntent': paymentIntent }).lean<PlacedOrder>() : null
  if (!order) return { outcome: 'unknown_order', note: `charge ${charge.id}` }
  if (!charge.refunded || charge.amount_refunded < charge.amount) return { outcome: 'ignored', orderId: order._id, note: `partial refund ${charge.amount_refunded}` }
  if (order.payment.status === 'refunded') return { outcome: 'ignored', orderId: order._id, note: 'already refunded' }
  // refunded in Stripe's dashboard: the order follows
  const done = await settleRefund(order, { refundRef: charge.id, actor: null, byName: 'Stripe', note: 'shop.note.refundedInStripe' }, baseUrl)
  return done ? { outcome: 'applied', orderId: order._id } : { outcome: 'ignored', orderId: order._id, note: `order ${order.status}` }
}

/* ───────────────────────── expiry ───────────────────────── */

async function cancelUnpaid(order: PlacedOrder, note: string, baseUrl: string | null) {
  const now = new Date()
  const cancelled = await OrderModel.findOneAndUpdate(
    { _id: order._id, status: 'awaiting_payment', 'payment.status': { $ne: 'paid' } },
    { $set: { status: 'cancelled', reservedUntil: null, 'payment.checkoutUrl': '' }, $push: { history: { status: 'cancelled', at: now, by: null, byName: '', note } } },
    { returnDocument: 'after' },
  ).lean<PlacedOrder>()
  if (!cancelled) return null
  await releaseOrderStock(order._id, null, 'payment_expired')
  await recordAudit({ actor: null, action: 'order.cancelled', subject: { type: 'Order', id: order._id }, before: { status: 'awaiting_payment' }, after: { status: 'cancelled' }, reason: note })
  if (baseUrl) await mailOrder(cancelled, 'cancelled', baseUrl, { reason: translate(cancelled.customer.locale, note) })
  return cancelled
}

/**
 * Unpaid online orders past their hold are cancelled and their stock returns to sale (their open
 * Stripe session is closed too); placements that died half-way are undone. Runs on an interval in
 * the server and lazily before reads that show stock.
 */
export async function sweepExpiredOrders(now = new Date(), baseUrl: string | null = getEnv().APP_URL ?? null) {
  const due = await OrderModel.find({ status: 'awaiting_payment', reservedUntil: { $lte: now } })
    .select('number customer payment status totals lines delivery trackingToken')
    .limit(200)
    .lean<PlacedOrder[]>()
  let expired = 0
  for (const order of due) {
    const cancelled = await cancelUnpaid(order, 'shop.note.reservationExpired', baseUrl)
    if (!cancelled) continue
    expired += 1
    if (order.payment.providerRef) await expireCheckoutSession(order.payment.providerRef).catch(() => undefined)
  }
  const abandoned = await OrderModel.find({ status: 'reserving', createdAt: { $lte: new Date(now.getTime() - 10 * 60_000) } })
    .select('_id')
    .limit(200)
    .lean<{ _id: Types.ObjectId }[]>()
  for (const order of abandoned) {
    await releaseOrderStock(order._id, null, 'abandoned')
    await OrderModel.deleteOne({ _id: order._id, status: 'reserving' })
  }
  return { expired, abandoned: abandoned.length }
}

let lastSweep = 0
let sweeping: Promise<unknown> | null = null

/** The lazy sweep: at most every 15 s per server, never twice at once. */
export async function sweepIfDue(baseUrl?: string | null) {
  if (sweeping || Date.now() - lastSweep < 15_000) return
  lastSweep = Date.now()
  sweeping = sweepExpiredOrders(new Date(), baseUrl ?? getEnv().APP_URL ?? null)
    .catch((error) => console.error('order sweep failed:', (error as Error).message))
    .finally(() => {
      sweeping = null
    })
  await sweeping
}

/* ───────────────────────── the staff order desk ───────────────────────── */

export type DeskResult = { ok: true; order: PlacedOrder } | { ok: false; reason: 'not_found' | 'wrong_state' | 'recalled' | 'not_picked' | 'payment_failed' | 'not_paid'; lots?: string[] }

type StaffActor = { _id: Types.ObjectId | string; name?: string }

async function move(
  order: PlacedOrder,
  from: readonly OrderStatus[],
  to: OrderStatus,
  actor: StaffActor | null,
  { set = {}, note = '', action, extraFilter = {} }: { set?: Record<string, unknown>; note?: string; action: string; extraFilter?: Record<string, unknown> },
) {
  const at = new Date()
  const after = await OrderModel.findOneAndUpdate(
    { _id: order._id, status: { $in: [...from] }, ...extraFilter },
    { $set: { status: to, ...set }, $push: { history: { status: to, at, by: actor?._id ?? null, byName: actor?.name ?? '', note } } },
    { returnDocument: 'after' },
  ).lean<PlacedOrder>()
  if (!after) return null
  await recordAudit({ actor, action, subject: { type: 'Order', id: order._id }, before: { status: order.status }, after: { status: to, ...set }, reason: note })
  return after
}

async function heldLotProblems(order: PlacedOrder) {
  const lotIds = order.lines.flatMap((line) => line.lots.map((part) => part.lotId))
  if (!lotIds.length) return []
  const lots = await LotModel.find({ _id: { $in: lotIds }, status: { $in: ['recalled', 'quarantined'] } })
    .select('code')
    .lean<{ code: string }[]>()
  return lots.map((lot) => lot.code)
}

/**
 * The packer confirms, line by line, the lots taken from the shelf (each reserved lot must be
 * ticked); they are recorded on the line. A recalled or quarantined lot stops the packing.
 */
export async function packOrder(order: PlacedOrder, picked: ReadonlySet<string>, actor: StaffActor): Promise<DeskResult> {
  if (!['placed', 'paid'].includes(order.status)) return { ok: false, reason: 'wrong_state' }
  const missing = order.lines.some((line, index) => line.lots.some((part) => !picked.has(`${index}:${String(part.lotId)}`)))
  if (missing) return { ok: false, reason: 'not_picked' }
  const recalled = await heldLotProblems(order)
  if (recalled.length) return { ok: false, reason: 'recalled', lots: recalled }
  const set: Record<string, unknown> = { packedAt: new Date(), packedBy: actor.name ?? '' }
  order.lines.forEach((line, index) => {
    set[`lines.${index}.pickedLots`] = line.lots
  })
  const after = await move(order, ['placed', 'paid'], 'packed', actor, { set, action: 'order.packed' })
  return after ? { ok: true, order: after } : { ok: false, reason: 'wrong_state' }
}

/** The units leave the boutique: their reservations become sales (every unit keeps its lot). */
async function commitUnits(order: PlacedOrder, actor: StaffActor) {
  const sale = await commitSale(order._id, { by: { _id: actor._id, name: actor.name } })
  if (!sale.ok) return sale
  for (const line of order.lines) {
    if (line.craftHeld) await OrderModel.updateOne({ _id: order._id, lines: { $elemMatch: { sku: line.sku, craftHeld: true } } }, { $set: { 'lines.$.craftHeld': false } })
  }
  return sale
}

export async function shipOrder(order: PlacedOrder, actor: StaffActor, note: string, baseUrl: string): Promise<DeskResult> {
  if (order.status !== 'packed' || order.delivery.method !== 'courier') return { ok: false, reason: 'wrong_state' }
  const recalled = await heldLotProblems(order)
  if (recalled.length) return { ok: false, reason: 'recalled', lots: recalled }
  const after = await move(order, ['packed'], 'shipped', actor, { note, action: 'order.shipped', extraFilter: { 'delivery.method': 'courier' } })
  if (!after) return { ok: false, reason: 'wrong_state' }
  await commitUnits(after, actor)
  await mailOrder(after, 'shipped', baseUrl)
  return { ok: true, order: after }
}

export async function markReadyForPickup(order: PlacedOrder, actor: StaffActor, baseUrl: string): Promise<DeskResult> {
  if (order.status !== 'packed' || order.delivery.method !== 'pickup') return { ok: false, reason: 'wrong_state' }
  const after = await move(order, ['packed'], 'ready_for_pickup', actor, { action: 'order.ready_for_pickup', extraFilter: { 'delivery.method': 'pickup' } })
  if (!after) return { ok: false, reason: 'wrong_state' }
  await mailOrder(after, 'ready', baseUrl)
  return { ok: true, order: after }
}

/**
 * Delivered by the courier, or handed over at the boutique. A pay-later order is paid at this
 * moment: the staff member confirms the money was received.
 */
export async function deliverOrder(order: PlacedOrder, actor: StaffActor, { cashReceived }: { cashReceived: boolean }, baseUrl: string): Promise<DeskResult> {
  if (!['shipped', 'ready_for_pickup'].includes(order.status)) return { ok: false, reason: 'wrong_state' }
  const payLater = order.payment.method !== 'stripe'
  if (payLater && !cashReceived) return { ok: false, reason: 'not_paid' }
  if (order.payment.method === 'stripe' && order.payment.status !== 'paid') return { ok: false, reason: 'not_paid' }
  if (order.status === 'ready_for_pickup') {
    const recalled = await heldLotProblems(order)
    if (recalled.length) return { ok: false, reason: 'recalled', lots: recalled }
  }
  const now = new Date()
  const set: Record<string, unknown> = payLater ? { 'payment.status': 'paid', 'payment.paidAt': now, 'payment.amountPaid': order.totals.total } : {}
  const after = await move(order, ['shipped', 'ready_for_pickup'], 'delivered', actor, { set, action: 'order.delivered' })
  if (!after) return { ok: false, reason: 'wrong_state' }
  // a pickup order's units are sold when they are handed over
  if (order.status === 'ready_for_pickup') await commitUnits(after, actor)
  await mailOrder(after, 'delivered', baseUrl)
  return { ok: true, order: after }
}

const BEFORE_DISPATCH: readonly OrderStatus[] = ['placed', 'awaiting_payment', 'paid', 'packed', 'ready_for_pickup']

async function refundOnline(order: PlacedOrder, key: string) {
  if (order.payment.method !== 'stripe' || order.payment.status !== 'paid' || !order.payment.paymentIntent) return { ok: true as const, refundRef: '' }
  try {
    const refund = await refundPayment({ paymentIntent: order.payment.paymentIntent, amount: order.payment.amountPaid || order.totals.total, idempotencyKey: key, reason: 'requested_by_customer' })
    return { ok: true as const, refundRef: refund.id }
  } catch (error) {
    console.error(`refund of ${order.number} failed:`, (error as Error).message)
    return { ok: false as const }
  }
}

/** Cancels before dispatch: the stock returns to sale, and a card payment is refunded through Stripe. */
export async function cancelOrder(order: PlacedOrder, actor: StaffActor, reason: string, baseUrl: string): Promise<DeskResult> {
  if (!BEFORE_DISPATCH.includes(order.status)) return { ok: false, reason: 'wrong_state' }
  const refund = await refundOnline(order, `refund:${order._id}`)
  if (!refund.ok) return { ok: false, reason: 'payment_failed' }
  const now = new Date()
  const set: Record<string, unknown> = { reservedUntil: null, 'payment.checkoutUrl': '' }
  if (refund.refundRef) Object.assign(set, { 'payment.status': 'refunded', 'payment.refundRef': refund.refundRef, 'payment.refundedAt': now })
  const after = await move(order, BEFORE_DISPATCH, 'cancelled', actor, { set, note: reason, action: 'order.cancelled' })
  if (!after) return { ok: false, reason: 'wrong_state' }
  await releaseOrderStock(order._id, actor, 'cancelled')
  if (order.status === 'awaiting_payment' && order.payment.providerRef) await expireCheckoutSession(order.payment.providerRef).catch(() => undefined)
  await mailOrder(after, 'cancelled', baseUrl, { reason })
  return { ok: true, order: after }
}

const REFUNDABLE: readonly OrderStatus[] = ['paid', 'packed', 'shipped', 'ready_for_pickup', 'delivered']

async function settleRefund(order: PlacedOrder, { refundRef, actor, byName, note }: { refundRef: string; actor: StaffActor | null; byName?: string; note: string }, baseUrl: string) {
  const now = new Date()
  const after = await OrderModel.findOneAndUpdate(
    { _id: order._id, status: { $in: [...REFUNDABLE] }, 'payment.status': 'paid' },
    {
      $set: { status: 'refunded', 'payment.status': 'refunded', 'payment.refundRef': refundRef, 'payment.refundedAt': now },
      $push: { history: { status: 'refunded', at: now, by: actor?._id ?? null, byName: actor?.name ?? byName ?? '', note } },
    },
    { returnDocument: 'after' },
  ).lean<PlacedOrder>()
  if (!after) return null
  await recordAudit({ actor, action: 'order.refunded', subject: { type: 'Order', id: order._id }, before: { status: order.status }, after: { status: 'refunded', refundRef }, reason: note })
  // not yet handed to the shopper: the units go back to sale
  if (['paid', 'packed', 'ready_for_pickup'].includes(order.status)) await releaseOrderStock(order._id, actor, 'refunded')
  await mailOrder(after, 'refunded', baseUrl, { reason: note.startsWith('shop.note.') ? translate(after.customer.locale, note) : note })
  return after
}

/** Gives a paid order's money back: through Stripe for card payments, recorded by staff for cash. */
export async function refundOrder(order: PlacedOrder, actor: StaffActor, reason: string, baseUrl: string): Promise<DeskResult> {
  if (!REFUNDABLE.includes(order.status)) return { ok: false, reason: 'wrong_state' }
  if (order.payment.status !== 'paid') return { ok: false, reason: 'not_paid' }
  const refund = await refundOnline(order, `refund:${order._id}`)
  if (!refund.ok) return { ok: false, reason: 'payment_failed' }
  const after = await settleRefund(order, { refundRef: refund.refundRef, actor, note: reason }, baseUrl)
  return after ? { ok: true, order: after } : { ok: false, reason: 'wrong_state' }
}

/* ───────────────────────── reading ───────────────────────── */

export async function getOrderByNumber(number: string) {
  if (!ORDER_NUMBER_PATTERN.test(number)) return null
  return OrderModel.findOne({ number, status: { $ne: 'reserving' } }).lean<PlacedOrder>()
}

/** A guest's link: the token compared in constant time, so timing tells nothing about it. */
export function tokenMatches(order: Pick<Order, 'trackingToken'>, token: string | null | undefined) {
  if (!token) return false
  const a = Buffer.from(order.trackingToken)
  const b = Buffer.from(token)
  return a.length === b.length && crypto.timingSafeEqual(a, b)
}

export const DESK_SORTS = ['placedAt', 'number', 'total'] as const

export async function listOrders({
  scope,
  status,
  payment,
  delivery,
  q,
  flagged,
  page = 1,
  perPage = 25,
  sort = 'placedAt',
  dir = -1,
}: {
  /** the caller's permission filter (accessibleBy(ability, 'read').ofType('Order')) */
  scope: Record<string, unknown>
  status?: OrderStatus
  payment?: PaymentMethod
  delivery?: DeliveryMethod
  q?: string
  flagged?: boolean
  page?: number
  perPage?: number
  sort?: (typeof DESK_SORTS)[number]
  dir?: 1 | -1
}) {
  const and: Record<string, unknown>[] = [scope, { status: { $ne: 'reserving' } }]
  if (status) and.push({ status })
  if (payment) and.push({ 'payment.method': payment })
  if (delivery) and.push({ 'delivery.method': delivery })
  if (flagged) and.push({ 'payment.flag': { $ne: '' } })
  const text = (q ?? '').trim()
  if (text) {
    const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    and.push({ $or: [{ number: text.toUpperCase() }, { 'customer.email': text.toLowerCase() }, { 'customer.name': { $regex: escaped, $options: 'i' } }, { 'customer.phone': { $regex: escaped } }] })
  }
  const filter = { $and: and }
  const sortField = sort === 'total' ? 'totals.total' : sort
  const [items, total] = await Promise.all([
    OrderModel.find(filter)
      .select('number status customer.name customer.email delivery.method payment.method payment.status payment.flag totals.total placedAt lines.qty')
      .sort({ [sortField]: dir, _id: dir })
      .skip((page - 1) * perPage)
      .limit(perPage)
      .lean<PlacedOrder[]>(),
    OrderModel.countDocuments(filter),
  ])
  return { items, total, page, perPage }
}

/** A signed-in shopper's own orders, newest first. */
export async function listCustomerOrders(userId: Types.ObjectId | string) {
  return OrderModel.find({ 'customer.userId': userId, status: { $ne: 'reserving' } })
    .select('number status totals.total placedAt payment.method delivery.method lines.qty')
    .sort({ placedAt: -1 })
    .limit(100)
    .lean<PlacedOrder[]>()
}
