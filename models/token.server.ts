import crypto from 'node:crypto'
import mongoose, { Schema, type InferSchemaType, type Model, type Types } from 'mongoose'

export type TokenKind = 'reset' | 'verify' | 'invite'
const TTL_MINUTES: Record<TokenKind, number> = { reset: 60, verify: 60 * 24 * 3, invite: 60 * 24 * 7 }

/** Only a hash of the token is stored: a leaked database does not hand out reset links. */
const tokenSchema = new Schema(
  {
    kind: { type: String, enum: ['reset', 'verify', 'invite'], required: true },
    hash: { type: String, required: true, select: false },
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
  },
  { timestamps: true },
)
tokenSchema.index({ hash: 1 }, { unique: true })
tokenSchema.index({ userId: 1, kind: 1 })

export type Token = InferSchemaType<typeof tokenSchema>
export const TokenModel = (mongoose.models.Token as Model<Token>) ?? mongoose.model('Token', tokenSchema, 'tokens')

function digest(raw: string) {
  return crypto.createHash('sha256').update(raw).digest('hex')
}

export async function createToken(kind: TokenKind, userId: Types.ObjectId | string) {
  const raw = crypto.randomBytes(32).toString('base64url')
  await TokenModel.create({ kind, hash: digest(raw), userId, expiresAt: new Date(Date.now() + TTL_MINUTES[kind] * 60_000) })
  return raw
}

/** Looks a token up without using it (to show the form). */
export async function peekToken(kind: TokenKind, raw: string) {
  return TokenModel.findOne({ kind, hash: digest(raw), usedAt: null, expiresAt: { $gt: new Date() } }).lean()
}

/** Uses a token once: a single conditional update, so two tabs cannot both use it. */
export async function consumeToken(kind: TokenKind, raw: string) {
  return TokenModel.findOneAndUpdate(
    { kind, hash: digest(raw), usedAt: null, expiresAt: { $gt: new Date() } },
    { $set: { usedAt: new Date() } },
    { returnDocument: 'after' },
  ).lean()
}
