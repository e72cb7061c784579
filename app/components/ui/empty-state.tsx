import type { ReactNode } from 'react'
import { useT } from '#app/utils/i18n'

/** What a list shows when it has nothing yet: a sentence and, where there is one, the next step. */
export function EmptyState({ title, children, action }: { title?: ReactNode; children?: ReactNode; action?: ReactNode }) {
  const t = useT()
  return (
    <div className="empty-state">
      <p className="empty-state-title">{title ?? t('table.empty')}</p>
      {children ? <div className="empty-state-body">{children}</div> : null}
      {action ? <div className="empty-state-action">{action}</div> : null}
    </div>
  )
}
