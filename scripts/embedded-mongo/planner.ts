import type { Document } from 'bson'
import { compareValues, isPlainObject, isRegex, keyOf, TypeClass, typeClass } from './bson-order.js'
import { Code, fail } from './errors.js'
import type { Collection } from './catalog.js'
import { keyString, type Index, type IndexEntry, type Rec } from './indexes.js'
import { isOperatorObject, type Predicate } from './query.js'
import { sortValue, type SortSpec } from './aggregate.js'
import type { Probe } from './sorted-list.js'

/**
 * Chooses how to find the documents of a query: the `_id` map, a hash lookup on a full index
 * key, an ordered range of an index (also serving the sort, so `limit` stops early), or a scan.
 * The full filter is still applied to every candidate unless the bounds are exact.
 */

interface Bound {
  v: unknown
  incl: boolean
}

/** An interval of one type class; a point has lo = hi, both inclusive. */
interface Interval {
  cls: number
  lo?: Bound
  hi?: Bound
  point?: unknown
}

interface FieldBounds {
  intervals: Interval[]
  /** the conditions on this field are fully expressed by the intervals */
  exact: boolean
  /** more than one range bound (both sides): on a multikey index only one side may be used */
  twoSided: boolean
}

interface Analysis {
  fields: Map<string, FieldBounds>
  /** every top-level condition turned into field bounds */
  allExact: boolean
  /** top-level equality conditions, for matching partial index filters */
  raw: Map<string, string>
}

const RANGE_CLASSES = new Set<number>([
  TypeClass.Number,
  TypeClass.String,
  TypeClass.Date,
  TypeClass.ObjectId,
  TypeClass.Boolean,
  TypeClass.Timestamp,
  TypeClass.BinData,
])
const MAX_COMBOS = 500

function pointInterval(v: unknown): Interval {
  return { cls: typeClass(v), point: v, lo: { v, incl: true }, hi: { v, incl: true } }
}

function analyze(filter: Document): Analysis {
  const a: Analysis = { fields: new Map(), allExact: true, raw: new Map() }
  addConditions(filter, a)
  return a
}

function addConditions(filter: Document, a: Analysis): void {
  for (const key of Object.keys(filter)) {
    const value = filter[key]
    if (key === '$and' && Array.isArray(value)) {
      for (const sub of value) {
        if (isPlainObject(sub)) addConditions(sub, a)
        else a.allExact = false
      }
      continue
    }
    if (key === '$comment') continue
    if (key.startsWith('$')) {
      a.allExact = false
      continue
    }
    a.raw.set(key, keyOf(value))
    const fb = fieldBounds(value)
    if (!fb) {
      a.allExact = false
      continue
    }
    if (!fb.exact) a.allExact = false
    const prev = a.fields.get(key)
    a.fields.set(key, prev ? intersect(prev, fb) : fb)
  }
}

function fieldBounds(cond: unknown): FieldBounds | null {
  if (isRegex(cond)) return null
  if (!isOperatorObject(cond)) {
    if (Array.isArray(cond)) return null
    return { intervals: [pointInterval(cond)], exact: true, twoSided: false }
  }
  let result: FieldBounds | null = null
  let exact = true
  for (const op of Object.keys(cond)) {
    const arg = cond[op]
    let fb: FieldBounds | null = null
    switch (op) {
      case '$eq':
        if (!Array.isArray(arg) && !isRegex(arg)) fb = { intervals: [pointInterval(arg)], exact: true, twoSided: false }
        break
      case '$in':
        if (Array.isArray(arg) && arg.length > 0 && arg.every((v) => !Array.isArray(v) && !isRegex(v))) {
          const seen = new Set<string>()
          const intervals: Interval[] = []
          for (const v of arg) {
            const k = keyOf(v)
            if (!seen.has(k)) {
              seen.add(k)
              intervals.push(pointInterval(v))
            }
          }
          intervals.sort((x, y) => compareValues(x.point, y.point))
          fb = { intervals, exact: true, twoSided: false }
        }
        break
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        const cls = typeClass(arg)
        if (RANGE_CLASSES.has(cls)) {
          const bound = { v: arg, incl: op === '$gte' || op === '$lte' }
          const iv: Interval = op.startsWith('$g') ? { cls, lo: bound } : { cls, hi: bound }
          fb = { intervals: [iv], exact: true, twoSided: false }
        }
        break
      }
      case '$comment':
        continue
      default:
        break
    }
    if (!fb) {
      exact = false
      continue
    }
    result = result ? intersect(result, fb) : fb
  }
  if (!result) return null
  return { ...result, exact: exact && result.exact }
}

function inInterval(v: unknown, iv: Interval): boolean {
  return position(v, iv) === 0
}

function intersect(a: FieldBounds, b: FieldBounds): FieldBounds {
  const aPoints = a.intervals.every((i) => 'point' in i)
  const bPoints = b.intervals.every((i) => 'point' in i)
  if (aPoints || bPoints) {
    const points = aPoints ? a : b
    const other = aPoints ? b : a
    const intervals = points.intervals.filter((p) => other.intervals.some((o) => inInterval(p.point, o)))
    return { intervals, exact: a.exact && b.exact, twoSided: false }
  }
  const x = a.intervals[0]!
  const y = b.intervals[0]!
  if (a.intervals.length !== 1 || b.intervals.length !== 1 || x.cls !== y.cls) {
    return { ...a, exact: false }
  }
  const lo = tighter(x.lo, y.lo, 1)
  const hi = tighter(x.hi, y.hi, -1)
  return { intervals: [{ cls: x.cls, lo, hi }], exact: a.exact && b.exact, twoSided: lo !== undefined && hi !== undefined }
}

function tighter(p: Bound | undefined, q: Bound | undefined, side: 1 | -1): Bound | undefined {
  if (!p) return q
  if (!q) return p
  const c = compareValues(p.v, q.v) * side
  if (c !== 0) return c > 0 ? p : q
  return p.incl ? q : p
}

/** -1 below the interval, 0 inside, 1 above (in BSON order). */
function position(v: unknown, iv: Interval): number {
  const cls = typeClass(v)
  if (cls !== iv.cls) return cls < iv.cls ? -1 : 1
  if (iv.lo) {
    const c = compareValues(v, iv.lo.v)
    if (c < 0 || (c === 0 && !iv.lo.incl)) return -1
  }
  if (iv.hi) {
    const c = compareValues(v, iv.hi.v)
    if (c > 0 || (c === 0 && !iv.hi.incl)) return 1
  }
  return 0
}

export type PlanKind = 'idLookup' | 'hashLookup' | 'indexRange' | 'indexScan' | 'orUnion' | 'collScan'

export interface Plan {
  kind: PlanKind
  index: Index | null
  /** interval combinations over the leading index fields */
  combos: Interval[][]
  /** candidates come out in the requested sort order */
  sorted: boolean
  reverse: boolean
  /** bounds alone decide the match: no filter needed on candidates */
  exact: boolean
  /** for an `$or`: one plan per branch, their candidates united */
  branches?: Plan[]
}

function partialUsable(ix: Index, a: Analysis): boolean {
  const pfe = ix.spec.partialFilterExpression as Document | undefined
  if (!pfe) return true
  return Object.keys(pfe).every((k) => a.raw.get(k) === keyOf(pfe[k]))
}

/** Interval combinations over the leading fields; fields that would multiply them past the cap are left to the filter. */
function combosFor(fields: Interval[][]): Interval[][] {
  let combos: Interval[][] = [[]]
  for (const ivs of fields) {
    if (combos.length * ivs.length > MAX_COMBOS && combos.length > 1) break
    const next: Interval[][] = []
    for (const c of combos) for (const iv of ivs) next.push([...c, iv])
    combos = next
  }
  return combos
}

/** Does walking this index (after `eqCount` single-point fields) give the sort order? */
function sortSupport(ix: Index, sort: SortSpec | undefined, constant: Set<string>, eqCount: number): { ok: boolean; reverse: boolean } {
  if (!sort || sort.length === 0) return { ok: false, reverse: false }
  if (ix.multikey) return { ok: false, reverse: false }
  const keys = sort.filter((k) => !constant.has(k.parts.join('.')))
  if (keys.length === 0) return { ok: true, reverse: false }
  let reverse: boolean | undefined
  let j = eqCount
  for (const k of keys) {
    const f = ix.fields[j]
    if (!f || f.path !== k.parts.join('.')) {
      // an equality field of the index can sit between sort keys
      return { ok: false, reverse: false }
    }
    const rev = f.dir !== k.dir
    if (reverse === undefined) reverse = rev
    else if (reverse !== rev) return { ok: false, reverse: false }
    j++
  }
  return { ok: true, reverse: reverse ?? false }
}

export interface PlanOptions {
  sort?: SortSpec
  limit?: number
  hint?: unknown
}

export function planQuery(coll: Collection, filter: Document, opts: PlanOptions = {}): Plan {
  const a = analyze(filter)
  const forced = opts.hint === undefined ? null : resolveHint(coll, opts.hint)
  if (forced === 'natural') {
    const reverse = isPlainObject(opts.hint) && Number(opts.hint.$natural) < 0
    return { kind: 'collScan', index: null, combos: [], sorted: false, reverse, exact: false }
  }

  const idBounds = a.fields.get('_id')
  if (!forced && idBounds && idBounds.intervals.every((i) => 'point' in i)) {
    return {
      kind: 'idLookup',
      index: coll.indexes[0]!,
      combos: idBounds.intervals.map((i) => [i]),
      sorted: idBounds.intervals.length <= 1,
      reverse: false,
      exact: a.allExact && a.fields.size === 1,
    }
  }

  let best: { plan: Plan; score: number } | null = null
  for (const ix of forced ? [forced] : coll.indexes) {
    if (!forced && (ix.spec.hidden === true || !partialUsable(ix, a))) continue
    const first = ix.fields[0]!.path
    const couldHelp = forced !== null || a.fields.has(first) || (opts.sort !== undefined && opts.sort.some((k) => k.parts.join('.') === first))
    if (!couldHelp) continue
    // the multikey flag of a lazily built index is known once it is built
    if (!ix.unique) ix.tree(() => coll.records())
    const fieldIvs: Interval[][] = []
    let exactFields = 0
    let usable = true
    let eqSingle = 0
    let stillEq = true
    const constant = new Set<string>()
    for (const f of ix.fields) {
      const fb = a.fields.get(f.path)
      if (!fb) break
      let ivs = fb.intervals
      const isPoints = ivs.every((i) => 'point' in i)
      if (ix.sparse && ivs.some((i) => i.cls === TypeClass.Null)) {
        usable = false
        break
      }
      if (!isPoints && ix.multikey && fb.twoSided) {
        // a multikey index may only use one side of a range: elements can satisfy each side separately
        ivs = ivs.map((i) => ({ cls: i.cls, lo: i.lo }))
      }
      fieldIvs.push(ivs)
      if (fb.exact && !(ix.multikey && fb.twoSided)) exactFields++
      if (isPoints && ivs.length === 1 && stillEq) {
        eqSingle++
        constant.add(f.path)
      } else stillEq = false
      if (!isPoints) break
    }
    if (!usable) continue
    // documents missing the field are not in a sparse index: only bounds on it make it complete
    if (ix.sparse && fieldIvs.length === 0) continue
    const combos = combosFor(fieldIvs)
    const boundFields = combos[0]?.length ?? fieldIvs.length
    if (boundFields < fieldIvs.length) {
      fieldIvs.length = boundFields
      exactFields = Math.min(exactFields, boundFields)
    }
    const allPoints = fieldIvs.length === ix.fields.length && fieldIvs.every((ivs) => ivs.every((i) => 'point' in i))
    const sortOk = combos.length <= 1 ? sortSupport(ix, opts.sort, constant, eqSingle) : { ok: false, reverse: false }
    const coversAll = exactFields === boundFields && [...a.fields.keys()].every((p) => ix.fields.slice(0, boundFields).some((f) => f.path === p))
    const exact = a.allExact && coversAll && !(ix.multikey && combos.length > 1)
    let score = 0
    if (boundFields > 0) score = boundFields * 10 + (ix.unique && allPoints ? 100 : 0) + (allPoints ? 5 : 0)
    if (sortOk.ok) score += opts.limit !== undefined ? 40 : 3
    if (score === 0 && !forced) continue
    const kind: PlanKind = allPoints && ix.unique && !sortOk.ok ? 'hashLookup' : boundFields > 0 ? 'indexRange' : 'indexScan'
    const plan: Plan = { kind, index: ix, combos, sorted: sortOk.ok, reverse: sortOk.reverse, exact }
    if (!best || score > best.score) best = { plan, score }
  }
  if (best) return best.plan
  const union = forced ? null : orUnion(coll, filter)
  if (union) return union
  return { kind: 'collScan', index: null, combos: [], sorted: false, reverse: false, exact: a.allExact && a.fields.size === 0 }
}

/** An `$or` (at the top or the only one inside `$and`) whose every branch can use an index: the union of their candidates. */
function orUnion(coll: Collection, filter: Document): Plan | null {
  let branches: unknown = filter.$or
  if (branches === undefined && Array.isArray(filter.$and)) {
    const ors = filter.$and.filter((c): c is Document => isPlainObject(c) && Array.isArray(c.$or))
    if (ors.length === 1) branches = ors[0]!.$or
  }
  if (!Array.isArray(branches) || branches.length === 0 || !branches.every(isPlainObject)) return null
  const plans = branches.map((b) => planQuery(coll, b))
  if (plans.some((p) => p.kind === 'collScan')) return null
  return { kind: 'orUnion', index: null, combos: [], sorted: false, reverse: false, exact: false, branches: plans }
}

function resolveHint(coll: Collection, hint: unknown): Index | 'natural' {
  if (typeof hint === 'string') {
    const ix = coll.indexes.find((i) => i.name === hint)
    if (ix) return ix
  } else if (isPlainObject(hint)) {
    if ('$natural' in hint) return 'natural'
    const k = keyOf(hint)
    const ix = coll.indexes.find((i) => keyOf(i.keyPattern) === k)
    if (ix) return ix
  }
  fail(Code.BadValue, 'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index')
}

function probeFor(ix: Index, combo: Interval[]): Probe<IndexEntry> {
  return (e) => {
    for (let i = 0; i < combo.length; i++) {
      const p = position(e.k[i], combo[i]!) * ix.fields[i]!.dir
      if (p !== 0) return p
    }
    return 0
  }
}

/** Candidate records of a plan, in plan order. */
export function* candidates(coll: Collection, plan: Plan): Generator<Rec> {
  switch (plan.kind) {
    case 'collScan':
      yield* plan.reverse ? [...coll.records()].reverse() : coll.records()
      return
    case 'idLookup':
      for (const combo of plan.combos) {
        const rec = coll.getById(combo[0]!.point)
        if (rec) yield rec
      }
      return
    case 'orUnion': {
      const seen = new Set<Rec>()
      for (const branch of plan.branches!) {
        for (const rec of candidates(coll, branch)) {
          if (seen.has(rec)) continue
          seen.add(rec)
          yield rec
        }
      }
      return
    }
    case 'hashLookup': {
      const ix = plan.index!
      const seen = ix.multikey && plan.combos.length > 1 ? new Set<Rec>() : null
      for (const combo of plan.combos) {
        const rec = ix.lookup(keyString(combo.map((i) => i.point)))
        if (!rec || seen?.has(rec)) continue
        seen?.add(rec)
        yield rec
      }
      return
    }
    default: {
      const ix = plan.index!
      const tree = ix.tree(() => coll.records())
      const seen = ix.multikey ? new Set<Rec>() : null
      const ordered = plan.reverse ? [...plan.combos].reverse() : plan.combos
      for (const combo of ordered) {
        const probe = probeFor(ix, combo)
        const from = combo.length === 0 ? tree.start : tree.lowerBound(probe)
        const to = combo.length === 0 ? tree.end : tree.upperBound(probe)
        for (const e of tree.range(from, to, plan.reverse)) {
          if (seen) {
            if (seen.has(e.r)) continue
            seen.add(e.r)
          }
          yield e.r
        }
      }
    }
  }
}

/** How many documents the bounds select, without visiting them (only for exact plans). */
function countExact(coll: Collection, plan: Plan): number | null {
  if (!plan.exact || plan.kind === 'orUnion') return null
  switch (plan.kind) {
    case 'collScan':
      return coll.size
    case 'idLookup':
      return plan.combos.reduce((n, c) => n + (coll.getById(c[0]!.point) ? 1 : 0), 0)
    case 'hashLookup':
      if (plan.index!.multikey && plan.combos.length > 1) return null
      return plan.combos.reduce((n, c) => n + (plan.index!.lookup(keyString(c.map((i) => i.point))) ? 1 : 0), 0)
    default: {
      const ix = plan.index!
      if (ix.multikey) return null
      const tree = ix.tree(() => coll.records())
      let n = 0
      for (const combo of plan.combos) {
        const probe = probeFor(ix, combo)
        n += tree.rank(tree.upperBound(probe)) - tree.rank(tree.lowerBound(probe))
      }
      return n
    }
  }
}

export interface FindOptions {
  sort?: SortSpec
  skip?: number
  limit?: number
  hint?: unknown
}

/** The matching records, sorted, skipped and limited. Documents are the stored ones: do not modify. */
export function findRecords(coll: Collection, filter: Document, match: Predicate, opts: FindOptions = {}): Rec[] {
  const skip = opts.skip ?? 0
  const limit = opts.limit && opts.limit > 0 ? opts.limit : undefined
  const plan = planQuery(coll, filter, { sort: opts.sort, limit, hint: opts.hint })
  const needSort = opts.sort !== undefined && opts.sort.length > 0 && !plan.sorted
  const want = limit === undefined ? Infinity : skip + limit
  const out: Rec[] = []
  for (const rec of candidates(coll, plan)) {
    if (!plan.exact && !match(rec.doc)) continue
    out.push(rec)
    if (!needSort && out.length >= want) break
  }
  let result = out
  if (needSort) result = sortRecords(out, opts.sort!, want)
  if (skip > 0 || result.length > want) result = result.slice(skip, want)
  return result
}

function sortRecords(recs: Rec[], sort: SortSpec, want: number): Rec[] {
  const decorated = recs.map((r, i) => ({ r, i, v: sort.map((k) => sortValue(r.doc, k)) }))
  const cmp = (x: (typeof decorated)[number], y: (typeof decorated)[number]) => {
    for (let j = 0; j < sort.length; j++) {
      const c = compareValues(x.v[j], y.v[j])
      if (c !== 0) return c * sort[j]!.dir
    }
    return x.i - y.i
  }
  decorated.sort(cmp)
  return (want < decorated.length ? decorated.slice(0, want) : decorated).map((d) => d.r)
}

export function countRecords(coll: Collection, filter: Document, match: Predicate, opts: { skip?: number; limit?: number; hint?: unknown } = {}): number {
  const plan = planQuery(coll, filter, { hint: opts.hint })
  let n = countExact(coll, plan)
  if (n === null) {
    n = 0
    for (const rec of candidates(coll, plan)) if (match(rec.doc)) n++
  }
  n = Math.max(n - (opts.skip ?? 0), 0)
  if (opts.limit && opts.limit > 0) n = Math.min(n, opts.limit)
  return n
}

/** What the planner would do, for tests and `explain`. */
export function explainPlan(coll: Collection, filter: Document, opts: PlanOptions = {}): { kind: PlanKind; index: string | null; sorted: boolean; exact: boolean } {
  const plan = planQuery(coll, filter, opts)
  const index = plan.branches ? plan.branches.map((b) => b.index?.name ?? '_id_').join(',') : (plan.index?.name ?? null)
  return { kind: plan.kind, index, sorted: plan.sorted, exact: plan.exact }
}
