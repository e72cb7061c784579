import type { Document } from 'bson'
import { isPlainObject } from './bson-order.js'

const splitCache = new Map<string, string[]>()

export function splitPath(path: string): string[] {
  let parts = splitCache.get(path)
  if (!parts) {
    parts = path.split('.')
    if (splitCache.size > 10000) splitCache.clear()
    splitCache.set(path, parts)
  }
  return parts
}

export function isIndexPart(part: string): boolean {
  return /^\d+$/.test(part)
}

/**
 * The values a query sees at a dotted path: arrays met on the way are traversed (each element
 * that is a document is followed; a numeric part also indexes the array), a missing field is
 * `undefined`. Arrays at the end are returned whole; operators decide whether to look inside.
 */
export function queryValues(doc: unknown, parts: string[]): unknown[] {
  const out: unknown[] = []
  collect(doc, parts, 0, out)
  return out
}

function collect(value: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    out.push(value)
    return
  }
  const part = parts[i]!
  if (Array.isArray(value)) {
    const before = out.length
    if (isIndexPart(part)) {
      const idx = Number(part)
      if (idx < value.length) collect(value[idx], parts, i + 1, out)
    }
    for (const e of value) {
      if (isPlainObject(e)) collect(e[part], parts, i + 1, out)
    }
    if (out.length === before) out.push(undefined)
    return
  }
  if (isPlainObject(value)) {
    collect(value[part], parts, i + 1, out)
    return
  }
  out.push(undefined)
}

/** Plain lookup without traversing arrays (numeric parts index arrays). */
export function getPath(doc: unknown, parts: string[]): unknown {
  let v: unknown = doc
  for (const part of parts) {
    if (Array.isArray(v)) {
      if (!isIndexPart(part)) return undefined
      v = v[Number(part)]
    } else if (isPlainObject(v)) {
      v = v[part]
    } else {
      return undefined
    }
  }
  return v
}

/**
 * Aggregation field path semantics: `$a.b` over an array of documents yields the array of
 * their `b` values (missing ones left out); numeric parts are field names here, not indexes.
 */
export function exprPathValue(doc: unknown, parts: string[], from = 0): unknown {
  let v: unknown = doc
  for (let i = from; i < parts.length; i++) {
    if (Array.isArray(v)) {
      const rest: unknown[] = []
      for (const e of v) {
        if (Array.isArray(e) || isPlainObject(e)) {
          const sub = exprPathValue(e, parts, i)
          if (sub !== undefined) rest.push(sub)
        }
      }
      return rest
    }
    if (!isPlainObject(v)) return undefined
    v = v[parts[i]!]
  }
  return v
}

/** Set a dotted path in a document the caller owns, creating plain objects on the way. */
export function setPathOwned(doc: Document, parts: string[], value: unknown): void {
  let cur: Document = doc
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!
    let next = cur[part]
    if (!isPlainObject(next)) {
      next = {}
      cur[part] = next
    }
    cur = next as Document
  }
  cur[parts[parts.length - 1]!] = value
}
