import crypto from 'node:crypto'
import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { RatingForm } from '#app/components/rating-form'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { FillBar } from '#app/components/training/fill-bar'
import { Button, Card, ConfirmDialog, DateTime, FormError, PageHeader, StatusBadge } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { refusalMessage } from '#app/utils/booking-messages'
import { parseWith } from '#app/utils/form.server'
import { makeT, pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import trainingStyles from '#app/styles/training.css'
import '#app/utils/training-rating.server'
import { ratedSubjectIds } from '#models/rating.server'
import { cancelEnrolment, enrolInRun, getEnrolment, getHolderRunEnrolment, getRunSummary } from '#models/training.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: trainingStyles }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const locale = await getLocale(request)
  const summary = await getRunSummary(params.runId ?? '')
  if (!summary) throw new Response('Not found', { status: 404 })
  requireAbility(user, 'read', 'Course')
  const holder = user.familyId ? { kind: 'family' as const, id: user.familyId } : null
  const mine = holder ? await getHolderRunEnrolment(holder, summary.run._id) : null
  const rated = mine && (mine.state === 'completed' || mine.state === 'failed') ? (await ratedSubjectIds('course_completion', [mine.enrolment._id], user._id)).size > 0 : true
  return {
    run: {
      id: String(summary.run._id),
      title: pickText(summary.course.title, locale),
      description: pickText(summary.course.description, locale),
      topic: summary.course.topic,
      expert: summary.course.visitingExpert,
      place: pickText(summary.place?.name, locale),
      capacity: summary.run.capacity,
      free: summary.free,
      waiting: summary.waiting,
      open: summary.open,
      passRule: summary.course.passRule,
      validityMonths: summary.course.certificateValidityMonths,
      cancelCutoffHours: summary.run.rules.cancelCutoffHours,
      sessions: summary.sessions.map((s, i) => ({ id: String(s._id), n: i + 1, startsAt: s.startsAt, endsAt: s.endsAt, free: Math.max(0, s.capacity - s.confirmed) })),
    },
    mine: mine
      ? {
          id: String(mine.enrolment._id),
          state: mine.state,
          bookings: mine.bookings.map((b) => ({ id: String(b._id), startsAt: b.startsAt, status: b.status, attendance: b.attendance, position: b.waitlistPosition })),
          certificate: mine.certificate ? { code: mine.certificate.code } : null,
          result: mine.enrolment.result,
          attendancePct: mine.enrolment.attendancePct,
        }
      : null,
    canEnrol: Boolean(holder),
    rated,
    idempotencyKey: crypto.randomUUID(),
  }
}

const EnrolSchema = z.object({
  intent: z.literal('enrol'),
  idempotencyKey: z.string().min(8).max(100),
  joinWaitlist: z.enum(['1', '0']).default('0'),
})
const CancelSchema = z.object({ intent: z.literal('cancel'), enrolmentId: z.string().min(1).max(40) })

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const locale = await getLocale(request)
  const t = makeT(locale)
  const form = await request.formData()
  const actor = { _id: user._id, name: user.name }
  const runId = params.runId ?? ''
  switch (form.get('intent')) {
    case 'enrol': {
      const parsed = parseWith(EnrolSchema, form, t)
      if (!parsed.ok) return data({ formError: t('form.invalid'), waitlistOffer: false }, { status: 400 })
      if (!user.familyId) return data({ formError: refusalMessage(t, locale, { reason: 'holder_not_eligible' }), waitlistOffer: false }, { status: 409 })
      const holder = { kind: 'family' as const, id: user.familyId }
      requireAbility(user, 'create', asSubject('Booking', { holder }))
      const result = await enrolInRun({ runId, holder, actor, idempotencyKey: `${user.familyId}:${parsed.data.idempotencyKey}`, joinWaitlist: parsed.data.joinWaitlist === '1' })
      if (!result.ok) {
        const offer = result.reason === 'capacity_full' && Boolean(result.details?.waitlist)
        return data({ formError: refusalMessage(t, locale, result), waitlistOffer: offer }, { status: 409 })
      }
      return redirectWithToast(`/family/training/${runId}`, t(result.state === 'waitlisted' ? 'training.toast.waitlisted' : 'training.toast.enrolled'))
    }
    case 'cancel': {
      const parsed = parseWith(CancelSchema, form, t)
      if (!parsed.ok) return data({ formError: t('form.invalid'), waitlistOffer: false }, { status: 400 })
      const enrolment = await getEnrolment(parsed.data.enrolmentId)
      if (!enrolment || String(enrolment.runId) !== runId) throw new Response('Not found', { status: 404 })
      requireAbility(user, 'delete', asSubject('Booking', { holder: enrolment.holder }))
      const result = await cancelEnrolment({ enrolmentId: enrolment._id, actor, by: 'holder' })
      if (!result.ok) return data({ formError: refusalMessage(t, locale, result), waitlistOffer: false }, { status: 409 })
      return redirectWithToast(`/family/training/${runId}`, t(result.lateCancel ? 'training.toast.cancelledLate' : 'training.toast.cancelled'))
    }
    default:
      return data({ formError: t('form.invalid'), waitlistOffer: false }, { status: 400 })
  }
}

export default function FamilyRunPage() {
  const t = useT()
  const { run, mine, canEnrol, rated, idempotencyKey } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const active = mine && (mine.state === 'enrolled' || mine.state === 'waitlisted')
  return (
    <div className="stack training">
      <PageHeader eyebrow={<Link to="/family/training">{t('training.family.title')}</Link>} title={run.title} description={`${t(`training.topic.${run.topic}`)} · ${run.place}`} />
      {run.description ? <p className="lead">{run.description}</p> : null}
      <FormError error={result?.formError} />

      <Card title={t('training.run.enrolment')}>
        {mine ? (
          <p data-testid="enrolment-state">
            {t('training.run.yourState')} <StatusBadge status={mine.state} />
          </p>
        ) : null}
        <FillBar free={run.free} capacity={run.capacity} waiting={run.waiting} />
        <p className="muted">
          {t('training.run.rule', { pct: run.passRule.minAttendancePct })} {run.passRule.requiresPass ? t('training.run.ruleExam') : ''}{' '}
          {run.validityMonths ? t('training.run.validity', { months: run.validityMonths }) : ''}
        </p>
        {!mine && run.open && canEnrol ? (
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="enrol" />
            <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
            {result?.waitlistOffer ? (
              <>
                <input type="hidden" name="joinWaitlist" value="1" />
                <p>{t('training.run.waitlistOffer')}</p>
                <Button type="submit">{t('training.run.joinWaitlist')}</Button>
              </>
            ) : (
              <Button type="submit">{t('training.run.enrol')}</Button>
            )}
          </Form>
        ) : null}
        {!mine && !run.open ? <p>{t('training.run.closed')}</p> : null}
        {!canEnrol ? <p>{t('training.family.notAccepted')}</p> : null}
        {active ? (
          <ConfirmDialog
            label={mine.state === 'waitlisted' ? t('training.run.leaveWaitlist') : t('training.run.cancel')}
            message={run.cancelCutoffHours ? t('training.run.cancelMessageCutoff', { hours: run.cancelCutoffHours }) : t('training.run.cancelMessage')}
            name="intent"
            value="cancel"
          >
            <input type="hidden" name="enrolmentId" value={mine.id} />
          </ConfirmDialog>
        ) : null}
        {mine?.certificate ? (
          <p>
            <Link to={`/family/certificates/${mine.certificate.code}`} className="button button-primary" data-testid="certificate-link">
              {t('training.run.certificate')}
            </Link>
          </p>
        ) : null}
        {mine?.result?.note ? (
          <p>
            {t('training.run.trainerNote')}: {mine.result.note}
          </p>
        ) : null}
      </Card>

      <Card title={t('training.run.sessionsTitle')}>
        <ol className="timetable">
          {run.sessions.map((s) => {
            const booking = mine?.bookings.find((b) => new Date(b.startsAt).getTime() === new Date(s.startsAt).getTime())
            return (
              <li key={s.id}>
                <span className="timetable-when">
                  {t('training.session.n', { n: s.n })}: <DateTime value={s.startsAt} /> – <DateTime value={s.endsAt} options={{ timeStyle: 'short' }} />
                </span>
                {booking ? <StatusBadge status={booking.attendance ?? booking.status} label={booking.attendance ? t(`attendance.${booking.attendance}`) : undefined} /> : null}
                {booking?.status === 'waitlisted' && booking.position ? <span className="muted">{t('training.run.position', { n: booking.position })}</span> : null}
              </li>
            )
          })}
        </ol>
      </Card>

      {mine && (mine.state === 'completed' || mine.state === 'failed') && !rated ? (
        <RatingForm touchpoint="course_completion" subjectId={mine.id} redirectTo={`/family/training/${run.id}`} title={t('training.rating.title')} />
      ) : null}
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'training.run.pageTitle')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
