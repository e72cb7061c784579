import { redirect, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { ApplicationSummary, type AnswersView } from '#app/components/application-summary'
import { RatingForm } from '#app/components/rating-form'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { ButtonLink, Card, DateTime, PageHeader, StatusBadge, Timeline } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { getEnv } from '#app/utils/env.server'
import { useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import abadStyles from '#app/styles/abad.css'
import { ensureReference, getApplication } from '#models/application.server'
import { getRating } from '#models/rating.server'
import { addWorkingDays } from '#models/working-days'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: abadStyles }]

/** The applicant's (and later the family's) view of one application: status, timeline, decision, rating. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const found = await getApplication(params.id)
  if (!found) throw new Response('Not found', { status: 404 })
  requireAbility(user, 'read', asSubject('Application', found))
  if (found.status === 'draft') throw redirect(`/apply/${found.kind}`)
  const app = await ensureReference(found)
  const own = String(app.applicantId) === String(user._id) || Boolean(app.familyId && user.familyId && String(app.familyId) === String(user.familyId))
  const decided = Boolean(app.decision) && ['accepted', 'rejected', 'waitlisted'].includes(app.status)
  const rated = decided && own ? Boolean(await getRating('application_decision', app._id, user._id)) : true
  const now = Date.now()
  return {
    app: {
      id: String(app._id),
      ref: app.ref ?? '',
      status: app.status,
      submittedAt: app.submittedAt?.toISOString() ?? null,
      expectedBy: app.submittedAt && ['submitted', 'in_review'].includes(app.status) ? addWorkingDays(app.submittedAt, getEnv().APPLICATION_DECISION_DAYS).toISOString() : null,
      assigneeName: app.assigneeName,
      answers: app.answers as AnswersView,
      documents: app.documents.map((doc) => ({ id: doc.id, slot: doc.slot, name: doc.name, type: doc.type, size: doc.size })),
      decision: app.decision ? { outcome: app.decision.outcome, message: app.decision.message, at: app.decision.at.toISOString() } : null,
      appointments: app.appointments
        .filter((a) => new Date(a.at).getTime() > now)
        .map((a) => ({ id: a.id, kind: a.kind, at: a.at.toISOString(), place: a.place, note: a.note })),
      history: app.history
        .filter((entry) => !entry.staffOnly)
        .map((entry) => ({ event: entry.event, status: entry.status, at: entry.at.toISOString(), byName: entry.byName, note: entry.event.endsWith('_scheduled') ? entry.note : '' })),
    },
    canRate: own && decided && !rated,
    isFamily: Boolean(user.familyId),
  }
}

export default function ApplicationPage() {
  const t = useT()
  const { app, canRate, isFamily } = useLoaderData<typeof loader>()
  return (
    <div className="stack">
      <PageHeader
        eyebrow={t('application.eyebrow')}
        title={t('application.titleRef', { ref: app.ref })}
        description={
          <>
            <StatusBadge status={app.status} label={t(`application.status.${app.status}`)} />{' '}
            {app.submittedAt ? (
              <span>
                {t('application.submittedOn')} <DateTime value={app.submittedAt} />
              </span>
            ) : null}
          </>
        }
        actions={
          app.status === 'accepted' && isFamily ? (
            <ButtonLink to="/family">{t('application.toFamily')}</ButtonLink>
          ) : null
        }
      />
      {app.expectedBy ? (
        <p className="notice" data-testid="expected-by">
          {t('application.expectedBy')} <DateTime value={app.expectedBy} dateOnly />
        </p>
      ) : null}
      {app.decision ? (
        <Card title={t(`application.decisionTitle.${app.decision.outcome}`)} className={`decision decision-${app.decision.outcome}`}>
          <p className="pre-line" data-testid="decision-message">
            {app.decision.message}
          </p>
          <p className="muted">
            <DateTime value={app.decision.at} />
          </p>
        </Card>
      ) : null}
      {canRate ? <RatingForm touchpoint="application_decision" subjectId={app.id} redirectTo={app.status === 'accepted' && isFamily ? '/family' : `/applications/${app.id}`} title={t('application.rateDecision')} /> : null}
      {app.appointments.length ? (
        <Card title={t('application.appointments')}>
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
      <Card title={t('application.timeline')}>
        <Timeline
          label={t('application.timeline')}
          items={app.history.map((entry) => ({
            at: entry.at,
            status: entry.status,
            title: t(`application.event.${entry.event}`, { name: entry.byName }),
            note: entry.note || undefined,
          }))}
        />
        {app.assigneeName ? <p className="muted">{t('application.caseManager', { name: app.assigneeName })}</p> : null}
      </Card>
      <details className="card">
        <summary>{t('application.yourAnswers')}</summary>
        <ApplicationSummary answers={app.answers} documents={app.documents} fileHref={(doc) => `/files/applications/${app.id}/${doc.id}`} headingLevel={3} />
      </details>
      {app.status === 'rejected' ? (
        <p>
          <Link to="/apply/abad">{t('application.applyAgain')}</Link>
        </p>
      ) : null}
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, 'application.titleRef', { ref: data?.app.ref ?? '' })

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
