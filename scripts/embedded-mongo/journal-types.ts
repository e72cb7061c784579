import type { Document } from 'bson'

/**
 * One state change of the catalog. The engine records these in apply order; replaying them in
 * the same order on an empty catalog rebuilds the same state.
 */
export type JournalEntry =
  // full documents as stored; `raw`, when present, holds each document's BSON exactly as stored
  // (bytes received from the client), so the journal can write them without encoding them again
  | { op: 'insert'; ns: string; docs: Document[]; raw?: Uint8Array[] }
  | { op: 'replace'; ns: string; doc: Document } // post-image, matched by doc._id
  | { op: 'delete'; ns: string; ids: unknown[] } // _id values
  | { op: 'createCollection'; ns: string; options: Document }
  | { op: 'dropCollection'; ns: string }
  | { op: 'dropDatabase'; db: string }
  | { op: 'createIndexes'; ns: string; specs: Document[] }
  | { op: 'dropIndexes'; ns: string; names: string[] }

export interface Durability {
  /** called synchronously, in apply order, for every state change of a command */
  record(entry: JournalEntry): void
  /** resolves when everything recorded so far is on disk (group commit); the server awaits it before replying to a write */
  flush(): Promise<void>
  close(): Promise<void>
}

/** What the durability layer needs from the catalog: replay at start-up and a full snapshot. */
export interface JournalTarget {
  applyEntry(entry: JournalEntry): void
  snapshotEntries(): Iterable<JournalEntry>
}
