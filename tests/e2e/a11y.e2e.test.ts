import path from 'node:path'
import type { AxeResults, Result } from 'axe-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeT } from '#app/utils/i18n'
import { loginAsRole, openBrowser, type Browser, type Page } from './browser'

const az = makeT('az')

/**
 * An automated accessibility check (axe-core) of the main pages, on a desktop and on a 360 px
 * phone. It fails on `serious` and `critical` violations and lists them so they can be fixed.
 * Other features add their pages to PAGES.
 */
const AXE = path.resolve('node_modules/axe-core/axe.min.js')
const BLOCKING = new Set(['serious', 'critical'])

type Who = 'visitor' | 'family' | 'admin'
/** `phone`: also checked on a 360 px phone (the main pages; the rest share their layout). */
type PageCheck = { name: string; who: Who; path: string | ((page: Page) => Promise<string>); status?: number; phone?: boolean }

const PAGES: PageCheck[] = [
  { name: 'home', who: 'visitor', path: '/', phone: true },
  { name: 'login', who: 'visitor', path: '/login', phone: true },
  { name: 'signup', who: 'visitor', path: '/signup', phone: true },
  { name: 'forgot password', who: 'visitor', path: '/forgot-password' },
  { name: 'reset password (used link)', who: 'visitor', path: '/reset-password/not-a-real-token', status: 410 },
  { name: 'not found', who: 'visitor', path: '/no-such-page', status: 404 },
  { name: 'account', who: 'family', path: '/account', phone: true },
  { name: 'sessions', who: 'family', path: '/account/sessions', phone: true },
  { name: 'forbidden', who: 'family', path: '/admin/users', status: 403 },
  { name: 'admin users', who: 'admin', path: '/admin/users', phone: true },
  { name: 'admin users, filtered', who: 'admin', path: '/admin/users?role=family&status=active&sort=name&dir=asc' },
  { name: 'admin user page', who: 'admin', path: firstUserPage },
  { name: 'invite staff', who: 'admin', path: '/admin/users/invite' },
  { name: 'audit trail', who: 'admin', path: '/admin/audit' },
  { name: 'outbox', who: 'admin', path: '/admin/outbox' },
  { name: 'outbox message', who: 'admin', path: firstOutboxMessage },
  // ABAD applications, the family's home and support services
  { name: 'family home', who: 'family', path: '/family', phone: true },
  { name: 'family application', who: 'family', path: (page) => firstLink(page, '/family', '/applications/') },
  { name: 'family profile', who: 'family', path: '/family/profile', phone: true },
  { name: 'family services', who: 'family', path: '/family/services', phone: true },
  { name: 'family service request', who: 'family', path: (page) => firstLink(page, '/family/services', '/family/services/') },
  { name: 'application form', who: 'admin', path: '/apply/abad?step=household', phone: true },
  { name: 'application form, business', who: 'admin', path: '/apply/abad?step=business' },
  { name: 'application form, needs', who: 'admin', path: '/apply/abad?step=needs' },
  { name: 'application form, documents', who: 'admin', path: '/apply/abad?step=documents' },
  { name: 'application form, review', who: 'admin', path: '/apply/abad?step=review' },
  { name: 'review queue', who: 'admin', path: '/admin/applications', phone: true },
  { name: 'review queue, filtered', who: 'admin', path: '/admin/applications?status=in_review&age=overdue&sort=ref&dir=desc' },
  { name: 'review page', who: 'admin', path: (page) => firstLink(page, '/admin/applications?status=in_review', '/admin/applications/') },
  { name: 'support queue', who: 'admin', path: '/admin/services' },
  { name: 'support request (staff)', who: 'admin', path: (page) => firstLink(page, '/admin/services', '/admin/services/') },
  // factories, batches and lots
  { name: 'family shifts', who: 'family', path: '/family/shifts', phone: true },
  { name: 'family shifts, a shift chosen', who: 'family', path: firstShift },
  { name: 'family stock', who: 'family', path: '/family/stock', phone: true },
  { name: 'factory floor', who: 'admin', path: '/factory/today', phone: true },
  { name: 'factories', who: 'admin', path: '/admin/factories' },
  { name: 'line planning', who: 'admin', path: (page) => firstLink(page, '/admin/factories', '/admin/factories/lines/') },
  {
    name: 'factory hours and closed days',
    who: 'admin',
    phone: true,
    path: async (page) => {
      await page.goto('/admin/factories')
      return (await page.getByRole('link', { name: az('factory.details.edit') }).first().getAttribute('href'))!
    },
  },
  { name: 'lots', who: 'admin', path: '/admin/lots', phone: true },
  { name: 'lot page (quarantined)', who: 'admin', path: (page) => firstLink(page, '/admin/lots?status=quarantined', '/admin/lots/') },
  { name: 'batch and QC record', who: 'admin', path: async (page) => firstLink(page, await firstLink(page, '/admin/lots?status=quarantined', '/admin/lots/'), '/factory/batches/') },
  { name: 'lot label', who: 'admin', path: async (page) => `${await firstLink(page, '/admin/lots', '/admin/lots/')}/label` },
]

/** The first link of a page that starts with a prefix (a record whose id the seed chose). */
async function firstLink(page: Page, from: string, prefix: string) {
  await page.goto(from)
  return (await page.locator(`main a[href^="${prefix}"]`).first().getAttribute('href'))!
}

/** The week's first shift chosen in the family's calendar (its booking form open). */
async function firstShift(page: Page) {
  await page.goto('/family/shifts')
  const href = (await page.locator('main .week-item a').first().getAttribute('href'))!
  return href.split('#')[0]
}

async function firstUserPage(page: Page) {
  await page.goto('/admin/users?q=family%40demo.abad.az')
  return (await page.locator('main table a').first().getAttribute('href'))!
}

async function firstOutboxMessage(page: Page) {
  await page.goto('/admin/outbox')
  return (await page.locator('main table a').first().getAttribute('href'))!
}

function describeViolation(violation: Result) {
  const nodes = violation.nodes
    .slice(0, 5)
    .map((node) => `    at ${node.target.join(' ')}\n      ${(node.failureSummary ?? '').replace(/\n\s*/g, ' · ')}`)
    .join('\n')
  const more = violation.nodes.length > 5 ? `\n    … and ${violation.nodes.length - 5} more` : ''
  return `  ${violation.impact}: ${violation.id} — ${violation.help} (${violation.helpUrl})\n${nodes}${more}`
}

async function axeViolations(page: Page) {
  await page.addScriptTag({ path: AXE })
  const results = (await page.evaluate(() => (window as unknown as { axe: { run: (context: Document, options: object) => Promise<unknown> } }).axe.run(document, { resultTypes: ['violations'] }))) as AxeResults
  return results.violations.filter((violation) => BLOCKING.has(violation.impact ?? ''))
}

describe.each([
  { device: 'desktop', phone: false },
  { device: 'phone', phone: true },
])('accessibility on a $device', ({ phone }) => {
  const browsers = {} as Record<Who, Browser>

  beforeAll(async () => {
    for (const who of ['visitor', 'family', 'admin'] as const) browsers[who] = await openBrowser({ phone, bypassCSP: true })
    await loginAsRole(browsers.family.page, 'family')
    await loginAsRole(browsers.admin.page, 'admin')
    // a mail in the outbox, so the message page has something to show
    const { page } = browsers.visitor
    await page.goto('/forgot-password')
    await page.locator('main input[name="email"]').fill('shopper@demo.abad.az')
    await page.locator('main form button[type="submit"]').click()
    await page.getByTestId('forgot-sent').waitFor()
  })

  afterAll(async () => {
    await Promise.all(Object.values(browsers).map((browser) => browser.close()))
  })

  it.each(PAGES.filter((check) => !phone || check.phone))('$name has no serious or critical violations', async ({ who, path: target, status = 200 }) => {
    const { page } = browsers[who]
    const url = typeof target === 'string' ? target : await target(page)
    const response = await page.goto(url)
    expect(response?.status(), `status of ${url}`).toBe(status)
    // check the page as people use it: after React has taken over
    await page.locator('.site-header.has-js').waitFor()
    const violations = await axeViolations(page)
    expect(violations.length, `axe found on ${url}:\n${violations.map(describeViolation).join('\n')}`).toBe(0)
  })
})
