import type { AddressInfo } from 'node:net'
import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { shopChanged } from '../../models/shop-changes'
import { createPageCache, sharedLifetime } from './page-cache'

/** A tiny app behind the cache: each route counts how often the app really rendered it. */
async function start(routes: (app: express.Express, rendered: Map<string, number>) => void) {
  const app = express()
  const rendered = new Map<string, number>()
  let nonces = 0
  app.use((_req, res, next) => {
    res.locals.cspNonce = `nonce${++nonces}x`
    res.setHeader('Content-Security-Policy', `script-src 'nonce-${res.locals.cspNonce}'`)
    next()
  })
  const cache = createPageCache({ enabled: true })
  app.use(cache.middleware)
  routes(app, rendered)
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
  })
  servers.push(server)
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { base, rendered, cache }
}

const servers: import('node:http').Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
})

function page(rendered: Map<string, number>, name: string, cacheControl: string, extra: (res: express.Response) => void = () => undefined) {
  return (_req: express.Request, res: express.Response) => {
    rendered.set(name, (rendered.get(name) ?? 0) + 1)
    res.setHeader('Cache-Control', cacheControl)
    extra(res)
    res.type('html').send(`<html><script nonce="${res.locals.cspNonce}"></script><p>${name} ${rendered.get(name)}</p></html>`)
  }
}

const PUBLIC = 'public, max-age=0, s-maxage=10, stale-while-revalidate=30'

describe('the shared page cache', () => {
  it('serves a public page to visitors without cookies from memory, with the nonce of the response that serves it', async () => {
    const { base, rendered } = await start((app, r) => app.get('/shop', page(r, 'shop', PUBLIC)))
    const first = await fetch(`${base}/shop`)
    const firstBody = await first.text()
    const second = await fetch(`${base}/shop`)
    const secondBody = await second.text()
    expect(rendered.get('shop')).toBe(1)
    expect(second.headers.get('x-page-cache')).toBe('hit')
    expect(secondBody).toContain('<p>shop 1</p>')
    const nonce = /nonce-(\w+)/.exec(second.headers.get('content-security-policy')!)![1]
    expect(secondBody).toContain(`nonce="${nonce}"`)
    expect(firstBody).not.toContain(`nonce="${nonce}"`)
  })

  it('drops every page after a change shoppers must see at once (a product delisted), fresh or stale', async () => {
    const { base, rendered } = await start((app, r) => app.get('/shop', page(r, 'shop', PUBLIC)))
    await (await fetch(`${base}/shop`)).text()
    expect((await fetch(`${base}/shop`)).headers.get('x-page-cache')).toBe('hit')
    shopChanged()
    const after = await fetch(`${base}/shop`)
    expect(after.headers.get('x-page-cache')).toBeNull()
    expect(await after.text()).toContain('<p>shop 2</p>')
    expect(rendered.get('shop')).toBe(2)
    // the new copy is kept again
    expect((await fetch(`${base}/shop`)).headers.get('x-page-cache')).toBe('hit')
  })

  it('never keeps private pages, pages that set a cookie, or pages asked for with a cookie; other languages are other pages', async () => {
    const { base, rendered } = await start((app, r) => {
      app.get('/private', page(r, 'private', 'private, no-cache'))
      app.get('/cookie', page(r, 'cookie', PUBLIC, (res) => res.setHeader('Set-Cookie', 'a=1')))
      app.get('/shop', page(r, 'shop', PUBLIC))
    })
    for (let i = 0; i < 2; i++) {
      await fetch(`${base}/private`).then((response) => response.text())
      await fetch(`${base}/cookie`).then((response) => response.text())
      await fetch(`${base}/shop`, { headers: { Cookie: '__cart=abc' } }).then((response) => response.text())
    }
    expect(rendered.get('private')).toBe(2)
    expect(rendered.get('cookie')).toBe(2)
    expect(rendered.get('shop')).toBe(2)
    await fetch(`${base}/shop`, { headers: { 'Accept-Language': 'en' } }).then((response) => response.text())
    await fetch(`${base}/shop`, { headers: { 'Accept-Language': 'ru' } }).then((response) => response.text())
    await fetch(`${base}/shop`, { headers: { 'Accept-Language': 'en' } }).then((response) => response.text())
    expect(rendered.get('shop')).toBe(4)
  })

  it('renders a page once when many visitors ask for it at the same moment', async () => {
    const { base, rendered } = await start((app, r) =>
      app.get('/slow', (req, res) => {
        setTimeout(() => page(r, 'slow', PUBLIC)(req, res), 150)
      }),
    )
    const bodies = await Promise.all(Array.from({ length: 8 }, () => fetch(`${base}/slow`).then((response) => response.text())))
    expect(rendered.get('slow')).toBe(1)
    expect(new Set(bodies.map((body) => body.replace(/nonce\d+x/, '')))).toEqual(new Set([bodies[0].replace(/nonce\d+x/, '')]))
  })

  it('a page that cannot be kept is still answered to everyone who asked at once', async () => {
    const { base, rendered } = await start((app, r) => app.get('/bare', page(r, 'bare', 'no-store')))
    const statuses = await Promise.all(Array.from({ length: 6 }, () => fetch(`${base}/bare`).then((response) => response.status)))
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200])
    expect(rendered.get('bare')).toBe(6)
  })

  it('serves a stale page while it renders a fresh one in the background', async () => {
    const { base, rendered } = await start((app, r) => app.get('/brief', page(r, 'brief', 'public, s-maxage=1, stale-while-revalidate=30')))
    await fetch(`${base}/brief`).then((response) => response.text())
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const stale = await fetch(`${base}/brief`)
    expect(stale.headers.get('x-page-cache')).toBe('stale')
    expect(await stale.text()).toContain('brief 1')
    await expect.poll(() => rendered.get('brief')).toBe(2)
    await expect.poll(async () => fetch(`${base}/brief`).then((response) => response.text())).toContain('brief 2')
  })

  it('reads the shared lifetime from Cache-Control', () => {
    expect(sharedLifetime('public, max-age=0, s-maxage=10, stale-while-revalidate=30')).toEqual({ fresh: 10, stale: 30 })
    expect(sharedLifetime('public, max-age=60')).toEqual({ fresh: 60, stale: 0 })
    expect(sharedLifetime('private, max-age=60')).toBeNull()
    expect(sharedLifetime('public, no-store')).toBeNull()
    expect(sharedLifetime('no-store')).toBeNull()
    expect(sharedLifetime(undefined)).toBeNull()
  })
})
