import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { QcRecord } from '#app/components/factory/qc-record'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, ButtonLink, Card, CheckboxField, DateTime, FileField, FormError, PageHeader, RadioGroup, StatusBadge, TextArea, TextField, useFocusFirstError } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { abilityFor, requireAbility, requireUser } from '#app/utils/auth.server'
import { getEnv } from '#app/utils/env.server'
import { factoryRefusal } from '#app/utils/factory-messages'
import { imageUrl, storeImage, UploadError as ImageUploadError } from '#app/utils/images.server'
import { formatDateTime, formatNumber, makeT, pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { IMAGE_TYPES, readMultipart, UploadError } from '#app/utils/uploads.server'
import factoryStyles from '#app/styles/factory.css'
import { attachQcPhotos, decideQc, getBatch, type Batch } from '#models/batch.server'
import { familyNameOf, getShiftContext, personNameOf } from '#models/factory.server'
import { checklistFor } from '#models/qc-checklists'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: factoryStyles }]

const MAX_PHOTOS = 4

async function loadBatch(request: Request, id: string) {
  const user = await requireUser(request)
  const batch = await getBatch(id)
  if (!batch) throw new Response('Not found', { status: 404 })
  requireAbility(user, 'read', asSubject('Batch', { ...batch }))
  const mayDecide = abilityFor(user).can('decide', asSubject('Batch', { technicianId: batch.technicianId }))
  return { user, batch, mayDecide }
}

function technicianName(batch: Batch) {
  return personNameOf(batch.technicianId)
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { batch, mayDecide } = await loadBatch(request, params.id ?? '')
  const locale = await getLocale(request)
  const t = makeT(locale)
  const [family, context, technician] = await Promise.all([
    familyNameOf(batch.familyId),
    getShiftContext(batch.bookingId),
    technicianName(batch),
  ])
  return {
    id: String(batch._id),
    lotCode: batch.lotCode ?? '',
    status: batch.status,
    product: pickText(batch.productName, locale),
    sku: batch.sku,
    category: batch.category,
    qty: `${formatNumber(batch.qty, locale)} ${t(`unit.${batch.unit}`)}`,
    producedOn: batch.producedOn,
    bestBefore: batch.bestBefore,
    family,
    line: context ? pickText(context.line.name, locale) : batch.lineCode,
    place: context ? pickText(context.place.name, locale) : batch.factoryCode,
    shiftStartsAt: context?.slot.startsAt ?? null,
    technician,
    recordedBy: batch.recordedByName,
    ingredients: batch.ingredients.map((i) => ({ name: i.name, source: i.source, lot: i.sourceLotId ? i.source : '' })),
    processNotes: batch.processNotes,
    mayDecide,
    notYours: mayDecide ? '' : t('floor.notYourShift', { name: technician || t('floor.nobody') }),
    checklist: checklistFor(batch.category),
    qc: batch.qc.result
      ? {
          result: batch.qc.result,
          checks: batch.qc.checks.map((c) => ({ key: c.key, value: c.value, ok: c.ok })),
          notes: batch.qc.notes,
          reason: batch.qc.reason,
          decided: t('qc.decidedBy', { name: batch.qc.byName, when: batch.qc.at ? formatDateTime(batch.qc.at, locale) : '' }),
          photos: batch.qc.photos.map((photo) => imageUrl(photo, { width: 320 })),
        }
      : null,
    hasLot: Boolean(batch.lotId),
    maxMb: getEnv().UPLOAD_MAX_MB,
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, batch, mayDecide } = await loadBatch(request, params.id ?? '')
  const locale = await getLocale(request)
  const t = makeT(locale)
  if (!mayDecide) return data({ errors: {} as Record<string, string>, formError: t('floor.notYourShift', { name: (await technicianName(batch)) || t('floor.nobody') }) }, { status: 403 })
  let fields: FormData
  let photos: Buffer[] = []
  try {
    if ((request.headers.get('Content-Type') ?? '').startsWith('multipart/form-data')) {
      const upload = await readMultipart(request, { fileFields: ['photos'], maxFiles: MAX_PHOTOS, allowed: IMAGE_TYPES })
      fields = upload.fields
      photos = upload.files.map((file) => file.bytes)
    } else fields = await request.formData()
  } catch (error) {
    if (error instanceof UploadError) return data({ errors: { photos: t('qc.refusal.photo', { reason: t(`qc.upload.${error.code}`, { max: MAX_PHOTOS, mb: getEnv().UPLOAD_MAX_MB }) }) }, formError: t('form.invalid') }, { status: error.status })
    throw error
  }
  const result = fields.get('result')
  if (result !== 'pass' && result !== 'fail') return data({ errors: { result: t('form.required') }, formError: t('form.invalid') }, { status: 400 })
  const values: Record<string, unknown> = {}
  for (const check of checklistFor(batch.category)) values[check.key] = fields.get(`check.${check.key}`) ?? undefined
  const actor = { _id: user._id, name: user.name }
  const decided = await decideQc(
    { batchId: String(batch._id), result, values, notes: String(fields.get('notes') ?? '').slice(0, 2000), reason: String(fields.get('reason') ?? '').slice(0, 1000) },
    actor,
  )
  if (!decided.ok) {
    const errors: Record<string, string> = {}
    if (decided.reason === 'reason_required') errors.reason = t('qc.refusal.reason_required')
    if (decided.reason === 'checks_failed') for (const key of decided.details.failed) errors[`check.${key}`] = t('qc.notOk')
    return data({ errors, formError: factoryRefusal(t, locale, decided, 'qc') }, { status: decided.reason === 'batch_not_found' ? 404 : 409 })
  }
  if (photos.length && !decided.repeated) {
    const ids: string[] = []
    for (const bytes of photos) {
      try {
        ids.push((await storeImage(bytes, { owner: { type: 'Batch', id: String(batch._id) } })).id)
      } catch (error) {
        if (!(error instanceof ImageUploadError)) throw error
      }
    }
    await attachQcPhotos(batch._id, ids, actor)
  }
  const code = decided.lot.code
  return redirectWithToast(`/factory/batches/${batch._id}`, decided.batch.status === 'qc_passed' ? t('qc.passed', { code }) : t('qc.failed', { code }))
}

export default function BatchPage() {
  const t = useT()
  const page = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const errors: Record<string, string> = result?.errors ?? {}
  const formRef = useFocusFirstError(errors, result?.formError)
  return (
    <div className="stack factory">
      <PageHeader
        eyebrow={<Link to="/factory/today">{t('floor.title')}</Link>}
        title={t('batchPage.title', { code: page.lotCode })}
        description={
          <>
            {page.product} · {page.family}
          </>
        }
        actions={
          page.hasLot ? (
            <>
              <ButtonLink to={`/admin/lots/${page.lotCode}`} variant="secondary">
                {t('batchPage.lot')}
              </ButtonLink>
              <ButtonLink to={`/admin/lots/${page.lotCode}/label`} variant="secondary">
                {t('batchPage.label')}
              </ButtonLink>
            </>
          ) : null
        }
      />
      <p>
        <StatusBadge status={page.status} />
      </p>
      <Card title={t('lot.batch')}>
        <dl className="facts">
          <div>
            <dt>{t('batchPage.product')}</dt>
            <dd>
              {page.product} ({page.sku})
            </dd>
          </div>
          <div>
            <dt>{t('batchPage.qty')}</dt>
            <dd>{page.qty}</dd>
          </div>
          <div>
            <dt>{t('batchPage.producedOn')}</dt>
            <dd>
              <DateTime value={page.producedOn} dateOnly />
            </dd>
          </div>
          <div>
            <dt>{t('batchPage.bestBefore')}</dt>
            <dd>{page.bestBefore ? <DateTime value={page.bestBefore} dateOnly /> : t('lots.noBestBefore')}</dd>
          </div>
          <div>
            <dt>{t('batchPage.shift')}</dt>
            <dd>
              {page.line} · {page.place}
              {page.shiftStartsAt ? (
                <>
                  {' · '}
                  <DateTime value={page.shiftStartsAt} />
                </>
              ) : null}
            </dd>
          </div>
          <div>
            <dt>{t('lot.technician')}</dt>
            <dd>{page.technician || t('floor.nobody')}</dd>
          </div>
          <div>
            <dt>{t('batchPage.recordedBy')}</dt>
            <dd>{page.recordedBy}</dd>
          </div>
        </dl>
        <h3>{t('batchPage.ingredients')}</h3>
        {page.ingredients.length ? (
          <ul>
            {page.ingredients.map((i, index) => (
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
        {page.processNotes ? (
          <>
            <h3>{t('batchPage.process')}</h3>
            <p className="pre-wrap">{page.processNotes}</p>
          </>
        ) : null}
      </Card>

      <Card title={t('qc.title')}>
        {page.qc ? (
          <QcRecord qc={page.qc} />
        ) : page.notYours ? (
          <p className="notice notice-warning" role="note">
            {page.notYours}
          </p>
        ) : (
          <Form method="post" encType="multipart/form-data" className="stack" ref={formRef} noValidate data-testid="qc-form">
            <FormError error={result?.formError} />
            <fieldset className="field-group">
              <legend className="field-label">{t('qc.checklist', { category: page.category })}</legend>
              <div className="qc-checks">
                {page.checklist.map((check) =>
                  check.kind === 'boolean' ? (
                    <CheckboxField key={check.key} name={`check.${check.key}`} label={t(`qc.check.${check.key}`)} error={errors[`check.${check.key}`]} />
                  ) : (
                    <TextField
                      key={check.key}
                      name={`check.${check.key}`}
                      label={`${t(`qc.check.${check.key}`)}${check.unit && check.unit !== 'pH' ? ` (${check.unit})` : ''}`}
                      hint={t('qc.limits', { min: check.min ?? '', max: check.max ?? '', unit: check.unit ?? '' })}
                      inputMode="decimal"
                      error={errors[`check.${check.key}`]}
                    />
                  ),
                )}
              </div>
            </fieldset>
            <RadioGroup
              name="result"
              label={t('qc.result')}
              required
              error={errors.result}
              options={[
                { value: 'pass', label: t('qc.pass') },
                { value: 'fail', label: t('qc.fail') },
              ]}
            />
            <TextArea name="reason" label={t('qc.reason')} rows={2} error={errors.reason} />
            <TextArea name="notes" label={t('qc.notes')} rows={2} />
            <FileField name="photos" label={t('qc.photos')} accept="image/jpeg,image/png,image/webp" multiple maxSize={page.maxMb * 1024 * 1024} error={errors.photos} />
            <div className="form-actions">
              <Button>{t('qc.submit')}</Button>
            </div>
          </Form>
        )}
      </Card>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'qc.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
