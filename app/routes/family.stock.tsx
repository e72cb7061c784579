import { type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { ButtonLink, Card, DataTable, DateTime, EmptyState, PageHeader, StatusBadge, type Column } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { formatNumber, pickText, useLocale, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import factoryStyles from '#app/styles/factory.css'
import { listFamilyBatches } from '#models/batch.server'
import { effectiveLotStatus, listFamilyStock } from '#models/lot.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: factoryStyles }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  if (!user.roles.includes('family') || !user.familyId) throw new Response('Forbidden', { status: 403 })
  // the same rule that scopes every lot query: a family reads its own lots
  requireAbility(user, 'read', asSubject('Lot', { familyId: user.familyId }))
  const locale = await getLocale(request)
  const now = new Date()
  const [{ lots, products }, batches] = await Promise.all([listFamilyStock(user.familyId, now), listFamilyBatches(user.familyId)])
  return {
    products: products.map((p) => ({ sku: p.sku, name: pickText(p.productName, locale), unit: p.unit, available: p.available, reserved: p.reserved, sold: p.sold, lots: p.lots })),
    lots: lots.map((lot) => ({
      code: lot.code,
      product: pickText(lot.productName, locale),
      unit: lot.unit,
      producedOn: lot.producedOn,
      bestBefore: lot.bestBefore,
      available: lot.qtyAvailable,
      reserved: lot.qtyReserved,
      sold: lot.qtySold,
      status: effectiveLotStatus(lot, now),
    })),
    pending: batches.filter((b) => b.status === 'recorded').map((b) => ({ id: String(b._id), code: b.lotCode ?? '', product: pickText(b.productName, locale), qty: b.qty, unit: b.unit, producedOn: b.producedOn })),
  }
}

type ProductRow = Awaited<ReturnType<typeof loader>>['products'][number]
type LotRow = Awaited<ReturnType<typeof loader>>['lots'][number]

export default function FamilyStockPage() {
  const t = useT()
  const locale = useLocale()
  const page = useLoaderData<typeof loader>()
  const qty = (value: number, unit: string) => `${formatNumber(value, locale)} ${t(`unit.${unit}`)}`
  const productColumns: Column<ProductRow>[] = [
    { key: 'name', header: t('stock.col.product'), rowHeader: true, cell: (p) => `${p.name} (${p.sku})` },
    { key: 'available', header: t('stock.col.available'), align: 'end', cell: (p) => qty(p.available, p.unit) },
    { key: 'reserved', header: t('stock.col.reserved'), align: 'end', cell: (p) => formatNumber(p.reserved, locale) },
    { key: 'sold', header: t('stock.col.sold'), align: 'end', cell: (p) => formatNumber(p.sold, locale) },
    { key: 'lots', header: t('stock.col.lots'), align: 'end', cell: (p) => formatNumber(p.lots, locale) },
  ]
  const lotColumns: Column<LotRow>[] = [
    { key: 'code', header: t('lots.col.code'), rowHeader: true, cell: (lot) => <span className="mono">{lot.code}</span> },
    { key: 'product', header: t('lots.col.product'), cell: (lot) => lot.product },
    { key: 'producedOn', header: t('lots.col.producedOn'), cell: (lot) => <DateTime value={lot.producedOn} dateOnly /> },
    { key: 'bestBefore', header: t('lots.col.bestBefore'), cell: (lot) => (lot.bestBefore ? <DateTime value={lot.bestBefore} dateOnly /> : t('lots.noBestBefore')) },
    { key: 'available', header: t('lots.col.available'), align: 'end', cell: (lot) => qty(lot.available, lot.unit) },
    { key: 'sold', header: t('lots.col.sold'), align: 'end', cell: (lot) => formatNumber(lot.sold, locale) },
    { key: 'status', header: t('lots.col.status'), cell: (lot) => <StatusBadge status={lot.status} /> },
  ]
  const empty = page.lots.length === 0 && page.pending.length === 0
  return (
    <div className="stack factory">
      <PageHeader title={t('stock.title')} description={t('stock.description')} />
      {empty ? (
        <EmptyState title={t('stock.empty')} action={<ButtonLink to="/family/shifts">{t('stock.bookShift')}</ButtonLink>} />
      ) : (
        <>
          {page.products.length ? (
            <Card title={t('stock.products')}>
              <DataTable caption={t('stock.products')} hideCaption columns={productColumns} rows={page.products} rowKey={(p) => p.sku} />
            </Card>
          ) : null}
          {page.pending.length ? (
            <Card title={t('stock.batches')}>
              <ul className="plain-list">
                {page.pending.map((b) => (
                  <li key={b.id}>
                    <span className="mono">{b.code}</span> · {b.product} · {qty(b.qty, b.unit)} · <DateTime value={b.producedOn} dateOnly /> <StatusBadge status="recorded" />
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
          <Card title={t('stock.lots')}>
            <div data-testid="family-lots">
              <DataTable caption={t('stock.lots')} hideCaption columns={lotColumns} rows={page.lots} rowKey={(lot) => lot.code} />
            </div>
          </Card>
        </>
      )}
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'stock.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
