import crypto from 'node:crypto'
import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useState } from 'react'
import { z } from 'zod'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, Card, DateField, DateTime, FormError, PageHeader, SelectField, TextArea, TextField, useFocusFirstError } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { abilityFor, requireUser } from '#app/utils/auth.server'
import { factoryRefusal } from '#app/utils/factory-messages'
import { parseWith } from '#app/utils/form.server'
import { formatDate, makeT, pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import factoryStyles from '#app/styles/factory.css'
import { bestBeforeLimits, recordBatch } from '#models/batch.server'
import { LOT_CODE_PATTERN, LOT_UNITS, MAX_INGREDIENTS } from '#models/factory-rules'
import { localDay } from '#models/factory-days'
import { familyNameOf, getShiftContext, listFamilyProductVariants, personNameOf, type ShiftPurpose } from '#models/factory.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: factoryStyles }]

/** The shift booking, and whether this user supervises it (only then may they record its batches). */
async function loadBooking(request: Request, bookingId: string) {
  const user = await requireUser(request)
  if (!user.roles.includes('technician') && !user.roles.includes('admin')) throw new Response('Forbidden', { status: 403 })
  const context = await getShiftContext(bookingId)
  if (!context) throw new Response('Not found', { status: 404 })
  const mayRecord = abilityFor(user).can('create', asSubject('Batch', { technicianId: context.slot.staffId }))
  return { user, context, mayRecord }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { context, mayRecord } = await loadBooking(request, params.bookingId ?? '')
  const locale = await getLocale(request)
  const t = makeT(locale)
  const [family, products, technician] = await Promise.all([
    familyNameOf(context.familyId),
    listFamilyProductVariants(context.familyId),
    personNameOf(context.slot.staffId),
  ])
  const shiftDay = localDay(context.slot.startsAt, context.place.timezone)
  const purpose = (context.booking.purpose ?? {}) as Partial<ShiftPurpose>
  const makeable = products.filter((p) => !context.line.productCategories.length || context.line.productCategories.includes(p.category))
  return {
    bookingId: String(context.booking._id),
    family,
    line: pickText(context.line.name, locale),
    place: pickText(context.place.name, locale),
    startsAt: context.slot.startsAt,
    status: context.booking.status,
    mayRecord,
    notYours: mayRecord ? '' : t('floor.notYourShift', { name: technician || t('floor.nobody') }),
    notCheckedIn: context.booking.status === 'checked_in' || context.booking.status === 'completed' ? '' : factoryRefusal(t, locale, { reason: 'not_checked_in', details: { status: context.booking.status } }, 'batch'),
    shiftDay,
    plannedSku: purpose.sku ?? '',
    plannedQty: purpose.plannedQty ?? '',
    plannedUnit: purpose.unit ?? 'jar',
    products: makeable.map((p) => {
      const limits = bestBeforeLimits(p, shiftDay)
      const name = pickText(p.name, locale)
      return {
        value: p.sku,
        label: `${name} (${p.sku})`,
        shelfLifeDays: p.shelfLifeDays ?? null,
        limit: limits.max && p.shelfLifeDays ? t('batch.limits', { product: name, date: formatDate(`${limits.max}T12:00:00Z`, locale, { dateStyle: 'long' }, 'UTC') }) : limits.required ? t('batch.limitsUnknown', { product: name }) : t('batch.limitsNone', { product: name }),
      }
    }),
    requestKey: crypto.randomUUID(),
  }
}

const BatchSchema = z.object({
  sku: z.string().trim().min(1, 'form.required').max(40),
  qty: z.coerce.number({ message: 'form.invalidNumber' }).int('batch.refusal.invalid_quantity').positive('batch.refusal.invalid_quantity'),
  unit: z.enum(LOT_UNITS),
  producedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'form.invalidDate'),
  bestBefore: z.union([z.literal(''), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'form.invalidDate')]).optional(),
  ingredients: z.string().max(4000, 'form.tooLong').optional(),
  processNotes: z.string().max(2000, 'form.tooLong').optional(),
  requestKey: z.string().max(100).optional(),
})

/** "Medlar — own orchard" per line; the source may be an earlier lot's code. */
function parseIngredients(text: string) {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [name, ...rest] = line.split(/\s+[—–-]\s+|\s*[—–]\s*|\s*;\s*/)
      return { name: name.trim().slice(0, 120), source: rest.join(' — ').trim().slice(0, 200) }
    })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, context, mayRecord } = await loadBooking(request, params.bookingId ?? '')
  const locale = await getLocale(request)
  const t = makeT(locale)
  if (!mayRecord) {
    const technician = await personNameOf(context.slot.staffId)
    return data({ errors: {} as Record<string, string>, formError: t('floor.notYourShift', { name: technician || t('floor.nobody') }) }, { status: 403 })
  }
  const parsed = parseWith(BatchSchema, await request.formData(), t)
  if (!parsed.ok) return data({ errors: parsed.errors, formError: t('form.invalid') }, { status: 400 })
  const ingredients = parseIngredients(parsed.data.ingredients ?? '')
  if (ingredients.length > MAX_INGREDIENTS) return data({ errors: { ingredients: t('batch.refusal.too_many_ingredients') }, formError: t('form.invalid') }, { status: 400 })
  const result = await recordBatch(
    {
      bookingId: String(context.booking._id),
      sku: parsed.data.sku,
      qty: parsed.data.qty,
      unit: parsed.data.unit,
      producedOn: parsed.data.producedOn,
      bestBefore: parsed.data.bestBefore || null,
      ingredients,
      processNotes: parsed.data.processNotes,
      requestKey: parsed.data.requestKey,
    },
    { _id: user._id, name: user.name },
  )
  if (!result.ok) {
    const message = factoryRefusal(t, locale, result, 'batch')
    const field: Record<string, string> = {
      invalid_quantity: 'qty',
      quantity_absurd: 'qty',
      produced_in_future: 'producedOn',
      produced_before_shift: 'producedOn',
      best_before_not_after_production: 'bestBefore',
      best_before_beyond_shelf_life: 'bestBefore',
      best_before_required: 'bestBefore',
      source_lot_not_found: 'ingredients',
      product_not_family: 'sku',
      product_not_found: 'sku',
      line_cannot_make: 'sku',
    }
    const key = field[result.reason]
    if (result.reason === 'source_lot_not_found') {
      const codes = ingredients.map((i) => i.source.toUpperCase()).filter((s) => LOT_CODE_PATTERN.test(s))
      return data({ errors: { ingredients: factoryRefusal(t, locale, { reason: result.reason, details: { code: codes.join(', ') } }, 'batch') }, formError: t('form.invalid') }, { status: 409 })
    }
    return data({ errors: key ? { [key]: message } : ({} as Record<string, string>), formError: message }, { status: key ? 400 : 409 })
  }
  return redirectWithToast(`/factory/batches/${result.batch._id}`, t('batch.recorded', { code: result.batch.lotCode ?? '' }))
}

/** `YYYY-MM-DD` plus whole calendar days (as the server counts them). */
function addDays(day: string, days: number) {
  const date = new Date(`${day}T12:00:00Z`)
  if (Number.isNaN(date.getTime())) return ''
  date.setUTCDate(date.getUTCDate() + days)
  return date.toISOString().slice(0, 10)
}

export default function RecordBatchPage() {
  const t = useT()
  const page = useLoaderData<typeof loader>()
  // the best-before date follows the product's shelf life and the production date until the technician sets it
  const [sku, setSku] = useState(page.plannedSku || page.products[0]?.value || '')
  const [producedOn, setProducedOn] = useState(page.shiftDay)
  const [manualBestBefore, setManualBestBefore] = useState<string | null>(null)
  const shelfLife = page.products.find((product) => product.value === sku)?.shelfLifeDays
  const bestBefore = manualBestBefore ?? (shelfLife ? addDays(producedOn, shelfLife) : '')
  const result = useActionData<typeof action>()
  const errors: Record<string, string> = result?.errors ?? {}
  const formRef = useFocusFirstError(errors, result?.formError)
  const blocked = page.notYours || page.notCheckedIn
  return (
    <div className="stack factory">
      <PageHeader
        eyebrow={<Link to={`/factory/today?day=${page.shiftDay}`}>{t('floor.title')}</Link>}
        title={t('batch.title')}
        description={
          <>
            {page.family} · {page.line} · {page.place} · <DateTime value={page.startsAt} />
          </>
        }
      />
      {blocked ? (
        <p className="notice notice-warning" role="alert">
          {page.notYours || page.notCheckedIn}
        </p>
      ) : page.products.length === 0 ? (
        <p className="notice" role="note">
          {t('batch.noProducts')}
        </p>
      ) : (
        <Card>
          <Form method="post" className="stack" ref={formRef} noValidate>
            <FormError error={result?.formError} />
            <input type="hidden" name="requestKey" value={page.requestKey} />
            <SelectField name="sku" label={t('batch.field.product')} options={page.products} defaultValue={page.plannedSku} onChange={(event) => setSku(event.target.value)} required error={errors.sku} />
            <div className="row">
              <TextField name="qty" label={t('batch.field.qty')} hint={t('batch.field.qtyHint')} type="number" inputMode="numeric" min={1} step={1} defaultValue={page.plannedQty} required error={errors.qty} />
              <SelectField name="unit" label={t('batch.field.unit')} options={LOT_UNITS.map((u) => ({ value: u, label: t(`unit.${u}`) }))} defaultValue={page.plannedUnit} error={errors.unit} />
            </div>
            <div className="row">
              <DateField name="producedOn" label={t('batch.field.producedOn')} defaultValue={page.shiftDay} onChange={(event) => setProducedOn(event.target.value)} required error={errors.producedOn} />
              <DateField
                name="bestBefore"
                label={t('batch.field.bestBefore')}
                value={bestBefore}
                onChange={(event) => setManualBestBefore(event.target.value || null)}
                data-testid="best-before"
                hint={
                  <>
                    {t('batch.field.bestBeforeAuto')}
                    {page.products.map((p) => (
                      <span key={p.value} className="block">
                        {p.limit}
                      </span>
                    ))}
                  </>
                }
                error={errors.bestBefore}
              />
            </div>
            <TextArea name="ingredients" label={t('batch.field.ingredients')} hint={t('batch.field.ingredientsHint')} rows={4} error={errors.ingredients} />
            <TextArea name="processNotes" label={t('batch.field.processNotes')} rows={3} error={errors.processNotes} />
            <div className="form-actions">
              <Button>{t('batch.submit')}</Button>
            </div>
          </Form>
        </Card>
      )}
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'batch.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
