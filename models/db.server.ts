import mongoose from 'mongoose'

mongoose.set('strictQuery', true)

declare global {
  // eslint-disable-next-line no-var
  var __dbConnection: Promise<typeof mongoose> | undefined
}

/**
 * One cached connection per process. MONGODB_URI is set by the start scripts (embedded engine)
 * or by the operator (a real MongoDB); models do not know which.
 */
export function connectDb(uri = process.env.MONGODB_URI) {
  if (!uri) throw new Error('MONGODB_URI is not set: start the app with `npm run dev` / `npm start`, or point it at a MongoDB')
  globalThis.__dbConnection ??= mongoose.connect(uri, { serverSelectionTimeoutMS: 5000, maxPoolSize: 20 }).catch((error) => {
    globalThis.__dbConnection = undefined
    throw error
  })
  return globalThis.__dbConnection
}

export async function disconnectDb() {
  const pending = globalThis.__dbConnection
  globalThis.__dbConnection = undefined
  if (pending) await (await pending).disconnect()
}

export async function pingDb() {
  await connectDb()
  const db = mongoose.connection.db
  if (!db) throw new Error('no database')
  await db.command({ ping: 1 })
}

export { mongoose }
