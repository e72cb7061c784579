import { Card, DataTable, DateTime, EmptyState, StatusBadge, type Column } from '#app/components/ui/index'
import { useT } from '#app/utils/i18n'

export type ProductLotRow = { _id: string; code: string; sku: string; status: string; qtyAvailable: number; qtyReserved: number; bestBefore: string | null }

/** A food product's lots (what its stock is made of), for its family and for staff. */
export function ProductLotsCard({ lots }: { lots: readonly ProductLotRow[] }) {
  const t = useT()
  const columns: Column<ProductLotRow>[] = [
    { key: 'code', header: t('catalogue.lot.code'), rowHeader: true, cell: (lot) => lot.code },
    { key: 'sku', header: t('catalogue.field.sku'), cell: (lot) => lot.sku },
    { key: 'status', header: t('catalogue.field.status'), cell: (lot) => <StatusBadge status={lot.status} /> },
    { key: 'available', header: t('catalogue.lot.available'), align: 'end', cell: (lot) => lot.qtyAvailable },
    { key: 'reserved', header: t('catalogue.lot.reserved'), align: 'end', cell: (lot) => lot.qtyReserved },
    { key: 'bestBefore', header: t('catalogue.lot.bestBefore'), cell: (lot) => (lot.bestBefore ? <DateTime value={lot.bestBefore} dateOnly /> : '—') },
  ]
  return (
    <Card title={t('catalogue.lot.title')}>
      <DataTable caption={t('catalogue.lot.title')} hideCaption columns={columns} rows={lots} rowKey={(lot) => lot._id} empty={<EmptyState title={t('catalogue.lot.none')} />} />
    </Card>
  )
}
