import { type LinksFunction, data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { BrandingRequestDetails } from '#app/components/branding-request'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, Card, FileField, FormError, PageHeader, SelectField, TextArea, TextField, useFocusFirstError } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { hasRole, requireAbility, requireUser } from '#app/utils/auth.server'
import { notifyBranding } from '#app/utils/branding-mail.server'
import { readArtworkForm, uploadMessage } from '#app/utils/catalogue-forms.server'
import { brandingRequestView } from '#app/utils/catalogue-view.server'
import { getEnv } from '#app/utils/env.server'
import { invalid, parseWith, refuse } from '#app/utils/form.server'
import { storeDocument, storeImage, UploadError } from '#app/utils/images.server'
import { makeT, useT, type T } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import {
  addVersion,
  ARTWORK_ROLES,
  assignDesigner,
  commentOnRequest,
  getBrandingRequest,
  HEX_COLOUR,
  leadApprove,
  listDesigners,
  type ArtworkFile,
  type BrandingRequest,
} from '#models/branding.server'
import type { SessionUser } from '#models/user.server'
import catalogueStyles from '#app/styles/catalogue.css'

async function loadForDesign(request: Request, id: string | undefined) {
  const user = await requireUser(request)
  if (!hasRole(user, 'designer', 'admin')) throw new Response('Forbidden', { status: 403 })
  const branding = await getBrandingRequest(id ?? '')
  if (!branding) throw new Response('Not found', { status: 404 })
  const ability = requireAbility(user, 'read', asSubject('BrandingRequest', branding))
  return { user, branding, ability }
}

const WORKING = ['in_design', 'proposed', 'changes_requested']


export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogueStyles }]
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { branding, ability } = await loadForDesign(request, params.id)
  const locale = await getLocale(request)
  const subject = asSubject('BrandingRequest', branding)
  const canAssignOthers = ability.can('decide', subject) && ability.can('assign', subject)
  return {
    request: brandingRequestView(branding, locale),
    can: {
      take: !branding.designerId && branding.status !== 'lead_approved' && ability.can('assign', subject),
      assign: canAssignOthers && branding.status !== 'lead_approved',
      upload: WORKING.includes(branding.status) && ability.can('update', subject),
      comment: branding.status !== 'lead_approved' && ability.can('update', subject),
      decide: branding.status === 'approved' && ability.can('decide', subject),
    },
    designers: canAssignOthers ? await listDesigners() : [],
    maxMb: getEnv().UPLOAD_MAX_MB,
  }
}

const AssignSchema = z.object({ designerId: z.string().regex(/^[a-f0-9]{24}$/, 'form.required') })
const NoteSchema = z.object({ body: z.string().trim().min(1, 'form.required').max(3000), versionN: z.coerce.number().int().min(1).optional() })
const VersionSchema = z.object({
  brandName: z.string().trim().min(1, 'form.required').max(80),
  colours: z
    .string()
    .trim()
    .max(200)
    .default('')
    .transform((value) => value.split(/[\s,;]+/).filter(Boolean))
    .refine((list) => list.every((colour) => HEX_COLOUR.test(colour)), 'branding.form.coloursFormat')
    .refine((list) => list.length <= 8, 'branding.form.coloursFormat'),
  note: z.string().trim().max(2000).default(''),
})

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, branding } = await loadForDesign(request, params.id)
  const t = makeT(await getLocale(request))
  const id = String(branding._id)
  const here = `/design/${id}`
  if ((request.headers.get('Content-Type') ?? '').startsWith('multipart/form-data')) {
    requireAbility(user, 'update', asSubject('BrandingRequest', branding))
    return uploadVersion(request, branding, user, t)
  }
  const form = await request.formData()
  switch (String(form.get('intent'))) {
    case 'take': {
      requireAbility(user, 'assign', asSubject('BrandingRequest', branding))
      const result = await assignDesigner(id, { _id: user._id, name: user.name }, user, { onlyIfFree: true })
      if (!result.ok) return refuse(t('branding.error.taken'))
      return redirectWithToast(here, t('branding.toast.taken', { ref: branding.ref }))
    }
    case 'assign': {
      requireAbility(user, 'decide', asSubject('BrandingRequest', branding))
      const parsed = parseWith(AssignSchema, form, t)
      if (!parsed.ok) return invalid(parsed.errors, { form: 'assign' })
      const designer = (await listDesigners()).find((entry) => entry.id === parsed.data.designerId)
      if (!designer) return invalid({ designerId: t('branding.error.notDesigner') }, { form: 'assign' })
      const result = await assignDesigner(id, { _id: designer.id, name: designer.name }, user)
      if (!result.ok) return refuse(t('branding.error.wrongStatus'))
      await notifyBranding(result.request, 'assigned', request)
      return redirectWithToast(here, t('branding.toast.assigned', { name: designer.name }))
    }
    case 'comment': {
      requireAbility(user, 'update', asSubject('BrandingRequest', branding))
      const parsed = parseWith(NoteSchema, form, t)
      if (!parsed.ok) return invalid(parsed.errors, { form: 'comment' })
      const side = user.lead && hasRole(user, 'designer') && branding.designerId && String(branding.designerId) !== String(user._id) ? 'lead' : 'design'
      const result = await commentOnRequest(id, { body: parsed.data.body, versionN: parsed.data.versionN, side }, user)
      if (!result.ok) return refuse(t('branding.error.wrongStatus'))
      return redirectWithToast(here, t('branding.toast.commented'))
    }
    case 'leadApprove': {
      requireAbility(user, 'decide', asSubject('BrandingRequest', branding))
      const result = await leadApprove(id, user)
      if (!result.ok) return refuse(t('branding.error.wrongStatus'))
      await notifyBranding(result.request, 'leadApproved', request)
      return redirectWithToast(here, t('branding.toast.leadApproved', { name: result.brand?.name ?? '' }))
    }
    case 'leadSendBack': {
      requireAbility(user, 'decide', asSubject('BrandingRequest', branding))
      const parsed = parseWith(NoteSchema, form, t)
      if (!parsed.ok) return invalid(parsed.errors, { form: 'sendBack' })
      const result = await commentOnRequest(id, { body: parsed.data.body, versionN: branding.approvedVersion, side: 'lead', requestChanges: true }, user)
      if (!result.ok) return refuse(t('branding.error.wrongStatus'))
      return redirectWithToast(here, t('branding.toast.sentBack'))
    }
    default:
      return refuse(t('form.invalidValue'), 400)
  }
}

/** A new proposal: brand name, palette and up to three files (logo, label, packaging), images or PDF. */
async function uploadVersion(request: Request, branding: BrandingRequest, user: SessionUser, t: T) {
  const maxMb = getEnv().UPLOAD_MAX_MB
  const upload = await readArtworkForm(request, { fileFields: ARTWORK_ROLES, allowPdf: true, maxFiles: 3, t, maxMb })
  if (!upload.ok) return data({ ok: false as const, errors: upload.errors, form: 'upload' }, { status: upload.status })
  const parsed = parseWith(VersionSchema, upload.fields, t)
  if (!parsed.ok) return invalid(parsed.errors, { form: 'upload' })
  if (!upload.files.length) return invalid({ logo: t('branding.form.fileRequired') }, { form: 'upload' })
  const owner = { type: 'BrandingRequest', id: String(branding._id) }
  const files: ArtworkFile[] = []
  for (const file of upload.files) {
    try {
      if (file.type === 'application/pdf') {
        const stored = await storeDocument(file.bytes, { owner, name: file.name })
        files.push({ role: file.field as ArtworkFile['role'], kind: 'pdf', id: stored.id, bytes: stored.bytes })
      } else {
        const stored = await storeImage(file.bytes, { owner, alt: `${parsed.data.brandName} ${file.field}` })
        files.push({ role: file.field as ArtworkFile['role'], kind: 'image', id: stored.id, width: stored.width, height: stored.height, bytes: stored.bytes })
      }
    } catch (error) {
      if (error instanceof UploadError) return invalid({ [file.field]: uploadMessage(error.code, t, maxMb) }, { form: 'upload' })
      throw error
    }
  }
  const result = await addVersion(String(branding._id), { ...parsed.data, files }, user)
  if (!result.ok) return refuse(t('branding.error.wrongStatus'))
  await notifyBranding(result.request, 'proposed', request)
  return redirectWithToast(`/design/${branding._id}`, t('branding.toast.versionUploaded', { n: result.request.versionCount ?? 0 }))
}

type ActionResult = { errors?: Record<string, string>; formError?: string; form?: string } | undefined

export default function DesignRequestPage() {
  const t = useT()
  const { request, can, designers, maxMb } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>() as ActionResult
  const formRef = useFocusFirstError(result?.errors, result?.formError)
  const errorsFor = (form: string) => (result?.form === form ? result.errors : undefined)
  const latest = request.versions[0]
  return (
    <div className="stack">
      <PageHeader title={request.title} eyebrow={<Link to="/design">{t('branding.queue.title')}</Link>} description={request.ref} />
      <FormError error={result?.formError} />
      <BrandingRequestDetails request={request}>
        {can.take ? (
          <Form method="post">
            <Button type="submit" name="intent" value="take" data-testid="take-request">
              {t('branding.queue.take')}
            </Button>
          </Form>
        ) : null}

        {can.assign ? (
          <Card title={t('branding.assign.title')}>
            <Form method="post" className="filters" noValidate ref={result?.form === 'assign' ? formRef : undefined}>
              <SelectField
                name="designerId"
                label={t('branding.field.designer')}
                placeholder={t('catalogue.form.choose')}
                error={errorsFor('assign')?.designerId}
                options={designers.map((designer) => ({ value: designer.id, label: designer.lead ? `${designer.name} (${t('branding.lead')})` : designer.name }))}
              />
              <div className="filters-actions">
                <Button type="submit" name="intent" value="assign" variant="secondary">
                  {t('branding.assign.submit')}
                </Button>
              </div>
            </Form>
          </Card>
        ) : null}

        {can.decide ? (
          <Card title={t('branding.lead.title')}>
            <p>{t('branding.lead.intro', { n: request.approvedVersion ?? 0 })}</p>
            <Form method="post">
              <Button type="submit" name="intent" value="leadApprove" data-testid="lead-approve">
                {t('branding.lead.approve')}
              </Button>
            </Form>
            <Form method="post" className="stack" noValidate ref={result?.form === 'sendBack' ? formRef : undefined}>
              <TextArea name="body" label={t('branding.lead.sendBackNote')} rows={2} error={errorsFor('sendBack')?.body} />
              <div>
                <Button type="submit" name="intent" value="leadSendBack" variant="secondary">
                  {t('branding.lead.sendBack')}
                </Button>
              </div>
            </Form>
          </Card>
        ) : null}

        {can.upload ? (
          <Card title={t('branding.upload.title')}>
            <Form method="post" encType="multipart/form-data" className="stack" noValidate ref={result?.form === 'upload' ? formRef : undefined} data-testid="version-form">
              <TextField name="brandName" label={t('branding.upload.brandName')} required maxLength={80} defaultValue={latest?.brandName ?? request.title} error={errorsFor('upload')?.brandName} />
              <TextField name="colours" label={t('branding.upload.colours')} hint={t('branding.upload.coloursHint')} defaultValue={latest?.colours.join(', ') ?? ''} error={errorsFor('upload')?.colours} />
              <FileField name="logo" label={t('branding.role.logo')} accept="image/jpeg,image/png,image/webp,application/pdf" maxSize={maxMb * 1024 * 1024} error={errorsFor('upload')?.logo} />
              <FileField name="label" label={t('branding.role.label')} accept="image/jpeg,image/png,image/webp,application/pdf" maxSize={maxMb * 1024 * 1024} error={errorsFor('upload')?.label} />
              <FileField name="packaging" label={t('branding.role.packaging')} accept="image/jpeg,image/png,image/webp,application/pdf" maxSize={maxMb * 1024 * 1024} error={errorsFor('upload')?.packaging} />
              <TextArea name="note" label={t('branding.upload.note')} rows={3} error={errorsFor('upload')?.note} />
              <div>
                <Button type="submit">{t('branding.upload.submit', { n: request.latestVersion + 1 })}</Button>
              </div>
            </Form>
          </Card>
        ) : null}

        {can.comment ? (
          <Card title={t('branding.comment.label')}>
            <Form method="post" className="stack" noValidate ref={result?.form === 'comment' ? formRef : undefined}>
              {latest ? <input type="hidden" name="versionN" value={latest.n} /> : null}
              <TextArea name="body" label={t('branding.comment.label')} rows={3} error={errorsFor('comment')?.body} />
              <div>
                <Button type="submit" name="intent" value="comment" variant="secondary">
                  {t('branding.comment.send')}
                </Button>
              </div>
            </Form>
          </Card>
        ) : null}
      </BrandingRequestDetails>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, 'branding.request.pageTitle', { title: data?.request.title ?? '' })

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
