import { describe, expect, it } from 'vitest'
import { makeT } from '#app/utils/i18n'
import { browsersPerTest, loginAsRole, type Page } from './browser'

const az = makeT('az')

const browser = browsersPerTest()

async function hydrated(page: Page) {
  await page.locator('.site-header.has-js').waitFor()
}

/** Waits until the results show the page the address asks for (the address changes before the page does). */
async function settled(page: Page) {
  await page.locator('[data-testid="shop-results"][aria-busy="false"]').waitFor()
}

/** The titles on the product cards of the page, in order. */
async function cardTitles(page: Page) {
  return page.getByTestId('product-card').locator('.product-card-title').allTextContents()
}

/** A word typed the way a keyboard without Azerbaijani letters would: "Mürəbbə" → "murebbe". */
function plainLetters(word: string) {
  const map: Record<string, string> = { ə: 'e', Ə: 'e', ı: 'i', İ: 'i', ö: 'o', Ö: 'o', ü: 'u', Ü: 'u', ş: 's', Ş: 's', ç: 'c', Ç: 'c', ğ: 'g', Ğ: 'g' }
  return word.replace(/[əƏıİöÖüÜşŞçÇğĞ]/g, (letter) => map[letter]).toLowerCase()
}

async function addFirstCard(page: Page, skip: string[] = []) {
  const cards = page.getByTestId('product-card').filter({ has: page.locator('.product-card-add') })
  const count = await cards.count()
  for (let index = 0; index < count; index++) {
    const card = cards.nth(index)
    const title = (await card.locator('.product-card-title').textContent())!.trim()
    if (skip.includes(title)) continue
    await Promise.all([page.waitForResponse((response) => response.url().includes('/cart') && response.request().method() === 'POST'), card.locator('.product-card-add button').click()])
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain(az('shop.cart.added', { count: 1 }))
    return title
  }
  throw new Error('no product with a quick "add to cart" on this page')
}

describe('the boutique in the browser', () => {
  it('a guest filters, searches, buys two products for pickup and pays at pickup; staff packs and hands over; the lot page lists the order', async () => {
    const guest = await browser()
    const { page } = guest
    await page.goto('/shop')
    await hydrated(page)

    // filter: one category (the select applies at once with JavaScript)
    const categories = await page.locator('#filter-category option:not([disabled])').evaluateAll((options) => (options as HTMLOptionElement[]).map((o) => o.value))
    expect(categories).toContain('jam')
    await Promise.all([page.waitForURL(/category=jam/), page.locator('#filter-category').selectOption('jam')])
    await settled(page)
    const jams = await cardTitles(page)
    expect(jams.length).toBeGreaterThan(0)
    const countText = az('shop.results.count', { count: '#' }).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('#', '\\d+')
    expect(await page.getByTestId('result-count').textContent()).toMatch(new RegExp(`^${countText}$`))

    // search for a word of the first jam, typed without Azerbaijani letters
    const word = jams[0].split(/\s+/).find((part) => part.length > 3) ?? jams[0]
    await page.locator('#shop-q').fill(plainLetters(word))
    await Promise.all([page.waitForURL(/[?&]q=/), page.locator('#shop-q').press('Enter')])
    await settled(page)
    const found = await cardTitles(page)
    expect(found).toContain(jams[0])

    // two products into the cart
    // the jam itself, so the lot it came from can be followed to this order below
    const first = await addFirstCard(page, found.filter((title) => title !== jams[0]))
    await page.goto('/shop?stock=in&sort=price_asc')
    const second = await addFirstCard(page, [first])
    await expect.poll(() => page.getByTestId('cart-link').textContent()).toContain('(2)')

    await page.getByTestId('cart-link').click()
    await page.waitForURL('**/cart')
    await page.getByTestId('cart-line').first().waitFor()
    expect(await page.getByTestId('cart-line').locator('.cart-line-title').allTextContents()).toEqual([first, second])
    await page.getByTestId('go-checkout').click()
    await page.waitForURL('**/checkout')
    await hydrated(page)

    // checkout: contact, pickup, pay at pickup, review, place
    const email = `guest.${Date.now().toString(36)}@example.az`
    await page.getByLabel(az('shop.checkout.name')).fill('Leyla Məmmədli')
    await page.getByLabel(az('shop.checkout.email')).fill(email)
    await page.getByLabel(az('shop.checkout.phone')).fill('+994 50 444 33 22')
    await page.getByRole('radio', { name: new RegExp(az('shop.delivery.pickup')) }).check()
    await page.getByRole('radio', { name: new RegExp(az('shop.payment.pay_at_pickup')) }).check()
    await page.getByTestId('review-order').click()
    await page.getByTestId('checkout-review').waitFor()
    const total = (await page.getByTestId('review-total').textContent())!.trim()
    await Promise.all([page.waitForURL(/\/orders\/B-\d{4}-\d{6}\?token=/), page.getByTestId('place-order').click()])
    const trackingUrl = page.url()
    const number = new URL(trackingUrl).pathname.split('/').pop()!
    expect(await page.getByTestId('order-confirmation').textContent()).toBe(az('shop.order.thanksPickup', { email }))
    expect((await page.getByTestId('order-total').textContent())!.trim()).toBe(total)
    await expect.poll(() => page.getByTestId('cart-link').textContent()).toContain('(0)')

    // the confirmation mail with the tracking link
    const admin = await browser()
    await loginAsRole(admin.page, 'admin')
    await admin.page.goto(`/admin/outbox?${new URLSearchParams({ to: email })}`)
    await admin.page.getByRole('link', { name: az('mail.order.placed.subject', { number }) }).click()
    await admin.page.waitForURL('**/admin/outbox/*')
    expect(await admin.page.getByTestId('outbox-body').textContent()).toContain(first)
    const mailedLink = await admin.page.getByTestId('outbox-link').getAttribute('href')
    expect(new URL(mailedLink!).pathname + new URL(mailedLink!).search).toBe(new URL(trackingUrl).pathname + new URL(trackingUrl).search)

    // the sales manager packs (every lot ticked), marks it ready and hands it over for cash
    const sales = await browser()
    await loginAsRole(sales.page, 'sales_manager')
    await sales.page.goto('/admin/orders')
    await sales.page.getByRole('link', { name: number }).click()
    await sales.page.waitForURL(`**/admin/orders/${number}`)
    await sales.page.getByTestId('desk-lot').first().waitFor()
    const lotCodes = await sales.page.getByTestId('desk-lot').allTextContents()
    expect(lotCodes.length).toBeGreaterThan(0)
    const pack = sales.page.getByTestId('pack-form')
    for (const box of await pack.getByRole('checkbox').all()) await box.check()
    await Promise.all([sales.page.waitForResponse((r) => r.request().method() === 'POST'), sales.page.getByTestId('pack').click()])
    await expect.poll(() => sales.page.getByRole('status').first().textContent()).toContain(az('shop.desk.done.pack', { number }))
    await sales.page.getByTestId('ready').click()
    await expect.poll(() => sales.page.getByRole('status').first().textContent()).toContain(az('shop.desk.done.ready', { number }))
    await sales.page.getByRole('checkbox').first().check()
    await sales.page.getByTestId('deliver').click()
    await expect.poll(() => sales.page.getByRole('status').first().textContent()).toContain(az('shop.desk.done.deliver', { number }))
    expect(await sales.page.locator('.page-header .badge').textContent()).toContain(az('shop.status.delivered'))

    // the guest's link shows the whole way
    await page.goto(trackingUrl)
    expect(await page.locator('.page-header .badge').textContent()).toContain(az('shop.status.delivered'))
    const timeline = await page.locator('.timeline-title').allTextContents()
    expect(timeline).toEqual(['placed', 'packed', 'ready_for_pickup', 'delivered'].map((status) => az(`shop.status.${status}`)))

    // the lot the jam came from lists this order
    await sales.page.goto(`/admin/lots/${lotCodes[0].trim()}`)
    await expect.poll(() => sales.page.locator('main').textContent()).toContain(number)
  })
})
