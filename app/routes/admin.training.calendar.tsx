import { type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { MonthCalendar, PageHeader, WeekCalendar, addDays, monthGrid, shiftMonth, weekOf } from '#app/components/ui/index'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { dayKeyOf, zonedToUtc } from '#app/utils/zoned-time'
import trainingStyles from '#app/styles/training.css'
import { listSlots } from '#models/slot.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: trainingStyles }]

const ZONE = 'Asia/Baku'

/** Every course session of a week or a month, with how full it is (staff calendar). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  requireAbility(user, 'read', 'Slot')
  if (!user.roles.some((role) => ['admin', 'case_manager', 'programme_manager', 'trainer'].includes(role))) throw new Response('Forbidden', { status: 403 })
  const locale = await getLocale(request)
  const url = new URL(request.url)
  const view = url.searchParams.get('view') === 'month' ? 'month' : 'week'
  const today = dayKeyOf(new Date(), ZONE)
  const requested = url.searchParams.get('day') ?? ''
  const day = /^\d{4}-\d{2}-\d{2}$/.test(requested) ? requested : today
  const [year, month] = day.split('-').map(Number)
  let from: string
  let to: string
  if (view === 'week') {
    const days = weekOf(day)
    from = days[0]
    to = addDays(days[6], 1)
  } else {
    const weeks = monthGrid(year, month)
    from = weeks[0][0].day
    to = addDays(weeks.at(-1)![6].day, 1)
  }
  const slots = await listSlots({ from: zonedToUtc(from, '00:00', ZONE), to: zonedToUtc(to, '00:00', ZONE), kind: 'course', statuses: ['open', 'completed'] })
  const counts: Record<string, number> = {}
  const fill: Record<string, { taken: number; capacity: number }> = {}
  for (const slot of slots) {
    const key = dayKeyOf(slot.startsAt, ZONE)
    counts[key] = (counts[key] ?? 0) + 1
    const day = (fill[key] ??= { taken: 0, capacity: 0 })
    day.taken += slot.confirmed
    day.capacity += slot.capacity
  }
  return {
    view,
    day,
    today,
    year,
    month,
    counts,
    fill,
    items: slots.map((slot) => ({
      id: String(slot._id),
      start: slot.startsAt,
      end: slot.endsAt,
      title: pickText(slot.resource?.name, locale),
      href: `/trainer/sessions/${String(slot._id)}`,
      filled: slot.confirmed,
      capacity: slot.capacity,
    })),
  }
}

export default function TrainingCalendarPage() {
  const t = useT()
  const { view, day, today, year, month, counts, fill, items } = useLoaderData<typeof loader>()
  const prev = shiftMonth(year, month, -1)
  const next = shiftMonth(year, month, 1)
  const monthKey = (m: { year: number; month: number }) => `${m.year}-${String(m.month).padStart(2, '0')}-01`
  return (
    <div className="stack training">
      <PageHeader eyebrow={<Link to="/admin/training">{t('training.admin.title')}</Link>} title={t('training.calendar.title')} />
      <nav className="tabs" aria-label={t('training.calendar.views')}>
        <ul>
          <li>
            <Link to={`?view=week&day=${day}`} className={view === 'week' ? 'tab is-active' : 'tab'} aria-current={view === 'week' ? 'page' : undefined}>
              {t('training.calendar.week')}
            </Link>
          </li>
          <li>
            <Link to={`?view=month&day=${day}`} className={view === 'month' ? 'tab is-active' : 'tab'} aria-current={view === 'month' ? 'page' : undefined}>
              {t('training.calendar.month')}
            </Link>
          </li>
        </ul>
      </nav>
      {view === 'week' ? (
        <WeekCalendar
          days={weekOf(day)}
          items={items}
          label={t('training.calendar.weekLabel')}
          today={today}
          prevHref={`?view=week&day=${addDays(day, -7)}`}
          nextHref={`?view=week&day=${addDays(day, 7)}`}
        />
      ) : (
        <MonthCalendar
          year={year}
          month={month}
          counts={counts}
          fill={fill}
          today={today}
          hrefFor={(d) => (counts[d] ? `?view=week&day=${d}` : undefined)}
          countLabel={(count) => t('training.calendar.sessions', { count })}
          prevHref={`?view=month&day=${monthKey(prev)}`}
          nextHref={`?view=month&day=${monthKey(next)}`}
        />
      )}
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'training.calendar.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
