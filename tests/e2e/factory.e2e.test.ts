import { describe, expect, it } from 'vitest'
import { makeT } from '#app/utils/i18n'
import { addLocalDays, localDay } from '#models/factory-days'
import { SECOND_DEMO_FAMILY_EMAIL } from '#scripts/seed/training'
import { browsersPerTest, loginAs, loginAsRole, type Page } from './browser'

const az = makeT('az')

const browser = browsersPerTest()

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** A field by the start of its label (kit labels carry a required mark or a unit after the text). */
const label = (text: string) => new RegExp(`^${escape(text)}(\\s|$)`)

async function hydrated(page: Page) {
  await page.locator('.site-header.has-js').waitFor()
}

async function toast(page: Page) {
  return (await page.getByRole('status').first().textContent()) ?? ''
}

/** Monday of next week on the factory's clock: the seed leaves the demo family room to book there. */
function nextWeek() {
  const today = localDay(new Date())
  const weekday = (new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7
  return addLocalDays(today, 7 - weekday)
}

const JAM_LINE = 'Mürəbbə və konserv xətti'

describe('the factory floor in the browser', () => {
  it('a certified family books a shift, a non-certified one is told why; the technician checks in, records a batch, passes QC; the lot reaches stock and the lot page, and a recall shows on it', async () => {
    // the certified family books a jam-line shift next week, with what it will make
    const certified = await browser()
    await loginAs(certified.page, 'family@demo.abad.az')
    await certified.page.goto(`/family/shifts?week=${nextWeek()}`)
    await hydrated(certified.page)
    await certified.page.locator('.week-calendar a', { hasText: JAM_LINE }).first().click()
    const selected = certified.page.getByTestId('selected-shift')
    await selected.waitFor()
    await selected.getByLabel(label(az('shifts.field.plannedQty'))).fill('40')
    await selected.getByRole('button', { name: az('shifts.book') }).click()
    await expect.poll(() => toast(certified.page)).toContain(az('shifts.booked'))
    await expect.poll(() => certified.page.locator('.week-item.is-highlight').count()).toBeGreaterThan(0)
    expect(await certified.page.getByTestId('upcoming-shifts').textContent()).toContain(JAM_LINE)

    // a family without the jam certificate, on a phone, reads why it cannot book the jam line
    const other = await browser({ phone: true })
    await loginAs(other.page, SECOND_DEMO_FAMILY_EMAIL)
    await other.page.goto('/family/shifts')
    const otherLines = other.page.getByTestId('other-lines')
    await otherLines.waitFor()
    const reasons = (await otherLines.textContent()) ?? ''
    expect(reasons).toContain(JAM_LINE)
    expect(reasons).toContain(az('factory.refusal.prerequisite_missing', { course: 'Mürəbbə və konservləşdirmə' }))

    // the technician checks the family in on the shift that is under way
    const technician = await browser()
    await loginAsRole(technician.page, 'technician')
    await technician.page.goto('/factory/today')
    await hydrated(technician.page)
    // the seed leaves the demo family booked, and not yet checked in, on the shift under way
    const checkIn = new RegExp(`^${escape(az('floor.checkIn'))}: `)
    const card = technician.page.getByTestId('floor-family').filter({ has: technician.page.getByRole('button', { name: checkIn }) }).first()
    const family = ((await card.locator('strong').first().textContent()) ?? '').trim()
    expect(family).not.toBe('')
    await card.getByRole('button', { name: checkIn }).click()
    await expect.poll(() => toast(technician.page)).toContain(az('floor.checkedIn', { family }))

    // … records the batch …
    const recordLink = technician.page.getByTestId('floor-family').filter({ hasText: family }).getByRole('link', { name: az('floor.recordBatch') }).first()
    await Promise.all([technician.page.waitForURL(/\/factory\/bookings\/\w+\/batch$/), recordLink.click()])
    await hydrated(technician.page)
    // the best-before date is filled in from the product's shelf life, and follows the production date
    const bestBefore = technician.page.getByTestId('best-before')
    const suggested = await bestBefore.inputValue()
    expect(suggested).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    const producedOn = technician.page.getByLabel(label(az('batch.field.producedOn')))
    const shiftDay = await producedOn.inputValue()
    const dayBefore = new Date(Date.parse(`${shiftDay}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10)
    await producedOn.fill(dayBefore)
    await expect.poll(() => bestBefore.inputValue()).toBe(new Date(Date.parse(`${suggested}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10))
    await producedOn.fill(shiftDay)
    await expect.poll(() => bestBefore.inputValue()).toBe(suggested)
    await technician.page.getByLabel(label(az('batch.field.qty'))).fill('96')
    await technician.page.getByLabel(label(az('batch.field.ingredients'))).fill('Əzgil — öz bağımız\nŞəkər — Azərsun')
    await Promise.all([technician.page.waitForURL(/\/factory\/batches\/\w+$/), technician.page.getByRole('button', { name: az('batch.submit') }).click()])
    // the address changes before the page does: wait for the batch page's heading with its lot code
    const lotCode = /[A-Z]{3}-JAM-\d{8}-\d{3}/
    const heading = technician.page.getByRole('heading', { level: 1 })
    await expect.poll(() => heading.textContent()).toMatch(lotCode)
    const code = lotCode.exec((await heading.textContent()) ?? '')?.[0]

    // … and passes its quality check
    await hydrated(technician.page)
    const qc = technician.page.getByTestId('qc-form')
    await qc.getByLabel(label(az('qc.check.processTemperature'))).fill('92')
    await qc.getByLabel(label(az('qc.check.brix'))).fill('64')
    await qc.getByLabel(label(az('qc.check.ph'))).fill('3,4')
    await qc.getByLabel(label(az('qc.check.storageTemperature'))).fill('18')
    for (const check of ['seal', 'labelling', 'hygiene']) await qc.getByLabel(az(`qc.check.${check}`)).check()
    await qc.getByLabel(az('qc.pass')).check()
    await qc.getByRole('button', { name: az('qc.submit') }).click()
    await expect.poll(() => toast(technician.page)).toContain(az('qc.passed', { code: code! }))
    await technician.page.getByTestId('qc-record').waitFor()

    // the lot is in the family's stock
    await certified.page.goto('/family/stock')
    const lots = certified.page.getByTestId('family-lots')
    await lots.waitFor()
    const row = lots.locator('tr', { hasText: code! })
    await expect.poll(() => row.textContent()).toContain(az('status.available'))
    expect(await row.textContent()).toContain('96')

    // the sales manager finds it on the lot page, with its origin, and recalls it
    const sales = await browser()
    await loginAsRole(sales.page, 'sales_manager')
    await sales.page.goto(`/admin/lots/${code}`)
    await hydrated(sales.page)
    expect(await sales.page.getByTestId('lot-status').textContent()).toContain(az('status.available'))
    const origin = (await sales.page.locator('main').textContent()) ?? ''
    expect(origin).toContain(family)
    expect(origin).toContain('Elvin Kərimov')
    const recall = sales.page.getByTestId('recall-form')
    await recall.getByLabel(label(az('lot.recallReason'))).fill('Bankada şüşə qırıntısı tapıldı')
    await recall.getByRole('button', { name: az('lot.recall') }).click()
    await sales.page.getByRole('dialog').getByRole('button', { name: az('lot.recall') }).click()
    await expect.poll(() => sales.page.getByTestId('lot-status').textContent()).toContain(az('status.recalled'))
    expect(await sales.page.locator('main').textContent()).toContain('Bankada şüşə qırıntısı tapıldı')

    // and the family sees it recalled too
    await certified.page.goto('/family/stock')
    await expect.poll(() => certified.page.getByTestId('family-lots').locator('tr', { hasText: code! }).textContent()).toContain(az('status.recalled'))
  })
})
