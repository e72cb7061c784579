import { BSONRegExp, Double, ObjectId, type Binary, type Document, type Timestamp } from 'bson'
import { compareNumbers, isInt32Number, numKind, numericKey } from './numbers.js'

/**
 * BSON comparison order, equality keys and the value helpers every other module uses.
 * Values follow the engine's representation (see numbers.ts); `undefined` stands for "missing".
 */

export const TypeClass = {
  MinKey: 1,
  Null: 2,
  Number: 3,
  String: 4,
  Object: 5,
  Array: 6,
  BinData: 7,
  ObjectId: 8,
  Boolean: 9,
  Date: 10,
  Timestamp: 11,
  Regex: 12,
  DBPointer: 13,
  Code: 14,
  CodeWithScope: 15,
  MaxKey: 16,
} as const
export type TypeClass = (typeof TypeClass)[keyof typeof TypeClass]

export function bsonTag(v: object): string | undefined {
  return (v as { _bsontype?: string })._bsontype
}

export function isPlainObject(v: unknown): v is Document {
  if (v === null || typeof v !== 'object') return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

export function typeClass(v: unknown): TypeClass {
  switch (typeof v) {
    case 'number':
      return TypeClass.Number
    case 'string':
      return TypeClass.String
    case 'boolean':
      return TypeClass.Boolean
    case 'undefined':
      return TypeClass.Null
    case 'bigint':
      return TypeClass.Number
    case 'object':
      break
    default:
      return TypeClass.Null
  }
  if (v === null) return TypeClass.Null
  if (v instanceof ObjectId) return TypeClass.ObjectId
  if (Array.isArray(v)) return TypeClass.Array
  if (v instanceof Date) return TypeClass.Date
  switch (bsonTag(v as object)) {
    case undefined:
      return v instanceof RegExp ? TypeClass.Regex : TypeClass.Object
    case 'ObjectId':
      return TypeClass.ObjectId
    case 'Double':
    case 'Int32':
    case 'Long':
    case 'Decimal128':
      return TypeClass.Number
    case 'Binary':
      return TypeClass.BinData
    case 'Timestamp':
      return TypeClass.Timestamp
    case 'BSONRegExp':
      return TypeClass.Regex
    case 'BSONSymbol':
      return TypeClass.String
    case 'MinKey':
      return TypeClass.MinKey
    case 'MaxKey':
      return TypeClass.MaxKey
    case 'Code':
      return (v as { scope?: unknown }).scope ? TypeClass.CodeWithScope : TypeClass.Code
    case 'DBRef':
      return TypeClass.Object
    default:
      return TypeClass.Object
  }
}

function stringOf(v: unknown): string {
  return typeof v === 'string' ? v : String((v as { value: string }).value)
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function binaryBytes(b: Binary): Uint8Array {
  return b.buffer.subarray(0, b.position)
}

function regexParts(v: unknown): [string, string] {
  if (v instanceof RegExp) return [v.source, v.flags]
  const r = v as BSONRegExp
  return [r.pattern, r.options]
}

/** Total order of BSON values as MongoDB sorts and compares them. */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'number' && typeof b === 'number' && a === a && b === b) return a < b ? -1 : a > b ? 1 : 0
  if (a instanceof ObjectId && b instanceof ObjectId) return compareObjectIds(a as unknown as PackedObjectId, b as unknown as PackedObjectId)
  if (a instanceof Date && b instanceof Date) {
    const x = a.getTime()
    const y = b.getTime()
    return x < y ? -1 : x > y ? 1 : 0
  }
  const ca = typeClass(a)
  const cb = typeClass(b)
  if (ca !== cb) return ca < cb ? -1 : 1
  switch (ca) {
    case TypeClass.Null:
    case TypeClass.MinKey:
    case TypeClass.MaxKey:
      return 0
    case TypeClass.Number:
      return compareNumbers(a, b)
    case TypeClass.String:
      return compareStrings(stringOf(a), stringOf(b))
    case TypeClass.Object:
      return compareDocuments(a as Document, b as Document)
    case TypeClass.Array:
      return compareArrays(a as unknown[], b as unknown[])
    case TypeClass.BinData: {
      const x = binaryBytes(a as Binary)
      const y = binaryBytes(b as Binary)
      if (x.length !== y.length) return x.length < y.length ? -1 : 1
      const sx = (a as Binary).sub_type
      const sy = (b as Binary).sub_type
      if (sx !== sy) return sx < sy ? -1 : 1
      return Buffer.compare(x, y)
    }
    case TypeClass.ObjectId:
      return compareObjectIds(a as PackedObjectId, b as PackedObjectId)
    case TypeClass.Boolean:
      return a === b ? 0 : a ? 1 : -1
    case TypeClass.Date: {
      const x = (a as Date).getTime()
      const y = (b as Date).getTime()
      return x < y ? -1 : x > y ? 1 : 0
    }
    case TypeClass.Timestamp: {
      const x = a as Timestamp
      const y = b as Timestamp
      if (x.t !== y.t) return x.t < y.t ? -1 : 1
      return x.i === y.i ? 0 : x.i < y.i ? -1 : 1
    }
    case TypeClass.Regex: {
      const [p1, f1] = regexParts(a)
      const [p2, f2] = regexParts(b)
      return compareStrings(p1, p2) || compareStrings(f1, f2)
    }
    default:
      return compareStrings(String((a as { code?: unknown }).code), String((b as { code?: unknown }).code))
  }
}

/** bson 7 keeps an ObjectId as four 24-bit integers (i0..i3, own enumerable fields). */
interface PackedObjectId {
  i0?: number
  i1?: number
  i2?: number
  i3?: number
  toHexString(): string
}

function compareObjectIds(a: PackedObjectId, b: PackedObjectId): number {
  if (typeof a.i0 === 'number' && typeof b.i0 === 'number') {
    if (a.i0 !== b.i0) return a.i0 < b.i0 ? -1 : 1
    if (a.i1 !== b.i1) return a.i1! < b.i1! ? -1 : 1
    if (a.i2 !== b.i2) return a.i2! < b.i2! ? -1 : 1
    return a.i3 === b.i3 ? 0 : a.i3! < b.i3! ? -1 : 1
  }
  return compareStrings(a.toHexString(), b.toHexString())
}

function compareDocuments(a: Document, b: Document): number {
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  const n = Math.min(ka.length, kb.length)
  for (let i = 0; i < n; i++) {
    const va = a[ka[i]!]
    const vb = b[kb[i]!]
    const ta = typeClass(va)
    const tb = typeClass(vb)
    if (ta !== tb) return ta < tb ? -1 : 1
    const kc = compareStrings(ka[i]!, kb[i]!)
    if (kc !== 0) return kc
    const c = compareValues(va, vb)
    if (c !== 0) return c
  }
  return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1
}

function compareArrays(a: unknown[], b: unknown[]): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i], b[i])
    if (c !== 0) return c
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

function lp(s: string): string {
  return `${s.length}:${s}`
}

/**
 * A string two values share exactly when MongoDB considers them equal (numbers across types,
 * documents field by field in order). Used as the key of hash indexes, `$group`, `$addToSet`.
 */
export function keyOf(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return 's' + lp(v)
    case 'number':
      return 'n' + numericKey(v) + ','
    case 'boolean':
      return v ? 't' : 'f'
    case 'undefined':
      return 'z'
    default:
      break
  }
  if (v === null) return 'z'
  if (Array.isArray(v)) {
    let s = '['
    for (const e of v) s += keyOf(e)
    return s + ']'
  }
  if (v instanceof Date) return 'd' + v.getTime() + ','
  const tag = bsonTag(v as object)
  switch (tag) {
    case undefined:
    case 'DBRef': {
      if (v instanceof RegExp) return 'r' + lp(v.source) + lp(v.flags)
      let s = '{'
      for (const k of Object.keys(v as object)) s += lp(k) + keyOf((v as Document)[k])
      return s + '}'
    }
    case 'ObjectId':
      return 'o' + (v as { toHexString(): string }).toHexString()
    case 'Double':
    case 'Int32':
    case 'Long':
    case 'Decimal128':
      return 'n' + numericKey(v) + ','
    case 'Binary':
      return 'x' + (v as Binary).sub_type + lp(Buffer.from(binaryBytes(v as Binary)).toString('base64'))
    case 'Timestamp':
      return 'T' + (v as Timestamp).t + ':' + (v as Timestamp).i + ','
    case 'BSONRegExp':
      return 'r' + lp((v as BSONRegExp).pattern) + lp((v as BSONRegExp).options)
    case 'BSONSymbol':
      return 's' + lp(stringOf(v))
    case 'MinKey':
      return 'm'
    case 'MaxKey':
      return 'M'
    default:
      return 'c' + lp(String((v as { code?: unknown }).code))
  }
}

const TYPE_NAMES: Record<string, string> = {
  ObjectId: 'objectId',
  Double: 'double',
  Int32: 'int',
  Long: 'long',
  Decimal128: 'decimal',
  Binary: 'binData',
  Timestamp: 'timestamp',
  BSONRegExp: 'regex',
  BSONSymbol: 'symbol',
  MinKey: 'minKey',
  MaxKey: 'maxKey',
  DBRef: 'object',
}

/** The `$type` alias of a value ('missing' for an absent one, as the `$type` expression says). */
export function bsonTypeName(v: unknown): string {
  if (v === undefined) return 'missing'
  if (v === null) return 'null'
  switch (typeof v) {
    case 'number':
      return isInt32Number(v) ? 'int' : 'double'
    case 'string':
      return 'string'
    case 'boolean':
      return 'bool'
    default:
      break
  }
  if (Array.isArray(v)) return 'array'
  if (v instanceof Date) return 'date'
  if (v instanceof RegExp) return 'regex'
  const tag = bsonTag(v as object)
  if (tag === undefined) return 'object'
  if (tag === 'Code') return (v as { scope?: unknown }).scope ? 'javascriptWithScope' : 'javascript'
  return TYPE_NAMES[tag] ?? 'object'
}

export const TYPE_NUMBERS: Record<string, number> = {
  double: 1,
  string: 2,
  object: 3,
  array: 4,
  binData: 5,
  undefined: 6,
  objectId: 7,
  bool: 8,
  date: 9,
  null: 10,
  regex: 11,
  dbPointer: 12,
  javascript: 13,
  symbol: 14,
  javascriptWithScope: 15,
  int: 16,
  timestamp: 17,
  long: 18,
  decimal: 19,
  minKey: -1,
  maxKey: 127,
}

/** Type- and order-sensitive equality: did an update really change the document? */
export function identical(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (bsonTypeName(a) !== bsonTypeName(b)) return false
  if (Array.isArray(a)) {
    const bb = b as unknown[]
    if (a.length !== bb.length) return false
    for (let i = 0; i < a.length; i++) if (!identical(a[i], bb[i])) return false
    return true
  }
  if (isPlainObject(a)) {
    const ka = Object.keys(a)
    const kb = Object.keys(b as Document)
    if (ka.length !== kb.length) return false
    for (let i = 0; i < ka.length; i++) {
      if (ka[i] !== kb[i] || !identical(a[ka[i]!], (b as Document)[kb[i]!])) return false
    }
    return true
  }
  if (numKind(a) === 'decimal') return String(a) === String(b)
  return compareValues(a, b) === 0
}

/** Copies documents and arrays; BSON value objects are shared because nothing mutates them. */
export function deepClone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(deepClone) as T
  if (isPlainObject(v)) {
    const out: Document = {}
    for (const k of Object.keys(v)) out[k] = deepClone(v[k])
    return out as T
  }
  return v
}

/**
 * Decoded with promoteValues:false, every number is wrapped; keep plain numbers for int32 and
 * non-integral doubles and a `Double` only where a plain number would turn into an int32.
 */
export function normalizeDecoded(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = normalizeDecoded(v[i])
    return v
  }
  const tag = bsonTag(v)
  if (tag === undefined) {
    if (v instanceof Date) return v
    const d = v as Document
    for (const k in d) d[k] = normalizeDecoded(d[k])
    return d
  }
  switch (tag) {
    case 'Int32':
      return (v as { value: number }).value
    case 'Double': {
      const x = (v as Double).value
      return isInt32Number(x) ? v : x
    }
    case 'DBRef': {
      const r = v as { collection: string; oid: unknown; db?: string; fields: Document }
      const out: Document = { $ref: r.collection, $id: normalizeDecoded(r.oid) }
      if (r.db) out.$db = r.db
      for (const k of Object.keys(r.fields ?? {})) out[k] = normalizeDecoded(r.fields[k])
      return out
    }
    default:
      return v
  }
}

const regexCache = new WeakMap<object, RegExp>()

/** A JS RegExp for a BSON regex (PCRE flags i, m, s, x mapped to JS where they exist). */
export function toJsRegExp(v: RegExp | BSONRegExp): RegExp {
  if (v instanceof RegExp) return v
  let r = regexCache.get(v)
  if (!r) {
    r = compileRegex(v.pattern, v.options)
    regexCache.set(v, r)
  }
  return r
}

export function compileRegex(pattern: string, options: string): RegExp {
  let flags = ''
  let source = pattern
  for (const f of options) {
    if (f === 'i' || f === 'm' || f === 's') flags += f
    else if (f === 'x') source = source.replace(/\\#/g, '\u0000').replace(/#[^\n]*|\s+/g, '').replace(/\u0000/g, '\\#')
    else if (f !== 'u' && f !== 'l') throw new RangeError(`invalid flag in regex options: ${f}`)
  }
  return new RegExp(source, flags)
}

export function isRegex(v: unknown): v is RegExp | BSONRegExp {
  return v instanceof RegExp || (v !== null && typeof v === 'object' && bsonTag(v) === 'BSONRegExp')
}
