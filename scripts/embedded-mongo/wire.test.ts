import { Double, Long, ObjectId, serialize, type Document } from 'bson'
import { describe, expect, it } from 'vitest'
import { identical } from './bson-order.js'
import { Catalog } from './catalog.js'
import { runCommand } from './commands.js'
import { Cursors } from './cursors.js'
import type { JournalEntry } from './journal-types.js'
import { decodeDocument, encodeCursorReply, encodeInsertEntry, parseMessage } from './wire.js'

function opMsgWithSequence(body: Document, id: string, docs: Document[]): Buffer {
  const bodyBytes = Buffer.from(serialize(body))
  const docBytes = docs.map((d) => Buffer.from(serialize(d)))
  const name = Buffer.from(id + '\0')
  const seqSize = 4 + name.length + docBytes.reduce((n, d) => n + d.length, 0)
  const seqHead = Buffer.alloc(5)
  seqHead[0] = 1
  seqHead.writeInt32LE(seqSize, 1)
  const msg = Buffer.concat([Buffer.alloc(16), Buffer.alloc(4), Buffer.from([0]), bodyBytes, seqHead, name, ...docBytes])
  msg.writeInt32LE(msg.length, 0)
  msg.writeInt32LE(2013, 12)
  return msg
}

describe('encoding', () => {
  it('builds an insert journal entry from raw documents byte for byte like serialize', () => {
    const docs = [{ _id: 1, a: new Double(2) }, { _id: new ObjectId(), b: [Long.fromNumber(5), 'x'] }, {}]
    const raw = docs.map((d) => serialize(d))
    const built = encodeInsertEntry('app.things', raw)
    expect(built.equals(Buffer.from(serialize({ op: 'insert', ns: 'app.things', docs })))).toBe(true)
    expect(identical(decodeDocument(built), { op: 'insert', ns: 'app.things', docs: raw.map((r) => decodeDocument(r)) })).toBe(true)
  })

  it('builds a cursor reply that decodes to the batch', () => {
    const reply = decodeDocument(encodeCursorReply('firstBatch', [serialize({ a: 1 }), serialize({ b: 'two' })].map((b) => Buffer.from(b)), Long.fromNumber(42), 'db.c'))
    expect(reply).toEqual({ cursor: { firstBatch: [{ a: 1 }, { b: 'two' }], id: Long.fromNumber(42), ns: 'db.c' }, ok: new Double(1) })
  })
})

describe('documents received in a document sequence', () => {
  function insertThroughWire(docs: Document[]): { entries: JournalEntry[]; catalog: Catalog } {
    const catalog = new Catalog()
    const entries: JournalEntry[] = []
    catalog.recorder = (e) => entries.push(e)
    const req = parseMessage(opMsgWithSequence({ insert: 'things', $db: 'app' }, 'documents', docs))
    if (req.kind !== 'msg') throw new Error('expected OP_MSG')
    const cursors = new Cursors()
    expect(runCommand(catalog, cursors, { id: 1, remote: 'test' }, req.body, req.sequences)).toMatchObject({ n: docs.length, ok: 1 })
    cursors.close()
    return { entries, catalog }
  }

  it('reach the journal with their received bytes when stored unchanged', () => {
    const docs = [{ _id: 1, price: new Double(3) }, { _id: 2, tags: ['a'] }]
    const { entries, catalog } = insertThroughWire(docs)
    const insert = entries.find((e) => e.op === 'insert')
    if (insert?.op !== 'insert') throw new Error('no insert recorded')
    expect(insert.raw!.map((r) => Buffer.from(r))).toEqual(docs.map((d) => Buffer.from(serialize(d))))
    const stored = [...catalog.getCollection('app', 'things')!.records()].map((r) => r.doc)
    expect(insert.raw!.every((r, i) => identical(decodeDocument(r), stored[i]))).toBe(true)
  })

  it('are encoded again when the engine changed them (an _id added or moved first)', () => {
    const { entries } = insertThroughWire([{ a: 1 }, { b: 2, _id: 7 }])
    const insert = entries.find((e) => e.op === 'insert')
    expect(insert?.op === 'insert' && insert.raw).toBeUndefined()
  })
})
