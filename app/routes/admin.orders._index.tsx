import { type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, CheckboxField, DataTable, DateTime, EmptyState, Money, PageHeader, Pager, SelectField, StatusBadge, TextField, readPage, readSort, type Column } from '#app/components/ui/index'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { scopeFor } from '#app/utils/scope.server'
import { DELIVERY_METHODS, ORDER_STATUSES, ORDER_TONES, PAYMENT_METHODS, type DeliveryMethod, type OrderStatus, type PaymentMethod } from '#app/utils/shop'
import { DESK_SORTS, listOrders, sweepIfDue } from '#models/order.server'
import { baseUrlOf } from '#app/utils/shop.server'
import shopStyles from '#app/styles/shop.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: shopStyles }]

const PER_PAGE = 25

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  // the desk is for the people who work orders, not for shoppers reading their own
  const ability = requireAbility(user, 'update', 'Order')
  await sweepIfDue(baseUrlOf(request))
  const url = new URL(request.url)
  const pick = <T extends string>(name: string, allowed: readonly T[]) => {
    const value = url.searchParams.get(name) ?? ''
    return (allowed as readonly string[]).includes(value) ? (value as T) : undefined
  }
  const status = pick<OrderStatus>('status', ORDER_STATUSES)
  const payment = pick<PaymentMethod>('payment', PAYMENT_METHODS)
  const delivery = pick<DeliveryMethod>('delivery', DELIVERY_METHODS)
  const flagged = url.searchParams.get('flagged') === '1'
  const q = (url.searchParams.get('q') ?? '').trim().slice(0, 100)
  const sort = readSort(url.searchParams, DESK_SORTS, { key: 'placedAt', dir: 'desc' })
  const page = readPage(url.searchParams)
  const result = await listOrders({
    scope: scopeFor(ability, 'read', 'Order'),
    status,
    payment,
    delivery,
    flagged,
    q,
    page,
    perPage: PER_PAGE,
    sort: sort.key as (typeof DESK_SORTS)[number],
    dir: sort.dir === 'asc' ? 1 : -1,
  })
  return {
    filters: { status: status ?? '', payment: payment ?? '', delivery: delivery ?? '', flagged, q },
    sort,
    page,
    total: result.total,
    orders: result.items.map((order) => ({
      number: order.number,
      status: order.status as OrderStatus,
      customer: order.customer.name,
      email: order.customer.email,
      delivery: order.delivery.method,
      payment: order.payment.method,
      paymentStatus: order.payment.status,
      flag: order.payment.flag,
      items: order.lines.reduce((sum, line) => sum + line.qty, 0),
      total: order.totals.total,
      placedAt: order.placedAt ? new Date(order.placedAt).toISOString() : null,
    })),
  }
}

type Row = Awaited<ReturnType<typeof loader>>['orders'][number]

export default function OrderDeskPage() {
  const t = useT()
  const { filters, sort, page, total, orders } = useLoaderData<typeof loader>()
  const filtered = Boolean(filters.status || filters.payment || filters.delivery || filters.flagged || filters.q)
  const columns: Column<Row>[] = [
    { key: 'number', header: t('shop.desk.number'), sortable: true, rowHeader: true, cell: (row) => <Link to={`/admin/orders/${row.number}`}>{row.number}</Link> },
    { key: 'placedAt', header: t('shop.desk.placed'), sortable: true, cell: (row) => (row.placedAt ? <DateTime value={row.placedAt} /> : '—') },
    {
      key: 'customer',
      header: t('shop.desk.customer'),
      cell: (row) => (
        <>
          {row.customer}
          <br />
          <span className="muted">{row.email}</span>
        </>
      ),
    },
    { key: 'delivery', header: t('shop.desk.delivery'), cell: (row) => t(`shop.delivery.${row.delivery}`) },
    {
      key: 'payment',
      header: t('shop.desk.payment'),
      cell: (row) => (
        <>
          {t(`shop.payment.${row.payment}`)} · {t(`shop.paymentStatus.${row.paymentStatus}`)}
          {row.flag ? <StatusBadge status="flagged" label={t(`shop.flag.${row.flag}`)} tone="danger" className="desk-flag" /> : null}
        </>
      ),
    },
    { key: 'total', header: t('shop.checkout.total'), sortable: true, align: 'end', cell: (row) => <Money qepik={row.total} /> },
    { key: 'status', header: t('shop.desk.status'), cell: (row) => <StatusBadge status={row.status} label={t(`shop.status.${row.status}`)} tone={ORDER_TONES[row.status]} /> },
  ]
  return (
    <div className="stack">
      <PageHeader title={t('shop.desk.title')} description={t('shop.desk.description')} />
      <Form method="get" className="filters" role="search" aria-label={t('shop.desk.filters')}>
        <TextField name="q" type="search" label={t('shop.desk.search')} defaultValue={filters.q} hint={t('shop.desk.searchHint')} />
        <SelectField
          name="status"
          label={t('shop.desk.status')}
          defaultValue={filters.status}
          placeholder={t('shop.filter.any')}
          options={ORDER_STATUSES.map((status) => ({ value: status, label: t(`shop.status.${status}`) }))}
        />
        <SelectField name="delivery" label={t('shop.desk.delivery')} defaultValue={filters.delivery} placeholder={t('shop.filter.any')} options={DELIVERY_METHODS.map((method) => ({ value: method, label: t(`shop.delivery.${method}`) }))} />
        <SelectField name="payment" label={t('shop.desk.payment')} defaultValue={filters.payment} placeholder={t('shop.filter.any')} options={PAYMENT_METHODS.map((method) => ({ value: method, label: t(`shop.payment.${method}`) }))} />
        <CheckboxField name="flagged" value="1" label={t('shop.desk.flaggedOnly')} defaultChecked={filters.flagged} />
        <div className="filters-actions">
          <Button type="submit" variant="secondary">
            {t('shop.filter.apply')}
          </Button>
          {filtered ? <Link to="/admin/orders">{t('shop.filter.clear')}</Link> : null}
        </div>
      </Form>
      <DataTable caption={t('shop.desk.title')} hideCaption columns={columns} rows={orders} rowKey={(row) => row.number} sort={sort} empty={<EmptyState title={t('shop.desk.none')} />} />
      <Pager page={page} pageSize={PER_PAGE} total={total} />
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'shop.desk.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
