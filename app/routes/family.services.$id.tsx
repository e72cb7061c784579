import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { RatingForm } from '#app/components/rating-form'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { ServiceMessageForm, ServiceThread } from '#app/components/service-thread'
import { Card, ConfirmDialog, DateTime, PageHeader, StatusBadge, Timeline } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { type FieldErrors } from '#app/utils/form.server'
import { makeT, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { notifyAssignee, readServiceMessage } from '#app/utils/service-requests.server'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { maxUploadBytes } from '#app/utils/uploads.server'
import abadStyles from '#app/styles/abad.css'
import { getRating } from '#models/rating.server'
import { cancelServiceRequest, getServiceRequest, markServiceRead, postServiceMessage } from '#models/service-request.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: abadStyles }]

async function load(request: Request, id: string | undefined) {
  const user = await requireUser(request)
  const serviceRequest = await getServiceRequest(id)
  if (!serviceRequest) throw new Response('Not found', { status: 404 })
  requireAbility(user, 'read', asSubject('ServiceRequest', serviceRequest))
  // staff work on requests from the queue page
  if (String(serviceRequest.familyId) !== String(user.familyId ?? '')) throw new Response('Forbidden', { status: 403 })
  return { user, serviceRequest }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, serviceRequest: r } = await load(request, params.id)
  const previousRead = r.familyReadAt
  await markServiceRead(r._id, 'family')
  const rated = r.status === 'closed' ? Boolean(await getRating('service_request', r._id, user._id)) : true
  return {
    request: {
      id: String(r._id),
      number: r.number,
      kind: r.kind,
      title: r.title,
      status: r.status,
      openedAt: r.openedAt.toISOString(),
      closedAt: r.closedAt?.toISOString() ?? null,
      assigneeName: r.assigneeName,
      resolution: r.resolution,
      outcome: r.outcome,
      messages: r.messages.map((m) => ({ id: m.id, authorName: m.authorName, fromStaff: m.fromStaff, body: m.body, at: m.at.toISOString(), files: m.files })),
      history: r.history.map((h) => ({ event: h.event, status: h.status, at: h.at.toISOString(), byName: h.byName })),
    },
    readAt: previousRead?.toISOString() ?? null,
    canRate: r.status === 'closed' && !rated,
    maxBytes: maxUploadBytes(),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, serviceRequest } = await load(request, params.id)
  requireAbility(user, 'update', asSubject('ServiceRequest', serviceRequest))
  const t = makeT(await getLocale(request))
  const here = `/family/services/${serviceRequest._id}`
  if ((request.headers.get('Content-Type') ?? '').startsWith('multipart/form-data')) {
    const read = await readServiceMessage(request, t)
    if (!read.ok) return read.response
    const result = await postServiceMessage(serviceRequest._id.toString(), user, false, read.body, read.files)
    if (!result.ok) {
      await read.discard()
      if (result.reason === 'empty') return data({ ok: false as const, errors: { body: t('service.emptyMessage') } as FieldErrors, formError: null as string | null }, { status: 400 })
      return data({ ok: false as const, errors: {} as FieldErrors, formError: t('service.closedNoMessages') }, { status: 409 })
    }
    await notifyAssignee(request, result.request)
    return redirectWithToast(here, t('service.sent'))
  }
  const formData = await request.formData()
  if (formData.get('intent') !== 'cancel') throw new Response('Unknown intent', { status: 400 })
  const result = await cancelServiceRequest(serviceRequest._id.toString(), { _id: user._id, name: user.name })
  if (!result.ok) return data({ ok: false as const, errors: {} as FieldErrors, formError: t('service.cannotCancel') }, { status: 409 })
  return redirectWithToast('/family/services', t('service.cancelled'))
}

export default function FamilyServicePage() {
  const t = useT()
  const { request: r, readAt, canRate, maxBytes } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors: FieldErrors = actionData?.errors ?? {}
  const open = r.status === 'requested' || r.status === 'in_progress'
  return (
    <div className="stack">
      <PageHeader
        eyebrow={<Link to="/family/services">{t('service.title')}</Link>}
        title={`${r.number} · ${r.title}`}
        description={
          <>
            <StatusBadge status={r.status} label={t(`service.status.${r.status}`)} /> {t(`service.kind.${r.kind}`)} · {t('service.openedOn')} <DateTime value={r.openedAt} dateOnly />
            {r.assigneeName ? ` · ${t('service.handledBy', { name: r.assigneeName })}` : ''}
          </>
        }
        actions={
          r.status === 'requested' ? (
            <ConfirmDialog label={t('service.cancel')} message={t('service.cancelConfirm')} name="intent" value="cancel" variant="secondary" />
          ) : null
        }
      />
      {r.status === 'closed' ? (
        <Card title={t('service.outcome')}>
          <p>
            <strong>{t(`service.resolution.${r.resolution ?? 'resolved'}`)}</strong>
          </p>
          <p className="pre-line">{r.outcome}</p>
        </Card>
      ) : null}
      {canRate ? <RatingForm touchpoint="service_request" subjectId={r.id} redirectTo={`/family/services/${r.id}`} title={t('service.rate')} /> : null}
      <Card title={t('service.thread')}>
        <ServiceThread requestId={r.id} messages={r.messages} readAt={readAt} side="family" />
      </Card>
      {open ? (
        <Card title={t('service.reply')}>
          <ServiceMessageForm action={`/family/services/${r.id}`} errors={errors} formError={actionData?.formError} maxBytes={maxBytes} resetKey={r.messages.length} />
        </Card>
      ) : null}
      <details className="card">
        <summary>{t('application.timeline')}</summary>
        <Timeline items={r.history.map((h) => ({ at: h.at, status: h.status, title: t(`service.event.${h.event}`, { name: h.byName }) }))} />
      </details>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, 'service.pageTitle', { number: data?.request.number ?? '' })

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
