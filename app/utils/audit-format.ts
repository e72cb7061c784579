import { catalogues } from '#app/i18n/index'
import type { T } from './i18n'

export type Change = { field: string; before: string | null; after: string | null }

const MAX_VALUE = 200

/** A stored value as a short line of text: lists joined, yes/no for flags, dates as ISO, the rest as JSON. */
export function formatAuditValue(value: unknown, t: T): string | null {
  if (value === undefined || value === null || value === '') return null
  if (typeof value === 'boolean') return value ? t('admin.user.yes') : t('admin.user.no')
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.length ? value.map((item) => formatAuditValue(item, t) ?? '—').join(', ') : null
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value)
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text
}

/**
 * Before/after of an audit event as one row per field that changed (or was recorded), in the order
 * the fields first appear. A value that is not an object (a bare number or text) is one row "value".
 */
export function describeChanges(before: unknown, after: unknown, t: T): Change[] {
  const asRecord = (value: unknown): Record<string, unknown> | null =>
    value == null ? null : typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) ? (value as Record<string, unknown>) : { value }
  const from = asRecord(before)
  const to = asRecord(after)
  const fields = [...new Set([...Object.keys(from ?? {}), ...Object.keys(to ?? {})])]
  const changes: Change[] = []
  for (const field of fields) {
    const was = formatAuditValue(from?.[field], t)
    const now = formatAuditValue(to?.[field], t)
    // fields recorded on both sides with the same value did not change: leave them out
    if (from && to && field in from && field in to && was === now) continue
    changes.push({ field, before: was, after: now })
  }
  return changes
}

/** "Roles changed" for `user.roles_changed` when a catalogue names the action, else the code itself. */
export function auditActionLabel(action: string, t: T) {
  const key = `audit.${action}`
  return key in catalogues.en ? t(key) : action
}
