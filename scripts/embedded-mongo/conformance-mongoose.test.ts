import mongoose, { Schema, type Connection } from 'mongoose'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { conformanceServer, scratchDbName } from './conformance-server.js'

/**
 * mongoose models as the platform writes them, unchanged, against the engine (or against
 * CONFORMANCE_MONGODB_URI): unique indexes, population, aggregation, conditional updates.
 */

let server: Awaited<ReturnType<typeof conformanceServer>>
let conn: Connection

const userSchema = new Schema(
  {
    email: { type: String, required: true, unique: true },
    name: String,
    roles: [String],
    region: String,
  },
  { timestamps: true },
)
const slotSchema = new Schema({ capacity: Number, booked: { type: Number, default: 0 }, label: String })
const bookingSchema = new Schema({
  slotId: { type: Schema.Types.ObjectId, ref: 'Slot', required: true },
  holderId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
  status: { type: String, enum: ['confirmed', 'cancelled'], default: 'confirmed' },
  history: [{ status: String, at: Date }],
})
bookingSchema.index({ slotId: 1, holderId: 1 }, { unique: true })
const profileSchema = new Schema({ slug: String, userId: Schema.Types.ObjectId })
profileSchema.index({ slug: 1 }, { unique: true, sparse: true })

beforeAll(async () => {
  server = await conformanceServer()
  conn = await mongoose.createConnection(server.uri, { dbName: scratchDbName('mongoose') }).asPromise()
  conn.model('User', userSchema)
  conn.model('Slot', slotSchema)
  conn.model('Booking', bookingSchema)
  conn.model('Profile', profileSchema)
  await Promise.all(Object.values(conn.models).map((m) => m.init()))
})

afterAll(async () => {
  await conn?.dropDatabase()
  await conn?.close()
  await server?.stop()
})

beforeEach(async () => {
  await Promise.all(Object.values(conn.models).map((m) => m.deleteMany({})))
})

const User = () => conn.model('User')
const Slot = () => conn.model('Slot')
const Booking = () => conn.model('Booking')
const Profile = () => conn.model('Profile')

describe('mongoose models', () => {
  it('initialises models twice without error (create answers NamespaceExists, which mongoose ignores)', async () => {
    await User().init()
    await User().createCollection()
    const indexes = await User().listIndexes()
    expect(indexes.map((i) => i.name)).toEqual(['_id_', 'email_1'])
  })

  it('turns a unique index violation into a duplicate key error', async () => {
    await User().create({ email: 'a@b.az', name: 'A' })
    const err = await User()
      .create({ email: 'a@b.az', name: 'B' })
      .catch((e: unknown) => e)
    expect((err as { code?: number }).code).toBe(11000)
    expect((err as { keyValue?: object }).keyValue).toEqual({ email: 'a@b.az' })
    expect(await User().countDocuments()).toBe(1)
  })

  it('enforces a compound unique index and a sparse unique index', async () => {
    const [u] = await User().create([{ email: 'x@y.az' }])
    const slot = await Slot().create({ capacity: 2 })
    await Booking().create({ slotId: slot._id, holderId: u!._id })
    const err = await Booking()
      .create({ slotId: slot._id, holderId: u!._id })
      .catch((e: unknown) => e)
    expect((err as { code?: number }).code).toBe(11000)
    await Profile().create([{ userId: u!._id }, { userId: u!._id }])
    await Profile().create({ slug: 'ann' })
    expect(
      ((await Profile()
        .create({ slug: 'ann' })
        .catch((e: unknown) => e)) as { code?: number }).code,
    ).toBe(11000)
  })

  it('saves changes to an existing document, arrays included', async () => {
    const [u] = await User().create([{ email: 'c@d.az' }])
    const slot = await Slot().create({ capacity: 1 })
    const b = await Booking().create({ slotId: slot._id, holderId: u!._id })
    b.set('status', 'cancelled')
    b.get('history').push({ status: 'cancelled', at: new Date('2025-01-01') })
    await b.save()
    const fresh = await Booking().findById(b._id).lean<{ status: string; history: Array<{ status: string }>; __v: number }>()
    expect(fresh!.status).toBe('cancelled')
    expect(fresh!.history.map((h) => h.status)).toEqual(['cancelled'])
    expect(fresh!.__v).toBe(1)
  })

  it('keeps timestamps up to date', async () => {
    const u = await User().create({ email: 't@t.az' })
    const created = u.get('createdAt') as Date
    await new Promise((r) => setTimeout(r, 5))
    await User().updateOne({ _id: u._id }, { $set: { name: 'T' } })
    const fresh = await User().findById(u._id).lean<{ createdAt: Date; updatedAt: Date }>()
    expect(fresh!.createdAt).toEqual(created)
    expect(fresh!.updatedAt.getTime()).toBeGreaterThan(created.getTime())
  })

  it('populates references', async () => {
    const u = await User().create({ email: 'p@p.az', name: 'Pop' })
    const slot = await Slot().create({ capacity: 3, label: 'morning' })
    await Booking().create({ slotId: slot._id, holderId: u._id })
    const booking = await Booking().findOne().populate('holderId', 'name').populate('slotId').lean<{ holderId: { name: string; email?: string }; slotId: { label: string } }>()
    expect(booking!.holderId.name).toBe('Pop')
    expect(booking!.holderId.email).toBeUndefined()
    expect(booking!.slotId.label).toBe('morning')
  })

  it('selects, sorts, skips and limits lean queries', async () => {
    await User().create([
      { email: '1@x.az', name: 'c', region: 'baku' },
      { email: '2@x.az', name: 'a', region: 'baku' },
      { email: '3@x.az', name: 'b', region: 'sheki' },
    ])
    const page = await User().find({ region: 'baku' }).select({ name: 1, _id: 0 }).sort({ name: 1 }).limit(1).lean()
    expect(page).toEqual([{ name: 'a' }])
    expect(await User().exists({ email: '3@x.az' })).not.toBeNull()
    expect(await User().exists({ email: 'none@x.az' })).toBeNull()
    expect(await User().countDocuments({ region: 'baku' })).toBe(2)
    expect(await User().estimatedDocumentCount()).toBe(3)
    expect((await User().distinct('region')).sort()).toEqual(['baku', 'sheki'])
  })

  it('aggregates', async () => {
    await User().create([
      { email: '1@x.az', roles: ['family'], region: 'baku' },
      { email: '2@x.az', roles: ['family', 'admin'], region: 'baku' },
      { email: '3@x.az', roles: ['mentor'], region: 'sheki' },
    ])
    const byRole = await User().aggregate([{ $unwind: '$roles' }, { $group: { _id: '$roles', n: { $sum: 1 } } }, { $sort: { n: -1, _id: 1 } }])
    expect(byRole).toEqual([
      { _id: 'family', n: 2 },
      { _id: 'admin', n: 1 },
      { _id: 'mentor', n: 1 },
    ])
  })

  it('upserts with schema defaults and returns the new document', async () => {
    const slot = await Slot().findOneAndUpdate({ label: 'evening' }, { $setOnInsert: { capacity: 5 } }, { upsert: true, returnDocument: 'after' }).lean<{ label: string; capacity: number; booked: number }>()
    expect(slot).toMatchObject({ label: 'evening', capacity: 5, booked: 0 })
  })

  it('syncs indexes: drops what the schema no longer declares, keeps the rest', async () => {
    await User().collection.createIndex({ region: 1 }, { name: 'stale_region' })
    const dropped = await User().syncIndexes()
    expect(dropped).toEqual(['stale_region'])
    expect((await User().listIndexes()).map((i) => i.name)).toEqual(['_id_', 'email_1'])
  })

  it('runs ordered bulk writes and reports what each kind did', async () => {
    const res = await User().bulkWrite([
      { insertOne: { document: { email: 'b1@x.az' } } },
      { updateOne: { filter: { email: 'b1@x.az' }, update: { $set: { name: 'B1' } } } },
      { updateOne: { filter: { email: 'b2@x.az' }, update: { $set: { name: 'B2' } }, upsert: true } },
      { deleteOne: { filter: { email: 'nobody@x.az' } } },
    ])
    expect([res.insertedCount, res.matchedCount, res.modifiedCount, res.upsertedCount, res.deletedCount]).toEqual([1, 1, 1, 1, 0])
    expect((await User().find().sort({ email: 1 }).lean<Array<{ name?: string }>>()).map((u) => u.name)).toEqual(['B1', 'B2'])
  })

  it('streams a query cursor in batches', async () => {
    await User().insertMany(Array.from({ length: 30 }, (_, i) => ({ email: `c${String(i).padStart(2, '0')}@x.az` })))
    const seen: string[] = []
    for await (const u of User().find().sort({ email: 1 }).batchSize(7).cursor()) seen.push(u.get('email'))
    expect(seen).toHaveLength(30)
    expect(seen[29]).toBe('c29@x.az')
  })

  it('updates many and deletes', async () => {
    await User().create([{ email: '1@x.az', region: 'baku' }, { email: '2@x.az', region: 'baku' }])
    const r = await User().updateMany({ region: 'baku' }, { $addToSet: { roles: 'family' } })
    expect(r.modifiedCount).toBe(2)
    expect((await User().deleteMany({ roles: 'family' })).deletedCount).toBe(2)
  })
})

describe('conditional single-document updates under concurrency', () => {
  it('books exactly the capacity when 500 requests race for 25 places', async () => {
    const slot = await Slot().create({ capacity: 25, booked: 0 })
    const attempts = await Promise.all(
      Array.from({ length: 500 }, () =>
        Slot().findOneAndUpdate({ _id: slot._id, booked: { $lt: 25 } }, { $inc: { booked: 1 } }, { returnDocument: 'after' }).lean(),
      ),
    )
    expect(attempts.filter((a) => a !== null)).toHaveLength(25)
    expect((await Slot().findById(slot._id).lean<{ booked: number }>())!.booked).toBe(25)
  })

  it('hands out gap-free numbers from an upserted counter', async () => {
    const counters = conn.collection<{ _id: string; seq: number }>('counters')
    const numbers = await Promise.all(
      Array.from({ length: 100 }, () => counters.findOneAndUpdate({ _id: 'application:abad:2026' }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' })),
    )
    expect(numbers.map((n) => n!.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
  })

  it('lets exactly one of many identical idempotent requests through', async () => {
    const [u] = await User().create([{ email: 'idem@x.az' }])
    const slot = await Slot().create({ capacity: 5 })
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => Booking().create({ slotId: slot._id, holderId: u!._id })))
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1)
    expect(outcomes.filter((o) => o.status === 'rejected').every((o) => (o as PromiseRejectedResult).reason.code === 11000)).toBe(true)
  })
})
