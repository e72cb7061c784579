import { StatusBadge } from '#app/components/ui/index'
import { useT } from '#app/utils/i18n'

export type QcView = {
  result: 'pass' | 'fail' | null
  checks: { key: string; value: unknown; ok: boolean }[]
  notes: string
  reason: string
  /** "name · date", already in the reader's language */
  decided: string
  photos: string[]
}

/** A batch's quality check as recorded: each check with its value and verdict, the result, who and when. */
export function QcRecord({ qc }: { qc: QcView }) {
  const t = useT()
  return (
    <div className="stack" data-testid="qc-record">
      <p>
        <StatusBadge status={qc.result === 'pass' ? 'qc_passed' : 'qc_failed'} /> <span className="muted">{qc.decided}</span>
      </p>
      <ul className="qc-record">
        {qc.checks.map((c) => (
          <li key={c.key}>
            <span>{t(`qc.check.${c.key}`)}</span>
            <span>
              {typeof c.value === 'number' ? `${c.value} · ` : ''}
              <span className={c.ok ? 'qc-ok' : 'qc-not-ok'}>{c.ok ? t('qc.ok') : t('qc.notOk')}</span>
            </span>
          </li>
        ))}
      </ul>
      {qc.reason ? (
        <p>
          <strong>{t('qc.reason')}:</strong> {qc.reason}
        </p>
      ) : null}
      {qc.notes ? (
        <p>
          <strong>{t('qc.notes')}:</strong> {qc.notes}
        </p>
      ) : null}
      {qc.photos.length ? (
        <p className="row">
          {qc.photos.map((src) => (
            <img key={src} src={src} alt="" width={160} loading="lazy" />
          ))}
        </p>
      ) : null}
    </div>
  )
}
