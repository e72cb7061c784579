import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import Stripe from 'stripe'
import { Types } from 'mongoose'
import { makeOrder, makeShopMaker, makeShopProduct } from '#tests/factories/shop'
import { startStripeServer, type StripeServer } from '#tests/support/stripe-server'
import { action as webhook } from '#app/routes/api.stripe-webhook'
import { LotModel } from './lot.server'
import { getOrderByNumber, refundOrder, startOnlinePayment, sweepExpiredOrders, type PlacedOrder } from './order.server'
import { OutboxModel } from './outbox.server'
import { PaymentEventModel } from './payment-event.server'

/**
 * Stripe at its HTTP boundary: the real SDK talks to a local recording server, and webhooks are
 * signed with the SDK's own test helper and posted to the real route.
 */
const BASE = 'http://shop.test'
const staff = { _id: new Types.ObjectId(), name: 'Tural Babayev' }
const signer = new Stripe('sk_test_signer')
let stripe: StripeServer
let eventSeq = 0

beforeAll(async () => {
  stripe = await startStripeServer()
})
afterAll(async () => {
  await stripe.stop()
})
beforeEach(() => {
  stripe.configure()
  stripe.requests.length = 0
  stripe.failRefunds(false)
})

async function onlineOrder(qty = 2) {
  const maker = await makeShopMaker()
  const jam = await makeShopProduct({ maker, price: 1250, stock: 10 })
  const order = await makeOrder([{ sku: jam.variants[0].sku, qty }], { paymentMethod: 'stripe' })
  return { order, sku: jam.variants[0].sku }
}

function sessionFor(order: PlacedOrder, overrides: Record<string, unknown> = {}) {
  return {
    id: 'cs_test_1',
    object: 'checkout.session',
    amount_total: order.totals.total,
    currency: 'azn',
    payment_status: 'paid',
    status: 'complete',
    payment_intent: 'pi_test_1',
    client_reference_id: String(order._id),
    metadata: { orderId: String(order._id), number: order.number },
    ...overrides,
  }
}

function eventOf(type: string, object: Record<string, unknown>, id = `evt_test_${++eventSeq}`) {
  return { id, object: 'event', type, created: Math.floor(Date.now() / 1000), livemode: false, pending_webhooks: 1, request: null, data: { object } }
}

/** Posts an event the way Stripe does: raw JSON body with a Stripe-Signature header. */
async function deliver(event: unknown, { secret = stripe.webhookSecret, body }: { secret?: string; body?: string } = {}) {
  const payload = JSON.stringify(event)
  const signature = signer.webhooks.generateTestHeaderString({ payload, secret })
  const request = new Request(`${BASE}/api/stripe-webhook`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': signature }, body: body ?? payload })
  const response = (await webhook({ request, params: {}, context: { cspNonce: '' } })) as Response
  return { status: response.status, body: response.status === 200 ? await response.json() : await response.text() }
}

describe('the Checkout Session request', () => {
  test('carries the lines in qəpik and AZN, the delivery fee, the order id in metadata and an idempotency key; a retry reuses the session', async () => {
    const maker = await makeShopMaker()
    const jam = await makeShopProduct({ maker, price: 1250, title: { az: 'Heyva mürəbbəsi', en: 'Quince jam', ru: 'Айвовое варенье' } })
    const order = await makeOrder([{ sku: jam.variants[0].sku, qty: 2 }], {
      paymentMethod: 'stripe',
      delivery: { method: 'courier', address: 'Nizami küçəsi 10', district: 'Sabail' },
    })
    const url = await startOnlinePayment(order, BASE)
    expect(url).toBe('https://checkout.stripe.com/c/pay/cs_test_1')
    const [call] = stripe.calls('/v1/checkout/sessions')
    expect(call.method).toBe('POST')
    expect(call.headers['idempotency-key']).toBe(`checkout:${order._id}`)
    expect(call.headers.authorization).toBe('Bearer sk_test_local')
    const form = Object.fromEntries(call.form)
    expect(form).toMatchObject({
      mode: 'payment',
      'line_items[0][quantity]': '2',
      'line_items[0][price_data][currency]': 'azn',
      'line_items[0][price_data][unit_amount]': '1250',
      'line_items[0][price_data][product_data][name]': 'Quince jam (370 g)',
      'line_items[1][quantity]': '1',
      'line_items[1][price_data][unit_amount]': '500',
      'metadata[orderId]': String(order._id),
      'metadata[number]': order.number,
      'payment_intent_data[metadata][orderId]': String(order._id),
      client_reference_id: String(order._id),
      customer_email: order.customer.email,
      cancel_url: `${BASE}/orders/${order.number}?token=${order.trackingToken}`,
      success_url: `${BASE}/orders/${order.number}?token=${order.trackingToken}&paid=1`,
    })
    const lineTotal = Number(form['line_items[0][price_data][unit_amount]']) * 2 + Number(form['line_items[1][price_data][unit_amount]'])
    expect(lineTotal).toBe(order.totals.total)
    const expiresAt = Number(form.expires_at) * 1000
    expect(expiresAt).toBeGreaterThan(Date.now() + 30 * 60_000)
    // the session is kept on the order: "pay now" again opens the same one
    const again = await startOnlinePayment((await getOrderByNumber(order.number))!, BASE)
    expect(again).toBe(url)
    expect(stripe.calls('/v1/checkout/sessions')).toHaveLength(1)
  })
})

describe('the webhook', () => {
  test('a forged signature, a body changed after signing, or no signature at all is refused and changes nothing', async () => {
    const { order } = await onlineOrder()
    const event = eventOf('checkout.session.completed', sessionFor(order))
    expect((await deliver(event, { secret: 'whsec_somebody_else' })).status).toBe(400)
    expect((await deliver(event, { body: JSON.stringify({ ...event, data: { object: sessionFor(order, { amount_total: 1 }) } }) })).status).toBe(400)
    const unsigned = new Request(`${BASE}/api/stripe-webhook`, { method: 'POST', body: JSON.stringify(event) })
    expect(((await webhook({ request: unsigned, params: {}, context: { cspNonce: '' } })) as Response).status).toBe(400)
    expect((await getOrderByNumber(order.number))?.status).toBe('awaiting_payment')
    expect(await PaymentEventModel.countDocuments()).toBe(0)
  })

  test('a completed payment marks the order paid once: a replayed event changes nothing and sends no second mail', async () => {
    const { order } = await onlineOrder()
    const event = eventOf('checkout.session.completed', sessionFor(order))
    expect(await deliver(event)).toEqual({ status: 200, body: { received: true, outcome: 'applied' } })
    expect(await deliver(event)).toEqual({ status: 200, body: { received: true, outcome: 'duplicate' } })
    const paid = await getOrderByNumber(order.number)
    expect(paid).toMatchObject({ status: 'paid', reservedUntil: null, payment: { status: 'paid', amountPaid: order.totals.total, paymentIntent: 'pi_test_1' } })
    expect(paid!.history.filter((entry) => entry.status === 'paid')).toHaveLength(1)
    expect(await OutboxModel.countDocuments({ template: 'order.paid' })).toBe(1)
    // the same payment announced again under another event id is not applied twice either
    expect((await deliver(eventOf('checkout.session.completed', sessionFor(order)))).body.outcome).toBe('ignored')
    expect(await PaymentEventModel.find().sort({ receivedAt: 1 }).select('outcome').lean()).toMatchObject([{ outcome: 'applied' }, { outcome: 'ignored' }])
  })

  test('a payment for another amount or currency is flagged for staff, never marked paid', async () => {
    const { order } = await onlineOrder()
    expect((await deliver(eventOf('checkout.session.completed', sessionFor(order, { amount_total: order.totals.total - 100 })))).body.outcome).toBe('amount_mismatch')
    expect((await deliver(eventOf('checkout.session.completed', sessionFor(order, { currency: 'usd' })))).body.outcome).toBe('amount_mismatch')
    const flagged = await getOrderByNumber(order.number)
    expect(flagged).toMatchObject({ status: 'awaiting_payment', payment: { status: 'flagged', flag: 'amount_mismatch' } })
  })

  test('an event for an order we do not know is acknowledged and recorded', async () => {
    const stranger = eventOf('checkout.session.completed', { id: 'cs_unknown', object: 'checkout.session', amount_total: 500, currency: 'azn', payment_status: 'paid', metadata: { orderId: String(new Types.ObjectId()) } })
    expect(await deliver(stranger)).toEqual({ status: 200, body: { received: true, outcome: 'unknown_order' } })
    expect(await PaymentEventModel.findOne({ eventId: stranger.id }).lean()).toMatchObject({ outcome: 'unknown_order', type: 'checkout.session.completed' })
    expect((await deliver(eventOf('charge.refunded', { id: 'ch_1', object: 'charge', amount: 100, amount_refunded: 100, refunded: true, payment_intent: 'pi_nobody' }))).body.outcome).toBe('unknown_order')
  })

  test('out of order: an "expired" after the payment changes nothing; a payment after the hold ran out is refunded and flagged', async () => {
    const first = await onlineOrder()
    await deliver(eventOf('checkout.session.completed', sessionFor(first.order)))
    expect((await deliver(eventOf('checkout.session.expired', sessionFor(first.order, { status: 'expired', payment_status: 'unpaid' })))).body.outcome).toBe('ignored')
    expect((await getOrderByNumber(first.order.number))?.status).toBe('paid')

    const late = await onlineOrder(3)
    await sweepExpiredOrders(new Date(Date.now() + 31 * 60_000), BASE)
    expect((await getOrderByNumber(late.order.number))?.status).toBe('cancelled')
    const [lot] = await LotModel.find({ sku: late.sku }).lean()
    expect(lot).toMatchObject({ qtyAvailable: 10, qtyReserved: 0 })
    const result = await deliver(eventOf('checkout.session.completed', sessionFor(late.order, { id: 'cs_test_late', payment_intent: 'pi_late' })))
    expect(result.body.outcome).toBe('flagged_refunded')
    const [refund] = stripe.calls('/v1/refunds')
    expect(refund.form.get('payment_intent')).toBe('pi_late')
    expect(String(refund.headers['idempotency-key'])).toMatch(new RegExp(`^refund:late:${late.order._id}:`))
    expect(await getOrderByNumber(late.order.number)).toMatchObject({ status: 'cancelled', payment: { status: 'refunded', flag: 'paid_after_cancel', refundRef: expect.stringMatching(/^re_test_\d+$/) } })
    // the stock stayed on sale: the refund did not take it back
    expect(await LotModel.findById(lot._id).lean()).toMatchObject({ qtyAvailable: 10, qtyReserved: 0 })
    expect(await OutboxModel.countDocuments({ to: late.order.customer.email, template: 'order.paid_after_cancel' })).toBe(1)
  })

  test('an expired session cancels the unpaid order and returns its stock', async () => {
    const { order, sku } = await onlineOrder(4)
    expect((await deliver(eventOf('checkout.session.expired', sessionFor(order, { status: 'expired', payment_status: 'unpaid' })))).body.outcome).toBe('applied')
    expect((await getOrderByNumber(order.number))?.status).toBe('cancelled')
    expect((await LotModel.findOne({ sku }).lean())!).toMatchObject({ qtyAvailable: 10, qtyReserved: 0 })
  })

  test('a full refund made in Stripe’s dashboard refunds the order and returns unshipped stock; a partial one is only recorded', async () => {
    const { order, sku } = await onlineOrder(2)
    await deliver(eventOf('checkout.session.completed', sessionFor(order)))
    const charge = { id: 'ch_test_1', object: 'charge', amount: order.totals.total, amount_refunded: 500, refunded: false, payment_intent: 'pi_test_1' }
    expect((await deliver(eventOf('charge.refunded', charge))).body.outcome).toBe('ignored')
    expect((await getOrderByNumber(order.number))?.status).toBe('paid')
    expect((await deliver(eventOf('charge.refunded', { ...charge, amount_refunded: order.totals.total, refunded: true }))).body.outcome).toBe('applied')
    expect(await getOrderByNumber(order.number)).toMatchObject({ status: 'refunded', payment: { status: 'refunded' } })
    expect((await LotModel.findOne({ sku }).lean())!).toMatchObject({ qtyAvailable: 10, qtyReserved: 0 })
    expect(stripe.calls('/v1/refunds')).toHaveLength(0)
  })
})

describe('refunds from the order desk', () => {
  test('a card payment is refunded through Stripe with the order’s idempotency key; a failed refund changes nothing', async () => {
    const { order, sku } = await onlineOrder(2)
    await deliver(eventOf('checkout.session.completed', sessionFor(order)))
    const paid = (await getOrderByNumber(order.number))!
    stripe.failRefunds(true)
    expect(await refundOrder(paid, staff, 'customer changed their mind', BASE)).toEqual({ ok: false, reason: 'payment_failed' })
    expect((await getOrderByNumber(order.number))?.status).toBe('paid')
    stripe.failRefunds(false)
    const refunded = await refundOrder(paid, staff, 'customer changed their mind', BASE)
    expect(refunded).toMatchObject({ ok: true, order: { status: 'refunded', payment: { status: 'refunded', refundRef: expect.stringMatching(/^re_test_\d+$/) } } })
    const calls = stripe.calls('/v1/refunds')
    expect(calls.at(-1)!.headers['idempotency-key']).toBe(`refund:${order._id}`)
    expect(Object.fromEntries(calls.at(-1)!.form)).toMatchObject({ payment_intent: 'pi_test_1', amount: String(order.totals.total) })
    expect((await LotModel.findOne({ sku }).lean())!).toMatchObject({ qtyAvailable: 10, qtyReserved: 0 })
    // Stripe then reports the refund: nothing more happens
    const charge = { id: 'ch_test_1', object: 'charge', amount: order.totals.total, amount_refunded: order.totals.total, refunded: true, payment_intent: 'pi_test_1' }
    expect((await deliver(eventOf('charge.refunded', charge))).body.outcome).toBe('ignored')
  })
})
