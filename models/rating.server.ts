import mongoose, { Schema, type Model, type Types } from 'mongoose'
import { recordAudit } from './audit.server'

/**
 * Satisfaction ratings after each touchpoint (an application decision, a closed service request, a
 * completed course, an approved brand…): 1–5 and an optional comment, once per person and subject.
 * "Once" is the unique index, so a double submit stores one rating.
 */
export const RATING_TOUCHPOINTS = ['application_decision', 'service_request', 'course_completion', 'branding_approval'] as const
export type RatingTouchpoint = (typeof RATING_TOUCHPOINTS)[number]

const ratingSchema = new Schema(
  {
    touchpoint: { type: String, required: true },
    subject: {
      type: { type: String, required: true },
      id: { type: String, required: true },
    },
    raterId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    familyId: { type: Schema.Types.ObjectId, ref: 'Family', default: null },
    region: { type: String, default: null },
    score: { type: Number, required: true, min: 1, max: 5 },
    comment: { type: String, default: '', maxlength: 1000 },
    at: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false },
)
ratingSchema.index({ touchpoint: 1, 'subject.id': 1, raterId: 1 }, { unique: true })
ratingSchema.index({ touchpoint: 1, at: -1 })
ratingSchema.index({ raterId: 1 })

export type Rating = {
  _id: Types.ObjectId
  touchpoint: string
  subject: { type: string; id: string }
  raterId: Types.ObjectId
  familyId: Types.ObjectId | null
  region: string | null
  score: number
  comment: string
  at: Date
}
export const RatingModel = (mongoose.models.Rating as Model<Rating>) ?? mongoose.model<Rating>('Rating', ratingSchema, 'ratings')

export async function rate(input: {
  touchpoint: string
  subject: { type: string; id: string | Types.ObjectId }
  rater: { _id: Types.ObjectId | string; name?: string }
  familyId?: Types.ObjectId | string | null
  region?: string | null
  score: number
  comment?: string
}): Promise<{ ok: true; rating: Rating } | { ok: false; reason: 'already_rated' | 'invalid_score' }> {
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) return { ok: false, reason: 'invalid_score' }
  try {
    const created = await RatingModel.create({
      touchpoint: input.touchpoint,
      subject: { type: input.subject.type, id: String(input.subject.id) },
      raterId: input.rater._id,
      familyId: input.familyId ?? null,
      region: input.region ?? null,
      score: input.score,
      comment: (input.comment ?? '').trim().slice(0, 1000),
    })
    await recordAudit({
      actor: { _id: input.rater._id, name: input.rater.name },
      action: 'rating.created',
      subject: { type: input.subject.type, id: String(input.subject.id) },
      after: { touchpoint: input.touchpoint, score: input.score },
    })
    return { ok: true, rating: created.toObject() as Rating }
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return { ok: false, reason: 'already_rated' }
    throw error
  }
}

export async function getRating(touchpoint: string, subjectId: string | Types.ObjectId, raterId: Types.ObjectId | string) {
  return RatingModel.findOne({ touchpoint, 'subject.id': String(subjectId), raterId }).lean<Rating>()
}

/** Which of these subjects the person has already rated at a touchpoint. */
export async function ratedSubjectIds(touchpoint: string, subjectIds: (string | Types.ObjectId)[], raterId: Types.ObjectId | string) {
  if (!subjectIds.length) return new Set<string>()
  const rows = await RatingModel.find({ touchpoint, 'subject.id': { $in: subjectIds.map(String) }, raterId }).select('subject.id').lean<Rating[]>()
  return new Set(rows.map((row) => row.subject.id))
}

export async function listRatings({ touchpoint, subjectId, page = 1, perPage = 50 }: { touchpoint?: string; subjectId?: string; page?: number; perPage?: number }) {
  const filter: Record<string, unknown> = {}
  if (touchpoint) filter.touchpoint = touchpoint
  if (subjectId) filter['subject.id'] = subjectId
  const [items, total] = await Promise.all([
    RatingModel.find(filter).sort({ at: -1 }).skip((page - 1) * perPage).limit(perPage).lean<Rating[]>(),
    RatingModel.countDocuments(filter),
  ])
  return { items, total, page, perPage }
}

/** Average score and count per touchpoint (for the monitoring pages). */
export async function summariseRatings(filter: { from?: Date; to?: Date } = {}) {
  const match: Record<string, unknown> = {}
  if (filter.from || filter.to) match.at = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) }
  const rows = await RatingModel.aggregate<{ _id: string; count: number; total: number }>([
    { $match: match },
    { $group: { _id: '$touchpoint', count: { $sum: 1 }, total: { $sum: '$score' } } },
  ])
  return rows.map((row) => ({ touchpoint: row._id, count: row.count, average: row.count ? row.total / row.count : 0 }))
}
