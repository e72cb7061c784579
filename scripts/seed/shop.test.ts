import { expect, test } from 'vitest'
import { listCustomerOrders, OrderModel } from '#models/order.server'
import { ProductModel } from '#models/product.server'
import { UserModel } from '#models/user.server'
import { seedAccounts } from './accounts'
import { seedShop } from './shop'

test('the boutique seed puts up a shelf when the catalogue listed nothing, and leaves orders in several states', async () => {
  await seedAccounts()
  await seedShop()
  expect(await ProductModel.countDocuments({ status: 'listed' })).toBeGreaterThanOrEqual(8)
  const orders = await OrderModel.find().sort({ number: 1 }).lean()
  expect(orders.map((order) => [order.status, order.delivery.method, order.payment.method])).toEqual([
    ['delivered', 'courier', 'cash_on_delivery'],
    ['placed', 'pickup', 'pay_at_pickup'],
    ['placed', 'courier', 'cash_on_delivery'],
  ])
  expect(orders[0].lines.every((line) => line.pickedLots.length === line.lots.length && line.lots.length > 0)).toBe(true)
  const shopper = await UserModel.findOne({ email: 'shopper@demo.abad.az' }).lean()
  expect((await listCustomerOrders(shopper!._id)).map((order) => order.status).sort()).toEqual(['delivered', 'placed'])
})
