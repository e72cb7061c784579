import { Binary, Decimal128, Double, Int32, Long, MongoClient, MongoServerError, ObjectId, type Db, type Document } from 'mongodb'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { conformanceServer, scratchDbName } from './conformance-server.js'

/**
 * What a client of a standalone MongoDB 7 sees, through the official driver. Runs against the
 * embedded engine, or against CONFORMANCE_MONGODB_URI to check the assertions themselves.
 */

let server: Awaited<ReturnType<typeof conformanceServer>>
let client: MongoClient
let db: Db

beforeAll(async () => {
  server = await conformanceServer()
  client = await MongoClient.connect(server.uri)
  db = client.db(scratchDbName('conformance'))
})

afterAll(async () => {
  await db?.dropDatabase()
  await client?.close()
  await server?.stop()
})

beforeEach(async () => {
  await db.dropDatabase()
})

// the suite stores ids of every BSON type; the driver's default typing assumes ObjectId ids
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const coll = (name: string) => db.collection<any>(name)

async function serverError(p: Promise<unknown>): Promise<MongoServerError> {
  try {
    await p
  } catch (e) {
    if (e instanceof MongoServerError) return e
    throw e
  }
  throw new Error('expected a server error')
}

describe('handshake and server commands', () => {
  it('answers hello as a writable standalone with sessions', async () => {
    const hello = await db.admin().command({ hello: 1 })
    expect(hello.isWritablePrimary).toBe(true)
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(9)
    expect(hello.logicalSessionTimeoutMinutes).toBeTypeOf('number')
    expect(hello.setName).toBeUndefined()
    expect(hello.maxBsonObjectSize).toBe(16 * 1024 * 1024)
  })

  it('pings and reports a 7.x build', async () => {
    expect((await db.command({ ping: 1 })).ok).toBe(1)
    const info = await db.admin().command({ buildInfo: 1 })
    expect(info.versionArray[0]).toBeGreaterThanOrEqual(7)
  })

  it('refuses transactions on a standalone with IllegalOperation', async () => {
    await coll('t').insertOne({ a: 1 })
    const session = client.startSession()
    try {
      session.startTransaction()
      const err = await serverError(coll('t').insertOne({ a: 2 }, { session }))
      // the driver wraps the server's answer in its retryable-writes advice
      const original = (err as { originalError?: { code?: number } }).originalError
      expect(original?.code ?? err.code).toBe(20)
    } finally {
      await session.endSession()
    }
  })
})

describe('BSON types', () => {
  it('round-trips int32, int64, double, decimal, date, ObjectId, binary, null', async () => {
    const oid = new ObjectId()
    const date = new Date('2024-05-06T07:08:09.123Z')
    await coll('types').insertOne({
      _id: 1,
      i: new Int32(7),
      l: Long.fromString('9007199254740993'),
      d: new Double(2),
      dec: Decimal128.fromString('10.50'),
      date,
      oid,
      bin: new Binary(Buffer.from([1, 2, 3]), 0),
      nul: null,
    })
    const doc = await coll('types').findOne({ _id: 1 }, { promoteValues: false, promoteLongs: false })
    expect(doc!.i).toBeInstanceOf(Int32)
    expect(doc!.l).toBeInstanceOf(Long)
    expect(doc!.l.toString()).toBe('9007199254740993')
    expect(doc!.d).toBeInstanceOf(Double)
    expect(doc!.d.valueOf()).toBe(2)
    expect(doc!.dec.toString()).toBe('10.50')
    expect(doc!.date).toEqual(date)
    expect(doc!.oid.toHexString()).toBe(oid.toHexString())
    expect(Buffer.from(doc!.bin.buffer)).toEqual(Buffer.from([1, 2, 3]))
    expect(doc!.nul).toBeNull()
  })

  it('stores _id first even when the client sends it last', async () => {
    await coll('order').insertOne({ b: 1, a: 2, _id: 'x' })
    const doc = await coll('order').findOne({})
    expect(Object.keys(doc!)).toEqual(['_id', 'b', 'a'])
  })

  it('distinguishes null from a missing field', async () => {
    const c = coll('nulls')
    await c.insertMany([{ _id: 1, a: null }, { _id: 2 }, { _id: 3, a: 0 }])
    expect((await c.find({ a: null }).toArray()).map((d) => d._id)).toEqual([1, 2])
    expect((await c.find({ a: { $exists: false } }).toArray()).map((d) => d._id)).toEqual([2])
    expect((await c.find({ a: { $type: 'null' } }).toArray()).map((d) => d._id)).toEqual([1])
  })

  it('compares numbers across int, long, double and decimal', async () => {
    const c = coll('nums')
    await c.insertMany([
      { _id: 1, n: new Int32(5) },
      { _id: 2, n: Long.fromNumber(7) },
      { _id: 3, n: new Double(6.5) },
      { _id: 4, n: Decimal128.fromString('5.5') },
      { _id: 5, n: '6' },
    ])
    expect((await c.find({ n: { $gt: 5 } }).sort({ n: 1 }).toArray()).map((d) => d._id)).toEqual([4, 3, 2])
    expect((await c.find({ n: 7 }).toArray()).map((d) => d._id)).toEqual([2])
    expect((await c.find({ n: Decimal128.fromString('5.0') }).toArray()).map((d) => d._id)).toEqual([1])
  })

  it('sorts mixed types in BSON order and arrays by their smallest element', async () => {
    const c = coll('mixed')
    await c.insertMany([
      { _id: 'date', v: new Date(0) },
      { _id: 'bool', v: true },
      { _id: 'oid', v: new ObjectId('000000000000000000000000') },
      { _id: 'array', v: [10, 0.5] },
      { _id: 'object', v: { a: 1 } },
      { _id: 'string', v: 'a' },
      { _id: 'number', v: 1 },
      { _id: 'null', v: null },
    ])
    const ids = (await c.find({}).sort({ v: 1, _id: 1 }).toArray()).map((d) => d._id)
    expect(ids).toEqual(['null', 'array', 'number', 'string', 'object', 'oid', 'bool', 'date'])
  })
})

describe('queries', () => {
  beforeEach(async () => {
    await coll('q').insertMany([
      { _id: 1, name: 'ann', age: 30, tags: ['a', 'b'], address: { city: 'Baku' }, items: [{ sku: 'x', qty: 1 }, { sku: 'y', qty: 5 }] },
      { _id: 2, name: 'bob', age: 25, tags: ['b'], address: { city: 'Sheki' }, items: [{ sku: 'x', qty: 7 }] },
      { _id: 3, name: 'cem', age: 35, tags: [], address: { city: 'Baku' } },
    ])
  })

  const ids = async (filter: Document, sort: Document = { _id: 1 }) => (await coll('q').find(filter).sort(sort).toArray()).map((d) => d._id)

  it('supports comparison, logical and element operators', async () => {
    expect(await ids({ age: { $gte: 30 } })).toEqual([1, 3])
    expect(await ids({ $or: [{ name: 'ann' }, { age: { $lt: 30 } }] })).toEqual([1, 2])
    expect(await ids({ name: { $in: ['bob', 'cem'] }, age: { $ne: 35 } })).toEqual([2])
    expect(await ids({ name: { $nin: ['bob'] } })).toEqual([1, 3])
    expect(await ids({ $nor: [{ name: 'ann' }, { name: 'bob' }] })).toEqual([3])
    expect(await ids({ age: { $not: { $gt: 26 } } })).toEqual([2])
    expect(await ids({ name: { $regex: '^[ab]' } })).toEqual([1, 2])
    expect(await ids({ name: /N/i })).toEqual([1])
    expect(await ids({ age: { $mod: [10, 5] } })).toEqual([2, 3])
    expect(await ids({ $expr: { $gt: ['$age', 28] } })).toEqual([1, 3])
  })

  it('matches arrays by element, by size, with $all and $elemMatch', async () => {
    expect(await ids({ tags: 'b' })).toEqual([1, 2])
    expect(await ids({ tags: ['b'] })).toEqual([2])
    expect(await ids({ tags: { $size: 0 } })).toEqual([3])
    expect(await ids({ tags: { $all: ['a', 'b'] } })).toEqual([1])
    expect(await ids({ items: { $elemMatch: { sku: 'x', qty: { $gt: 5 } } } })).toEqual([2])
    expect(await ids({ 'items.sku': 'y' })).toEqual([1])
    expect(await ids({ 'items.qty': { $gt: 4, $lt: 6 } })).toEqual([1])
    expect(await ids({ 'items.0.qty': 7 })).toEqual([2])
    expect(await ids({ 'address.city': 'Baku' })).toEqual([1, 3])
  })

  it('projects with inclusion, exclusion, $slice, $elemMatch and the positional operator', async () => {
    const c = coll('q')
    expect(await c.findOne({ _id: 1 }, { projection: { name: 1 } })).toEqual({ _id: 1, name: 'ann' })
    expect(await c.findOne({ _id: 2 }, { projection: { items: 0, tags: 0, address: 0, _id: 0 } })).toEqual({ name: 'bob', age: 25 })
    expect(await c.findOne({ _id: 1 }, { projection: { 'address.city': 1, _id: 0 } })).toEqual({ address: { city: 'Baku' } })
    expect(await c.findOne({ _id: 1 }, { projection: { tags: { $slice: 1 }, items: 0, address: 0 } })).toEqual({ _id: 1, name: 'ann', age: 30, tags: ['a'] })
    expect(await c.findOne({ _id: 1 }, { projection: { items: { $elemMatch: { qty: { $gt: 2 } } } } })).toEqual({ _id: 1, items: [{ sku: 'y', qty: 5 }] })
    expect(await c.findOne({ 'items.sku': 'y' }, { projection: { 'items.$': 1 } })).toEqual({ _id: 1, items: [{ sku: 'y', qty: 5 }] })
  })

  it('sorts, skips and limits', async () => {
    const c = coll('q')
    expect((await c.find({}).sort({ $natural: -1 }).toArray()).map((d) => d._id)).toEqual([3, 2, 1])
    expect((await c.find({}).sort({ age: -1 }).skip(1).limit(1).toArray()).map((d) => d._id)).toEqual([1])
    expect((await c.find({}).sort({ 'address.city': 1, age: -1 }).toArray()).map((d) => d._id)).toEqual([3, 1, 2])
  })

  it('counts and lists distinct values', async () => {
    const c = coll('q')
    expect(await c.countDocuments({ 'address.city': 'Baku' })).toBe(2)
    expect(await c.countDocuments({}, { skip: 1, limit: 1 })).toBe(1)
    expect(await c.estimatedDocumentCount()).toBe(3)
    expect((await c.distinct('tags')).sort()).toEqual(['a', 'b'])
    expect((await c.distinct('address.city', { age: { $gt: 26 } })).sort()).toEqual(['Baku'])
  })

  it('evaluates let variables for $expr', async () => {
    const docs = await coll('q').find({ $expr: { $gt: ['$age', '$$min'] } }, { let: { min: { $add: [20, 9] } } }).sort({ _id: 1 }).toArray()
    expect(docs.map((d) => d._id)).toEqual([1, 3])
  })

  it('rejects unknown operators with BadValue', async () => {
    const err = await serverError(coll('q').find({ age: { $foo: 1 } }).toArray())
    expect(err.code).toBe(2)
  })
})

describe('cursors', () => {
  it('pages through batches with getMore and reports killed cursors as not found', async () => {
    const c = coll('many')
    await c.insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: i })))
    const seen: number[] = []
    for await (const d of c.find({}).sort({ _id: 1 }).batchSize(40)) seen.push(d._id as unknown as number)
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => i))

    const first = await db.command({ find: 'many', batchSize: 2 })
    const id = first.cursor.id as Long
    expect(id.isZero()).toBe(false)
    const killed = await db.command({ killCursors: 'many', cursors: [id] })
    expect(killed.cursorsKilled).toHaveLength(1)
    const err = await serverError(db.command({ getMore: id, collection: 'many' }))
    expect(err.code).toBe(43)
  })

  it('closes the cursor with the last batch', async () => {
    await coll('few').insertMany([{ a: 1 }, { a: 2 }])
    const reply = await db.command({ find: 'few', batchSize: 5 })
    expect(reply.cursor.firstBatch).toHaveLength(2)
    expect(Number(reply.cursor.id)).toBe(0)
  })
})

describe('unique indexes', () => {
  it('reports a duplicate key with code, key pattern, key value and the server message', async () => {
    const c = coll('users')
    await c.createIndex({ email: 1 }, { unique: true })
    await c.insertOne({ email: 'a@b' })
    const err = await serverError(c.insertOne({ email: 'a@b' }))
    expect(err.code).toBe(11000)
    expect(err.keyPattern).toEqual({ email: 1 })
    expect(err.keyValue).toEqual({ email: 'a@b' })
    expect(err.message).toContain(`E11000 duplicate key error collection: ${db.databaseName}.users index: email_1 dup key: { email: "a@b" }`)
  })

  it('stops an ordered batch at the first duplicate and continues an unordered one', async () => {
    const c = coll('batch')
    await c.createIndex({ k: 1 }, { unique: true })
    const ordered = await serverError(c.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }]))
    expect(ordered.code).toBe(11000)
    expect(await c.countDocuments()).toBe(1)
    await c.deleteMany({})
    const unordered = await serverError(c.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }], { ordered: false }))
    expect(unordered.code).toBe(11000)
    expect(await c.countDocuments()).toBe(2)
  })

  it('enforces compound, sparse and partial unique indexes', async () => {
    const c = coll('idx')
    await c.createIndex({ a: 1, b: 1 }, { unique: true })
    await c.createIndex({ s: 1 }, { unique: true, sparse: true })
    await c.createIndex({ p: 1 }, { unique: true, partialFilterExpression: { active: true } })
    await c.insertMany([{ a: 1, b: 1 }, { a: 1, b: 2 }, { a: 2, b: 1, p: 'x', active: false }, { a: 2, b: 2, p: 'x', active: true }])
    expect((await serverError(c.insertOne({ a: 1, b: 2 }))).code).toBe(11000)
    expect((await serverError(c.insertOne({ a: 3, b: 3, p: 'x', active: true }))).code).toBe(11000)
    await c.insertOne({ a: 4, b: 4, s: 'only' })
    expect((await serverError(c.insertOne({ a: 5, b: 5, s: 'only' }))).code).toBe(11000)
    expect(await c.countDocuments()).toBe(5)
  })

  it('refuses to build a unique index over duplicates', async () => {
    const c = coll('dups')
    await c.insertMany([{ a: 1 }, { a: 1 }])
    expect((await serverError(c.createIndex({ a: 1 }, { unique: true }))).code).toBe(11000)
  })

  it('leaves the document unchanged when an update would duplicate a key', async () => {
    const c = coll('upd')
    await c.createIndex({ email: 1 }, { unique: true })
    await c.insertMany([{ _id: 1, email: 'a', n: 1 }, { _id: 2, email: 'b', n: 1 }])
    const err = await serverError(c.updateOne({ _id: 2 }, { $set: { email: 'a', n: 2 } }))
    expect(err.code).toBe(11000)
    expect(await c.findOne({ _id: 2 })).toEqual({ _id: 2, email: 'b', n: 1 })
    expect(await c.findOne({ email: 'b' })).toEqual({ _id: 2, email: 'b', n: 1 })
    const fam = await serverError(c.findOneAndUpdate({ _id: 2 }, { $set: { email: 'a' } }))
    expect(fam.code).toBe(11000)
  })

  it('rejects a duplicate _id', async () => {
    await coll('ids').insertOne({ _id: 7 })
    const err = await serverError(coll('ids').insertOne({ _id: 7 }))
    expect(err.code).toBe(11000)
    expect(err.keyValue).toEqual({ _id: 7 })
  })
})

describe('index management', () => {
  it('creates, lists and drops indexes', async () => {
    const c = coll('ix')
    expect(await c.createIndex({ a: 1, b: -1 })).toBe('a_1_b_-1')
    await c.createIndex({ c: 1 }, { name: 'by_c', sparse: true })
    const names = (await c.listIndexes().toArray()).map((i) => i.name)
    expect(names).toEqual(['_id_', 'a_1_b_-1', 'by_c'])
    await c.dropIndex('by_c')
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'a_1_b_-1'])
    expect((await serverError(c.dropIndex('nope'))).code).toBe(27)
  })

  it('refuses a document with arrays in two fields of one compound index', async () => {
    const c = coll('parallel')
    await c.createIndex({ a: 1, b: 1 })
    await c.insertOne({ a: [1, 2], b: 1 })
    expect((await serverError(c.insertOne({ a: [1, 2], b: [3, 4] }))).code).toBe(171)
    expect((await serverError(c.updateOne({ a: 1 }, { $set: { b: [5, 6] } }))).code).toBe(171)
    expect(await c.countDocuments()).toBe(1)
  })

  it('answers NamespaceExists when creating an existing collection', async () => {
    await db.createCollection('exists')
    expect((await serverError(db.createCollection('exists'))).code).toBe(48)
  })

  it('lists collections and drops them', async () => {
    await coll('one').insertOne({})
    await coll('two').insertOne({})
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort()
    expect(names).toEqual(['one', 'two'])
    expect(await coll('one').drop()).toBe(true)
    expect((await db.listCollections({ name: 'one' }).toArray()).length).toBe(0)
  })
})

describe('update operators', () => {
  const c = () => coll('u')
  const after = async (update: Document | Document[], initial: Document = { _id: 1 }, options: Document = {}) => {
    await c().deleteMany({})
    await c().insertOne(initial)
    await c().updateOne({ _id: initial._id }, update, options)
    return c().findOne({ _id: initial._id })
  }

  it('sets, unsets, increments, multiplies and renames', async () => {
    expect(await after({ $set: { 'a.b': 1, c: 2 } })).toEqual({ _id: 1, a: { b: 1 }, c: 2 })
    expect(await after({ $unset: { a: '' } }, { _id: 1, a: 1, b: 2 })).toEqual({ _id: 1, b: 2 })
    expect(await after({ $inc: { n: 2, m: -1 } }, { _id: 1, n: 1 })).toEqual({ _id: 1, n: 3, m: -1 })
    expect(await after({ $mul: { n: 3, z: 2 } }, { _id: 1, n: 2 })).toEqual({ _id: 1, n: 6, z: 0 })
    expect(await after({ $rename: { a: 'b' } }, { _id: 1, a: 1 })).toEqual({ _id: 1, b: 1 })
    expect(await after({ $min: { lo: 1 }, $max: { hi: 9 } }, { _id: 1, lo: 5, hi: 5 })).toEqual({ _id: 1, lo: 1, hi: 9 })
  })

  it('keeps the wider numeric type on $inc', async () => {
    await c().deleteMany({})
    await c().insertOne({ _id: 1, d: new Double(1.5), l: Long.fromNumber(1) })
    await c().updateOne({ _id: 1 }, { $inc: { d: new Int32(1), l: new Int32(1) } })
    const doc = await c().findOne({ _id: 1 }, { promoteValues: false, promoteLongs: false })
    expect(doc!.d).toBeInstanceOf(Double)
    expect(doc!.d.valueOf()).toBe(2.5)
    expect(doc!.l).toBeInstanceOf(Long)
    expect(doc!.l.toNumber()).toBe(2)
  })

  it('sets the current date', async () => {
    const doc = await after({ $currentDate: { at: true } })
    expect(doc!.at).toBeInstanceOf(Date)
  })

  it('pushes with $each, $position, $sort and $slice, even onto a missing field', async () => {
    expect(await after({ $push: { s: { $each: [3, 1, 2], $sort: 1, $slice: 2 } } })).toEqual({ _id: 1, s: [1, 2] })
    expect(await after({ $push: { s: { $each: [0], $position: 0 } } }, { _id: 1, s: [1, 2] })).toEqual({ _id: 1, s: [0, 1, 2] })
    expect(await after({ $push: { s: { $each: [{ n: 2 }, { n: 9 }], $sort: { n: -1 }, $slice: -2 } } }, { _id: 1, s: [{ n: 5 }] })).toEqual({ _id: 1, s: [{ n: 5 }, { n: 2 }] })
    expect(await after({ $push: { s: 4 } }, { _id: 1, s: [1] })).toEqual({ _id: 1, s: [1, 4] })
  })

  it('adds to sets, pops and pulls', async () => {
    expect(await after({ $addToSet: { s: { $each: [1, 2, 2, 3] } } }, { _id: 1, s: [1] })).toEqual({ _id: 1, s: [1, 2, 3] })
    expect(await after({ $pop: { s: -1 } }, { _id: 1, s: [1, 2, 3] })).toEqual({ _id: 1, s: [2, 3] })
    expect(await after({ $pull: { s: { $gte: 2 } } }, { _id: 1, s: [1, 2, 3] })).toEqual({ _id: 1, s: [1] })
    expect(await after({ $pull: { s: { k: 'x' } } }, { _id: 1, s: [{ k: 'x', v: 1 }, { k: 'y' }] })).toEqual({ _id: 1, s: [{ k: 'y' }] })
    expect(await after({ $pullAll: { s: [1, 3] } }, { _id: 1, s: [1, 2, 3, 1] })).toEqual({ _id: 1, s: [2] })
  })

  it('updates array elements through $, $[] and $[identifier]', async () => {
    const initial = { _id: 1, items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 2 }, { sku: 'c', qty: 3 }] }
    await c().deleteMany({})
    await c().insertOne(initial)
    await c().updateOne({ _id: 1, 'items.sku': 'b' }, { $set: { 'items.$.qty': 20 } })
    expect((await c().findOne({ _id: 1 }))!.items.map((i: Document) => i.qty)).toEqual([1, 20, 3])
    await c().updateOne({ _id: 1 }, { $inc: { 'items.$[].qty': 1 } })
    expect((await c().findOne({ _id: 1 }))!.items.map((i: Document) => i.qty)).toEqual([2, 21, 4])
    await c().updateOne({ _id: 1 }, { $set: { 'items.$[big].big': true } }, { arrayFilters: [{ 'big.qty': { $gt: 3 } }] })
    expect((await c().findOne({ _id: 1 }))!.items.map((i: Document) => i.big ?? false)).toEqual([false, true, true])
  })

  it('runs pipeline-style updates', async () => {
    expect(await after([{ $set: { total: { $add: ['$a', '$b'] } } }, { $unset: 'a' }], { _id: 1, a: 2, b: 3 })).toEqual({ _id: 1, b: 3, total: 5 })
  })

  it('reports type, conflict, immutable-field and parse errors with their codes', async () => {
    await c().deleteMany({})
    await c().insertOne({ _id: 1, s: 'text', n: 1 })
    expect((await serverError(c().updateOne({ _id: 1 }, { $inc: { s: 1 } }))).code).toBe(14)
    expect((await serverError(c().updateOne({ _id: 1 }, { $set: { n: 2 }, $inc: { n: 1 } }))).code).toBe(40)
    expect((await serverError(c().updateOne({ _id: 1 }, { $set: { _id: 2 } }))).code).toBe(66)
    expect((await serverError(c().updateOne({ _id: 1 }, { $foo: { n: 2 } } as Document))).code).toBe(9)
    expect((await serverError(c().updateOne({ _id: 1 }, { $push: { s: 1 } } as Document))).code).toBe(2)
    expect(await c().findOne({ _id: 1 })).toEqual({ _id: 1, s: 'text', n: 1 })
  })

  it('counts matched and modified documents', async () => {
    await c().insertMany([{ g: 1, v: 1 }, { g: 1, v: 2 }, { g: 2, v: 1 }])
    const r = await c().updateMany({ g: 1 }, { $set: { v: 1 } })
    expect(r.matchedCount).toBe(2)
    expect(r.modifiedCount).toBe(1)
  })

  it('upserts from the equality fields of the query and applies $setOnInsert only on insert', async () => {
    const r = await c().updateOne({ key: 'k', $and: [{ region: 'baku' }], n: { $gt: 1 } }, { $inc: { hits: 1 }, $setOnInsert: { created: true } }, { upsert: true })
    expect(r.upsertedCount).toBe(1)
    const doc = await c().findOne({ key: 'k' }, { projection: { _id: 0 } })
    expect(doc).toEqual({ key: 'k', region: 'baku', hits: 1, created: true })
    await c().updateOne({ key: 'k' }, { $inc: { hits: 1 }, $setOnInsert: { created: false } }, { upsert: true })
    expect(await c().findOne({ key: 'k' }, { projection: { _id: 0 } })).toEqual({ key: 'k', region: 'baku', hits: 2, created: true })
  })

  it('replaces a document but keeps its _id', async () => {
    await c().insertOne({ _id: 5, a: 1, b: 2 })
    await c().replaceOne({ _id: 5 }, { c: 3 })
    expect(await c().findOne({ _id: 5 })).toEqual({ _id: 5, c: 3 })
  })

  it('deletes one or many', async () => {
    await c().insertMany([{ g: 1 }, { g: 1 }, { g: 2 }])
    expect((await c().deleteOne({ g: 1 })).deletedCount).toBe(1)
    expect((await c().deleteMany({})).deletedCount).toBe(2)
  })
})

describe('findAndModify', () => {
  const c = () => coll('fam')
  beforeEach(async () => {
    await c().insertMany([{ _id: 1, n: 1, g: 'a' }, { _id: 2, n: 2, g: 'a' }])
  })

  it('returns the document before or after the update', async () => {
    expect(await c().findOneAndUpdate({ _id: 1 }, { $inc: { n: 1 } })).toEqual({ _id: 1, n: 1, g: 'a' })
    expect(await c().findOneAndUpdate({ _id: 1 }, { $inc: { n: 1 } }, { returnDocument: 'after' })).toEqual({ _id: 1, n: 3, g: 'a' })
  })

  it('picks the first document in sort order and projects it', async () => {
    expect(await c().findOneAndUpdate({ g: 'a' }, { $set: { picked: true } }, { sort: { n: -1 }, projection: { n: 1 }, returnDocument: 'after' })).toEqual({ _id: 2, n: 2 })
  })

  it('upserts and removes', async () => {
    const res = await c().findOneAndUpdate({ _id: 3 }, { $set: { n: 3 } }, { upsert: true, returnDocument: 'after', includeResultMetadata: true })
    expect(res.value).toEqual({ _id: 3, n: 3 })
    expect(res.lastErrorObject).toMatchObject({ n: 1, updatedExisting: false, upserted: 3 })
    expect(await c().findOneAndDelete({ _id: 3 })).toEqual({ _id: 3, n: 3 })
    expect(await c().findOneAndDelete({ _id: 3 })).toBeNull()
  })

  it('replaces', async () => {
    expect(await c().findOneAndReplace({ _id: 1 }, { x: 1 }, { returnDocument: 'after' })).toEqual({ _id: 1, x: 1 })
  })
})

describe('aggregation', () => {
  beforeEach(async () => {
    await coll('orders').insertMany([
      { _id: 1, customer: 'ann', items: ['jam', 'tea'], total: 10, at: new Date('2024-01-05') },
      { _id: 2, customer: 'bob', items: ['jam'], total: 4, at: new Date('2024-02-01') },
      { _id: 3, customer: 'ann', items: [], total: 6, at: new Date('2024-02-11') },
    ])
    await coll('customers').insertMany([
      { _id: 'ann', name: 'Ann', city: 'Baku' },
      { _id: 'bob', name: 'Bob', city: 'Sheki' },
    ])
  })
  const agg = (pipeline: Document[], from = 'orders') => coll(from).aggregate(pipeline).toArray()

  it('matches, groups and sorts with accumulators', async () => {
    const out = await agg([
      { $match: { total: { $gt: 3 } } },
      { $group: { _id: '$customer', sum: { $sum: '$total' }, avg: { $avg: '$total' }, n: { $sum: 1 }, max: { $max: '$total' }, first: { $first: '$_id' }, all: { $push: '$_id' } } },
      { $sort: { _id: 1 } },
    ])
    expect(out).toEqual([
      { _id: 'ann', sum: 16, avg: 8, n: 2, max: 10, first: 1, all: [1, 3] },
      { _id: 'bob', sum: 4, avg: 4, n: 1, max: 4, first: 2, all: [2] },
    ])
  })

  it('projects, adds, unsets fields and replaces the root', async () => {
    expect(await agg([{ $match: { _id: 1 } }, { $project: { customer: 1, double: { $multiply: ['$total', 2] }, month: { $month: '$at' } } }])).toEqual([
      { _id: 1, customer: 'ann', double: 20, month: 1 },
    ])
    expect(await agg([{ $match: { _id: 2 } }, { $set: { tax: { $divide: ['$total', 4] } } }, { $unset: ['items', 'at'] }])).toEqual([{ _id: 2, customer: 'bob', total: 4, tax: 1 }])
    expect(await agg([{ $match: { _id: 2 } }, { $replaceRoot: { newRoot: { who: '$customer' } } }])).toEqual([{ who: 'bob' }])
  })

  it('unwinds arrays, optionally keeping empty ones and the index', async () => {
    expect((await agg([{ $unwind: '$items' }, { $sort: { _id: 1, items: 1 } }])).map((d) => [d._id, d.items])).toEqual([
      [1, 'jam'],
      [1, 'tea'],
      [2, 'jam'],
    ])
    const kept = await agg([{ $unwind: { path: '$items', preserveNullAndEmptyArrays: true, includeArrayIndex: 'i' } }, { $match: { _id: 3 } }])
    expect(kept).toEqual([{ _id: 3, customer: 'ann', total: 6, at: new Date('2024-02-11'), i: null }])
  })

  it('joins with $lookup by fields and by a pipeline', async () => {
    const byField = await agg([{ $sort: { _id: 1 } }, { $lookup: { from: 'customers', localField: 'customer', foreignField: '_id', as: 'who' } }, { $project: { who: '$who.name' } }])
    expect(byField).toEqual([
      { _id: 1, who: ['Ann'] },
      { _id: 2, who: ['Bob'] },
      { _id: 3, who: ['Ann'] },
    ])
    const byPipeline = await agg([
      { $match: { _id: 2 } },
      { $lookup: { from: 'customers', let: { c: '$customer' }, pipeline: [{ $match: { $expr: { $eq: ['$_id', '$$c'] } } }, { $project: { _id: 0, city: 1 } }], as: 'who' } },
      { $project: { who: 1 } },
    ])
    expect(byPipeline).toEqual([{ _id: 2, who: [{ city: 'Sheki' }] }])
    const both = await agg(
      [{ $lookup: { from: 'orders', localField: '_id', foreignField: 'customer', pipeline: [{ $match: { total: { $gt: 5 } } }, { $project: { _id: 1 } }], as: 'big' } }, { $sort: { _id: 1 } }, { $project: { big: 1 } }],
      'customers',
    )
    expect(both).toEqual([
      { _id: 'ann', big: [{ _id: 1 }, { _id: 3 }] },
      { _id: 'bob', big: [] },
    ])
    const byArray = await agg([{ $match: { _id: 'ann' } }, { $set: { ids: [1, 2] } }, { $lookup: { from: 'orders', localField: 'ids', foreignField: '_id', as: 'o' } }, { $project: { n: { $size: '$o' } } }], 'customers')
    expect(byArray).toEqual([{ _id: 'ann', n: 2 }])
  })

  it('runs $facet, $count, $bucket and $sortByCount', async () => {
    const [facets] = await agg([{ $facet: { count: [{ $count: 'n' }], top: [{ $sort: { total: -1 } }, { $limit: 1 }, { $project: { _id: 1 } }] } }])
    expect(facets).toEqual({ count: [{ n: 3 }], top: [{ _id: 1 }] })
    expect(await agg([{ $bucket: { groupBy: '$total', boundaries: [0, 5, 10, 20], default: 'other', output: { n: { $sum: 1 } } } }])).toEqual([
      { _id: 0, n: 1 },
      { _id: 5, n: 1 },
      { _id: 10, n: 1 },
    ])
    expect(await agg([{ $sortByCount: '$customer' }])).toEqual([
      { _id: 'ann', count: 2 },
      { _id: 'bob', count: 1 },
    ])
    expect(await agg([{ $match: { total: { $gt: 100 } } }, { $count: 'n' }])).toEqual([])
  })

  it('skips and limits after a sort', async () => {
    expect((await agg([{ $sort: { total: 1 } }, { $skip: 1 }, { $limit: 1 }])).map((d) => d._id)).toEqual([3])
  })

  it('rejects an unknown stage', async () => {
    const err = await serverError(agg([{ $nope: {} }]))
    expect(err.code).toBe(40324)
  })
})
