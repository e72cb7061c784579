import { type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, DataTable, DateTime, EmptyState, PageHeader, Pager, SelectField, StatusBadge, TextField, readPage, readSort, type Column } from '#app/components/ui/index'
import { hasRole, requireAbility, requireUser } from '#app/utils/auth.server'
import { formatNumber, pickText, useLocale, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { scopeFor } from '#app/utils/scope.server'
import { getLocale } from '#app/utils/session.server'
import factoryStyles from '#app/styles/factory.css'
import { LOT_SORTS, LOT_STATUSES, type LotStatus } from '#models/factory-rules'
import { effectiveLotStatus, listLots } from '#models/lot.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: factoryStyles }]

const PER_PAGE = 25
const STAFF = ['technician', 'sales_manager', 'admin'] as const

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  if (!hasRole(user, ...STAFF)) throw new Response('Forbidden', { status: 403 })
  const ability = requireAbility(user, 'read', 'Lot')
  const locale = await getLocale(request)
  const url = new URL(request.url)
  const q = (url.searchParams.get('q') ?? '').trim().slice(0, 40)
  const statusParam = url.searchParams.get('status') ?? ''
  const status = (LOT_STATUSES as readonly string[]).includes(statusParam) ? (statusParam as LotStatus) : undefined
  const sort = readSort(url.searchParams, LOT_SORTS, { key: 'producedOn', dir: 'desc' })
  const page = readPage(url.searchParams)
  const result = await listLots({ scope: scopeFor(ability, 'read', 'Lot'), q: q || undefined, status, sort: sort.key as (typeof LOT_SORTS)[number], dir: sort.dir === 'asc' ? 1 : -1, page, perPage: PER_PAGE })
  const now = new Date()
  return {
    filters: { q, status: status ?? '' },
    sort,
    page,
    total: result.total,
    lots: result.items.map((lot) => ({
      code: lot.code,
      product: pickText(lot.productName, locale),
      sku: lot.sku,
      unit: lot.unit,
      producedOn: lot.producedOn,
      bestBefore: lot.bestBefore,
      available: lot.qtyAvailable,
      reserved: lot.qtyReserved,
      sold: lot.qtySold,
      status: effectiveLotStatus(lot, now),
    })),
  }
}

type Row = Awaited<ReturnType<typeof loader>>['lots'][number]

export default function LotsPage() {
  const t = useT()
  const locale = useLocale()
  const page = useLoaderData<typeof loader>()
  const columns: Column<Row>[] = [
    { key: 'code', header: t('lots.col.code'), sortable: true, rowHeader: true, cell: (lot) => <Link to={`/admin/lots/${lot.code}`}>{lot.code}</Link> },
    { key: 'product', header: t('lots.col.product'), cell: (lot) => `${lot.product} (${lot.sku})` },
    { key: 'producedOn', header: t('lots.col.producedOn'), sortable: true, cell: (lot) => <DateTime value={lot.producedOn} dateOnly /> },
    { key: 'bestBefore', header: t('lots.col.bestBefore'), sortable: true, cell: (lot) => (lot.bestBefore ? <DateTime value={lot.bestBefore} dateOnly /> : t('lots.noBestBefore')) },
    { key: 'qtyAvailable', header: t('lots.col.available'), sortable: true, align: 'end', cell: (lot) => `${formatNumber(lot.available, locale)} ${t(`unit.${lot.unit}`)}` },
    { key: 'reserved', header: t('lots.col.reserved'), align: 'end', cell: (lot) => formatNumber(lot.reserved, locale) },
    { key: 'sold', header: t('lots.col.sold'), align: 'end', cell: (lot) => formatNumber(lot.sold, locale) },
    { key: 'status', header: t('lots.col.status'), cell: (lot) => <StatusBadge status={lot.status} /> },
  ]
  return (
    <div className="stack factory">
      <PageHeader title={t('lots.title')} description={t('lots.description')} />
      <Form method="get" className="row filter-bar" role="search">
        <TextField name="q" label={t('lots.search')} defaultValue={page.filters.q} />
        <SelectField
          name="status"
          label={t('lots.status')}
          defaultValue={page.filters.status}
          placeholder={t('lots.anyStatus')}
          options={LOT_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
        />
        <Button type="submit" variant="secondary" size="small">
          {t('lots.filter')}
        </Button>
      </Form>
      <DataTable caption={t('lots.caption')} hideCaption columns={columns} rows={page.lots} rowKey={(lot) => lot.code} sort={page.sort} empty={<EmptyState title={t('lots.empty')} />} />
      <Pager page={page.page} pageSize={PER_PAGE} total={page.total} />
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'lots.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
