import type { Document } from 'bson'
import { compareValues, isPlainObject, keyOf } from './bson-order.js'
import { Code, fail, unsupported } from './errors.js'
import { avgValues, compareExpr, evaluate, type Vars } from './expressions.js'
import { add, isNumeric, makeDouble, toDouble } from './numbers.js'
import { getPath, queryValues, splitPath } from './paths.js'
import { compileAddFields, compileProjection, compileUnset } from './projection.js'
import { compileFilter } from './query.js'

/** What `$lookup` needs from the database the pipeline runs in. */
export interface AggregateEnv {
  /** documents of `coll` whose `field` (query semantics, arrays included) equals one of `values` */
  lookup(coll: string, field: string, values: unknown[]): Document[]
  /** every document of `coll` (in natural order) */
  all(coll: string): Document[]
}

export type Stage = (docs: Document[], vars: Vars | undefined) => Document[]

const UNSUPPORTED_STAGES = new Set([
  '$out',
  '$merge',
  '$graphLookup',
  '$unionWith',
  '$redact',
  '$geoNear',
  '$setWindowFields',
  '$densify',
  '$fill',
  '$bucketAuto',
  '$collStats',
  '$indexStats',
  '$changeStream',
  '$changeStreamSplitLargeEvent',
  '$currentOp',
  '$listSessions',
  '$listLocalSessions',
  '$planCacheStats',
  '$search',
  '$searchMeta',
  '$vectorSearch',
  '$documents',
  '$listSearchIndexes',
])

export function stageName(stage: unknown): string {
  if (!isPlainObject(stage)) fail(Code.TypeMismatch, 'Each element of the \'pipeline\' array must be an object')
  const keys = Object.keys(stage)
  if (keys.length !== 1) fail(40323, 'A pipeline stage specification object must contain exactly one field.')
  return keys[0]!
}

export function compilePipeline(pipeline: unknown, env: AggregateEnv, nested = false): Stage[] {
  if (!Array.isArray(pipeline)) fail(Code.TypeMismatch, "'pipeline' option must be specified as an array")
  return pipeline.map((stage) => compileStage(stage, env, nested))
}

export function runStages(stages: Stage[], docs: Document[], vars?: Vars): Document[] {
  let out = docs
  for (const s of stages) out = s(out, vars)
  return out
}

function compileStage(stage: unknown, env: AggregateEnv, nested: boolean): Stage {
  const name = stageName(stage)
  const spec = (stage as Document)[name]
  switch (name) {
    case '$match': {
      if (!isPlainObject(spec)) fail(15959, 'the match filter must be an expression in an object')
      const pred = compileFilter(spec)
      return (docs, vars) => docs.filter((d) => pred(d, vars))
    }
    case '$project': {
      if (!isPlainObject(spec)) fail(15969, '$project specification must be an object')
      const project = compileProjection(spec, { mode: 'aggregate' })!
      return (docs, vars) => docs.map((d) => project(d, vars))
    }
    case '$addFields':
    case '$set': {
      const addFields = compileAddFields(spec, name)
      return (docs, vars) => docs.map((d) => addFields(d, vars))
    }
    case '$unset': {
      const unset = compileUnset(spec)
      return (docs) => docs.map((d) => unset(d))
    }
    case '$replaceRoot':
    case '$replaceWith': {
      const expr = name === '$replaceRoot' ? (isPlainObject(spec) ? spec.newRoot : fail(40228, 'no newRoot specified for the $replaceRoot stage')) : spec
      return (docs, vars) =>
        docs.map((d) => {
          const v = evaluate(expr, d, { ...vars, ROOT: d })
          if (!isPlainObject(v)) {
            fail(40228, `'newRoot' expression must evaluate to an object, but resulting value was: ${v === undefined ? 'MISSING' : JSON.stringify(v)}. Type of resulting value: '${v === undefined ? 'missing' : typeof v}'.`)
          }
          return v
        })
    }
    case '$sort': {
      const keys = parseSort(spec)
      return (docs) => sortDocs(docs, keys)
    }
    case '$limit': {
      const n = positiveInteger(spec, '$limit', 15958, 'the limit must be positive')
      return (docs) => docs.slice(0, n)
    }
    case '$skip': {
      if (!isNumeric(spec) || toDouble(spec) < 0 || !Number.isInteger(toDouble(spec))) fail(15956, 'invalid argument to $skip stage: Expected a non-negative number')
      const n = toDouble(spec)
      return (docs) => docs.slice(n)
    }
    case '$count': {
      if (typeof spec !== 'string' || spec === '' || spec.startsWith('$') || spec.includes('.')) {
        fail(40156, 'the count field must be a non-empty string, must not start with $ and must not contain .')
      }
      return (docs) => (docs.length === 0 ? [] : [{ [spec]: docs.length }])
    }
    case '$unwind':
      return compileUnwind(spec)
    case '$group':
      return compileGroup(spec)
    case '$sortByCount': {
      const group = compileGroup({ _id: spec, count: { $sum: 1 } })
      return (docs, vars) => group(docs, vars).sort((a, b) => compareValues(b.count, a.count))
    }
    case '$bucket':
      return compileBucket(spec)
    case '$facet': {
      if (nested) fail(40600, '$facet is not allowed to be used within a $facet stage')
      if (!isPlainObject(spec) || Object.keys(spec).length === 0) fail(40169, 'the $facet specification must be a non-empty object')
      const facets = Object.keys(spec).map((k) => {
        for (const s of spec[k] as unknown[]) {
          const n = stageName(s)
          if (['$out', '$merge', '$facet', '$indexStats', '$collStats'].includes(n)) fail(40600, `${n} is not allowed to be used within a $facet stage`)
        }
        return [k, compilePipeline(spec[k], env, true)] as const
      })
      return (docs, vars) => {
        const out: Document = {}
        for (const [k, stages] of facets) out[k] = runStages(stages, docs, vars)
        return [out]
      }
    }
    case '$lookup':
      return compileLookup(spec, env)
    case '$sample': {
      if (!isPlainObject(spec)) fail(28745, 'the $sample stage specification must be an object')
      const n = positiveInteger(spec.size, '$sample', 28747, 'size argument to $sample must not be negative')
      return (docs) => {
        const copy = [...docs]
        for (let i = copy.length - 1; i > 0; i--) {
          const j = Math.floor(Math.random() * (i + 1))
          ;[copy[i], copy[j]] = [copy[j]!, copy[i]!]
        }
        return copy.slice(0, n)
      }
    }
    default:
      if (UNSUPPORTED_STAGES.has(name)) unsupported(`the aggregation stage ${name}`)
      fail(Code.Location40324, `Unrecognized pipeline stage name: '${name}'`)
  }
}

function positiveInteger(v: unknown, stage: string, code: number, message: string): number {
  if (!isNumeric(v) || !Number.isInteger(toDouble(v))) fail(code, `invalid argument to ${stage} stage: ${message}`)
  const n = toDouble(v)
  if (n <= 0 && stage === '$limit') fail(code, message)
  if (n < 0) fail(code, message)
  return n
}

// --- sort ---

export type SortKey = { parts: string[]; dir: 1 | -1 }
export type SortSpec = SortKey[]

export function parseSort(spec: unknown): SortSpec {
  if (!isPlainObject(spec) || Object.keys(spec).length === 0) fail(15976, '$sort stage must have at least one sort key')
  return Object.keys(spec).map((k) => {
    const d = spec[k]
    if (isPlainObject(d)) unsupported('$meta sort')
    const n = isNumeric(d) ? toDouble(d) : NaN
    if (n !== 1 && n !== -1) fail(15975, '$sort key ordering must be 1 (for ascending) or -1 (for descending)')
    return { parts: splitPath(k), dir: n as 1 | -1 }
  })
}

/** The value a document sorts by at a path: arrays sort by their smallest (ascending) or largest (descending) element. */
export function sortValue(doc: Document, key: SortKey): unknown {
  const vals = queryValues(doc, key.parts)
  let best: unknown = undefined
  let first = true
  for (const v of vals) {
    const candidates = Array.isArray(v) ? (v.length === 0 ? [undefined] : v) : [v]
    for (const c of candidates) {
      if (first || compareValues(c, best) * key.dir < 0) {
        best = c
        first = false
      }
    }
  }
  return best
}

export function sortComparator(keys: SortSpec): (a: Document, b: Document) => number {
  return (a, b) => {
    for (const k of keys) {
      const c = compareValues(sortValue(a, k), sortValue(b, k))
      if (c !== 0) return c * k.dir
    }
    return 0
  }
}

/** Decorate-sort-undecorate: each sort value is computed once per document; ties keep input order. */
function sortDocs(docs: Document[], keys: SortSpec): Document[] {
  const decorated = docs.map((d, i) => ({ d, i, v: keys.map((k) => sortValue(d, k)) }))
  decorated.sort((x, y) => {
    for (let j = 0; j < keys.length; j++) {
      const c = compareValues(x.v[j], y.v[j])
      if (c !== 0) return c * keys[j]!.dir
    }
    return x.i - y.i
  })
  return decorated.map((x) => x.d)
}

// --- $unwind ---

function compileUnwind(spec: unknown): Stage {
  let path: unknown = spec
  let indexField: string | undefined
  let preserve = false
  if (isPlainObject(spec)) {
    path = spec.path
    if (spec.includeArrayIndex !== undefined) {
      if (typeof spec.includeArrayIndex !== 'string' || spec.includeArrayIndex.startsWith('$')) fail(28810, 'includeArrayIndex must be a string that does not start with $')
      indexField = spec.includeArrayIndex
    }
    preserve = spec.preserveNullAndEmptyArrays === true
  }
  if (typeof path !== 'string' || !path.startsWith('$')) fail(28818, "path option to $unwind stage should be prefixed with a '$'")
  const parts = splitPath(path.slice(1))
  return (docs) => {
    const out: Document[] = []
    for (const d of docs) {
      const v = getPath(d, parts)
      if (Array.isArray(v) && v.length > 0) {
        v.forEach((e, i) => {
          let next = setPathCopy(d, parts, e)
          if (indexField) next = { ...next, [indexField]: i }
          out.push(next)
        })
      } else if (v === undefined || v === null || Array.isArray(v)) {
        if (!preserve) continue
        let next = Array.isArray(v) ? setPathCopy(d, parts, undefined) : d
        if (indexField) next = { ...next, [indexField]: null }
        out.push(next)
      } else {
        out.push(indexField ? { ...d, [indexField]: null } : d)
      }
    }
    return out
  }
}

/** Copy-on-write set along a path of documents; `undefined` removes the field. */
export function setPathCopy(doc: Document, parts: string[], value: unknown, i = 0): Document {
  const out: Document = { ...doc }
  const key = parts[i]!
  if (i === parts.length - 1) {
    if (value === undefined) delete out[key]
    else out[key] = value
  } else {
    const child = out[key]
    out[key] = setPathCopy(isPlainObject(child) ? child : {}, parts, value, i + 1)
  }
  return out
}

// --- $group and accumulators ---

interface Accumulator {
  add(value: unknown, doc: Document): void
  result(): unknown
}

type AccumulatorFactory = () => Accumulator

function compileAccumulator(field: string, spec: unknown, vars: () => Vars | undefined): { factory: AccumulatorFactory; expr: unknown } {
  if (!isPlainObject(spec) || Object.keys(spec).length !== 1) fail(40234, `The field '${field}' must be an accumulator object`)
  const op = Object.keys(spec)[0]!
  const arg = spec[op]
  switch (op) {
    case '$sum':
      return {
        expr: arg,
        factory: () => {
          let total: unknown = 0
          return {
            add: (v) => {
              if (isNumeric(v)) total = add(total, v)
            },
            result: () => total,
          }
        },
      }
    case '$count':
      return {
        expr: 1,
        factory: () => {
          let n = 0
          return { add: () => void n++, result: () => n }
        },
      }
    case '$avg':
      return {
        expr: arg,
        factory: () => {
          const vals: unknown[] = []
          return { add: (v) => void (isNumeric(v) && vals.push(v)), result: () => avgValues(vals) }
        },
      }
    case '$min':
    case '$max':
      return {
        expr: arg,
        factory: () => {
          let best: unknown = undefined
          const sign = op === '$min' ? -1 : 1
          return {
            add: (v) => {
              if (v === undefined || v === null) return
              if (best === undefined || compareValues(v, best) * sign > 0) best = v
            },
            result: () => (best === undefined ? null : best),
          }
        },
      }
    case '$first':
    case '$last':
      return {
        expr: arg,
        factory: () => {
          let seen = false
          let value: unknown = null
          return {
            add: (v) => {
              if (op === '$first' && seen) return
              seen = true
              value = v === undefined ? null : v
            },
            result: () => value,
          }
        },
      }
    case '$push':
    case '$addToSet':
      return {
        expr: arg,
        factory: () => {
          const list: unknown[] = []
          const keys = new Set<string>()
          return {
            add: (v) => {
              if (v === undefined) return
              if (op === '$addToSet') {
                const k = keyOf(v)
                if (keys.has(k)) return
                keys.add(k)
              }
              list.push(v)
            },
            result: () => list,
          }
        },
      }
    case '$mergeObjects':
      return {
        expr: arg,
        factory: () => {
          const out: Document = {}
          return {
            add: (v) => {
              if (v === undefined || v === null) return
              if (!isPlainObject(v)) fail(40400, '$mergeObjects requires object inputs')
              Object.assign(out, v)
            },
            result: () => out,
          }
        },
      }
    case '$stdDevPop':
    case '$stdDevSamp':
      return {
        expr: arg,
        factory: () => {
          const xs: number[] = []
          return {
            add: (v) => void (isNumeric(v) && xs.push(toDouble(v))),
            result: () => {
              const n = xs.length
              if (n === 0 || (op === '$stdDevSamp' && n === 1)) return null
              const mean = xs.reduce((a, b) => a + b, 0) / n
              const ss = xs.reduce((a, b) => a + (b - mean) ** 2, 0)
              return makeDouble(Math.sqrt(ss / (op === '$stdDevPop' ? n : n - 1)))
            },
          }
        },
      }
    case '$firstN':
    case '$lastN':
    case '$maxN':
    case '$minN':
    case '$topN':
    case '$bottomN':
    case '$top':
    case '$bottom':
      return compileNAccumulator(op, arg, vars)
    default:
      if (['$accumulator', '$percentile', '$median', '$expMovingAvg'].includes(op)) unsupported(`the accumulator ${op}`)
      fail(15952, `unknown group operator '${op}'`)
  }
}

function compileNAccumulator(op: string, arg: unknown, vars: () => Vars | undefined): { factory: AccumulatorFactory; expr: unknown } {
  if (!isPlainObject(arg)) fail(5787801, `specification must be an object; found ${typeof arg}`)
  const single = op === '$top' || op === '$bottom'
  const nExpr = single ? 1 : arg.n
  const sorted = op.startsWith('$top') || op.startsWith('$bottom')
  const expr = sorted ? arg.output : arg.input
  const sortKeys = sorted ? parseSort(arg.sortBy) : undefined
  return {
    expr,
    factory: () => {
      const items: Array<{ v: unknown; doc: Document }> = []
      let n: number | undefined
      return {
        add: (v, doc) => {
          if (n === undefined) {
            const nv = evaluate(nExpr, doc, vars())
            if (!isNumeric(nv) || toDouble(nv) < 1) fail(5787908, "Value for 'n' must be a positive integer")
            n = toDouble(nv)
          }
          if ((op === '$maxN' || op === '$minN') && (v === undefined || v === null)) return
          items.push({ v: v === undefined ? null : v, doc })
        },
        result: () => {
          const k = n ?? 1
          let list = items
          if (sortKeys) {
            const cmp = sortComparator(sortKeys)
            list = [...items].sort((a, b) => cmp(a.doc, b.doc))
            if (op.startsWith('$bottom')) list = list.slice(-k)
            else list = list.slice(0, k)
          } else if (op === '$firstN') list = items.slice(0, k)
          else if (op === '$lastN') list = items.slice(-k)
          else {
            const sign = op === '$maxN' ? -1 : 1
            list = [...items].sort((a, b) => compareValues(a.v, b.v) * sign).slice(0, k)
          }
          const values = list.map((x) => x.v)
          return single ? (values[0] ?? null) : values
        },
      }
    },
  }
}

function compileGroup(spec: unknown): Stage {
  if (!isPlainObject(spec)) fail(15947, 'a group\'s fields must be specified in an object')
  if (!('_id' in spec)) fail(15955, 'a group specification must include an _id')
  let currentVars: Vars | undefined
  const accs = Object.keys(spec)
    .filter((k) => k !== '_id')
    .map((k) => {
      if (k.includes('.')) fail(40235, `The field name '${k}' cannot contain '.'`)
      return { name: k, ...compileAccumulator(k, spec[k], () => currentVars) }
    })
  const idExpr = spec._id
  return (docs, vars) => {
    currentVars = vars
    const groups = new Map<string, { id: unknown; accs: Accumulator[] }>()
    for (const d of docs) {
      const v = vars ? { ...vars, ROOT: d } : undefined
      let id = evaluate(idExpr, d, v)
      if (id === undefined) id = null
      const key = keyOf(id)
      let g = groups.get(key)
      if (!g) {
        g = { id, accs: accs.map((a) => a.factory()) }
        groups.set(key, g)
      }
      for (let i = 0; i < accs.length; i++) g.accs[i]!.add(evaluate(accs[i]!.expr, d, v), d)
    }
    const out: Document[] = []
    for (const g of groups.values()) {
      const doc: Document = { _id: g.id }
      accs.forEach((a, i) => (doc[a.name] = g.accs[i]!.result()))
      out.push(doc)
    }
    return out
  }
}

function compileBucket(spec: unknown): Stage {
  if (!isPlainObject(spec)) fail(40201, 'Argument to $bucket stage must be an object')
  const { groupBy, boundaries } = spec
  if (typeof groupBy !== 'string' && !isPlainObject(groupBy)) fail(40202, "The $bucket 'groupBy' field must be defined as a $-prefixed path or an expression")
  if (!Array.isArray(boundaries) || boundaries.length < 2) fail(40192, "The $bucket 'boundaries' field must be an array of at least two values")
  for (let i = 1; i < boundaries.length; i++) {
    if (compareValues(boundaries[i - 1], boundaries[i]) >= 0) fail(40194, "The 'boundaries' option to $bucket must be sorted in ascending order")
  }
  const hasDefault = 'default' in spec
  const output = isPlainObject(spec.output) ? spec.output : { count: { $sum: 1 } }
  const group = compileGroup({ _id: null, ...output })
  return (docs, vars) => {
    const buckets = new Map<number, Document[]>()
    for (const d of docs) {
      const v = evaluate(groupBy, d, vars)
      let idx = -1
      for (let i = 0; i < boundaries.length - 1; i++) {
        if (compareExpr(v, boundaries[i]) >= 0 && compareExpr(v, boundaries[i + 1]) < 0) {
          idx = i
          break
        }
      }
      if (idx < 0 && !hasDefault) fail(40066, '$bucket could not find a matching branch for an input, and no default was specified.')
      const list = buckets.get(idx) ?? []
      list.push(d)
      buckets.set(idx, list)
    }
    const out: Document[] = []
    const order = [...buckets.keys()].sort((a, b) => (a < 0 ? 1 : b < 0 ? -1 : a - b))
    for (const idx of order) {
      const [g] = group(buckets.get(idx)!, vars)
      out.push({ ...g, _id: idx < 0 ? spec.default : boundaries[idx] })
    }
    return out
  }
}

// --- $lookup ---

function compileLookup(spec: unknown, env: AggregateEnv): Stage {
  if (!isPlainObject(spec)) fail(Code.FailedToParse, 'the $lookup specification must be an Object')
  const { from, localField, foreignField, as, pipeline } = spec
  if (typeof from !== 'string') {
    if (isPlainObject(from)) unsupported('$lookup from another database')
    fail(Code.FailedToParse, "$lookup requires 'from' to be a string")
  }
  if (typeof as !== 'string') fail(Code.FailedToParse, "$lookup requires 'as' to be a string")
  const asParts = splitPath(as)
  const hasEquality = localField !== undefined || foreignField !== undefined
  if (hasEquality && (typeof localField !== 'string' || typeof foreignField !== 'string')) {
    fail(Code.FailedToParse, "$lookup requires both 'localField' and 'foreignField' to be strings")
  }
  if (!hasEquality && pipeline === undefined) fail(Code.FailedToParse, "$lookup requires either 'pipeline' or both 'localField' and 'foreignField' to be specified")
  const letSpec = spec.let
  if (letSpec !== undefined && !isPlainObject(letSpec)) fail(Code.FailedToParse, "$lookup argument 'let' must be an object")
  const stages = pipeline === undefined ? null : compilePipeline(pipeline, env)
  const indexedExpr = pipeline === undefined ? null : leadingExprEquality(pipeline as Document[])
  const localParts = hasEquality ? splitPath(localField as string) : []

  return (docs, outerVars) => {
    let uncorrelated: Document[] | null = null
    return docs.map((d) => {
      let vars: Vars | undefined = outerVars
      if (letSpec) {
        vars = { ...outerVars }
        for (const k of Object.keys(letSpec)) vars[k] = evaluate(letSpec[k], d, { ...outerVars, ROOT: d })
      }
      let candidates: Document[]
      if (hasEquality) {
        candidates = env.lookup(from, foreignField as string, lookupValues(d, localParts))
      } else if (indexedExpr && vars && indexedExpr.variable in vars && isScalarForLookup(vars[indexedExpr.variable])) {
        candidates = env.lookup(from, indexedExpr.field, [vars[indexedExpr.variable]])
      } else if (!letSpec && !hasEquality) {
        uncorrelated ??= stages ? runStages(stages, env.all(from), vars) : []
        return setPathCopy(d, asParts, uncorrelated)
      } else {
        candidates = env.all(from)
      }
      const joined = stages ? runStages(stages, candidates, vars) : candidates
      return setPathCopy(d, asParts, joined)
    })
  }
}

function isScalarForLookup(v: unknown): boolean {
  return v !== undefined && v !== null && !Array.isArray(v)
}

/** The local values an equality `$lookup` joins on: array elements (none for []), or null for a missing field. */
function lookupValues(doc: Document, parts: string[]): unknown[] {
  const out: unknown[] = []
  for (const v of queryValues(doc, parts)) {
    if (Array.isArray(v)) out.push(...v)
    else out.push(v === undefined ? null : v)
  }
  return out
}

/** `{$match: {$expr: {$eq: ['$field', '$$var']}}}` first in a sub-pipeline lets an index narrow the candidates. */
function leadingExprEquality(pipeline: Document[]): { field: string; variable: string } | null {
  const first = pipeline[0]
  if (!isPlainObject(first) || !isPlainObject(first.$match)) return null
  const expr = first.$match.$expr
  if (!isPlainObject(expr) || !Array.isArray(expr.$eq) || expr.$eq.length !== 2) return null
  const [a, b] = expr.$eq as unknown[]
  const field = [a, b].find((x) => typeof x === 'string' && x.startsWith('$') && !x.startsWith('$$')) as string | undefined
  const variable = [a, b].find((x) => typeof x === 'string' && x.startsWith('$$') && !x.includes('.')) as string | undefined
  if (!field || !variable) return null
  const name = variable.slice(2)
  if (name === 'ROOT' || name === 'CURRENT') return null
  return { field: field.slice(1), variable: name }
}

