import { useEffect, useState } from 'react'

let hydrated = false

/**
 * False on the server and during hydration, true afterwards: controls that only work with
 * JavaScript (dismiss, auto-submit, dialogs) render their enhanced form only when it is there.
 */
export function useHydrated() {
  const [value, setValue] = useState(hydrated)
  useEffect(() => {
    hydrated = true
    setValue(true)
  }, [])
  return value
}
