import { describe, expect, it } from 'vitest'
import { makeT } from '#app/utils/i18n'
import { browsersPerTest, loginAs, loginAsRole, type Page } from './browser'

const az = makeT('az')
const en = makeT('en')
const ru = makeT('ru')

const browser = browsersPerTest()

/** A field by the start of its label: kit labels go on with a required mark ("(tələb olunur)"). */
const label = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`)

/** Waits until React has taken over the page (the header marks it), so controls that need script work. */
async function hydrated(page: Page) {
  await page.locator('.site-header.has-js').waitFor()
}

let counter = 0
function newPerson() {
  counter += 1
  const stamp = `${Date.now().toString(36)}${counter}`
  return { email: `e2e.${stamp}@example.az`, name: `Sınaq İstifadəçi ${counter}`, password: `sınaq-şifrə-${counter}7` }
}

/** Signs up through the form as a shopper (the role that lands on /account). */
async function signUp(page: Page, person: { email: string; name: string; password: string }) {
  await page.goto('/signup')
  await page.getByRole('radio', { name: az('auth.signup.as.shopper') }).check()
  await page.getByLabel(az('auth.field.name')).fill(person.name)
  await page.getByLabel(az('auth.field.email')).fill(person.email)
  await page.getByLabel(az('auth.field.phone'), { exact: false }).fill('+994 50 555 44 33')
  await page.locator('main').getByLabel(az('auth.field.locale')).selectOption('az')
  await page.getByLabel(az('auth.field.password')).fill(person.password)
  await Promise.all([page.waitForURL('**/account'), page.getByRole('button', { name: az('auth.signup.submit') }).click()])
}

async function logOut(page: Page) {
  await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.getByRole('button', { name: az('nav.logout') }).click()])
}

describe('accounts in the browser', () => {
  it('signs up, sees the account, logs out and logs in again', async () => {
    const { page } = await browser()
    const person = newPerson()
    await signUp(page, person)
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain(az('auth.signup.welcome'))
    expect(await page.getByTestId('account-email').textContent()).toBe(person.email)
    await logOut(page)
    await loginAs(page, person.email, person.password)
    expect(new URL(page.url()).pathname).toBe('/account')
    // the URL changes as the navigation starts; the page follows when its data has arrived
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(az('account.title'))
  })

  it('shows a clear message for a wrong password and stays on the login page', async () => {
    const { page } = await browser()
    await page.goto('/login')
    await page.getByLabel(az('auth.field.email')).fill('shopper@demo.abad.az')
    await page.getByLabel(az('auth.field.password')).fill('not-the-password-1')
    await page.locator('#login-form button[type="submit"]').click()
    await expect.poll(() => page.getByRole('alert').first().textContent()).toBe(az('auth.login.invalid'))
    expect(new URL(page.url()).pathname).toBe('/login')
  })

  it('switches az → en → ru, sets <html lang> and remembers the choice after a reload', async () => {
    const { page } = await browser()
    await page.goto('/')
    await hydrated(page)
    expect(await page.locator('html').getAttribute('lang')).toBe('az')
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(az('home.title'))

    await page.getByRole('combobox', { name: az('nav.language') }).selectOption('en')
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en')
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(en('home.title'))

    await hydrated(page)
    await page.getByRole('combobox', { name: en('nav.language') }).selectOption('ru')
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ru')
    await page.reload()
    expect(await page.locator('html').getAttribute('lang')).toBe('ru')
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(ru('home.title'))
    expect(await page.getByRole('link', { name: ru('nav.login') }).count()).toBeGreaterThan(0)
  })

  it('shows each role its own navigation', async () => {
    const family = await browser()
    const admin = await browser()
    await loginAsRole(family.page, 'family')
    await loginAsRole(admin.page, 'admin')
    const links = async (page: Page) => {
      await page.goto('/account')
      return page.getByRole('navigation', { name: az('layout.userNav') }).getByRole('link').allTextContents()
    }
    const familyLinks = await links(family.page)
    const adminLinks = await links(admin.page)
    expect(familyLinks).toContain(az('nav.family'))
    expect(familyLinks).not.toContain(az('nav.users'))
    expect(familyLinks).not.toContain(az('nav.outbox'))
    expect(adminLinks).toEqual(expect.arrayContaining([az('nav.users'), az('nav.audit'), az('nav.outbox')]))
    expect(adminLinks).not.toContain(az('nav.family'))
  })

  it('opens every page in each role’s navigation (no link leads to a refusal)', async () => {
    for (const role of ['family', 'case_manager', 'trainer', 'technician', 'designer', 'sales_manager', 'programme_manager', 'shopper'] as const) {
      const { page } = await browser()
      await loginAsRole(page, role)
      await page.goto('/account')
      const hrefs = await page.getByRole('navigation', { name: az('layout.userNav') }).getByRole('link').evaluateAll((links) => links.map((link) => link.getAttribute('href')!))
      expect(hrefs.length, role).toBeGreaterThan(1)
      for (const href of hrefs) {
        const response = await page.goto(href)
        expect(`${role} ${href} ${response?.status()}`).toBe(`${role} ${href} 200`)
      }
    }
  })

  it('answers a family member on an admin page with the 403 page in their language', async () => {
    const { page } = await browser()
    await loginAsRole(page, 'family')
    const response = await page.goto('/admin/users')
    expect(response?.status()).toBe(403)
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(az('error.403.title'))
    expect(await page.locator('main').textContent()).toContain(az('error.403.body'))
    await hydrated(page)

    await page.getByRole('combobox', { name: az('nav.language') }).selectOption('en')
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(en('error.403.title'))
    const again = await page.goto('/admin/outbox')
    expect(again?.status()).toBe(403)
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
    // the demo family is shared with the other browser tests: give its account its language back
    await hydrated(page)
    await page.getByRole('combobox', { name: en('nav.language') }).selectOption('az')
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('az')
  })

  it('log out everywhere signs out the other browser too', async () => {
    const first = await browser()
    const second = await browser({ phone: true })
    const person = newPerson()
    await signUp(first.page, person)
    await loginAs(second.page, person.email, person.password)

    await first.page.goto('/account/sessions')
    await hydrated(first.page)
    const rows = first.page.locator('main table tbody tr')
    expect(await rows.count()).toBe(2)
    expect(await first.page.locator('main table').textContent()).toContain(az('sessions.thisDevice'))

    await first.page.getByRole('button', { name: az('sessions.everywhere') }).click()
    const dialog = first.page.getByRole('dialog')
    await Promise.all([first.page.waitForURL((url) => url.pathname === '/'), dialog.getByRole('button', { name: az('sessions.everywhere') }).click()])

    await second.page.goto('/account')
    expect(new URL(second.page.url()).pathname).toBe('/login')
    expect(new URL(second.page.url()).searchParams.get('redirectTo')).toBe('/account')
  })

  it('resets a forgotten password with the link an admin reads in the outbox', async () => {
    const user = await browser()
    const admin = await browser()
    const person = newPerson()
    await signUp(user.page, person)
    await logOut(user.page)

    await user.page.goto('/login')
    await user.page.getByRole('link', { name: az('auth.login.forgot') }).click()
    await user.page.waitForURL('**/forgot-password')
    await user.page.getByLabel(label(az('auth.field.email'))).fill(person.email)
    await user.page.getByRole('button', { name: az('forgot.submit') }).click()
    await expect.poll(() => user.page.getByTestId('forgot-sent').textContent()).toBe(az('forgot.sent'))

    await loginAsRole(admin.page, 'admin')
    await admin.page.goto(`/admin/outbox?${new URLSearchParams({ to: person.email })}`)
    await admin.page.getByRole('link', { name: az('mail.reset.subject') }).click()
    await admin.page.waitForURL('**/admin/outbox/*')
    expect(await admin.page.getByTestId('outbox-to').textContent()).toBe(person.email)
    const link = await admin.page.getByTestId('outbox-link').getAttribute('href')
    expect(link).toMatch(/\/reset-password\/[\w-]+$/)

    const newPassword = `${person.password}-yeni`
    await user.page.goto(link!)
    await user.page.getByLabel(label(az('reset.password'))).fill(newPassword)
    await user.page.getByLabel(label(az('reset.confirm'))).fill(newPassword)
    await Promise.all([user.page.waitForURL('**/account'), user.page.getByRole('button', { name: az('reset.submit') }).click()])
    await logOut(user.page)

    // the old password is gone, the new one works, and the link does not work twice
    await user.page.goto('/login')
    await user.page.getByLabel(az('auth.field.email')).fill(person.email)
    await user.page.getByLabel(az('auth.field.password')).fill(person.password)
    await user.page.locator('#login-form button[type="submit"]').click()
    await expect.poll(() => user.page.getByRole('alert').first().textContent()).toBe(az('auth.login.invalid'))
    await loginAs(user.page, person.email, newPassword)
    expect(new URL(user.page.url()).pathname).toBe('/account')
    const reused = await user.page.goto(link!)
    expect(reused?.status()).toBe(410)
    expect(await user.page.getByTestId('reset-invalid').isVisible()).toBe(true)
  })
})
