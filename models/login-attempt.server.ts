import mongoose, { Schema, type Model } from 'mongoose'

/**
 * Failed logins counted per account and per IP in a fixed window, in the database so the limit
 * holds across several app servers. One document per key and window; $inc is atomic.
 */
const loginAttemptSchema = new Schema(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true },
    windowEndsAt: { type: Date, required: true },
  },
  { versionKey: false },
)

export const LoginAttemptModel =
  (mongoose.models.LoginAttempt as Model<{ _id: string; count: number; windowEndsAt: Date }>) ??
  mongoose.model('LoginAttempt', loginAttemptSchema, 'loginAttempts')

function windowKey(key: string, windowMinutes: number, now = Date.now()) {
  const windowMs = windowMinutes * 60_000
  const start = Math.floor(now / windowMs) * windowMs
  return { id: `${key}:${start}`, windowEndsAt: new Date(start + windowMs) }
}

export async function countFailures(keys: string[], windowMinutes: number) {
  const ids = keys.map((key) => windowKey(key, windowMinutes).id)
  const docs = await LoginAttemptModel.find({ _id: { $in: ids } }).lean()
  return Math.max(0, ...docs.map((doc) => doc.count))
}

export async function recordFailure(keys: string[], windowMinutes: number) {
  await Promise.all(
    keys.map((key) => {
      const { id, windowEndsAt } = windowKey(key, windowMinutes)
      return LoginAttemptModel.updateOne({ _id: id }, { $inc: { count: 1 }, $setOnInsert: { windowEndsAt } }, { upsert: true })
    }),
  )
}

export async function clearFailures(keys: string[], windowMinutes: number) {
  await LoginAttemptModel.deleteMany({ _id: { $in: keys.map((key) => windowKey(key, windowMinutes).id) } })
}

export function minutesUntilWindowEnds(windowMinutes: number, now = Date.now()) {
  return Math.max(1, Math.ceil((windowKey('x', windowMinutes, now).windowEndsAt.getTime() - now) / 60_000))
}
