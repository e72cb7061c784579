import type { Change } from '#app/utils/audit-format'
import { useT } from '#app/utils/i18n'

/** An audit event's before → after per field, and its reason: what the admin pages show. */
export function ChangeList({ changes, reason }: { changes: readonly Change[]; reason?: string }) {
  const t = useT()
  return (
    <>
      {changes.length ? (
        <ul className="change-list">
          {changes.map((change) => (
            <li key={change.field}>
              <span className="change-field">{change.field}:</span> {change.before !== null ? (
                <del>
                  <span className="visually-hidden">{t('admin.audit.before')}: </span>
                  {change.before}
                </del>
              ) : null}
              {change.before !== null && change.after !== null ? ' → ' : null}
              {change.after !== null ? (
                <ins>
                  <span className="visually-hidden">{t('admin.audit.after')}: </span>
                  {change.after}
                </ins>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {reason ? (
        <p>
          {t('admin.audit.reason')}: {reason}
        </p>
      ) : null}
    </>
  )
}
