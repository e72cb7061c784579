import mongoose, { Schema, type Model, type Types } from 'mongoose'
import { recordAudit, type Actor } from './audit.server'

export const RESOURCE_KINDS = ['course', 'line', 'mentor', 'desk', 'event'] as const
export type ResourceKind = (typeof RESOURCE_KINDS)[number]
export const HOLDER_KINDS = ['family', 'startup', 'user'] as const
export type HolderKind = (typeof HOLDER_KINDS)[number]

const i18nText = { az: { type: String, default: '' }, en: { type: String, default: '' }, ru: { type: String, default: '' } }

/**
 * Something that offers slots: a course run, a factory production line, a mentor, a desk area, an
 * event. The booking engine reads its rules; a number left at 0 means "no limit".
 */
const resourceSchema = new Schema(
  {
    kind: { type: String, enum: RESOURCE_KINDS, required: true },
    placeId: { type: Schema.Types.ObjectId, ref: 'Place', required: true },
    code: { type: String, default: '' },
    name: i18nText,
    capacity: { type: Number, min: 1, default: 1 },
    /** what the resource stands for elsewhere, e.g. { type: 'Course', id } for a course run */
    ref: { type: { type: String, default: null }, id: { type: Schema.Types.ObjectId, default: null } },
    rules: {
      holderKinds: { type: [{ type: String, enum: HOLDER_KINDS }], default: ['family'] },
      prerequisites: { type: [{ _id: false, certificateOfCourseId: { type: Schema.Types.ObjectId, ref: 'Course', required: true } }], default: [] },
      /** resources sharing a quota group share the holder's quota counters (all factory lines, say) */
      quotaGroup: { type: String, default: '' },
      quotaUpcoming: { type: Number, min: 0, default: 0 },
      quotaPerWeek: { type: Number, min: 0, default: 0 },
      minNoticeHours: { type: Number, min: 0, default: 0 },
      maxAdvanceDays: { type: Number, min: 0, default: 0 },
      cancelCutoffHours: { type: Number, min: 0, default: 0 },
      allowWaitlist: { type: Boolean, default: true },
    },
    staffIds: { type: [{ type: Schema.Types.ObjectId, ref: 'User' }], default: [] },
    status: { type: String, enum: ['active', 'archived'], default: 'active' },
  },
  { timestamps: true },
)
resourceSchema.index({ kind: 1, placeId: 1 })
resourceSchema.index({ 'ref.type': 1, 'ref.id': 1 })

export type ResourceRules = {
  holderKinds: HolderKind[]
  prerequisites: { certificateOfCourseId: Types.ObjectId }[]
  quotaGroup: string
  quotaUpcoming: number
  quotaPerWeek: number
  minNoticeHours: number
  maxAdvanceDays: number
  cancelCutoffHours: number
  allowWaitlist: boolean
}
export type Resource = {
  _id: Types.ObjectId
  kind: ResourceKind
  placeId: Types.ObjectId
  code: string
  name: { az: string; en: string; ru: string }
  capacity: number
  ref: { type: string | null; id: Types.ObjectId | null }
  rules: ResourceRules
  staffIds: Types.ObjectId[]
  status: 'active' | 'archived'
  createdAt?: Date
}
export const ResourceModel = (mongoose.models.Resource as Model<Resource>) ?? mongoose.model<Resource>('Resource', resourceSchema, 'resources')

export type ResourceInput = {
  kind: ResourceKind
  placeId: Types.ObjectId | string
  name: Resource['name']
  code?: string
  capacity?: number
  ref?: { type: string; id: Types.ObjectId | string }
  rules?: Partial<Omit<ResourceRules, 'prerequisites'>> & { prerequisites?: { certificateOfCourseId: Types.ObjectId | string }[] }
  staffIds?: (Types.ObjectId | string)[]
}

export async function createResource(input: ResourceInput, actor: Actor = null) {
  const resource = await ResourceModel.create(input)
  await recordAudit({ actor, action: 'resource.created', subject: { type: 'Resource', id: resource._id }, after: { kind: resource.kind, code: resource.code, capacity: resource.capacity, rules: resource.rules } })
  return resource.toObject() as Resource
}

export async function getResource(id: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(id)) return null
  return ResourceModel.findById(id).lean<Resource>()
}

export async function listResources(filter: { kind?: ResourceKind; placeId?: string; refId?: string } = {}) {
  const query: Record<string, unknown> = { status: 'active' }
  if (filter.kind) query.kind = filter.kind
  if (filter.placeId) query.placeId = filter.placeId
  if (filter.refId) query['ref.id'] = filter.refId
  return ResourceModel.find(query).sort({ createdAt: -1 }).lean<Resource[]>()
}

export async function updateResourceRules(id: string | Types.ObjectId, rules: Partial<ResourceRules>, actor: Actor) {
  const before = await ResourceModel.findById(id).select('rules').lean<Pick<Resource, 'rules'>>()
  if (!before) return null
  const set = Object.fromEntries(Object.entries(rules).map(([key, value]) => [`rules.${key}`, value]))
  const after = await ResourceModel.findByIdAndUpdate(id, { $set: set }, { returnDocument: 'after' }).lean<Resource>()
  await recordAudit({ actor, action: 'resource.rules_changed', subject: { type: 'Resource', id: String(id) }, before: before.rules, after: after?.rules })
  return after
}

/** The key of the holder's quota counters for this resource (its group, or its kind). */
export function quotaGroupOf(resource: Pick<Resource, 'kind' | 'rules'>) {
  return (resource.rules.quotaGroup || resource.kind).replace(/[.$]/g, '_')
}
