import { afterAll, beforeAll, expect, test } from 'vitest'
import { makeOrder, makeShopMaker, makeShopProduct } from '#tests/factories/shop'
import { startStripeServer, type StripeServer } from '#tests/support/stripe-server'
import { LotModel } from '#models/lot.server'
import { OrderModel } from '#models/order.server'
import { startShopJobs } from './shop-jobs.server'

let stripe: StripeServer
beforeAll(async () => {
  stripe = await startStripeServer()
})
afterAll(async () => {
  await stripe.stop()
})

test('the server’s sweep returns the stock of an unpaid online order once its hold has run out, without anyone opening a page', async () => {
  const maker = await makeShopMaker()
  const jam = await makeShopProduct({ maker, stock: 4 })
  const order = await makeOrder([{ sku: jam.variants[0].sku, qty: 4 }], { paymentMethod: 'stripe' })
  expect(order.status).toBe('awaiting_payment')
  await OrderModel.updateOne({ _id: order._id }, { $set: { reservedUntil: new Date(Date.now() - 1000) } })
  const logged: string[] = []
  const stop = startShopJobs({ intervalSeconds: 0.1, log: { info: (line: string) => logged.push(line), error: (line: string) => logged.push(line) } as unknown as Console })
  try {
    await expect.poll(() => logged, { timeout: 10_000 }).toContain('shop jobs: 1 unpaid orders expired, 0 abandoned placements undone')
  } finally {
    stop()
  }
  expect(await LotModel.findOne({ sku: jam.variants[0].sku }).lean()).toMatchObject({ qtyAvailable: 4, qtyReserved: 0 })
  expect((await OrderModel.findById(order._id).lean())?.status).toBe('cancelled')
})

test('an interval of 0 turns the sweep off', () => {
  const stop = startShopJobs({ intervalSeconds: 0 })
  expect(stop()).toBeUndefined()
})
