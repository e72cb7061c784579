import { beforeEach, describe, expect, test } from 'vitest'
import { Types } from 'mongoose'
import { guestCart, makeShopMaker, makeShopProduct, type ShopMaker } from '#tests/factories/shop'
import { addToCart, CartModel, getCartLines, mergeCarts, priceCart, removeFromCart, setCartQuantity, userCartOwner } from './cart.server'
import { changePrice, delistProduct } from './product.server'

const staff = { _id: new Types.ObjectId(), name: 'Sales' }
let maker: ShopMaker
beforeEach(async () => {
  maker = await makeShopMaker()
})

describe('quantities', () => {
  test('0, −3, 10,000, a fraction or text are refused and change nothing', async () => {
    const jam = await makeShopProduct({ maker, stock: 20 })
    const owner = guestCart()
    for (const qty of [0, -3, 10_000, 1.5, Number.NaN, Number('abc')]) {
      expect(await addToCart(owner, jam.variants[0].sku, qty)).toEqual({ ok: false, reason: 'invalid_quantity' })
    }
    expect(await setCartQuantity(owner, jam.variants[0].sku, -3)).toEqual({ ok: false, reason: 'invalid_quantity' })
    expect(await getCartLines(owner)).toEqual([])
  })

  test('a line never holds more than the stock that can be sold now', async () => {
    const jam = await makeShopProduct({ maker, stock: 5 })
    const owner = guestCart()
    expect(await addToCart(owner, jam.variants[0].sku, 3)).toEqual({ ok: true, qty: 3, capped: false, available: 5 })
    expect(await addToCart(owner, jam.variants[0].sku, 3)).toEqual({ ok: true, qty: 5, capped: true, available: 5 })
    expect(await setCartQuantity(owner, jam.variants[0].sku, 40)).toEqual({ ok: true, qty: 5, capped: true, available: 5 })
    expect((await getCartLines(owner)).map((line) => [line.sku, line.qty, line.unitPrice])).toEqual([[jam.variants[0].sku, 5, 1250]])
    expect(await setCartQuantity(owner, jam.variants[0].sku, 0)).toMatchObject({ ok: true, qty: 0 })
    expect(await getCartLines(owner)).toEqual([])
  })

  test('parallel adds of the same product make one line', async () => {
    const jam = await makeShopProduct({ maker, stock: 50 })
    const owner = guestCart()
    await Promise.all(Array.from({ length: 8 }, () => addToCart(owner, jam.variants[0].sku, 1)))
    const lines = await getCartLines(owner)
    expect(lines).toHaveLength(1)
    expect(await CartModel.countDocuments({ owner })).toBe(1)
  })

  test('an unknown SKU, a delisted product and a sold-out one cannot be added', async () => {
    const jam = await makeShopProduct({ maker, stock: 1 })
    const gone = await makeShopProduct({ maker })
    await delistProduct(String(gone._id), 'label', staff)
    const empty = await makeShopProduct({ maker, stock: 4 })
    const { LotModel } = await import('./lot.server')
    // its only lot went past its best-before date after the product was listed
    await LotModel.updateOne({ sku: empty.variants[0].sku }, { $set: { bestBefore: new Date(Date.now() - 60_000) } })
    const owner = guestCart()
    expect(await addToCart(owner, 'NOPE-00001', 1)).toEqual({ ok: false, reason: 'not_available' })
    expect(await addToCart(owner, gone.variants[0].sku, 1)).toEqual({ ok: false, reason: 'not_available' })
    expect(await addToCart(owner, empty.variants[0].sku, 1)).toEqual({ ok: false, reason: 'out_of_stock' })
    expect((await addToCart(owner, jam.variants[0].sku, 1)).ok).toBe(true)
  })
})

describe('the priced cart', () => {
  test('shows today’s prices and what changed: a new price, a delisted product, less stock', async () => {
    const jam = await makeShopProduct({ maker, price: 1000, stock: 10 })
    const tea = await makeShopProduct({ maker, category: 'tea', price: 700 })
    const honey = await makeShopProduct({ maker, category: 'jam', price: 1500, stock: 4 })
    const owner = guestCart()
    await addToCart(owner, jam.variants[0].sku, 2)
    await addToCart(owner, tea.variants[0].sku, 1)
    await addToCart(owner, honey.variants[0].sku, 4)
    await changePrice(String(jam._id), jam.variants[0].sku, { retailPrice: 1100, wholesalePrice: 800 }, 'costs', staff)
    await delistProduct(String(tea._id), 'label', staff)
    const { LotModel } = await import('./lot.server')
    await LotModel.updateOne({ sku: honey.variants[0].sku }, { $inc: { qtyAvailable: -2, qtyWrittenOff: 2 } })
    const cart = await priceCart(owner)
    const bySku = Object.fromEntries(cart.lines.map((line) => [line.sku, line]))
    expect(bySku[jam.variants[0].sku]).toMatchObject({ problem: 'price_changed', previousPrice: 1000, unitPrice: 1100, lineTotal: 2200 })
    expect(bySku[tea.variants[0].sku]).toMatchObject({ problem: 'not_available' })
    expect(bySku[honey.variants[0].sku]).toMatchObject({ problem: 'reduced', qty: 4 })
    expect(cart.ready).toBe(false)
    await removeFromCart(owner, tea.variants[0].sku)
    await setCartQuantity(owner, honey.variants[0].sku, 4)
    const fixed = await priceCart(owner)
    // the new price stays pointed out until the shopper confirms it on the review
    expect(fixed.lines.map((line) => [line.qty, line.problem])).toEqual([
      [2, 'price_changed'],
      [2, null],
    ])
    expect(fixed).toMatchObject({ ready: true, itemsTotal: 2200 + 3000, count: 4 })
  })
})

describe('merging at login', () => {
  test('the guest cart joins the account’s: same products add up within stock, then the guest cart is gone', async () => {
    const jam = await makeShopProduct({ maker, stock: 6 })
    const tea = await makeShopProduct({ maker, category: 'tea' })
    const guest = guestCart()
    const account = userCartOwner(new Types.ObjectId())
    await addToCart(account, jam.variants[0].sku, 4)
    await addToCart(guest, jam.variants[0].sku, 4)
    await addToCart(guest, tea.variants[0].sku, 1)
    expect(await mergeCarts(guest, account)).toEqual({ merged: 2 })
    const lines = Object.fromEntries((await getCartLines(account)).map((line) => [line.sku, line.qty]))
    expect(lines).toEqual({ [jam.variants[0].sku]: 6, [tea.variants[0].sku]: 1 })
    expect(await CartModel.countDocuments({ owner: guest })).toBe(0)
    expect(await mergeCarts(guest, account)).toEqual({ merged: 0 })
    expect(Object.fromEntries((await getCartLines(account)).map((line) => [line.sku, line.qty]))).toEqual(lines)
  })
})
