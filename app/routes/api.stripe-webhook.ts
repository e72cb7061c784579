import type { ActionFunctionArgs } from '@remix-run/node'
import { getEnv } from '#app/utils/env.server'
import { stripeEnabled, verifyWebhook, WebhookSignatureError } from '#app/utils/stripe.server'
import { connectDb } from '#models/db.server'
import { applyStripeEvent } from '#models/order.server'

/**
 * Stripe's webhook. The signature is checked on the raw body exactly as it arrived; an event that
 * fails the check changes nothing (400). A verified event is applied once and answered 200, also
 * when it concerns no order of ours, so Stripe stops retrying it.
 */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return new Response('Method not allowed', { status: 405, headers: { Allow: 'POST' } })
  if (!stripeEnabled()) return new Response('Not found', { status: 404 })
  const raw = await request.text()
  let event
  try {
    event = verifyWebhook(raw, request.headers.get('stripe-signature'))
  } catch (error) {
    if (error instanceof WebhookSignatureError) return new Response('Invalid signature', { status: 400 })
    throw error
  }
  await connectDb()
  const result = await applyStripeEvent(event, getEnv().APP_URL ?? new URL(request.url).origin)
  return Response.json({ received: true, outcome: result.outcome }, { headers: { 'Cache-Control': 'no-store' } })
}

export async function loader() {
  return new Response('Method not allowed', { status: 405, headers: { Allow: 'POST' } })
}
