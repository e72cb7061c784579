import { type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useState } from 'react'
import { z } from 'zod'
import { ApplicationSummary, type AnswersView } from '#app/components/application-summary'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import {
  Button,
  Card,
  CheckboxField,
  DateField,
  DateTime,
  FormError,
  PageHeader,
  RadioGroup,
  SelectField,
  StatusBadge,
  TextArea,
  TextField,
  Timeline,
  useFocusFirstError,
} from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { appointmentMailParams, decisionTemplate, notifyApplicant } from '#app/utils/application-mail.server'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { getEnv } from '#app/utils/env.server'
import { invalid, parseWith, refuse, type FieldErrors } from '#app/utils/form.server'
import { makeT, useT, type Locale } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import abadStyles from '#app/styles/abad.css'
import { ABAD_APPOINTMENT_KINDS, ABAD_CHECKLIST } from '#models/application-abad'
import { DECISION_OUTCOMES } from '#models/application-states'
import {
  assignApplication,
  claimDecisionNotice,
  completeDecision,
  decideApplication,
  ensureReference,
  getApplication,
  reopenApplication,
  scheduleAppointment,
  setChecklistItem,
  type Application,
} from '#models/application.server'
import { listSubjectHistory } from '#models/audit.server'
import { getUserById, listUsers } from '#models/user.server'
import { addWorkingDays, isOverdue, workingDaysBetween } from '#models/working-days'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: abadStyles }]

async function loadForStaff(request: Request, id: string | undefined) {
  const user = await requireUser(request)
  const found = await getApplication(id)
  if (!found) throw new Response('Not found', { status: 404 })
  // staff only: an applicant reads their own application at /applications/:id
  requireAbility(user, 'decide', 'Application')
  const ability = requireAbility(user, 'read', asSubject('Application', found))
  return { user, ability, app: await ensureReference(found) }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { user, ability, app } = await loadForStaff(request, params.id)
  const subject = asSubject('Application', app)
  const canAssignOthers = ability.can('assign', subject) && (Boolean(user.lead) || user.roles.includes('admin'))
  const [caseManagers, audit] = await Promise.all([
    canAssignOthers ? listUsers({ role: 'case_manager', status: 'active', perPage: 100, sort: 'name', dir: 1 }) : null,
    listSubjectHistory('Application', String(app._id)),
  ])
  const decisionDays = getEnv().APPLICATION_DECISION_DAYS
  const undecided = app.status === 'submitted' || app.status === 'in_review'
  return {
    app: {
      id: String(app._id),
      ref: app.ref ?? '',
      rev: app.rev,
      status: app.status,
      region: app.region,
      applicantName: app.applicantName,
      applicantEmail: app.applicantEmail,
      applicantLocale: app.applicantLocale,
      submittedAt: app.submittedAt?.toISOString() ?? null,
      dueAt: app.submittedAt && undecided ? addWorkingDays(app.submittedAt, decisionDays).toISOString() : null,
      overdue: Boolean(app.submittedAt && undecided && isOverdue(app.submittedAt, decisionDays)),
      ageDays: app.submittedAt ? Math.floor(workingDaysBetween(app.submittedAt, app.decidedAt ?? new Date())) : 0,
      assigneeId: app.assigneeId ? String(app.assigneeId) : null,
      assigneeName: app.assigneeName,
      answers: app.answers as AnswersView,
      documents: app.documents.map((doc) => ({ id: doc.id, slot: doc.slot, name: doc.name, type: doc.type, size: doc.size })),
      checklist: Object.fromEntries(
        ABAD_CHECKLIST.map((item) => {
          const entry = app.checklist?.[item]
          return [item, entry ? { done: entry.done, note: entry.note, byName: entry.byName, at: new Date(entry.at).toISOString() } : null]
        }),
      ),
      appointments: app.appointments.map((a) => ({ id: a.id, kind: a.kind, at: new Date(a.at).toISOString(), place: a.place, note: a.note, byName: a.byName })),
      decision: app.decision
        ? { outcome: app.decision.outcome, reason: app.decision.reason, message: app.decision.message, byName: app.decision.byName, at: app.decision.at.toISOString(), effectsDone: Boolean(app.decision.effectsDoneAt) }
        : null,
      familyId: app.familyId ? String(app.familyId) : null,
      history: app.history.map((entry) => ({ event: entry.event, status: entry.status, at: entry.at.toISOString(), byName: entry.byName, note: entry.note, staffOnly: entry.staffOnly })),
    },
    can: {
      assign: ability.can('assign', subject),
      assignOthers: canAssignOthers,
      update: ability.can('update', subject),
      decide: ability.can('decide', subject),
    },
    me: { id: String(user._id), name: user.name },
    caseManagers: (caseManagers?.items ?? []).map((cm) => ({ id: String(cm._id), name: cm.name, region: cm.region ?? null })),
    templates: Object.fromEntries(DECISION_OUTCOMES.map((outcome) => [outcome, decisionTemplate(app, outcome)])) as Record<(typeof DECISION_OUTCOMES)[number], string>,
    audit: audit.map((event) => ({ id: String(event._id), action: event.action, actorName: event.actorName, at: new Date(event.at).toISOString(), reason: event.reason })),
  }
}

const AssignSchema = z.object({ assigneeId: z.string().min(1, 'form.required'), rev: z.coerce.number().int().optional() })
const ChecklistSchema = z.object({
  item: z.enum(ABAD_CHECKLIST),
  done: z.preprocess((value) => value === 'on', z.boolean()),
  note: z.string().trim().max(500, 'form.tooLong').default(''),
})
const ScheduleSchema = z.object({
  kind: z.enum(ABAD_APPOINTMENT_KINDS, { message: 'form.required' }),
  at: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'form.invalidDate'),
  place: z.string().trim().min(3, 'form.tooShort').max(200, 'form.tooLong'),
  note: z.string().trim().max(500, 'form.tooLong').default(''),
})
const DecideSchema = z.object({
  outcome: z.enum(DECISION_OUTCOMES, { message: 'review.decide.chooseOutcome' }),
  reason: z.string().trim().min(5, 'review.decide.reasonRequired').max(1000, 'form.tooLong'),
  message: z.string().trim().max(5000, 'form.tooLong').default(''),
  rev: z.coerce.number().int(),
})
const ReopenSchema = z.object({ note: z.string().trim().max(500, 'form.tooLong').default('') })

/** A wall-clock time in Baku (UTC+4 all year) from a datetime-local field. */
function bakuTime(value: string) {
  return new Date(`${value}:00+04:00`)
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, app } = await loadForStaff(request, params.id)
  const t = makeT(await getLocale(request))
  const subject = asSubject('Application', app)
  const actor = { _id: user._id, name: user.name }
  const here = `/admin/applications/${app._id}`
  const formData = await request.formData()
  switch (formData.get('intent')) {
    case 'assign': {
      requireAbility(user, 'assign', subject)
      const form = parseWith(AssignSchema, formData, t)
      if (!form.ok) return invalid(form.errors)
      const mayAssignOthers = Boolean(user.lead) || user.roles.includes('admin')
      if (form.data.assigneeId !== String(user._id) && !mayAssignOthers) throw new Response('Forbidden', { status: 403 })
      const assignee = form.data.assigneeId === String(user._id) ? user : await getUserById(form.data.assigneeId)
      if (!assignee || !assignee.roles.includes('case_manager') || assignee.status !== 'active') return invalid({ assigneeId: t('review.assign.notCaseManager') })
      const result = await assignApplication(app._id, assignee, actor, { expectedRev: form.data.rev })
      if (!result.ok) return refuse(t(result.reason === 'stale' ? 'review.stale' : 'review.assign.notAssignable'))
      if (app.status === 'submitted') await notifyApplicant(request, result.app, 'application_in_review', { caseManager: assignee.name })
      return redirectWithToast(here, t('review.assign.done', { name: assignee.name }))
    }
    case 'checklist': {
      requireAbility(user, 'update', subject)
      const form = parseWith(ChecklistSchema, formData, t)
      if (!form.ok) return invalid(form.errors)
      const result = await setChecklistItem(app._id, form.data.item, { done: form.data.done, note: form.data.note }, actor)
      if (!result.ok) return refuse(t('review.notInReview'))
      return redirectWithToast(here, t('review.checklist.saved'))
    }
    case 'schedule': {
      requireAbility(user, 'update', subject)
      const form = parseWith(ScheduleSchema, formData, t)
      if (!form.ok) return invalid(form.errors)
      const at = bakuTime(form.data.at)
      if (Number.isNaN(at.getTime())) return invalid({ at: t('form.invalidDate') })
      const result = await scheduleAppointment(app._id, { kind: form.data.kind, at, place: form.data.place, note: form.data.note }, actor)
      if (!result.ok) {
        if (result.reason === 'in_past') return invalid({ at: t('review.schedule.inPast') })
        return refuse(t('review.notInReview'))
      }
      await notifyApplicant(request, result.app, 'application_appointment', appointmentMailParams(result.appointment, result.app.applicantLocale as Locale))
      return redirectWithToast(here, t('review.schedule.done'))
    }
    case 'decide': {
      requireAbility(user, 'decide', subject)
      const form = parseWith(DecideSchema, formData, t)
      if (!form.ok) return invalid(form.errors)
      const message = form.data.message || decisionTemplate(app, form.data.outcome, form.data.reason)
      const result = await decideApplication(app._id, { outcome: form.data.outcome, reason: form.data.reason, message }, actor, { expectedRev: form.data.rev })
      if (!result.ok) {
        const key = result.reason === 'already_decided' ? 'review.decide.already' : result.reason === 'stale' ? 'review.stale' : 'review.decide.notAllowed'
        return refuse(t(key))
      }
      await sendDecision(request, result.app)
      return redirectWithToast(here, t(`review.decide.done.${form.data.outcome}`))
    }
    case 'complete': {
      requireAbility(user, 'decide', subject)
      const done = await completeDecision(app, actor)
      await sendDecision(request, done)
      return redirectWithToast(here, t('review.decide.completed'))
    }
    case 'reopen': {
      requireAbility(user, 'decide', subject)
      const form = parseWith(ReopenSchema, formData, t)
      if (!form.ok) return invalid(form.errors)
      const result = await reopenApplication(app._id, actor, form.data.note)
      if (!result.ok) return refuse(t('review.reopen.notAllowed'))
      await notifyApplicant(request, result.app, 'application_reopened')
      return redirectWithToast(here, t('review.reopen.done'))
    }
    default:
      throw new Response('Unknown intent', { status: 400 })
  }
}

/** The decision message goes out once, after its effects are in place. */
async function sendDecision(request: Request, app: Application) {
  if (!app.decision?.effectsDoneAt) return
  if (!(await claimDecisionNotice(app._id))) return
  await notifyApplicant(request, app, `application_${app.decision.outcome}`, { message: app.decision.message })
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>

export default function ReviewApplicationPage() {
  const t = useT()
  const loaderData = useLoaderData<typeof loader>()
  const { app, can } = loaderData
  const actionData = useActionData<typeof action>()
  const errors: FieldErrors = actionData?.errors ?? {}
  const formError = actionData && 'formError' in actionData ? (actionData.formError as string) : null
  useFocusFirstError(errors, formError)
  const reviewing = app.status === 'in_review' || app.status === 'waitlisted'
  return (
    <div className="stack">
      <PageHeader
        eyebrow={<Link to="/admin/applications">{t('review.backToQueue')}</Link>}
        title={t('application.titleRef', { ref: app.ref })}
        description={
          <>
            <StatusBadge status={app.status} label={t(`application.status.${app.status}`)} />{' '}
            {app.overdue ? <StatusBadge status="overdue" label={t('review.overdue')} /> : null} {app.applicantName} · {app.region ? t(`abad.region.${app.region}`) : '—'} ·{' '}
            {t('review.age', { days: app.ageDays })}
            {app.dueAt ? (
              <>
                {' · '}
                {t('review.due')} <DateTime value={app.dueAt} dateOnly />
              </>
            ) : null}
          </>
        }
      />
      <FormError error={formError} />
      <div className="review-layout">
        <div className="review-main stack">
          <Card title={t('review.answers')}>
            <ApplicationSummary answers={app.answers} documents={app.documents} fileHref={(doc) => `/files/applications/${app.id}/${doc.id}`} headingLevel={3} />
            <p className="muted">
              {t('review.contact')}: <a href={`mailto:${app.applicantEmail}`}>{app.applicantEmail}</a> · {t('review.language')}: {app.applicantLocale.toUpperCase()}
            </p>
          </Card>
          <Card title={t('application.timeline')}>
            <Timeline
              label={t('application.timeline')}
              items={app.history.map((entry) => ({
                at: entry.at,
                status: entry.status,
                title: t(`application.event.${entry.event}`, { name: entry.byName }),
                actor: entry.byName || undefined,
                note: entry.note ? (entry.staffOnly ? `${t('review.internal')}: ${entry.note}` : entry.note) : undefined,
              }))}
            />
          </Card>
          <details className="card">
            <summary>{t('review.auditTrail')}</summary>
            <ul className="plain-list audit-list">
              {loaderData.audit.map((event) => (
                <li key={event.id}>
                  <DateTime value={event.at} /> · <code>{event.action}</code> · {event.actorName}
                  {event.reason ? ` — ${event.reason}` : ''}
                </li>
              ))}
            </ul>
          </details>
        </div>
        <div className="review-side stack">
          <AssignCard data={loaderData} errors={errors} />
          {reviewing && can.update ? <ChecklistCard data={loaderData} /> : null}
          {reviewing && can.update ? <ScheduleCard data={loaderData} errors={errors} /> : null}
          {app.appointments.length ? (
            <Card title={t('application.appointments')} level={2}>
              <ul className="plain-list">
                {app.appointments.map((a) => (
                  <li key={a.id}>
                    <strong>{t(`application.appointment.${a.kind}`)}</strong> · <DateTime value={a.at} /> · {a.place}
                    {a.note ? <span className="muted"> — {a.note}</span> : null}
                  </li>
                ))}
              </ul>
            </Card>
          ) : null}
          <DecisionCard data={loaderData} errors={errors} />
        </div>
      </div>
    </div>
  )
}

function AssignCard({ data, errors }: { data: Data; errors: FieldErrors }) {
  const t = useT()
  const { app, can, me, caseManagers } = data
  const open = ['submitted', 'in_review', 'waitlisted'].includes(app.status)
  return (
    <Card title={t('review.assign.title')}>
      <p data-testid="assignee">{app.assigneeName ? t('review.assign.current', { name: app.assigneeName }) : t('review.unassigned')}</p>
      {open && can.assign ? (
        <>
          {app.assigneeId !== me.id ? (
            <Form method="post">
              <input type="hidden" name="assigneeId" value={me.id} />
              <input type="hidden" name="rev" value={app.rev} />
              <Button type="submit" name="intent" value="assign" variant={can.assignOthers ? 'secondary' : 'primary'}>
                {app.status === 'submitted' ? t('review.assign.selfStart') : t('review.assign.self')}
              </Button>
            </Form>
          ) : null}
          {can.assignOthers && caseManagers.length ? (
            <Form method="post" className="stack">
              <input type="hidden" name="rev" value={app.rev} />
              <SelectField
                name="assigneeId"
                label={t('review.assign.to')}
                defaultValue={app.assigneeId ?? ''}
                placeholder={t('apply.choose')}
                options={caseManagers.map((cm) => ({ value: cm.id, label: cm.region ? `${cm.name} (${t(`abad.region.${cm.region}`)})` : cm.name }))}
                error={errors.assigneeId}
              />
              <Button type="submit" name="intent" value="assign" variant="secondary">
                {t('review.assign.submit')}
              </Button>
            </Form>
          ) : null}
        </>
      ) : null}
    </Card>
  )
}

function ChecklistCard({ data }: { data: Data }) {
  const t = useT()
  const { app } = data
  return (
    <Card title={t('review.checklist.title')}>
      <ul className="plain-list checklist">
        {ABAD_CHECKLIST.map((item) => {
          const entry = app.checklist[item]
          return (
            <li key={item}>
              <Form method="post" className="stack checklist-item" data-testid={`checklist-${item}`}>
                <input type="hidden" name="item" value={item} />
                <CheckboxField name="done" label={t(`abad.checklist.${item}`)} defaultChecked={entry?.done ?? false} />
                <TextField name="note" label={t('review.checklist.note')} defaultValue={entry?.note ?? ''} maxLength={500} />
                {entry ? (
                  <p className="muted">
                    {entry.byName} · <DateTime value={entry.at} />
                  </p>
                ) : null}
                <Button type="submit" name="intent" value="checklist" variant="secondary" size="small">
                  {t('review.checklist.save')}
                </Button>
              </Form>
            </li>
          )
        })}
      </ul>
    </Card>
  )
}

function ScheduleCard({ data, errors }: { data: Data; errors: FieldErrors }) {
  const t = useT()
  return (
    <Card title={t('review.schedule.title')}>
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="rev" value={data.app.rev} />
        <RadioGroup
          name="kind"
          label={t('review.schedule.kind')}
          inline
          required
          defaultValue="site_visit"
          options={ABAD_APPOINTMENT_KINDS.map((kind) => ({ value: kind, label: t(`application.appointment.${kind}`) }))}
          error={errors.kind}
        />
        <DateField name="at" withTime label={t('review.schedule.at')} hint={t('review.schedule.atHint')} required error={errors.at} />
        <TextField name="place" label={t('review.schedule.place')} required error={errors.place} />
        <TextField name="note" label={t('review.schedule.note')} error={errors.note} />
        <Button type="submit" name="intent" value="schedule" variant="secondary">
          {t('review.schedule.submit')}
        </Button>
      </Form>
    </Card>
  )
}

function DecisionCard({ data, errors }: { data: Data; errors: FieldErrors }) {
  const t = useT()
  const { app, can, templates } = data
  const [outcome, setOutcome] = useState<string>('')
  const [reason, setReason] = useState('')
  const [message, setMessage] = useState('')
  const [edited, setEdited] = useState(false)
  const shown = edited ? message : outcome ? templates[outcome as keyof typeof templates].replace('{reason}', reason || '…') : ''
  if (app.decision) {
    return (
      <Card title={t('review.decide.made')}>
        <p>
          <StatusBadge status={app.decision.outcome} label={t(`application.status.${app.decision.outcome}`)} /> · {app.decision.byName} · <DateTime value={app.decision.at} />
        </p>
        <p>
          <strong>{t('review.decide.reason')}:</strong> {app.decision.reason}
        </p>
        <details>
          <summary>{t('review.decide.sentMessage')}</summary>
          <p className="pre-line">{app.decision.message}</p>
        </details>
        {!app.decision.effectsDone && can.decide ? (
          <Form method="post">
            <p className="form-error">{t('review.decide.unfinished')}</p>
            <Button type="submit" name="intent" value="complete">
              {t('review.decide.complete')}
            </Button>
          </Form>
        ) : null}
        {app.status === 'waitlisted' && can.decide ? (
          <>
            <Form method="post" className="stack">
              <TextField name="note" label={t('review.reopen.note')} />
              <Button type="submit" name="intent" value="reopen" variant="secondary">
                {t('review.reopen.submit')}
              </Button>
            </Form>
            {decisionForm(['accepted'])}
          </>
        ) : null}
      </Card>
    )
  }
  if (app.status !== 'in_review' || !can.decide) {
    return (
      <Card title={t('review.decide.title')}>
        <p className="muted">{app.status === 'submitted' ? t('review.decide.assignFirst') : t('review.decide.notYours')}</p>
      </Card>
    )
  }
  return (
    <Card title={t('review.decide.title')}>
      {decisionForm([...DECISION_OUTCOMES])}
    </Card>
  )

  // a render helper, not a component: the form keeps its state (and focus) while the person types
  function decisionForm(outcomes: string[]) {
    return (
      <Form method="post" className="stack" noValidate data-testid="decision-form">
        <input type="hidden" name="rev" value={app.rev} />
        <fieldset className="field field-group" aria-describedby={errors.outcome ? 'outcome-error' : undefined}>
          <legend className="field-label">{t('review.decide.outcome')}</legend>
          <div className="choices">
            {outcomes.map((value) => (
              <div className="choice" key={value}>
                <input id={`outcome-${value}`} type="radio" name="outcome" value={value} checked={outcome === value} onChange={() => setOutcome(value)} aria-invalid={errors.outcome ? true : undefined} />
                <label htmlFor={`outcome-${value}`}>{t(`review.decide.as.${value}`)}</label>
              </div>
            ))}
          </div>
          {errors.outcome ? (
            <p id="outcome-error" className="field-error">
              {errors.outcome}
            </p>
          ) : null}
        </fieldset>
        <TextArea name="reason" label={t('review.decide.reason')} hint={t('review.decide.reasonHint')} required rows={3} value={reason} onChange={(e) => setReason(e.target.value)} error={errors.reason} />
        <TextArea
          name="message"
          label={t('review.decide.message', { language: app.applicantLocale.toUpperCase() })}
          hint={t('review.decide.messageHint')}
          rows={8}
          value={shown}
          onChange={(e) => {
            setEdited(true)
            setMessage(e.target.value)
          }}
          error={errors.message}
        />
        <Button type="submit" name="intent" value="decide">
          {t('review.decide.submit')}
        </Button>
      </Form>
    )
  }
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, 'application.titleRef', { ref: data?.app.ref ?? '' })

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
