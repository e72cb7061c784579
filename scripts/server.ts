import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { createRequestHandler } from '@remix-run/express'
import type { ServerBuild } from '@remix-run/node'
import express from 'express'
import { createPageCache } from './lib/page-cache'

const BUILD_PATH = path.resolve('build/index.js')

/** Headers every response carries; the nonce lets Remix's own inline scripts run under the CSP. */
function securityHeaders(req: express.Request, res: express.Response, next: express.NextFunction) {
  const nonce = crypto.randomBytes(16).toString('base64')
  res.locals.cspNonce = nonce
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob: https://res.cloudinary.com",
      "connect-src 'self'",
      "font-src 'self'",
      "form-action 'self' https://checkout.stripe.com",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "object-src 'none'",
    ].join('; '),
  )
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()')
  next()
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * A state-changing request whose Origin is another site is refused (cross-site request forgery);
 * the webhook has no Origin and is authenticated by its signature instead.
 */
function sameOriginWrites(req: express.Request, res: express.Response, next: express.NextFunction) {
  const origin = req.headers.origin
  if (SAFE_METHODS.has(req.method) || !origin) return next()
  let originHost: string | null = null
  try {
    originHost = new URL(origin).host
  } catch {
    originHost = null
  }
  if (originHost && originHost === req.headers.host) return next()
  res.status(403).type('text/plain; charset=utf-8').send('403 — Sorğu başqa saytdan gəldiyi üçün rədd edildi. / The request came from another site and was refused.')
}

export async function createApp({ mode }: { mode: 'development' | 'production' }) {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', process.env.TRUST_PROXY === '1')
  app.use(securityHeaders)
  app.use(sameOriginWrites)
  app.use((req, _res, next) => {
    // the client address as this server sees it; a client cannot choose it
    req.headers['x-client-ip'] = req.ip ?? req.socket.remoteAddress ?? 'unknown'
    next()
  })
  app.use('/build', express.static('public/build', { immutable: true, maxAge: '1y' }))
  app.use(express.static('public', { maxAge: '1h' }))

  let build: ServerBuild | null = null
  let builtAt = 0
  const loadBuild = async (): Promise<ServerBuild> => {
    if (mode === 'production' && build) return build
    const mtime = fs.statSync(BUILD_PATH).mtimeMs
    if (!build || mtime !== builtAt) {
      build = (await import(`${pathToFileURL(BUILD_PATH).href}?t=${mtime}`)) as ServerBuild
      builtAt = mtime
    }
    return build
  }
  await loadBuild()
  // public storefront pages for visitors without cookies, kept a few seconds (their own Cache-Control)
  if (mode === 'production') app.use(createPageCache().middleware)
  app.all(
    '*',
    createRequestHandler({
      build: mode === 'production' ? build! : loadBuild,
      mode,
      getLoadContext: (_req, res) => ({ cspNonce: String(res.locals.cspNonce) }),
    }),
  )
  return app
}

export function listen(app: express.Express, port: number, host: string) {
  return new Promise<import('node:http').Server>((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server))
    server.once('error', reject)
  })
}
