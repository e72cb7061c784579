import { connect, type Socket } from 'node:net'
import { deserialize, serialize, type Document } from 'bson'
import { MongoClient, MongoServerError } from 'mongodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Catalog, prepareForInsert } from './catalog.js'
import { startEmbeddedMongo, type EmbeddedMongo } from './index.js'
import { startServer } from './server.js'
import { crc32c } from './wire.js'

/** Behaviour particular to the embedded engine: the protocol edges and what it refuses. */

let engine: EmbeddedMongo
let client: MongoClient
const logged: string[] = []

beforeAll(async () => {
  engine = await startEmbeddedMongo({ log: (m) => logged.push(m) })
  client = await MongoClient.connect(engine.uri)
})

afterAll(async () => {
  await client?.close()
  await engine?.stop()
})

function header(length: number, opCode: number, requestId: number): Buffer {
  const h = Buffer.alloc(16)
  h.writeInt32LE(length, 0)
  h.writeInt32LE(requestId, 4)
  h.writeInt32LE(opCode, 12)
  return h
}

function opMsg(body: Document, flags = 0, checksum?: (bytes: Buffer) => number): Buffer {
  const doc = Buffer.from(serialize(body))
  const withChecksum = checksum !== undefined
  const length = 16 + 4 + 1 + doc.length + (withChecksum ? 4 : 0)
  const msg = Buffer.concat([header(length, 2013, 7), Buffer.alloc(5), doc, Buffer.alloc(withChecksum ? 4 : 0)])
  msg.writeUInt32LE(flags | (withChecksum ? 1 : 0), 16)
  if (withChecksum) msg.writeUInt32LE(checksum(msg.subarray(0, length - 4)), length - 4)
  return msg
}

function opQuery(collection: string, query: Document): Buffer {
  const name = Buffer.from(collection + '\0')
  const doc = Buffer.from(serialize(query))
  const rest = Buffer.concat([Buffer.alloc(4), name, Buffer.alloc(8), doc])
  rest.writeInt32LE(-1, 4 + name.length + 4)
  return Buffer.concat([header(16 + rest.length, 2004, 9), rest])
}

/** Sends one message on a fresh socket; resolves with the reply (opcode and body) or null when the socket closes. */
function exchange(bytes: Buffer): Promise<{ opCode: number; body: Document } | null> {
  return new Promise((resolve) => {
    const socket: Socket = connect(engine.port, '127.0.0.1')
    let data = Buffer.alloc(0)
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk])
      if (data.length >= 4 && data.length >= data.readInt32LE(0)) {
        const opCode = data.readInt32LE(12)
        const bodyAt = opCode === 1 ? 36 : 21
        socket.destroy()
        resolve({ opCode, body: deserialize(data.subarray(bodyAt)) })
      }
    })
    socket.on('close', () => resolve(null))
    socket.on('error', () => resolve(null))
    socket.write(bytes)
  })
}

describe('protocol', () => {
  it('answers the legacy OP_QUERY handshake with OP_REPLY and refuses other legacy queries', async () => {
    const hello = await exchange(opQuery('admin.$cmd', { isMaster: 1, helloOk: true }))
    expect(hello?.opCode).toBe(1)
    expect(hello?.body).toMatchObject({ ismaster: true, helloOk: true, maxWireVersion: 21, ok: 1 })
    const find = await exchange(opQuery('app.things', { a: 1 }))
    expect(find?.body).toMatchObject({ ok: 0, code: 352 })
  })

  it('checks a CRC-32C checksum when the client sends one', async () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
    const good = await exchange(opMsg({ ping: 1, $db: 'admin' }, 0, crc32c))
    expect(good?.body).toMatchObject({ ok: 1 })
    const bad = await exchange(opMsg({ ping: 1, $db: 'admin' }, 0, (b) => crc32c(b) ^ 1))
    expect(bad).toBeNull()
    expect(logged.some((m) => m.includes('checksum mismatch'))).toBe(true)
  })

  it('applies a moreToCome message without replying', async () => {
    await client.db('proto').collection('fire').insertOne({ a: 1 }, { writeConcern: { w: 0 } })
    await expect.poll(() => client.db('proto').collection('fire').countDocuments()).toBe(1)
  })

  it('closes a connection announcing an oversized message and keeps serving others', async () => {
    const huge = header(49_000_000, 2013, 1)
    expect(await exchange(huge)).toBeNull()
    expect((await client.db('admin').command({ ping: 1 })).ok).toBe(1)
  })
})

describe('what the engine does not support', () => {
  const db = () => client.db('unsupported')

  async function refusal(p: Promise<unknown>): Promise<MongoServerError> {
    const e = await p.then(
      () => null,
      (err: unknown) => err,
    )
    expect(e).toBeInstanceOf(MongoServerError)
    const err = e as MongoServerError
    expect(err.message).toMatch(/not supported by the embedded engine; set MONGODB_URI to use a real MongoDB/)
    expect([2, 115]).toContain(err.code)
    return err
  }

  it('says so for query operators, stages, indexes, collections and commands it lacks', async () => {
    await db().collection('c').insertOne({ a: 'x' })
    await refusal(db().collection('c').find({ $where: 'this.a' }).toArray())
    await refusal(db().collection('c').find({ $text: { $search: 'x' } }).toArray())
    await refusal(db().collection('c').aggregate([{ $out: 'copy' }]).toArray())
    await refusal(db().collection('c').aggregate([{ $graphLookup: {} }]).toArray())
    await refusal(db().collection('c').createIndex({ a: 'text' }))
    await refusal(db().collection('c').find({}, { collation: { locale: 'az' } }).toArray())
    await refusal(db().createCollection('capped', { capped: true, size: 1000 }))
    await refusal(db().command({ collMod: 'c' }))
  })
})

describe('TTL indexes', () => {
  it('deletes documents whose date is older than expireAfterSeconds', () => {
    const catalog = new Catalog()
    const coll = catalog.ensureCollection('app', 'sessions').coll
    coll.createIndex({ key: { expiresAt: 1 }, expireAfterSeconds: 0 })
    const now = Date.now()
    coll.insertMany(
      [{ _id: 1, expiresAt: new Date(now - 1000) }, { _id: 2, expiresAt: new Date(now + 60_000) }, { _id: 3 }].map(prepareForInsert),
      true,
    )
    expect(catalog.expireDocuments(now)).toBe(1)
    expect([...coll.records()].map((r) => r.doc._id)).toEqual([2, 3])
  })
})

describe('a journal that cannot write', () => {
  it('answers the write with an error instead of acknowledging it', async () => {
    const failing = { record() {}, flush: () => Promise.reject(new Error('disk full')), close: () => Promise.resolve() }
    const server = await startServer({ host: '127.0.0.1', port: 0, catalog: new Catalog(), durability: failing, log: () => {} })
    const c = await MongoClient.connect(`mongodb://127.0.0.1:${server.port}/`)
    try {
      const err = await c
        .db('app')
        .collection('t')
        .insertOne({ a: 1 })
        .catch((e: unknown) => e)
      expect(err).toBeInstanceOf(MongoServerError)
      expect((err as MongoServerError).message).toMatch(/could not be made durable: disk full/)
      expect((await c.db('admin').command({ ping: 1 })).ok).toBe(1)
    } finally {
      await c.close()
      await server.close()
    }
  })
})
