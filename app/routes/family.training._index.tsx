import { type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { FillBar } from '#app/components/training/fill-bar'
import { ButtonLink, Card, DateTime, EmptyState, PageHeader, StatusBadge } from '#app/components/ui/index'
import { requireUser } from '#app/utils/auth.server'
import { pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import trainingStyles from '#app/styles/training.css'
import { CERTIFICATE_TONES } from '#app/components/training/certificate-tones'
import { listHolderCertificates, certificateState } from '#models/certificate.server'
import { isActiveFamily } from '#models/family.server'
import { listHolderEnrolments, listOpenRuns } from '#models/training.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: trainingStyles }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  if (!user.roles.includes('family') && !user.roles.includes('admin')) throw new Response('Forbidden', { status: 403 })
  const locale = await getLocale(request)
  const accepted = user.familyId ? await isActiveFamily(user.familyId) : false
  const holder = user.familyId ? { kind: 'family' as const, id: user.familyId } : null
  const [runs, enrolments, certificates] = await Promise.all([
    listOpenRuns(),
    holder ? listHolderEnrolments(holder) : [],
    holder ? listHolderCertificates(holder) : [],
  ])
  const mine = new Map(enrolments.map((e) => [String(e.enrolment.runId), e.state]))
  return {
    accepted,
    runs: runs.map((s) => ({
      id: String(s.run._id),
      title: pickText(s.course.title, locale),
      topic: s.course.topic,
      description: pickText(s.course.description, locale),
      place: pickText(s.place?.name, locale),
      firstStart: s.firstStart,
      lastEnd: s.lastEnd,
      sessions: s.sessions.length,
      capacity: s.run.capacity,
      free: s.free,
      waiting: s.waiting,
      mine: mine.get(String(s.run._id)) ?? null,
    })),
    timetable: enrolments
      .filter((e) => e.state === 'enrolled' || e.state === 'waitlisted')
      .flatMap((e) =>
        e.bookings.map((b) => ({
          id: String(b._id),
          runId: String(e.enrolment.runId),
          title: pickText(e.summary?.course.title, locale),
          place: pickText(e.summary?.place?.name, locale),
          startsAt: b.startsAt,
          endsAt: b.endsAt,
          status: b.status,
        })),
      )
      .filter((row) => new Date(row.endsAt) > new Date())
      .sort((a, b) => +new Date(a.startsAt) - +new Date(b.startsAt)),
    history: enrolments
      .filter((e) => e.state === 'completed' || e.state === 'failed')
      .map((e) => ({ runId: String(e.enrolment.runId), title: pickText(e.summary?.course.title, locale), state: e.state, completedAt: e.enrolment.completedAt })),
    certificates: certificates.map((c) => ({ code: c.code, title: pickText(c.courseTitle, locale), issuedAt: c.issuedAt, expiresAt: c.expiresAt, state: certificateState(c) })),
  }
}

export default function FamilyTrainingPage() {
  const t = useT()
  const { accepted, runs, timetable, history, certificates } = useLoaderData<typeof loader>()
  return (
    <div className="stack training">
      <PageHeader title={t('training.family.title')} description={t('training.family.intro')} />
      {!accepted ? (
        <div className="notice" role="note">
          <p>{t('training.family.notAccepted')}</p>
          <Link to="/apply/abad">{t('training.family.apply')}</Link>
        </div>
      ) : null}

      <Card title={t('training.family.timetable')}>
        {timetable.length ? (
          <ol className="timetable" data-testid="timetable">
            {timetable.map((row) => (
              <li key={row.id}>
                <span className="timetable-when">
                  <DateTime value={row.startsAt} /> – <DateTime value={row.endsAt} options={{ timeStyle: 'short' }} />
                </span>
                <Link to={`/family/training/${row.runId}`}>{row.title}</Link>
                <span className="muted">{row.place}</span>
                <StatusBadge status={row.status} />
              </li>
            ))}
          </ol>
        ) : (
          <EmptyState title={t('training.family.noSessions')} />
        )}
      </Card>

      <section aria-labelledby="open-runs" className="stack">
        <h2 id="open-runs">{t('training.family.open')}</h2>
        {runs.length ? (
          <ul className="run-cards">
            {runs.map((run) => (
              <li key={run.id} className="card run-card" data-testid={`run-${run.id}`}>
                <h3 className="card-title">
                  <Link to={`/family/training/${run.id}`}>{run.title}</Link>
                </h3>
                <p className="muted">
                  {t(`training.topic.${run.topic}`)} · {run.place}
                </p>
                <p>
                  {t('training.run.dates')}: <DateTime value={run.firstStart!} dateOnly /> – <DateTime value={run.lastEnd!} dateOnly /> · {t('training.run.sessions', { count: run.sessions })}
                </p>
                <FillBar free={run.free} capacity={run.capacity} waiting={run.waiting} />
                {run.mine ? <StatusBadge status={run.mine} /> : null}
                <ButtonLink to={`/family/training/${run.id}`} variant="secondary" size="small">
                  {t('training.run.details')}
                </ButtonLink>
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState title={t('training.family.noRuns')} />
        )}
      </section>

      <Card title={t('training.family.certificates')}>
        {certificates.length ? (
          <ul className="plain-list">
            {certificates.map((c) => (
              <li key={c.code}>
                <Link to={`/family/certificates/${c.code}`}>{c.title}</Link> · <code>{c.code}</code> · <StatusBadge status={c.state} label={t(`certificate.state.${c.state}`)} tone={CERTIFICATE_TONES[c.state]} />
                {c.expiresAt ? (
                  <span className="muted">
                    {' '}
                    · {t('certificate.validUntil')} <DateTime value={c.expiresAt} dateOnly />
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState title={t('training.family.noCertificates')} />
        )}
        {history.length ? (
          <>
            <h3>{t('training.family.history')}</h3>
            <ul className="plain-list">
              {history.map((h) => (
                <li key={h.runId}>
                  <Link to={`/family/training/${h.runId}`}>{h.title}</Link> <StatusBadge status={h.state} />
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </Card>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'training.family.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
