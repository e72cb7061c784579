import type { LoaderFunctionArgs } from '@remix-run/node'
import { asSubject } from '#app/utils/abilities'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { formatDate, makeT } from '#app/utils/i18n'
import { getLocale } from '#app/utils/session.server'
import { getLotByCode, listLotRecipients, toCsv } from '#models/lot.server'

/** Every order that received the lot, for the recall letters and calls: a spreadsheet in UTF-8. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const lot = await getLotByCode((params.code ?? '').toUpperCase())
  if (!lot) throw new Response('Not found', { status: 404 })
  requireAbility(user, 'recall', asSubject('Lot', { ...lot }))
  const locale = await getLocale(request)
  const t = makeT(locale)
  const rows = await listLotRecipients(lot._id)
  const csv = toCsv(
    [t('lot.recipient.order'), t('lot.recipient.date'), t('lot.recipient.channel'), t('lot.recipient.status'), t('lot.recipient.customer'), t('lot.recipient.email'), t('lot.recipient.phone'), t('lot.recipient.qty'), t('label.lot')],
    rows.map((r) => [r.number || r.orderId, r.placedAt ? formatDate(r.placedAt, locale, { year: 'numeric', month: '2-digit', day: '2-digit' }) : '', r.channel, r.status, r.retailerName || r.customerName, r.customerEmail, r.customerPhone, r.qty, lot.code]),
  )
  // the byte-order mark makes spreadsheet programs read the Azerbaijani letters as UTF-8
  return new Response(`\uFEFF${csv}`, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="recipients-${lot.code}.csv"`,
      'Cache-Control': 'no-store',
    },
  })
}
