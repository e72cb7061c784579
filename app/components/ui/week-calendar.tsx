import { Link } from '@remix-run/react'
import type { CSSProperties, ReactNode } from 'react'
import { formatDate, PLACE_TIME_ZONE, useLocale, useT } from '#app/utils/i18n'
import { dayKeyToDate, groupByDay, placeInLanes, type DayKey } from './calendar'
import { cx } from './cx'

export type CalendarItem = {
  id: string
  start: Date | string
  end: Date | string
  title: ReactNode
  href?: string
  /** Places taken and places in all; shown as text and a bar. */
  filled?: number
  capacity?: number
  /** A line under the title (place, trainer, line). */
  detail?: ReactNode
  /** e.g. "booked" for the viewer's own booking: highlighted and labelled by `tag`. */
  highlight?: boolean
  tag?: ReactNode
}

export type WeekCalendarProps = {
  /** The days to show, `YYYY-MM-DD` in the place's zone (see `weekOf`). */
  days: readonly DayKey[]
  items: readonly CalendarItem[]
  label: string
  startHour?: number
  endHour?: number
  timeZone?: string
  today?: DayKey
  prevHref?: string
  nextHref?: string
  headingLevel?: 2 | 3
}

/**
 * A week of time slots. On a wide screen it is a grid (hours down, days across, overlapping slots
 * side by side); on a phone the same list reads as days, one under another. One DOM for both, so
 * screen readers always get "day → its slots in order".
 */
export function WeekCalendar({
  days,
  items,
  label,
  startHour = 8,
  endHour = 20,
  timeZone = PLACE_TIME_ZONE,
  today,
  prevHref,
  nextHref,
  headingLevel = 2,
}: WeekCalendarProps) {
  const t = useT()
  const locale = useLocale()
  const byDay = groupByDay(items, days, timeZone)
  let first = startHour * 60
  let last = endHour * 60
  for (const list of byDay.values())
    for (const item of list) {
      first = Math.min(first, Math.floor(item.startMin / 60) * 60)
      last = Math.max(last, Math.ceil(item.endMin / 60) * 60)
    }
  const span = Math.max(60, last - first)
  const hours = Array.from({ length: span / 60 }, (_, i) => first / 60 + i)
  const time = (value: Date | string) => formatDate(value, locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }, timeZone)
  const Heading = `h${headingLevel}` as const
  return (
    <section className="week-calendar" aria-label={label} style={{ '--hours': hours.length } as CSSProperties}>
      {prevHref || nextHref ? (
        <div className="calendar-nav">
          {prevHref ? (
            <Link to={prevHref} className="button button-secondary button-small" preventScrollReset>
              <span aria-hidden="true">← </span>
              {t('ui.calendar.prevWeek')}
            </Link>
          ) : null}
          {nextHref ? (
            <Link to={nextHref} className="button button-secondary button-small" preventScrollReset>
              {t('ui.calendar.nextWeek')}
              <span aria-hidden="true"> →</span>
            </Link>
          ) : null}
        </div>
      ) : null}
      <div className="week-grid">
        <div className="week-hours" aria-hidden="true">
          {hours.map((hour) => (
            <span key={hour}>{`${String(hour).padStart(2, '0')}:00`}</span>
          ))}
        </div>
        <ol className="week-days">
          {days.map((day) => {
            const list = placeInLanes((byDay.get(day) ?? []).map((item) => ({ ...item, start: item.startMin, end: item.endMin, item })))
            const isToday = day === today
            return (
              <li key={day} className={cx('week-day', isToday && 'is-today', list.length === 0 && 'is-empty')}>
                <Heading className="week-day-name">
                  <time dateTime={day}>{formatDate(dayKeyToDate(day), locale, { weekday: 'short', day: 'numeric', month: 'short' }, 'UTC')}</time>
                  {isToday ? <span className="week-today">{t('ui.calendar.today')}</span> : null}
                </Heading>
                {list.length === 0 ? (
                  <p className="week-nothing">{t('ui.calendar.nothing')}</p>
                ) : (
                  <ul className="week-items">
                    {list.map(({ item, lane, lanes }) => {
                      const full = item.capacity != null && item.filled != null && item.filled >= item.capacity
                      const style = {
                        '--top': `${((item.startMin - first) / span) * 100}%`,
                        '--height': `${((item.endMin - item.startMin) / span) * 100}%`,
                        '--lane': lane,
                        '--lanes': lanes,
                      } as CSSProperties
                      return (
                        <li key={item.id} className={cx('week-item', full && 'is-full', item.highlight && 'is-highlight')} style={style}>
                          <p className="week-item-time">
                            <time dateTime={new Date(item.start).toISOString()}>{time(item.start)}</time>–<time dateTime={new Date(item.end).toISOString()}>{time(item.end)}</time>
                          </p>
                          <p className="week-item-title">{item.href ? <Link to={item.href}>{item.title}</Link> : item.title}</p>
                          {item.detail ? <p className="week-item-detail">{item.detail}</p> : null}
                          {item.tag ? <p className="week-item-tag">{item.tag}</p> : null}
                          {item.capacity != null && item.filled != null ? <Fill filled={item.filled} capacity={item.capacity} full={full} /> : null}
                        </li>
                      )
                    })}
                  </ul>
                )}
              </li>
            )
          })}
        </ol>
      </div>
    </section>
  )
}

function Fill({ filled, capacity, full }: { filled: number; capacity: number; full: boolean }) {
  const t = useT()
  const ratio = capacity > 0 ? Math.min(1, filled / capacity) : 1
  return (
    <p className="week-item-fill">
      <span className="fill-bar" aria-hidden="true">
        <span style={{ width: `${ratio * 100}%` }} />
      </span>
      <span>{full ? t('ui.calendar.full') : t('ui.calendar.fill', { filled, capacity })}</span>
    </p>
  )
}
