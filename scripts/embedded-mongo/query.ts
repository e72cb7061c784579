import type { Document } from 'bson'
import {
  bsonTypeName,
  compareValues,
  compileRegex,
  isPlainObject,
  isRegex,
  toJsRegExp,
  TYPE_NUMBERS,
  TypeClass,
  typeClass,
} from './bson-order.js'
import { Code, fail, unsupported } from './errors.js'
import { evaluate, isTruthy, type Vars } from './expressions.js'
import { isNumeric, toDouble } from './numbers.js'
import { queryValues, splitPath } from './paths.js'

/** A compiled filter. `vars` is only read by `$expr` (e.g. `$$var` of a `$lookup` pipeline). */
export type Predicate = (doc: Document, vars?: Vars) => boolean
type ValuesTest = (vals: unknown[], vars?: Vars) => boolean

const UNSUPPORTED_TOP = new Set(['$where', '$text', '$jsonSchema', '$sampleRate'])
const UNSUPPORTED_FIELD = new Set([
  '$geoWithin',
  '$geoIntersects',
  '$near',
  '$nearSphere',
  '$within',
  '$bitsAllSet',
  '$bitsAnySet',
  '$bitsAllClear',
  '$bitsAnyClear',
])

const TRUE: Predicate = () => true

export function compileFilter(filter: unknown): Predicate {
  if (filter === undefined || filter === null) return TRUE
  if (!isPlainObject(filter)) fail(Code.TypeMismatch, 'filter must be an object')
  const parts: Predicate[] = []
  for (const key of Object.keys(filter)) {
    const value = filter[key]
    if (key.startsWith('$')) parts.push(compileTopOperator(key, value))
    else parts.push(compileField(key, value))
  }
  if (parts.length === 0) return TRUE
  if (parts.length === 1) return parts[0]!
  return (doc, vars) => {
    for (const p of parts) if (!p(doc, vars)) return false
    return true
  }
}

function compileTopOperator(op: string, value: unknown): Predicate {
  switch (op) {
    case '$and':
    case '$or':
    case '$nor': {
      if (!Array.isArray(value) || value.length === 0) fail(Code.BadValue, `${op} must be a nonempty array`)
      const subs = value.map((v) => {
        if (!isPlainObject(v)) fail(Code.BadValue, `${op} argument's entries must be objects`)
        return compileFilter(v)
      })
      if (op === '$and') return (doc, vars) => subs.every((s) => s(doc, vars))
      if (op === '$or') return (doc, vars) => subs.some((s) => s(doc, vars))
      return (doc, vars) => !subs.some((s) => s(doc, vars))
    }
    case '$expr':
      return (doc, vars) => isTruthy(evaluate(value, doc, vars))
    case '$comment':
      return TRUE
    case '$alwaysTrue':
      return TRUE
    case '$alwaysFalse':
      return () => false
    default:
      if (UNSUPPORTED_TOP.has(op)) unsupported(`the query operator ${op}`)
      fail(Code.BadValue, `unknown top level operator: ${op}`)
  }
}

export function isOperatorObject(v: unknown): v is Document {
  if (!isPlainObject(v)) return false
  const first = Object.keys(v)[0]
  return first !== undefined && first.startsWith('$')
}

function compileField(path: string, cond: unknown): Predicate {
  const parts = splitPath(path)
  const test = compileCondition(cond, path)
  return (doc, vars) => test(queryValues(doc, parts), vars)
}

/** A condition on one field: an operator object, a regex or a value to be equal to. */
function compileCondition(cond: unknown, path: string): ValuesTest {
  if (isRegex(cond)) return leafTest(regexTest(cond))
  if (isOperatorObject(cond)) return compileOperators(cond, path)
  return leafTest(equalTest(cond))
}

function compileOperators(ops: Document, path: string): ValuesTest {
  const tests: ValuesTest[] = []
  const keys = Object.keys(ops)
  for (const op of keys) {
    const arg = ops[op]
    switch (op) {
      case '$eq':
        tests.push(leafTest(equalTest(arg)))
        break
      case '$ne': {
        const t = leafTest(equalTest(arg))
        tests.push((vals) => !t(vals))
        break
      }
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        tests.push(leafTest(rangeTest(op, arg)))
        break
      case '$in': {
        tests.push(leafTest(inTest(arg)))
        break
      }
      case '$nin': {
        const t = leafTest(inTest(arg, '$nin'))
        tests.push((vals) => !t(vals))
        break
      }
      case '$exists':
        tests.push(isTruthyArg(arg) ? (vals) => vals.some((v) => v !== undefined) : (vals) => vals.every((v) => v === undefined))
        break
      case '$type':
        tests.push(leafTest(typeTest(arg)))
        break
      case '$regex': {
        const options = ops.$options
        if (options !== undefined && typeof options !== 'string') fail(Code.BadValue, '$options has to be a string')
        let re: RegExp
        if (typeof arg === 'string') re = safeRegex(arg, (options as string | undefined) ?? '')
        else if (isRegex(arg)) re = options ? safeRegex(toJsRegExp(arg).source, options as string) : toJsRegExp(arg)
        else fail(Code.BadValue, '$regex has to be a string')
        tests.push(leafTest(stringRegexTest(re)))
        break
      }
      case '$options':
        if (!('$regex' in ops)) fail(Code.BadValue, '$options needs a $regex')
        break
      case '$not': {
        let inner: ValuesTest
        if (isRegex(arg)) inner = leafTest(regexTest(arg))
        else if (isOperatorObject(arg)) inner = compileOperators(arg, path)
        else fail(Code.BadValue, '$not needs a regex or a document')
        tests.push((vals, vars) => !inner(vals, vars))
        break
      }
      case '$size': {
        if (!isNumeric(arg) || !Number.isInteger(toDouble(arg))) fail(Code.BadValue, '$size needs a number')
        const n = toDouble(arg)
        tests.push((vals) => vals.some((v) => Array.isArray(v) && v.length === n))
        break
      }
      case '$all': {
        if (!Array.isArray(arg)) fail(Code.BadValue, '$all needs an array')
        if (arg.length === 0) {
          tests.push(() => false)
          break
        }
        const subs = arg.map((item): ValuesTest => {
          if (isPlainObject(item) && Object.keys(item)[0] === '$elemMatch') return elemMatchTest(item.$elemMatch)
          if (isRegex(item)) return leafTest(regexTest(item))
          return leafTest(equalTest(item))
        })
        tests.push((vals, vars) => subs.every((s) => s(vals, vars)))
        break
      }
      case '$elemMatch':
        tests.push(elemMatchTest(arg))
        break
      case '$mod': {
        if (!Array.isArray(arg) || arg.length !== 2) fail(Code.BadValue, 'malformed mod, needs to be an array of 2 elements')
        if (!isNumeric(arg[0]) || !isNumeric(arg[1])) fail(Code.BadValue, 'malformed mod, divisor and remainder must be numbers')
        const d = Math.trunc(toDouble(arg[0]))
        const r = Math.trunc(toDouble(arg[1]))
        if (d === 0) fail(Code.BadValue, 'divisor cannot be 0')
        tests.push(leafTest((x) => isNumeric(x) && Number.isFinite(toDouble(x)) && Math.trunc(toDouble(x)) % d === r))
        break
      }
      case '$comment':
        break
      default:
        if (UNSUPPORTED_FIELD.has(op)) unsupported(`the query operator ${op}`)
        fail(Code.BadValue, `unknown operator: ${op}`)
    }
  }
  if (tests.length === 1) return tests[0]!
  return (vals, vars) => {
    for (const t of tests) if (!t(vals, vars)) return false
    return true
  }
}

function isTruthyArg(v: unknown): boolean {
  if (typeof v === 'boolean') return v
  if (v === null || v === undefined) return false
  if (isNumeric(v)) return toDouble(v) !== 0
  return true
}

function safeRegex(pattern: string, options: string): RegExp {
  try {
    return compileRegex(pattern, options)
  } catch (e) {
    fail(Code.BadValue, `Regular expression is invalid: ${(e as Error).message}`)
  }
}

/** The test applies to the value and, when it is an array, to each of its elements. */
function leafTest(test: (x: unknown) => boolean): ValuesTest {
  return (vals) => {
    for (const v of vals) {
      if (test(v)) return true
      if (Array.isArray(v)) for (const e of v) if (test(e)) return true
    }
    return false
  }
}

function equalTest(target: unknown): (x: unknown) => boolean {
  if (target === null || target === undefined) return (x) => x === null || x === undefined
  const cls = typeClass(target)
  return (x) => typeClass(x) === cls && compareValues(x, target) === 0
}

function regexTest(re: unknown): (x: unknown) => boolean {
  const js = toJsRegExp(re as RegExp)
  const asValue = equalTest(re)
  return (x) => {
    if (typeof x === 'string') return js.test(x)
    if (x !== null && typeof x === 'object' && (x as { _bsontype?: string })._bsontype === 'BSONSymbol') {
      return js.test(String((x as { value: string }).value))
    }
    return isRegex(x) && asValue(x)
  }
}

function stringRegexTest(re: RegExp): (x: unknown) => boolean {
  return (x) => typeof x === 'string' && re.test(x)
}

function rangeTest(op: string, bound: unknown): (x: unknown) => boolean {
  const cls = typeClass(bound)
  const ok =
    op === '$gt' ? (c: number) => c > 0 : op === '$gte' ? (c: number) => c >= 0 : op === '$lt' ? (c: number) => c < 0 : (c: number) => c <= 0
  if (cls === TypeClass.MinKey || cls === TypeClass.MaxKey) return (x) => x !== undefined && ok(compareValues(x, bound))
  if (cls === TypeClass.Null) {
    if (op === '$gte' || op === '$lte') return (x) => x === null || x === undefined
    return () => false
  }
  return (x) => typeClass(x) === cls && ok(compareValues(x, bound))
}

function inTest(list: unknown, op = '$in'): (x: unknown) => boolean {
  if (!Array.isArray(list)) fail(Code.BadValue, `${op} needs an array`)
  const tests = list.map((v) => {
    if (isOperatorObject(v) && !isRegex(v)) fail(Code.BadValue, `cannot nest $ under ${op}`)
    return isRegex(v) ? regexTest(v) : equalTest(v)
  })
  return (x) => {
    for (const t of tests) if (t(x)) return true
    return false
  }
}

const TYPE_ALIASES = new Set([...Object.keys(TYPE_NUMBERS), 'number'])

function typeTest(arg: unknown): (x: unknown) => boolean {
  const list = Array.isArray(arg) ? arg : [arg]
  const names = new Set<string>()
  for (const t of list) {
    if (typeof t === 'string') {
      if (!TYPE_ALIASES.has(t)) fail(Code.BadValue, `Unknown type name alias: ${t}`)
      names.add(t)
    } else if (isNumeric(t)) {
      const n = toDouble(t)
      const name = Object.keys(TYPE_NUMBERS).find((k) => TYPE_NUMBERS[k] === n)
      if (!name) fail(Code.BadValue, `Invalid numerical type code: ${n}`)
      names.add(name)
    } else {
      fail(Code.TypeMismatch, 'type must be represented as a number or a string')
    }
  }
  return (x) => {
    if (x === undefined) return false
    const name = bsonTypeName(x)
    return names.has(name) || (names.has('number') && isNumeric(x))
  }
}

function elemMatchTest(arg: unknown): ValuesTest {
  if (!isPlainObject(arg)) fail(Code.BadValue, '$elemMatch needs an Object')
  const first = Object.keys(arg)[0]
  const valueLevel = first !== undefined && first.startsWith('$') && !['$and', '$or', '$nor', '$expr', '$where'].includes(first)
  let elementTest: (e: unknown, vars?: Vars) => boolean
  if (valueLevel) {
    const ops = compileOperators(arg, '')
    elementTest = (e, vars) => ops([e], vars)
  } else {
    const pred = compileFilter(arg)
    elementTest = (e, vars) => isPlainObject(e) && pred(e, vars)
  }
  return (vals, vars) => {
    for (const v of vals) {
      if (!Array.isArray(v)) continue
      for (const e of v) if (elementTest(e, vars)) return true
    }
    return false
  }
}

/**
 * The index of the first element of the array at `arrayPath` that the filter's conditions on
 * that array match: what the positional `$` of an update refers to.
 */
export function positionalIndex(filter: Document, doc: Document, arrayPath: string): number | undefined {
  const relevant: Document[] = []
  collectConditions(filter, arrayPath, relevant)
  const parts = splitPath(arrayPath)
  let arr: unknown = doc
  for (const p of parts) arr = isPlainObject(arr) ? arr[p] : Array.isArray(arr) ? arr[Number(p)] : undefined
  if (!Array.isArray(arr) || relevant.length === 0) return undefined
  const preds = relevant.map((c) => compileFilter(c))
  for (let i = 0; i < arr.length; i++) {
    const view = withPath(doc, parts, [arr[i]])
    if (preds.every((p) => p(view))) return i
  }
  return undefined
}

function collectConditions(filter: Document, arrayPath: string, out: Document[]): void {
  for (const key of Object.keys(filter)) {
    if (key === '$and' && Array.isArray(filter.$and)) {
      for (const sub of filter.$and) if (isPlainObject(sub)) collectConditions(sub, arrayPath, out)
    } else if (key === arrayPath || key.startsWith(arrayPath + '.')) {
      out.push({ [key]: filter[key] })
    }
  }
}

function withPath(doc: Document, parts: string[], value: unknown): Document {
  const copy: Document = { ...doc }
  let cur = copy
  for (let i = 0; i < parts.length - 1; i++) {
    const next = cur[parts[i]!]
    const c = isPlainObject(next) ? { ...next } : {}
    cur[parts[i]!] = c
    cur = c
  }
  cur[parts[parts.length - 1]!] = value
  return copy
}

/**
 * Fields an upsert copies from the filter into the new document: equality conditions at the
 * top level or inside `$and` (`{a: 1}`, `{a: {$eq: 1}}`, `{a: {$in: [1]}}`).
 */
export function equalityFields(filter: Document, out: Map<string, unknown> = new Map()): Map<string, unknown> {
  for (const key of Object.keys(filter)) {
    const v = filter[key]
    if (key === '$and' && Array.isArray(v)) {
      for (const sub of v) if (isPlainObject(sub)) equalityFields(sub, out)
      continue
    }
    if (key.startsWith('$')) continue
    if (isOperatorObject(v)) {
      if ('$eq' in v) out.set(key, v.$eq)
      else if (Array.isArray(v.$in) && v.$in.length === 1 && !isRegex(v.$in[0])) out.set(key, v.$in[0])
    } else if (!isRegex(v)) {
      out.set(key, v)
    }
  }
  return out
}
