import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { ShopNav } from '#app/components/shop/shop-parts'
import { ButtonLink, DataTable, DateTime, EmptyState, Money, PageHeader, StatusBadge, type Column } from '#app/components/ui/index'
import { requireUser } from '#app/utils/auth.server'
import { useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { ORDER_TONES, type OrderStatus } from '#app/utils/shop'
import { cartCount } from '#app/utils/shop.server'
import { listCustomerOrders } from '#models/order.server'
import shopStyles from '#app/styles/shop.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: shopStyles }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const orders = await listCustomerOrders(user._id)
  return data(
    {
      cartCount: await cartCount(request),
      orders: orders.map((order) => ({
        number: order.number,
        status: order.status as OrderStatus,
        total: order.totals.total,
        items: order.lines.reduce((sum, line) => sum + line.qty, 0),
        placedAt: order.placedAt ? new Date(order.placedAt).toISOString() : null,
      })),
    },
    { headers: { 'Cache-Control': 'private, no-store' } },
  )
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>['orders'][number]

export default function MyOrdersPage() {
  const t = useT()
  const { orders, cartCount } = useLoaderData<typeof loader>()
  const columns: Column<Row>[] = [
    { key: 'number', header: t('shop.desk.number'), rowHeader: true, cell: (row) => <Link to={`/orders/${row.number}`}>{row.number}</Link> },
    { key: 'placedAt', header: t('shop.desk.placed'), cell: (row) => (row.placedAt ? <DateTime value={row.placedAt} /> : '—') },
    { key: 'items', header: t('shop.desk.items'), align: 'end', cell: (row) => row.items },
    { key: 'total', header: t('shop.checkout.total'), align: 'end', cell: (row) => <Money qepik={row.total} /> },
    { key: 'status', header: t('shop.desk.status'), cell: (row) => <StatusBadge status={row.status} label={t(`shop.status.${row.status}`)} tone={ORDER_TONES[row.status]} /> },
  ]
  return (
    <div className="shop stack">
      <ShopNav cartCount={cartCount} signedIn />
      <PageHeader title={t('shop.myOrders.title')} />
      <DataTable
        caption={t('shop.myOrders.title')}
        hideCaption
        columns={columns}
        rows={orders}
        rowKey={(row) => row.number}
        empty={<EmptyState title={t('shop.myOrders.none')} action={<ButtonLink to="/shop">{t('shop.nav.shop')}</ButtonLink>} />}
      />
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'shop.myOrders.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
