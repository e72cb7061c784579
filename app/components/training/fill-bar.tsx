import { useT } from '#app/utils/i18n'

/** Places taken out of the capacity, as text and a bar (the text carries the meaning). */
export function FillBar({ free, capacity, waiting }: { free: number; capacity: number; waiting: number }) {
  const t = useT()
  const taken = Math.max(0, capacity - free)
  const pct = capacity ? Math.round((taken / capacity) * 100) : 0
  return (
    <div className="run-fill">
      <span className="run-fill-text">
        {free > 0 ? t('training.run.free', { free, capacity }) : t('training.run.full', { capacity })}
        {waiting ? ` · ${t('training.run.waiting', { count: waiting })}` : ''}
      </span>
      <span className="run-fill-bar" aria-hidden="true">
        <span className="run-fill-bar-inner" style={{ width: `${pct}%` }} />
      </span>
    </div>
  )
}
