import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { makeT } from '#app/utils/i18n'
import { browsersPerTest, loginAs, loginAsRole, type Page } from './browser'

const az = makeT('az')

const browser = browsersPerTest()

/** A field by the start of its label: kit labels go on with a required mark. */
const label = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|\\*|$)`)

async function hydrated(page: Page) {
  await page.locator('.site-header.has-js').waitFor()
}

async function photo(caption: string) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"><rect width="100%" height="100%" fill="#a3192f"/><text x="50%" y="50%" font-size="48" fill="#fff" text-anchor="middle">${caption}</text></svg>`
  return sharp(Buffer.from(svg)).jpeg().toBuffer()
}

async function submitAndWait(page: Page, button: string, url: string | RegExp | ((url: URL) => boolean)) {
  await Promise.all([page.waitForURL(url), page.getByRole('button', { name: button, exact: true }).click()])
}

describe('an ABAD application from sign-up to the family’s journey', () => {
  it('a family applies over two visits, a case manager reviews and accepts, the family reads the mail, rates and lands on its journey', async () => {
    const stamp = Date.now().toString(36)
    const person = { email: `aile.${stamp}@example.az`, name: `Sevinc Sınaqova ${stamp}`, password: `sınaq-şifrə-${stamp}7` }

    // first visit: sign up as a family, answer the household and business steps, save the draft
    const first = await browser()
    let page = first.page
    await page.goto('/signup')
    await page.getByRole('radio', { name: az('auth.signup.as.family') }).check()
    await page.getByLabel(az('auth.field.name')).fill(person.name)
    await page.getByLabel(az('auth.field.email')).fill(person.email)
    await page.getByLabel(az('auth.field.phone'), { exact: false }).fill('+994 50 555 44 33')
    await page.locator('main').getByLabel(az('auth.field.locale')).selectOption('az')
    await page.getByLabel(az('auth.field.password')).fill(person.password)
    await Promise.all([page.waitForURL('**/apply/abad'), page.getByRole('button', { name: az('auth.signup.submit') }).click()])
    await hydrated(page)
    const names = page.getByLabel(label(az('apply.household.memberName')))
    expect(await names.first().inputValue()).toBe(person.name)
    await names.nth(1).fill('Elçin Sınaqov')
    await page.getByLabel(label(az('apply.household.relation'))).nth(1).selectOption('spouse')
    await page.getByLabel(az('apply.household.womenLed')).check()
    await page.getByLabel(label(az('apply.household.region'))).selectOption('Guba')
    await page.getByLabel(label(az('apply.household.village'))).fill('Qımıl')
    await page.getByLabel(label(az('apply.household.address'))).fill('Bağ küçəsi 4')
    await submitAndWait(page, az('apply.saveNext'), /step=business/)
    await page.getByRole('radio', { name: az('abad.category.food') }).check()
    await page.getByRole('checkbox', { name: az('abad.product.jam') }).check()
    await page.getByRole('checkbox', { name: az('abad.product.dried_fruit') }).check()
    await page.getByLabel(label(az('apply.business.idea'))).fill('Heyva və zoğal mürəbbəsi bişiririk, Quba bazarında satırıq.')
    await page.getByLabel(label(az('apply.business.currentOutput'))).fill('ayda 40 banka')
    await page.getByLabel(label(az('apply.business.experienceYears'))).fill('5')
    await page.getByRole('button', { name: az('apply.saveDraft') }).click()
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain(az('apply.draftSaved'))
    await first.close()

    // second visit, another browser: the form continues where the draft stopped
    const second = await browser()
    page = second.page
    await loginAs(page, person.email, person.password)
    await page.goto('/apply/abad')
    await hydrated(page)
    expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toBe(az('apply.step.needs'))
    await page.getByRole('checkbox', { name: new RegExp(`^${az('abad.need.training')}`) }).check()
    await page.getByRole('checkbox', { name: new RegExp(`^${az('abad.need.branding')}`) }).check()
    await submitAndWait(page, az('apply.saveNext'), /step=documents/)
    const chooseFile = page.getByLabel(label(az('apply.documents.choose')))
    await chooseFile.first().setInputFiles({ name: 'vesiqe.jpg', mimeType: 'image/jpeg', buffer: await photo('ID') })
    await page.getByRole('button', { name: az('apply.documents.upload') }).first().click()
    await page.getByTestId('documents-identity').waitFor()
    await chooseFile.last().setInputFiles({ name: 'murebbe.jpg', mimeType: 'image/jpeg', buffer: await photo('Mürəbbə') })
    await page.getByRole('button', { name: az('apply.documents.upload') }).last().click()
    await page.getByTestId('documents-product_photo').waitFor()
    expect(await page.getByTestId('documents-product_photo').getByRole('link').textContent()).toBe('murebbe.jpg')
    await Promise.all([page.waitForURL(/step=review/), page.getByRole('link', { name: az('apply.documents.continue') }).click()])
    await page.getByLabel(label(az('apply.review.consent'))).check()
    await submitAndWait(page, az('apply.review.submit'), /\/applications\/[a-f0-9]{24}$/)
    const heading = page.getByRole('heading', { level: 1, name: /ABAD-\d{4}-\d{5}/ })
    await heading.waitFor()
    const ref = /ABAD-\d{4}-\d{5}/.exec((await heading.textContent()) ?? '')?.[0]
    expect(ref).toBeTruthy()
    const applicationPath = new URL(page.url()).pathname

    // the case manager of Guba finds it in the queue, takes it, verifies, schedules a visit and accepts
    const staff = await browser()
    const cm = staff.page
    await loginAsRole(cm, 'case_manager')
    await cm.goto('/admin/applications')
    await hydrated(cm)
    await cm.getByLabel(label(az('review.search'))).fill(ref!)
    await cm.getByLabel(label(az('review.col.needs'))).selectOption('branding')
    await Promise.all([cm.waitForURL(/need=branding/), cm.getByRole('button', { name: az('review.applyFilters') }).click()])
    await Promise.all([cm.waitForURL(/\/admin\/applications\/[a-f0-9]{24}$/), cm.getByRole('link', { name: ref! }).click()])
    await hydrated(cm)
    await cm.getByRole('button', { name: az('review.assign.selfStart') }).click()
    await cm.getByTestId('checklist-documents_verified').waitFor()
    const verified = cm.getByTestId('checklist-documents_verified')
    await verified.getByLabel(az('abad.checklist.documents_verified')).check()
    await verified.getByLabel(label(az('review.checklist.note'))).fill('Vəsiqə və fotolar yoxlanıldı')
    await verified.getByRole('button', { name: az('review.checklist.save') }).click()
    await expect.poll(() => cm.getByRole('status').first().textContent()).toContain(az('review.checklist.saved'))
    const visit = new Date(Date.now() + 4 * 86_400_000 + 4 * 3_600_000).toISOString().slice(0, 11) + '11:00'
    await cm.getByLabel(label(az('review.schedule.at'))).fill(visit)
    await cm.getByLabel(label(az('review.schedule.place'))).fill('Qımıl kəndi, ailənin evi')
    await cm.getByRole('button', { name: az('review.schedule.submit') }).click()
    await expect.poll(() => cm.getByRole('status').first().textContent()).toContain(az('review.schedule.done'))
    await cm.getByRole('radio', { name: az('review.decide.as.accepted') }).check()
    await cm.getByLabel(label(az('review.decide.reason'))).fill('Təcrübəli ailə, keyfiyyətli məhsul.')
    const message = cm.getByLabel(label(az('review.decide.message', { language: 'AZ' })))
    await expect.poll(() => message.inputValue()).toContain(`Hörmətli ${person.name}`)
    expect(await message.inputValue()).toContain('Təcrübəli ailə, keyfiyyətli məhsul.')
    await message.fill(`${await message.inputValue()}\n\nİlk təlim gələn həftə başlayır.`)
    await cm.getByRole('button', { name: az('review.decide.submit') }).click()
    await expect.poll(() => cm.getByRole('status').first().textContent()).toContain(az('review.decide.done.accepted'))
    expect(await cm.locator('.page-header [data-status]').first().getAttribute('data-status')).toBe('accepted')

    // the decision mail is in the outbox, in the family's language, with a link back to the application
    const office = await browser()
    await loginAsRole(office.page, 'admin')
    await office.page.goto(`/admin/outbox?to=${encodeURIComponent(person.email)}`)
    await Promise.all([office.page.waitForURL(/\/admin\/outbox\/[a-f0-9]{24}$/), office.page.getByRole('link', { name: az('mail.application_accepted.subject', { ref: ref! }) }).click()])
    await office.page.getByTestId('outbox-link').first().waitFor()
    const body = (await office.page.locator('main').textContent()) ?? ''
    expect(body).toContain('İlk təlim gələn həftə başlayır.')
    const link = await office.page.getByTestId('outbox-link').first().getAttribute('href')
    expect(new URL(link!).pathname).toBe(applicationPath)

    // the family follows the link, rates the decision and lands on its journey page
    await page.goto(new URL(link!).pathname)
    await hydrated(page)
    expect(await page.getByTestId('decision-message').textContent()).toContain('İlk təlim gələn həftə başlayır.')
    const rating = page.getByTestId('rating-form')
    await rating.getByRole('radio', { name: az('rating.score.5') }).check()
    await rating.getByLabel(label(az('rating.comment'))).fill('Hər şey aydın və tez oldu.')
    await Promise.all([page.waitForURL((url) => url.pathname === '/family'), rating.getByRole('button', { name: az('rating.submit') }).click()])
    await page.getByTestId('journey').waitFor()
    expect(await page.getByTestId('journey').locator('[data-state]').evaluateAll((items) => items.map((item) => item.getAttribute('data-state')))).toEqual(['done', 'current', 'todo', 'todo', 'todo'])
    expect(await page.getByTestId('next-step').textContent()).toBe(az('family.next.training'))
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain(az('rating.thanks'))
    expect(await page.getByTestId('rating-form').count()).toBe(0)
  })

  it('the demo family’s home, profile and support requests, and the staff queues, work on a phone and a desktop', async () => {
    const family = await browser({ phone: true })
    const page = family.page
    await loginAs(page, 'family@demo.abad.az')
    await page.goto('/family')
    await hydrated(page)
    await page.getByTestId('journey').waitFor()
    expect(await page.getByTestId('journey').locator('[data-state="done"]').count()).toBeGreaterThanOrEqual(1)
    // the demo family has not rated its application decision yet
    expect(await page.getByTestId('rating-form').count()).toBeGreaterThanOrEqual(1)

    await page.goto('/family/profile')
    await hydrated(page)
    expect(await page.getByTestId('members').getByRole('listitem').count()).toBeGreaterThanOrEqual(3)
    await page.getByTestId('maker-state').waitFor()

    await page.goto('/family/services')
    await hydrated(page)
    await Promise.all([page.waitForURL(/\/family\/services\/[a-f0-9]{24}$/), page.getByRole('link', { name: /SR-\d{4}-\d{5}/ }).first().click()])
    await hydrated(page)
    // the newest request is still open, so the family can write on it
    const form = page.getByTestId('message-form')
    await form.getByLabel(label(az('service.message'))).fill('Salam, sənədləri bu həftə göndərəcəyik.')
    await form.getByRole('button', { name: az('service.send') }).click()
    await expect.poll(() => page.getByTestId('thread').textContent()).toContain('Salam, sənədləri bu həftə göndərəcəyik.')

    const staff = await browser()
    const cm = staff.page
    await loginAsRole(cm, 'case_manager')
    await cm.goto('/admin/services')
    await hydrated(cm)
    expect(await cm.getByRole('link', { name: /SR-\d{4}-\d{5}/ }).count()).toBeGreaterThanOrEqual(1)
    await Promise.all([cm.waitForURL(/\/admin\/services\/[a-f0-9]{24}$/), cm.getByRole('link', { name: /SR-\d{4}-\d{5}/ }).first().click()])
    await cm.getByTestId('service-time').waitFor()
    await cm.goto('/admin/applications?age=overdue')
    await hydrated(cm)
    expect(await cm.getByText(az('review.overdue'), { exact: true }).count()).toBeGreaterThanOrEqual(1)
  })
})
