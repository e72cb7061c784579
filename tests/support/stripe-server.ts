import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { configureStripe } from '#app/utils/stripe.server'

export type RecordedRequest = { method: string; path: string; headers: http.IncomingHttpHeaders; form: URLSearchParams }

/**
 * A stand-in for api.stripe.com at the HTTP boundary: the real SDK sends its requests here, the
 * test reads exactly what would have gone to Stripe. Answers the few calls the boutique makes.
 */
export async function startStripeServer({ webhookSecret = 'whsec_test_secret' } = {}) {
  const requests: RecordedRequest[] = []
  let sessions = 0
  let refunds = 0
  let failRefunds = false
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]
      requests.push({ method: req.method ?? '', path, headers: req.headers, form: new URLSearchParams(body) })
      res.setHeader('Content-Type', 'application/json')
      const reply = (status: number, payload: unknown) => {
        res.statusCode = status
        res.end(JSON.stringify(payload))
      }
      if (req.method === 'POST' && path === '/v1/checkout/sessions') {
        sessions += 1
        const id = `cs_test_${sessions}`
        return reply(200, { id, object: 'checkout.session', status: 'open', url: `https://checkout.stripe.com/c/pay/${id}` })
      }
      const expire = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path)
      if (req.method === 'POST' && expire) return reply(200, { id: expire[1], object: 'checkout.session', status: 'expired' })
      if (req.method === 'POST' && path === '/v1/refunds') {
        if (failRefunds) return reply(400, { error: { type: 'invalid_request_error', message: 'This charge has already been refunded.' } })
        refunds += 1
        return reply(200, { id: `re_test_${refunds}`, object: 'refund', status: 'succeeded', amount: Number(new URLSearchParams(body).get('amount') ?? 0) })
      }
      reply(404, { error: { type: 'invalid_request_error', message: `no route ${path}` } })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const configure = () => configureStripe({ secretKey: 'sk_test_local', webhookSecret, host: '127.0.0.1', port, protocol: 'http' })
  configure()
  return {
    /** points the SDK at this server again (after a test turned Stripe off) */
    configure,
    requests,
    webhookSecret,
    calls: (path: string | RegExp) => requests.filter((request) => (typeof path === 'string' ? request.path === path : path.test(request.path))),
    failRefunds(value: boolean) {
      failRefunds = value
    },
    async stop() {
      configureStripe(undefined)
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export type StripeServer = Awaited<ReturnType<typeof startStripeServer>>
