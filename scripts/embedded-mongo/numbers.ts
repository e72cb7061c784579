import { Decimal128, Double, Long } from 'bson'

/**
 * Numbers as the engine holds them: a JS number is an int32 when it is an integer in int32 range
 * and a double otherwise (that is how `bson` serialises it), a `Double` wraps the doubles that look
 * like int32 (2.0), `Long` and `Decimal128` stay wrapped. MongoDB compares all four numerically and
 * promotes arithmetic results int → long → double → decimal.
 */
export type NumKind = 'int' | 'long' | 'double' | 'decimal'

const INT32_MIN = -2147483648
const INT32_MAX = 2147483647
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

export function isInt32Number(v: number): boolean {
  return Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX && !Object.is(v, -0)
}

export function numKind(v: unknown): NumKind | null {
  if (typeof v === 'number') return isInt32Number(v) ? 'int' : 'double'
  if (v === null || typeof v !== 'object') return null
  switch ((v as { _bsontype?: string })._bsontype) {
    case 'Double':
      return 'double'
    case 'Int32':
      return 'int'
    case 'Long':
      return 'long'
    case 'Decimal128':
      return 'decimal'
    default:
      return null
  }
}

export function isNumeric(v: unknown): boolean {
  return numKind(v) !== null
}

export function toDouble(v: unknown): number {
  if (typeof v === 'number') return v
  const t = (v as { _bsontype?: string })._bsontype
  if (t === 'Double' || t === 'Int32') return (v as Double).value
  if (t === 'Long') return (v as Long).toNumber()
  if (t === 'Decimal128') return Number((v as Decimal128).toString())
  return NaN
}

/** A double result, wrapped when a plain number would serialise as int32. */
export function makeDouble(x: number): number | Double {
  return isInt32Number(x) ? new Double(x) : x
}

function makeLongOrDouble(b: bigint): number | Long | Double {
  if (b >= BigInt(INT32_MIN) && b <= BigInt(INT32_MAX)) return Number(b)
  if (b >= INT64_MIN && b <= INT64_MAX) return Long.fromBigInt(b)
  return makeDouble(Number(b))
}

function makeLong(b: bigint): Long | number | Double {
  if (b >= INT64_MIN && b <= INT64_MAX) return Long.fromBigInt(b)
  return makeDouble(Number(b))
}

/** Convert a number to the given kind (used when MongoDB keeps the wider operand's type). */
export function castNumber(v: unknown, kind: NumKind): unknown {
  switch (kind) {
    case 'int':
      return Math.trunc(toDouble(v))
    case 'long': {
      if (numKind(v) === 'long') return v
      const d = Math.trunc(toDouble(v))
      return Number.isFinite(d) ? Long.fromBigInt(BigInt(d)) : Long.ZERO
    }
    case 'double':
      return makeDouble(toDouble(v))
    case 'decimal':
      return toDecimal(v)
  }
}

// --- exact decimal arithmetic (Decimal128 has none in `bson`) ---

interface Dec {
  coef: bigint
  exp: number
}

function parseDecimalString(s: string): Dec | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s.trim())
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null
  const frac = m[3] ?? ''
  const digits = (m[2] + frac).replace(/^0+(?=\d)/, '')
  let coef = BigInt(digits === '' ? '0' : digits)
  if (m[1] === '-') coef = -coef
  return { coef, exp: Number(m[4] ?? 0) - frac.length }
}

function toDec(v: unknown): Dec | null {
  const k = numKind(v)
  if (k === 'decimal') return parseDecimalString((v as Decimal128).toString())
  if (k === 'long') return { coef: (v as Long).toBigInt(), exp: 0 }
  const d = toDouble(v)
  if (!Number.isFinite(d)) return null
  if (Number.isInteger(d)) return { coef: BigInt(d), exp: 0 }
  return parseDecimalString(String(d))
}

function decToDecimal128(d: Dec): Decimal128 {
  return Decimal128.fromStringWithRounding(`${d.coef}E${d.exp}`)
}

export function toDecimal(v: unknown): Decimal128 {
  if (numKind(v) === 'decimal') return v as Decimal128
  const d = toDec(v)
  if (d) return decToDecimal128(d)
  const x = toDouble(v)
  return Decimal128.fromString(Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity')
}

function alignedAdd(a: Dec, b: Dec): Dec {
  const exp = Math.min(a.exp, b.exp)
  return { coef: a.coef * 10n ** BigInt(a.exp - exp) + b.coef * 10n ** BigInt(b.exp - exp), exp }
}

/** Exact integer value when the number has one (used for Long-precise comparisons). */
function toExactBigInt(v: unknown): bigint | null {
  const k = numKind(v)
  if (k === 'long') return (v as Long).toBigInt()
  if (k === 'decimal') {
    const d = toDec(v)
    if (!d) return null
    if (d.exp >= 0) return d.coef * 10n ** BigInt(d.exp)
    const div = 10n ** BigInt(-d.exp)
    return d.coef % div === 0n ? d.coef / div : null
  }
  const x = toDouble(v)
  return Number.isInteger(x) ? BigInt(x) : null
}

function widest(a: NumKind, b: NumKind): NumKind {
  const order: NumKind[] = ['int', 'long', 'double', 'decimal']
  return order[Math.max(order.indexOf(a), order.indexOf(b))]!
}

/** Numeric comparison across kinds; NaN equals NaN and is below every other number. */
export function compareNumbers(a: unknown, b: unknown): number {
  const ka = numKind(a)
  const kb = numKind(b)
  if (ka === 'long' && kb === 'long') return (a as Long).compare(b as Long)
  const x = toDouble(a)
  const y = toDouble(b)
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : -1) : 1
  if (x < y) return -1
  if (x > y) return 1
  if (ka === 'long' || kb === 'long' || ka === 'decimal' || kb === 'decimal') {
    const ea = toExactBigInt(a)
    const eb = toExactBigInt(b)
    if (ea !== null && eb !== null) return ea < eb ? -1 : ea > eb ? 1 : 0
  }
  return 0
}

/** A string that two numbers share exactly when `compareNumbers` says they are equal. */
export function numericKey(v: unknown): string {
  const d = toDouble(v)
  if (Number.isInteger(d) && !Number.isSafeInteger(d)) {
    const exact = toExactBigInt(v)
    if (exact !== null) return exact.toString()
  }
  return String(d)
}

export class ArithmeticError extends Error {}

export function add(a: unknown, b: unknown): unknown {
  const kind = widest(numKind(a)!, numKind(b)!)
  if (kind === 'decimal') {
    const x = toDec(a)
    const y = toDec(b)
    if (!x || !y) return toDecimal(toDouble(a) + toDouble(b))
    return decToDecimal128(alignedAdd(x, y))
  }
  if (kind === 'double') return makeDouble(toDouble(a) + toDouble(b))
  if (kind === 'long') return makeLong(toExactBigInt(a)! + toExactBigInt(b)!)
  const r = (a as number) + (b as number)
  return isInt32Number(r) ? r : makeLongOrDouble(BigInt(r))
}

export function negate(a: unknown): unknown {
  const k = numKind(a)
  if (k === 'decimal') {
    const d = toDec(a)
    return d ? decToDecimal128({ coef: -d.coef, exp: d.exp }) : toDecimal(-toDouble(a))
  }
  if (k === 'long') return makeLong(-(a as Long).toBigInt())
  if (k === 'double') return makeDouble(-toDouble(a))
  const r = -(a as number)
  return isInt32Number(r) ? r : Long.fromNumber(r)
}

export function subtract(a: unknown, b: unknown): unknown {
  return add(a, negate(b))
}

export function multiply(a: unknown, b: unknown): unknown {
  const kind = widest(numKind(a)!, numKind(b)!)
  if (kind === 'decimal') {
    const x = toDec(a)
    const y = toDec(b)
    if (!x || !y) return toDecimal(toDouble(a) * toDouble(b))
    return decToDecimal128({ coef: x.coef * y.coef, exp: x.exp + y.exp })
  }
  if (kind === 'double') return makeDouble(toDouble(a) * toDouble(b))
  const r = toExactBigInt(a)! * toExactBigInt(b)!
  if (kind === 'long') return makeLong(r)
  return makeLongOrDouble(r)
}

export function divide(a: unknown, b: unknown): unknown {
  const kind = widest(numKind(a)!, numKind(b)!)
  if (kind === 'decimal') {
    const x = toDec(a)
    const y = toDec(b)
    if (!x || !y) return toDecimal(toDouble(a) / toDouble(b))
    if (y.coef === 0n) throw new ArithmeticError("can't $divide by zero")
    const scale = 40
    const q = (x.coef * 10n ** BigInt(scale)) / y.coef
    return decToDecimal128({ coef: q, exp: x.exp - y.exp - scale })
  }
  const y = toDouble(b)
  if (y === 0) throw new ArithmeticError("can't $divide by zero")
  return makeDouble(toDouble(a) / y)
}

export function modulo(a: unknown, b: unknown): unknown {
  const kind = widest(numKind(a)!, numKind(b)!)
  if (kind === 'int' || kind === 'long') {
    const y = toExactBigInt(b)!
    if (y === 0n) throw new ArithmeticError("can't $mod by zero")
    const r = toExactBigInt(a)! % y
    return kind === 'int' ? Number(r) : makeLong(r)
  }
  const y = toDouble(b)
  if (y === 0) throw new ArithmeticError("can't $mod by zero")
  const r = toDouble(a) % y
  return kind === 'decimal' ? toDecimal(r) : makeDouble(r)
}

/** Convert a double result back to the kind of the input (for $abs, $ceil, $floor, ...). */
export function sameKind(input: unknown, x: number): unknown {
  const k = numKind(input)
  if (k === 'decimal') return toDecimal(x)
  if (k === 'long') return Number.isInteger(x) ? makeLong(BigInt(x)) : makeDouble(x)
  if (k === 'int') return isInt32Number(x) ? x : Number.isInteger(x) ? makeLongOrDouble(BigInt(x)) : x
  return makeDouble(x)
}
