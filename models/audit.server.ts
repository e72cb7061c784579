import mongoose, { Schema, type InferSchemaType, type Model, type Types } from 'mongoose'

/** Every state change anywhere: who, what, when, before/after and why. */
const auditEventSchema = new Schema(
  {
    actorId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    actorName: { type: String, default: '' },
    action: { type: String, required: true },
    subject: {
      type: { type: String, required: true },
      id: { type: String, required: true },
    },
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed, default: null },
    reason: { type: String, default: '' },
    at: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false },
)
auditEventSchema.index({ 'subject.type': 1, 'subject.id': 1, at: -1 })
auditEventSchema.index({ at: -1 })
auditEventSchema.index({ actorId: 1, at: -1 })

export type AuditEvent = InferSchemaType<typeof auditEventSchema>
export const AuditEventModel =
  (mongoose.models.AuditEvent as Model<AuditEvent>) ?? mongoose.model('AuditEvent', auditEventSchema, 'auditEvents')

export type Actor = { _id: Types.ObjectId | string; name?: string } | null

export async function recordAudit(input: {
  actor: Actor
  action: string
  subject: { type: string; id: string | Types.ObjectId }
  before?: unknown
  after?: unknown
  reason?: string
}) {
  await AuditEventModel.create({
    actorId: input.actor?._id ?? null,
    actorName: input.actor?.name ?? '',
    action: input.action,
    subject: { type: input.subject.type, id: String(input.subject.id) },
    before: input.before ?? null,
    after: input.after ?? null,
    reason: input.reason ?? '',
  })
}

export async function listAuditEvents({
  scope,
  subjectType,
  subjectId,
  action,
  page = 1,
  perPage = 25,
}: {
  /** the caller's permission filter (`accessibleBy(ability, 'read').ofType('AuditEvent')`) */
  scope?: Record<string, unknown>
  subjectType?: string
  subjectId?: string
  action?: string
  page?: number
  perPage?: number
}) {
  const and: Record<string, unknown>[] = scope ? [scope] : []
  if (subjectType) and.push({ 'subject.type': subjectType })
  if (subjectId) and.push({ 'subject.id': subjectId })
  if (action) and.push({ action })
  const filter = and.length ? { $and: and } : {}
  const [items, total] = await Promise.all([
    AuditEventModel.find(filter)
      .sort({ at: -1, _id: -1 })
      .skip((page - 1) * perPage)
      .limit(perPage)
      .lean(),
    AuditEventModel.countDocuments(filter),
  ])
  return { items, total, page, perPage }
}

export async function listSubjectHistory(subjectType: string, subjectId: string) {
  return AuditEventModel.find({ 'subject.type': subjectType, 'subject.id': String(subjectId) }).sort({ at: 1 }).lean()
}
