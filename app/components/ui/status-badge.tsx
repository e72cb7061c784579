import { catalogues } from '#app/i18n/index'
import { useLocale, useT } from '#app/utils/i18n'
import { cx } from './cx'

export type Tone = 'neutral' | 'info' | 'progress' | 'success' | 'warning' | 'danger'

/** Statuses of every journey in DESIGN.md, grouped by what they mean to the person reading them. */
const TONES: Record<string, Tone> = {
  draft: 'neutral',
  delisted: 'neutral',
  expired: 'neutral',
  cancelled: 'neutral',
  submitted: 'info',
  requested: 'info',
  enrolled: 'info',
  booked: 'info',
  placed: 'info',
  sent: 'info',
  registered: 'info',
  pending: 'info',
  in_review: 'progress',
  screening: 'progress',
  review: 'progress',
  interview: 'progress',
  in_design: 'progress',
  proposed: 'progress',
  reserved: 'progress',
  confirmed: 'progress',
  checked_in: 'progress',
  attended: 'progress',
  invoiced: 'progress',
  recorded: 'progress',
  accepted: 'success',
  approved: 'success',
  lead_approved: 'success',
  completed: 'success',
  certificate: 'success',
  qc_passed: 'success',
  available: 'success',
  listed: 'success',
  active: 'success',
  signed: 'success',
  verified: 'success',
  delivered: 'success',
  paid: 'success',
  sold: 'success',
  waitlisted: 'warning',
  changes_requested: 'warning',
  quarantined: 'warning',
  no_show: 'warning',
  overdue: 'warning',
  rejected: 'danger',
  qc_failed: 'danger',
  recalled: 'danger',
  terminated: 'danger',
  disabled: 'danger',
  failed: 'danger',
}

export function toneFor(status: string): Tone {
  return TONES[status] ?? 'neutral'
}

/** "in_review" → "In review": what is shown when no catalogue has the status yet. */
export function humanise(status: string) {
  const text = status.replace(/[_-]+/g, ' ').trim()
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/**
 * A status as coloured text — the words carry the meaning, the colour only helps. The label comes
 * from `status.<status>` in the catalogue unless given.
 */
export function StatusBadge({ status, label, tone, className }: { status: string; label?: string; tone?: Tone; className?: string }) {
  const t = useT()
  const locale = useLocale()
  const key = `status.${status}`
  const text = label ?? (key in catalogues[locale] || key in catalogues.en ? t(key) : humanise(status))
  const resolved = tone ?? toneFor(status)
  return (
    <span className={cx('badge', `badge-${resolved}`, className)} data-status={status}>
      <span className="badge-dot" aria-hidden="true" />
      {text}
    </span>
  )
}
