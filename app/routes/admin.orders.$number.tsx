import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, Card, CheckboxField, ConfirmDialog, DateTime, FormError, Money, PageHeader, StatusBadge, TextArea, TextField, Timeline, useFocusFirstError } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { parseWith } from '#app/utils/form.server'
import { formatMoney, makeT, pickText, useLocale, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { ORDER_TONES, type OrderStatus } from '#app/utils/shop'
import { baseUrlOf } from '#app/utils/shop.server'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { cancelOrder, deliverOrder, getOrderByNumber, markReadyForPickup, packOrder, refundOrder, shipOrder, type DeskResult } from '#models/order.server'
import { listOrderPaymentEvents } from '#models/payment-event.server'
import shopStyles from '#app/styles/shop.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: shopStyles }]

async function deskOrder(request: Request, number: string, action: 'update' | 'refund' = 'update') {
  const user = await requireUser(request)
  requireAbility(user, 'update', 'Order')
  const order = await getOrderByNumber(number)
  if (!order) throw new Response('Not found', { status: 404 })
  requireAbility(user, action, asSubject('Order', order as unknown as Record<string, unknown>))
  return { user, order }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, order } = await deskOrder(request, params.number ?? '')
  const locale = await getLocale(request)
  const t = makeT(locale)
  const events = await listOrderPaymentEvents(order._id)
  const status = order.status as OrderStatus
  return {
    number: order.number,
    status,
    placedAt: order.placedAt ? new Date(order.placedAt).toISOString() : null,
    customer: order.customer,
    delivery: order.delivery,
    payment: {
      method: order.payment.method,
      status: order.payment.status,
      flag: order.payment.flag,
      paidAt: order.payment.paidAt ? new Date(order.payment.paidAt).toISOString() : null,
      amountPaid: order.payment.amountPaid,
      providerRef: order.payment.providerRef,
      paymentIntent: order.payment.paymentIntent,
      refundRef: order.payment.refundRef,
    },
    totals: order.totals,
    reservedUntil: order.reservedUntil ? new Date(order.reservedUntil).toISOString() : null,
    packedBy: order.packedBy,
    lines: order.lines.map((line, index) => ({
      index,
      sku: line.sku,
      kind: line.kind,
      title: pickText(line.title, locale),
      label: pickText(line.label, locale),
      qty: line.qty,
      unitPrice: line.unitPrice,
      lineTotal: line.lineTotal,
      lots: line.lots.map((part) => ({ id: String(part.lotId), code: part.code, qty: part.qty })),
      picked: line.pickedLots.map((part) => ({ code: part.code, qty: part.qty })),
    })),
    history: order.history.map((entry) => ({
      at: new Date(entry.at).toISOString(),
      status: entry.status,
      byName: entry.byName,
      note: entry.note.startsWith('shop.note.') ? t(entry.note) : entry.note,
    })),
    events: events.map((event) => ({ id: event.eventId, type: event.type, outcome: event.outcome, note: event.note, at: new Date(event.receivedAt).toISOString() })),
    can: {
      pack: status === 'placed' || status === 'paid',
      ship: status === 'packed' && order.delivery.method === 'courier',
      ready: status === 'packed' && order.delivery.method === 'pickup',
      deliver: status === 'shipped' || status === 'ready_for_pickup',
      cancel: ['placed', 'awaiting_payment', 'paid', 'packed', 'ready_for_pickup'].includes(status),
      refund: ['paid', 'packed', 'shipped', 'ready_for_pickup', 'delivered'].includes(status) && order.payment.status === 'paid' && requireRefund(user),
    },
  }
}

function requireRefund(user: Awaited<ReturnType<typeof requireUser>>) {
  try {
    requireAbility(user, 'refund', 'Order')
    return true
  } catch {
    return false
  }
}

const ReasonSchema = z.object({ reason: z.string().trim().min(3, 'shop.desk.reasonRequired').max(500, 'form.tooLong') })
const ShipSchema = z.object({ note: z.string().trim().max(200, 'form.tooLong').optional().default('') })

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await request.formData()
  const intent = String(form.get('intent') ?? '')
  const { user, order } = await deskOrder(request, params.number ?? '', intent === 'refund' ? 'refund' : 'update')
  const t = makeT(await getLocale(request))
  const base = baseUrlOf(request)
  const actor = { _id: user._id, name: user.name }
  const here = `/admin/orders/${order.number}`
  let result: DeskResult
  switch (intent) {
    case 'pack':
      result = await packOrder(order, new Set(form.getAll('picked').map(String)), actor)
      break
    case 'ship': {
      const parsed = parseWith(ShipSchema, form, t)
      if (!parsed.ok) return data({ intent, errors: parsed.errors, formError: null as string | null }, { status: 400 })
      result = await shipOrder(order, actor, parsed.data.note, base)
      break
    }
    case 'ready':
      result = await markReadyForPickup(order, actor, base)
      break
    case 'deliver':
      result = await deliverOrder(order, actor, { cashReceived: form.get('cashReceived') === 'yes' }, base)
      break
    case 'cancel':
    case 'refund': {
      const parsed = parseWith(ReasonSchema, form, t)
      if (!parsed.ok) return data({ intent, errors: parsed.errors, formError: parsed.errors.reason ?? null }, { status: 400 })
      result = intent === 'cancel' ? await cancelOrder(order, actor, parsed.data.reason, base) : await refundOrder(order, actor, parsed.data.reason, base)
      break
    }
    default:
      throw new Response('Bad request', { status: 400 })
  }
  if (!result.ok) {
    const message = result.reason === 'recalled' ? t('shop.desk.refused.recalled', { lots: (result.lots ?? []).join(', ') }) : t(`shop.desk.refused.${result.reason}`)
    return data({ intent, errors: {} as Record<string, string>, formError: message }, { status: 409 })
  }
  return redirectWithToast(here, t(`shop.desk.done.${intent}`, { number: order.number }))
}

type LoaderData = Awaited<ReturnType<typeof loader>>

function PackForm({ lines, error }: { lines: LoaderData['lines']; error?: string | null }) {
  const t = useT()
  return (
    <Form method="post" className="stack" data-testid="pack-form">
      <p>{t('shop.desk.packHelp')}</p>
      {lines.map((line) => (
        <fieldset key={line.sku} className="field field-group">
          <legend className="field-label">
            {line.qty} × {line.title} {line.label ? `(${line.label})` : ''} · {line.sku}
          </legend>
          {line.lots.length ? (
            line.lots.map((lot) => (
              <CheckboxField key={lot.id} name="picked" value={`${line.index}:${lot.id}`} label={t('shop.desk.pickLot', { code: lot.code, count: lot.qty })} />
            ))
          ) : (
            <p className="muted">{t('shop.desk.noLots')}</p>
          )}
        </fieldset>
      ))}
      <FormError error={error} />
      <input type="hidden" name="intent" value="pack" />
      <Button data-testid="pack">{t('shop.desk.pack')}</Button>
    </Form>
  )
}

export default function DeskOrderPage() {
  const t = useT()
  const locale = useLocale()
  const order = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const formRef = useFocusFirstError(result?.errors, result?.formError)
  const error = (intent: string) => (result?.intent === intent ? result.formError : null)
  const payLater = order.payment.method !== 'stripe'
  return (
    <div className="stack">
      <p>
        <Link to="/admin/orders">← {t('shop.desk.title')}</Link>
      </p>
      <PageHeader
        title={t('shop.order.title', { number: order.number })}
        description={order.placedAt ? <DateTime value={order.placedAt} /> : null}
        actions={<StatusBadge status={order.status} label={t(`shop.status.${order.status}`)} tone={ORDER_TONES[order.status]} />}
      />
      {order.payment.flag ? (
        <p className="form-error" role="alert">
          {t(`shop.flag.${order.payment.flag}`)} — {t(`shop.flag.${order.payment.flag}.help`)}
        </p>
      ) : null}
      <FormError error={result && !['pack'].includes(result.intent) ? result.formError : null} />
      <div className="order-columns">
        <Card title={t('shop.desk.customer')}>
          <p>
            {order.customer.name}
            <br />
            <a href={`mailto:${order.customer.email}`}>{order.customer.email}</a> · <a href={`tel:${order.customer.phone.replace(/\s/g, '')}`}>{order.customer.phone}</a>
          </p>
          <p>
            <strong>{t(`shop.delivery.${order.delivery.method}`)}</strong>
            {order.delivery.method === 'courier' ? ` — ${order.delivery.address}, ${t(`shop.district.${order.delivery.district}`)}` : null}
          </p>
          {order.delivery.note ? <p className="muted">{order.delivery.note}</p> : null}
        </Card>
        <Card title={t('shop.desk.payment')}>
          <p>
            {t(`shop.payment.${order.payment.method}`)} · <strong>{t(`shop.paymentStatus.${order.payment.status}`)}</strong>
          </p>
          {order.payment.paidAt ? (
            <p>
              <Money qepik={order.payment.amountPaid} /> · <DateTime value={order.payment.paidAt} />
            </p>
          ) : null}
          {order.reservedUntil ? (
            <p className="muted">
              {t('shop.desk.heldUntil')} <DateTime value={order.reservedUntil} />
            </p>
          ) : null}
          {order.payment.providerRef ? <p className="muted mono">{order.payment.providerRef}</p> : null}
          {order.payment.paymentIntent ? <p className="muted mono">{order.payment.paymentIntent}</p> : null}
          {order.payment.refundRef ? <p className="muted mono">{order.payment.refundRef}</p> : null}
        </Card>
      </div>
      <Card title={t('shop.order.items')}>
        <table className="review-table" data-testid="desk-lines">
          <caption className="visually-hidden">{t('shop.order.items')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('shop.checkout.item')}</th>
              <th scope="col">{t('shop.desk.lots')}</th>
              <th scope="col" className="align-end">
                {t('shop.checkout.lineTotal')}
              </th>
            </tr>
          </thead>
          <tbody>
            {order.lines.map((line) => (
              <tr key={line.sku}>
                <th scope="row">
                  {line.qty} × {line.title} {line.label ? <span className="muted">({line.label})</span> : null}
                  <br />
                  <span className="muted mono">{line.sku}</span>
                </th>
                <td>
                  {line.lots.length ? (
                    <ul className="plain-list">
                      {line.lots.map((lot) => (
                        <li key={lot.id}>
                          <Link to={`/admin/lots/${lot.code}`} className="mono" data-testid="desk-lot">
                            {lot.code}
                          </Link>{' '}
                          × {lot.qty}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    t('shop.desk.noLots')
                  )}
                  {line.picked.length ? <p className="muted">{t('shop.desk.pickedBy', { name: order.packedBy })}</p> : null}
                </td>
                <td className="align-end">
                  <Money qepik={line.lineTotal} />
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>
                {t(`shop.delivery.${order.delivery.method}`)}
              </th>
              <td className="align-end">
                <Money qepik={order.totals.delivery} />
              </td>
            </tr>
            <tr className="review-total">
              <th scope="row" colSpan={2}>
                {t('shop.checkout.total')}
              </th>
              <td className="align-end">
                <Money qepik={order.totals.total} />
              </td>
            </tr>
          </tfoot>
        </table>
      </Card>
      <Card title={t('shop.desk.next')}>
        <div className="stack desk-actions">
          {order.can.pack ? <PackForm lines={order.lines} error={error('pack')} /> : null}
          {order.can.ship ? (
            <Form method="post" className="stack" ref={result?.intent === 'ship' ? formRef : undefined}>
              <TextField name="note" label={t('shop.desk.shipNote')} hint={t('shop.desk.shipNoteHint')} error={result?.intent === 'ship' ? result.errors?.note : undefined} />
              <input type="hidden" name="intent" value="ship" />
              <Button data-testid="ship">{t('shop.desk.ship')}</Button>
            </Form>
          ) : null}
          {order.can.ready ? (
            <Form method="post">
              <input type="hidden" name="intent" value="ready" />
              <Button data-testid="ready">{t('shop.desk.ready')}</Button>
            </Form>
          ) : null}
          {order.can.deliver ? (
            <Form method="post" className="stack">
              {payLater ? <CheckboxField name="cashReceived" value="yes" label={t('shop.desk.cashReceived', { total: formatMoney(order.totals.total, locale) })} hint={t('shop.desk.cashReceivedHint')} /> : null}
              <input type="hidden" name="intent" value="deliver" />
              <Button data-testid="deliver">{order.delivery.method === 'pickup' ? t('shop.desk.handOver') : t('shop.desk.delivered')}</Button>
            </Form>
          ) : null}
          {!order.can.pack && !order.can.ship && !order.can.ready && !order.can.deliver ? <p className="muted">{t('shop.desk.nothingToDo')}</p> : null}
          <div className="row">
            {order.can.cancel ? (
              <ConfirmDialog label={t('shop.desk.cancel')} message={t('shop.desk.cancelConfirm')} name="intent" value="cancel">
                <TextArea name="reason" label={t('shop.desk.reason')} rows={2} required />
              </ConfirmDialog>
            ) : null}
            {order.can.refund ? (
              <ConfirmDialog label={t('shop.desk.refund')} message={order.payment.method === 'stripe' ? t('shop.desk.refundStripe') : t('shop.desk.refundCash')} name="intent" value="refund" variant="secondary">
                <TextArea name="reason" label={t('shop.desk.reason')} rows={2} required />
              </ConfirmDialog>
            ) : null}
          </div>
        </div>
      </Card>
      <Card title={t('shop.order.history')}>
        <Timeline items={order.history.map((entry) => ({ at: entry.at, title: t(`shop.status.${entry.status}`), actor: entry.byName || undefined, note: entry.note || undefined, status: entry.status }))} />
      </Card>
      {order.events.length ? (
        <Card title={t('shop.desk.events')}>
          <ul className="plain-list">
            {order.events.map((event) => (
              <li key={event.id}>
                <DateTime value={event.at} /> · <span className="mono">{event.type}</span> · {t(`shop.event.${event.outcome}`)}
                {event.note ? <span className="muted"> · {event.note}</span> : null}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ matches, data: loaderData }) => pageTitle(matches, 'shop.order.title', { number: loaderData?.number ?? '' })

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
