import type { NextFunction, Request, Response } from 'express'
import { shopGeneration } from '../../models/shop-changes'

/**
 * A shared cache in front of the app, as a CDN or nginx "microcache" would be: it keeps the pages
 * a route declared `Cache-Control: public` (only ever sent to visitors without cookies) for their
 * `s-maxage` (a few seconds), per URL and Accept-Language, and serves them without running the
 * app. Stale pages are served for `stale-while-revalidate` seconds while one background request
 * renders a fresh copy. Anything with a cookie, a Set-Cookie, an Authorization header or another
 * method than GET/HEAD goes straight to the app.
 *
 * Every page carries the CSP nonce of the response it was rendered for; a cached page gets the
 * nonce of the response that serves it, so each response still has its own.
 *
 * A change shoppers must see at once (a product delisted, a lot recalled: models/shop-changes.ts)
 * starts a new generation; pages of an older one are neither served nor served stale.
 */

type Entry = { status: number; headers: [string, string][]; body: Buffer; nonce: string; storedAt: number; freshFor: number; staleFor: number; generation: number }

const CACHEABLE_TYPES = /^(text\/html|application\/xml|text\/plain)\b/
const MAX_BODY = 512 * 1024
const MAX_ENTRIES = 500
const MAX_SECONDS = 300
/** Headers the app sets per response, never replayed from the cache. */
const PER_RESPONSE = new Set(['content-security-policy', 'date', 'connection', 'keep-alive', 'transfer-encoding', 'set-cookie', 'content-length', 'x-page-cache'])
const BYPASS = 'x-page-cache-refresh'

function seconds(cacheControl: string, name: string) {
  const match = new RegExp(`(?:^|,)\\s*${name}=(\\d+)`).exec(cacheControl)
  return match ? Math.min(Number(match[1]), MAX_SECONDS) : null
}

/** How long a shared cache may keep this response, from its own Cache-Control; null: not at all. */
export function sharedLifetime(cacheControl: string | null | undefined) {
  const value = (cacheControl ?? '').toLowerCase()
  if (!/(?:^|,)\s*public\s*(?:,|$)/.test(value) || /(?:^|,)\s*(private|no-store|no-cache)\b/.test(value)) return null
  const fresh = seconds(value, 's-maxage') ?? seconds(value, 'max-age')
  if (!fresh) return null
  return { fresh, stale: seconds(value, 'stale-while-revalidate') ?? 0 }
}

export function createPageCache({ enabled = process.env.PAGE_CACHE !== '0' } = {}) {
  const entries = new Map<string, Entry>()
  const refreshing = new Set<string>()
  /** keys being rendered now: later requests for the same page wait for that render instead of starting their own */
  const inflight = new Map<string, Promise<void>>()
  const stats = { hits: 0, stale: 0, misses: 0, stored: 0 }

  const keyOf = (req: Request) => `${req.originalUrl}\n${req.headers['accept-language'] ?? ''}`

  function remember(key: string, entry: Entry) {
    entries.delete(key)
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string)
    entries.set(key, entry)
    stats.stored += 1
  }

  function replay(entry: Entry, req: Request, res: Response, state: 'hit' | 'stale') {
    const nonce = String(res.locals.cspNonce ?? '')
    const body = entry.nonce && nonce ? Buffer.from(entry.body.toString('utf8').replaceAll(entry.nonce, nonce), 'utf8') : entry.body
    res.status(entry.status)
    for (const [name, value] of entry.headers) res.setHeader(name, value)
    res.setHeader('Age', String(Math.floor((Date.now() - entry.storedAt) / 1000)))
    res.setHeader('X-Page-Cache', state)
    res.setHeader('Content-Length', String(body.byteLength))
    res.end(req.method === 'HEAD' ? undefined : body)
  }

  /** Renders a fresh copy in the background through the app itself (a request with no cookies). */
  function revalidate(key: string, req: Request) {
    if (refreshing.has(key)) return
    refreshing.add(key)
    // loopback, whatever interface the visitor came in on: only loopback may ask for a fresh copy
    const url = `http://127.0.0.1:${req.socket.localPort}${req.originalUrl}`
    const headers: Record<string, string> = { [BYPASS]: '1', host: String(req.headers.host ?? '') }
    if (req.headers['accept-language']) headers['accept-language'] = String(req.headers['accept-language'])
    fetch(url, { headers })
      .then((response) => response.arrayBuffer())
      .catch(() => undefined)
      .finally(() => refreshing.delete(key))
  }

  function middleware(req: Request, res: Response, next: NextFunction) {
    if (!enabled || (req.method !== 'GET' && req.method !== 'HEAD') || req.headers.cookie || req.headers.authorization) return next()
    const key = keyOf(req)
    const refresh = req.headers[BYPASS] === '1' && (req.socket.remoteAddress === '127.0.0.1' || req.socket.remoteAddress === '::1' || req.socket.remoteAddress === '::ffff:127.0.0.1')
    const found = refresh ? undefined : entries.get(key)
    const entry = found && found.generation === shopGeneration() ? found : undefined
    if (entry) {
      const age = Date.now() - entry.storedAt
      if (age < entry.freshFor) {
        stats.hits += 1
        return replay(entry, req, res, 'hit')
      }
      if (age < entry.freshFor + entry.staleFor) {
        stats.stale += 1
        revalidate(key, req)
        return replay(entry, req, res, 'stale')
      }
    }
    if (req.method === 'HEAD') return next()
    const rendering = refresh ? undefined : inflight.get(key)
    if (rendering) {
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref())
      void Promise.race([rendering, timeout]).then(() => {
        const stored = entries.get(key)
        if (stored && stored.generation === shopGeneration() && Date.now() - stored.storedAt < stored.freshFor + stored.staleFor) {
          stats.hits += 1
          replay(stored, req, res, 'hit')
        } else {
          stats.misses += 1
          next()
        }
      })
      return
    }
    stats.misses += 1
    // the visitor may have gone while earlier middleware waited (its 'close' is past): nothing to render for
    if (req.destroyed || res.destroyed) return next()
    // taken before rendering: a change during the render leaves the page already out of date
    const generation = shopGeneration()
    let done!: () => void
    const mine = new Promise<void>((resolve) => {
      done = resolve
    })
    inflight.set(key, mine)
    const settle = () => {
      if (inflight.get(key) === mine) inflight.delete(key)
      done()
    }
    res.once('close', settle)
    // however the response ends, later visitors never wait on it for long
    setTimeout(settle, 15_000).unref()
    const chunks: Buffer[] = []
    let size = 0
    let tooBig = false
    const write = res.write.bind(res) as (...args: unknown[]) => boolean
    const end = res.end.bind(res) as (...args: unknown[]) => Response
    const collect = (chunk: unknown, encoding?: unknown) => {
      if (!chunk || tooBig || typeof chunk === 'function') return
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
      size += buffer.byteLength
      if (size > MAX_BODY) tooBig = true
      else chunks.push(buffer)
    }
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      collect(chunk, rest[0])
      return write(chunk, ...rest)
    }) as typeof res.write
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      collect(chunk, rest[0])
      return end(chunk, ...rest)
    }) as typeof res.end
    res.once('finish', () => {
      if (tooBig || res.statusCode !== 200 || res.getHeader('set-cookie')) return
      const lifetime = sharedLifetime(res.getHeader('cache-control') as string | undefined)
      if (!lifetime || !CACHEABLE_TYPES.test(String(res.getHeader('content-type') ?? ''))) return
      const vary = String(res.getHeader('vary') ?? '').toLowerCase()
      if (vary.includes('*') || vary.includes('authorization')) return
      const headers = Object.entries(res.getHeaders())
        .filter(([name]) => !PER_RESPONSE.has(name.toLowerCase()))
        .map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)] as [string, string])
      remember(key, {
        status: 200,
        headers,
        body: Buffer.concat(chunks),
        nonce: String(res.locals.cspNonce ?? ''),
        storedAt: Date.now(),
        freshFor: lifetime.fresh * 1000,
        staleFor: lifetime.stale * 1000,
        generation,
      })
    })
    next()
  }

  return { middleware, stats, clear: () => entries.clear() }
}
