import mongoose, { Schema, type Model } from 'mongoose'

/**
 * Failed logins (and reset mails) counted per account and per IP, in the database so the limit
 * holds across several app servers. One document per key and fixed window; $inc is atomic.
 *
 * The limit is a sliding window: the count is this window's plus the previous window's weighted
 * by how much of it still lies within one window of now. A burst across a window boundary is
 * therefore counted whole instead of starting from zero.
 */
const loginAttemptSchema = new Schema(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true },
    windowEndsAt: { type: Date, required: true },
  },
  { versionKey: false },
)
// counters go a day after their window: long after they can weigh on a count
loginAttemptSchema.index({ windowEndsAt: 1 }, { expireAfterSeconds: 86_400 })

export const LoginAttemptModel =
  (mongoose.models.LoginAttempt as Model<{ _id: string; count: number; windowEndsAt: Date }>) ??
  mongoose.model('LoginAttempt', loginAttemptSchema, 'loginAttempts')

function windowOf(windowMinutes: number, now: number) {
  const windowMs = windowMinutes * 60_000
  const start = Math.floor(now / windowMs) * windowMs
  return { windowMs, start }
}

const idOf = (key: string, start: number) => `${key}:${start}`

/** Sliding count from the two fixed windows' counters. */
function weighted(current: number, previous: number, windowMs: number, start: number, at: number) {
  return current + previous * (1 - (at - start) / windowMs)
}

type Counters = { current: number; previous: number }

async function countersOf(keys: string[], windowMinutes: number, now: number): Promise<Counters[]> {
  const { windowMs, start } = windowOf(windowMinutes, now)
  const ids = keys.flatMap((key) => [idOf(key, start), idOf(key, start - windowMs)])
  const docs = await LoginAttemptModel.find({ _id: { $in: ids } }).lean()
  const count = new Map(docs.map((doc) => [doc._id, doc.count]))
  return keys.map((key) => ({ current: count.get(idOf(key, start)) ?? 0, previous: count.get(idOf(key, start - windowMs)) ?? 0 }))
}

/** The highest sliding count among the keys. */
export async function countFailures(keys: string[], windowMinutes: number, now = Date.now()) {
  const { windowMs, start } = windowOf(windowMinutes, now)
  const counters = await countersOf(keys, windowMinutes, now)
  return Math.max(0, ...counters.map((c) => weighted(c.current, c.previous, windowMs, start, now)))
}

export async function recordFailure(keys: string[], windowMinutes: number, now = Date.now()) {
  const { windowMs, start } = windowOf(windowMinutes, now)
  await Promise.all(
    keys.map((key) => LoginAttemptModel.updateOne({ _id: idOf(key, start) }, { $inc: { count: 1 }, $setOnInsert: { windowEndsAt: new Date(start + windowMs) } }, { upsert: true })),
  )
}

export async function clearFailures(keys: string[], windowMinutes: number, now = Date.now()) {
  const { windowMs, start } = windowOf(windowMinutes, now)
  await LoginAttemptModel.deleteMany({ _id: { $in: keys.flatMap((key) => [idOf(key, start), idOf(key, start - windowMs)]) } })
}

/** Whole minutes until the sliding count of every key is below its limit again (at least 1). */
export async function minutesUntilBelow(limits: { key: string; limit: number }[], windowMinutes: number, now = Date.now()) {
  const counters = await countersOf(
    limits.map((entry) => entry.key),
    windowMinutes,
    now,
  )
  const { windowMs, start } = windowOf(windowMinutes, now)
  for (let minutes = 1; minutes <= 2 * windowMinutes; minutes++) {
    const at = now + minutes * 60_000
    const free = counters.every((c, i) => {
      // later in this window, in the next one (this window's counter becomes the previous), or after both
      const count = at < start + windowMs ? weighted(c.current, c.previous, windowMs, start, at) : at < start + 2 * windowMs ? weighted(0, c.current, windowMs, start + windowMs, at) : 0
      return count < limits[i]!.limit
    })
    if (free) return minutes
  }
  return 2 * windowMinutes
}
