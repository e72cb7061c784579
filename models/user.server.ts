import { hash, verify } from '@node-rs/argon2'
import mongoose, { Schema, type InferSchemaType, type Model, type Types } from 'mongoose'
import { recordAudit, type Actor } from './audit.server'

// the constants live in a module without `.server` so pages can use them in the browser too
export { PASSWORD_MIN_LENGTH, passwordProblem, REGIONS, ROLES, SELF_SIGNUP_ROLES, STAFF_ROLES, type Role } from './user-rules'
import { ROLES, type Role } from './user-rules'

const userSchema = new Schema(
  {
    email: { type: String, required: true, lowercase: true, trim: true },
    passwordHash: { type: String, select: false },
    name: { type: String, required: true, trim: true },
    phone: { type: String, default: '' },
    locale: { type: String, enum: ['az', 'en', 'ru'], default: 'az' },
    roles: { type: [{ type: String, enum: ROLES }], default: [] },
    /** a lead may assign work to other staff of the same role */
    lead: { type: Boolean, default: false },
    familyId: { type: Schema.Types.ObjectId, ref: 'Family', default: null },
    startupId: { type: Schema.Types.ObjectId, default: null },
    retailerId: { type: Schema.Types.ObjectId, default: null },
    region: { type: String, default: null },
    status: { type: String, enum: ['active', 'invited', 'disabled'], default: 'active' },
    emailVerifiedAt: { type: Date, default: null },
  },
  { timestamps: true },
)
userSchema.index({ email: 1 }, { unique: true })
userSchema.index({ roles: 1 })

export type User = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId }
export const UserModel = (mongoose.models.User as Model<User>) ?? mongoose.model('User', userSchema, 'users')

/** What a request carries about the signed-in user: enough for abilities and the layout. */
export const PUBLIC_USER_FIELDS = '_id email name phone locale roles lead familyId startupId retailerId region status emailVerifiedAt createdAt'
export type SessionUser = Pick<User, '_id' | 'email' | 'name' | 'phone' | 'locale' | 'roles' | 'lead' | 'familyId' | 'startupId' | 'retailerId' | 'region' | 'status' | 'emailVerifiedAt' | 'createdAt'>

export function hashPassword(password: string) {
  return hash(password)
}

export function normaliseEmail(email: string) {
  return email.trim().toLowerCase()
}

export class DuplicateEmailError extends Error {
  constructor() {
    super('email already registered')
  }
}

export async function createUser(
  input: {
    email: string
    password?: string
    name: string
    phone?: string
    locale?: 'az' | 'en' | 'ru'
    roles: Role[]
    region?: string | null
    status?: 'active' | 'invited' | 'disabled'
    lead?: boolean
    familyId?: Types.ObjectId | null
  },
  actor: Actor = null,
) {
  const passwordHash = input.password ? await hashPassword(input.password) : undefined
  try {
    const { password: _plain, ...profile } = input
    const user = await UserModel.create({ ...profile, email: normaliseEmail(input.email), passwordHash })
    await recordAudit({
      actor: actor ?? { _id: user._id, name: user.name },
      action: 'user.created',
      subject: { type: 'User', id: user._id },
      after: { email: user.email, roles: user.roles, status: user.status },
    })
    return user
  } catch (error) {
    if ((error as { code?: number }).code === 11000) throw new DuplicateEmailError()
    throw error
  }
}

export async function getUserById(id: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(id)) return null
  return UserModel.findById(id).select(PUBLIC_USER_FIELDS).lean<SessionUser>()
}

export async function getUserByEmail(email: string) {
  return UserModel.findOne({ email: normaliseEmail(email) }).select(PUBLIC_USER_FIELDS).lean<SessionUser>()
}

/** Checks a password; the same work is done for an unknown email so timing does not reveal accounts. */
export async function verifyLogin(email: string, password: string) {
  const user = await UserModel.findOne({ email: normaliseEmail(email) }).select(`${PUBLIC_USER_FIELDS} +passwordHash`).lean()
  if (!user?.passwordHash) {
    await verify(DUMMY_HASH, password).catch(() => false)
    return null
  }
  const ok = await verify(user.passwordHash, password).catch(() => false)
  if (!ok) return null
  const { passwordHash: _omit, ...rest } = user
  return rest as SessionUser
}
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$6IN0QSaCForQ+v2mH/dlyw$wa0nzthAq9IaoBYuOq6dCSxrY8JSbMCacfnlsR+bzZU'

/** Sets a new password; an invited account becomes active, a disabled one stays disabled. */
export async function setPassword(userId: Types.ObjectId | string, password: string, actor: Actor) {
  const passwordHash = await hashPassword(password)
  const changed = await UserModel.updateOne({ _id: userId }, { $set: { passwordHash } })
  if (changed.matchedCount === 0) return null
  // conditional, so a disabled account is never re-enabled by a password change
  const activated = await UserModel.updateOne({ _id: userId, status: 'invited' }, { $set: { status: 'active' } })
  await recordAudit({
    actor,
    action: 'user.password_changed',
    subject: { type: 'User', id: String(userId) },
    ...(activated.modifiedCount ? { before: { status: 'invited' }, after: { status: 'active' } } : {}),
  })
  return activated.modifiedCount ? 'activated' : 'changed'
}

export async function updateProfile(
  userId: Types.ObjectId | string,
  changes: { name?: string; phone?: string; locale?: 'az' | 'en' | 'ru' },
  actor: Actor,
) {
  const before = await UserModel.findById(userId).select('name phone locale').lean()
  if (!before) return null
  const after = await UserModel.findByIdAndUpdate(userId, { $set: changes }, { returnDocument: 'after' }).select(PUBLIC_USER_FIELDS).lean<SessionUser>()
  await recordAudit({
    actor,
    action: 'user.profile_updated',
    subject: { type: 'User', id: String(userId) },
    before: { name: before.name, phone: before.phone, locale: before.locale },
    after: changes,
  })
  return after
}

export async function setUserRoles(userId: string, roles: Role[], lead: boolean, actor: Actor, reason = '') {
  const before = await UserModel.findById(userId).select('roles lead').lean()
  if (!before) return null
  const after = await UserModel.findByIdAndUpdate(userId, { $set: { roles, lead } }, { returnDocument: 'after' }).select(PUBLIC_USER_FIELDS).lean<SessionUser>()
  await recordAudit({
    actor,
    action: 'user.roles_changed',
    subject: { type: 'User', id: userId },
    before: { roles: before.roles, lead: before.lead },
    after: { roles, lead },
    reason,
  })
  return after
}

export async function setUserStatus(userId: string, status: 'active' | 'disabled', actor: Actor, reason = '') {
  const before = await UserModel.findById(userId).select('status').lean()
  if (!before) return null
  await UserModel.updateOne({ _id: userId }, { $set: { status } })
  await recordAudit({ actor, action: `user.${status === 'active' ? 'enabled' : 'disabled'}`, subject: { type: 'User', id: userId }, before: { status: before.status }, after: { status }, reason })
  return status
}

export async function markEmailVerified(userId: Types.ObjectId | string, actor: Actor = null) {
  const result = await UserModel.updateOne({ _id: userId, emailVerifiedAt: null }, { $set: { emailVerifiedAt: new Date() } })
  if (result.modifiedCount) await recordAudit({ actor: actor ?? { _id: userId }, action: 'user.email_verified', subject: { type: 'User', id: String(userId) } })
  return result.modifiedCount === 1
}

function escapeRegex(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

export async function listUsers({ q, role, status, page = 1, perPage = 20, sort = 'createdAt', dir = -1, scope }: {
  /** the caller's permission filter (`accessibleBy(ability, 'read').ofType('User')`) */
  scope?: Record<string, unknown>
  q?: string
  role?: Role
  status?: string
  page?: number
  perPage?: number
  sort?: 'createdAt' | 'name' | 'email'
  dir?: 1 | -1
}) {
  const and: Record<string, unknown>[] = scope ? [scope] : []
  if (q) and.push({ $or: [{ email: { $regex: escapeRegex(q), $options: 'i' } }, { name: { $regex: escapeRegex(q), $options: 'i' } }] })
  if (role) and.push({ roles: role })
  if (status) and.push({ status })
  const filter = and.length ? { $and: and } : {}
  const [items, total] = await Promise.all([
    UserModel.find(filter).select(PUBLIC_USER_FIELDS).sort({ [sort]: dir, _id: 1 }).skip((page - 1) * perPage).limit(perPage).lean<SessionUser[]>(),
    UserModel.countDocuments(filter),
  ])
  return { items, total, page, perPage }
}
