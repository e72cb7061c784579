import { Decimal128, Long, ObjectId, type Document } from 'bson'
import {
  bsonTypeName,
  compareValues,
  compileRegex,
  isPlainObject,
  isRegex,
  keyOf,
  toJsRegExp,
} from './bson-order.js'
import { Code, fail, MongoError, unsupported } from './errors.js'
import {
  add,
  ArithmeticError,
  divide,
  isInt32Number,
  isNumeric,
  makeDouble,
  modulo,
  multiply,
  numKind,
  sameKind,
  subtract,
  toDecimal,
  toDouble,
} from './numbers.js'
import { exprPathValue, splitPath } from './paths.js'

/** Variables of an expression: user `$$name`s plus ROOT. CURRENT is the document evaluated. */
export type Vars = Record<string, unknown>

type Op = (args: unknown, doc: unknown, vars: Vars | undefined) => unknown

const UNSUPPORTED = new Set(['$function', '$accumulator', '$meta', '$where', '$toHashedIndexKey', '$bsonSize', '$binarySize'])

export function isTruthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false) return false
  if (isNumeric(v)) return toDouble(v) !== 0
  return true
}

export function evaluate(expr: unknown, doc: unknown, vars?: Vars): unknown {
  if (typeof expr === 'string') {
    if (expr.charCodeAt(0) !== 36 /* $ */) return expr
    if (expr.charCodeAt(1) === 36) return variable(expr, doc, vars)
    return exprPathValue(doc, splitPath(expr.slice(1)))
  }
  if (Array.isArray(expr)) return expr.map((e) => nullForMissing(evaluate(e, doc, vars)))
  if (!isPlainObject(expr)) return expr
  const keys = Object.keys(expr)
  if (keys.length > 0 && keys[0]!.startsWith('$')) {
    if (keys.length !== 1) {
      fail(15983, 'an expression specification must contain exactly one field, the name of the expression')
    }
    const name = keys[0]!
    const op = OPS[name]
    if (!op) {
      if (UNSUPPORTED.has(name)) unsupported(`the expression ${name}`)
      fail(Code.InvalidPipelineOperator, `Unrecognized expression '${name}'`)
    }
    return op(expr[name], doc, vars)
  }
  const out: Document = {}
  for (const k of keys) {
    const v = evaluate(expr[k], doc, vars)
    if (v !== undefined) out[k] = v
  }
  return out
}

function nullForMissing(v: unknown): unknown {
  return v === undefined ? null : v
}

function variable(expr: string, doc: unknown, vars: Vars | undefined): unknown {
  const parts = splitPath(expr.slice(2))
  const name = parts[0]!
  let base: unknown
  switch (name) {
    case 'CURRENT':
      base = doc
      break
    case 'ROOT':
      base = vars && 'ROOT' in vars ? vars.ROOT : doc
      break
    case 'REMOVE':
      return undefined
    case 'NOW':
      base = vars?.NOW ?? new Date()
      break
    default:
      if (!vars || !(name in vars)) fail(17276, `Use of undefined variable: ${name}`)
      base = vars[name]
  }
  return parts.length === 1 ? base : exprPathValue(base, parts, 1)
}

function argList(args: unknown, doc: unknown, vars: Vars | undefined): unknown[] {
  if (Array.isArray(args)) return args.map((a) => evaluate(a, doc, vars))
  return [evaluate(args, doc, vars)]
}

function argsN(name: string, args: unknown, doc: unknown, vars: Vars | undefined, min: number, max = min): unknown[] {
  const list = argList(args, doc, vars)
  if (list.length < min || list.length > max) {
    fail(16020, `Expression ${name} takes ${min === max ? `exactly ${min}` : `${min} to ${max}`} arguments. ${list.length} were passed in.`)
  }
  return list
}

function isNullish(v: unknown): boolean {
  return v === null || v === undefined
}

function requireNumber(name: string, v: unknown): void {
  if (!isNumeric(v)) fail(Code.TypeMismatch, `${name} only supports numeric types, not ${bsonTypeName(v)}`)
}

function arith(fn: () => unknown): unknown {
  try {
    return fn()
  } catch (e) {
    if (e instanceof ArithmeticError) fail(Code.BadValue, e.message)
    throw e
  }
}

/** Expression comparison: unlike query operators, different types compare by BSON order, and missing sorts below null. */
export function compareExpr(a: unknown, b: unknown): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1
  return compareValues(a, b)
}

function unary(name: string, fn: (x: number) => number): Op {
  return (args, doc, vars) => {
    const [v] = argsN(name, args, doc, vars, 1)
    if (isNullish(v)) return null
    requireNumber(name, v)
    return sameKind(v, fn(toDouble(v)))
  }
}

function doubleUnary(name: string, fn: (x: number) => number, check?: (x: number) => string | undefined): Op {
  return (args, doc, vars) => {
    const [v] = argsN(name, args, doc, vars, 1)
    if (isNullish(v)) return null
    requireNumber(name, v)
    const x = toDouble(v)
    const problem = check?.(x)
    if (problem) fail(Code.BadValue, problem)
    const r = fn(x)
    return numKind(v) === 'decimal' ? toDecimal(r) : makeDouble(r)
  }
}

function rounding(name: string, mode: 'round' | 'trunc'): Op {
  return (args, doc, vars) => {
    const [v, placeArg] = argsN(name, args, doc, vars, 1, 2)
    if (isNullish(v)) return null
    requireNumber(name, v)
    const place = placeArg === undefined ? 0 : toDouble(placeArg)
    const f = 10 ** place
    const x = toDouble(v) * f
    let r: number
    if (mode === 'trunc') r = Math.trunc(x) / f
    else {
      // round half to even, as the server does
      const fl = Math.floor(x)
      const diff = x - fl
      r = (diff > 0.5 ? fl + 1 : diff < 0.5 ? fl : fl % 2 === 0 ? fl : fl + 1) / f
    }
    if (numKind(v) === 'int' || numKind(v) === 'long') return place >= 0 ? v : sameKind(v, r)
    return sameKind(v, r)
  }
}

function compareOp(name: string, test: (c: number) => boolean): Op {
  return (args, doc, vars) => {
    const [a, b] = argsN(name, args, doc, vars, 2)
    return test(compareExpr(a, b))
  }
}

function toStr(name: string, v: unknown): string {
  if (isNullish(v)) return ''
  if (typeof v === 'string') return v
  if (isNumeric(v) || v instanceof Date || (v as { _bsontype?: string })?._bsontype === 'ObjectId') return convertToString(v)
  fail(16007, `${name} requires a string argument, found: ${bsonTypeName(v)}`)
}

function convertToString(v: unknown): string {
  if (typeof v === 'string') return v
  if (v instanceof Date) return v.toISOString()
  if (typeof v === 'boolean') return String(v)
  if (isNumeric(v)) {
    const k = numKind(v)
    if (k === 'decimal' || k === 'long') return String(v)
    return String(toDouble(v))
  }
  const tag = (v as { _bsontype?: string })?._bsontype
  if (tag === 'ObjectId') return (v as ObjectId).toHexString()
  fail(241, `Unsupported conversion from ${bsonTypeName(v)} to string`)
}

function requireArray(name: string, v: unknown): unknown[] {
  if (!Array.isArray(v)) fail(28664, `${name} requires an array argument, found: ${bsonTypeName(v)}`)
  return v
}

function withVar(vars: Vars | undefined, name: string, value: unknown): Vars {
  return { ...vars, [name]: value }
}

function setOf(arr: unknown[]): Map<string, unknown> {
  const m = new Map<string, unknown>()
  for (const v of arr) if (!m.has(keyOf(v))) m.set(keyOf(v), v)
  return m
}

function setOperands(name: string, args: unknown, doc: unknown, vars: Vars | undefined): unknown[][] | null {
  const list = argList(args, doc, vars)
  if (list.some(isNullish)) return null
  for (const v of list) if (!Array.isArray(v)) fail(17044, `All operands of ${name} must be arrays. One argument is of type: ${bsonTypeName(v)}`)
  return list as unknown[][]
}

// --- dates ---

const tzFormatters = new Map<string, Intl.DateTimeFormat>()

/** Offset of `tz` (Olson name or ±HH:MM) from UTC at `date`, in minutes. */
export function tzOffsetMinutes(date: Date, tz: string | undefined): number {
  if (!tz || tz === 'UTC' || tz === 'GMT' || tz === 'Z') return 0
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(tz)
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0))
  let f = tzFormatters.get(tz)
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      })
    } catch {
      fail(40485, `unrecognized time zone identifier: "${tz}"`)
    }
    tzFormatters.set(tz, f)
  }
  const p: Record<string, number> = {}
  for (const part of f.formatToParts(date)) if (part.type !== 'literal') p[part.type] = Number(part.value)
  const local = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!)
  return Math.round((local - Math.floor(date.getTime() / 1000) * 1000) / 60000)
}

interface DateArg {
  date: Date
  tz: string | undefined
}

function dateArg(name: string, args: unknown, doc: unknown, vars: Vars | undefined): DateArg | null {
  let dateExpr: unknown = args
  let tzExpr: unknown
  if (Array.isArray(args)) {
    if (args.length !== 1) fail(40536, `${name} accepts exactly one argument`)
    dateExpr = args[0]
  } else if (isPlainObject(args) && 'date' in args) {
    dateExpr = args.date
    tzExpr = args.timezone
  }
  const v = evaluate(dateExpr, doc, vars)
  if (isNullish(v)) return null
  const tz = tzExpr === undefined ? undefined : evaluate(tzExpr, doc, vars)
  if (tz !== undefined && tz !== null && typeof tz !== 'string') fail(40517, 'timezone must evaluate to a string')
  return { date: toDateValue(name, v), tz: (tz ?? undefined) as string | undefined }
}

function toDateValue(name: string, v: unknown): Date {
  if (v instanceof Date) return v
  const tag = (v as { _bsontype?: string })?._bsontype
  if (tag === 'ObjectId') return (v as ObjectId).getTimestamp()
  if (tag === 'Timestamp') return new Date((v as { t: number }).t * 1000)
  fail(16006, `can't convert from BSON type ${bsonTypeName(v)} to Date in ${name}`)
}

/** The wall-clock fields of a date in a time zone, read through UTC getters. */
function localParts(d: DateArg): Date {
  return new Date(d.date.getTime() + tzOffsetMinutes(d.date, d.tz) * 60000)
}

function dayOfYear(l: Date): number {
  return Math.floor((l.getTime() - Date.UTC(l.getUTCFullYear(), 0, 1)) / 86400000) + 1
}

function isoWeekInfo(l: Date): { week: number; year: number; day: number } {
  const day = l.getUTCDay() === 0 ? 7 : l.getUTCDay()
  const thursday = new Date(Date.UTC(l.getUTCFullYear(), l.getUTCMonth(), l.getUTCDate() + 4 - day))
  const year = thursday.getUTCFullYear()
  const week = Math.ceil(((thursday.getTime() - Date.UTC(year, 0, 1)) / 86400000 + 1) / 7)
  return { week, year, day }
}

function datePart(name: string, get: (l: Date) => number): Op {
  return (args, doc, vars) => {
    const d = dateArg(name, args, doc, vars)
    return d ? get(localParts(d)) : null
  }
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0')
}

function formatDate(format: string, d: DateArg): string {
  const l = localParts(d)
  const offset = tzOffsetMinutes(d.date, d.tz)
  let out = ''
  for (let i = 0; i < format.length; i++) {
    const c = format[i]
    if (c !== '%') {
      out += c
      continue
    }
    const f = format[++i]
    switch (f) {
      case 'Y':
        out += pad(l.getUTCFullYear(), 4)
        break
      case 'm':
        out += pad(l.getUTCMonth() + 1, 2)
        break
      case 'd':
        out += pad(l.getUTCDate(), 2)
        break
      case 'H':
        out += pad(l.getUTCHours(), 2)
        break
      case 'M':
        out += pad(l.getUTCMinutes(), 2)
        break
      case 'S':
        out += pad(l.getUTCSeconds(), 2)
        break
      case 'L':
        out += pad(l.getUTCMilliseconds(), 3)
        break
      case 'j':
        out += pad(dayOfYear(l), 3)
        break
      case 'w':
        out += String(l.getUTCDay() + 1)
        break
      case 'u':
        out += String(isoWeekInfo(l).day)
        break
      case 'U':
        out += pad(Math.floor((dayOfYear(l) - 1 + new Date(Date.UTC(l.getUTCFullYear(), 0, 1)).getUTCDay()) / 7), 2)
        break
      case 'V':
        out += pad(isoWeekInfo(l).week, 2)
        break
      case 'G':
        out += pad(isoWeekInfo(l).year, 4)
        break
      case 'z': {
        const a = Math.abs(offset)
        out += (offset < 0 ? '-' : '+') + pad(Math.floor(a / 60), 2) + pad(a % 60, 2)
        break
      }
      case 'Z':
        out += String(offset)
        break
      case 'b':
        out += ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][l.getUTCMonth()]
        break
      case 'B':
        out += ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'][l.getUTCMonth()]
        break
      case '%':
        out += '%'
        break
      default:
        fail(18536, `Invalid format character '%${f ?? ''}' in format string`)
    }
  }
  return out
}

const UNIT_MS: Record<string, number> = {
  millisecond: 1,
  second: 1000,
  minute: 60000,
  hour: 3600000,
  day: 86400000,
  week: 604800000,
}

function addUnits(d: DateArg, unit: string, amount: number): Date {
  if (unit in UNIT_MS && unit !== 'day' && unit !== 'week') return new Date(d.date.getTime() + amount * UNIT_MS[unit]!)
  const l = localParts(d)
  const offsetBefore = tzOffsetMinutes(d.date, d.tz)
  switch (unit) {
    case 'day':
      l.setUTCDate(l.getUTCDate() + amount)
      break
    case 'week':
      l.setUTCDate(l.getUTCDate() + amount * 7)
      break
    case 'month':
    case 'quarter':
    case 'year': {
      const months = amount * (unit === 'month' ? 1 : unit === 'quarter' ? 3 : 12)
      const day = l.getUTCDate()
      l.setUTCDate(1)
      l.setUTCMonth(l.getUTCMonth() + months)
      const last = new Date(Date.UTC(l.getUTCFullYear(), l.getUTCMonth() + 1, 0)).getUTCDate()
      l.setUTCDate(Math.min(day, last))
      break
    }
    default:
      fail(Code.BadValue, `unknown time unit value: ${unit}`)
  }
  const guess = new Date(l.getTime() - offsetBefore * 60000)
  return new Date(l.getTime() - tzOffsetMinutes(guess, d.tz) * 60000)
}

function truncDate(d: DateArg, unit: string, binSize: number, startOfWeek: string): Date {
  const l = localParts(d)
  let start: number
  switch (unit) {
    case 'year':
      start = Date.UTC(l.getUTCFullYear() - ((l.getUTCFullYear() - 2000) % binSize + binSize) % binSize, 0, 1)
      break
    case 'quarter':
    case 'month': {
      const size = unit === 'quarter' ? binSize * 3 : binSize
      const months = (l.getUTCFullYear() - 2000) * 12 + l.getUTCMonth()
      const b = months - ((months % size) + size) % size
      start = Date.UTC(2000 + Math.floor(b / 12), ((b % 12) + 12) % 12, 1)
      break
    }
    case 'week': {
      const days = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']
      const sow = days.findIndex((x) => startOfWeek.toLowerCase().startsWith(x.slice(0, 3)))
      const dayStart = Date.UTC(l.getUTCFullYear(), l.getUTCMonth(), l.getUTCDate())
      const back = (l.getUTCDay() - (sow < 0 ? 0 : sow) + 7) % 7
      const weekStart = dayStart - back * 86400000
      const ref = Date.UTC(2000, 0, 2 + (sow < 0 ? 0 : sow))
      const weeks = Math.floor((weekStart - ref) / UNIT_MS.week!)
      start = weekStart - ((((weeks % binSize) + binSize) % binSize) * UNIT_MS.week!)
      break
    }
    default: {
      const ms = UNIT_MS[unit]
      if (!ms) fail(Code.BadValue, `unknown time unit value: ${unit}`)
      const size = ms * binSize
      const ref = Date.UTC(2000, 0, 1)
      start = l.getTime() - ((((l.getTime() - ref) % size) + size) % size)
    }
  }
  const guess = new Date(start - tzOffsetMinutes(d.date, d.tz) * 60000)
  return new Date(start - tzOffsetMinutes(guess, d.tz) * 60000)
}

function dateDiff(a: DateArg, b: Date, unit: string, startOfWeek: string): number {
  const la = localParts(a)
  const lb = localParts({ date: b, tz: a.tz })
  switch (unit) {
    case 'year':
      return lb.getUTCFullYear() - la.getUTCFullYear()
    case 'quarter':
      return Math.floor(lb.getUTCMonth() / 3) - Math.floor(la.getUTCMonth() / 3) + 4 * (lb.getUTCFullYear() - la.getUTCFullYear())
    case 'month':
      return lb.getUTCMonth() - la.getUTCMonth() + 12 * (lb.getUTCFullYear() - la.getUTCFullYear())
    case 'week': {
      const ta = truncDate({ date: a.date, tz: a.tz }, 'week', 1, startOfWeek).getTime()
      const tb = truncDate({ date: b, tz: a.tz }, 'week', 1, startOfWeek).getTime()
      return Math.round((tb - ta) / UNIT_MS.week!)
    }
    case 'day': {
      const da = Date.UTC(la.getUTCFullYear(), la.getUTCMonth(), la.getUTCDate())
      const db = Date.UTC(lb.getUTCFullYear(), lb.getUTCMonth(), lb.getUTCDate())
      return Math.round((db - da) / 86400000)
    }
    default: {
      const ms = UNIT_MS[unit]
      if (!ms) fail(Code.BadValue, `unknown time unit value: ${unit}`)
      return Math.floor(lb.getTime() / ms) - Math.floor(la.getTime() / ms)
    }
  }
}

function namedArgs(name: string, args: unknown, doc: unknown, vars: Vars | undefined): Record<string, unknown> {
  if (!isPlainObject(args)) fail(Code.FailedToParse, `${name} only supports an object as its argument`)
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(args)) out[k] = evaluate(args[k], doc, vars)
  return out
}

// --- conversion ---

const TYPE_ALIASES_BY_NUMBER: Record<number, string> = {
  1: 'double',
  2: 'string',
  7: 'objectId',
  8: 'bool',
  9: 'date',
  16: 'int',
  18: 'long',
  19: 'decimal',
}

function convert(v: unknown, to: string): unknown {
  if (isNullish(v)) return null
  switch (to) {
    case 'double': {
      if (typeof v === 'boolean') return makeDouble(v ? 1 : 0)
      if (typeof v === 'string') {
        const x = Number(v.trim())
        if (v.trim() === '' || Number.isNaN(x) && v.trim() !== 'NaN') fail(241, `Failed to parse number '${v}' in $convert with no onError value`)
        return makeDouble(x)
      }
      if (v instanceof Date) return makeDouble(v.getTime())
      if (isNumeric(v)) return makeDouble(toDouble(v))
      break
    }
    case 'int':
    case 'long': {
      let x: number
      if (typeof v === 'boolean') x = v ? 1 : 0
      else if (typeof v === 'string') {
        if (!/^[+-]?\d+$/.test(v.trim())) fail(241, `Failed to parse number '${v}' in $convert with no onError value`)
        if (to === 'long') return Long.fromString(v.trim())
        x = Number(v)
      } else if (v instanceof Date) x = v.getTime()
      else if (isNumeric(v)) x = Math.trunc(toDouble(v))
      else break
      if (to === 'int') {
        if (!isInt32Number(x) && x !== 0) fail(241, `Conversion would overflow target type in $convert with no onError value: ${x}`)
        return x
      }
      return numKind(v) === 'long' ? v : Long.fromNumber(x)
    }
    case 'decimal':
      if (typeof v === 'boolean') return Decimal128.fromString(v ? '1' : '0')
      if (typeof v === 'string') {
        try {
          return Decimal128.fromString(v.trim())
        } catch {
          fail(241, `Failed to parse number '${v}' in $convert with no onError value`)
        }
      }
      if (v instanceof Date) return toDecimal(v.getTime())
      if (isNumeric(v)) return toDecimal(v)
      break
    case 'bool':
      return isTruthy(v)
    case 'string':
      return convertToString(v)
    case 'date': {
      if (v instanceof Date) return v
      if (typeof v === 'string') {
        const d = new Date(v)
        if (Number.isNaN(d.getTime())) fail(241, `Error parsing date string '${v}'`)
        return d
      }
      if (isNumeric(v)) return new Date(toDouble(v))
      const tag = (v as { _bsontype?: string })._bsontype
      if (tag === 'ObjectId') return (v as ObjectId).getTimestamp()
      break
    }
    case 'objectId':
      if ((v as { _bsontype?: string })._bsontype === 'ObjectId') return v
      if (typeof v === 'string' && /^[0-9a-fA-F]{24}$/.test(v)) return new ObjectId(v)
      if (typeof v === 'string') fail(241, `Failed to parse objectId '${v}' in $convert with no onError value`)
      break
    default:
      fail(Code.BadValue, `Unknown type name: ${to}`)
  }
  fail(241, `Unsupported conversion from ${bsonTypeName(v)} to ${to} in $convert with no onError value`)
}

function converter(to: string): Op {
  return (args, doc, vars) => {
    const v = evaluate(Array.isArray(args) ? args[0] : args, doc, vars)
    return convert(v, to)
  }
}

export function sumValues(values: unknown[]): unknown {
  let total: unknown = 0
  for (const v of values) if (isNumeric(v)) total = add(total, v)
  return total
}

export function avgValues(values: unknown[]): unknown {
  const nums = values.filter(isNumeric)
  if (nums.length === 0) return null
  const total = sumValues(nums)
  return numKind(total) === 'decimal' ? divide(total, nums.length) : makeDouble(toDouble(total) / nums.length)
}

export function minMax(values: unknown[], sign: 1 | -1): unknown {
  let best: unknown = undefined
  for (const v of values) {
    if (isNullish(v)) continue
    if (best === undefined || compareValues(v, best) * sign > 0) best = v
  }
  return best === undefined ? null : best
}

function arrayAccumulator(fn: (values: unknown[]) => unknown): Op {
  return (args, doc, vars) => {
    if (Array.isArray(args)) {
      if (args.length === 1) {
        const v = evaluate(args[0], doc, vars)
        return fn(Array.isArray(v) ? v : [v])
      }
      return fn(args.map((a) => evaluate(a, doc, vars)))
    }
    const v = evaluate(args, doc, vars)
    return fn(Array.isArray(v) ? v : [v])
  }
}

function regexArgs(name: string, args: unknown, doc: unknown, vars: Vars | undefined): { input: string | null; re: RegExp } {
  const a = namedArgs(name, args, doc, vars)
  const input = a.input
  if (!isNullish(input) && typeof input !== 'string') fail(51104, `${name} needs 'input' to be of type string`)
  let re: RegExp
  const options = typeof a.options === 'string' ? a.options : ''
  if (typeof a.regex === 'string') re = compileRegex(a.regex, options)
  else if (isRegex(a.regex)) re = options ? compileRegex(toJsRegExp(a.regex).source, options) : toJsRegExp(a.regex)
  else fail(51105, `${name} needs 'regex' to be of type string or regex`)
  return { input: isNullish(input) ? null : (input as string), re }
}

function regexMatchDoc(m: RegExpExecArray): Document {
  return { match: m[0], idx: [...m.input.slice(0, m.index)].length, captures: m.slice(1).map((c) => (c === undefined ? null : c)) }
}

function trimOp(name: string, mode: 'both' | 'start' | 'end'): Op {
  return (args, doc, vars) => {
    const a = namedArgs(name, args, doc, vars)
    if (isNullish(a.input)) return null
    if (typeof a.input !== 'string') fail(50699, `${name} requires its input to be a string`)
    const chars = isNullish(a.chars) ? null : [...String(a.chars)]
    const isTrim = (c: string) => (chars ? chars.includes(c) : /[\s\u0000]/u.test(c))
    const cps = [...a.input]
    let s = 0
    let e = cps.length
    if (mode !== 'end') while (s < e && isTrim(cps[s]!)) s++
    if (mode !== 'start') while (e > s && isTrim(cps[e - 1]!)) e--
    return cps.slice(s, e).join('')
  }
}

function utf8(s: string): Buffer {
  return Buffer.from(s, 'utf8')
}

const OPS: Record<string, Op> = {
  $literal: (args) => args,
  $let: (args, doc, vars) => {
    if (!isPlainObject(args) || !isPlainObject(args.vars)) fail(Code.FailedToParse, '$let requires vars and in')
    const next: Vars = { ...vars }
    for (const k of Object.keys(args.vars)) next[k] = evaluate(args.vars[k], doc, vars)
    return evaluate(args.in, doc, next)
  },

  // arithmetic
  $add: (args, doc, vars) => {
    const list = argList(args, doc, vars)
    let total: unknown = 0
    let date: Date | null = null
    for (const v of list) {
      if (isNullish(v)) return null
      if (v instanceof Date) {
        if (date) fail(16612, 'only one date allowed in an $add expression')
        date = v
      } else if (isNumeric(v)) total = add(total, v)
      else fail(Code.TypeMismatch, `$add only supports numeric or date types, not ${bsonTypeName(v)}`)
    }
    return date ? new Date(date.getTime() + Math.round(toDouble(total))) : total
  },
  $subtract: (args, doc, vars) => {
    const [a, b] = argsN('$subtract', args, doc, vars, 2)
    if (isNullish(a) || isNullish(b)) return null
    if (a instanceof Date && b instanceof Date) return Long.fromNumber(a.getTime() - b.getTime())
    if (a instanceof Date && isNumeric(b)) return new Date(a.getTime() - Math.round(toDouble(b)))
    if (isNumeric(a) && isNumeric(b)) return subtract(a, b)
    fail(Code.TypeMismatch, `can't $subtract ${bsonTypeName(b)} from ${bsonTypeName(a)}`)
  },
  $multiply: (args, doc, vars) => {
    let total: unknown = 1
    for (const v of argList(args, doc, vars)) {
      if (isNullish(v)) return null
      requireNumber('$multiply', v)
      total = multiply(total, v)
    }
    return total
  },
  $divide: (args, doc, vars) => {
    const [a, b] = argsN('$divide', args, doc, vars, 2)
    if (isNullish(a) || isNullish(b)) return null
    requireNumber('$divide', a)
    requireNumber('$divide', b)
    return arith(() => divide(a, b))
  },
  $mod: (args, doc, vars) => {
    const [a, b] = argsN('$mod', args, doc, vars, 2)
    if (isNullish(a) || isNullish(b)) return null
    requireNumber('$mod', a)
    requireNumber('$mod', b)
    return arith(() => modulo(a, b))
  },
  $abs: unary('$abs', Math.abs),
  $ceil: unary('$ceil', Math.ceil),
  $floor: unary('$floor', Math.floor),
  $round: rounding('$round', 'round'),
  $trunc: rounding('$trunc', 'trunc'),
  $sqrt: doubleUnary('$sqrt', Math.sqrt, (x) => (x < 0 ? "$sqrt's argument must be greater than or equal to 0" : undefined)),
  $exp: doubleUnary('$exp', Math.exp),
  $ln: doubleUnary('$ln', Math.log, (x) => (x <= 0 ? "$ln's argument must be a positive number" : undefined)),
  $log10: doubleUnary('$log10', Math.log10, (x) => (x <= 0 ? "$log10's argument must be a positive number" : undefined)),
  $log: (args, doc, vars) => {
    const [a, b] = argsN('$log', args, doc, vars, 2)
    if (isNullish(a) || isNullish(b)) return null
    requireNumber('$log', a)
    requireNumber('$log', b)
    return makeDouble(Math.log(toDouble(a)) / Math.log(toDouble(b)))
  },
  $pow: (args, doc, vars) => {
    const [a, b] = argsN('$pow', args, doc, vars, 2)
    if (isNullish(a) || isNullish(b)) return null
    requireNumber('$pow', a)
    requireNumber('$pow', b)
    const r = toDouble(a) ** toDouble(b)
    const ka = numKind(a)
    const kb = numKind(b)
    if ((ka === 'int' || ka === 'long') && (kb === 'int' || kb === 'long') && toDouble(b) >= 0 && Number.isSafeInteger(r)) {
      return ka === 'long' || kb === 'long' || !isInt32Number(r) ? Long.fromNumber(r) : r
    }
    return ka === 'decimal' || kb === 'decimal' ? toDecimal(r) : makeDouble(r)
  },
  $rand: () => makeDouble(Math.random()),

  // comparison and logic
  $eq: compareOp('$eq', (c) => c === 0),
  $ne: compareOp('$ne', (c) => c !== 0),
  $gt: compareOp('$gt', (c) => c > 0),
  $gte: compareOp('$gte', (c) => c >= 0),
  $lt: compareOp('$lt', (c) => c < 0),
  $lte: compareOp('$lte', (c) => c <= 0),
  $cmp: compareOp('$cmp', () => true),
  $and: (args, doc, vars) => (Array.isArray(args) ? args : [args]).every((a) => isTruthy(evaluate(a, doc, vars))),
  $or: (args, doc, vars) => (Array.isArray(args) ? args : [args]).some((a) => isTruthy(evaluate(a, doc, vars))),
  $not: (args, doc, vars) => !isTruthy(argsN('$not', args, doc, vars, 1)[0]),
  $cond: (args, doc, vars) => {
    let c: unknown, t: unknown, e: unknown
    if (Array.isArray(args)) {
      if (args.length !== 3) fail(16020, 'Expression $cond takes exactly 3 arguments.')
      ;[c, t, e] = args
    } else if (isPlainObject(args)) {
      if (!('if' in args) || !('then' in args) || !('else' in args)) fail(17080, "Missing 'if', 'then' or 'else' parameter to $cond")
      c = args.if
      t = args.then
      e = args.else
    } else fail(Code.FailedToParse, '$cond needs an array or an object')
    return evaluate(isTruthy(evaluate(c, doc, vars)) ? t : e, doc, vars)
  },
  $ifNull: (args, doc, vars) => {
    if (!Array.isArray(args) || args.length < 2) fail(1257300, '$ifNull needs at least two arguments')
    for (let i = 0; i < args.length - 1; i++) {
      const v = evaluate(args[i], doc, vars)
      if (!isNullish(v)) return v
    }
    return evaluate(args[args.length - 1], doc, vars)
  },
  $switch: (args, doc, vars) => {
    if (!isPlainObject(args) || !Array.isArray(args.branches)) fail(40060, '$switch requires at least one branch')
    for (const b of args.branches as Document[]) {
      if (isTruthy(evaluate(b.case, doc, vars))) return evaluate(b.then, doc, vars)
    }
    if (!('default' in args)) fail(40066, '$switch could not find a matching branch for an input, and no default was specified.')
    return evaluate(args.default, doc, vars)
  },

  // strings
  $concat: (args, doc, vars) => {
    let s = ''
    for (const v of argList(args, doc, vars)) {
      if (isNullish(v)) return null
      if (typeof v !== 'string') fail(16702, `$concat only supports strings, not ${bsonTypeName(v)}`)
      s += v
    }
    return s
  },
  $toLower: (args, doc, vars) => toStr('$toLower', argsN('$toLower', args, doc, vars, 1)[0]).toLowerCase(),
  $toUpper: (args, doc, vars) => toStr('$toUpper', argsN('$toUpper', args, doc, vars, 1)[0]).toUpperCase(),
  $substr: (args, doc, vars) => OPS.$substrBytes!(args, doc, vars),
  $substrBytes: (args, doc, vars) => {
    const [s, start, len] = argsN('$substrBytes', args, doc, vars, 3)
    const b = utf8(toStr('$substrBytes', s))
    const from = toDouble(start)
    const n = toDouble(len)
    return b.subarray(from, n < 0 ? undefined : from + n).toString('utf8')
  },
  $substrCP: (args, doc, vars) => {
    const [s, start, len] = argsN('$substrCP', args, doc, vars, 3)
    const cps = [...toStr('$substrCP', s)]
    const from = toDouble(start)
    return cps.slice(from, from + toDouble(len)).join('')
  },
  $strLenCP: (args, doc, vars) => {
    const [s] = argsN('$strLenCP', args, doc, vars, 1)
    if (typeof s !== 'string') fail(34471, `$strLenCP requires a string argument, found: ${bsonTypeName(s)}`)
    return [...s].length
  },
  $strLenBytes: (args, doc, vars) => {
    const [s] = argsN('$strLenBytes', args, doc, vars, 1)
    if (typeof s !== 'string') fail(34473, `$strLenBytes requires a string argument, found: ${bsonTypeName(s)}`)
    return utf8(s).length
  },
  $split: (args, doc, vars) => {
    const [s, sep] = argsN('$split', args, doc, vars, 2)
    if (isNullish(s)) return null
    if (typeof s !== 'string' || typeof sep !== 'string') fail(40085, '$split requires a string as the first and second argument')
    if (sep === '') fail(40087, '$split requires a non-empty separator')
    return s.split(sep)
  },
  $trim: trimOp('$trim', 'both'),
  $ltrim: trimOp('$ltrim', 'start'),
  $rtrim: trimOp('$rtrim', 'end'),
  $indexOfCP: (args, doc, vars) => {
    const [s, sub, start, end] = argsN('$indexOfCP', args, doc, vars, 2, 4)
    if (isNullish(s)) return null
    if (typeof s !== 'string' || typeof sub !== 'string') fail(40093, '$indexOfCP requires strings')
    const cps = [...s].slice(0, end === undefined ? undefined : toDouble(end))
    const target = [...sub]
    for (let i = start === undefined ? 0 : toDouble(start); i + target.length <= cps.length; i++) {
      if (target.every((c, j) => cps[i + j] === c)) return i
    }
    return -1
  },
  $indexOfBytes: (args, doc, vars) => {
    const [s, sub, start, end] = argsN('$indexOfBytes', args, doc, vars, 2, 4)
    if (isNullish(s)) return null
    if (typeof s !== 'string' || typeof sub !== 'string') fail(40091, '$indexOfBytes requires strings')
    const b = utf8(s).subarray(0, end === undefined ? undefined : toDouble(end))
    return b.indexOf(utf8(sub), start === undefined ? 0 : toDouble(start))
  },
  $strcasecmp: (args, doc, vars) => {
    const [a, b] = argsN('$strcasecmp', args, doc, vars, 2)
    const x = toStr('$strcasecmp', a).toUpperCase()
    const y = toStr('$strcasecmp', b).toUpperCase()
    return x < y ? -1 : x > y ? 1 : 0
  },
  $regexMatch: (args, doc, vars) => {
    const { input, re } = regexArgs('$regexMatch', args, doc, vars)
    return input === null ? false : re.test(input)
  },
  $regexFind: (args, doc, vars) => {
    const { input, re } = regexArgs('$regexFind', args, doc, vars)
    if (input === null) return null
    const m = re.exec(input)
    return m ? regexMatchDoc(m) : null
  },
  $regexFindAll: (args, doc, vars) => {
    const { input, re } = regexArgs('$regexFindAll', args, doc, vars)
    if (input === null) return []
    const g = new RegExp(re.source, re.flags + 'g')
    return [...input.matchAll(g)].map((m) => regexMatchDoc(m as RegExpExecArray))
  },
  $replaceOne: (args, doc, vars) => {
    const a = namedArgs('$replaceOne', args, doc, vars)
    if (isNullish(a.input) || isNullish(a.find) || isNullish(a.replacement)) return null
    return String(a.input).replace(String(a.find), () => String(a.replacement))
  },
  $replaceAll: (args, doc, vars) => {
    const a = namedArgs('$replaceAll', args, doc, vars)
    if (isNullish(a.input) || isNullish(a.find) || isNullish(a.replacement)) return null
    return String(a.input).split(String(a.find)).join(String(a.replacement))
  },
  $toString: converter('string'),

  // arrays
  $size: (args, doc, vars) => {
    const [v] = argsN('$size', args, doc, vars, 1)
    if (!Array.isArray(v)) fail(17124, `The argument to $size must be an array. Type of argument: ${bsonTypeName(v)}`)
    return v.length
  },
  $arrayElemAt: (args, doc, vars) => {
    const [arr, idx] = argsN('$arrayElemAt', args, doc, vars, 2)
    if (isNullish(arr) || isNullish(idx)) return null
    requireArray('$arrayElemAt', arr)
    const i = toDouble(idx)
    const a = arr as unknown[]
    return i < 0 ? a[a.length + i] : a[i]
  },
  $first: (args, doc, vars) => {
    const [arr] = argsN('$first', args, doc, vars, 1)
    if (isNullish(arr)) return null
    return requireArray('$first', arr)[0]
  },
  $last: (args, doc, vars) => {
    const [arr] = argsN('$last', args, doc, vars, 1)
    if (isNullish(arr)) return null
    const a = requireArray('$last', arr)
    return a[a.length - 1]
  },
  $filter: (args, doc, vars) => {
    if (!isPlainObject(args)) fail(28646, '$filter only supports an object as its argument')
    const input = evaluate(args.input, doc, vars)
    if (isNullish(input)) return null
    const arr = requireArray('$filter', input)
    const as = (args.as as string | undefined) ?? 'this'
    const limit = args.limit === undefined ? Infinity : toDouble(evaluate(args.limit, doc, vars))
    const out: unknown[] = []
    for (const e of arr) {
      if (out.length >= limit) break
      if (isTruthy(evaluate(args.cond, doc, withVar(vars, as, e)))) out.push(e)
    }
    return out
  },
  $map: (args, doc, vars) => {
    if (!isPlainObject(args)) fail(16878, '$map only supports an object as its argument')
    const input = evaluate(args.input, doc, vars)
    if (isNullish(input)) return null
    const arr = requireArray('$map', input)
    const as = (args.as as string | undefined) ?? 'this'
    return arr.map((e) => nullForMissing(evaluate(args.in, doc, withVar(vars, as, e))))
  },
  $reduce: (args, doc, vars) => {
    if (!isPlainObject(args)) fail(40075, '$reduce only supports an object as its argument')
    const input = evaluate(args.input, doc, vars)
    if (isNullish(input)) return null
    const arr = requireArray('$reduce', input)
    let value = evaluate(args.initialValue, doc, vars)
    for (const e of arr) value = evaluate(args.in, doc, { ...vars, this: e, value })
    return value
  },
  $in: (args, doc, vars) => {
    const [v, arr] = argsN('$in', args, doc, vars, 2)
    if (!Array.isArray(arr)) fail(40081, `$in requires an array as a second argument, found: ${bsonTypeName(arr)}`)
    return arr.some((e) => compareExpr(e, v) === 0)
  },
  $concatArrays: (args, doc, vars) => {
    const out: unknown[] = []
    for (const v of argList(args, doc, vars)) {
      if (isNullish(v)) return null
      out.push(...requireArray('$concatArrays', v))
    }
    return out
  },
  $slice: (args, doc, vars) => {
    const list = argsN('$slice', args, doc, vars, 2, 3)
    if (list.some(isNullish)) return null
    const arr = requireArray('$slice', list[0])
    if (list.length === 2) {
      const n = toDouble(list[1])
      return n >= 0 ? arr.slice(0, n) : arr.slice(Math.max(arr.length + n, 0))
    }
    let pos = toDouble(list[1])
    if (pos < 0) pos = Math.max(arr.length + pos, 0)
    return arr.slice(pos, pos + toDouble(list[2]))
  },
  $isArray: (args, doc, vars) => Array.isArray(argsN('$isArray', args, doc, vars, 1)[0]),
  $indexOfArray: (args, doc, vars) => {
    const [arr, v, start, end] = argsN('$indexOfArray', args, doc, vars, 2, 4)
    if (isNullish(arr)) return null
    const a = requireArray('$indexOfArray', arr)
    const to = end === undefined ? a.length : Math.min(toDouble(end), a.length)
    for (let i = start === undefined ? 0 : toDouble(start); i < to; i++) if (compareExpr(a[i], v) === 0) return i
    return -1
  },
  $reverseArray: (args, doc, vars) => {
    const [arr] = argsN('$reverseArray', args, doc, vars, 1)
    if (isNullish(arr)) return null
    return [...requireArray('$reverseArray', arr)].reverse()
  },
  $range: (args, doc, vars) => {
    const [s, e, step] = argsN('$range', args, doc, vars, 2, 3)
    const from = toDouble(s)
    const to = toDouble(e)
    const by = step === undefined ? 1 : toDouble(step)
    if (by === 0) fail(34449, '$range requires a non-zero step value')
    const out: number[] = []
    for (let i = from; by > 0 ? i < to : i > to; i += by) out.push(i)
    return out
  },
  $setUnion: (args, doc, vars) => {
    const sets = setOperands('$setUnion', args, doc, vars)
    return sets ? [...setOf(sets.flat()).values()] : null
  },
  $setIntersection: (args, doc, vars) => {
    const sets = setOperands('$setIntersection', args, doc, vars)
    if (!sets) return null
    if (sets.length === 0) return []
    const rest = sets.slice(1).map((s) => setOf(s))
    return [...setOf(sets[0]!).entries()].filter(([k]) => rest.every((r) => r.has(k))).map(([, v]) => v)
  },
  $setDifference: (args, doc, vars) => {
    const sets = setOperands('$setDifference', args, doc, vars)
    if (!sets) return null
    const other = setOf(sets[1] ?? [])
    return [...setOf(sets[0] ?? []).entries()].filter(([k]) => !other.has(k)).map(([, v]) => v)
  },
  $setEquals: (args, doc, vars) => {
    const sets = setOperands('$setEquals', args, doc, vars) ?? fail(17044, 'All operands of $setEquals must be arrays.')
    const keys = sets.map((s) => [...setOf(s).keys()].sort().join('\u0001'))
    return keys.every((k) => k === keys[0])
  },
  $setIsSubset: (args, doc, vars) => {
    const sets = setOperands('$setIsSubset', args, doc, vars) ?? fail(17046, 'both operands of $setIsSubset must be arrays.')
    const b = setOf(sets[1] ?? [])
    return [...setOf(sets[0] ?? []).keys()].every((k) => b.has(k))
  },
  $anyElementTrue: (args, doc, vars) => requireArray('$anyElementTrue', argsN('$anyElementTrue', args, doc, vars, 1)[0]).some(isTruthy),
  $allElementsTrue: (args, doc, vars) => requireArray('$allElementsTrue', argsN('$allElementsTrue', args, doc, vars, 1)[0]).every(isTruthy),
  $arrayToObject: (args, doc, vars) => {
    const [arr] = argsN('$arrayToObject', args, doc, vars, 1)
    if (isNullish(arr)) return null
    const out: Document = {}
    for (const e of requireArray('$arrayToObject', arr)) {
      if (Array.isArray(e)) out[String(e[0])] = e[1]
      else if (isPlainObject(e)) out[String(e.k)] = e.v
      else fail(40398, 'Unrecognised input type format for $arrayToObject')
    }
    return out
  },
  $objectToArray: (args, doc, vars) => {
    const [obj] = argsN('$objectToArray', args, doc, vars, 1)
    if (isNullish(obj)) return null
    if (!isPlainObject(obj)) fail(40390, `$objectToArray requires a document input, found: ${bsonTypeName(obj)}`)
    return Object.keys(obj).map((k) => ({ k, v: obj[k] }))
  },
  $mergeObjects: (args, doc, vars) => {
    const out: Document = {}
    for (const v of argList(args, doc, vars)) {
      if (isNullish(v)) continue
      if (!isPlainObject(v)) fail(40400, `$mergeObjects requires object inputs, but input is of type ${bsonTypeName(v)}`)
      Object.assign(out, v)
    }
    return out
  },
  $getField: (args, doc, vars) => {
    let field: unknown = args
    let input: unknown = doc
    if (isPlainObject(args) && 'field' in args) {
      field = evaluate(args.field, doc, vars)
      input = 'input' in args ? evaluate(args.input, doc, vars) : doc
    }
    if (typeof field !== 'string') fail(5654602, '$getField requires field to evaluate to a string')
    return isPlainObject(input) ? input[field] : isNullish(input) ? null : undefined
  },
  $zip: (args, doc, vars) => {
    if (!isPlainObject(args)) fail(34460, '$zip requires an object')
    const inputs = (args.inputs as unknown[]).map((i) => evaluate(i, doc, vars))
    if (inputs.some(isNullish)) return null
    const arrays = inputs.map((a) => requireArray('$zip', a))
    const longest = args.useLongestLength === true
    const defaults = (args.defaults as unknown[] | undefined) ?? []
    const n = longest ? Math.max(...arrays.map((a) => a.length)) : Math.min(...arrays.map((a) => a.length))
    const out: unknown[][] = []
    for (let i = 0; i < n; i++) out.push(arrays.map((a, j) => (i < a.length ? a[i] : (defaults[j] ?? null))))
    return out
  },
  $sortArray: (args, doc, vars) => {
    if (!isPlainObject(args)) fail(2942500, '$sortArray requires an object')
    const input = evaluate(args.input, doc, vars)
    if (isNullish(input)) return null
    const arr = [...requireArray('$sortArray', input)]
    const by = args.sortBy
    if (isPlainObject(by)) {
      const keys = Object.keys(by).map((k) => [splitPath(k), toDouble(by[k])] as const)
      arr.sort((a, b) => {
        for (const [p, dir] of keys) {
          const c = compareExpr(exprPathValue(a, p), exprPathValue(b, p))
          if (c !== 0) return c * dir
        }
        return 0
      })
    } else {
      const dir = toDouble(by)
      arr.sort((a, b) => compareExpr(a, b) * dir)
    }
    return arr
  },

  // accumulators used as expressions
  $sum: arrayAccumulator(sumValues),
  $avg: arrayAccumulator(avgValues),
  $min: arrayAccumulator((v) => minMax(v, -1)),
  $max: arrayAccumulator((v) => minMax(v, 1)),

  // types
  $type: (args, doc, vars) => bsonTypeName(argsN('$type', args, doc, vars, 1)[0]),
  $isNumber: (args, doc, vars) => isNumeric(argsN('$isNumber', args, doc, vars, 1)[0]),
  $toInt: converter('int'),
  $toLong: converter('long'),
  $toDouble: converter('double'),
  $toDecimal: converter('decimal'),
  $toBool: converter('bool'),
  $toDate: converter('date'),
  $toObjectId: converter('objectId'),
  $convert: (args, doc, vars) => {
    if (!isPlainObject(args)) fail(Code.FailedToParse, '$convert expects an object of named arguments')
    const input = evaluate(args.input, doc, vars)
    let to = evaluate(args.to, doc, vars)
    if (isNumeric(to)) to = TYPE_ALIASES_BY_NUMBER[toDouble(to)]
    if (isNullish(input)) return 'onNull' in args ? evaluate(args.onNull, doc, vars) : null
    try {
      return convert(input, String(to))
    } catch (e) {
      if (e instanceof MongoError && 'onError' in args) return evaluate(args.onError, doc, vars)
      throw e
    }
  },

  // dates
  $year: datePart('$year', (l) => l.getUTCFullYear()),
  $month: datePart('$month', (l) => l.getUTCMonth() + 1),
  $dayOfMonth: datePart('$dayOfMonth', (l) => l.getUTCDate()),
  $hour: datePart('$hour', (l) => l.getUTCHours()),
  $minute: datePart('$minute', (l) => l.getUTCMinutes()),
  $second: datePart('$second', (l) => l.getUTCSeconds()),
  $millisecond: datePart('$millisecond', (l) => l.getUTCMilliseconds()),
  $dayOfWeek: datePart('$dayOfWeek', (l) => l.getUTCDay() + 1),
  $dayOfYear: datePart('$dayOfYear', dayOfYear),
  $week: datePart('$week', (l) => Math.floor((dayOfYear(l) - 1 + new Date(Date.UTC(l.getUTCFullYear(), 0, 1)).getUTCDay()) / 7)),
  $isoWeek: datePart('$isoWeek', (l) => isoWeekInfo(l).week),
  $isoWeekYear: datePart('$isoWeekYear', (l) => isoWeekInfo(l).year),
  $isoDayOfWeek: datePart('$isoDayOfWeek', (l) => isoWeekInfo(l).day),
  $dateToString: (args, doc, vars) => {
    if (!isPlainObject(args)) fail(18629, '$dateToString only supports an object as its argument')
    const v = evaluate(args.date, doc, vars)
    if (isNullish(v)) return 'onNull' in args ? evaluate(args.onNull, doc, vars) : null
    const tz = args.timezone === undefined ? undefined : (evaluate(args.timezone, doc, vars) as string)
    const format = args.format === undefined ? '%Y-%m-%dT%H:%M:%S.%LZ' : String(evaluate(args.format, doc, vars))
    return formatDate(format, { date: toDateValue('$dateToString', v), tz })
  },
  $dateFromString: (args, doc, vars) => {
    const a = namedArgs('$dateFromString', args, doc, vars)
    if (isNullish(a.dateString)) return 'onNull' in a ? a.onNull : null
    if (a.format !== undefined) unsupported("$dateFromString's format")
    const s = String(a.dateString)
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(s)
    const parsed = new Date(hasZone || !/T|\d:\d/.test(s) ? s : s + 'Z')
    if (Number.isNaN(parsed.getTime())) {
      if ('onError' in a) return a.onError
      fail(241, `Error parsing date string '${s}'`)
    }
    if (hasZone || !a.timezone) return parsed
    return new Date(parsed.getTime() - tzOffsetMinutes(parsed, String(a.timezone)) * 60000)
  },
  $dateToParts: (args, doc, vars) => {
    const d = dateArg('$dateToParts', args, doc, vars)
    if (!d) return null
    const l = localParts(d)
    if (isPlainObject(args) && evaluate(args.iso8601, doc, vars) === true) {
      const w = isoWeekInfo(l)
      return { isoWeekYear: w.year, isoWeek: w.week, isoDayOfWeek: w.day, hour: l.getUTCHours(), minute: l.getUTCMinutes(), second: l.getUTCSeconds(), millisecond: l.getUTCMilliseconds() }
    }
    return { year: l.getUTCFullYear(), month: l.getUTCMonth() + 1, day: l.getUTCDate(), hour: l.getUTCHours(), minute: l.getUTCMinutes(), second: l.getUTCSeconds(), millisecond: l.getUTCMilliseconds() }
  },
  $dateFromParts: (args, doc, vars) => {
    const a = namedArgs('$dateFromParts', args, doc, vars)
    if ('isoWeekYear' in a) unsupported('$dateFromParts with ISO week fields')
    const n = (k: string, def: number) => (isNullish(a[k]) ? def : toDouble(a[k]))
    const local = Date.UTC(n('year', 1970), n('month', 1) - 1, n('day', 1), n('hour', 0), n('minute', 0), n('second', 0), n('millisecond', 0))
    const tz = a.timezone as string | undefined
    const guess = new Date(local - tzOffsetMinutes(new Date(local), tz) * 60000)
    return new Date(local - tzOffsetMinutes(guess, tz) * 60000)
  },
  $dateAdd: (args, doc, vars) => {
    const a = namedArgs('$dateAdd', args, doc, vars)
    if (isNullish(a.startDate) || isNullish(a.amount) || isNullish(a.unit)) return null
    return addUnits({ date: toDateValue('$dateAdd', a.startDate), tz: a.timezone as string | undefined }, String(a.unit), toDouble(a.amount))
  },
  $dateSubtract: (args, doc, vars) => {
    const a = namedArgs('$dateSubtract', args, doc, vars)
    if (isNullish(a.startDate) || isNullish(a.amount) || isNullish(a.unit)) return null
    return addUnits({ date: toDateValue('$dateSubtract', a.startDate), tz: a.timezone as string | undefined }, String(a.unit), -toDouble(a.amount))
  },
  $dateDiff: (args, doc, vars) => {
    const a = namedArgs('$dateDiff', args, doc, vars)
    if (isNullish(a.startDate) || isNullish(a.endDate) || isNullish(a.unit)) return null
    const start = { date: toDateValue('$dateDiff', a.startDate), tz: a.timezone as string | undefined }
    return Long.fromNumber(dateDiff(start, toDateValue('$dateDiff', a.endDate), String(a.unit), String(a.startOfWeek ?? 'sunday')))
  },
  $dateTrunc: (args, doc, vars) => {
    const a = namedArgs('$dateTrunc', args, doc, vars)
    if (isNullish(a.date) || isNullish(a.unit)) return null
    const d = { date: toDateValue('$dateTrunc', a.date), tz: a.timezone as string | undefined }
    return truncDate(d, String(a.unit), a.binSize === undefined ? 1 : toDouble(a.binSize), String(a.startOfWeek ?? 'sunday'))
  },
}
