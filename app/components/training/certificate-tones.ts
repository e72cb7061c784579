import type { Tone } from '#app/components/ui/index'

/** A certificate's state as a badge colour (the words carry the meaning). */
export const CERTIFICATE_TONES: Record<string, Tone> = { valid: 'success', expired: 'neutral', revoked: 'danger' }
