import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { FillBar } from '#app/components/training/fill-bar'
import { Button, Card, CheckboxGroup, ConfirmDialog, DataTable, DateField, DateTime, FormError, PageHeader, StatusBadge, TextField, useFocusFirstError, type Column } from '#app/components/ui/index'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { refusalMessage } from '#app/utils/booking-messages'
import { parseWith, type FieldErrors } from '#app/utils/form.server'
import { formatDate, makeT, pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { zonedToUtc } from '#app/utils/zoned-time'
import trainingStyles from '#app/styles/training.css'
import { cancelSlot, changeCapacity } from '#models/booking.server'
import { createSlotTemplate, generateSlots, slotBelongsTo } from '#models/slot.server'
import { addRunSession, getRunSummary, listRunParticipants } from '#models/training.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: trainingStyles }]

async function requireStaff(request: Request) {
  const user = await requireUser(request)
  requireAbility(user, 'update', 'Slot')
  requireAbility(user, 'create', 'Course')
  return user
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireStaff(request)
  const locale = await getLocale(request)
  const summary = await getRunSummary(params.runId ?? '')
  if (!summary) throw new Response('Not found', { status: 404 })
  const participants = await listRunParticipants(summary.run._id)
  return {
    run: {
      id: String(summary.run._id),
      code: summary.run.code,
      title: pickText(summary.course.title, locale),
      place: pickText(summary.place?.name, locale),
      capacity: summary.run.capacity,
      free: summary.free,
      waiting: summary.waiting,
      sessionsCount: summary.course.sessionsCount,
    },
    sessions: summary.sessions.map((s, i) => ({ id: String(s._id), n: i + 1, startsAt: s.startsAt, endsAt: s.endsAt, capacity: s.capacity, confirmed: s.confirmed, waiting: s.waiting, status: s.status })),
    participants: participants.map((p) => ({
      id: String(p.enrolment._id),
      name: p.name,
      state: p.state,
      attendancePct: p.enrolment.attendancePct,
      pass: p.enrolment.result.pass,
      certificate: p.certificate ? { code: p.certificate.code, revoked: Boolean(p.certificate.revokedAt) } : null,
    })),
  }
}

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'training.admin.timeFormat')
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'form.invalidDate')
const SessionSchema = z.object({ day, starts: time, ends: time }).refine((v) => v.ends > v.starts, { path: ['ends'], message: 'training.admin.endAfterStart' })
const TemplateSchema = z
  .object({ weekdays: z.array(z.coerce.number().int().min(1).max(7)).min(1, 'form.chooseAtLeast'), starts: time, ends: time, from: day, to: day })
  .refine((v) => v.ends > v.starts, { path: ['ends'], message: 'training.admin.endAfterStart' })
  .refine((v) => v.to >= v.from, { path: ['to'], message: 'training.admin.toAfterFrom' })
const CapacitySchema = z.object({ slotId: z.string().min(1).max(40), capacity: z.coerce.number().int().min(0).max(500) })
const CancelSchema = z.object({ slotId: z.string().min(1).max(40), reason: z.string().trim().max(300).default('') })

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireStaff(request)
  const locale = await getLocale(request)
  const t = makeT(locale)
  const summary = await getRunSummary(params.runId ?? '')
  if (!summary) throw new Response('Not found', { status: 404 })
  const form = await request.formData()
  const intent = String(form.get('intent') ?? '')
  const actor = { _id: user._id, name: user.name }
  const here = `/admin/training/runs/${String(summary.run._id)}`
  const zone = summary.place?.timezone || 'Asia/Baku'
  const refused = (reason: { reason: string; details?: Record<string, unknown> }) => data({ intent, errors: {} as FieldErrors, formError: refusalMessage(t, locale, reason) }, { status: 409 })
  const ownSlot = (slotId: string) => slotBelongsTo(slotId, summary.run._id)
  switch (intent) {
    case 'session': {
      const parsed = parseWith(SessionSchema, form, t)
      if (!parsed.ok) return data({ intent, errors: parsed.errors, formError: t('form.invalid') }, { status: 400 })
      const result = await addRunSession(summary.run._id, { startsAt: zonedToUtc(parsed.data.day, parsed.data.starts, zone), endsAt: zonedToUtc(parsed.data.day, parsed.data.ends, zone) }, actor)
      if (!result.ok) return refused(result)
      return redirectWithToast(here, t('training.admin.sessionAdded'))
    }
    case 'template': {
      const parsed = parseWith(TemplateSchema, { ...Object.fromEntries(form), weekdays: form.getAll('weekdays') }, t)
      if (!parsed.ok) return data({ intent, errors: parsed.errors, formError: t('form.invalid') }, { status: 400 })
      const { weekdays, starts, ends, from, to } = parsed.data
      const template = await createSlotTemplate({ resourceId: summary.run._id, weekdays, times: [{ starts, ends }], from, to, staffId: summary.run.staffIds[0] ?? null }, actor)
      const result = await generateSlots(template._id, actor)
      if (!result.ok) return refused(result)
      const skipped = result.skipped.map((s) => `${formatDate(`${s.date}T12:00:00Z`, locale)}: ${refusalMessage(t, locale, { reason: s.reason, details: { date: s.date, note: s.note } })}`)
      return redirectWithToast(here, [t('training.admin.generated', { created: result.created, existing: result.existing }), ...skipped].join(' '), skipped.length ? 'info' : 'success')
    }
    case 'capacity': {
      const parsed = parseWith(CapacitySchema, form, t)
      if (!parsed.ok || !(await ownSlot(parsed.data.slotId))) return data({ intent, errors: {} as FieldErrors, formError: t('form.invalid') }, { status: 400 })
      const result = await changeCapacity(parsed.data.slotId, parsed.data.capacity, actor)
      if (!result.ok) return refused(result)
      return redirectWithToast(here, t('training.admin.capacityChanged', { promoted: result.promoted?.length ?? 0 }))
    }
    case 'cancel': {
      const parsed = parseWith(CancelSchema, form, t)
      if (!parsed.ok || !(await ownSlot(parsed.data.slotId))) return data({ intent, errors: {} as FieldErrors, formError: t('form.invalid') }, { status: 400 })
      const result = await cancelSlot(parsed.data.slotId, actor, { reason: parsed.data.reason })
      if (!result.ok) return refused(result)
      return redirectWithToast(here, t('training.admin.sessionCancelled', { count: result.affected ?? 0 }))
    }
    default:
      return data({ intent, errors: {} as FieldErrors, formError: t('form.invalid') }, { status: 400 })
  }
}

type SessionRow = ReturnType<typeof useLoaderData<typeof loader>>['sessions'][number]
type ParticipantRow = ReturnType<typeof useLoaderData<typeof loader>>['participants'][number]

export default function AdminRunPage() {
  const t = useT()
  const { run, sessions, participants } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const errorsFor = (intent: string): FieldErrors => (result?.intent === intent ? result.errors : {})
  const sessionRef = useFocusFirstError(errorsFor('session'), result?.intent === 'session' ? result.formError : null)
  const templateRef = useFocusFirstError(errorsFor('template'), result?.intent === 'template' ? result.formError : null)
  const sessionColumns: Column<SessionRow>[] = [
    { key: 'n', header: '#', rowHeader: true, cell: (s) => <Link to={`/trainer/sessions/${s.id}`}>{s.n}</Link> },
    { key: 'start', header: t('training.admin.col.start'), cell: (s) => <DateTime value={s.startsAt} /> },
    { key: 'end', header: t('training.admin.col.end'), cell: (s) => <DateTime value={s.endsAt} options={{ timeStyle: 'short' }} /> },
    { key: 'fill', header: t('training.admin.col.fill'), cell: (s) => <FillBar free={Math.max(0, s.capacity - s.confirmed)} capacity={s.capacity} waiting={s.waiting} /> },
    { key: 'status', header: t('training.admin.col.status'), cell: (s) => <StatusBadge status={s.status} /> },
    {
      key: 'actions',
      header: t('training.admin.col.actions'),
      cell: (s) =>
        s.status === 'open' ? (
          <div className="inline-form">
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="capacity" />
              <input type="hidden" name="slotId" value={s.id} />
              <label className="visually-hidden" htmlFor={`cap-${s.id}`}>
                {t('training.admin.capacity')}
              </label>
              <input id={`cap-${s.id}`} name="capacity" type="number" min={0} max={500} defaultValue={s.capacity} className="input input-small" style={{ width: '5rem' }} />
              <Button type="submit" size="small" variant="secondary">
                {t('training.admin.setCapacity')}
              </Button>
            </Form>
            <ConfirmDialog label={t('training.admin.cancelSession')} message={t('training.admin.cancelSessionMessage', { count: s.confirmed + s.waiting })} name="intent" value="cancel" size="small">
              <input type="hidden" name="slotId" value={s.id} />
            </ConfirmDialog>
          </div>
        ) : null,
    },
  ]
  const participantColumns: Column<ParticipantRow>[] = [
    { key: 'name', header: t('training.admin.col.name'), rowHeader: true, cell: (p) => p.name },
    { key: 'state', header: t('training.admin.col.status'), cell: (p) => <StatusBadge status={p.state} /> },
    { key: 'attendance', header: t('training.admin.col.attendance'), align: 'end', cell: (p) => (p.attendancePct == null ? '—' : `${p.attendancePct}%`) },
    { key: 'result', header: t('training.admin.col.result'), cell: (p) => (p.pass == null ? '—' : t(p.pass ? 'training.sheet.pass' : 'training.sheet.fail')) },
    { key: 'certificate', header: t('training.admin.col.certificate'), cell: (p) => (p.certificate ? <Link to={`/family/certificates/${p.certificate.code}`}>{p.certificate.code}</Link> : '—') },
  ]
  return (
    <div className="stack training">
      <PageHeader eyebrow={<Link to="/admin/training">{t('training.admin.title')}</Link>} title={run.title} description={`${run.code} · ${run.place}`} />
      <FillBar free={run.free} capacity={run.capacity} waiting={run.waiting} />
      <FormError error={result && !['session', 'template'].includes(result.intent) ? result.formError : null} />
      <DataTable caption={t('training.admin.sessions', { planned: run.sessionsCount })} columns={sessionColumns} rows={sessions} rowKey={(s) => s.id} />
      <Card title={t('training.admin.addSession')}>
        <Form method="post" className="stack" ref={sessionRef} noValidate data-testid="add-session">
          <input type="hidden" name="intent" value="session" />
          <FormError error={result?.intent === 'session' ? result.formError : null} />
          <DateField name="day" label={t('training.admin.day')} required error={errorsFor('session').day} />
          <TextField name="starts" type="time" label={t('training.admin.starts')} required error={errorsFor('session').starts} />
          <TextField name="ends" type="time" label={t('training.admin.ends')} required error={errorsFor('session').ends} />
          <Button type="submit">{t('training.admin.addSessionSubmit')}</Button>
        </Form>
      </Card>
      <Card title={t('training.admin.template')}>
        <Form method="post" className="stack" ref={templateRef} noValidate>
          <input type="hidden" name="intent" value="template" />
          <FormError error={result?.intent === 'template' ? result.formError : null} />
          <CheckboxGroup
            name="weekdays"
            label={t('training.admin.weekdays')}
            inline
            options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: String(d), label: t(`training.weekday.${d}`) }))}
            error={errorsFor('template').weekdays}
          />
          <TextField name="starts" type="time" label={t('training.admin.starts')} required error={errorsFor('template').starts} />
          <TextField name="ends" type="time" label={t('training.admin.ends')} required error={errorsFor('template').ends} />
          <DateField name="from" label={t('training.admin.from')} required error={errorsFor('template').from} />
          <DateField name="to" label={t('training.admin.to')} required error={errorsFor('template').to} />
          <Button type="submit">{t('training.admin.generate')}</Button>
        </Form>
      </Card>
      <DataTable caption={t('training.admin.participants')} columns={participantColumns} rows={participants} rowKey={(p) => p.id} />
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'training.admin.runTitle')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
