import type { ObjectId } from 'bson'
import { isPlainObject } from './bson-order.js'

/** A value rendered the way the server prints it in error messages (`{ email: "a@b" }`). */
export function brief(v: unknown): string {
  if (v === undefined) return 'missing'
  if (v === null) return 'null'
  if (typeof v === 'string') return JSON.stringify(v)
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (Array.isArray(v)) return `[ ${v.map(brief).join(', ')} ]`
  if (v instanceof Date) return `new Date(${v.getTime()})`
  if (isPlainObject(v)) {
    const keys = Object.keys(v)
    return keys.length === 0 ? '{}' : `{ ${keys.map((k) => `${k}: ${brief(v[k])}`).join(', ')} }`
  }
  const tag = (v as { _bsontype?: string })._bsontype
  if (tag === 'ObjectId') return `ObjectId('${(v as ObjectId).toHexString()}')`
  if (tag === 'Long') return `${String(v)}`
  if (tag === 'Decimal128') return `Decimal128("${String(v)}")`
  if (tag === 'Double') return String((v as { value: number }).value)
  return String(v)
}
