import { useEffect, useState } from 'react'
import { useT } from '#app/utils/i18n'
import { useHydrated } from './use-hydrated'

export type ToastData = { kind: 'success' | 'error' | 'info'; message: string }

/**
 * The one-line message a redirect carries ("Saved", "Booking confirmed"). It stays until dismissed,
 * so nobody has to read against a timer; the dismiss button only exists when it can work (JS).
 */
export function Toast({ toast }: { toast: ToastData | null | undefined }) {
  const t = useT()
  const hydrated = useHydrated()
  const [dismissed, setDismissed] = useState(false)
  useEffect(() => setDismissed(false), [toast])
  if (!toast || dismissed) return null
  return (
    <div className={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
      <span className="toast-icon" aria-hidden="true">
        {toast.kind === 'success' ? '✓' : toast.kind === 'error' ? '!' : 'i'}
      </span>
      <p className="toast-message">{toast.message}</p>
      {hydrated ? (
        <button type="button" className="toast-close" onClick={() => setDismissed(true)} aria-label={t('toast.close')}>
          <span aria-hidden="true">×</span>
        </button>
      ) : null}
    </div>
  )
}
