import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { QcRecord } from '#app/components/factory/qc-record'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, ButtonLink, Card, ConfirmDialog, DataTable, DateTime, EmptyState, FormError, PageHeader, StatusBadge, TextArea, TextField, useFocusFirstError, type Column } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { abilityFor, hasRole, requireAbility, requireUser } from '#app/utils/auth.server'
import { factoryRefusal } from '#app/utils/factory-messages'
import { parseWith } from '#app/utils/form.server'
import { imageUrl } from '#app/utils/images.server'
import { formatDateTime, formatNumber, makeT, pickText, useLocale, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import factoryStyles from '#app/styles/factory.css'
import { getBatch } from '#models/batch.server'
import { familyNameOf, getShiftContext, personNameOf } from '#models/factory.server'
import { effectiveLotStatus, getLotByCode, listLotMovements, listLotRecipients, recallLot, writeOffLot } from '#models/lot.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: factoryStyles }]

const STAFF = ['technician', 'sales_manager', 'admin'] as const

async function loadLot(request: Request, code: string) {
  const user = await requireUser(request)
  if (!hasRole(user, ...STAFF)) throw new Response('Forbidden', { status: 403 })
  const lot = await getLotByCode(code.toUpperCase())
  if (!lot) throw new Response('Not found', { status: 404 })
  requireAbility(user, 'read', asSubject('Lot', { ...lot }))
  return { user, lot }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, lot } = await loadLot(request, params.code ?? '')
  const locale = await getLocale(request)
  const t = makeT(locale)
  const ability = abilityFor(user)
  const mayRecall = ability.can('recall', asSubject('Lot', { ...lot }))
  const mayWriteOff = ability.can('update', asSubject('Lot', { ...lot }))
  const batch = await getBatch(lot.batchId)
  const [family, context, movements, recipients, technician] = await Promise.all([
    familyNameOf(lot.familyId),
    batch ? getShiftContext(batch.bookingId) : null,
    listLotMovements(lot._id),
    // staff see which orders received it; who bought it (names, mails, phones) is for the people who run recalls
    mayRecall || !hasRole(user, 'family') ? listLotRecipients(lot._id) : [],
    personNameOf(batch?.technicianId),
  ])
  const orderNumber = new Map(recipients.map((r) => [r.orderId, r.number]))
  const now = new Date()
  return {
    code: lot.code,
    status: effectiveLotStatus(lot, now),
    product: pickText(lot.productName, locale),
    sku: lot.sku,
    unit: t(`unit.${lot.unit}`),
    producedOn: lot.producedOn,
    bestBefore: lot.bestBefore,
    qty: { produced: lot.qtyProduced, available: lot.qtyAvailable, reserved: lot.qtyReserved, sold: lot.qtySold, writtenOff: lot.qtyWrittenOff },
    recall: lot.status === 'recalled' ? t('lot.recalledBanner', { reason: lot.recall?.reason ?? '', name: lot.recall?.byName ?? '', when: lot.recall?.at ? formatDateTime(lot.recall.at, locale) : '' }) : '',
    quarantine: lot.status === 'quarantined' || (lot.status === 'recalled' && lot.quarantine?.reason) ? t('lot.quarantineBanner', { reason: lot.quarantine?.reason ?? '' }) : '',
    family,
    factory: context ? `${pickText(context.place.name, locale)} · ${pickText(context.line.name, locale)}` : `${lot.factoryCode} · ${lot.lineCode}`,
    shiftStartsAt: context?.slot.startsAt ?? null,
    technician,
    batchId: batch ? String(batch._id) : null,
    batch: batch
      ? {
          ingredients: batch.ingredients.map((i) => ({ name: i.name, source: i.source, lot: i.sourceLotId ? i.source : '' })),
          processNotes: batch.processNotes,
          recordedBy: batch.recordedByName,
        }
      : null,
    qc: batch?.qc.result
      ? {
          result: batch.qc.result,
          checks: batch.qc.checks.map((c) => ({ key: c.key, value: c.value, ok: c.ok })),
          notes: batch.qc.notes,
          reason: batch.qc.reason,
          decided: t('qc.decidedBy', { name: batch.qc.byName, when: batch.qc.at ? formatDateTime(batch.qc.at, locale) : '' }),
          photos: batch.qc.photos.map((photo) => imageUrl(photo, { width: 320 })),
        }
      : null,
    movements: movements.map((m) => ({
      id: String(m._id),
      kind: m.kind,
      qty: m.qty,
      order: m.orderId ? (orderNumber.get(String(m.orderId)) ?? String(m.orderId).slice(-8)) : '',
      by: m.byName,
      reason: m.reason,
      at: m.at,
    })),
    mayRecall,
    mayWriteOff,
    showRecipients: mayRecall || !hasRole(user, 'family'),
    recipients: recipients.map((r) => ({
      orderId: r.orderId,
      number: r.number || r.orderId.slice(-8),
      channel: r.channel,
      status: r.status,
      placedAt: r.placedAt,
      customer: mayRecall ? r.retailerName || r.customerName : '',
      contact: mayRecall ? [r.customerEmail, r.customerPhone].filter(Boolean).join(' · ') : '',
      qty: r.qty,
    })),
  }
}

const RecallSchema = z.object({ reason: z.string().trim().min(3, 'form.tooShort').max(500, 'form.tooLong') })
const WriteOffSchema = z.object({
  qty: z.coerce.number({ message: 'form.invalidNumber' }).int('form.invalidNumber').min(1, 'form.tooSmall').max(100_000, 'form.tooBig'),
  reason: z.string().trim().min(3, 'form.tooShort').max(500, 'form.tooLong'),
})

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, lot } = await loadLot(request, params.code ?? '')
  const locale = await getLocale(request)
  const t = makeT(locale)
  const form = await request.formData()
  const actor = { _id: user._id, name: user.name }
  const here = `/admin/lots/${lot.code}`
  switch (form.get('intent')) {
    case 'recall': {
      requireAbility(user, 'recall', asSubject('Lot', { ...lot }))
      const parsed = parseWith(RecallSchema, form, t)
      if (!parsed.ok) return data({ form: 'recall', errors: parsed.errors, formError: t('form.invalid') }, { status: 400 })
      const result = await recallLot({ lotId: lot._id, reason: parsed.data.reason, actor })
      if (!result.ok) return data({ form: 'recall', errors: {} as Record<string, string>, formError: factoryRefusal(t, locale, result, 'lot') }, { status: 409 })
      return redirectWithToast(here, t('lot.recalled', { code: lot.code }))
    }
    case 'writeOff': {
      requireAbility(user, 'update', asSubject('Lot', { ...lot }))
      const parsed = parseWith(WriteOffSchema, form, t)
      if (!parsed.ok) return data({ form: 'writeOff', errors: parsed.errors, formError: t('form.invalid') }, { status: 400 })
      const result = await writeOffLot({ lotId: lot._id, qty: parsed.data.qty, reason: parsed.data.reason, actor })
      if (!result.ok) return data({ form: 'writeOff', errors: { qty: factoryRefusal(t, locale, result, 'lot') }, formError: factoryRefusal(t, locale, result, 'lot') }, { status: 409 })
      return redirectWithToast(here, t('lot.writtenOffDone', { qty: parsed.data.qty }))
    }
    default:
      return data({ form: '', errors: {} as Record<string, string>, formError: t('form.invalid') }, { status: 400 })
  }
}

type Movement = Awaited<ReturnType<typeof loader>>['movements'][number]
type Recipient = Awaited<ReturnType<typeof loader>>['recipients'][number]

export default function LotPage() {
  const t = useT()
  const locale = useLocale()
  const lot = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const recallErrors: Record<string, string> = result?.form === 'recall' ? result.errors : {}
  const writeOffErrors: Record<string, string> = result?.form === 'writeOff' ? result.errors : {}
  useFocusFirstError(recallErrors, result?.form === 'recall' ? result.formError : null)
  const writeOffRef = useFocusFirstError(writeOffErrors, result?.form === 'writeOff' ? result.formError : null)
  const movementColumns: Column<Movement>[] = [
    { key: 'at', header: t('lot.movement.at'), cell: (m) => <DateTime value={m.at} /> },
    { key: 'kind', header: t('lot.movement.kind'), rowHeader: true, cell: (m) => t(`lot.movement.${m.kind}`) },
    { key: 'qty', header: t('lot.movement.qty'), align: 'end', cell: (m) => formatNumber(m.qty, locale) },
    { key: 'order', header: t('lot.movement.order'), cell: (m) => m.order },
    { key: 'by', header: t('lot.movement.by'), cell: (m) => m.by },
    { key: 'reason', header: t('lot.movement.reason'), cell: (m) => m.reason },
  ]
  const recipientColumns: Column<Recipient>[] = [
    { key: 'number', header: t('lot.recipient.order'), rowHeader: true, cell: (r) => r.number },
    { key: 'date', header: t('lot.recipient.date'), cell: (r) => (r.placedAt ? <DateTime value={r.placedAt} dateOnly /> : '') },
    { key: 'channel', header: t('lot.recipient.channel'), cell: (r) => r.channel },
    ...(lot.mayRecall
      ? ([
          { key: 'customer', header: t('lot.recipient.customer'), cell: (r) => r.customer },
          { key: 'contact', header: t('lot.recipient.contact'), cell: (r) => r.contact },
        ] satisfies Column<Recipient>[])
      : []),
    { key: 'qty', header: t('lot.recipient.qty'), align: 'end', cell: (r) => formatNumber(r.qty, locale) },
    { key: 'status', header: t('lot.recipient.status'), cell: (r) => (r.status ? <StatusBadge status={r.status} /> : '') },
  ]
  const recalled = lot.status === 'recalled'
  return (
    <div className="stack factory">
      <PageHeader
        eyebrow={<Link to="/admin/lots">{t('lots.title')}</Link>}
        title={t('lot.title', { code: lot.code })}
        description={`${lot.product} (${lot.sku}) · ${lot.family}`}
        actions={
          <ButtonLink to={`/admin/lots/${lot.code}/label`} variant="secondary">
            {t('lot.label')}
          </ButtonLink>
        }
      />
      <p data-testid="lot-status">
        <StatusBadge status={lot.status} />
      </p>
      {lot.recall ? (
        <p className="notice notice-danger" role="status">
          {lot.recall}
        </p>
      ) : null}
      {lot.quarantine ? (
        <p className="notice notice-warning" role="status">
          {lot.quarantine}
        </p>
      ) : null}

      <Card title={t('lot.summary')}>
        <dl className="qty-grid">
          <div>
            <dt>{t('lot.produced')}</dt>
            <dd>{formatNumber(lot.qty.produced, locale)}</dd>
          </div>
          <div>
            <dt>{t('lot.available')}</dt>
            <dd data-testid="lot-available">{formatNumber(lot.qty.available, locale)}</dd>
          </div>
          <div>
            <dt>{t('lot.reserved')}</dt>
            <dd>{formatNumber(lot.qty.reserved, locale)}</dd>
          </div>
          <div>
            <dt>{t('lot.sold')}</dt>
            <dd>{formatNumber(lot.qty.sold, locale)}</dd>
          </div>
          <div>
            <dt>{t('lot.writtenOff')}</dt>
            <dd>{formatNumber(lot.qty.writtenOff, locale)}</dd>
          </div>
        </dl>
        <p className="muted">{lot.unit}</p>
      </Card>

      <Card title={t('lot.origin')}>
        <dl className="facts">
          <div>
            <dt>{t('lot.family')}</dt>
            <dd>{lot.family}</dd>
          </div>
          <div>
            <dt>{t('lot.factory')}</dt>
            <dd>{lot.factory}</dd>
          </div>
          {lot.shiftStartsAt ? (
            <div>
              <dt>{t('lot.shift')}</dt>
              <dd>
                <DateTime value={lot.shiftStartsAt} />
              </dd>
            </div>
          ) : null}
          <div>
            <dt>{t('lot.technician')}</dt>
            <dd>{lot.technician || t('floor.nobody')}</dd>
          </div>
          <div>
            <dt>{t('batchPage.producedOn')}</dt>
            <dd>
              <DateTime value={lot.producedOn} dateOnly />
            </dd>
          </div>
          <div>
            <dt>{t('batchPage.bestBefore')}</dt>
            <dd>{lot.bestBefore ? <DateTime value={lot.bestBefore} dateOnly /> : t('lots.noBestBefore')}</dd>
          </div>
        </dl>
        {lot.batch ? (
          <>
            <h3>{t('batchPage.ingredients')}</h3>
            {lot.batch.ingredients.length ? (
              <ul>
                {lot.batch.ingredients.map((i, index) => (
                  <li key={index}>
                    {i.name}
                    {i.source ? ' — ' : ''}
                    {i.lot ? <Link to={`/admin/lots/${i.lot}`}>{i.lot}</Link> : i.source}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{t('batchPage.noIngredients')}</p>
            )}
            {lot.batch.processNotes ? <p className="pre-wrap">{lot.batch.processNotes}</p> : null}
            {lot.batchId ? (
              <p>
                <Link to={`/factory/batches/${lot.batchId}`}>{t('lot.batch')}</Link>
              </p>
            ) : null}
          </>
        ) : null}
      </Card>

      {lot.qc ? (
        <Card title={t('lot.qcRecord')}>
          <QcRecord qc={lot.qc} />
        </Card>
      ) : null}

      <Card title={t('lot.movements')}>
        <DataTable caption={t('lot.movements')} hideCaption columns={movementColumns} rows={lot.movements} rowKey={(m) => m.id} />
      </Card>

      {lot.showRecipients ? (
        <Card
          title={t('lot.recipients')}
          actions={
            lot.mayRecall && lot.recipients.length ? (
              <a className="button button-secondary button-small" href={`/admin/lots/${lot.code}/recipients.csv`} download>
                {t('lot.exportCsv')}
              </a>
            ) : null
          }
        >
          <DataTable caption={t('lot.recipients')} hideCaption columns={recipientColumns} rows={lot.recipients} rowKey={(r) => r.orderId} empty={<EmptyState title={t('lot.recipientsEmpty')} />} />
        </Card>
      ) : null}

      {lot.mayRecall && !recalled ? (
        <Card title={t('lot.recallTitle')}>
          <div className="stack" data-testid="recall-form">
            <p className="muted">{t('lot.recallHint')}</p>
            <ConfirmDialog
              label={t('lot.recall')}
              title={t('lot.recallTitle')}
              message={t('lot.recallConfirm', { code: lot.code })}
              name="intent"
              value="recall"
              formProps={{ noValidate: true, className: 'stack confirm-form' }}
            >
              <FormError error={result?.form === 'recall' ? result.formError : null} />
              <TextArea name="reason" label={t('lot.recallReason')} rows={2} required error={recallErrors.reason} />
            </ConfirmDialog>
          </div>
        </Card>
      ) : null}

      {lot.mayWriteOff && lot.qty.available > 0 ? (
        <Card title={t('lot.writeOffTitle')}>
          <Form method="post" className="stack" ref={writeOffRef} noValidate>
            <FormError error={result?.form === 'writeOff' ? result.formError : null} />
            <div className="row">
              <TextField name="qty" label={t('lot.writeOffQty')} type="number" inputMode="numeric" min={1} max={lot.qty.available} step={1} required error={writeOffErrors.qty} />
              <TextField name="reason" label={t('lot.writeOffReason')} required error={writeOffErrors.reason} />
            </div>
            <div className="form-actions">
              <Button name="intent" value="writeOff" variant="secondary">
                {t('lot.writeOff')}
              </Button>
            </div>
          </Form>
        </Card>
      ) : null}
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ matches, data: lot }) => pageTitle(matches, 'lot.title', { code: lot?.code ?? '' })

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
