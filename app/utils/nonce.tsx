import { createContext, useContext } from 'react'

/** The per-request CSP nonce, so Remix's inline scripts run under a strict Content-Security-Policy. */
export const NonceContext = createContext('')
export const NonceProvider = NonceContext.Provider
export const useNonce = () => useContext(NonceContext)
