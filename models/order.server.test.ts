import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { Types } from 'mongoose'
import { makeLot } from '#tests/factories/lots'
import { checkoutInput, guestCart, makeOrder, makeShopMaker, makeShopProduct, type ShopMaker } from '#tests/factories/shop'
import { startStripeServer, type StripeServer } from '#tests/support/stripe-server'
import { configureStripe } from '#app/utils/stripe.server'
import { addToCart, getCartLines } from './cart.server'
import { LotModel, listLotRecipients } from './lot.server'
import { LotMovementModel } from './lot-movement.server'
import {
  cancelOrder,
  deliverOrder,
  deliveryFee,
  getOrderByNumber,
  markReadyForPickup,
  nextOrderNumber,
  OrderModel,
  packOrder,
  placeOrder,
  refundOrder,
  shipOrder,
  sweepExpiredOrders,
  type PlacedOrder,
} from './order.server'
import { OutboxModel } from './outbox.server'
import { ProductModel, changePrice, delistProduct } from './product.server'
import { resetShopCaches } from './storefront.server'

const BASE = 'http://shop.test'
const staff = { _id: new Types.ObjectId(), name: 'Tural Babayev' }
const MINUTE = 60_000

let maker: ShopMaker
beforeEach(async () => {
  resetShopCaches()
  configureStripe(null)
  maker = await makeShopMaker({ name: 'Abbasovlar', region: 'Guba' })
})
afterAll(() => configureStripe(undefined))

const picks = (order: PlacedOrder) => new Set(order.lines.flatMap((line, index) => line.lots.map((part) => `${index}:${String(part.lotId)}`)))

async function lotsOf(sku: string) {
  return LotModel.find({ sku }).sort({ bestBefore: 1 }).lean()
}

describe('pricing', () => {
  test('the server prices every line and adds the delivery fee (courier in Baku, free from 60 AZN, pickup free)', async () => {
    const jam = await makeShopProduct({ maker, price: 1250 })
    const tea = await makeShopProduct({ maker, category: 'tea', price: 800 })
    const order = await makeOrder(
      [
        { sku: jam.variants[0].sku, qty: 2 },
        { sku: tea.variants[0].sku, qty: 1 },
      ],
      { delivery: { method: 'courier', address: 'Nizami küçəsi 10, mənzil 5', district: 'Sabail' }, paymentMethod: 'cash_on_delivery' },
    )
    expect(order.lines.map((line) => [line.sku, line.qty, line.unitPrice, line.lineTotal])).toEqual([
      [jam.variants[0].sku, 2, 1250, 2500],
      [tea.variants[0].sku, 1, 800, 800],
    ])
    expect(order.totals).toMatchObject({ items: 3300, delivery: 500, total: 3800, currency: 'AZN' })
    expect(order.status).toBe('placed')
    expect(deliveryFee('courier', 6000)).toBe(0)
    expect(deliveryFee('courier', 5999)).toBe(500)
    expect(deliveryFee('pickup', 100)).toBe(0)
  })

  test('a price changed since the shopper added the line stops the order with the old and new price; the next submit takes the new one', async () => {
    const jam = await makeShopProduct({ maker, price: 1250 })
    const owner = guestCart()
    await addToCart(owner, jam.variants[0].sku, 2)
    await changePrice(String(jam._id), jam.variants[0].sku, { retailPrice: 1400, wholesalePrice: 1000 }, 'new season', staff)
    const first = await placeOrder(checkoutInput(owner))
    expect(first).toMatchObject({ ok: false, reason: 'price_changed', total: 2800, changes: [{ sku: jam.variants[0].sku, before: 1250, after: 1400 }] })
    expect(await OrderModel.countDocuments()).toBe(0)
    const second = await placeOrder(checkoutInput(owner, { seenTotal: 2800 }))
    expect(second.ok).toBe(true)
    if (second.ok) expect(second.order.totals.total).toBe(2800)
  })

  test('a total different from the one the shopper reviewed is not charged', async () => {
    const jam = await makeShopProduct({ maker, price: 1250 })
    const owner = guestCart()
    await addToCart(owner, jam.variants[0].sku, 1)
    const result = await placeOrder(checkoutInput(owner, { seenTotal: 1 }))
    expect(result).toMatchObject({ ok: false, reason: 'price_changed', total: 1250 })
    expect(await OrderModel.countDocuments()).toBe(0)
  })

  test('a product delisted while in the cart is refused by name, and nothing is reserved', async () => {
    const jam = await makeShopProduct({ maker })
    const owner = guestCart()
    await addToCart(owner, jam.variants[0].sku, 1)
    await delistProduct(String(jam._id), 'label error', staff)
    const result = await placeOrder(checkoutInput(owner))
    expect(result).toMatchObject({ ok: false, reason: 'cart_problems', lines: [{ sku: jam.variants[0].sku, problem: 'not_available' }] })
    expect((await lotsOf(jam.variants[0].sku))[0]).toMatchObject({ qtyAvailable: 10, qtyReserved: 0 })
  })

  test('an empty cart, a courier address outside the list of Baku districts, and a payment that does not fit the delivery are refused', async () => {
    const jam = await makeShopProduct({ maker })
    expect(await placeOrder(checkoutInput(guestCart()))).toEqual({ ok: false, reason: 'empty' })
    const owner = guestCart()
    await addToCart(owner, jam.variants[0].sku, 1)
    expect(await placeOrder(checkoutInput(owner, { delivery: { method: 'courier', address: 'Main street 1', district: 'Paris' }, paymentMethod: 'cash_on_delivery' }))).toEqual({ ok: false, reason: 'address' })
    expect(await placeOrder(checkoutInput(owner, { delivery: { method: 'pickup' }, paymentMethod: 'cash_on_delivery' }))).toEqual({ ok: false, reason: 'payment_method' })
    // Stripe is off: card payment is not offered
    expect(await placeOrder(checkoutInput(owner, { paymentMethod: 'stripe' }))).toEqual({ ok: false, reason: 'payment_method' })
  })
})

describe('reservation', () => {
  test('takes the earliest best-before lot first and records the lots on the line', async () => {
    const jam = await makeShopProduct({ maker, lots: [{ qty: 5, bestBeforeDays: 200 }, { qty: 3, bestBeforeDays: 20 }] })
    const sku = jam.variants[0].sku
    const order = await makeOrder([{ sku, qty: 4 }])
    const [early, late] = await lotsOf(sku)
    expect(order.lines[0].lots.map((part) => [part.code, part.qty])).toEqual([
      [early.code, 3],
      [late.code, 1],
    ])
    expect(early).toMatchObject({ qtyAvailable: 0, qtyReserved: 3 })
    expect(late).toMatchObject({ qtyAvailable: 4, qtyReserved: 1 })
  })

  test('a line that ran short since it was added is named with what is left, and nothing is reserved', async () => {
    const jam = await makeShopProduct({ maker, stock: 10 })
    const tea = await makeShopProduct({ maker, category: 'tea', stock: 2, title: { az: 'Kəklikotu çayı', en: 'Thyme tea', ru: 'Чай с чабрецом' } })
    const owner = guestCart()
    await addToCart(owner, jam.variants[0].sku, 4)
    await addToCart(owner, tea.variants[0].sku, 2)
    // someone else buys one of the two teas after this cart was filled
    await makeOrder([{ sku: tea.variants[0].sku, qty: 1 }])
    const result = await placeOrder(checkoutInput(owner))
    expect(result).toMatchObject({ ok: false, reason: 'cart_problems', lines: [{ sku: tea.variants[0].sku, problem: 'reduced', available: 1, title: { en: 'Thyme tea' } }] })
    expect((await lotsOf(jam.variants[0].sku))[0]).toMatchObject({ qtyAvailable: 10, qtyReserved: 0 })
  })

  test('losing the last units to a concurrent shopper half-way gives back the lines already reserved and names the item that ran out', async () => {
    const jam = await makeShopProduct({ maker, stock: 40 })
    const tea = await makeShopProduct({ maker, category: 'tea', stock: 30, title: { az: 'Kəklikotu çayı', en: 'Thyme tea', ru: 'Чай с чабрецом' } })
    const jamSku = jam.variants[0].sku
    const teaSku = tea.variants[0].sku
    let lostHalfway = 0
    for (let round = 0; round < 5 && lostHalfway === 0; round++) {
      // three teas left; this shopper wants jam first, then all three teas …
      await LotModel.updateOne({ sku: teaSku }, { $set: { qtyAvailable: 3 } })
      const owner = guestCart()
      await addToCart(owner, jamSku, 4)
      await addToCart(owner, teaSku, 3)
      // … while three others each want one tea, at the same moment
      const others = Array.from({ length: 3 }, () => guestCart())
      for (const other of others) await addToCart(other, teaSku, 1)
      const jamBefore = (await lotsOf(jamSku))[0]
      const [mine, ...theirs] = await Promise.all([placeOrder(checkoutInput(owner)), ...others.map((other) => placeOrder(checkoutInput(other)))])
      const teaLot = (await lotsOf(teaSku))[0]
      expect(teaLot.qtyAvailable).toBeGreaterThanOrEqual(0)
      const teaSold = [mine, ...theirs].reduce((sum, result) => sum + (result.ok ? (result.order.lines.find((line) => line.sku === teaSku)?.qty ?? 0) : 0), 0)
      expect(3 - teaLot.qtyAvailable).toBe(teaSold)
      if (mine.ok) {
        expect(theirs.every((result) => !result.ok)).toBe(true)
        continue
      }
      if (mine.reason !== 'insufficient_stock') continue
      lostHalfway += 1
      expect(mine).toMatchObject({ sku: teaSku, requested: 3, title: { en: 'Thyme tea' } })
      // the jam it had reserved went back
      expect((await lotsOf(jamSku))[0]).toMatchObject({ qtyReserved: jamBefore.qtyReserved, qtyAvailable: jamBefore.qtyAvailable })
      expect(await OrderModel.countDocuments({ status: 'reserving' })).toBe(0)
      // the cart is kept, so the shopper can change it and try again
      expect((await getCartLines(owner)).map((line) => line.sku).sort()).toEqual([jamSku, teaSku].sort())
    }
    expect(lostHalfway).toBe(1)
  })

  test('crafts take counted pieces; cancelling gives them back once', async () => {
    const craftMaker = await makeShopMaker({ businessKind: 'craft' })
    const rug = await makeShopProduct({ maker: craftMaker, category: 'carpets', price: 45000, stock: 2 })
    const order = await makeOrder([{ sku: rug.variants[0].sku, qty: 2 }])
    expect(order.lines[0]).toMatchObject({ kind: 'craft', craftHeld: true, lots: [] })
    expect((await ProductModel.findById(rug._id).lean())!.variants[0].craftStock).toBe(0)
    const again = guestCart()
    expect(await addToCart(again, rug.variants[0].sku, 1)).toEqual({ ok: false, reason: 'out_of_stock' })
    expect((await cancelOrder(order, staff, 'customer called', BASE)).ok).toBe(true)
    await cancelOrder(order, staff, 'customer called', BASE)
    expect((await ProductModel.findById(rug._id).lean())!.variants[0].craftStock).toBe(2)
  })

  test('100 concurrent checkouts for 10 units of one product: exactly 10 units reserved, never negative', async () => {
    const jam = await makeShopProduct({ maker, lots: [{ qty: 4, bestBeforeDays: 30 }, { qty: 6, bestBeforeDays: 90 }] })
    const sku = jam.variants[0].sku
    const owners = Array.from({ length: 100 }, () => guestCart())
    for (const owner of owners) expect((await addToCart(owner, sku, 1)).ok).toBe(true)
    const results = await Promise.all(owners.map((owner) => placeOrder(checkoutInput(owner))))
    const placed = results.filter((result) => result.ok)
    const refused = results.filter((result) => !result.ok)
    expect(placed).toHaveLength(10)
    expect(refused).toHaveLength(90)
    for (const result of refused) expect(result).toMatchObject({ ok: false, reason: 'insufficient_stock', sku, available: 0 })
    const lots = await lotsOf(sku)
    expect(lots.reduce((sum, lot) => sum + lot.qtyReserved, 0)).toBe(10)
    expect(lots.every((lot) => lot.qtyAvailable === 0 && lot.qtyReserved >= 0)).toBe(true)
    const numbers = new Set(placed.map((result) => (result.ok ? result.order.number : '')))
    expect(numbers.size).toBe(10)
    expect(await OrderModel.countDocuments({ status: 'placed' })).toBe(10)
    expect(await OrderModel.countDocuments({ status: 'reserving' })).toBe(0)
    // the ledger agrees with the lots: 10 reserved for good, every failed attempt given back
    const moves = await LotMovementModel.find({ sku, kind: { $in: ['reserved', 'released'] } }).lean()
    const sum = (kind: string) => moves.filter((move) => move.kind === kind).reduce((total, move) => total + move.qty, 0)
    expect(sum('reserved') - sum('released')).toBe(10)
  })
})

describe('idempotency and numbers', () => {
  test('a double submit with one key places one order and reserves once', async () => {
    const jam = await makeShopProduct({ maker })
    const owner = guestCart()
    await addToCart(owner, jam.variants[0].sku, 3)
    const input = checkoutInput(owner)
    const [a, b] = await Promise.all([placeOrder(input), placeOrder(input)])
    expect(a.ok && b.ok).toBe(true)
    if (!a.ok || !b.ok) return
    expect(a.order.number).toBe(b.order.number)
    expect([a.created, b.created].sort()).toEqual([false, true])
    expect(await OrderModel.countDocuments()).toBe(1)
    expect((await lotsOf(jam.variants[0].sku))[0]).toMatchObject({ qtyAvailable: 7, qtyReserved: 3 })
    const later = await placeOrder(input)
    expect(later).toMatchObject({ ok: true, created: false, order: { number: a.order.number } })
  })

  test('order numbers read B-<year>-<six digits> and stay unique under concurrency', async () => {
    const numbers = await Promise.all(Array.from({ length: 60 }, () => nextOrderNumber(new Date('2026-03-01T10:00:00Z'))))
    expect(new Set(numbers).size).toBe(60)
    for (const number of numbers) expect(number).toMatch(/^B-2026-\d{6}$/)
    // the year is Baku's: 21:00 UTC on 31 December is already the new year there
    expect(await nextOrderNumber(new Date('2026-12-31T21:00:00Z'))).toMatch(/^B-2027-000001$/)
  })
})

describe('expiry of unpaid online orders', () => {
  let stripe: StripeServer
  beforeAll(async () => {
    stripe = await startStripeServer()
  })
  afterAll(async () => {
    await stripe.stop()
  })
  beforeEach(() => stripe.configure())

  test('after RESERVATION_MINUTES the stock returns to sale, the order is cancelled, its Stripe session closed, and the shopper told', async () => {
    const jam = await makeShopProduct({ maker, stock: 5 })
    const placedAt = new Date()
    const order = await makeOrder([{ sku: jam.variants[0].sku, qty: 5 }], { paymentMethod: 'stripe' })
    expect(order).toMatchObject({ status: 'awaiting_payment', payment: { method: 'stripe', status: 'pending' } })
    expect(order.reservedUntil!.getTime() - placedAt.getTime()).toBeGreaterThanOrEqual(30 * MINUTE - 1000)
    await OrderModel.updateOne({ _id: order._id }, { $set: { 'payment.providerRef': 'cs_test_42' } })

    expect(await sweepExpiredOrders(new Date(Date.now() + 29 * MINUTE), BASE)).toEqual({ expired: 0, abandoned: 0 })
    expect((await lotsOf(jam.variants[0].sku))[0]).toMatchObject({ qtyAvailable: 0, qtyReserved: 5 })

    expect(await sweepExpiredOrders(new Date(Date.now() + 31 * MINUTE), BASE)).toEqual({ expired: 1, abandoned: 0 })
    expect((await lotsOf(jam.variants[0].sku))[0]).toMatchObject({ qtyAvailable: 5, qtyReserved: 0 })
    const after = await getOrderByNumber(order.number)
    expect(after?.status).toBe('cancelled')
    expect(after?.history.at(-1)).toMatchObject({ status: 'cancelled', note: 'shop.note.reservationExpired' })
    expect(stripe.calls('/v1/checkout/sessions/cs_test_42/expire')).toHaveLength(1)
    expect(await OutboxModel.countDocuments({ to: order.customer.email, template: 'order.cancelled' })).toBe(1)
    // a second sweep finds nothing more
    expect(await sweepExpiredOrders(new Date(Date.now() + 40 * MINUTE), BASE)).toEqual({ expired: 0, abandoned: 0 })
  })

  test('a placement abandoned half-way (the server died) is undone by the sweep', async () => {
    const lot = await makeLot({ sku: 'JAM-ABANDON', qty: 6 })
    const orderId = new Types.ObjectId()
    const { reserveStock } = await import('./lot.server')
    await OrderModel.create({
      _id: orderId,
      status: 'reserving',
      idempotencyKey: 'abandoned-key-0123456789',
      trackingToken: 'token-abandoned',
      customer: { name: 'A', email: 'a@example.az', phone: '1' },
      delivery: { method: 'pickup', fee: 0 },
      totals: { items: 0, delivery: 0, total: 0 },
      payment: { method: 'pay_at_pickup' },
    })
    await reserveStock({ sku: 'JAM-ABANDON', qty: 4, orderId })
    // a placement still running is left alone; ten minutes later it is taken for dead
    expect((await sweepExpiredOrders(new Date(), BASE)).abandoned).toBe(0)
    expect((await sweepExpiredOrders(new Date(Date.now() + 11 * MINUTE), BASE)).abandoned).toBe(1)
    expect(await LotModel.findById(lot._id).lean()).toMatchObject({ qtyAvailable: 6, qtyReserved: 0 })
    expect(await OrderModel.countDocuments()).toBe(0)
  })
})

describe('the order desk', () => {
  test('pickup, pay at pickup: pack with every lot ticked, ready, hand over — paid in cash, units sold from their lots, the recall lists the shopper', async () => {
    const jam = await makeShopProduct({ maker, lots: [{ qty: 2, bestBeforeDays: 20 }, { qty: 8, bestBeforeDays: 90 }] })
    const order = await makeOrder([{ sku: jam.variants[0].sku, qty: 3 }])
    const [early, late] = await lotsOf(jam.variants[0].sku)

    expect(await packOrder(order, new Set([`0:${early._id}`]), staff)).toEqual({ ok: false, reason: 'not_picked' })
    const packed = await packOrder(order, picks(order), staff)
    expect(packed).toMatchObject({ ok: true, order: { status: 'packed', packedBy: 'Tural Babayev' } })
    if (!packed.ok) return
    expect(packed.order.lines[0].pickedLots.map((part) => [part.code, part.qty])).toEqual([
      [early.code, 2],
      [late.code, 1],
    ])
    expect(await shipOrder(packed.order, staff, '', BASE)).toEqual({ ok: false, reason: 'wrong_state' })
    const ready = await markReadyForPickup(packed.order, staff, BASE)
    expect(ready.ok).toBe(true)
    if (!ready.ok) return
    expect(await deliverOrder(ready.order, staff, { cashReceived: false }, BASE)).toEqual({ ok: false, reason: 'not_paid' })
    const delivered = await deliverOrder(ready.order, staff, { cashReceived: true }, BASE)
    expect(delivered).toMatchObject({ ok: true, order: { status: 'delivered', payment: { status: 'paid', amountPaid: 3750 } } })
    expect(await LotModel.findById(early._id).lean()).toMatchObject({ qtyReserved: 0, qtySold: 2, status: 'sold_out' })
    expect(await LotModel.findById(late._id).lean()).toMatchObject({ qtyReserved: 0, qtySold: 1, qtyAvailable: 7 })
    const recipients = await listLotRecipients(late._id)
    expect(recipients).toEqual([expect.objectContaining({ number: order.number, customerEmail: order.customer.email, qty: 1, status: 'delivered' })])
    const history = (await getOrderByNumber(order.number))!.history.map((entry) => entry.status)
    expect(history).toEqual(['placed', 'packed', 'ready_for_pickup', 'delivered'])
    const mails = await OutboxModel.find({ to: order.customer.email }).lean()
    expect(mails.map((mail) => mail.template).sort()).toEqual(['order.delivered', 'order.ready'])
  })

  test('courier: shipping sells the units; a shipped order can no longer be cancelled, only refunded (stock stays sold)', async () => {
    const jam = await makeShopProduct({ maker, stock: 10 })
    const order = await makeOrder([{ sku: jam.variants[0].sku, qty: 2 }], {
      delivery: { method: 'courier', address: 'Füzuli küçəsi 5', district: 'Nasimi' },
      paymentMethod: 'cash_on_delivery',
    })
    const packed = await packOrder(order, picks(order), staff)
    if (!packed.ok) throw new Error('not packed')
    const shipped = await shipOrder(packed.order, staff, 'Courier Elvin', BASE)
    expect(shipped).toMatchObject({ ok: true, order: { status: 'shipped' } })
    if (!shipped.ok) return
    expect((await lotsOf(jam.variants[0].sku))[0]).toMatchObject({ qtyAvailable: 8, qtyReserved: 0, qtySold: 2 })
    expect(await cancelOrder(shipped.order, staff, 'too late', BASE)).toEqual({ ok: false, reason: 'wrong_state' })
    expect(await refundOrder(shipped.order, staff, 'broken jar', BASE)).toEqual({ ok: false, reason: 'not_paid' })
    const delivered = await deliverOrder(shipped.order, staff, { cashReceived: true }, BASE)
    if (!delivered.ok) throw new Error('not delivered')
    const refunded = await refundOrder(delivered.order, staff, 'broken jar', BASE)
    expect(refunded).toMatchObject({ ok: true, order: { status: 'refunded', payment: { status: 'refunded' } } })
    expect((await lotsOf(jam.variants[0].sku))[0]).toMatchObject({ qtyAvailable: 8, qtySold: 2 })
  })

  test('cancelling before dispatch returns the stock; a recalled lot stops packing', async () => {
    const jam = await makeShopProduct({ maker, stock: 10 })
    const order = await makeOrder([{ sku: jam.variants[0].sku, qty: 4 }])
    const [lot] = await lotsOf(jam.variants[0].sku)
    await LotModel.updateOne({ _id: lot._id }, { $set: { status: 'recalled' } })
    expect(await packOrder(order, picks(order), staff)).toEqual({ ok: false, reason: 'recalled', lots: [lot.code] })
    const cancelled = await cancelOrder(order, staff, 'lot recalled', BASE)
    expect(cancelled).toMatchObject({ ok: true, order: { status: 'cancelled' } })
    expect(await LotModel.findById(lot._id).lean()).toMatchObject({ qtyAvailable: 10, qtyReserved: 0 })
    expect(await cancelOrder(order, staff, 'again', BASE)).toEqual({ ok: false, reason: 'wrong_state' })
  })
})
