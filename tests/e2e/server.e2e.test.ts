import { describe, expect, it } from 'vitest'
import { baseURL } from './browser'

/** What every response of the production server carries, checked over plain HTTP. */
describe('the production server', () => {
  it('answers /healthz with 200 JSON when the database is up', async () => {
    const response = await fetch(`${baseURL()}/healthz`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(await response.json()).toMatchObject({ status: 'ok', database: 'ok' })
  })

  it('sends the security headers on pages, with a fresh script nonce each time', async () => {
    const [first, second] = await Promise.all([fetch(`${baseURL()}/`), fetch(`${baseURL()}/login`)])
    for (const response of [first, second]) {
      expect(response.status).toBe(200)
      const csp = response.headers.get('content-security-policy') ?? ''
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/)
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
      expect(response.headers.get('x-powered-by')).toBeNull()
    }
    const nonce = (r: Response) => /nonce-([^']+)/.exec(r.headers.get('content-security-policy') ?? '')?.[1]
    expect(nonce(first)).not.toBe(nonce(second))
    const html = await second.text()
    expect(html).toContain(`nonce="${nonce(second)}"`)
  })

  it('refuses a state-changing request from another site with 403', async () => {
    const body = new URLSearchParams({ locale: 'en', redirectTo: '/' })
    const foreign = await fetch(`${baseURL()}/set-locale`, { method: 'POST', body, redirect: 'manual', headers: { Origin: 'https://evil.example' } })
    expect(foreign.status).toBe(403)
    expect(foreign.headers.get('set-cookie')).toBeNull()
    const host = new URL(baseURL()).host
    const same = await fetch(`${baseURL()}/set-locale`, { method: 'POST', body, redirect: 'manual', headers: { Origin: `http://${host}` } })
    expect(same.status).toBe(302)
    expect(same.headers.get('set-cookie')).toContain('lng=')
  })

  it('answers an unknown page with a 404 page in the visitor’s language', async () => {
    const response = await fetch(`${baseURL()}/no-such-page`, { headers: { 'Accept-Language': 'ru-RU,ru;q=0.9' } })
    expect(response.status).toBe(404)
    const html = await response.text()
    expect(html).toContain('<html lang="ru"')
    expect(html).toContain('Страница не найдена')
  })

  it('marks the session cookie httpOnly and sameSite=lax', async () => {
    const form = new URLSearchParams({ email: 'admin@demo.abad.az', password: 'abad-demo-2026', redirectTo: '/account' })
    const host = new URL(baseURL()).host
    const response = await fetch(`${baseURL()}/login`, { method: 'POST', body: form, redirect: 'manual', headers: { Origin: `http://${host}` } })
    expect(response.status).toBe(302)
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('__session='))
    expect(cookie).toBeDefined()
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
    expect(cookie).toMatch(/Secure/i)
  })
})
