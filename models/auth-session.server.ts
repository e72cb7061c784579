import crypto from 'node:crypto'
import mongoose, { Schema, type InferSchemaType, type Model, type Types } from 'mongoose'

export const SESSION_DAYS = 30

/** Sessions live in the database (not in memory), so several app servers share them and they can be revoked. */
const authSessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    expiresAt: { type: Date, required: true },
    ip: { type: String, default: '' },
    userAgent: { type: String, default: '' },
    lastSeenAt: { type: Date, default: () => new Date() },
  },
  { timestamps: true, versionKey: false },
)
authSessionSchema.index({ userId: 1 })

export type AuthSession = InferSchemaType<typeof authSessionSchema>
export const AuthSessionModel =
  (mongoose.models.AuthSession as Model<AuthSession>) ?? mongoose.model('AuthSession', authSessionSchema, 'sessions')

export async function createAuthSession(userId: Types.ObjectId | string, meta: { ip?: string; userAgent?: string }) {
  const id = crypto.randomBytes(32).toString('base64url')
  const expiresAt = new Date(Date.now() + SESSION_DAYS * 24 * 3600 * 1000)
  await AuthSessionModel.create({ _id: id, userId, expiresAt, ip: meta.ip ?? '', userAgent: (meta.userAgent ?? '').slice(0, 300) })
  return { id, expiresAt }
}

export async function getAuthSession(id: string) {
  const session = await AuthSessionModel.findOne({ _id: id, expiresAt: { $gt: new Date() } }).lean()
  return session
}

export async function touchAuthSession(id: string) {
  await AuthSessionModel.updateOne({ _id: id }, { $set: { lastSeenAt: new Date() } })
}

export async function deleteAuthSession(id: string) {
  await AuthSessionModel.deleteOne({ _id: id })
}

export async function deleteUserSessions(userId: Types.ObjectId | string, exceptId?: string) {
  const filter: Record<string, unknown> = { userId }
  if (exceptId) filter._id = { $ne: exceptId }
  const result = await AuthSessionModel.deleteMany(filter)
  return result.deletedCount
}

export async function deleteUserSession(userId: Types.ObjectId | string, id: string) {
  const result = await AuthSessionModel.deleteOne({ _id: id, userId })
  return result.deletedCount === 1
}

export async function listUserSessions(userId: Types.ObjectId | string) {
  return AuthSessionModel.find({ userId, expiresAt: { $gt: new Date() } })
    .select('_id ip userAgent createdAt lastSeenAt expiresAt')
    .sort({ lastSeenAt: -1 })
    .lean()
}
