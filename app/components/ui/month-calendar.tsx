import { Link } from '@remix-run/react'
import { formatDate, useLocale, useT } from '#app/utils/i18n'
import { dayKeyToDate, monthGrid, type DayKey } from './calendar'
import { cx } from './cx'

export type MonthCalendarProps = {
  year: number
  /** 1–12 */
  month: number
  /** Number of things per day (`YYYY-MM-DD` → count); days without an entry show nothing. */
  counts?: Readonly<Record<DayKey, number>>
  /** Where a day links to (e.g. that day's week view); no link when undefined. */
  hrefFor?: (day: DayKey) => string | undefined
  /** Places taken and offered per day: drawn as a fill bar under the count. */
  fill?: Readonly<Record<DayKey, { taken: number; capacity: number }>>
  /** The spoken text of a count ("3 sessions"); defaults to "Count: 3". */
  countLabel?: (count: number) => string
  today?: DayKey
  prevHref?: string
  nextHref?: string
}

const MONDAY = '2024-01-01'

/** A month as a table: weekday columns from Monday, each day with its count. */
export function MonthCalendar({ year, month, counts = {}, fill = {}, hrefFor, countLabel, today, prevHref, nextHref }: MonthCalendarProps) {
  const t = useT()
  const locale = useLocale()
  const weeks = monthGrid(year, month)
  const title = formatDate(new Date(Date.UTC(year, month - 1, 15)), locale, { month: 'long', year: 'numeric' }, 'UTC')
  const weekdays = Array.from({ length: 7 }, (_, i) => {
    const date = dayKeyToDate(MONDAY)
    date.setUTCDate(date.getUTCDate() + i)
    return {
      short: formatDate(date, locale, { weekday: 'short' }, 'UTC'),
      long: formatDate(date, locale, { weekday: 'long' }, 'UTC'),
    }
  })
  const spoken = countLabel ?? ((count: number) => t('ui.calendar.count', { count }))
  return (
    <div className="month-calendar">
      {prevHref || nextHref ? (
        <div className="calendar-nav">
          {prevHref ? (
            <Link to={prevHref} className="button button-secondary button-small" preventScrollReset>
              <span aria-hidden="true">← </span>
              {t('ui.calendar.prevMonth')}
            </Link>
          ) : null}
          {nextHref ? (
            <Link to={nextHref} className="button button-secondary button-small" preventScrollReset>
              {t('ui.calendar.nextMonth')}
              <span aria-hidden="true"> →</span>
            </Link>
          ) : null}
        </div>
      ) : null}
      <table className="month-grid">
        <caption>{title}</caption>
        <thead>
          <tr>
            {weekdays.map((weekday) => (
              <th key={weekday.long} scope="col" abbr={weekday.long}>
                {weekday.short}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week) => (
            <tr key={week[0].day}>
              {week.map(({ day, inMonth }) => {
                const count = counts[day] ?? 0
                const places = inMonth ? fill[day] : undefined
                const share = places && places.capacity > 0 ? Math.min(1, places.taken / places.capacity) : null
                const href = inMonth ? hrefFor?.(day) : undefined
                const content = (
                  <>
                    <time className="month-day-number" dateTime={day}>
                      {Number(day.slice(8))}
                    </time>
                    {inMonth && count > 0 ? (
                      <span className="month-count">
                        <span aria-hidden="true">{count}</span>
                        <span className="visually-hidden">{spoken(count)}</span>
                      </span>
                    ) : null}
                    {places && share !== null ? (
                      <span className={cx('month-fill', share >= 1 && 'is-full')} data-testid="month-fill">
                        <span className="month-fill-bar" aria-hidden="true">
                          <span style={{ width: `${Math.round(share * 100)}%` }} />
                        </span>
                        <span className="visually-hidden">{t('ui.calendar.fill', { filled: places.taken, capacity: places.capacity })}</span>
                      </span>
                    ) : null}
                  </>
                )
                return (
                  <td key={day} className={cx(!inMonth && 'is-outside', day === today && 'is-today', count > 0 && inMonth && 'has-count')} aria-current={day === today ? 'date' : undefined}>
                    {href ? (
                      <Link to={href} className="month-day">
                        {content}
                      </Link>
                    ) : (
                      <span className="month-day">{content}</span>
                    )}
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
