import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { ServiceMessageForm, ServiceThread } from '#app/components/service-thread'
import { Button, Card, DateTime, FormError, PageHeader, RadioGroup, SelectField, StatusBadge, TextArea, Timeline, useFocusFirstError } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { getEnv } from '#app/utils/env.server'
import { invalid, parseWith, refuse, type FieldErrors } from '#app/utils/form.server'
import { formatNumber, makeT, useLocale, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { notifyRequester, readServiceMessage } from '#app/utils/service-requests.server'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { maxUploadBytes } from '#app/utils/uploads.server'
import abadStyles from '#app/styles/abad.css'
import { SERVICE_HANDLER_ROLE, SERVICE_RESOLUTIONS } from '#models/service-kinds'
import {
  closeServiceRequest,
  getServiceRequest,
  markServiceRead,
  postServiceMessage,
  serviceWorkingDays,
  takeServiceRequest,
} from '#models/service-request.server'
import { getUserById, listUsers } from '#models/user.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: abadStyles }]

async function load(request: Request, id: string | undefined) {
  const user = await requireUser(request)
  const serviceRequest = await getServiceRequest(id)
  if (!serviceRequest) throw new Response('Not found', { status: 404 })
  const ability = requireAbility(user, 'read', asSubject('ServiceRequest', serviceRequest))
  // the family's own view is /family/services/:id
  if (user.familyId && String(user.familyId) === String(serviceRequest.familyId) && !user.roles.includes('admin')) throw new Response('Forbidden', { status: 403 })
  return { user, ability, serviceRequest }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, ability, serviceRequest: r } = await load(request, params.id)
  const subject = asSubject('ServiceRequest', r)
  const canUpdate = ability.can('update', subject)
  const canAssign = ability.can('assign', subject)
  const previousRead = r.staffReadAt
  if (canUpdate && String(r.assigneeId ?? '') === String(user._id)) await markServiceRead(r._id, 'staff')
  const staff = canAssign ? await listUsers({ role: SERVICE_HANDLER_ROLE[r.kind], status: 'active', perPage: 100, sort: 'name', dir: 1 }) : null
  const targetDays = getEnv().SERVICE_TARGET_DAYS
  const days = serviceWorkingDays(r)
  return {
    request: {
      id: String(r._id),
      number: r.number,
      familyName: r.familyName,
      familyId: String(r.familyId),
      region: r.region,
      kind: r.kind,
      title: r.title,
      status: r.status,
      requestedByName: r.requestedByName,
      assigneeId: r.assigneeId ? String(r.assigneeId) : null,
      assigneeName: r.assigneeName,
      openedAt: r.openedAt.toISOString(),
      takenAt: r.takenAt?.toISOString() ?? null,
      closedAt: r.closedAt?.toISOString() ?? null,
      resolution: r.resolution,
      outcome: r.outcome,
      messages: r.messages.map((m) => ({ id: m.id, authorName: m.authorName, fromStaff: m.fromStaff, body: m.body, at: m.at.toISOString(), files: m.files })),
      history: r.history.map((h) => ({ event: h.event, status: h.status, at: h.at.toISOString(), byName: h.byName, note: h.note })),
    },
    time: { days: Math.round(days * 10) / 10, targetDays, over: days > targetDays },
    readAt: previousRead?.toISOString() ?? null,
    can: { update: canUpdate, assign: canAssign },
    me: String(user._id),
    staff: (staff?.items ?? []).map((s) => ({ id: String(s._id), name: s.name, region: s.region ?? null })),
    maxBytes: maxUploadBytes(),
  }
}

const AssignSchema = z.object({ assigneeId: z.string().min(1, 'form.required') })
const CloseSchema = z.object({
  resolution: z.enum(SERVICE_RESOLUTIONS, { message: 'form.required' }),
  outcome: z.string().trim().min(10, 'form.tooShort').max(2000, 'form.tooLong'),
})

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, serviceRequest } = await load(request, params.id)
  const subject = asSubject('ServiceRequest', serviceRequest)
  const t = makeT(await getLocale(request))
  const actor = { _id: user._id, name: user.name }
  const id = String(serviceRequest._id)
  const here = `/admin/services/${id}`
  if ((request.headers.get('Content-Type') ?? '').startsWith('multipart/form-data')) {
    requireAbility(user, 'update', subject)
    const read = await readServiceMessage(request, t)
    if (!read.ok) return read.response
    const result = await postServiceMessage(id, user, true, read.body, read.files)
    if (!result.ok) {
      await read.discard()
      if (result.reason === 'empty') return data({ ok: false as const, errors: { body: t('service.emptyMessage') } as FieldErrors, formError: null as string | null }, { status: 400 })
      return refuse(t('service.closedNoMessages'))
    }
    await notifyRequester(request, result.request, 'service_message', { author: user.name })
    return redirectWithToast(here, t('service.sent'))
  }
  const formData = await request.formData()
  switch (formData.get('intent')) {
    case 'take': {
      requireAbility(user, 'update', subject)
      const result = await takeServiceRequest(id, user, actor)
      if (!result.ok) return refuse(t('service.notOpen'))
      await notifyRequester(request, result.request, 'service_taken', { staff: user.name })
      return redirectWithToast(here, t('service.taken'))
    }
    case 'assign': {
      requireAbility(user, 'assign', subject)
      const form = parseWith(AssignSchema, formData, t)
      if (!form.ok) return invalid(form.errors)
      const assignee = await getUserById(form.data.assigneeId)
      if (!assignee || assignee.status !== 'active' || !assignee.roles.includes(SERVICE_HANDLER_ROLE[serviceRequest.kind])) return invalid({ assigneeId: t('service.assignWrongRole') })
      const result = await takeServiceRequest(id, assignee, actor)
      if (!result.ok) return refuse(t('service.notOpen'))
      if (serviceRequest.status === 'requested') await notifyRequester(request, result.request, 'service_taken', { staff: assignee.name })
      return redirectWithToast(here, t('review.assign.done', { name: assignee.name }))
    }
    case 'close': {
      requireAbility(user, 'update', subject)
      const form = parseWith(CloseSchema, formData, t)
      if (!form.ok) return invalid(form.errors)
      const result = await closeServiceRequest(id, form.data, actor)
      if (!result.ok) return refuse(t('service.notInProgress'))
      await notifyRequester(request, result.request, 'service_closed', { outcome: form.data.outcome })
      return redirectWithToast(here, t('service.closedDone'))
    }
    default:
      throw new Response('Unknown intent', { status: 400 })
  }
}

export default function StaffServicePage() {
  const t = useT()
  const locale = useLocale()
  const { request: r, time, readAt, can, me, staff, maxBytes } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors: FieldErrors = actionData?.errors ?? {}
  const formError = actionData && 'formError' in actionData ? (actionData.formError as string | null) : null
  useFocusFirstError(errors, formError)
  const open = r.status === 'requested' || r.status === 'in_progress'
  return (
    <div className="stack">
      <PageHeader
        eyebrow={<Link to="/admin/services">{t('service.queue.title')}</Link>}
        title={`${r.number} · ${r.title}`}
        description={
          <>
            <StatusBadge status={r.status} label={t(`service.status.${r.status}`)} /> {t(`service.kind.${r.kind}`)} · {r.familyName}
            {r.region ? ` · ${t(`abad.region.${r.region}`)}` : ''} · {t('service.openedOn')} <DateTime value={r.openedAt} dateOnly />
          </>
        }
      />
      <p className={time.over ? 'notice overdue-text' : 'notice'} data-testid="service-time">
        {t(r.closedAt ? 'service.timeClosed' : 'service.timeOpen', { days: formatNumber(time.days, locale), target: time.targetDays })}
      </p>
      <FormError error={formError} />
      <div className="review-layout">
        <div className="review-main stack">
          <Card title={t('service.thread')}>
            <ServiceThread requestId={r.id} messages={r.messages} readAt={readAt} side="staff" />
          </Card>
          {open && can.update ? (
            <Card title={t('service.reply')}>
              <ServiceMessageForm action={`/admin/services/${r.id}`} errors={errors} formError={null} maxBytes={maxBytes} resetKey={r.messages.length} />
            </Card>
          ) : null}
          <details className="card">
            <summary>{t('application.timeline')}</summary>
            <Timeline items={r.history.map((h) => ({ at: h.at, status: h.status, title: t(`service.event.${h.event}`, { name: h.byName }), note: h.note || undefined }))} />
          </details>
        </div>
        <div className="review-side stack">
          <Card title={t('review.assign.title')}>
            <p>{r.assigneeName ? t('review.assign.current', { name: r.assigneeName }) : t('review.unassigned')}</p>
            {open && can.update && r.assigneeId !== me ? (
              <Form method="post">
                <Button type="submit" name="intent" value="take">
                  {t('service.take')}
                </Button>
              </Form>
            ) : null}
            {open && can.assign && staff.length ? (
              <Form method="post" className="stack">
                <SelectField name="assigneeId" label={t('review.assign.to')} defaultValue={r.assigneeId ?? ''} placeholder={t('apply.choose')} options={staff.map((s) => ({ value: s.id, label: s.name }))} error={errors.assigneeId} />
                <Button type="submit" name="intent" value="assign" variant="secondary">
                  {t('review.assign.submit')}
                </Button>
              </Form>
            ) : null}
          </Card>
          {r.status === 'in_progress' && can.update ? (
            <Card title={t('service.close')}>
              <Form method="post" className="stack" noValidate>
                <RadioGroup name="resolution" label={t('service.resolutionLabel')} required options={SERVICE_RESOLUTIONS.map((value) => ({ value, label: t(`service.resolution.${value}`) }))} error={errors.resolution} />
                <TextArea name="outcome" label={t('service.outcome')} hint={t('service.outcomeHint')} required rows={4} error={errors.outcome} />
                <Button type="submit" name="intent" value="close">
                  {t('service.closeSubmit')}
                </Button>
              </Form>
            </Card>
          ) : null}
          {r.status === 'closed' ? (
            <Card title={t('service.outcome')}>
              <p>
                <strong>{t(`service.resolution.${r.resolution ?? 'resolved'}`)}</strong> · <DateTime value={r.closedAt!} />
              </p>
              <p className="pre-line">{r.outcome}</p>
            </Card>
          ) : null}
        </div>
      </div>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, 'service.pageTitle', { number: data?.request.number ?? '' })

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
