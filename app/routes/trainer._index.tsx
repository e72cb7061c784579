import { type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Card, DateTime, EmptyState, PageHeader, StatusBadge } from '#app/components/ui/index'
import { requireUser } from '#app/utils/auth.server'
import { pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { addDaysToKey, dayKeyOf, zonedToUtc } from '#app/utils/zoned-time'
import trainingStyles from '#app/styles/training.css'
import { listTrainerSessions } from '#models/training.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: trainingStyles }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  if (!user.roles.includes('trainer') && !user.roles.includes('admin')) throw new Response('Forbidden', { status: 403 })
  const locale = await getLocale(request)
  const today = dayKeyOf(new Date(), 'Asia/Baku')
  const from = zonedToUtc(today, '00:00', 'Asia/Baku')
  const to = zonedToUtc(addDaysToKey(today, 8), '00:00', 'Asia/Baku')
  const sessions = await listTrainerSessions(user._id, from, to)
  const rows = sessions.map(({ session, run, place }) => ({
    id: String(session._id),
    title: pickText(run?.name, locale),
    place: pickText(place?.name, locale),
    startsAt: session.startsAt,
    endsAt: session.endsAt,
    status: session.status,
    taken: session.confirmed,
    capacity: session.capacity,
    today: dayKeyOf(session.startsAt, 'Asia/Baku') === today,
  }))
  return { today: rows.filter((r) => r.today), upcoming: rows.filter((r) => !r.today) }
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>['today'][number]

function SessionList({ rows }: { rows: Row[] }) {
  const t = useT()
  return (
    <ul className="plain-list" data-testid="trainer-sessions">
      {rows.map((row) => (
        <li key={row.id}>
          <Link to={`/trainer/sessions/${row.id}`}>
            <DateTime value={row.startsAt} /> · {row.title}
          </Link>{' '}
          <span className="muted">
            {row.place} · {t('training.trainer.taken', { taken: row.taken, capacity: row.capacity })}
          </span>{' '}
          {row.status !== 'open' ? <StatusBadge status={row.status} /> : null}
        </li>
      ))}
    </ul>
  )
}

export default function TrainerPage() {
  const t = useT()
  const { today, upcoming } = useLoaderData<typeof loader>()
  return (
    <div className="stack training">
      <PageHeader title={t('training.trainer.title')} description={t('training.trainer.intro')} />
      <Card title={t('training.trainer.today')}>{today.length ? <SessionList rows={today} /> : <EmptyState title={t('training.trainer.noneToday')} />}</Card>
      <Card title={t('training.trainer.week')}>{upcoming.length ? <SessionList rows={upcoming} /> : <EmptyState title={t('training.trainer.noneWeek')} />}</Card>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'training.trainer.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
