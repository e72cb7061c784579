import mongoose, { Schema, type Model, type Types } from 'mongoose'
import { addDaysToKey, daysBetween, isoWeekday, parseClock, parseDayKey, zonedToUtc, type DayKey } from '#app/utils/zoned-time'
import { recordAudit, type Actor } from './audit.server'
import { checkOpen, getPlace } from './place.server'
import { getResource, ResourceModel, type Resource } from './resource.server'

export const SLOT_STATUSES = ['open', 'cancelled', 'completed'] as const
export type SlotStatus = (typeof SLOT_STATUSES)[number]

/**
 * One bookable period of a resource. `confirmed` and `waiting` are counters moved only by single
 * conditional updates in the booking engine, so `confirmed <= capacity` holds under any race.
 */
const slotSchema = new Schema(
  {
    resourceId: { type: Schema.Types.ObjectId, ref: 'Resource', required: true },
    placeId: { type: Schema.Types.ObjectId, ref: 'Place', required: true },
    kind: { type: String, required: true },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    capacity: { type: Number, required: true, min: 0 },
    confirmed: { type: Number, default: 0 },
    waiting: { type: Number, default: 0 },
    waitlistSeq: { type: Number, default: 0 },
    staffId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    status: { type: String, enum: SLOT_STATUSES, default: 'open' },
    label: { type: String, default: '' },
    templateId: { type: Schema.Types.ObjectId, default: null },
    cancelReason: { type: String, default: '' },
    completedAt: { type: Date, default: null },
  },
  { timestamps: true },
)
// one slot per resource and start: regenerating a template never duplicates
slotSchema.index({ resourceId: 1, startsAt: 1 }, { unique: true })
slotSchema.index({ startsAt: 1, placeId: 1 })
slotSchema.index({ staffId: 1, startsAt: 1 })

export type Slot = {
  _id: Types.ObjectId
  resourceId: Types.ObjectId
  placeId: Types.ObjectId
  kind: string
  startsAt: Date
  endsAt: Date
  capacity: number
  confirmed: number
  waiting: number
  waitlistSeq: number
  staffId: Types.ObjectId | null
  status: SlotStatus
  label: string
  templateId: Types.ObjectId | null
  cancelReason: string
  completedAt: Date | null
}
export const SlotModel = (mongoose.models.Slot as Model<Slot>) ?? mongoose.model<Slot>('Slot', slotSchema, 'slots')

/**
 * A recurring pattern: these weekdays, these wall-clock periods (in the place's zone), over a date
 * range. Kept so staff can see where slots came from and generate further weeks.
 */
const slotTemplateSchema = new Schema(
  {
    resourceId: { type: Schema.Types.ObjectId, ref: 'Resource', required: true },
    weekdays: { type: [Number], required: true },
    times: { type: [{ _id: false, starts: { type: String, required: true }, ends: { type: String, required: true } }], required: true },
    from: { type: String, required: true },
    to: { type: String, required: true },
    capacity: { type: Number, default: null },
    staffId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { timestamps: true },
)
slotTemplateSchema.index({ resourceId: 1 })

export type SlotTemplate = {
  _id: Types.ObjectId
  resourceId: Types.ObjectId
  weekdays: number[]
  times: { starts: string; ends: string }[]
  from: DayKey
  to: DayKey
  capacity: number | null
  staffId: Types.ObjectId | null
  createdBy: Types.ObjectId | null
}
export const SlotTemplateModel =
  (mongoose.models.SlotTemplate as Model<SlotTemplate>) ?? mongoose.model<SlotTemplate>('SlotTemplate', slotTemplateSchema, 'slotTemplates')

export type SlotResult = { ok: true; slot: Slot } | { ok: false; reason: string; details?: Record<string, unknown> }

export async function getSlot(id: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(id)) return null
  return SlotModel.findById(id).lean<Slot>()
}

/** A single slot (a one-off session, an extra shift); refused on a closed day or outside opening hours. */
export async function createSlot(
  input: { resourceId: string | Types.ObjectId; startsAt: Date; endsAt: Date; capacity?: number; staffId?: string | Types.ObjectId | null; label?: string },
  actor: Actor,
): Promise<SlotResult> {
  const resource = await getResource(input.resourceId)
  if (!resource) return { ok: false, reason: 'not_found' }
  const place = await getPlace(resource.placeId)
  if (!place) return { ok: false, reason: 'not_found' }
  if (!(input.endsAt.getTime() > input.startsAt.getTime())) return { ok: false, reason: 'invalid_period' }
  const open = checkOpen(place, input.startsAt, input.endsAt)
  if (!open.ok) return { ok: false, reason: open.reason, details: open.details }
  try {
    const slot = await SlotModel.create({
      resourceId: resource._id,
      placeId: resource.placeId,
      kind: resource.kind,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      capacity: input.capacity ?? resource.capacity,
      staffId: input.staffId ?? resource.staffIds[0] ?? null,
      label: input.label ?? '',
    })
    await recordAudit({ actor, action: 'slot.created', subject: { type: 'Slot', id: slot._id }, after: { startsAt: slot.startsAt, endsAt: slot.endsAt, capacity: slot.capacity } })
    return { ok: true, slot: slot.toObject() as Slot }
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return { ok: false, reason: 'slot_exists' }
    throw error
  }
}

export type TemplateSpec = {
  resourceId: string | Types.ObjectId
  weekdays: number[]
  times: { starts: string; ends: string }[]
  from: DayKey
  to: DayKey
  capacity?: number | null
  staffId?: string | Types.ObjectId | null
}

export const MAX_TEMPLATE_DAYS = 366

export async function createSlotTemplate(spec: TemplateSpec, actor: Actor) {
  const template = await SlotTemplateModel.create({ ...spec, createdBy: actor?._id ?? null })
  await recordAudit({ actor, action: 'slot_template.created', subject: { type: 'SlotTemplate', id: template._id }, after: spec })
  return template.toObject() as SlotTemplate
}

export async function listSlotTemplates(resourceId: string | Types.ObjectId) {
  return SlotTemplateModel.find({ resourceId }).sort({ createdAt: -1 }).lean<SlotTemplate[]>()
}

export type GenerateResult =
  | { ok: true; created: number; existing: number; skipped: { date: DayKey; starts: string; reason: string; note?: string }[] }
  | { ok: false; reason: string }

/**
 * Creates the slots a template describes. Each wall-clock time is turned into UTC for its own day
 * (so a DST change moves the UTC instant, not the wall time); closed days and periods outside the
 * opening hours are skipped and reported; slots that already exist are left alone.
 */
export async function generateSlots(templateOrId: TemplateSpec | string | Types.ObjectId, actor: Actor): Promise<GenerateResult> {
  let spec: TemplateSpec & { templateId?: Types.ObjectId }
  if (typeof templateOrId === 'string' || templateOrId instanceof mongoose.Types.ObjectId) {
    const stored = await SlotTemplateModel.findById(templateOrId).lean<SlotTemplate>()
    if (!stored) return { ok: false, reason: 'not_found' }
    spec = { ...stored, templateId: stored._id }
  } else spec = templateOrId
  try {
    parseDayKey(spec.from)
    parseDayKey(spec.to)
    for (const time of spec.times) {
      parseClock(time.starts)
      parseClock(time.ends)
    }
  } catch {
    return { ok: false, reason: 'invalid_period' }
  }
  const span = daysBetween(spec.from, spec.to)
  if (span < 0 || span > MAX_TEMPLATE_DAYS || !spec.weekdays.length || !spec.times.length) return { ok: false, reason: 'invalid_period' }
  const resource = await getResource(spec.resourceId)
  if (!resource) return { ok: false, reason: 'not_found' }
  const place = await getPlace(resource.placeId)
  if (!place) return { ok: false, reason: 'not_found' }
  const zone = place.timezone || 'Asia/Baku'

  const docs: Record<string, unknown>[] = []
  const skipped: { date: DayKey; starts: string; reason: string; note?: string }[] = []
  for (let i = 0; i <= span; i++) {
    const day = addDaysToKey(spec.from, i)
    if (!spec.weekdays.includes(isoWeekday(day))) continue
    for (const time of spec.times) {
      const startsAt = zonedToUtc(day, time.starts, zone)
      // an end at or before the start means the period runs past midnight
      const endsAt = zonedToUtc(time.ends > time.starts ? day : addDaysToKey(day, 1), time.ends, zone)
      const open = checkOpen(place, startsAt, endsAt)
      if (!open.ok) {
        skipped.push({ date: day, starts: time.starts, reason: open.reason, note: open.reason === 'closed_day' ? open.details.note : undefined })
        continue
      }
      docs.push({
        resourceId: resource._id,
        placeId: resource.placeId,
        kind: resource.kind,
        startsAt,
        endsAt,
        capacity: spec.capacity ?? resource.capacity,
        staffId: spec.staffId ?? resource.staffIds[0] ?? null,
        templateId: spec.templateId ?? null,
      })
    }
  }
  let created = docs.length
  if (docs.length) {
    try {
      await SlotModel.insertMany(docs, { ordered: false })
    } catch (error) {
      const result = error as { code?: number; insertedDocs?: unknown[]; writeErrors?: { code?: number }[]; result?: { insertedCount?: number } }
      const writeErrors = result.writeErrors ?? []
      if (!writeErrors.length || writeErrors.some((e) => (e.code ?? (e as { err?: { code?: number } }).err?.code) !== 11000)) {
        if (result.code !== 11000) throw error
      }
      created = result.insertedDocs?.length ?? docs.length - writeErrors.length
    }
  }
  await recordAudit({
    actor,
    action: 'slots.generated',
    subject: { type: 'Resource', id: resource._id },
    after: { from: spec.from, to: spec.to, weekdays: spec.weekdays, times: spec.times, created, skipped: skipped.length },
  })
  return { ok: true, created, existing: docs.length - created, skipped }
}

export type SlotWithResource = Slot & { resource: Pick<Resource, '_id' | 'kind' | 'name' | 'code' | 'ref'> | null }

/** Slots in a period (for calendars and timetables), each with its resource's name. */
export async function listSlots(filter: {
  from: Date
  to: Date
  placeId?: string
  resourceIds?: (string | Types.ObjectId)[]
  staffId?: string | Types.ObjectId
  kind?: string
  statuses?: SlotStatus[]
}): Promise<SlotWithResource[]> {
  const query: Record<string, unknown> = { startsAt: { $gte: filter.from, $lt: filter.to } }
  if (filter.placeId) query.placeId = filter.placeId
  if (filter.resourceIds) query.resourceId = { $in: filter.resourceIds }
  if (filter.staffId) query.staffId = filter.staffId
  if (filter.kind) query.kind = filter.kind
  if (filter.statuses) query.status = { $in: filter.statuses }
  const slots = await SlotModel.find(query).sort({ startsAt: 1 }).limit(2000).lean<Slot[]>()
  return attachResources(slots)
}

export async function attachResources(slots: Slot[]): Promise<SlotWithResource[]> {
  const ids = [...new Set(slots.map((slot) => String(slot.resourceId)))]
  const resources = await ResourceModel.find({ _id: { $in: ids } }).select('kind name code ref').lean<Resource[]>()
  const byId = new Map(resources.map((r) => [String(r._id), r]))
  return slots.map((slot) => ({ ...slot, resource: byId.get(String(slot.resourceId)) ?? null }))
}

export async function listResourceSlots(resourceId: string | Types.ObjectId, { includeCancelled = false } = {}) {
  const query: Record<string, unknown> = { resourceId }
  if (!includeCancelled) query.status = { $ne: 'cancelled' }
  return SlotModel.find(query).sort({ startsAt: 1 }).lean<Slot[]>()
}

export async function slotBelongsTo(slotId: string, resourceId: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(slotId)) return false
  return Boolean(await SlotModel.exists({ _id: slotId, resourceId }))
}
