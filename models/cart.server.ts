import crypto from 'node:crypto'
import mongoose, { Schema, type Model, type Types } from 'mongoose'
import { MAX_LINE_QTY, SKU_PATTERN } from '#app/utils/shop'
import { lookupVariants, type SellableVariant } from './storefront.server'

/**
 * A shopper's cart, kept in the database: one per owner — `user:<id>` for a signed-in shopper,
 * `guest:<random id>` (from a cookie) for a guest — and merged into the account's cart at login.
 * Each line remembers the price the shopper saw when adding it, so a change is pointed out at
 * checkout instead of silently charged.
 */

export { MAX_LINE_QTY, SKU_PATTERN }
export const MAX_CART_LINES = 40

const cartLineSchema = new Schema(
  {
    sku: { type: String, required: true },
    qty: { type: Number, required: true, min: 1, max: MAX_LINE_QTY },
    /** the unit price (qəpik) the shopper last saw */
    unitPrice: { type: Number, required: true, min: 0 },
    addedAt: { type: Date, required: true },
  },
  { _id: false },
)

const cartSchema = new Schema(
  {
    owner: { type: String, required: true },
    lines: { type: [cartLineSchema], default: [] },
  },
  { timestamps: true },
)
cartSchema.index({ owner: 1 }, { unique: true })
cartSchema.index({ updatedAt: 1 })

export type CartLine = { sku: string; qty: number; unitPrice: number; addedAt: Date }
export type Cart = { _id: Types.ObjectId; owner: string; lines: CartLine[]; createdAt: Date; updatedAt: Date }
export const CartModel = (mongoose.models.Cart as Model<Cart>) ?? mongoose.model('Cart', cartSchema, 'carts')

export function userCartOwner(userId: Types.ObjectId | string) {
  return `user:${String(userId)}`
}

export function guestCartOwner(guestId: string) {
  return `guest:${guestId}`
}

export function newGuestId() {
  return crypto.randomBytes(18).toString('base64url')
}

export function isGuestId(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{24}$/.test(value)
}

export async function getCartLines(owner: string): Promise<CartLine[]> {
  const cart = await CartModel.findOne({ owner }).select('lines').lean<Pick<Cart, 'lines'>>()
  return cart?.lines ?? []
}

export async function countCartItems(owner: string) {
  return (await getCartLines(owner)).reduce((sum, line) => sum + line.qty, 0)
}

export type CartChange =
  | { ok: true; qty: number; capped: boolean; available: number }
  | { ok: false; reason: 'invalid_quantity' | 'not_available' | 'out_of_stock' | 'cart_full' }

/** Writes one line's quantity (capped by stock and the per-line limit); creates the cart and the line when missing. */
async function writeLine(owner: string, variant: SellableVariant, qty: number, now: Date) {
  await CartModel.updateOne({ owner }, { $setOnInsert: { lines: [] } }, { upsert: true }).catch((error: { code?: number }) => {
    // two first adds raced: the other one created the cart
    if (error.code !== 11000) throw error
  })
  const updated = await CartModel.updateOne({ owner, 'lines.sku': variant.sku }, { $set: { 'lines.$.qty': qty, 'lines.$.unitPrice': variant.unitPrice } })
  if (updated.matchedCount === 1) return true
  const pushed = await CartModel.updateOne(
    { owner, 'lines.sku': { $ne: variant.sku }, [`lines.${MAX_CART_LINES - 1}`]: { $exists: false } },
    { $push: { lines: { sku: variant.sku, qty, unitPrice: variant.unitPrice, addedAt: now } } },
  )
  if (pushed.modifiedCount === 1) return true
  // a parallel request added the same SKU a moment ago: set it instead
  const again = await CartModel.updateOne({ owner, 'lines.sku': variant.sku }, { $set: { 'lines.$.qty': qty, 'lines.$.unitPrice': variant.unitPrice } })
  return again.matchedCount === 1
}

function limit(wanted: number, variant: SellableVariant) {
  const available = Math.max(0, variant.stock)
  const qty = Math.min(wanted, MAX_LINE_QTY, available)
  return { qty, capped: qty < wanted, available }
}

/** Adds units of a SKU; the line never holds more than the stock that can be sold now. */
export async function addToCart(owner: string, sku: string, qty: number, now = new Date()): Promise<CartChange> {
  if (!Number.isInteger(qty) || qty < 1 || qty > MAX_LINE_QTY) return { ok: false, reason: 'invalid_quantity' }
  const variant = (await lookupVariants([sku], now)).get(sku)
  if (!variant || !variant.listed) return { ok: false, reason: 'not_available' }
  if (variant.stock <= 0) return { ok: false, reason: 'out_of_stock' }
  const current = (await getCartLines(owner)).find((line) => line.sku === sku)?.qty ?? 0
  const next = limit(current + qty, variant)
  if (!(await writeLine(owner, variant, next.qty, now))) return { ok: false, reason: 'cart_full' }
  return { ok: true, ...next }
}

/** Sets a line's quantity; 0 removes it. */
export async function setCartQuantity(owner: string, sku: string, qty: number, now = new Date()): Promise<CartChange> {
  if (!Number.isInteger(qty) || qty < 0 || qty > MAX_LINE_QTY) return { ok: false, reason: 'invalid_quantity' }
  if (qty === 0) {
    await removeFromCart(owner, sku)
    return { ok: true, qty: 0, capped: false, available: 0 }
  }
  const variant = (await lookupVariants([sku], now)).get(sku)
  if (!variant || !variant.listed) return { ok: false, reason: 'not_available' }
  if (variant.stock <= 0) return { ok: false, reason: 'out_of_stock' }
  const next = limit(qty, variant)
  if (!(await writeLine(owner, variant, next.qty, now))) return { ok: false, reason: 'cart_full' }
  return { ok: true, ...next }
}

export async function removeFromCart(owner: string, sku: string) {
  await CartModel.updateOne({ owner }, { $pull: { lines: { sku } } })
}

/** Takes ordered lines out of the cart (lines added meanwhile stay). */
export async function removeOrderedLines(owner: string, skus: readonly string[]) {
  if (!skus.length) return
  await CartModel.updateOne({ owner }, { $pull: { lines: { sku: { $in: [...skus] } } } })
}

/** The shopper has seen the current prices (after a "prices changed" notice): they become the remembered ones. */
export async function acknowledgePrices(owner: string, prices: ReadonlyMap<string, number>) {
  for (const [sku, unitPrice] of prices) await CartModel.updateOne({ owner, 'lines.sku': sku }, { $set: { 'lines.$.unitPrice': unitPrice } })
}

/**
 * At login the guest's cart joins the account's: quantities of the same SKU add up (within stock
 * and the line limit), then the guest cart is gone. Running it twice changes nothing more.
 */
export async function mergeCarts(fromOwner: string, intoOwner: string, now = new Date()) {
  if (fromOwner === intoOwner) return { merged: 0 }
  const guest = await CartModel.findOneAndDelete({ owner: fromOwner }).lean<Cart>()
  if (!guest?.lines.length) return { merged: 0 }
  const variants = await lookupVariants(
    guest.lines.map((line) => line.sku),
    now,
  )
  const existing = new Map((await getCartLines(intoOwner)).map((line) => [line.sku, line.qty]))
  let merged = 0
  for (const line of guest.lines) {
    const variant = variants.get(line.sku)
    if (!variant?.listed || variant.stock <= 0) continue
    const next = limit((existing.get(line.sku) ?? 0) + line.qty, variant)
    if (next.qty > 0 && (await writeLine(intoOwner, variant, next.qty, now))) merged += 1
  }
  return { merged }
}

export type CartProblem = 'not_available' | 'out_of_stock' | 'reduced' | 'price_changed'

export type PricedLine = {
  sku: string
  qty: number
  variant: SellableVariant | null
  unitPrice: number
  previousPrice: number
  lineTotal: number
  problem: CartProblem | null
}

/** The cart with today's prices and stock, and what changed since the shopper added each line. */
export async function priceCart(owner: string, now = new Date()) {
  const lines = await getCartLines(owner)
  const variants = await lookupVariants(
    lines.map((line) => line.sku),
    now,
  )
  const priced: PricedLine[] = lines.map((line) => {
    const variant = variants.get(line.sku) ?? null
    const unitPrice = variant?.unitPrice ?? line.unitPrice
    let problem: CartProblem | null = null
    if (!variant || !variant.listed) problem = 'not_available'
    else if (variant.stock <= 0) problem = 'out_of_stock'
    else if (variant.stock < line.qty) problem = 'reduced'
    else if (variant.unitPrice !== line.unitPrice) problem = 'price_changed'
    return { sku: line.sku, qty: line.qty, variant, unitPrice, previousPrice: line.unitPrice, lineTotal: unitPrice * line.qty, problem }
  })
  const sellable = priced.filter((line) => line.problem === null || line.problem === 'price_changed')
  return {
    lines: priced,
    itemsTotal: sellable.reduce((sum, line) => sum + line.lineTotal, 0),
    count: priced.reduce((sum, line) => sum + line.qty, 0),
    /** nothing stops checkout (a changed price is shown, and confirmed on the review) */
    ready: priced.length > 0 && priced.every((line) => line.problem === null || line.problem === 'price_changed'),
  }
}

export type PricedCart = Awaited<ReturnType<typeof priceCart>>
