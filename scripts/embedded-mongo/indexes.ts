import type { Document } from 'bson'
import { compareValues, isPlainObject, keyOf } from './bson-order.js'
import { Code, fail, MongoError, unsupported } from './errors.js'
import { brief } from './format.js'
import { isNumeric, toDouble } from './numbers.js'
import { queryValues, splitPath } from './paths.js'
import { compileFilter, type Predicate } from './query.js'
import { SortedList } from './sorted-list.js'

/** One stored document. The record object is stable for the document's life; `doc` is replaced on update. */
export interface Rec {
  doc: Document
  /** insertion sequence: natural order and the tie-break inside indexes */
  seq: number
}

export interface IndexEntry {
  k: unknown[]
  r: Rec
}

export interface IndexField {
  path: string
  parts: string[]
  dir: 1 | -1
}

/** The keys a document contributes to an index (several when a field holds an array). */
export interface DocKeys {
  values: unknown[][]
  strings: string[]
}

const SPEC_OPTIONS = new Set([
  'key',
  'name',
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'background',
  'v',
  'ns',
  'hidden',
])

const ON_ARRAY = Symbol('an array on the path')

/** The value at a dotted path when no array lies on the way (ON_ARRAY when one does); undefined when missing. */
function plainValueAt(doc: Document, parts: readonly string[]): unknown {
  let v: unknown = doc
  for (const part of parts) {
    if (Array.isArray(v)) return ON_ARRAY
    if (!isPlainObject(v)) return undefined
    v = v[part]
  }
  return Array.isArray(v) ? ON_ARRAY : v
}

export class Index {
  readonly name: string
  readonly keyPattern: Document
  readonly fields: IndexField[]
  readonly unique: boolean
  readonly sparse: boolean
  readonly partial: Predicate | null
  readonly expireAfterSeconds: number | undefined
  /** the spec as listIndexes returns it */
  readonly spec: Document
  /** full key → record, kept for unique indexes (equality lookups and the duplicate check) */
  readonly hash = new Map<string, Rec>()
  /**
   * The ordered view (ranges, sorts, equality on non-unique indexes). Built on first use and
   * maintained from then on: until a query needs it, a non-unique index costs an insert nothing.
   */
  private ordered: SortedList<IndexEntry> | null = null
  /** set once any document put several keys in the index (as the server's multikey flag) */
  multikey = false
  readonly isId: boolean

  constructor(spec: Document) {
    const key = spec.key
    if (!isPlainObject(key) || Object.keys(key).length === 0) fail(Code.CannotCreateIndex, 'Index keys cannot be empty.')
    if (typeof spec.name !== 'string' || spec.name === '') fail(Code.CannotCreateIndex, 'The index name cannot be empty')
    for (const opt of Object.keys(spec)) {
      if (opt === 'collation') unsupported('index collation')
      if (['weights', 'default_language', 'language_override', 'textIndexVersion', '2dsphereIndexVersion', 'bits', 'min', 'max', 'wildcardProjection'].includes(opt)) {
        unsupported(`the index option '${opt}'`)
      }
      if (!SPEC_OPTIONS.has(opt)) fail(Code.InvalidIndexSpecificationOption, `The field '${opt}' is not valid for an index specification. Specification: ${brief(spec)}`)
    }
    this.fields = Object.keys(key).map((path) => {
      const d = key[path]
      if (typeof d === 'string') unsupported(`'${d}' indexes`)
      if (!isNumeric(d) || toDouble(d) === 0) fail(Code.CannotCreateIndex, `Values in the index key pattern can't be 0 or non-numeric: ${path}: ${brief(d)}`)
      if (path.includes('$**')) unsupported('wildcard indexes')
      return { path, parts: splitPath(path), dir: toDouble(d) > 0 ? 1 : -1 }
    })
    this.name = spec.name
    this.keyPattern = key
    this.isId = this.fields.length === 1 && this.fields[0]!.path === '_id'
    this.unique = spec.unique === true || this.isId
    this.sparse = spec.sparse === true
    if (spec.partialFilterExpression !== undefined) {
      if (!isPlainObject(spec.partialFilterExpression)) fail(Code.TypeMismatch, 'partialFilterExpression must be an object')
      this.partial = compileFilter(spec.partialFilterExpression)
    } else {
      this.partial = null
    }
    if (spec.expireAfterSeconds !== undefined) {
      if (!isNumeric(spec.expireAfterSeconds)) fail(Code.CannotCreateIndex, 'TTL index expireAfterSeconds must be a number')
      this.expireAfterSeconds = toDouble(spec.expireAfterSeconds)
    }
    const out: Document = { v: 2, key, name: spec.name }
    if (spec.unique === true && !this.isId) out.unique = true
    if (this.sparse) out.sparse = true
    if (spec.partialFilterExpression !== undefined) out.partialFilterExpression = spec.partialFilterExpression
    if (this.expireAfterSeconds !== undefined) out.expireAfterSeconds = spec.expireAfterSeconds
    if (spec.hidden === true) out.hidden = true
    this.spec = out
  }

  /** Same definition apart from the name (what createIndexes compares). */
  sameDefinition(other: Index): boolean {
    return (
      keyOf(this.keyPattern) === keyOf(other.keyPattern) &&
      this.unique === other.unique &&
      this.sparse === other.sparse &&
      keyOf(this.spec.partialFilterExpression) === keyOf(other.spec.partialFilterExpression)
    )
  }

  /** null when the document is not in this index (sparse/partial). */
  keysOf(doc: Document): DocKeys | null {
    if (this.partial && !this.partial(doc)) return null
    if (this.isId) return { values: [[doc._id]], strings: [keyOf(doc._id)] }
    const simple = this.simpleKeys(doc)
    if (simple !== undefined) return simple
    return this.generalKeys(doc)
  }

  /** The common case without arrays on the way: one key, no sets or cartesian products. */
  private simpleKeys(doc: Document): DocKeys | null | undefined {
    const values: unknown[] = []
    let present = false
    for (const f of this.fields) {
      const v = plainValueAt(doc, f.parts)
      if (v === ON_ARRAY) return undefined
      if (v !== undefined) present = true
      values.push(v === undefined ? null : v)
    }
    if (this.sparse && !present) return null
    return { values: [values], strings: [keyString(values)] }
  }

  private generalKeys(doc: Document): DocKeys | null {
    const perField: unknown[][] = []
    let present = false
    let arrayField: string | null = null
    for (const f of this.fields) {
      const raw = queryValues(doc, f.parts)
      const vals: unknown[] = []
      const seen = new Set<string>()
      let fromArray = raw.length > 1
      for (const v of raw) {
        if (v !== undefined) present = true
        if (Array.isArray(v)) {
          fromArray = true
          if (v.length === 0) pushUnique(vals, seen, v)
          for (const e of v) pushUnique(vals, seen, e === undefined ? null : e)
        } else {
          pushUnique(vals, seen, v === undefined ? null : v)
        }
      }
      if (fromArray) {
        if (arrayField !== null && this.fields.length > 1) {
          fail(Code.CannotIndexParallelArrays, `cannot index parallel arrays [${f.path}] [${arrayField}]`)
        }
        arrayField = f.path
      }
      perField.push(vals)
    }
    if (this.sparse && !present) return null
    if (arrayField !== null) this.multikey = true
    let combos: unknown[][] = [[]]
    for (const vals of perField) {
      const next: unknown[][] = []
      for (const c of combos) for (const v of vals) next.push([...c, v])
      combos = next
    }
    return { values: combos, strings: combos.map(keyString) }
  }

  /** Whether writes must compute this index's keys now (otherwise the index is built when first used). */
  get maintained(): boolean {
    return this.unique || this.ordered !== null
  }

  /** What an insert into an unmaintained index must still refuse: a compound key over parallel arrays. */
  validate(doc: Document): void {
    if (this.fields.length < 2) return
    let arrays = 0
    for (const f of this.fields) if (pathHitsArray(doc, f.parts)) arrays++
    if (arrays > 1) this.generalKeys(doc)
  }

  /**
   * The hash key of a document for an index kept only as a hash (unique, no ordered view yet),
   * without building DocKeys: undefined when the general path is needed (arrays, compound or
   * partial indexes), null when the document is not in the index.
   */
  hashKeyOf(doc: Document): string | null | undefined {
    if (this.ordered !== null || this.partial || !this.unique) return undefined
    if (this.isId) return keyOf(doc._id)
    if (this.fields.length !== 1) return undefined
    const v = plainValueAt(doc, this.fields[0]!.parts)
    if (v === ON_ARRAY) return undefined
    if (v === undefined && this.sparse) return null
    return keyOf(v === undefined ? null : v)
  }

  /** Throws DuplicateKey if another record holds one of these keys. */
  checkUnique(keys: DocKeys | null, self: Rec | null, ns: string): void {
    if (!this.unique || !keys) return
    for (let i = 0; i < keys.strings.length; i++) {
      const existing = this.hash.get(keys.strings[i]!)
      if (existing !== undefined && existing !== self) throw this.duplicateError(keys.values[i]!, ns)
    }
  }

  duplicateError(values: unknown[], ns: string): MongoError {
    const keyValue: Document = {}
    this.fields.forEach((f, i) => (keyValue[f.path] = values[i]))
    const shown = this.fields.map((f, i) => `${f.path}: ${brief(values[i])}`).join(', ')
    return new MongoError(Code.DuplicateKey, `E11000 duplicate key error collection: ${ns} index: ${this.name} dup key: { ${shown} }`, {
      keyPattern: this.keyPattern,
      keyValue,
    })
  }

  add(rec: Rec, keys: DocKeys | null): void {
    if (!keys) return
    for (let i = 0; i < keys.strings.length; i++) {
      if (this.unique) this.hash.set(keys.strings[i]!, rec)
      this.ordered?.insert({ k: keys.values[i]!, r: rec })
    }
  }

  remove(rec: Rec, keys: DocKeys | null): void {
    if (!keys) return
    for (let i = 0; i < keys.strings.length; i++) {
      if (this.unique && this.hash.get(keys.strings[i]!) === rec) this.hash.delete(keys.strings[i]!)
      this.ordered?.delete({ k: keys.values[i]!, r: rec })
    }
  }

  /** The record holding exactly this full key (unique indexes). */
  lookup(keyStr: string): Rec | undefined {
    return this.hash.get(keyStr)
  }

  compareEntries = (a: IndexEntry, b: IndexEntry): number => {
    for (let i = 0; i < this.fields.length; i++) {
      const c = compareValues(a.k[i], b.k[i])
      if (c !== 0) return c * this.fields[i]!.dir
    }
    return a.r.seq - b.r.seq
  }

  /** The ordered view, built on first use (the `_id` index is rarely scanned in order). */
  tree(allRecords: () => Iterable<Rec>): SortedList<IndexEntry> {
    if (!this.ordered) {
      const list = new SortedList<IndexEntry>(this.compareEntries)
      const entries: IndexEntry[] = []
      for (const rec of allRecords()) {
        const keys = this.keysOf(rec.doc)
        if (keys) for (const k of keys.values) entries.push({ k, r: rec })
      }
      list.load(entries)
      this.ordered = list
    }
    return this.ordered
  }

  /** Forget every entry (the collection was emptied); a built ordered view stays built. */
  clear(): void {
    this.hash.clear()
    if (this.ordered) this.ordered = new SortedList<IndexEntry>(this.compareEntries)
    this.multikey = false
  }
}

function pathHitsArray(doc: Document, parts: string[]): boolean {
  let v: unknown = doc
  for (const part of parts) {
    if (!isPlainObject(v)) return false
    v = v[part]
    if (Array.isArray(v)) return true
  }
  return false
}

function pushUnique(vals: unknown[], seen: Set<string>, v: unknown): void {
  const k = keyOf(v)
  if (seen.has(k)) return
  seen.add(k)
  vals.push(v)
}

export function keyString(values: unknown[]): string {
  if (values.length === 1) return keyOf(values[0])
  let s = ''
  for (const v of values) s += keyOf(v) + '|'
  return s
}

/** Default index name as drivers build it: `a_1_b_-1`. */
export function defaultIndexName(key: Document): string {
  return Object.keys(key)
    .map((k) => `${k}_${String(key[k])}`)
    .join('_')
}
