import Stripe from 'stripe'
import { getEnv } from './env.server'

/**
 * Stripe through the official SDK, only when STRIPE_SECRET_KEY is set; without it the boutique
 * takes payment on delivery or at pickup and `getStripe()` is null. Amounts are integers in qəpik,
 * which is also Stripe's unit for AZN (two decimals), so nothing is ever converted.
 */

export type StripeConfig = {
  secretKey: string
  webhookSecret: string
  /** a local HTTP server in tests (the SDK sends every call there) */
  host?: string
  port?: number
  protocol?: 'http' | 'https'
}

let override: StripeConfig | null | undefined
let cached: { key: string; client: Stripe; config: StripeConfig } | null = null

function currentConfig(): StripeConfig | null {
  if (override !== undefined) return override
  const env = getEnv()
  if (!env.STRIPE_SECRET_KEY) return null
  return {
    secretKey: env.STRIPE_SECRET_KEY,
    webhookSecret: env.STRIPE_WEBHOOK_SECRET ?? '',
    host: env.STRIPE_API_HOST,
    port: env.STRIPE_API_PORT,
    protocol: env.STRIPE_API_PROTOCOL,
  }
}

/** Tests point the SDK at a recording server (or turn Stripe off with null); `undefined` goes back to the environment. */
export function configureStripe(config: StripeConfig | null | undefined) {
  override = config
  cached = null
}

export function stripeEnabled() {
  return currentConfig() !== null
}

export function getStripe(): { client: Stripe; config: StripeConfig } | null {
  const config = currentConfig()
  if (!config) return null
  const key = JSON.stringify(config)
  if (cached?.key !== key) {
    const client = new Stripe(config.secretKey, {
      ...(config.host ? { host: config.host, port: config.port, protocol: config.protocol ?? 'https' } : {}),
      maxNetworkRetries: 2,
      timeout: 20_000,
      appInfo: { name: 'abad-innoland-boutique' },
    })
    cached = { key, client, config }
  }
  return { client: cached.client, config: cached.config }
}

export type CheckoutLine = { name: string; unitAmount: number; quantity: number }

/**
 * A hosted Checkout Session for one order. The idempotency key is the order's own, so a retried
 * request (double click, network error) gets the same session instead of a second one.
 */
export async function createCheckoutSession(input: {
  orderId: string
  number: string
  email: string
  locale: 'az' | 'en' | 'ru'
  lines: CheckoutLine[]
  deliveryFee: number
  deliveryName: string
  successUrl: string
  cancelUrl: string
  expiresAt: Date
}) {
  const stripe = getStripe()
  if (!stripe) throw new Error('Stripe is not configured')
  const items: Stripe.Checkout.SessionCreateParams.LineItem[] = input.lines.map((line) => ({
    quantity: line.quantity,
    price_data: { currency: 'azn', unit_amount: line.unitAmount, product_data: { name: line.name } },
  }))
  if (input.deliveryFee > 0) {
    items.push({ quantity: 1, price_data: { currency: 'azn', unit_amount: input.deliveryFee, product_data: { name: input.deliveryName } } })
  }
  // Stripe accepts an expiry between 30 minutes and 24 hours from now
  const earliest = Date.now() + 31 * 60_000
  const expiresAt = Math.floor(Math.max(input.expiresAt.getTime(), earliest) / 1000)
  return stripe.client.checkout.sessions.create(
    {
      mode: 'payment',
      line_items: items,
      customer_email: input.email,
      client_reference_id: input.orderId,
      metadata: { orderId: input.orderId, number: input.number },
      payment_intent_data: { metadata: { orderId: input.orderId, number: input.number } },
      // Stripe's hosted page has no Azerbaijani: English for az and en, Russian for ru
      locale: input.locale === 'ru' ? 'ru' : 'en',
      success_url: input.successUrl,
      cancel_url: input.cancelUrl,
      expires_at: expiresAt,
    },
    { idempotencyKey: `checkout:${input.orderId}` },
  )
}

/** Closes an open session so the shopper can no longer pay an order whose stock went back to sale. */
export async function expireCheckoutSession(sessionId: string) {
  const stripe = getStripe()
  if (!stripe) return null
  return stripe.client.checkout.sessions.expire(sessionId)
}

export async function retrieveCheckoutSession(sessionId: string) {
  const stripe = getStripe()
  if (!stripe) return null
  return stripe.client.checkout.sessions.retrieve(sessionId)
}

/** A refund of a payment intent; the key makes a retried refund the same refund. */
export async function refundPayment(input: { paymentIntent: string; amount?: number; idempotencyKey: string; reason?: Stripe.RefundCreateParams.Reason }) {
  const stripe = getStripe()
  if (!stripe) throw new Error('Stripe is not configured')
  return stripe.client.refunds.create(
    { payment_intent: input.paymentIntent, ...(input.amount ? { amount: input.amount } : {}), ...(input.reason ? { reason: input.reason } : {}) },
    { idempotencyKey: input.idempotencyKey },
  )
}

export class WebhookSignatureError extends Error {}

/**
 * Verifies a webhook on the exact bytes Stripe sent (a parsed and re-serialised body would not
 * match the signature) and returns the event.
 */
export function verifyWebhook(rawBody: string, signature: string | null): Stripe.Event {
  const stripe = getStripe()
  if (!stripe || !stripe.config.webhookSecret) throw new WebhookSignatureError('webhooks are not configured')
  if (!signature) throw new WebhookSignatureError('missing Stripe-Signature header')
  try {
    return stripe.client.webhooks.constructEvent(rawBody, signature, stripe.config.webhookSecret)
  } catch (error) {
    throw new WebhookSignatureError((error as Error).message)
  }
}

export type { Stripe }
