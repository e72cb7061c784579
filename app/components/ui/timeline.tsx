import type { ReactNode } from 'react'
import { useT } from '#app/utils/i18n'
import { DateTime } from './format'

export type TimelineEntry = {
  at: Date | string | number
  title: ReactNode
  actor?: ReactNode
  note?: ReactNode
  /** A status value: the dot takes its tone. */
  status?: string
}

/** A state history, oldest first (the order the things happened in). */
export function Timeline({ items, label }: { items: readonly TimelineEntry[]; label?: string }) {
  const t = useT()
  if (items.length === 0) return <p className="muted">{t('ui.timeline.empty')}</p>
  const ordered = [...items].sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime())
  return (
    <ol className="timeline" aria-label={label}>
      {ordered.map((item, index) => (
        <li key={index} className="timeline-item" data-status={item.status}>
          <span className="timeline-dot" aria-hidden="true" />
          <div className="timeline-body">
            <p className="timeline-title">{item.title}</p>
            <p className="timeline-meta">
              <DateTime value={item.at} />
              {item.actor ? <span> · {typeof item.actor === 'string' ? t('ui.timeline.actor', { name: item.actor }) : item.actor}</span> : null}
            </p>
            {item.note ? <div className="timeline-note">{item.note}</div> : null}
          </div>
        </li>
      ))}
    </ol>
  )
}
