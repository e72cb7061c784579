import { beforeEach, describe, expect, it } from 'vitest'
import { makeUser } from '#tests/factories/users'
import { makeOrder, makeShopMaker, makeShopProduct, type ShopMaker } from '#tests/factories/shop'
import { call, cookieFrom, request, signedIn } from '#tests/support/requests'
import { configureStripe } from '#app/utils/stripe.server'
import { getCartLines, userCartOwner } from '#models/cart.server'
import { OrderModel } from '#models/order.server'
import { resetShopCaches } from '#models/storefront.server'
import { UserModel } from '#models/user.server'
import { action as adminOrderAction, loader as adminOrderLoader } from './admin.orders.$number'
import { loader as deskLoader } from './admin.orders._index'
import { action as cartAction, loader as cartLoader } from './cart'
import { action as checkoutAction, loader as checkoutLoader } from './checkout'
import { action as loginAction } from './login'
import { action as signupAction } from './signup'
import { loader as orderLoader } from './orders.$number'
import { loader as robotsLoader } from './robots[.]txt'
import { loader as productLoader } from './shop.$slug'
import { loader as shopLoader } from './shop._index'
import { loader as sitemapLoader } from './sitemap[.]xml'

let maker: ShopMaker
beforeEach(async () => {
  resetShopCaches()
  configureStripe(null)
  maker = await makeShopMaker({ name: 'Abbasovlar', region: 'Guba', makerPage: { slug: 'abbasovlar-guba' } })
})

const en = { 'Accept-Language': 'en' }

/** A guest puts a product into a new cart through the form; returns the cart cookie. */
async function guestAdds(sku: string, qty = '1', cookie = '') {
  const outcome = await call(cartAction, request('/cart', { form: { intent: 'add', sku, qty, returnTo: '/shop' }, cookie, headers: en }))
  return { outcome, cookie: cookieFrom(outcome.setCookies, cookie) }
}

async function review(cookie: string, fields: Record<string, string> = {}) {
  const form = { intent: 'review', name: 'Leyla Məmmədli', email: 'leyla@example.az', phone: '+994 50 444 33 22', delivery: 'pickup', payment: 'pay_at_pickup', address: '', district: '', note: '', ...fields }
  const outcome = await call(checkoutAction, request('/checkout', { form, cookie, headers: en }))
  return { outcome, form }
}

describe('the cart page', () => {
  it('refuses 0, −3, 10,000 or text as a quantity with the reason, and keeps the cart as it was', async () => {
    const jam = await makeShopProduct({ maker, stock: 20 })
    const first = await guestAdds(jam.variants[0].sku, '2')
    expect(first.outcome).toMatchObject({ status: 302, location: '/shop' })
    expect(first.cookie).toMatch(/__cart=/)
    for (const qty of ['0', '-3', '10000', 'abc', '1.5']) {
      const refused = await guestAdds(jam.variants[0].sku, qty, first.cookie)
      expect(refused.outcome).toMatchObject({ status: 302, location: '/shop' })
      const toast = refused.outcome.setCookies.find((header: string) => header.startsWith('__toast='))
      expect(toast, `a message for ${qty}`).toBeTruthy()
    }
    const page = await call(cartLoader, request('/cart', { cookie: first.cookie, headers: en }))
    expect(page.data.lines.map((line: { sku: string; qty: number }) => [line.sku, line.qty])).toEqual([[jam.variants[0].sku, 2]])

    const text = await call(cartAction, request('/cart', { form: { intent: 'update', sku: jam.variants[0].sku, qty: 'many' }, cookie: first.cookie, headers: en }))
    expect(text).toMatchObject({ status: 400, data: { sku: jam.variants[0].sku, errors: { qty: 'Enter the quantity as a number' } } })
    const negative = await call(cartAction, request('/cart', { form: { intent: 'update', sku: jam.variants[0].sku, qty: '-3' }, cookie: first.cookie, headers: en }))
    expect(negative.data.errors.qty).toBe('The quantity cannot be negative')
    const tooMany = await call(cartAction, request('/cart', { form: { intent: 'update', sku: jam.variants[0].sku, qty: '10000' }, cookie: first.cookie, headers: en }))
    expect(tooMany.data.errors.qty).toBe('At most 50 of one item')
    // 0 removes the line
    expect(await call(cartAction, request('/cart', { form: { intent: 'update', sku: jam.variants[0].sku, qty: '0' }, cookie: first.cookie, headers: en }))).toMatchObject({ status: 302, location: '/cart' })
    expect((await call(cartLoader, request('/cart', { cookie: first.cookie }))).data.lines).toEqual([])
  })

  it('joins a guest cart to the account at login', async () => {
    const jam = await makeShopProduct({ maker })
    const user = await makeUser({ roles: ['shopper'] })
    const { cookie } = await guestAdds(jam.variants[0].sku, '3')
    const login = await call(loginAction, request('/login', { form: { email: user.email, password: 'correct-horse-42', redirectTo: '/cart' }, cookie, headers: { 'x-client-ip': '10.9.0.1' } }))
    expect(login).toMatchObject({ status: 302, location: '/cart' })
    expect(login.setCookies.some((header: string) => /^__cart=;/.test(header))).toBe(true)
    expect((await getCartLines(userCartOwner(user._id))).map((line) => [line.sku, line.qty])).toEqual([[jam.variants[0].sku, 3]])
  })

  it('keeps a guest cart for the account created at sign-up', async () => {
    const jam = await makeShopProduct({ maker })
    const { cookie } = await guestAdds(jam.variants[0].sku, '2')
    const email = `new.shopper.${Date.now()}@example.az`
    const form = { role: 'shopper', name: 'Nərgiz Əliyeva', email, phone: '', locale: 'az', password: 'bal-arisi-2026' }
    const signup = await call(signupAction, request('/signup', { form, cookie }))
    expect(signup).toMatchObject({ status: 302, location: '/account' })
    expect(signup.setCookies.some((header: string) => /^__cart=;/.test(header))).toBe(true)
    const user = await UserModel.findOne({ email }).lean()
    expect((await getCartLines(userCartOwner(user!._id))).map((line) => [line.sku, line.qty])).toEqual([[jam.variants[0].sku, 2]])
  })
})

describe('checkout', () => {
  it('prices the order on the server: a tampered price in the form is ignored', async () => {
    const jam = await makeShopProduct({ maker, price: 1250 })
    const { cookie } = await guestAdds(jam.variants[0].sku, '2')
    expect((await call(checkoutLoader, request('/checkout', { cookie }))).data).toMatchObject({ itemsTotal: 2500, fees: { courier: 500, pickup: 0 } })
    const { outcome, form } = await review(cookie)
    expect(outcome.data.review).toMatchObject({ itemsTotal: 2500, fee: 0, total: 2500 })
    const placed = await call(
      checkoutAction,
      request('/checkout', {
        form: { ...form, intent: 'place', key: outcome.data.review.key, seenTotal: '2500', price: '1', unitPrice: '1', total: '1', 'lines[0][unitPrice]': '1', 'totals[total]': '1' },
        cookie,
        headers: en,
      }),
    )
    expect(placed.status).toBe(302)
    expect(placed.location).toMatch(/^\/orders\/B-\d{4}-\d{6}\?token=[\w-]+$/)
    const order = await OrderModel.findOne({}).lean()
    expect(order).toMatchObject({ status: 'placed', totals: { items: 2500, delivery: 0, total: 2500 }, lines: [{ qty: 2, unitPrice: 1250, lineTotal: 2500 }] })
    // the same submit again (a double click) lands on the same order
    const again = await call(checkoutAction, request('/checkout', { form: { ...form, intent: 'place', key: outcome.data.review.key, seenTotal: '2500' }, cookie, headers: en }))
    expect(again.location).toBe(placed.location)
    expect(await OrderModel.countDocuments()).toBe(1)
  })

  it('a total that is not the one the server computes stops the order and shows the new review', async () => {
    const jam = await makeShopProduct({ maker, price: 1250 })
    const { cookie } = await guestAdds(jam.variants[0].sku, '1')
    const { outcome, form } = await review(cookie)
    const refused = await call(checkoutAction, request('/checkout', { form: { ...form, intent: 'place', key: outcome.data.review.key, seenTotal: '1' }, cookie, headers: en }))
    expect(refused.status).toBe(409)
    expect(refused.data.formError).toContain('New total')
    expect(refused.data.review).toMatchObject({ total: 1250 })
    expect(await OrderModel.countDocuments()).toBe(0)
  })

  it('asks for a Baku address and district for the courier, a payment that fits the delivery, and says card payment is off without Stripe', async () => {
    const jam = await makeShopProduct({ maker })
    const { cookie } = await guestAdds(jam.variants[0].sku)
    const courier = await review(cookie, { delivery: 'courier', payment: 'cash_on_delivery', address: '', district: 'Paris' })
    expect(courier.outcome.status).toBe(400)
    expect(courier.outcome.data.errors).toMatchObject({ address: 'Enter the delivery address', district: 'Choose a Baku district (the courier delivers within Baku only)' })
    const mismatch = await review(cookie, { delivery: 'pickup', payment: 'cash_on_delivery' })
    expect(mismatch.outcome.data.errors.payment).toBe('Pay the courier in cash for delivery, or at the boutique for pickup.')
    const card = await review(cookie, { payment: 'stripe' })
    expect(card.outcome.data.errors.payment).toBe('Card payment is not available right now.')
    const bad = await review(cookie, { email: 'not-an-email', phone: 'call me', name: '' })
    expect(Object.keys(bad.outcome.data.errors).sort()).toEqual(['email', 'name', 'phone'])
  })

  it('sends an empty cart back to the cart page', async () => {
    expect(await call(checkoutLoader, request('/checkout'))).toMatchObject({ status: 302, location: '/cart' })
  })
})

describe('order pages', () => {
  it('a guest sees the order with the mailed token; without it, or with another, the order does not exist', async () => {
    const jam = await makeShopProduct({ maker })
    const order = await makeOrder([{ sku: jam.variants[0].sku, qty: 1 }])
    const params = { number: order.number }
    const seen = await call(orderLoader, request(`/orders/${order.number}?token=${order.trackingToken}`), params)
    expect(seen).toMatchObject({ status: 200, data: { number: order.number, status: 'placed', totals: { total: 1250 } } })
    expect((await call(orderLoader, request(`/orders/${order.number}`), params)).status).toBe(404)
    expect((await call(orderLoader, request(`/orders/${order.number}?token=${'x'.repeat(order.trackingToken.length)}`), params)).status).toBe(404)
    expect((await call(orderLoader, request('/orders/B-2026-999999?token=abc'), { number: 'B-2026-999999' })).status).toBe(404)
  })

  it('a signed-in shopper sees their own orders only; the sales desk sees all and works them; shoppers get 403 at the desk', async () => {
    const jam = await makeShopProduct({ maker })
    const owner = await makeUser({ roles: ['shopper'] })
    const other = await makeUser({ roles: ['shopper'] })
    const sales = await makeUser({ roles: ['sales_manager'] })
    const order = await makeOrder([{ sku: jam.variants[0].sku, qty: 1 }], { customer: { userId: owner._id, name: owner.name, email: owner.email, phone: '+994501112233', locale: 'en' } })
    const params = { number: order.number }
    expect((await call(orderLoader, request(`/orders/${order.number}`, { cookie: (await signedIn(owner._id)).cookie }), params)).status).toBe(200)
    expect((await call(orderLoader, request(`/orders/${order.number}`, { cookie: (await signedIn(other._id)).cookie }), params)).status).toBe(404)

    const shopperCookie = (await signedIn(owner._id)).cookie
    expect((await call(deskLoader, request('/admin/orders', { cookie: shopperCookie }))).status).toBe(403)
    expect((await call(adminOrderLoader, request(`/admin/orders/${order.number}`, { cookie: shopperCookie }), params)).status).toBe(403)

    const salesCookie = (await signedIn(sales._id)).cookie
    const desk = await call(deskLoader, request('/admin/orders?status=placed', { cookie: salesCookie }))
    expect(desk.data.orders.map((row: { number: string }) => row.number)).toEqual([order.number])
    const page = await call(adminOrderLoader, request(`/admin/orders/${order.number}`, { cookie: salesCookie }), params)
    expect(page.data.can).toMatchObject({ pack: true, ship: false, deliver: false, cancel: true, refund: false })
    const lot = page.data.lines[0].lots[0]
    const unticked = await call(adminOrderAction, request(`/admin/orders/${order.number}`, { form: { intent: 'pack' }, cookie: salesCookie, headers: en }), params)
    expect(unticked).toMatchObject({ status: 409, data: { formError: 'Tick every lot.' } })
    const packed = await call(adminOrderAction, request(`/admin/orders/${order.number}`, { form: { intent: 'pack', picked: `0:${lot.id}` }, cookie: salesCookie, headers: en }), params)
    expect(packed).toMatchObject({ status: 302, location: `/admin/orders/${order.number}` })
    const noReason = await call(adminOrderAction, request(`/admin/orders/${order.number}`, { form: { intent: 'cancel', reason: '' }, cookie: salesCookie, headers: en }), params)
    expect(noReason).toMatchObject({ status: 400, data: { errors: { reason: 'Give a short reason' } } })
    expect((await OrderModel.findById(order._id).lean())?.status).toBe('packed')
  })
})

describe('storefront pages', () => {
  it('the listing and product pages are public, cacheable for visitors without cookies, private for anyone else', async () => {
    const jam = await makeShopProduct({ maker, title: { az: 'Heyva mürəbbəsi', en: 'Quince jam', ru: 'Айвовое варенье' } })
    const anonymous = await call(shopLoader, request('/shop?category=jam', { headers: en }))
    expect(anonymous.data.cards.map((card: { title: string }) => card.title)).toEqual(['Quince jam'])
    const product = await call(productLoader, request(`/shop/${jam.slug}`, { headers: en }), { slug: jam.slug })
    expect(product.data).toMatchObject({ product: { title: 'Quince jam', category: 'jam' }, variants: [{ sku: jam.variants[0].sku, price: 1250, stock: 10 }], maker: { name: 'Abbasovlar', slug: 'abbasovlar-guba' } })
    expect(product.data.url).toBe(`http://localhost:3000/shop/${jam.slug}`)
    // sold under the family's approved brand
    expect(product.data.brand).toMatchObject({ name: expect.stringMatching(/^Brand \d+$/) })
    expect((await call(productLoader, request('/shop/no-such-product'), { slug: 'no-such-product' })).status).toBe(404)
  })

  it('publishes a sitemap with every listed product and published maker, and a robots.txt that points to it', async () => {
    const jam = await makeShopProduct({ maker })
    const sitemap = await sitemapLoader({ request: request('/sitemap.xml'), params: {}, context: { cspNonce: '' } })
    expect(sitemap.headers.get('Content-Type')).toBe('application/xml; charset=utf-8')
    const xml = await sitemap.text()
    expect(xml).toContain(`<loc>http://localhost:3000/shop/${jam.slug}</loc>`)
    expect(xml).toContain('<loc>http://localhost:3000/makers/abbasovlar-guba</loc>')
    const robots = await (await robotsLoader({ request: request('/robots.txt'), params: {}, context: { cspNonce: '' } })).text()
    expect(robots).toContain('Sitemap: http://localhost:3000/sitemap.xml')
    expect(robots).toContain('Disallow: /checkout')
  })
})
