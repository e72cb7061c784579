import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { ShopNav } from '#app/components/shop/shop-parts'
import { Button, Card, DateTime, Money, PageHeader, StatusBadge, Timeline } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { abilityFor, getUser } from '#app/utils/auth.server'
import { makeT, pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { ORDER_TONES, orderSteps, type OrderStatus } from '#app/utils/shop'
import { baseUrlOf, cartCount } from '#app/utils/shop.server'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { connectDb } from '#models/db.server'
import { getOrderByNumber, startOnlinePayment, sweepIfDue, tokenMatches, type PlacedOrder } from '#models/order.server'
import type { SessionUser } from '#models/user.server'
import shopStyles from '#app/styles/shop.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: shopStyles }]

/** The shopper's own order (signed in), a guest with the mailed token, or staff who may read orders; anyone else sees "not found". */
async function orderForViewer(request: Request, number: string) {
  await connectDb()
  const url = new URL(request.url)
  const token = url.searchParams.get('token')
  const [order, user] = await Promise.all([getOrderByNumber(number), getUser(request)])
  if (!order) throw new Response('Not found', { status: 404 })
  const allowed = tokenMatches(order, token) || (user && abilityFor(user).can('read', asSubject('Order', order as unknown as Record<string, unknown>)))
  if (!allowed) throw new Response('Not found', { status: 404 })
  return { order, user: user as SessionUser | null, token: tokenMatches(order, token) ? token : null }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await connectDb()
  // an unpaid online order past its hold shows as cancelled, not as still waiting
  await sweepIfDue(baseUrlOf(request))
  const { order, user, token } = await orderForViewer(request, params.number ?? '')
  const locale = await getLocale(request)
  const t = makeT(locale)
  const now = Date.now()
  return data(
    {
      number: order.number,
      status: order.status as OrderStatus,
      placedAt: order.placedAt ? new Date(order.placedAt).toISOString() : null,
      token,
      steps: orderSteps(order.delivery.method, order.payment.method),
      reached: [...new Set(order.history.map((entry) => entry.status))],
      history: order.history.map((entry) => ({
        at: new Date(entry.at).toISOString(),
        status: entry.status,
        note: entry.note.startsWith('shop.note.') ? t(entry.note) : entry.note,
      })),
      lines: order.lines.map((line) => ({ sku: line.sku, slug: line.slug, title: pickText(line.title, locale), label: pickText(line.label, locale), qty: line.qty, unitPrice: line.unitPrice, lineTotal: line.lineTotal })),
      totals: order.totals,
      delivery: { method: order.delivery.method, address: order.delivery.address, district: order.delivery.district, note: order.delivery.note },
      payment: { method: order.payment.method, status: order.payment.status, flag: order.payment.flag },
      customer: { name: order.customer.name, email: order.customer.email, phone: order.customer.phone },
      canPay: order.status === 'awaiting_payment' && order.payment.method === 'stripe' && (!order.reservedUntil || new Date(order.reservedUntil).getTime() > now),
      reservedUntil: order.reservedUntil ? new Date(order.reservedUntil).toISOString() : null,
      justPaid: new URL(request.url).searchParams.get('paid') === '1' && order.status === 'awaiting_payment',
      cartCount: await cartCount(request),
      signedIn: Boolean(user),
    },
    // the link carries a secret: never cached, never sent on as a referrer
    { headers: { 'Cache-Control': 'private, no-store', 'Referrer-Policy': 'no-referrer' } },
  )
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { order } = await orderForViewer(request, params.number ?? '')
  const t = makeT(await getLocale(request))
  const form = await request.formData()
  if (form.get('intent') !== 'pay') throw new Response('Bad request', { status: 400 })
  const here = `${new URL(request.url).pathname}${new URL(request.url).search}`
  try {
    const url = await startOnlinePayment(order as PlacedOrder, baseUrlOf(request))
    if (url) return redirect(url)
  } catch (error) {
    console.error(`could not open the payment of ${order.number}:`, (error as Error).message)
    return redirectWithToast(here, t('shop.checkout.paymentUnavailable'), 'error')
  }
  return redirectWithToast(here, t('shop.order.cannotPay'), 'error')
}

export default function OrderPage() {
  const t = useT()
  const order = useLoaderData<typeof loader>()
  const stepIndex = Math.max(...order.steps.map((step, index) => (order.reached.includes(step) ? index : -1)))
  const ended = order.status === 'cancelled' || order.status === 'refunded'
  return (
    <div className="shop stack">
      <ShopNav cartCount={order.cartCount} signedIn={order.signedIn} />
      <PageHeader
        eyebrow={t('shop.order.eyebrow')}
        title={t('shop.order.title', { number: order.number })}
        description={order.placedAt ? <DateTime value={order.placedAt} /> : null}
        actions={<StatusBadge status={order.status} label={t(`shop.status.${order.status}`)} tone={ORDER_TONES[order.status]} />}
      />
      {order.justPaid ? (
        <p className="notice" role="status">
          {t('shop.order.confirmingPayment')}
        </p>
      ) : null}
      {order.status === 'placed' && order.history.length === 1 ? (
        <p className="notice" role="status" data-testid="order-confirmation">
          {t(order.delivery.method === 'pickup' ? 'shop.order.thanksPickup' : 'shop.order.thanksCourier', { email: order.customer.email })}
        </p>
      ) : null}
      {order.canPay ? (
        <Card title={t('shop.order.payTitle')}>
          {order.reservedUntil ? (
            <p>
              {t('shop.order.payUntil')} <DateTime value={order.reservedUntil} />
            </p>
          ) : null}
          <Form method="post">
            <input type="hidden" name="intent" value="pay" />
            <Button>{t('shop.order.payNow')}</Button>
          </Form>
        </Card>
      ) : null}
      {!ended ? (
        <ol className="order-steps" aria-label={t('shop.order.progress')}>
          {order.steps.map((step, index) => (
            <li key={step} className={index < stepIndex ? 'step-done' : index === stepIndex ? 'step-current' : 'step-next'} aria-current={index === stepIndex ? 'step' : undefined}>
              {t(`shop.status.${step}`)}
            </li>
          ))}
        </ol>
      ) : null}
      <div className="order-columns">
        <Card title={t('shop.order.items')}>
          <ul className="plain-list order-lines">
            {order.lines.map((line) => (
              <li key={line.sku}>
                {line.qty} × {line.slug ? <Link to={`/shop/${line.slug}`}>{line.title}</Link> : line.title}
                {line.label ? <span className="muted"> · {line.label}</span> : null} — <Money qepik={line.lineTotal} />
              </li>
            ))}
          </ul>
          <dl className="facts">
            <dt>{t('shop.checkout.items', { count: order.lines.reduce((sum, line) => sum + line.qty, 0) })}</dt>
            <dd>
              <Money qepik={order.totals.items} />
            </dd>
            <dt>{t(`shop.delivery.${order.delivery.method}`)}</dt>
            <dd>{order.totals.delivery ? <Money qepik={order.totals.delivery} /> : t('shop.checkout.free')}</dd>
            <dt>{t('shop.checkout.total')}</dt>
            <dd data-testid="order-total">
              <strong>
                <Money qepik={order.totals.total} />
              </strong>
            </dd>
          </dl>
        </Card>
        <Card title={t('shop.order.deliveryTitle')}>
          <p>{order.delivery.method === 'pickup' ? t('shop.checkout.pickupAt') : `${order.delivery.address}, ${t(`shop.district.${order.delivery.district}`)}`}</p>
          {order.delivery.note ? <p className="muted">{order.delivery.note}</p> : null}
          <p>
            {t(`shop.payment.${order.payment.method}`)} · {t(`shop.paymentStatus.${order.payment.status}`)}
          </p>
          <p className="muted">
            {order.customer.name} · {order.customer.phone}
          </p>
        </Card>
      </div>
      <Card title={t('shop.order.history')}>
        <Timeline items={order.history.map((entry) => ({ at: entry.at, title: t(`shop.status.${entry.status}`), note: entry.note || undefined, status: entry.status }))} />
      </Card>
      <p>
        <Link to="/shop">{t('shop.cart.continue')}</Link>
      </p>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ matches, data: loaderData }) => [
  ...pageTitle(matches, 'shop.order.title', { number: loaderData?.number ?? '' }),
  { name: 'robots', content: 'noindex' },
]

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
