/**
 * Constants of the factory floor that forms and pages need in the browser too (a `.server` module
 * is empty there): lot states and units, sort keys and the limits a form checks before sending.
 */
export const LOT_STATUSES = ['available', 'sold_out', 'quarantined', 'recalled', 'expired'] as const
export type LotStatus = (typeof LOT_STATUSES)[number]
export const LOT_UNITS = ['pcs', 'jar', 'bottle', 'pack', 'kg', 'l', 'm2'] as const
export type LotUnit = (typeof LOT_UNITS)[number]
export const LOT_SORTS = ['producedOn', 'bestBefore', 'code', 'qtyAvailable'] as const
export const LOT_CODE_PATTERN = /^[A-Z0-9]{2,6}-[A-Z0-9]{2,6}-\d{8}-\d{3,}$/

/** Past these a quantity is a typo, not a shift's output (one line, one family, one day). */
export const MAX_BATCH_QTY: Record<LotUnit, number> = { pcs: 5000, jar: 5000, bottle: 5000, pack: 5000, kg: 2000, l: 2000, m2: 200 }
export const MAX_INGREDIENTS = 30
export const MAX_PLANNED_QTY = 5000
