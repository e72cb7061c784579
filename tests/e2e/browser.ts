import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterEach, expect, inject } from 'vitest'
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '#scripts/seed/accounts'

export const baseURL = () => inject('baseURL')

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']

/**
 * A fresh browser profile per call: no cookies shared between people in one test. Viewport 1280×800
 * unless a phone is asked for.
 */
export async function openBrowser({ phone = false, locale = 'az-AZ', bypassCSP = false }: { phone?: boolean; locale?: string; bypassCSP?: boolean } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abad-chromium-'))
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: inject('chromiumPath'),
    headless: true,
    args: ARGS,
    baseURL: baseURL(),
    locale,
    viewport: phone ? { width: 360, height: 740 } : { width: 1280, height: 800 },
    isMobile: phone,
    hasTouch: phone,
    // only for injecting test tools (axe-core) as a script tag; the app's own CSP is tested without it
    bypassCSP,
  })
  const page = context.pages()[0] ?? (await context.newPage())
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  return {
    context,
    page,
    errors,
    async close() {
      await context.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

export type Browser = Awaited<ReturnType<typeof openBrowser>>

/**
 * The browsers of one test file: the returned `browser()` opens one; after each test all are
 * closed, and the test fails if any page logged a script error (every page must hydrate and run
 * without one).
 */
export function browsersPerTest() {
  const opened: Browser[] = []
  afterEach(async () => {
    const errors = opened.flatMap((b) => b.errors)
    await Promise.all(opened.splice(0).map((b) => b.close()))
    expect(errors, 'errors in the browser').toEqual([])
  })
  return async function browser(options?: Parameters<typeof openBrowser>[0]) {
    const b = await openBrowser(options)
    opened.push(b)
    return b
  }
}

export function demoEmail(role: (typeof DEMO_ACCOUNTS)[number]['role'], lead = false) {
  const account = DEMO_ACCOUNTS.find((a) => a.role === role && Boolean(a.lead) === lead)
  if (!account) throw new Error(`no demo account for ${role}`)
  return account.email
}

/** Logs in through the login form, as a person would. */
export async function loginAs(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto('/login')
  await page.locator('input[name="email"]').fill(email)
  await page.locator('input[name="password"]').fill(password)
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.locator('#login-form button[type="submit"]').click()])
}

export async function loginAsRole(page: Page, role: (typeof DEMO_ACCOUNTS)[number]['role'], lead = false) {
  await loginAs(page, demoEmail(role, lead))
}

export type { BrowserContext, Page }
