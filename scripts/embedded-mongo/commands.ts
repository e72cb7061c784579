import { Binary, Long, type Document } from 'bson'
import { compileFilter, type Predicate } from './query.js'
import { compareValues, identical, isPlainObject, keyOf } from './bson-order.js'
import { Catalog, prepareForInsert, validateCollectionName, validateDbName, type Collection } from './catalog.js'
import { Code, fail, MongoError, unsupported } from './errors.js'
import { compilePipeline, parseSort, runStages, stageName, type AggregateEnv, type SortSpec } from './aggregate.js'
import { Cursors, DEFAULT_FIRST_BATCH } from './cursors.js'
import { evaluate, type Vars } from './expressions.js'
import { Index, type Rec } from './indexes.js'
import { isNumeric, toDouble } from './numbers.js'
import { queryValues, splitPath } from './paths.js'
import { countRecords, explainPlan, findRecords } from './planner.js'
import { compileProjection } from './projection.js'
import { buildUpsertDocument, compileUpdate, type CompiledUpdate } from './update.js'
import { MAX_BSON_OBJECT_SIZE, MAX_MESSAGE_SIZE, type DocumentSequence } from './wire.js'

export const MAX_WRITE_BATCH_SIZE = 100_000
const MAX_WIRE_VERSION = 21

export interface ConnectionInfo {
  id: number
  remote: string
}

/** A command's answer: a document, or an already serialised cursor reply. */
export type Reply = Document | Buffer

interface Context {
  catalog: Catalog
  cursors: Cursors
  conn: ConnectionInfo
  db: string
  cmd: Document
  sequences: Map<string, DocumentSequence>
}

type Handler = (ctx: Context) => Reply

const UNSUPPORTED_OPTIONS_CREATE = ['capped', 'validator', 'viewOn', 'pipeline', 'timeseries', 'clusteredIndex', 'changeStreamPreAndPostImages', 'collation', 'expireAfterSeconds', 'encryptedFields']

function intArg(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined
  if (!isNumeric(v)) fail(Code.TypeMismatch, `Field '${name}' should be a number, not ${typeof v}`)
  const n = toDouble(v)
  if (!Number.isInteger(n)) fail(Code.BadValue, `Field '${name}' should be an integer`)
  if (n < 0) fail(Code.BadValue, `${name} value must be non-negative, but received: ${n}`)
  return n
}

function collectionName(ctx: Context, name: string): string {
  const v = ctx.cmd[name]
  validateCollectionName(v)
  return v
}

function checkCollation(collation: unknown): void {
  if (collation === undefined || collation === null) return
  if (isPlainObject(collation) && collation.locale === 'simple') return
  unsupported('collation')
}

function letVars(ctx: Context): Vars | undefined {
  const l = ctx.cmd.let
  if (l === undefined) return undefined
  if (!isPlainObject(l)) fail(Code.TypeMismatch, "'let' must be an object")
  const vars: Vars = {}
  for (const k of Object.keys(l)) vars[k] = evaluate(l[k], {}, vars)
  return vars
}

function matcher(filter: unknown, vars: Vars | undefined): { filter: Document; match: Predicate } {
  const f = (filter ?? {}) as Document
  if (!isPlainObject(f)) fail(Code.TypeMismatch, 'filter must be an object')
  const pred = compileFilter(f)
  return { filter: f, match: vars ? (d) => pred(d, vars) : pred }
}

function helloReply(ctx: Context, legacyName: boolean): Document {
  const reply: Document = {}
  if (ctx.cmd.helloOk === true) reply.helloOk = true
  if (legacyName) reply.ismaster = true
  else reply.isWritablePrimary = true
  return {
    ...reply,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.conn.id,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  }
}

function aggregateEnv(catalog: Catalog, db: string): AggregateEnv {
  return {
    lookup(coll, field, values) {
      const c = catalog.getCollection(db, coll)
      if (!c) return []
      const filter = { [field]: { $in: values.map((v) => (v === undefined ? null : v)) } }
      const { match } = matcher(filter, undefined)
      return findRecords(c, filter, match).map((r) => r.doc)
    },
    all(coll) {
      const c = catalog.getCollection(db, coll)
      return c ? [...c.records()].map((r) => r.doc) : []
    },
  }
}

// --- writes ---

interface WriteResult {
  n: number
  nModified?: number
  upserted?: Document[]
  writeErrors?: Document[]
}

function finishWrite(result: WriteResult): Document {
  const reply: Document = { n: result.n }
  if (result.nModified !== undefined) reply.nModified = result.nModified
  if (result.upserted && result.upserted.length > 0) reply.upserted = result.upserted
  if (result.writeErrors && result.writeErrors.length > 0) reply.writeErrors = result.writeErrors
  reply.ok = 1
  return reply
}

function statements(ctx: Context, field: string): Document[] {
  const inline = ctx.cmd[field]
  const seq = ctx.sequences.get(field)?.docs
  if (inline !== undefined && seq !== undefined) fail(Code.InvalidLength, `Duplicate field ${field} in command body and document sequence`)
  const list = seq ?? inline
  if (!Array.isArray(list)) fail(Code.TypeMismatch, `'${field}' must be an array`)
  if (list.length > MAX_WRITE_BATCH_SIZE) fail(Code.InvalidLength, `Write batch sizes must be between 1 and ${MAX_WRITE_BATCH_SIZE}. Got ${list.length} operations.`)
  return list as Document[]
}

function insertCommand(ctx: Context): Reply {
  const name = collectionName(ctx, 'insert')
  const docs = statements(ctx, 'documents')
  // bytes of documents stored exactly as received, so the journal need not encode them again
  const received = ctx.sequences.get('documents')?.raw
  const ordered = ctx.cmd.ordered !== false
  const { coll } = ctx.catalog.ensureCollection(ctx.db, name)
  const writeErrors: Document[] = []
  let n = 0
  let pending: Document[] = []
  let pendingRaw: Buffer[] | null = []
  let pendingStart = 0
  const flushPending = (): boolean => {
    if (pending.length === 0) return true
    const { inserted, errors } = coll.insertMany(pending, ordered, false, pendingRaw ?? undefined)
    n += inserted.length
    for (const e of errors) writeErrors.push(e.error.toWriteError(pendingStart + e.index))
    pending = []
    pendingRaw = []
    return errors.length === 0
  }
  for (let i = 0; i < docs.length; i++) {
    let prepared: Document
    try {
      prepared = prepareForInsert(docs[i])
    } catch (e) {
      if (!(e instanceof MongoError)) throw e
      if (!flushPending() && ordered) break
      writeErrors.push(e.toWriteError(i))
      if (ordered) break
      continue
    }
    if (pending.length === 0) pendingStart = i
    pending.push(prepared)
    if (pendingRaw && received && prepared === docs[i]) pendingRaw.push(received[i]!)
    else pendingRaw = null
  }
  flushPending()
  return finishWrite({ n, writeErrors })
}

/** Records an update statement selects: the first one (in sort order) or all of them. */
function selectForUpdate(coll: Collection, filter: Document, match: Predicate, multi: boolean, sort: SortSpec | undefined, hint: unknown): Rec[] {
  return findRecords(coll, filter, match, { sort, limit: multi ? undefined : 1, hint })
}

function applyUpdateTo(coll: Collection, rec: Rec, update: CompiledUpdate, filter: Document): { modified: boolean; doc: Document } {
  const before = rec.doc
  const after = update.apply(before, { filter, isUpsertInsert: false })
  if (identical(before, after)) return { modified: false, doc: before }
  coll.replace(rec, after)
  return { modified: true, doc: after }
}

function updateCommand(ctx: Context): Reply {
  const name = collectionName(ctx, 'update')
  const list = statements(ctx, 'updates')
  const ordered = ctx.cmd.ordered !== false
  const vars = letVars(ctx)
  const result: WriteResult = { n: 0, nModified: 0, upserted: [], writeErrors: [] }
  const env = aggregateEnv(ctx.catalog, ctx.db)
  for (let i = 0; i < list.length; i++) {
    const st = list[i]!
    try {
      if (!isPlainObject(st)) fail(Code.TypeMismatch, 'update statements must be objects')
      checkCollation(st.collation)
      const { filter, match } = matcher(st.q, st.c ? { ...vars, ...(st.c as Document) } : vars)
      const update = compileUpdate(st.u, st.arrayFilters, (docs, pipeline) => runStages(compilePipeline(pipeline, env), docs, vars))
      const multi = st.multi === true
      if (multi && update.kind === 'replacement') fail(Code.FailedToParse, 'multi update is not supported for replacement-style update')
      const coll = ctx.catalog.getCollection(ctx.db, name)
      const recs = coll ? selectForUpdate(coll, filter, match, multi, undefined, st.hint) : []
      if (recs.length === 0) {
        if (st.upsert === true) {
          const doc = buildUpsertDocument(filter, update, st.u)
          const target = ctx.catalog.ensureCollection(ctx.db, name).coll
          const { errors } = target.insertMany([doc], true)
          if (errors.length > 0) throw errors[0]!.error
          result.n++
          result.upserted!.push({ index: i, _id: doc._id })
        }
        continue
      }
      for (const rec of recs) {
        result.n++
        if (applyUpdateTo(coll!, rec, update, filter).modified) result.nModified!++
      }
    } catch (e) {
      if (!(e instanceof MongoError)) throw e
      result.writeErrors!.push(e.toWriteError(i))
      if (ordered) break
    }
  }
  return finishWrite(result)
}

function deleteCommand(ctx: Context): Reply {
  const name = collectionName(ctx, 'delete')
  const list = statements(ctx, 'deletes')
  const ordered = ctx.cmd.ordered !== false
  const vars = letVars(ctx)
  const result: WriteResult = { n: 0, writeErrors: [] }
  for (let i = 0; i < list.length; i++) {
    const st = list[i]!
    try {
      if (!isPlainObject(st)) fail(Code.TypeMismatch, 'delete statements must be objects')
      checkCollation(st.collation)
      const limit = intArg(st.limit, 'limit')
      if (limit !== 0 && limit !== 1) fail(Code.FailedToParse, 'The limit field in delete objects must be 0 or 1. Got ' + String(limit))
      const { filter, match } = matcher(st.q, vars)
      const coll = ctx.catalog.getCollection(ctx.db, name)
      if (!coll) continue
      const recs = findRecords(coll, filter, match, { limit: limit === 1 ? 1 : undefined, hint: st.hint })
      coll.delete(recs)
      result.n += recs.length
    } catch (e) {
      if (!(e instanceof MongoError)) throw e
      result.writeErrors!.push(e.toWriteError(i))
      if (ordered) break
    }
  }
  return finishWrite(result)
}

function findAndModifyCommand(ctx: Context): Reply {
  const name = collectionName(ctx, Object.keys(ctx.cmd)[0]!)
  const cmd = ctx.cmd
  checkCollation(cmd.collation)
  const vars = letVars(ctx)
  const remove = cmd.remove === true
  if (remove && cmd.update !== undefined) fail(Code.FailedToParse, 'Cannot specify both an update and remove=true')
  if (!remove && cmd.update === undefined) fail(Code.FailedToParse, 'Either an update or remove=true must be specified')
  if (remove && cmd.upsert === true) fail(Code.FailedToParse, 'Cannot specify both upsert=true and remove=true')
  if (remove && cmd.new === true) fail(Code.FailedToParse, 'Cannot specify both new=true and remove=true; \'remove\' always returns the deleted document')
  const { filter, match } = matcher(cmd.query, vars)
  const sort = cmd.sort !== undefined && isPlainObject(cmd.sort) && Object.keys(cmd.sort).length > 0 ? parseSort(cmd.sort) : undefined
  const project = compileProjection(cmd.fields as Document | undefined, { mode: 'find', filter })
  const shape = (d: Document | null) => (d && project ? project(d) : d)
  const coll = ctx.catalog.getCollection(ctx.db, name)
  const [rec] = coll ? findRecords(coll, filter, match, { sort, limit: 1, hint: cmd.hint }) : []
  if (remove) {
    if (!rec) return { lastErrorObject: { n: 0 }, value: null, ok: 1 }
    coll!.delete([rec])
    return { lastErrorObject: { n: 1 }, value: shape(rec.doc), ok: 1 }
  }
  const env = aggregateEnv(ctx.catalog, ctx.db)
  const update = compileUpdate(cmd.update, cmd.arrayFilters, (docs, pipeline) => runStages(compilePipeline(pipeline, env), docs, vars))
  if (!rec) {
    if (cmd.upsert !== true) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 }
    const doc = buildUpsertDocument(filter, update, cmd.update)
    const target = ctx.catalog.ensureCollection(ctx.db, name).coll
    const { errors } = target.insertMany([doc], true)
    if (errors.length > 0) throw errors[0]!.error
    return { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value: cmd.new === true ? shape(doc) : null, ok: 1 }
  }
  const before = rec.doc
  const { doc } = applyUpdateTo(coll!, rec, update, filter)
  return { lastErrorObject: { n: 1, updatedExisting: true }, value: shape(cmd.new === true ? doc : before), ok: 1 }
}

// --- reads ---

function findCommand(ctx: Context): Reply {
  const name = collectionName(ctx, 'find')
  const cmd = ctx.cmd
  checkCollation(cmd.collation)
  for (const opt of ['tailable', 'awaitData', 'returnKey', 'showRecordId', 'min', 'max']) {
    if (cmd[opt] !== undefined && cmd[opt] !== false) unsupported(`the find option '${opt}'`)
  }
  const vars = letVars(ctx)
  const { filter, match } = matcher(cmd.filter, vars)
  // {$natural: ±1} asks for insertion order (or its reverse), which is a scan, not a sort
  const natural = isPlainObject(cmd.sort) && Object.keys(cmd.sort).length === 1 && '$natural' in cmd.sort
  const sort = !natural && cmd.sort !== undefined && isPlainObject(cmd.sort) && Object.keys(cmd.sort).length > 0 ? parseSort(cmd.sort) : undefined
  const hint = natural ? { $natural: (cmd.sort as Document).$natural } : cmd.hint
  const skip = intArg(cmd.skip, 'skip') ?? 0
  let limit = cmd.limit === undefined ? undefined : toDouble(cmd.limit)
  let singleBatch = cmd.singleBatch === true
  if (limit !== undefined && limit < 0) {
    limit = -limit
    singleBatch = true
  }
  const batchSize = intArg(cmd.batchSize, 'batchSize')
  const project = compileProjection(cmd.projection as Document | undefined, { mode: 'find', filter })
  const coll = ctx.catalog.getCollection(ctx.db, name)
  const docs = coll ? findRecords(coll, filter, match, { sort, skip, limit: limit || undefined, hint }).map((r) => r.doc) : []
  const first = limit ? Math.min(batchSize ?? DEFAULT_FIRST_BATCH, limit) : batchSize
  return ctx.cursors.firstBatch(`${ctx.db}.${name}`, docs, project, first, singleBatch || (limit !== undefined && limit > 0 && docs.length <= (first ?? DEFAULT_FIRST_BATCH)))
}

function getMoreCommand(ctx: Context): Reply {
  const id = ctx.cmd.getMore
  if (!(id instanceof Long) && !isNumeric(id)) fail(Code.TypeMismatch, "Field 'getMore' must be of type long")
  const name = ctx.cmd.collection
  if (typeof name !== 'string') fail(Code.TypeMismatch, "Field 'collection' must be of type string")
  const longId = id instanceof Long ? id : Long.fromNumber(toDouble(id))
  return ctx.cursors.getMore(longId, `${ctx.db}.${name}`, intArg(ctx.cmd.batchSize, 'batchSize'))
}

function killCursorsCommand(ctx: Context): Reply {
  if (typeof ctx.cmd.killCursors !== 'string') fail(Code.TypeMismatch, "Field 'killCursors' must be of type string")
  const ids = ctx.cmd.cursors
  if (!Array.isArray(ids)) fail(Code.TypeMismatch, "Field 'cursors' must be an array")
  const { killed, notFound } = ctx.cursors.kill(ids.map((i) => (i instanceof Long ? i : Long.fromNumber(toDouble(i)))))
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 }
}

function countCommand(ctx: Context): Reply {
  const name = collectionName(ctx, 'count')
  checkCollation(ctx.cmd.collation)
  const { filter, match } = matcher(ctx.cmd.query, undefined)
  const coll = ctx.catalog.getCollection(ctx.db, name)
  const skip = intArg(ctx.cmd.skip, 'skip')
  const limit = ctx.cmd.limit === undefined ? undefined : Math.abs(toDouble(ctx.cmd.limit))
  const n = coll ? countRecords(coll, filter, match, { skip, limit, hint: ctx.cmd.hint }) : 0
  return { n, ok: 1 }
}

function distinctCommand(ctx: Context): Reply {
  const name = collectionName(ctx, 'distinct')
  checkCollation(ctx.cmd.collation)
  const key = ctx.cmd.key
  if (typeof key !== 'string') fail(Code.TypeMismatch, "Field 'key' must be of type string")
  const { filter, match } = matcher(ctx.cmd.query, undefined)
  const coll = ctx.catalog.getCollection(ctx.db, name)
  const values = new Map<string, unknown>()
  const parts = splitPath(key)
  for (const rec of coll ? findRecords(coll, filter, match) : []) {
    for (const v of queryValues(rec.doc, parts)) {
      for (const x of Array.isArray(v) ? v : [v]) {
        if (x === undefined) continue
        const k = keyOf(x)
        if (!values.has(k)) values.set(k, x)
      }
    }
  }
  return { values: [...values.values()].sort(compareValues), ok: 1 }
}

/** `$match`, `$sort`, `$skip`, `$limit` at the head of a pipeline run through the planner. */
function pipelinePrefix(pipeline: Document[]): { filter: Document; sort?: SortSpec; skip: number; limit?: number; consumed: number } {
  let i = 0
  let filter: Document = {}
  let sort: SortSpec | undefined
  let skip = 0
  let limit: number | undefined
  if (pipeline[0] && stageName(pipeline[0]) === '$match' && isPlainObject(pipeline[0].$match)) {
    filter = pipeline[0].$match
    i++
  }
  if (pipeline[i] && stageName(pipeline[i]) === '$sort') {
    sort = parseSort(pipeline[i]!.$sort)
    i++
  }
  while (pipeline[i] && limit === undefined && (stageName(pipeline[i]) === '$skip' || stageName(pipeline[i]) === '$limit')) {
    const st = pipeline[i]!
    if ('$skip' in st) {
      if (!isNumeric(st.$skip) || toDouble(st.$skip) < 0) break
      skip += toDouble(st.$skip)
    } else {
      if (!isNumeric(st.$limit) || toDouble(st.$limit) <= 0) break
      limit = toDouble(st.$limit)
    }
    i++
  }
  return { filter, sort, skip, limit, consumed: i }
}

/** `[{$match}, {$group: {_id: <constant>, n: {$sum: 1}}}]`: what countDocuments sends. */
function countShape(pipeline: Document[], from: number): string | null {
  const rest = pipeline.slice(from)
  if (rest.length !== 1 || stageName(rest[0]) !== '$group') return null
  const g = rest[0]!.$group as Document
  const keys = Object.keys(g)
  if (keys.length !== 2 || keys[0] !== '_id') return null
  const id = g._id
  if (typeof id === 'string' && id.startsWith('$')) return null
  if (isPlainObject(id) || Array.isArray(id)) return null
  const acc = g[keys[1]!]
  if (!isPlainObject(acc) || Object.keys(acc).length !== 1 || !isNumeric(acc.$sum) || toDouble(acc.$sum) !== 1) return null
  return keys[1]!
}

function aggregateCommand(ctx: Context): Reply {
  const cmd = ctx.cmd
  if (cmd.aggregate === 1 || (isNumeric(cmd.aggregate) && toDouble(cmd.aggregate) === 1)) unsupported('database-level aggregation')
  const name = collectionName(ctx, 'aggregate')
  checkCollation(cmd.collation)
  if (cmd.explain === true) unsupported('aggregate explain')
  if (!isPlainObject(cmd.cursor)) fail(Code.FailedToParse, "The 'cursor' option is required, except for aggregate with the explain argument")
  const pipeline = cmd.pipeline
  if (!Array.isArray(pipeline)) fail(Code.TypeMismatch, "'pipeline' option must be specified as an array")
  const vars = letVars(ctx)
  const env = aggregateEnv(ctx.catalog, ctx.db)
  const stages = compilePipeline(pipeline, env)
  const coll = ctx.catalog.getCollection(ctx.db, name)
  const batchSize = intArg(cmd.cursor.batchSize, 'batchSize')
  const prefix = pipelinePrefix(pipeline as Document[])
  const { filter, match } = matcher(prefix.filter, vars)
  const countField = prefix.sort === undefined ? countShape(pipeline as Document[], prefix.consumed) : null
  let docs: Document[]
  if (countField) {
    const n = coll ? countRecords(coll, filter, match, { skip: prefix.skip, limit: prefix.limit, hint: cmd.hint }) : 0
    const group = (pipeline[prefix.consumed] as Document).$group as Document
    docs = n === 0 ? [] : [{ _id: evaluate(group._id, {}, vars), [countField]: n }]
  } else {
    const input = coll ? findRecords(coll, filter, match, { sort: prefix.sort, skip: prefix.skip, limit: prefix.limit, hint: cmd.hint }).map((r) => r.doc) : []
    docs = runStages(stages.slice(prefix.consumed), input, vars)
  }
  return ctx.cursors.firstBatch(`${ctx.db}.${name}`, docs, null, batchSize, false)
}

// --- collections, databases, indexes ---

function createCommand(ctx: Context): Reply {
  const name = collectionName(ctx, 'create')
  for (const opt of UNSUPPORTED_OPTIONS_CREATE) {
    if (ctx.cmd[opt] !== undefined && ctx.cmd[opt] !== false) {
      if (opt === 'validator' && isPlainObject(ctx.cmd.validator) && Object.keys(ctx.cmd.validator).length === 0) continue
      if (opt === 'collation') checkCollation(ctx.cmd.collation)
      else unsupported(`the collection option '${opt}'`)
    }
  }
  ctx.catalog.createCollection(ctx.db, name, {})
  return { ok: 1 }
}

function dropCommand(ctx: Context): Reply {
  const name = collectionName(ctx, 'drop')
  const coll = ctx.catalog.getCollection(ctx.db, name)
  if (!coll) return { ok: 1 }
  const nIndexesWas = coll.indexes.length
  ctx.catalog.dropCollection(ctx.db, name)
  return { nIndexesWas, ns: coll.ns, ok: 1 }
}

function dropDatabaseCommand(ctx: Context): Reply {
  ctx.catalog.dropDatabase(ctx.db)
  return { ok: 1 }
}

function collectionUuid(coll: Collection): Binary {
  const hex = Buffer.from(coll.ns).toString('hex').padEnd(32, '0').slice(0, 32)
  return new Binary(Buffer.from(hex, 'hex'), 4)
}

function listCollectionsCommand(ctx: Context): Reply {
  const nameOnly = ctx.cmd.nameOnly === true
  const { match } = matcher(ctx.cmd.filter, undefined)
  const docs = ctx.catalog
    .collections(ctx.db)
    .map((c): Document =>
      nameOnly
        ? { name: c.name, type: 'collection' }
        : { name: c.name, type: 'collection', options: c.options, info: { readOnly: false, uuid: collectionUuid(c) }, idIndex: { v: 2, key: { _id: 1 }, name: '_id_' } },
    )
    .filter((d) => match(d))
  const batchSize = isPlainObject(ctx.cmd.cursor) ? intArg(ctx.cmd.cursor.batchSize, 'batchSize') : undefined
  return ctx.cursors.firstBatch(`${ctx.db}.$cmd.listCollections`, docs, null, batchSize, false)
}

function listDatabasesCommand(ctx: Context): Reply {
  const { match } = matcher(ctx.cmd.filter, undefined)
  const databases = ctx.catalog
    .databaseNames()
    .map((name) => {
      const size = ctx.catalog.collections(name).reduce((n, c) => n + c.size, 0) * 256
      return { name, sizeOnDisk: size, empty: false }
    })
    .filter((d) => match(d))
  if (ctx.cmd.nameOnly === true) return { databases: databases.map((d) => ({ name: d.name })), ok: 1 }
  const totalSize = databases.reduce((n, d) => n + d.sizeOnDisk, 0)
  return { databases, totalSize, totalSizeMb: Math.floor(totalSize / 1048576), ok: 1 }
}

function createIndexesCommand(ctx: Context): Reply {
  const name = collectionName(ctx, 'createIndexes')
  const specs = ctx.cmd.indexes
  if (!Array.isArray(specs) || specs.length === 0) fail(Code.BadValue, 'Must specify at least one index to create')
  for (const spec of specs) {
    if (!isPlainObject(spec)) fail(Code.TypeMismatch, 'The indexes must be objects')
    if (spec.collation !== undefined) checkCollation(spec.collation)
    const { collation: _c, ...rest } = spec
    new Index({ ...rest, name: spec.name ?? 'validation' })
  }
  const { coll, created } = ctx.catalog.ensureCollection(ctx.db, name)
  const before = coll.indexes.length
  let added = 0
  for (const spec of specs as Document[]) {
    const { collation: _c, ...rest } = spec
    if (coll.createIndex(rest)) added++
  }
  const reply: Document = { numIndexesBefore: before, numIndexesAfter: coll.indexes.length, createdCollectionAutomatically: created }
  if (added === 0) reply.note = 'all indexes already exist'
  reply.ok = 1
  return reply
}

function listIndexesCommand(ctx: Context): Reply {
  const name = collectionName(ctx, 'listIndexes')
  const coll = ctx.catalog.getCollection(ctx.db, name)
  if (!coll) fail(Code.NamespaceNotFound, `ns does not exist: ${ctx.db}.${name}`)
  const batchSize = isPlainObject(ctx.cmd.cursor) ? intArg(ctx.cmd.cursor.batchSize, 'batchSize') : undefined
  return ctx.cursors.firstBatch(`${ctx.db}.${name}`, coll.indexes.map((ix) => ix.spec), null, batchSize, false)
}

function dropIndexesCommand(ctx: Context): Reply {
  const name = collectionName(ctx, Object.keys(ctx.cmd)[0]!)
  const coll = ctx.catalog.getCollection(ctx.db, name)
  if (!coll) fail(Code.NamespaceNotFound, `ns not found ${ctx.db}.${name}`)
  const nIndexesWas = coll.indexes.length
  const which = ctx.cmd.index
  let names: string[]
  if (which === '*') names = coll.indexes.slice(1).map((ix) => ix.name)
  else if (typeof which === 'string') names = [which]
  else if (Array.isArray(which)) names = which.map(String)
  else if (isPlainObject(which)) {
    const ix = coll.indexes.find((i) => keyOf(i.keyPattern) === keyOf(which))
    if (!ix) fail(Code.IndexNotFound, `can't find index with key: ${JSON.stringify(which)}`)
    names = [ix.name]
  } else fail(Code.TypeMismatch, "Field 'index' must be a string, an array or an object")
  for (const n of names) if (!coll.findIndex(n)) fail(Code.IndexNotFound, `index not found with name [${n}]`)
  if (names.includes('_id_')) fail(Code.InvalidOptions, 'cannot drop _id index')
  for (const n of names) coll.dropIndex(n)
  return { nIndexesWas, ok: 1 }
}

function renameCollectionCommand(ctx: Context): Reply {
  if (ctx.db !== 'admin') fail(Code.IllegalOperation, 'renameCollection may only be run against the admin database.')
  const from = ctx.cmd.renameCollection
  const to = ctx.cmd.to
  if (typeof from !== 'string' || typeof to !== 'string') fail(Code.TypeMismatch, 'renameCollection needs string namespaces')
  const [fromDb, ...fromRest] = from.split('.')
  const [toDb, ...toRest] = to.split('.')
  const fromName = fromRest.join('.')
  const toName = toRest.join('.')
  validateDbName(toDb)
  validateCollectionName(toName)
  const source = ctx.catalog.getCollection(fromDb!, fromName)
  if (!source) fail(Code.NamespaceNotFound, 'Source collection does not exist')
  if (ctx.catalog.getCollection(toDb!, toName)) {
    if (ctx.cmd.dropTarget !== true) fail(Code.NamespaceExists, 'target namespace exists')
    ctx.catalog.dropCollection(toDb!, toName)
  }
  const target = ctx.catalog.createCollection(toDb!, toName, source.options)
  for (const ix of source.indexes.slice(1)) target.createIndex(ix.spec)
  target.insertMany([...source.records()].map((r) => r.doc), true)
  ctx.catalog.dropCollection(fromDb!, fromName)
  return { ok: 1 }
}

function explainCommand(ctx: Context): Reply {
  const inner = ctx.cmd.explain
  if (!isPlainObject(inner)) fail(Code.TypeMismatch, 'explain command requires a nested object')
  const verb = Object.keys(inner)[0]
  if (verb !== 'find' && verb !== 'count') unsupported(`explain of ${verb}`)
  const name = inner[verb]
  validateCollectionName(name)
  const filter = (verb === 'find' ? inner.filter : inner.query) ?? {}
  compileFilter(filter)
  const coll = ctx.catalog.getCollection(ctx.db, name)
  const sort = isPlainObject(inner.sort) && Object.keys(inner.sort).length > 0 ? parseSort(inner.sort) : undefined
  const plan = coll ? explainPlan(coll, filter as Document, { sort, limit: inner.limit === undefined ? undefined : toDouble(inner.limit), hint: inner.hint }) : { kind: 'collScan', index: null }
  const stage = plan.kind === 'collScan' ? { stage: 'COLLSCAN' } : plan.kind === 'idLookup' ? { stage: 'IDHACK' } : { stage: 'FETCH', inputStage: { stage: 'IXSCAN', indexName: plan.index } }
  return { queryPlanner: { namespace: `${ctx.db}.${name}`, winningPlan: stage, rejectedPlans: [] }, ok: 1 }
}

const ok: Handler = () => ({ ok: 1 })

const HANDLERS: Record<string, Handler> = {
  hello: (ctx) => helloReply(ctx, false),
  isMaster: (ctx) => helloReply(ctx, true),
  ismaster: (ctx) => helloReply(ctx, true),
  ping: ok,
  buildInfo: () => buildInfo(),
  buildinfo: () => buildInfo(),
  getParameter: (ctx) => {
    const reply: Document = {}
    if (ctx.cmd.getParameter === '*' || ctx.cmd.featureCompatibilityVersion !== undefined) reply.featureCompatibilityVersion = { version: '7.0' }
    reply.ok = 1
    return reply
  },
  getCmdLineOpts: () => ({ argv: ['embedded-mongo'], parsed: {}, ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  whatsmyuri: (ctx) => ({ you: ctx.conn.remote, ok: 1 }),
  serverStatus: () => ({
    host: 'embedded',
    version: '7.0.0',
    process: 'mongod',
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor(process.uptime()),
    localTime: new Date(),
    connections: { current: 1 },
    ok: 1,
  }),
  hostInfo: () => ({ system: { currentTime: new Date(), hostname: 'embedded', numCores: 1 }, os: { type: process.platform }, ok: 1 }),
  endSessions: ok,
  refreshSessions: ok,
  killSessions: ok,
  killAllSessions: ok,
  startSession: () => unsupported('startSession'),
  create: createCommand,
  drop: dropCommand,
  dropDatabase: dropDatabaseCommand,
  listCollections: listCollectionsCommand,
  listDatabases: listDatabasesCommand,
  createIndexes: createIndexesCommand,
  listIndexes: listIndexesCommand,
  dropIndexes: dropIndexesCommand,
  deleteIndexes: dropIndexesCommand,
  insert: insertCommand,
  find: findCommand,
  getMore: getMoreCommand,
  killCursors: killCursorsCommand,
  update: updateCommand,
  delete: deleteCommand,
  findAndModify: findAndModifyCommand,
  findandmodify: findAndModifyCommand,
  aggregate: aggregateCommand,
  count: countCommand,
  distinct: distinctCommand,
  renameCollection: renameCollectionCommand,
  explain: explainCommand,
  commitTransaction: () => fail(Code.IllegalOperation, 'Transaction numbers are only allowed on a replica set member or mongos'),
  abortTransaction: () => fail(Code.IllegalOperation, 'Transaction numbers are only allowed on a replica set member or mongos'),
}

function buildInfo(): Document {
  return {
    version: '7.0.0',
    gitVersion: 'embedded',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['embedded'],
    javascriptEngine: 'none',
    modules: [],
    ok: 1,
  }
}

/** Run one command synchronously. Errors become `{ok: 0, ...}` replies. */
export function runCommand(catalog: Catalog, cursors: Cursors, conn: ConnectionInfo, body: Document, sequences: Map<string, DocumentSequence>): Reply {
  try {
    const name = Object.keys(body)[0]
    if (name === undefined) fail(Code.FailedToParse, 'Command body is empty')
    const db = body.$db
    if (typeof db !== 'string') fail(Code.FailedToParse, "OP_MSG requests require a $db argument")
    validateDbName(db)
    if (body.txnNumber !== undefined || body.startTransaction !== undefined || body.autocommit !== undefined) {
      fail(Code.IllegalOperation, 'Transaction numbers are only allowed on a replica set member or mongos')
    }
    const handler = HANDLERS[name]
    if (!handler) {
      if (name === 'saslStart' || name === 'authenticate' || name === 'saslContinue') unsupported('authentication')
      unsupported(`the command '${name}'`)
    }
    return handler({ catalog, cursors, conn, db, cmd: body, sequences })
  } catch (e) {
    if (e instanceof MongoError) return e.toReply()
    throw e
  }
}
