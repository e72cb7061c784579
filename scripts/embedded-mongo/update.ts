import { Long, ObjectId, Timestamp, type Document } from 'bson'
import { bsonTypeName, compareValues, deepClone, identical, isPlainObject, typeClass } from './bson-order.js'
import { Code, fail } from './errors.js'
import { add, castNumber, isNumeric, multiply, numKind, toDouble } from './numbers.js'
import { brief } from './format.js'
import { getPath, isIndexPart, setPathOwned, splitPath } from './paths.js'
import { compileFilter, equalityFields, isOperatorObject, positionalIndex, type Predicate } from './query.js'

export interface UpdateContext {
  /** the query that selected the document (positional `$`, upsert seeding) */
  filter: Document
  isUpsertInsert: boolean
}

export interface CompiledUpdate {
  kind: 'replacement' | 'operators' | 'pipeline'
  /** the new document; the input is never modified */
  apply(doc: Document, ctx: UpdateContext): Document
}

export type PipelineRunner = (docs: Document[], pipeline: Document[]) => Document[]

const OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$setOnInsert',
  '$currentDate',
  '$push',
  '$addToSet',
  '$pop',
  '$pull',
  '$pullAll',
  '$bit',
])

interface Entry {
  op: string
  path: string
  parts: string[]
  arg: unknown
}

function idBrief(doc: Document): string {
  return `{_id: ${brief(doc._id)}}`
}

export function compileUpdate(update: unknown, arrayFilters: unknown, runPipeline: PipelineRunner): CompiledUpdate {
  if (Array.isArray(update)) {
    if (arrayFilters !== undefined) fail(Code.FailedToParse, 'arrayFilters may not be specified for pipeline-style updates')
    for (const stage of update) {
      const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined
      if (!name || !['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith'].includes(name)) {
        fail(Code.InvalidOptions, `${name ?? 'stage'} is not allowed to be used within an update`)
      }
    }
    return {
      kind: 'pipeline',
      apply(doc) {
        const [out] = runPipeline([doc], update as Document[])
        if (!out) fail(Code.BadValue, 'the update pipeline removed the document')
        return checkId(doc, withIdFirst(out, doc._id))
      },
    }
  }
  if (!isPlainObject(update)) fail(Code.FailedToParse, 'Update argument must be either an object or an array')
  const keys = Object.keys(update)
  if (keys.length === 0 || !keys[0]!.startsWith('$')) {
    if (arrayFilters !== undefined) fail(Code.FailedToParse, 'arrayFilters may not be specified for replacement-style updates')
    for (const k of keys) {
      if (k.startsWith('$')) fail(Code.DollarPrefixedFieldName, `The dollar ($) prefixed field '${k}' in '${k}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`)
    }
    return {
      kind: 'replacement',
      apply(doc) {
        if ('_id' in update && !identical(update._id, doc._id) && doc._id !== undefined) {
          fail(Code.ImmutableField, `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${brief(update._id)}`)
        }
        return withIdFirst(deepClone(update), doc._id)
      },
    }
  }
  const entries: Entry[] = []
  for (const op of keys) {
    if (!OPERATORS.has(op)) {
      fail(Code.FailedToParse, `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`)
    }
    const spec = update[op]
    if (!isPlainObject(spec)) {
      fail(Code.FailedToParse, `Modifiers operate on fields but we found type ${bsonTypeName(spec)} instead. For example: {$mod: {<field>: ...}} not {${op}: ${brief(spec)}}`)
    }
    for (const path of Object.keys(spec)) {
      if (path === '' || path.split('.').some((p) => p === '')) fail(Code.FailedToParse, `An empty update path is not valid.`)
      entries.push({ op, path, parts: splitPath(path), arg: spec[path] })
      if (op === '$rename') {
        const to = spec[path]
        if (typeof to !== 'string') fail(Code.BadValue, `The 'to' field for $rename must be a string: ${path}: ${brief(to)}`)
        if (to === path) fail(Code.BadValue, `The source and target field for $rename must differ: ${path}: ${JSON.stringify(to)}`)
        if (path.includes('$') || to.includes('$')) fail(Code.BadValue, 'The source and target field for $rename must not contain the positional operator')
      }
    }
  }
  checkConflicts(entries)
  entries.sort((a, b) => comparePaths(a.parts, b.parts))
  const filters = compileArrayFilters(arrayFilters, entries)
  return {
    kind: 'operators',
    apply(doc, ctx) {
      const out = deepClone(doc)
      for (const e of entries) applyEntry(out, e, ctx, filters, doc)
      return checkId(doc, out)
    },
  }
}

function comparePaths(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a[i]!
    const y = b[i]!
    if (x === y) continue
    if (isIndexPart(x) && isIndexPart(y)) return Number(x) - Number(y)
    return x < y ? -1 : 1
  }
  return a.length - b.length
}

function checkConflicts(entries: Entry[]): void {
  const paths: Array<[string, string[]]> = []
  for (const e of entries) {
    paths.push([e.path, e.parts])
    if (e.op === '$rename') paths.push([e.arg as string, splitPath(e.arg as string)])
  }
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      const [pa, a] = paths[i]!
      const [pb, b] = paths[j]!
      const n = Math.min(a.length, b.length)
      let prefix = true
      for (let k = 0; k < n; k++) if (a[k] !== b[k]) prefix = false
      if (prefix) {
        const shorter = a.length <= b.length ? pa : pb
        const longer = a.length <= b.length ? pb : pa
        fail(Code.ConflictingUpdateOperators, `Updating the path '${longer}' would create a conflict at '${shorter}'`)
      }
    }
  }
}

function compileArrayFilters(arrayFilters: unknown, entries: Entry[]): Map<string, Predicate> {
  const filters = new Map<string, Predicate>()
  if (arrayFilters === undefined || arrayFilters === null) return filters
  if (!Array.isArray(arrayFilters)) fail(Code.TypeMismatch, 'arrayFilters must be an array')
  for (const f of arrayFilters) {
    if (!isPlainObject(f)) fail(Code.TypeMismatch, 'arrayFilters entries must be objects')
    let id: string | undefined
    for (const key of Object.keys(f)) {
      const top = key.split('.')[0]!
      if (!/^[a-z][a-zA-Z0-9]*$/.test(top)) fail(Code.BadValue, `Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found '${top}'`)
      if (id !== undefined && id !== top) fail(Code.FailedToParse, `Error parsing array filter :: caused by :: Expected a single top-level field name, found '${id}' and '${top}'`)
      id = top
    }
    if (id === undefined) fail(Code.FailedToParse, 'Cannot use an expression without a top-level field name in arrayFilters')
    if (filters.has(id)) fail(Code.FailedToParse, `Found multiple array filters with the same top-level field name ${id}`)
    filters.set(id, compileFilter(f))
  }
  const used = new Set<string>()
  for (const e of entries) for (const p of e.parts) if (p.startsWith('$[') && p !== '$[]') used.add(p.slice(2, -1))
  for (const id of filters.keys()) {
    if (!used.has(id)) fail(Code.FailedToParse, `The array filter for identifier '${id}' was not used in the update ${brief({})}`)
  }
  return filters
}

/** Concrete paths for a path with positional parts ($, $[], $[id]). */
function expandPath(doc: Document, parts: string[], ctx: UpdateContext, filters: Map<string, Predicate>, original: Document): string[][] {
  if (!parts.some((p) => p.startsWith('$'))) return [parts]
  let results: string[][] = [[]]
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    if (!part.startsWith('$')) {
      results = results.map((r) => [...r, part])
      continue
    }
    const next: string[][] = []
    for (const prefix of results) {
      const arr = getPath(doc, prefix)
      if (part === '$') {
        if (ctx.isUpsertInsert) fail(Code.BadValue, 'The positional operator did not find the match needed from the query.')
        const idx = positionalIndex(ctx.filter, original, prefix.join('.'))
        if (idx === undefined || !Array.isArray(arr)) fail(Code.BadValue, 'The positional operator did not find the match needed from the query.')
        next.push([...prefix, String(idx)])
        continue
      }
      if (!Array.isArray(arr)) {
        if (arr === undefined && ctx.isUpsertInsert) continue
        fail(Code.BadValue, `The path '${prefix.join('.')}' must exist in the document in order to apply array updates.`)
      }
      if (part === '$[]') {
        for (let k = 0; k < arr.length; k++) next.push([...prefix, String(k)])
        continue
      }
      const m = /^\$\[([a-zA-Z0-9]*)\]$/.exec(part)
      if (!m) fail(Code.BadValue, `Invalid path component '${part}'`)
      const pred = filters.get(m[1]!)
      if (!pred) fail(Code.BadValue, `No array filter found for identifier '${m[1]}' in path '${parts.join('.')}'`)
      for (let k = 0; k < arr.length; k++) if (pred({ [m[1]!]: arr[k] })) next.push([...prefix, String(k)])
    }
    results = next
  }
  return results
}

interface Slot {
  parent: Document | unknown[]
  key: string
}

/** Walk to the parent of the last part, creating documents on the way when `create`. */
function locate(doc: Document, parts: string[], create: boolean, path: string): Slot | null {
  let cur: Document | unknown[] = doc
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i]!
    let next: unknown
    if (Array.isArray(cur)) {
      if (!isIndexPart(part)) {
        if (!create) return null
        fail(Code.PathNotViable, `Cannot create field '${part}' in element {${parts[i - 1]}: ${brief(cur)}}`)
      }
      next = cur[Number(part)]
    } else {
      next = cur[part]
    }
    if (next === undefined) {
      if (!create) return null
      next = {}
      setIn(cur, part, next)
    } else if (!isPlainObject(next) && !Array.isArray(next)) {
      if (!create) return null
      fail(Code.PathNotViable, `Cannot create field '${parts[i + 1]}' in element {${part}: ${brief(next)}}`)
    }
    cur = next as Document | unknown[]
  }
  const key = parts[parts.length - 1]!
  if (Array.isArray(cur) && !isIndexPart(key)) {
    if (!create) return null
    fail(Code.PathNotViable, `Cannot create field '${key}' in element {${parts[parts.length - 2] ?? path}: ${brief(cur)}}`)
  }
  return { parent: cur, key }
}

function setIn(parent: Document | unknown[], key: string, value: unknown): void {
  if (Array.isArray(parent)) {
    const idx = Number(key)
    while (parent.length < idx) parent.push(null)
    parent[idx] = value
  } else {
    parent[key] = value
  }
}

function getIn(parent: Document | unknown[], key: string): unknown {
  return Array.isArray(parent) ? parent[Number(key)] : parent[key]
}

function removeIn(parent: Document | unknown[], key: string): void {
  if (Array.isArray(parent)) {
    const idx = Number(key)
    if (idx < parent.length) parent[idx] = null
  } else {
    delete parent[key]
  }
}

let lastTimestampSecond = 0
let timestampIncrement = 0

function nowTimestamp(): Timestamp {
  const t = Math.floor(Date.now() / 1000)
  if (t === lastTimestampSecond) timestampIncrement++
  else {
    lastTimestampSecond = t
    timestampIncrement = 1
  }
  return new Timestamp({ t, i: timestampIncrement })
}

function applyEntry(doc: Document, e: Entry, ctx: UpdateContext, filters: Map<string, Predicate>, original: Document): void {
  if (e.op === '$setOnInsert' && !ctx.isUpsertInsert) return
  if (e.op === '$rename') return applyRename(doc, e)
  for (const parts of expandPath(doc, e.parts, ctx, filters, original)) {
    const path = parts.join('.')
    const mustExist = e.op === '$unset' || e.op === '$pop' || e.op === '$pull' || e.op === '$pullAll'
    const slot = locate(doc, parts, !mustExist, path)
    if (!slot) continue
    const current = getIn(slot.parent, slot.key)
    applyOperator(e.op, slot, current, e.arg, path, original)
  }
}

function applyRename(doc: Document, e: Entry): void {
  const fromParts = e.parts
  let cur: unknown = doc
  for (let i = 0; i < fromParts.length - 1; i++) {
    if (Array.isArray(cur)) fail(Code.BadValue, `The source field cannot be an array element, '${e.path}' in doc with ${idBrief(doc)} has an array field called '${fromParts[i - 1]}'`)
    cur = isPlainObject(cur) ? cur[fromParts[i]!] : undefined
  }
  if (Array.isArray(cur)) fail(Code.BadValue, `The source field cannot be an array element, '${e.path}' in doc with ${idBrief(doc)} has an array field called '${fromParts[fromParts.length - 2]}'`)
  if (!isPlainObject(cur) || !(fromParts[fromParts.length - 1]! in cur)) return
  const value = cur[fromParts[fromParts.length - 1]!]
  delete cur[fromParts[fromParts.length - 1]!]
  const toParts = splitPath(e.arg as string)
  const slot = locate(doc, toParts, true, e.arg as string)!
  if (Array.isArray(slot.parent)) fail(Code.BadValue, `The destination field cannot be an array element, '${e.arg}' in doc with ${idBrief(doc)}`)
  slot.parent[slot.key] = value
}

function applyOperator(op: string, slot: Slot, current: unknown, arg: unknown, path: string, original: Document): void {
  switch (op) {
    case '$set':
    case '$setOnInsert':
      setIn(slot.parent, slot.key, deepClone(arg))
      return
    case '$unset':
      if (current !== undefined) removeIn(slot.parent, slot.key)
      return
    case '$inc':
    case '$mul': {
      if (!isNumeric(arg)) {
        fail(Code.TypeMismatch, `Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${brief(arg)}}`)
      }
      if (current === undefined) {
        setIn(slot.parent, slot.key, op === '$inc' ? arg : castNumber(0, numKind(arg)!))
        return
      }
      if (!isNumeric(current)) {
        fail(Code.TypeMismatch, `Cannot apply ${op} to a value of non-numeric type. ${idBrief(original)} has the field '${slot.key}' of non-numeric type ${bsonTypeName(current)}`)
      }
      setIn(slot.parent, slot.key, op === '$inc' ? add(current, arg) : multiply(current, arg))
      return
    }
    case '$min':
    case '$max': {
      if (current === undefined) {
        setIn(slot.parent, slot.key, deepClone(arg))
        return
      }
      const c = compareValues(arg, current)
      if ((op === '$min' && c < 0) || (op === '$max' && c > 0)) setIn(slot.parent, slot.key, deepClone(arg))
      return
    }
    case '$currentDate': {
      let type = 'date'
      if (isPlainObject(arg)) {
        type = arg.$type as string
        if (type !== 'date' && type !== 'timestamp') fail(Code.BadValue, "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}")
      } else if (arg !== true && arg !== false) {
        fail(Code.BadValue, `${brief(arg)} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).`)
      }
      setIn(slot.parent, slot.key, type === 'timestamp' ? nowTimestamp() : new Date())
      return
    }
    case '$push':
      return applyPush(slot, current, arg, path, original)
    case '$addToSet': {
      const items = isPlainObject(arg) && '$each' in arg ? arg.$each : [arg]
      if (!Array.isArray(items)) fail(Code.TypeMismatch, `The argument to $each in $addToSet must be an array but it was of type ${bsonTypeName(items)}`)
      if (current !== undefined && !Array.isArray(current)) {
        fail(Code.BadValue, `Cannot apply $addToSet to non-array field. Field named '${slot.key}' has non-array type ${bsonTypeName(current)}`)
      }
      const arr = current === undefined ? [] : (current as unknown[])
      for (const item of items) {
        if (!arr.some((x) => typeClass(x) === typeClass(item) && compareValues(x, item) === 0)) arr.push(deepClone(item))
      }
      setIn(slot.parent, slot.key, arr)
      return
    }
    case '$pop': {
      const n = isNumeric(arg) ? toDouble(arg) : NaN
      if (n !== 1 && n !== -1) fail(Code.FailedToParse, `Expected a number in: ${path}: ${brief(arg)}`)
      if (current === undefined) return
      if (!Array.isArray(current)) fail(Code.TypeMismatch, `Path '${path}' contains an element of non-array type '${bsonTypeName(current)}'`)
      if (n === 1) current.pop()
      else current.shift()
      return
    }
    case '$pull': {
      if (current === undefined) return
      if (!Array.isArray(current)) fail(Code.BadValue, 'Cannot apply $pull to a non-array value')
      let test: (e: unknown) => boolean
      if (isPlainObject(arg) && !isOperatorObject(arg)) {
        const pred = compileFilter(arg)
        test = (e) => isPlainObject(e) && pred(e)
      } else {
        const pred = compileFilter({ v: arg })
        test = (e) => pred({ v: e })
      }
      setIn(slot.parent, slot.key, current.filter((e) => !test(e)))
      return
    }
    case '$pullAll': {
      if (!Array.isArray(arg)) fail(Code.BadValue, `$pullAll requires an array argument but was given a ${bsonTypeName(arg)}`)
      if (current === undefined) return
      if (!Array.isArray(current)) fail(Code.BadValue, 'Cannot apply $pull to a non-array value')
      setIn(slot.parent, slot.key, current.filter((e) => !arg.some((x) => typeClass(x) === typeClass(e) && compareValues(x, e) === 0)))
      return
    }
    case '$bit': {
      if (!isPlainObject(arg)) fail(Code.BadValue, `The $bit modifier is not compatible with a ${bsonTypeName(arg)}. You must pass in an embedded document: {$bit: {field: {and/or/xor: #}}`)
      let value: unknown = current === undefined ? 0 : current
      const kind = numKind(value)
      if (kind !== 'int' && kind !== 'long') {
        fail(Code.BadValue, `Cannot apply $bit to a value of non-integral type.${idBrief(original)} has the field ${slot.key} of non-integer type ${bsonTypeName(value)}`)
      }
      for (const how of Object.keys(arg)) {
        const operand = arg[how]
        const ok = numKind(operand)
        if (ok !== 'int' && ok !== 'long') fail(Code.BadValue, `The $bit modifier field must be an Integer(32/64 bit); a '${bsonTypeName(operand)}' is not supported here: {${how}: ${brief(operand)}}`)
        const a = numKind(value) === 'long' ? (value as Long).toBigInt() : BigInt(value as number)
        const b = ok === 'long' ? (operand as Long).toBigInt() : BigInt(operand as number)
        let r: bigint
        if (how === 'and') r = a & b
        else if (how === 'or') r = a | b
        else if (how === 'xor') r = a ^ b
        else fail(Code.BadValue, `The $bit modifier only supports 'and', 'or', and 'xor', not '${how}' which is an unknown operator: {${how}: ${brief(operand)}}`)
        value = numKind(value) === 'long' || ok === 'long' ? Long.fromBigInt(BigInt.asIntN(64, r)) : Number(BigInt.asIntN(32, r))
      }
      setIn(slot.parent, slot.key, value)
      return
    }
  }
}

function applyPush(slot: Slot, current: unknown, arg: unknown, path: string, original: Document): void {
  let items: unknown[] = [arg]
  let position: number | undefined
  let slice: number | undefined
  let sort: unknown
  if (isPlainObject(arg) && '$each' in arg) {
    for (const k of Object.keys(arg)) {
      if (!['$each', '$slice', '$sort', '$position'].includes(k)) fail(Code.BadValue, `Unrecognized clause in $push: ${k}`)
    }
    if (!Array.isArray(arg.$each)) fail(Code.BadValue, `The argument to $each in $push must be an array but it was of type: ${bsonTypeName(arg.$each)}`)
    items = arg.$each
    if (arg.$position !== undefined) {
      if (numKind(arg.$position) !== 'int' && numKind(arg.$position) !== 'long' && !(isNumeric(arg.$position) && Number.isInteger(toDouble(arg.$position)))) {
        fail(Code.BadValue, `The value for $position must be an integer value, not of type: ${bsonTypeName(arg.$position)}`)
      }
      position = toDouble(arg.$position)
    }
    if (arg.$slice !== undefined) {
      if (!isNumeric(arg.$slice) || !Number.isInteger(toDouble(arg.$slice))) fail(Code.BadValue, `The value for $slice must be an integer value but was given type: ${bsonTypeName(arg.$slice)}`)
      slice = toDouble(arg.$slice)
    }
    if (arg.$sort !== undefined) {
      sort = arg.$sort
      const ok = (isNumeric(sort) && Math.abs(toDouble(sort)) === 1) || (isPlainObject(sort) && Object.keys(sort).length > 0 && Object.values(sort).every((d) => isNumeric(d) && Math.abs(toDouble(d)) === 1))
      if (!ok) fail(Code.BadValue, 'The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields')
    }
  }
  if (current !== undefined && !Array.isArray(current)) {
    fail(Code.BadValue, `The field '${path}' must be an array but is of type ${bsonTypeName(current)} in document ${idBrief(original)}`)
  }
  let arr = current === undefined ? [] : (current as unknown[])
  const copies = items.map(deepClone)
  if (position === undefined || position >= arr.length) arr.push(...copies)
  else {
    const at = position < 0 ? Math.max(arr.length + position, 0) : position
    arr.splice(at, 0, ...copies)
  }
  if (sort !== undefined) {
    if (isPlainObject(sort)) {
      const keys = Object.keys(sort).map((k) => [splitPath(k), toDouble(sort[k])] as const)
      arr.sort((a, b) => {
        for (const [parts, dir] of keys) {
          const c = compareValues(isPlainObject(a) ? getPath(a, parts) : undefined, isPlainObject(b) ? getPath(b, parts) : undefined)
          if (c !== 0) return c * dir
        }
        return 0
      })
    } else {
      const dir = toDouble(sort)
      arr.sort((a, b) => compareValues(a, b) * dir)
    }
  }
  if (slice !== undefined) arr = slice >= 0 ? arr.slice(0, slice) : arr.slice(Math.max(arr.length + slice, 0))
  setIn(slot.parent, slot.key, arr)
}

function checkId(before: Document, after: Document): Document {
  if (before._id !== undefined && !identical(before._id, after._id)) {
    fail(Code.ImmutableField, "Performing an update on the path '_id' would modify the immutable field '_id'")
  }
  return after
}

export function withIdFirst(doc: Document, id: unknown): Document {
  const keys = Object.keys(doc)
  if (id === undefined && doc._id === undefined) return doc
  if (keys[0] === '_id' && (id === undefined || doc._id === id)) return doc
  const out: Document = { _id: doc._id ?? id }
  for (const k of keys) if (k !== '_id') out[k] = doc[k]
  return out
}

/** The document an upsert inserts: the query's equality fields, then the update on top. */
export function buildUpsertDocument(filter: Document, update: CompiledUpdate, raw: unknown): Document {
  let seed: Document = {}
  if (update.kind !== 'replacement') {
    for (const [path, value] of equalityFields(filter)) {
      if (path.split('.').some((p) => p.startsWith('$'))) continue
      if (isOperatorObject(value)) continue
      try {
        setPathOwned(seed, splitPath(path), deepClone(value))
      } catch {
        fail(Code.NotSingleValueField, `cannot infer query fields to set, path '${path}' is matched twice`)
      }
    }
  } else {
    const id = equalityFields(filter).get('_id')
    if (id !== undefined && !isOperatorObject(id)) seed._id = deepClone(id)
  }
  let doc: Document
  if (update.kind === 'replacement') {
    const replacement = deepClone(raw as Document)
    if (seed._id !== undefined && replacement._id !== undefined && !identical(seed._id, replacement._id)) {
      fail(Code.ImmutableField, "After applying the update, the (immutable) field '_id' was found to have been altered")
    }
    doc = { ...replacement, _id: replacement._id ?? seed._id }
  } else {
    doc = update.apply(seed, { filter, isUpsertInsert: true })
  }
  if (doc._id === undefined) doc._id = new ObjectId()
  return withIdFirst(doc, doc._id)
}

