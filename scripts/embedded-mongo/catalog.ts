import { ObjectId, type Document } from 'bson'
import { bsonTypeName, isPlainObject, isRegex, keyOf } from './bson-order.js'
import { Code, fail, MongoError } from './errors.js'
import { defaultIndexName, Index, type DocKeys, type Rec } from './indexes.js'
import type { JournalEntry, JournalTarget } from './journal-types.js'
import { queryValues, splitPath } from './paths.js'

const ID_INDEX_SPEC = { key: { _id: 1 }, name: '_id_' }
const SNAPSHOT_BATCH = 1000

export function splitNamespace(ns: string): { db: string; coll: string } {
  const dot = ns.indexOf('.')
  return { db: ns.slice(0, dot), coll: ns.slice(dot + 1) }
}

export function validateCollectionName(name: unknown): asserts name is string {
  if (typeof name !== 'string') fail(Code.InvalidNamespace, `collection name has invalid type ${bsonTypeName(name)}`)
  if (name === '' || name.includes('\0') || name.startsWith('.') || name.includes('$')) {
    fail(Code.InvalidNamespace, `Invalid collection name: ${name}`)
  }
}

export function validateDbName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '' || /[/\\. "$\0]/.test(name) || name.length > 63) {
    fail(Code.InvalidNamespace, `Invalid database name: '${String(name)}'`)
  }
}

/** An `_id` first document, with an ObjectId generated when the client sent none. */
export function prepareForInsert(doc: unknown): Document {
  if (!isPlainObject(doc)) fail(Code.TypeMismatch, 'Documents to insert must be objects')
  for (const k of Object.keys(doc)) {
    if (k.startsWith('$')) fail(Code.BadValue, `Document can't have $ prefixed field names: ${k}`)
  }
  const id = doc._id
  if (Array.isArray(id)) fail(Code.InvalidIdField, "The '_id' value cannot be of type array")
  if (isRegex(id)) fail(Code.InvalidIdField, "The '_id' value cannot be of type regex")
  if (isPlainObject(id)) {
    for (const k of Object.keys(id)) if (k.startsWith('$')) fail(Code.DollarPrefixedFieldName, `_id fields may not contain '$'-prefixed fields: ${k} is not valid for storage.`)
  }
  const keys = Object.keys(doc)
  if (id !== undefined && keys[0] === '_id') return doc
  const out: Document = { _id: id === undefined ? new ObjectId() : id }
  for (const k of keys) if (k !== '_id') out[k] = doc[k]
  return out
}

export class Collection {
  readonly indexes: Index[]
  private seq = 0
  /** scratch for insertHashOnly, reused to keep inserts free of per-document arrays */
  private readonly hashKeys: Array<string | null | undefined> = []

  constructor(
    private readonly catalog: Catalog,
    readonly db: string,
    readonly name: string,
    readonly options: Document,
  ) {
    this.indexes = [new Index(ID_INDEX_SPEC)]
  }

  get ns(): string {
    return `${this.db}.${this.name}`
  }

  private get byId(): Map<string, Rec> {
    return this.indexes[0]!.hash as Map<string, Rec>
  }

  get size(): number {
    return this.byId.size
  }

  /** Records in natural (insertion) order. */
  records(): IterableIterator<Rec> {
    return this.byId.values()
  }

  getById(id: unknown): Rec | undefined {
    return this.byId.get(keyOf(id))
  }

  /** Keys of every maintained index (null for the others, after checking what they would refuse). */
  private keysFor(doc: Document, trusted: boolean): Array<DocKeys | null> {
    return this.indexes.map((ix) => {
      if (ix.maintained) return ix.keysOf(doc)
      if (!trusted) ix.validate(doc)
      return null
    })
  }

  /** Insert one prepared document; throws (and changes nothing) on a duplicate key. */
  private insertOne(doc: Document, trusted: boolean): Rec {
    return this.insertHashOnly(doc, trusted) ?? this.insertGeneral(doc, trusted)
  }

  /**
   * The common case, while no index has an ordered view: only hash keys of plain values,
   * no per-index key objects (this is most of the cost of loading a data directory).
   */
  private insertHashOnly(doc: Document, trusted: boolean): Rec | null {
    const keys = this.hashKeys
    keys.length = this.indexes.length
    for (let i = 0; i < this.indexes.length; i++) {
      const ix = this.indexes[i]!
      if (!ix.maintained) {
        if (!trusted) ix.validate(doc)
        keys[i] = null
        continue
      }
      const k = ix.hashKeyOf(doc)
      if (k === undefined) return null
      keys[i] = k
    }
    if (!trusted) {
      for (let i = 0; i < this.indexes.length; i++) {
        const k = keys[i]
        if (k !== null && k !== undefined && this.indexes[i]!.hash.has(k)) this.indexes[i]!.checkUnique(this.indexes[i]!.keysOf(doc), null, this.ns)
      }
    }
    const rec: Rec = { doc, seq: ++this.seq }
    for (let i = 0; i < this.indexes.length; i++) {
      const k = keys[i]
      if (k !== null && k !== undefined) this.indexes[i]!.hash.set(k, rec)
    }
    return rec
  }

  private insertGeneral(doc: Document, trusted: boolean): Rec {
    const keys = this.keysFor(doc, trusted)
    if (!trusted) this.indexes.forEach((ix, i) => ix.checkUnique(keys[i]!, null, this.ns))
    const rec: Rec = { doc, seq: ++this.seq }
    this.indexes.forEach((ix, i) => ix.add(rec, keys[i]!))
    return rec
  }

  /**
   * Insert a batch: an ordered batch stops at the first error, an unordered one goes on.
   * Documents must already be prepared (`prepareForInsert`).
   */
  insertMany(
    docs: Document[],
    ordered: boolean,
    trusted = false,
    raw?: Uint8Array[],
  ): { inserted: Document[]; errors: Array<{ index: number; error: MongoError }> } {
    const inserted: Document[] = []
    const insertedRaw: Uint8Array[] = []
    const errors: Array<{ index: number; error: MongoError }> = []
    for (let i = 0; i < docs.length; i++) {
      try {
        this.insertOne(docs[i]!, trusted)
        inserted.push(docs[i]!)
        if (raw) insertedRaw.push(raw[i]!)
      } catch (e) {
        if (!(e instanceof MongoError)) throw e
        errors.push({ index: i, error: e })
        if (ordered) break
      }
    }
    if (inserted.length > 0) this.catalog.record(raw ? { op: 'insert', ns: this.ns, docs: inserted, raw: insertedRaw } : { op: 'insert', ns: this.ns, docs: inserted })
    return { inserted, errors }
  }

  /** Replace the document of a record; indexes are checked first so a failure changes nothing. */
  replace(rec: Rec, doc: Document): void {
    const changed: Array<{ ix: Index; before: DocKeys | null; after: DocKeys | null }> = []
    for (let i = 1; i < this.indexes.length; i++) {
      const ix = this.indexes[i]!
      if (!ix.maintained) {
        ix.validate(doc)
        continue
      }
      const before = ix.keysOf(rec.doc)
      const after = ix.keysOf(doc)
      if (sameKeys(before, after)) continue
      ix.checkUnique(after, rec, this.ns)
      changed.push({ ix, before, after })
    }
    for (const c of changed) {
      c.ix.remove(rec, c.before)
      c.ix.add(rec, c.after)
    }
    rec.doc = doc
    this.catalog.record({ op: 'replace', ns: this.ns, doc })
  }

  delete(recs: Rec[]): void {
    if (recs.length === 0) return
    const ids = recs.map((rec) => rec.doc._id)
    if (recs.length === this.size) {
      // emptying the collection (what test set-ups do between tests): no entry-by-entry removal
      for (const ix of this.indexes) ix.clear()
    } else {
      for (const rec of recs) for (const ix of this.indexes) if (ix.maintained) ix.remove(rec, ix.keysOf(rec.doc))
    }
    this.catalog.record({ op: 'delete', ns: this.ns, ids })
  }

  findIndex(name: string): Index | undefined {
    return this.indexes.find((ix) => ix.name === name)
  }

  /** Create one index; returns false when an identical one exists. */
  createIndex(spec: Document): boolean {
    const candidate = new Index({ ...spec, name: spec.name ?? defaultIndexName(spec.key as Document) })
    const sameName = this.findIndex(candidate.name)
    if (sameName) {
      if (sameName.sameDefinition(candidate) && keyOf(sameName.spec.expireAfterSeconds) === keyOf(candidate.spec.expireAfterSeconds)) return false
      if (keyOf(sameName.keyPattern) !== keyOf(candidate.keyPattern)) {
        fail(Code.IndexKeySpecsConflict, `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(candidate.spec)}, existing index: ${JSON.stringify(sameName.spec)}`)
      }
      fail(Code.IndexOptionsConflict, `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(candidate.spec)}, existing index: ${JSON.stringify(sameName.spec)}`)
    }
    const sameKey = this.indexes.find((ix) => ix.sameDefinition(candidate))
    if (sameKey) fail(Code.IndexOptionsConflict, `Index already exists with a different name: ${sameKey.name}`)
    for (const rec of this.records()) {
      if (!candidate.maintained) {
        candidate.validate(rec.doc)
        continue
      }
      const keys = candidate.keysOf(rec.doc)
      candidate.checkUnique(keys, rec, this.ns)
      candidate.add(rec, keys)
    }
    this.indexes.push(candidate)
    this.catalog.record({ op: 'createIndexes', ns: this.ns, specs: [candidate.spec] })
    return true
  }

  dropIndex(name: string): void {
    const i = this.indexes.findIndex((ix) => ix.name === name)
    if (i < 0) fail(Code.IndexNotFound, `index not found with name [${name}]`)
    if (i === 0) fail(Code.InvalidOptions, 'cannot drop _id index')
    this.indexes.splice(i, 1)
    this.catalog.record({ op: 'dropIndexes', ns: this.ns, names: [name] })
  }

  /** Delete documents whose TTL date has passed (what mongod's TTL monitor does every minute). */
  expire(now: number): number {
    const expired: Rec[] = []
    for (const ix of this.indexes) {
      if (ix.expireAfterSeconds === undefined || ix.fields.length !== 1) continue
      const parts = splitPath(ix.fields[0]!.path)
      const limit = now - ix.expireAfterSeconds * 1000
      for (const rec of this.records()) {
        const dates = queryValues(rec.doc, parts)
          .flatMap((v) => (Array.isArray(v) ? v : [v]))
          .filter((v): v is Date => v instanceof Date)
        if (dates.length > 0 && Math.min(...dates.map((d) => d.getTime())) <= limit) expired.push(rec)
      }
    }
    const unique = [...new Set(expired)]
    this.delete(unique)
    return unique.length
  }
}

function sameKeys(a: DocKeys | null, b: DocKeys | null): boolean {
  if (a === null || b === null) return a === b
  if (a.strings.length !== b.strings.length) return false
  for (let i = 0; i < a.strings.length; i++) if (a.strings[i] !== b.strings[i]) return false
  return true
}

/** Databases → collections → documents and indexes: the whole state of the engine. */
export class Catalog implements JournalTarget {
  private readonly dbs = new Map<string, Map<string, Collection>>()
  /** the durability hook; null while replaying a journal */
  recorder: ((entry: JournalEntry) => void) | null = null
  /** how many entries have been recorded (the server flushes when this moved) */
  recorded = 0

  record(entry: JournalEntry): void {
    this.recorded++
    this.recorder?.(entry)
  }

  databaseNames(): string[] {
    return [...this.dbs.keys()].filter((db) => this.dbs.get(db)!.size > 0)
  }

  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])]
  }

  getCollection(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name)
  }

  /** The collection, created implicitly (as an insert does) when missing. */
  ensureCollection(db: string, name: string): { coll: Collection; created: boolean } {
    const existing = this.getCollection(db, name)
    if (existing) return { coll: existing, created: false }
    return { coll: this.createCollection(db, name, {}), created: true }
  }

  createCollection(db: string, name: string, options: Document): Collection {
    validateDbName(db)
    validateCollectionName(name)
    if (this.getCollection(db, name)) fail(Code.NamespaceExists, `Collection ${db}.${name} already exists.`)
    let colls = this.dbs.get(db)
    if (!colls) {
      colls = new Map()
      this.dbs.set(db, colls)
    }
    const coll = new Collection(this, db, name, options)
    colls.set(name, coll)
    this.record({ op: 'createCollection', ns: coll.ns, options })
    return coll
  }

  dropCollection(db: string, name: string): boolean {
    const colls = this.dbs.get(db)
    if (!colls?.has(name)) return false
    colls.delete(name)
    if (colls.size === 0) this.dbs.delete(db)
    this.record({ op: 'dropCollection', ns: `${db}.${name}` })
    return true
  }

  dropDatabase(db: string): boolean {
    if (!this.dbs.has(db)) return false
    this.dbs.delete(db)
    this.record({ op: 'dropDatabase', db })
    return true
  }

  /** Replay one journal entry (start-up); records nothing. */
  applyEntry(entry: JournalEntry): void {
    const recorder = this.recorder
    this.recorder = null
    try {
      this.apply(entry)
    } finally {
      this.recorder = recorder
    }
  }

  private apply(entry: JournalEntry): void {
    switch (entry.op) {
      case 'insert': {
        const { db, coll } = splitNamespace(entry.ns)
        const c = this.ensureCollection(db, coll).coll
        // journalled documents were checked when first written
        const { errors } = c.insertMany(entry.docs, true, true)
        if (errors.length > 0) throw errors[0]!.error
        return
      }
      case 'replace': {
        const { db, coll } = splitNamespace(entry.ns)
        const c = this.getCollection(db, coll)
        const rec = c?.getById(entry.doc._id)
        if (c && rec) c.replace(rec, entry.doc)
        return
      }
      case 'delete': {
        const { db, coll } = splitNamespace(entry.ns)
        const c = this.getCollection(db, coll)
        if (!c) return
        c.delete(entry.ids.map((id) => c.getById(id)).filter((r): r is Rec => r !== undefined))
        return
      }
      case 'createCollection': {
        const { db, coll } = splitNamespace(entry.ns)
        if (!this.getCollection(db, coll)) this.createCollection(db, coll, entry.options)
        return
      }
      case 'dropCollection': {
        const { db, coll } = splitNamespace(entry.ns)
        this.dropCollection(db, coll)
        return
      }
      case 'dropDatabase':
        this.dropDatabase(entry.db)
        return
      case 'createIndexes': {
        const { db, coll } = splitNamespace(entry.ns)
        const c = this.ensureCollection(db, coll).coll
        for (const spec of entry.specs) c.createIndex(spec)
        return
      }
      case 'dropIndexes': {
        const { db, coll } = splitNamespace(entry.ns)
        const c = this.getCollection(db, coll)
        for (const name of entry.names) if (c?.findIndex(name)) c.dropIndex(name)
        return
      }
    }
  }

  /** The whole state as entries that rebuild it: collections, their indexes, documents in batches. */
  *snapshotEntries(): Iterable<JournalEntry> {
    for (const [db, colls] of this.dbs) {
      for (const [name, coll] of colls) {
        const ns = `${db}.${name}`
        yield { op: 'createCollection', ns, options: coll.options }
        const specs = coll.indexes.slice(1).map((ix) => ix.spec)
        if (specs.length > 0) yield { op: 'createIndexes', ns, specs }
        let batch: Document[] = []
        for (const rec of coll.records()) {
          batch.push(rec.doc)
          if (batch.length >= SNAPSHOT_BATCH) {
            yield { op: 'insert', ns, docs: batch }
            batch = []
          }
        }
        if (batch.length > 0) yield { op: 'insert', ns, docs: batch }
      }
    }
  }

  /** Run the TTL pass over every collection with a TTL index. */
  expireDocuments(now = Date.now()): number {
    let n = 0
    for (const colls of this.dbs.values()) {
      for (const coll of colls.values()) {
        if (coll.indexes.some((ix) => ix.expireAfterSeconds !== undefined)) n += coll.expire(now)
      }
    }
    return n
  }
}
