import { redirect, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { RatingForm } from '#app/components/rating-form'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { ButtonLink, Card, DateTime, EmptyState, PageHeader } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import abadStyles from '#app/styles/abad.css'
import { getOpenApplication } from '#models/application.server'
import { countUnreadServiceMessages, getFamilyJourney, listPendingRatings, listUpcomingEvents, type JourneyStepId } from '#models/family-home.server'
import { getFamily } from '#models/family.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: abadStyles }]

/** Where each step of the journey is worked on (pages of the training, factory, branding and catalogue features). */
const STEP_ACTIONS: Record<JourneyStepId, string> = {
  application: '/family/profile',
  training: '/family/training',
  factory: '/family/shifts',
  branding: '/family/branding',
  selling: '/family/products',
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  if (!user.familyId) {
    // not (yet) part of an accepted household: the application is their page
    const open = await getOpenApplication('abad', user._id)
    throw redirect(open && open.status !== 'draft' ? `/applications/${open._id}` : '/apply/abad')
  }
  const family = await getFamily(user.familyId)
  if (!family) throw new Response('Not found', { status: 404 })
  requireAbility(user, 'read', asSubject('Family', family))
  const [journey, events, unread, ratings] = await Promise.all([
    getFamilyJourney(family._id),
    listUpcomingEvents(family._id),
    countUnreadServiceMessages(family._id),
    listPendingRatings(family._id, user._id, user._id),
  ])
  return {
    family: { name: family.name, region: family.region, published: Boolean(family.makerPage?.published) },
    journey: journey.steps,
    applicationId: journey.applicationId,
    current: journey.current,
    events: events.map((event) => ({ ...event, at: event.at.toISOString() })),
    unread,
    ratings,
  }
}

export default function FamilyHomePage() {
  const t = useT()
  const { family, journey, applicationId, current, events, unread, ratings } = useLoaderData<typeof loader>()
  return (
    <div className="stack">
      <PageHeader
        eyebrow={t('family.eyebrow')}
        title={t('family.welcome', { name: family.name })}
        description={t(`abad.region.${family.region}`)}
        actions={
          <>
            <ButtonLink to="/family/profile" variant="secondary">
              {t('family.profile.title')}
            </ButtonLink>
            <ButtonLink to="/family/services" variant="secondary">
              {t('service.title')}
            </ButtonLink>
          </>
        }
      />
      <Card title={t('family.next.title')} className="next-action" tone="abad">
        {current ? (
          <>
            <p data-testid="next-step">{t(`family.next.${current}`)}</p>
            <ButtonLink to={STEP_ACTIONS[current]}>{t(`family.action.${current}`)}</ButtonLink>
          </>
        ) : (
          <p>{t('family.next.allDone')}</p>
        )}
      </Card>
      <section aria-labelledby="journey-title" className="card">
        <h2 id="journey-title" className="card-title">
          {t('family.journey.title')}
        </h2>
        <ol className="journey" data-testid="journey">
          {journey.map((step, index) => (
            <li key={step.id} className={`journey-step is-${step.state}`} aria-current={step.state === 'current' ? 'step' : undefined} data-state={step.state}>
              <span className="journey-marker" aria-hidden="true">
                {step.state === 'done' ? '✓' : index + 1}
              </span>
              <span className="journey-text">
                <strong>{t(`family.step.${step.id}`)}</strong>
                <span className="journey-state">{t(`family.state.${step.state}`)}</span>
                {step.id === 'application' && step.detail && applicationId ? <Link to={`/applications/${applicationId}`}>{step.detail}</Link> : null}
              </span>
            </li>
          ))}
        </ol>
      </section>
      <div className="cards">
        <Card title={t('family.events.title')}>
          {events.length ? (
            <ul className="plain-list">
              {events.map((event, index) => (
                <li key={index}>
                  <DateTime value={event.at} /> · {t(`family.event.${event.kind}`)}
                  {event.title ? ` · ${event.title}` : ''}
                  {event.place ? <span className="muted"> · {event.place}</span> : null}
                </li>
              ))}
            </ul>
          ) : (
            <EmptyState title={t('family.events.none')} />
          )}
        </Card>
        <Card title={t('family.messages.title')}>
          {unread.length ? (
            <ul className="plain-list" data-testid="unread">
              {unread.map((row) => (
                <li key={row.id}>
                  <Link to={`/family/services/${row.id}`}>
                    {row.number} · {row.title}
                  </Link>{' '}
                  <span className="badge badge-info">{t('family.messages.unread', { count: row.unread })}</span>
                </li>
              ))}
            </ul>
          ) : (
            <EmptyState title={t('family.messages.none')}>
              <Link to="/family/services">{t('family.messages.services')}</Link>
            </EmptyState>
          )}
        </Card>
      </div>
      {ratings.length ? (
        <section aria-labelledby="ratings-title" className="stack">
          <h2 id="ratings-title">{t('family.ratings.title')}</h2>
          {ratings.map((rating) => (
            <RatingForm
              key={`${rating.touchpoint}-${rating.subjectId}`}
              touchpoint={rating.touchpoint}
              subjectId={rating.subjectId}
              redirectTo="/family"
              level={3}
              title={t(`family.ratings.${rating.touchpoint}`, { label: rating.label })}
            />
          ))}
        </section>
      ) : null}
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'family.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
