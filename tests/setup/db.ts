import { afterEach, beforeAll } from 'vitest'
import mongoose from 'mongoose'
import { startEmbeddedMongo } from '#scripts/embedded-mongo/index'
import { connectDb } from '#models/db.server'

/**
 * One in-memory engine per test worker, one database per worker; every test starts from empty
 * collections (documents deleted, indexes kept, so unique rules stay enforced).
 */
declare global {
  // eslint-disable-next-line no-var
  var __testEngine: Promise<{ uri: string; stop(): Promise<void> }> | undefined
}

beforeAll(async () => {
  if (!process.env.TEST_MONGODB_URI) globalThis.__testEngine ??= startEmbeddedMongo({ port: 0 })
  const base = process.env.TEST_MONGODB_URI ?? (await globalThis.__testEngine!).uri
  const url = new URL(base)
  url.pathname = `/test_${process.env.VITEST_POOL_ID ?? '0'}`
  process.env.MONGODB_URI = url.toString()
  await connectDb(process.env.MONGODB_URI)
  await Promise.all(Object.values(mongoose.models).map((model) => model.init()))
})

afterEach(async () => {
  const db = mongoose.connection.db
  if (!db) return
  const collections = await db.listCollections({}, { nameOnly: true }).toArray()
  await Promise.all(collections.map((c) => db.collection(c.name).deleteMany({})))
})
