import type { Document } from 'bson'
import { isPlainObject } from './bson-order.js'
import { Code, fail, unsupported } from './errors.js'
import { evaluate, type Vars } from './expressions.js'
import { isNumeric, toDouble } from './numbers.js'
import { compileFilter, isOperatorObject, positionalIndex, type Predicate } from './query.js'
import { splitPath } from './paths.js'

export type Projector = (doc: Document, vars?: Vars) => Document

type Leaf =
  | { kind: 'include' }
  | { kind: 'exclude' }
  | { kind: 'expr'; expr: unknown }
  | { kind: 'slice'; skip: number | null; limit: number }
  | { kind: 'elemMatch'; pred: Predicate }
  | { kind: 'positional' }
type Node = Map<string, Leaf | Node>

interface Options {
  /** `find` projections accept $slice/$elemMatch/positional; `$project` takes expressions only */
  mode: 'find' | 'aggregate'
  /** the query filter, for the positional `field.$` projection */
  filter?: Document
}

function isNode(v: Leaf | Node): v is Node {
  return v instanceof Map
}

function stageError(opts: Options, message: string, code: number): never {
  fail(code, opts.mode === 'aggregate' ? `Invalid $project :: caused by :: ${message}` : message)
}

function leafFor(value: unknown, opts: Options, path: string): Leaf | { nested: Document } {
  if (typeof value === 'boolean') return value ? { kind: 'include' } : { kind: 'exclude' }
  if (isNumeric(value)) return toDouble(value) === 0 ? { kind: 'exclude' } : { kind: 'include' }
  if (isOperatorObject(value)) {
    const op = Object.keys(value)[0]!
    if (opts.mode === 'find' && op === '$slice' && !isExpressionSlice(value.$slice)) {
      const arg = value.$slice
      if (isNumeric(arg)) return { kind: 'slice', skip: null, limit: toDouble(arg) }
      const [skip, limit] = arg as unknown[]
      if (toDouble(limit) <= 0) fail(Code.BadValue, '$slice limit must be positive')
      return { kind: 'slice', skip: toDouble(skip), limit: toDouble(limit) }
    }
    if (opts.mode === 'find' && op === '$elemMatch') {
      if (path.includes('.')) fail(Code.BadValue, 'Cannot use $elemMatch projection on a nested field.')
      return { kind: 'elemMatch', pred: compileFilter(value.$elemMatch) }
    }
    if (op === '$meta') unsupported('the $meta projection')
    return { kind: 'expr', expr: value }
  }
  if (isPlainObject(value)) return { nested: value }
  return { kind: 'expr', expr: value }
}

/** In `find`, `{$slice: n}` and `{$slice: [skip, n]}` are the projection operator; anything else is the expression. */
function isExpressionSlice(arg: unknown): boolean {
  if (isNumeric(arg)) return false
  return !(Array.isArray(arg) && arg.length === 2 && isNumeric(arg[0]) && isNumeric(arg[1]))
}

function buildTree(spec: Document, opts: Options, prefix: string, tree: Node): void {
  for (const key of Object.keys(spec)) {
    const full = prefix ? `${prefix}.${key}` : key
    if (key.startsWith('$')) stageError(opts, `FieldPath field names may not start with '$'. Consider using $getField or $setField.`, 16410)
    let parts = splitPath(key)
    let positional = false
    if (opts.mode === 'find' && parts[parts.length - 1] === '$') {
      positional = true
      parts = parts.slice(0, -1)
    }
    let node = tree
    for (let i = 0; i < parts.length - 1; i++) {
      const existing = node.get(parts[i]!)
      if (existing && !isNode(existing)) stageError(opts, `Path collision at ${full}`, 31250)
      let next = existing as Node | undefined
      if (!next) {
        next = new Map()
        node.set(parts[i]!, next)
      }
      node = next
    }
    const last = parts[parts.length - 1]!
    if (node.has(last)) stageError(opts, `Path collision at ${full}`, 31250)
    if (positional) {
      node.set(last, { kind: 'positional' })
      continue
    }
    const leaf = leafFor(spec[key], opts, full)
    if ('nested' in leaf) {
      if (Object.keys(leaf.nested).length === 0) stageError(opts, `An empty sub-projection is not a valid value. Found empty object at path ${full}`, 51270)
      const sub: Node = new Map()
      node.set(last, sub)
      buildTree(leaf.nested, opts, full, sub)
    } else {
      node.set(last, leaf)
    }
  }
}

/** Classify the tree: inclusion (whitelist) or exclusion (blacklist). */
function modeOf(tree: Node, top = true): { include: boolean; exclude: boolean } {
  let include = false
  let exclude = false
  for (const [key, v] of tree) {
    if (isNode(v)) {
      const sub = modeOf(v, false)
      include ||= sub.include
      exclude ||= sub.exclude
      continue
    }
    if (top && key === '_id' && (v.kind === 'include' || v.kind === 'exclude')) continue
    if (v.kind === 'exclude') exclude = true
    else if (v.kind !== 'slice') include = true
  }
  return { include, exclude }
}

export function compileProjection(spec: Document | undefined | null, opts: Options): Projector | null {
  if (spec === undefined || spec === null) return null
  if (!isPlainObject(spec)) fail(Code.TypeMismatch, 'projection must be an object')
  if (Object.keys(spec).length === 0) {
    if (opts.mode === 'aggregate') fail(51272, 'Invalid $project :: caused by :: projection specification must have at least one field')
    return null
  }
  const tree: Node = new Map()
  buildTree(spec, opts, '', tree)
  const { include, exclude } = modeOf(tree)
  if (include && exclude) {
    const bad = firstOf(tree, 'exclude')
    stageError(opts, `Cannot do exclusion on field ${bad} in inclusion projection`, 31254)
  }
  const idLeaf = tree.get('_id')
  const idExcluded = idLeaf !== undefined && !isNode(idLeaf) && idLeaf.kind === 'exclude'
  const inclusion = include || (!exclude && idLeaf !== undefined && !isNode(idLeaf) && idLeaf.kind === 'include')
  const filter = opts.filter ?? {}
  if (inclusion) {
    if (!idExcluded && !tree.has('_id')) tree.set('_id', { kind: 'include' })
    if (idExcluded) tree.delete('_id')
    return (doc, vars) => includeTree(doc, tree, doc, filter, '', vars)
  }
  return (doc, vars) => excludeTree(doc, tree, doc, filter, '', vars)
}

function rootVars(vars: Vars | undefined, root: Document): Vars {
  return vars ? { ...vars, ROOT: root } : { ROOT: root }
}

function firstOf(tree: Node, kind: string, prefix = ''): string {
  for (const [k, v] of tree) {
    const p = prefix ? `${prefix}.${k}` : k
    if (isNode(v)) {
      const sub = firstOf(v, kind, p)
      if (sub) return sub
    } else if (v.kind === kind && p !== '_id') return p
  }
  return ''
}

function includeTree(doc: Document, tree: Node, root: Document, filter: Document, prefix: string, vars: Vars | undefined): Document {
  const out: Document = {}
  const idLeaf = prefix === '' ? tree.get('_id') : undefined
  if (idLeaf && !isNode(idLeaf)) {
    const id = idLeaf.kind === 'expr' ? evaluate(idLeaf.expr, root, rootVars(vars, root)) : idLeaf.kind === 'include' ? doc._id : undefined
    if (id !== undefined) out._id = id
  }
  for (const key of Object.keys(doc)) {
    const spec = tree.get(key)
    if (!spec || (prefix === '' && key === '_id' && !isNode(spec))) continue
    const value = doc[key]
    const path = prefix ? `${prefix}.${key}` : key
    if (isNode(spec)) {
      const sub = includeValue(value, spec, root, filter, path, vars)
      if (sub !== undefined) out[key] = sub
      continue
    }
    const v = applyLeaf(spec, value, root, filter, path)
    if (v !== undefined) out[key] = v
  }
  for (const [key, spec] of tree) {
    if (prefix === '' && key === '_id') continue
    if (!isNode(spec) && spec.kind === 'expr') {
      const v = evaluate(spec.expr, root, rootVars(vars, root))
      if (v !== undefined) out[key] = v
      else delete out[key]
    } else if (isNode(spec) && !(key in doc) && hasExpr(spec)) {
      out[key] = includeTree({}, spec, root, filter, prefix ? `${prefix}.${key}` : key, vars)
    }
  }
  return out
}

function hasExpr(tree: Node): boolean {
  for (const v of tree.values()) if (isNode(v) ? hasExpr(v) : v.kind === 'expr') return true
  return false
}

function includeValue(value: unknown, spec: Node, root: Document, filter: Document, path: string, vars: Vars | undefined): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = []
    for (const e of value) {
      if (isPlainObject(e)) out.push(includeTree(e, spec, root, filter, path, vars))
      else if (Array.isArray(e)) out.push(includeValue(e, spec, root, filter, path, vars))
    }
    return out
  }
  if (isPlainObject(value)) return includeTree(value, spec, root, filter, path, vars)
  return hasExpr(spec) ? includeTree({}, spec, root, filter, path, vars) : undefined
}

function applyLeaf(spec: Leaf, value: unknown, root: Document, filter: Document, path: string): unknown {
  switch (spec.kind) {
    case 'include':
      return value
    case 'exclude':
      return undefined
    case 'expr':
      return value
    case 'slice':
      return sliceValue(value, spec)
    case 'elemMatch': {
      if (!Array.isArray(value)) return undefined
      const hit = value.find((e) => isPlainObject(e) && spec.pred(e))
      return hit === undefined ? undefined : [hit]
    }
    case 'positional': {
      if (!Array.isArray(value)) return value
      const i = positionalIndex(filter, root, path)
      if (i === undefined) fail(Code.BadValue, 'Executor error during find command :: caused by :: positional operator (' + path + '.$) requires corresponding field in query specifier')
      return [value[i]]
    }
  }
}

function sliceValue(value: unknown, spec: { skip: number | null; limit: number }): unknown {
  if (!Array.isArray(value)) return value
  if (spec.skip === null) {
    const n = spec.limit
    return n >= 0 ? value.slice(0, n) : value.slice(Math.max(value.length + n, 0))
  }
  const start = spec.skip < 0 ? Math.max(value.length + spec.skip, 0) : spec.skip
  return value.slice(start, start + spec.limit)
}

function excludeTree(doc: Document, tree: Node, root: Document, filter: Document, prefix: string, vars: Vars | undefined): Document {
  const out: Document = {}
  for (const key of Object.keys(doc)) {
    const spec = tree.get(key)
    const value = doc[key]
    if (!spec) {
      out[key] = value
      continue
    }
    const path = prefix ? `${prefix}.${key}` : key
    if (isNode(spec)) {
      out[key] = excludeValue(value, spec, root, filter, path, vars)
      continue
    }
    const v = applyLeaf(spec, value, root, filter, path)
    if (v !== undefined) out[key] = v
  }
  return out
}

function excludeValue(value: unknown, spec: Node, root: Document, filter: Document, path: string, vars: Vars | undefined): unknown {
  if (Array.isArray(value)) return value.map((e) => (isPlainObject(e) || Array.isArray(e) ? excludeValue(e, spec, root, filter, path, vars) : e))
  if (isPlainObject(value)) return excludeTree(value, spec, root, filter, path, vars)
  return value
}

/**
 * `$addFields`/`$set`: each path gets the value of its expression (evaluated on the input
 * document); a path through an array of documents sets the field in every element.
 */
export function compileAddFields(spec: unknown, stage = '$addFields'): Projector {
  if (!isPlainObject(spec)) fail(40272, `${stage} specification stage must be an object, got ${typeof spec}`)
  const entries: Array<[string[], unknown]> = []
  const flatten = (obj: Document, prefix: string[]) => {
    for (const key of Object.keys(obj)) {
      if (key.startsWith('$')) fail(16410, `Invalid ${stage} :: caused by :: FieldPath field names may not start with '$'.`)
      const parts = [...prefix, ...splitPath(key)]
      const v = obj[key]
      if (isPlainObject(v) && !isOperatorObject(v) && Object.keys(v).length > 0) flatten(v, parts)
      else entries.push([parts, v])
    }
  }
  flatten(spec, [])
  return (doc, vars) => {
    let out: Document = doc
    const v = rootVars(vars, doc)
    for (const [parts, expr] of entries) {
      const value = evaluate(expr, doc, v)
      out = setField(out, parts, 0, value) as Document
    }
    return out
  }
}

/** Copy-on-write set; `undefined` removes the field ($$REMOVE). */
function setField(target: unknown, parts: string[], i: number, value: unknown): unknown {
  if (Array.isArray(target) && i > 0) return target.map((e) => (isPlainObject(e) || Array.isArray(e) ? setField(e, parts, i, value) : setField({}, parts, i, value)))
  const base: Document = isPlainObject(target) ? { ...target } : {}
  const key = parts[i]!
  if (i === parts.length - 1) {
    if (value === undefined) delete base[key]
    else base[key] = value
    return base
  }
  base[key] = setField(base[key], parts, i + 1, value)
  return base
}

/** `$unset` stage and `$project` exclusion share the same behaviour. */
export function compileUnset(fields: unknown): Projector {
  const list = typeof fields === 'string' ? [fields] : fields
  if (!Array.isArray(list) || list.length === 0 || list.some((f) => typeof f !== 'string')) {
    fail(31002, '$unset specification must be a string or an array containing only string values')
  }
  const spec: Document = {}
  for (const f of list as string[]) spec[f] = 0
  return compileProjection(spec, { mode: 'aggregate' })!
}

