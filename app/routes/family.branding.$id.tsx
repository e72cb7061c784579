import type { LinksFunction, ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { BrandingRequestDetails } from '#app/components/branding-request'
import { RatingForm } from '#app/components/rating-form'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, FormError, PageHeader, TextArea, useFocusFirstError } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { requireAbility } from '#app/utils/auth.server'
import { notifyBranding } from '#app/utils/branding-mail.server'
import { requireFamilyMember } from '#app/utils/catalogue-forms.server'
import { brandingRequestView } from '#app/utils/catalogue-view.server'
import { invalid, parseWith, refuse } from '#app/utils/form.server'
import { makeT, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { approveVersion, commentOnRequest, getBrandingRequest } from '#models/branding.server'
import { getRating } from '#models/rating.server'
import catalogueStyles from '#app/styles/catalogue.css'

async function loadOwnRequest(request: Request, id: string | undefined) {
  const member = await requireFamilyMember(request)
  const branding = await getBrandingRequest(id ?? '')
  if (!branding) throw new Response('Not found', { status: 404 })
  requireAbility(member.user, 'read', asSubject('BrandingRequest', branding))
  return { ...member, branding }
}


export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogueStyles }]
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, branding } = await loadOwnRequest(request, params.id)
  const locale = await getLocale(request)
  const rated = branding.status === 'lead_approved' ? Boolean(await getRating('branding_approval', branding._id, user._id)) : false
  return { request: brandingRequestView(branding, locale), askRating: branding.status === 'lead_approved' && !rated }
}

const CommentSchema = z.object({
  body: z.string().trim().max(3000).default(''),
  versionN: z.coerce.number().int().min(1).optional(),
})

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, branding } = await loadOwnRequest(request, params.id)
  requireAbility(user, 'update', asSubject('BrandingRequest', branding))
  const t = makeT(await getLocale(request))
  const form = await request.formData()
  const parsed = parseWith(CommentSchema, form, t)
  if (!parsed.ok) return invalid(parsed.errors)
  const here = `/family/branding/${branding._id}`
  const intent = String(form.get('intent'))
  switch (intent) {
    case 'comment':
    case 'requestChanges': {
      if (!parsed.data.body) return invalid({ body: t('form.required') })
      const result = await commentOnRequest(String(branding._id), { body: parsed.data.body, versionN: parsed.data.versionN, side: 'family', requestChanges: intent === 'requestChanges' }, user)
      if (!result.ok) return refuse(t('branding.error.wrongStatus'))
      await notifyBranding(result.request, intent === 'requestChanges' ? 'changesRequested' : 'commented', request)
      return redirectWithToast(here, intent === 'requestChanges' ? t('branding.toast.changesRequested') : t('branding.toast.commented'))
    }
    case 'approve': {
      if (!parsed.data.versionN) return refuse(t('branding.error.wrongStatus'), 400)
      const result = await approveVersion(String(branding._id), parsed.data.versionN, user)
      if (!result.ok) return refuse(t('branding.error.wrongStatus'))
      await notifyBranding(result.request, 'familyApproved', request)
      return redirectWithToast(here, t('branding.toast.familyApproved'))
    }
    default:
      return refuse(t('form.invalidValue'), 400)
  }
}

export default function FamilyBrandingRequestPage() {
  const t = useT()
  const { request, askRating } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>() as { errors?: Record<string, string>; formError?: string } | undefined
  const formRef = useFocusFirstError(result?.errors, result?.formError)
  return (
    <div className="stack">
      <PageHeader title={request.title} eyebrow={<Link to="/family/branding">{t('branding.family.title')}</Link>} description={`${request.ref}`} />
      {askRating ? <RatingForm touchpoint="branding_approval" subjectId={request.id} redirectTo={`/family/branding/${request.id}`} title={t('branding.rating.title')} /> : null}
      {request.status === 'lead_approved' ? (
        <p className="notice" role="note">
          {t('branding.family.brandReady')} <Link to="/family/products/new">{t('catalogue.family.new')}</Link>
        </p>
      ) : null}
      <BrandingRequestDetails
        request={request}
        versionActions={(version, latest) =>
          latest && request.status === 'proposed' ? (
            <div className="stack">
              <Form method="post">
                <input type="hidden" name="versionN" value={version.n} />
                <Button type="submit" name="intent" value="approve" data-testid={`approve-version-${version.n}`}>
                  {t('branding.family.approve', { n: version.n })}
                </Button>
              </Form>
              <Form method="post" className="stack" noValidate ref={formRef}>
                <FormError error={result?.formError} />
                <input type="hidden" name="versionN" value={version.n} />
                <TextArea name="body" label={t('branding.family.feedback', { n: version.n })} hint={t('branding.family.feedbackHint')} rows={3} error={result?.errors?.body} />
                <div className="form-actions">
                  <Button type="submit" name="intent" value="requestChanges" variant="secondary">
                    {t('branding.family.requestChanges')}
                  </Button>
                  <Button type="submit" name="intent" value="comment" variant="link">
                    {t('branding.comment.send')}
                  </Button>
                </div>
              </Form>
            </div>
          ) : null
        }
      >
        {request.status !== 'proposed' && request.status !== 'lead_approved' ? (
          <Form method="post" className="stack card" noValidate ref={formRef}>
            <FormError error={result?.formError} />
            <TextArea name="body" label={t('branding.comment.label')} rows={3} error={result?.errors?.body} />
            <div>
              <Button type="submit" name="intent" value="comment" variant="secondary">
                {t('branding.comment.send')}
              </Button>
            </div>
          </Form>
        ) : null}
      </BrandingRequestDetails>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, 'branding.request.pageTitle', { title: data?.request.title ?? '' })

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
