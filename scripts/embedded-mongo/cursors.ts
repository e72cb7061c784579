import { Long, type Document } from 'bson'
import { Code, fail } from './errors.js'
import type { Projector } from './projection.js'
import { BATCH_BYTES, encodeCursorReply, encodeDocument } from './wire.js'

/** Idle cursors are dropped after this long, as mongod's cursorTimeoutMillis default. */
const CURSOR_TIMEOUT_MS = 10 * 60 * 1000
export const DEFAULT_FIRST_BATCH = 101

interface Cursor {
  id: Long
  ns: string
  docs: Document[]
  pos: number
  project: Projector | null
  lastUsed: number
}

/**
 * Open cursors. A query's result is materialised as references to the stored (immutable)
 * documents; projection and serialisation happen batch by batch.
 */
export class Cursors {
  private readonly open = new Map<string, Cursor>()
  private readonly timer: NodeJS.Timeout

  constructor() {
    this.timer = setInterval(() => this.expire(Date.now()), 60_000)
    this.timer.unref()
  }

  /** The first batch as a complete reply; the rest stays open unless `singleBatch`. */
  firstBatch(ns: string, docs: Document[], project: Projector | null, batchSize: number | undefined, singleBatch: boolean): Buffer {
    const cursor: Cursor = { id: Long.ZERO, ns, docs, pos: 0, project, lastUsed: Date.now() }
    const batch = this.take(cursor, batchSize ?? DEFAULT_FIRST_BATCH)
    if (cursor.pos < docs.length && !singleBatch) {
      cursor.id = newCursorId(this.open)
      this.open.set(cursor.id.toString(), cursor)
    }
    return encodeCursorReply('firstBatch', batch, cursor.id, ns)
  }

  getMore(id: Long, ns: string, batchSize: number | undefined): Buffer {
    const key = id.toString()
    const cursor = this.open.get(key)
    if (!cursor) fail(Code.CursorNotFound, `cursor id ${key} not found`)
    if (cursor.ns !== ns) fail(13, `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`)
    cursor.lastUsed = Date.now()
    const batch = this.take(cursor, batchSize ?? Infinity)
    let replyId = cursor.id
    if (cursor.pos >= cursor.docs.length) {
      this.open.delete(key)
      replyId = Long.ZERO
    }
    return encodeCursorReply('nextBatch', batch, replyId, ns)
  }

  kill(ids: Long[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = []
    const notFound: Long[] = []
    for (const id of ids) {
      if (this.open.delete(id.toString())) killed.push(id)
      else notFound.push(id)
    }
    return { killed, notFound }
  }

  close(): void {
    clearInterval(this.timer)
    this.open.clear()
  }

  private take(cursor: Cursor, batchSize: number): Buffer[] {
    const out: Buffer[] = []
    let bytes = 0
    const limit = batchSize <= 0 ? 0 : batchSize
    while (cursor.pos < cursor.docs.length && out.length < limit) {
      const doc = cursor.docs[cursor.pos]!
      const buf = encodeDocument(cursor.project ? cursor.project(doc) : doc)
      if (out.length > 0 && bytes + buf.length > BATCH_BYTES) break
      out.push(buf)
      bytes += buf.length
      cursor.pos++
    }
    return out
  }

  private expire(now: number): void {
    for (const [key, c] of this.open) if (now - c.lastUsed > CURSOR_TIMEOUT_MS) this.open.delete(key)
  }
}

function newCursorId(open: Map<string, Cursor>): Long {
  for (;;) {
    const hi = Math.floor(Math.random() * 0x7fffffff)
    const lo = Math.floor(Math.random() * 0xffffffff) | 0
    const id = Long.fromBits(lo, hi)
    if (!id.isZero() && !open.has(id.toString())) return id
  }
}
