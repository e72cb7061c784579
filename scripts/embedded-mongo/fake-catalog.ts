import { EJSON, type Document } from 'bson'
import type { JournalEntry, JournalTarget } from './journal-types.js'

interface FakeCollection {
  options: Document
  indexes: Map<string, Document>
  docs: Map<string, Document>
}

const idKey = (id: unknown) => EJSON.stringify({ id }, { relaxed: false })

/**
 * A catalog reduced to maps, for testing the durability layer without the engine. It is as strict
 * as a real one (a duplicate _id or a missing collection throws), so replaying an entry twice or
 * out of order shows up as an error instead of passing silently.
 */
export class FakeCatalog implements JournalTarget {
  readonly collections = new Map<string, FakeCollection>()

  applyEntry(entry: JournalEntry): void {
    switch (entry.op) {
      case 'createCollection':
        if (this.collections.has(entry.ns)) throw new Error(`collection ${entry.ns} already exists`)
        this.collections.set(entry.ns, { options: entry.options, indexes: new Map(), docs: new Map() })
        return
      case 'dropCollection':
        this.collections.delete(entry.ns)
        return
      case 'dropDatabase':
        for (const ns of [...this.collections.keys()]) if (ns.startsWith(`${entry.db}.`)) this.collections.delete(ns)
        return
      case 'createIndexes':
        for (const spec of entry.specs) this.collection(entry.ns).indexes.set(String(spec.name), spec)
        return
      case 'dropIndexes':
        for (const name of entry.names) this.collection(entry.ns).indexes.delete(name)
        return
      case 'insert': {
        const docs = this.collection(entry.ns).docs
        for (const doc of entry.docs) {
          const key = idKey(doc._id)
          if (docs.has(key)) throw new Error(`duplicate _id ${key} in ${entry.ns}`)
          docs.set(key, doc)
        }
        return
      }
      case 'replace': {
        const docs = this.collection(entry.ns).docs
        const key = idKey(entry.doc._id)
        if (!docs.has(key)) throw new Error(`replace of missing _id ${key} in ${entry.ns}`)
        docs.set(key, entry.doc)
        return
      }
      case 'delete': {
        const docs = this.collection(entry.ns).docs
        for (const id of entry.ids) if (!docs.delete(idKey(id))) throw new Error(`delete of missing _id ${idKey(id)}`)
        return
      }
    }
  }

  *snapshotEntries(): Iterable<JournalEntry> {
    for (const [ns, c] of this.collections) {
      yield { op: 'createCollection', ns, options: c.options }
      if (c.indexes.size > 0) yield { op: 'createIndexes', ns, specs: [...c.indexes.values()] }
      if (c.docs.size > 0) yield { op: 'insert', ns, docs: [...c.docs.values()] }
    }
  }

  /** Canonical Extended JSON of the whole state: equal strings mean equal values and BSON types. */
  dump(): string {
    const out: Document = {}
    for (const [ns, c] of [...this.collections].sort(([a], [b]) => a.localeCompare(b))) {
      out[ns] = {
        options: c.options,
        indexes: [...c.indexes.values()],
        docs: [...c.docs.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, d]) => d),
      }
    }
    return EJSON.stringify(out, { relaxed: false })
  }

  private collection(ns: string): FakeCollection {
    const c = this.collections.get(ns)
    if (!c) throw new Error(`no collection ${ns}`)
    return c
  }
}
