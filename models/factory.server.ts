import mongoose, { Schema, type Model, type Types } from 'mongoose'
import { getEnv } from '#app/utils/env.server'
import { sendMail } from '#app/utils/mail.server'
import { formatDate, formatDateTime, pickText, type Locale } from '#app/utils/i18n'
import { recordAudit, type Actor } from './audit.server'
import {
  BookingModel,
  bookSlot,
  cancelBooking,
  cancelSlot,
  checkIn,
  completeSlot,
  markNoShow,
  type Booking,
  type BookingResult,
  type Refusal,
} from './booking.server'
import { checkPrerequisites, type PrerequisiteRefusal } from './certificate.server'
import { addLocalDays, localDay, localTime, startOfLocalDay } from './factory-days'
import { MAX_PLANNED_QTY } from './factory-rules'
import { FamilyModel } from './family.server'
import { holderContacts } from './holder.server'
import { addClosedDay, createPlace, getPlace, getPlaceByCode, PlaceModel, type Place } from './place.server'
import { findProductBySku, listFamilyProductVariants } from './product-lookup.server'
import { createResource, getResource, ResourceModel, updateResourceRules, type Resource } from './resource.server'
import { createSlotTemplate, generateSlots, SlotModel, type Slot } from './slot.server'
import { UserModel } from './user.server'

/**
 * Factories and regional centres are places of the booking engine; production lines are its
 * resources of kind 'line'. What the engine does not know about a line (its equipment, the product
 * categories it can make, maintenance periods) lives in `factoryLines`, one document per line.
 * Booking, check-in and no-shows go through the engine; this module adds what is particular to
 * the factory floor: the planned product, the no-show suspension and the day-before reminder.
 */

const i18nText = { az: { type: String, default: '' }, en: { type: String, default: '' }, ru: { type: String, default: '' } }
type Text = { az: string; en: string; ru: string }

const factoryLineSchema = new Schema(
  {
    resourceId: { type: Schema.Types.ObjectId, ref: 'Resource', required: true },
    placeId: { type: Schema.Types.ObjectId, ref: 'Place', required: true },
    equipment: { type: [{ _id: false, ...i18nText }], default: [] },
    /** product categories the line can make (`jam`, `cheese` …); empty = any */
    productCategories: { type: [String], default: [] },
    maintenance: {
      type: [{ _id: false, from: Date, to: Date, reason: String, by: { type: Schema.Types.ObjectId, default: null }, at: Date, cancelled: Number }],
      default: [],
    },
  },
  { timestamps: true },
)
factoryLineSchema.index({ resourceId: 1 }, { unique: true })
factoryLineSchema.index({ placeId: 1 })

type FactoryLineDoc = {
  _id: Types.ObjectId
  resourceId: Types.ObjectId
  placeId: Types.ObjectId
  equipment: Text[]
  productCategories: string[]
  maintenance: { from: Date; to: Date; reason: string; by: Types.ObjectId | null; at: Date; cancelled: number }[]
}
export const FactoryLineModel =
  (mongoose.models.FactoryLine as Model<FactoryLineDoc>) ?? mongoose.model<FactoryLineDoc>('FactoryLine', factoryLineSchema, 'factoryLines')

/** A family's standing on the factory floor: the current no-show suspension, if any. */
const factoryStandingSchema = new Schema(
  {
    _id: { type: String, required: true },
    suspendedAt: { type: Date, default: null },
    suspendedUntil: { type: Date, default: null },
    noShows: { type: Number, default: 0 },
    history: { type: [{ _id: false, at: Date, until: Date, noShows: Number }], default: [] },
  },
  { versionKey: false },
)
type FactoryStanding = { _id: string; suspendedAt: Date | null; suspendedUntil: Date | null; noShows: number; history: { at: Date; until: Date; noShows: number }[] }
export const FactoryStandingModel =
  (mongoose.models.FactoryStanding as Model<FactoryStanding>) ?? mongoose.model<FactoryStanding>('FactoryStanding', factoryStandingSchema, 'factoryStandings')

/** One document per reminded booking: inserting it is the claim, so a reminder goes out once across servers. */
const shiftReminderSchema = new Schema({ _id: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false })
export const ShiftReminderModel =
  (mongoose.models.ShiftReminder as Model<{ _id: string; at: Date }>) ?? mongoose.model<{ _id: string; at: Date }>('ShiftReminder', shiftReminderSchema, 'shiftReminders')

export const LINE_QUOTA_GROUP = 'factory'
export const FACTORY_KINDS = ['factory', 'centre'] as const
export const NO_SHOW_WINDOW_DAYS = 30
export { MAX_PLANNED_QTY }

export type Line = Resource & { equipment: Text[]; productCategories: string[]; maintenance: FactoryLineDoc['maintenance'] }

async function withProfiles(resources: Resource[]): Promise<Line[]> {
  const profiles = await FactoryLineModel.find({ resourceId: { $in: resources.map((r) => r._id) } }).lean<FactoryLineDoc[]>()
  const byId = new Map(profiles.map((p) => [String(p.resourceId), p]))
  return resources.map((r) => {
    const p = byId.get(String(r._id))
    return { ...r, equipment: p?.equipment ?? [], productCategories: p?.productCategories ?? [], maintenance: p?.maintenance ?? [] }
  })
}

// ——— factories and lines ———

export async function createFactory(
  input: { kind: 'factory' | 'centre'; code: string; name: Text; region: string; address?: string; openingHours?: Place['openingHours']; closedDays?: Place['closedDays'] },
  actor: Actor,
) {
  return createPlace({ ...input, code: input.code.toUpperCase(), timezone: 'Asia/Baku' }, actor)
}

export type LineInput = {
  placeId: Types.ObjectId | string
  code: string
  name: Text
  /** workstations: families per shift */
  capacity: number
  equipment?: Text[]
  productCategories?: string[]
  /** courses whose valid certificate a family needs to book the line */
  certificateCourseIds?: (Types.ObjectId | string)[]
  quotaUpcoming?: number
  quotaPerWeek?: number
  minNoticeHours?: number
  maxAdvanceDays?: number
  cancelCutoffHours?: number
  staffIds?: (Types.ObjectId | string)[]
}

export async function createLine(input: LineInput, actor: Actor): Promise<Line> {
  const resource = await createResource(
    {
      kind: 'line',
      placeId: input.placeId,
      code: input.code.toUpperCase(),
      name: input.name,
      capacity: input.capacity,
      staffIds: input.staffIds ?? [],
      rules: {
        holderKinds: ['family'],
        prerequisites: (input.certificateCourseIds ?? []).map((id) => ({ certificateOfCourseId: id })),
        // every line shares one quota: "3 upcoming shifts" means at the factories, not per line
        quotaGroup: LINE_QUOTA_GROUP,
        quotaUpcoming: input.quotaUpcoming ?? 3,
        quotaPerWeek: input.quotaPerWeek ?? 2,
        minNoticeHours: input.minNoticeHours ?? 0,
        maxAdvanceDays: input.maxAdvanceDays ?? 28,
        cancelCutoffHours: input.cancelCutoffHours ?? 24,
        allowWaitlist: true,
      },
    },
    actor,
  )
  await FactoryLineModel.create({ resourceId: resource._id, placeId: resource.placeId, equipment: input.equipment ?? [], productCategories: input.productCategories ?? [] })
  return { ...resource, equipment: input.equipment ?? [], productCategories: input.productCategories ?? [], maintenance: [] }
}

export async function getLineByCode(placeId: Types.ObjectId | string, code: string): Promise<Line | null> {
  const resource = await ResourceModel.findOne({ kind: 'line', placeId, code: code.toUpperCase() }).lean<Resource>()
  return resource ? (await withProfiles([resource]))[0] : null
}

export async function getLine(id: Types.ObjectId | string): Promise<Line | null> {
  const resource = await getResource(id)
  if (!resource || resource.kind !== 'line') return null
  return (await withProfiles([resource]))[0]
}

export async function listLines(placeId?: Types.ObjectId | string): Promise<Line[]> {
  const query: Record<string, unknown> = { kind: 'line', status: 'active' }
  if (placeId) query.placeId = placeId
  return withProfiles(await ResourceModel.find(query).sort({ placeId: 1, code: 1 }).lean<Resource[]>())
}

export async function listFactories() {
  const places = await PlaceModel.find({ kind: { $in: FACTORY_KINDS }, status: 'active' }).sort({ code: 1 }).lean<Place[]>()
  const lines = await listLines()
  return places.map((place) => ({ ...place, lines: lines.filter((line) => String(line.placeId) === String(place._id)) }))
}

export { getPlaceByCode }

/** Fair use per line: how many upcoming shifts a family may hold, and how many a week (0 = no limit). */
export async function setLineQuota(lineId: Types.ObjectId | string, quota: { quotaUpcoming: number; quotaPerWeek: number }, actor: Actor) {
  const line = await getLine(lineId)
  if (!line) return null
  return updateResourceRules(line._id, quota, actor)
}

export type LineSettings = {
  /** workstations: families per shift, for shifts planned from now on */
  capacity: number
  /** equipment, one name per item (Azerbaijani; an unchanged item keeps its translations) */
  equipment: string[]
  productCategories: string[]
  certificateCourseIds: string[]
}

/** What a line is: its workstations, equipment, required certificates and what it can make. */
export async function updateLineSettings(lineId: Types.ObjectId | string, settings: LineSettings, actor: Actor) {
  const line = await getLine(lineId)
  if (!line) return null
  const equipment = settings.equipment.map((name) => line.equipment.find((item) => item.az === name) ?? { az: name, en: '', ru: '' })
  const prerequisites = settings.certificateCourseIds.map((id) => ({ certificateOfCourseId: new mongoose.Types.ObjectId(id) }))
  await ResourceModel.updateOne({ _id: line._id }, { $set: { capacity: settings.capacity, 'rules.prerequisites': prerequisites } })
  await FactoryLineModel.updateOne({ resourceId: line._id }, { $set: { equipment, productCategories: settings.productCategories } })
  await recordAudit({
    actor,
    action: 'line.settings_changed',
    subject: { type: 'Resource', id: String(line._id) },
    before: { capacity: line.capacity, equipment: line.equipment.map((item) => item.az), productCategories: line.productCategories, certificates: line.rules.prerequisites.map((rule) => String(rule.certificateOfCourseId)) },
    after: { capacity: settings.capacity, equipment: settings.equipment, productCategories: settings.productCategories, certificates: settings.certificateCourseIds },
  })
  return getLine(line._id)
}

export type ShiftPlan = {
  lineId: string | Types.ObjectId
  weekdays: number[]
  times: { starts: string; ends: string }[]
  from: string
  to: string
  staffId?: string | Types.ObjectId | null
  capacity?: number | null
}

/**
 * Shifts from a recurring template (the engine skips closed days and hours outside opening
 * times); shifts that fall into a maintenance period of the line are cancelled straight away.
 */
export async function planShifts(plan: ShiftPlan, actor: Actor) {
  const line = await getLine(plan.lineId)
  if (!line) return { ok: false as const, reason: 'not_found' }
  const template = await createSlotTemplate({ resourceId: line._id, weekdays: plan.weekdays, times: plan.times, from: plan.from, to: plan.to, staffId: plan.staffId ?? null, capacity: plan.capacity ?? null }, actor)
  const result = await generateSlots(template._id, actor)
  if (!result.ok) return result
  for (const period of line.maintenance) {
    const inside = await SlotModel.find({ resourceId: line._id, status: 'open', startsAt: { $lt: period.to }, endsAt: { $gt: period.from } }).select('_id').lean<Pick<Slot, '_id'>[]>()
    for (const slot of inside) await cancelSlot(slot._id, actor, { reason: period.reason, notify: true })
  }
  return result
}

/** The supervising technician of a shift (the slot's staff). */
export async function assignShiftTechnician(slotId: string | Types.ObjectId, staffId: string | Types.ObjectId, actor: Actor) {
  if (!mongoose.isValidObjectId(slotId) || !mongoose.isValidObjectId(staffId)) return { ok: false as const, reason: 'not_found' }
  const technician = await UserModel.exists({ _id: staffId, roles: { $in: ['technician', 'admin'] }, status: 'active' })
  if (!technician) return { ok: false as const, reason: 'not_a_technician' }
  const before = await SlotModel.findOne({ _id: slotId, kind: 'line' }).select('staffId status').lean<Slot>()
  if (!before) return { ok: false as const, reason: 'not_found' }
  const slot = await SlotModel.findOneAndUpdate({ _id: slotId, kind: 'line', status: 'open' }, { $set: { staffId } }, { returnDocument: 'after' }).lean<Slot>()
  if (!slot) return { ok: false as const, reason: 'slot_closed' }
  await recordAudit({ actor, action: 'slot.staff_assigned', subject: { type: 'Slot', id: slot._id }, before: { staffId: before.staffId ? String(before.staffId) : null }, after: { staffId: String(staffId) } })
  return { ok: true as const, slot }
}

/**
 * Closes a line for maintenance over a period: every open shift in it is cancelled and its
 * families are told why (the engine's slot cancellation, with notice).
 */
export async function closeLineForMaintenance({ lineId, from, to, reason }: { lineId: string | Types.ObjectId; from: Date; to: Date; reason: string }, actor: Actor) {
  if (!(to.getTime() > from.getTime())) return { ok: false as const, reason: 'invalid_period' }
  if (!reason.trim()) return { ok: false as const, reason: 'reason_required' }
  const line = await getLine(lineId)
  if (!line) return { ok: false as const, reason: 'not_found' }
  const slots = await SlotModel.find({ resourceId: line._id, status: 'open', startsAt: { $lt: to }, endsAt: { $gt: from } }).select('_id').lean<Pick<Slot, '_id'>[]>()
  let cancelledBookings = 0
  let cancelledShifts = 0
  for (const slot of slots) {
    const result = await cancelSlot(slot._id, actor, { reason, notify: true })
    if (result.ok) {
      cancelledShifts += 1
      cancelledBookings += result.affected ?? 0
    }
  }
  await FactoryLineModel.updateOne(
    { resourceId: line._id },
    { $push: { maintenance: { from, to, reason, by: actor?._id ?? null, at: new Date(), cancelled: cancelledShifts } }, $setOnInsert: { placeId: line.placeId } },
    { upsert: true },
  )
  await recordAudit({ actor, action: 'line.maintenance', subject: { type: 'Resource', id: line._id }, after: { from, to, shifts: cancelledShifts, bookings: cancelledBookings }, reason })
  return { ok: true as const, shifts: cancelledShifts, bookings: cancelledBookings }
}

/** Address and weekly opening hours of a factory or centre (a weekday without hours is closed). */
export async function updateFactoryDetails(
  placeId: Types.ObjectId | string,
  details: { address: string; openingHours: { weekday: number; opens: string; closes: string }[] },
  actor: Actor,
) {
  const before = await getPlace(placeId)
  if (!before) return null
  const after = await PlaceModel.findByIdAndUpdate(before._id, { $set: { address: details.address, openingHours: details.openingHours } }, { returnDocument: 'after' }).lean<Place>()
  await recordAudit({
    actor,
    action: 'place.updated',
    subject: { type: 'Place', id: String(before._id) },
    before: { address: before.address, openingHours: before.openingHours },
    after: { address: details.address, openingHours: details.openingHours },
  })
  return after
}

/**
 * Closes a factory for a day (a holiday, an inspection): the day is added to its closed days, so
 * no shift is planned on it, and every open shift of its lines that day is cancelled with notice.
 */
export async function closeFactoryDay(placeId: Types.ObjectId | string, day: string, reason: string, actor: Actor) {
  const place = await getPlace(placeId)
  if (!place) return { ok: false as const, reason: 'not_found' }
  if (!reason.trim()) return { ok: false as const, reason: 'reason_required' }
  await addClosedDay(place._id, day, reason, actor)
  const from = localTime(day, '00:00', place.timezone)
  const to = localTime(addLocalDays(day, 1), '00:00', place.timezone)
  let shifts = 0
  let bookings = 0
  for (const line of await listLines(place._id)) {
    const result = await closeLineForMaintenance({ lineId: line._id, from, to, reason }, actor)
    if (result.ok) {
      shifts += result.shifts
      bookings += result.bookings
    }
  }
  return { ok: true as const, shifts, bookings }
}

/** Opens a closed day again (shifts cancelled for it stay cancelled; new ones can be planned). */
export async function reopenFactoryDay(placeId: Types.ObjectId | string, day: string, actor: Actor) {
  const result = await PlaceModel.updateOne({ _id: placeId, 'closedDays.date': day }, { $pull: { closedDays: { date: day } } })
  if (result.modifiedCount) await recordAudit({ actor, action: 'place.closed_day_removed', subject: { type: 'Place', id: String(placeId) }, before: { date: day } })
  return result.modifiedCount === 1
}

// ——— families booking shifts ———

export type ShiftPurpose = { sku: string; productName: Text; plannedQty: number; unit: string }

export type LineStanding = { ok: true } | { ok: false; refusal: PrerequisiteRefusal }

/** The lines a family may book now, and for each other line the certificate it lacks. */
export async function familyLineStandings(familyId: Types.ObjectId | string, at = new Date()) {
  const lines = await listLines()
  const holder = { kind: 'family' as const, id: familyId }
  const standings = await Promise.all(
    lines.map(async (line) => {
      const refusal = await checkPrerequisites(holder, line.rules.prerequisites, at)
      return { line, standing: (refusal ? { ok: false, refusal } : { ok: true }) as LineStanding }
    }),
  )
  return standings
}

export type SuspensionRefusal = { ok: false; reason: 'suspended'; details: { until: Date; noShows: number } }

export async function getFactorySuspension(familyId: Types.ObjectId | string, now = new Date()) {
  const standing = await FactoryStandingModel.findById(String(familyId)).lean<FactoryStanding>()
  if (!standing?.suspendedUntil || new Date(standing.suspendedUntil) <= now) return null
  return { until: standing.suspendedUntil, noShows: standing.noShows }
}

export type BookShiftInput = {
  slotId: string
  familyId: Types.ObjectId | string
  sku: string
  plannedQty: number
  unit: string
  joinWaitlist?: boolean
  idempotencyKey?: string
  actor: Actor
  now?: Date
}
export type ShiftRefusal =
  | Refusal
  | SuspensionRefusal
  | { ok: false; reason: 'product_not_family' | 'planned_qty_invalid' | 'line_cannot_make' | 'slot_not_a_shift' }
  | { ok: false; reason: 'line_maintenance'; details: { reason: string; to: Date } }

/**
 * Books a shift for a family with what it plans to produce. The engine decides the certificate,
 * quota, overlap, past and capacity rules in its own atomic steps; before it, this refuses a
 * suspended family, a product that is not the family's, or one the line cannot make.
 */
export async function bookShift(input: BookShiftInput): Promise<BookingResult | ShiftRefusal> {
  const now = input.now ?? new Date()
  if (!mongoose.isValidObjectId(input.slotId)) return { ok: false, reason: 'slot_not_found' }
  const slot = await SlotModel.findById(input.slotId).select('resourceId kind startsAt endsAt').lean<Slot>()
  if (!slot) return { ok: false, reason: 'slot_not_found' }
  if (slot.kind !== 'line') return { ok: false, reason: 'slot_not_a_shift' }
  const suspension = await getFactorySuspension(input.familyId, now)
  if (suspension) return { ok: false, reason: 'suspended', details: suspension }
  if (!Number.isInteger(input.plannedQty) || input.plannedQty < 1 || input.plannedQty > MAX_PLANNED_QTY) return { ok: false, reason: 'planned_qty_invalid' }
  const product = await findProductBySku(input.sku)
  if (!product || (product.familyId && String(product.familyId) !== String(input.familyId))) return { ok: false, reason: 'product_not_family' }
  const line = await getLine(slot.resourceId)
  if (line?.productCategories.length && !line.productCategories.includes(product.category)) return { ok: false, reason: 'line_cannot_make' }
  const maintenance = line?.maintenance.find((m) => new Date(m.from) < new Date(slot.endsAt) && new Date(m.to) > new Date(slot.startsAt))
  if (maintenance) return { ok: false, reason: 'line_maintenance', details: { reason: maintenance.reason, to: maintenance.to } }
  const purpose: ShiftPurpose = { sku: product.sku, productName: product.name, plannedQty: input.plannedQty, unit: input.unit }
  return bookSlot({
    slotId: slot._id,
    holder: { kind: 'family', id: input.familyId },
    actor: input.actor,
    idempotencyKey: input.idempotencyKey,
    joinWaitlist: input.joinWaitlist,
    purpose,
    now,
  })
}

/** A family's own booking, cancelled by the family (the engine frees the place and promotes the waitlist). */
export async function cancelShift({ bookingId, familyId, actor, reason, now }: { bookingId: string; familyId: Types.ObjectId | string; actor: Actor; reason?: string; now?: Date }) {
  if (!mongoose.isValidObjectId(bookingId)) return { ok: false as const, reason: 'not_found' as const }
  const own = await BookingModel.exists({ _id: bookingId, kind: 'line', 'holder.kind': 'family', 'holder.id': familyId })
  if (!own) return { ok: false as const, reason: 'not_found' as const }
  return cancelBooking({ bookingId, actor, by: 'holder', reason, now })
}

export type WeekShift = Slot & { line: Line | null; place: Pick<Place, '_id' | 'code' | 'name'> | null; mine: Booking | null; free: number }

/** The shifts of the lines a family may book in a period, with free places and the family's own bookings. */
export async function listFamilyShifts({ familyId, from, to }: { familyId: Types.ObjectId | string; from: Date; to: Date }) {
  const [standings, bookings] = await Promise.all([
    familyLineStandings(familyId, from),
    BookingModel.find({ kind: 'line', 'holder.kind': 'family', 'holder.id': familyId, status: { $in: ['confirmed', 'waitlisted', 'checked_in', 'no_show', 'completed'] }, startsAt: { $gte: from, $lt: to } }).lean<Booking[]>(),
  ])
  const certified = standings.filter((s) => s.standing.ok).map((s) => s.line)
  const bookedLineIds = bookings.map((b) => String(b.resourceId))
  const lineIds = [...new Set([...certified.map((l) => String(l._id)), ...bookedLineIds])]
  const slots = lineIds.length
    ? await SlotModel.find({ resourceId: { $in: lineIds }, startsAt: { $gte: from, $lt: to }, status: { $in: ['open', 'completed'] } }).sort({ startsAt: 1 }).limit(500).lean<Slot[]>()
    : []
  const lines = new Map(standings.map((s) => [String(s.line._id), s.line]))
  const places = await PlaceModel.find({ _id: { $in: [...new Set(standings.map((s) => String(s.line.placeId)))] } }).select('code name timezone').lean<Place[]>()
  const placeById = new Map(places.map((p) => [String(p._id), p]))
  const mine = new Map(bookings.map((b) => [String(b.slotId), b]))
  const shifts: WeekShift[] = slots.map((slot) => ({
    ...slot,
    line: lines.get(String(slot.resourceId)) ?? null,
    place: placeById.get(String(slot.placeId)) ?? null,
    mine: mine.get(String(slot._id)) ?? null,
    free: Math.max(0, slot.capacity - slot.confirmed),
  }))
  return { shifts, standings, places: placeById }
}

// ——— the technician's day ———

export type ShiftContext = { booking: Booking; slot: Slot; line: Line; place: Place; familyId: Types.ObjectId }

/** Everything a batch needs to know about the shift it came from. */
export async function getShiftContext(bookingId: string | Types.ObjectId): Promise<ShiftContext | null> {
  if (!mongoose.isValidObjectId(bookingId)) return null
  const booking = await BookingModel.findById(bookingId).lean<Booking>()
  if (!booking || booking.kind !== 'line' || booking.holder.kind !== 'family') return null
  const [slot, line, place] = await Promise.all([SlotModel.findById(booking.slotId).lean<Slot>(), getLine(booking.resourceId), getPlace(booking.placeId)])
  if (!slot || !line || !place) return null
  return { booking, slot, line, place: { ...place, timezone: place.timezone || 'Asia/Baku' }, familyId: booking.holder.id }
}

export type FloorBooking = Booking & { familyName: string }
export type FloorShift = Slot & { line: Line | null; place: Place | null; technicianName: string; bookings: FloorBooking[] }

/** A day's shifts on the floor: the technician's own, or (staffId null) all of them, each with its families. */
export async function listFloorShifts({ day, staffId, placeId }: { day: string; staffId?: Types.ObjectId | string | null; placeId?: string }): Promise<FloorShift[]> {
  return floorShiftsBetween({ from: startOfLocalDay(day), to: startOfLocalDay(addLocalDays(day, 1)), staffId, placeId, statuses: ['open', 'completed'] })
}

/** Shifts of the past week that families came to (or were expected at) and that were never closed. */
export async function listUnclosedShifts({ before, staffId, days = 7 }: { before: Date; staffId?: Types.ObjectId | string | null; days?: number }): Promise<FloorShift[]> {
  return floorShiftsBetween({ from: new Date(before.getTime() - days * 86_400_000), to: before, staffId, statuses: ['open'], booked: true })
}

async function floorShiftsBetween({ from, to, staffId, placeId, statuses, booked = false }: { from: Date; to: Date; staffId?: Types.ObjectId | string | null; placeId?: string; statuses: Slot['status'][]; booked?: boolean }): Promise<FloorShift[]> {
  const query: Record<string, unknown> = { kind: 'line', startsAt: { $gte: from, $lt: to }, status: { $in: statuses } }
  if (booked) query.confirmed = { $gt: 0 }
  if (staffId) query.staffId = staffId
  if (placeId && mongoose.isValidObjectId(placeId)) query.placeId = placeId
  const slots = await SlotModel.find(query).sort({ startsAt: 1 }).limit(200).lean<Slot[]>()
  if (!slots.length) return []
  const [bookings, lines, places, staff] = await Promise.all([
    BookingModel.find({ slotId: { $in: slots.map((s) => s._id) }, status: { $in: ['confirmed', 'checked_in', 'no_show', 'completed', 'waitlisted'] } })
      .sort({ status: 1, createdAt: 1 })
      .lean<Booking[]>(),
    withProfiles(await ResourceModel.find({ _id: { $in: [...new Set(slots.map((s) => String(s.resourceId)))] } }).lean<Resource[]>()),
    PlaceModel.find({ _id: { $in: [...new Set(slots.map((s) => String(s.placeId)))] } }).lean<Place[]>(),
    UserModel.find({ _id: { $in: slots.map((s) => s.staffId).filter(Boolean) } }).select('name').lean<{ _id: Types.ObjectId; name: string }[]>(),
  ])
  const families = await FamilyModel.find({ _id: { $in: [...new Set(bookings.map((b) => String(b.holder.id)))] } }).select('name').lean<{ _id: Types.ObjectId; name: string }[]>()
  const familyName = new Map(families.map((f) => [String(f._id), f.name]))
  const lineById = new Map(lines.map((l) => [String(l._id), l]))
  const placeById = new Map(places.map((p) => [String(p._id), p]))
  const staffName = new Map(staff.map((u) => [String(u._id), u.name]))
  return slots.map((slot) => ({
    ...slot,
    line: lineById.get(String(slot.resourceId)) ?? null,
    place: placeById.get(String(slot.placeId)) ?? null,
    technicianName: slot.staffId ? (staffName.get(String(slot.staffId)) ?? '') : '',
    bookings: bookings.filter((b) => String(b.slotId) === String(slot._id)).map((b) => ({ ...b, familyName: familyName.get(String(b.holder.id)) ?? '' })),
  }))
}

export async function getShiftBookingSlot(bookingId: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(bookingId)) return null
  const booking = await BookingModel.findById(bookingId).select('slotId kind holder status').lean<Booking>()
  if (!booking || booking.kind !== 'line') return null
  const slot = await SlotModel.findById(booking.slotId).select('staffId startsAt endsAt status resourceId placeId').lean<Slot>()
  return slot ? { booking, slot } : null
}

export async function checkInFamily(bookingId: string, actor: Actor, { now = new Date(), late = false } = {}) {
  return checkIn(bookingId, actor, { now, attendance: late ? 'late' : 'present' })
}

/** A no-show, counted: enough of them in 30 days suspends the family's new bookings, with notice. */
export async function markFamilyNoShow(bookingId: string, actor: Actor, { now = new Date(), excused = false } = {}) {
  const result = await markNoShow(bookingId, actor, { now, attendance: excused ? 'excused' : 'absent' })
  if (result.ok && !excused && result.booking.holder.kind === 'family') await applyNoShowRule(result.booking.holder.id, actor, now)
  return result
}

/** Ends a shift: who was checked in is completed, who was expected and never came counts as a no-show. */
export async function closeShift(slotId: string, actor: Actor, { now = new Date() } = {}) {
  const result = await completeSlot(slotId, actor, { now })
  if (!result.ok) return result
  const noShows = await BookingModel.find({ slotId, status: 'no_show', attendance: { $ne: 'excused' }, 'holder.kind': 'family' }).select('holder').lean<Booking[]>()
  for (const id of new Set(noShows.map((b) => String(b.holder.id)))) await applyNoShowRule(id, actor, now)
  return result
}

/**
 * Suspends new bookings when the family has reached the no-show limit within 30 days (counting
 * only no-shows after its last suspension began). The suspension is written with a condition on
 * the previous one, so two no-shows recorded at once suspend (and mail) once.
 */
export async function applyNoShowRule(familyId: Types.ObjectId | string, actor: Actor, now = new Date()) {
  const { FACTORY_NO_SHOW_LIMIT: limit, FACTORY_SUSPENSION_DAYS: days } = getEnv()
  const key = String(familyId)
  const standing = await FactoryStandingModel.findById(key).lean<FactoryStanding>()
  if (standing?.suspendedUntil && new Date(standing.suspendedUntil) > now) return null
  const windowStart = new Date(now.getTime() - NO_SHOW_WINDOW_DAYS * 86_400_000)
  const since = standing?.suspendedAt && new Date(standing.suspendedAt) > windowStart ? new Date(standing.suspendedAt) : windowStart
  const noShows = await BookingModel.countDocuments({ kind: 'line', 'holder.kind': 'family', 'holder.id': familyId, status: 'no_show', attendance: { $ne: 'excused' }, startsAt: { $gte: since, $lte: now } })
  if (noShows < limit) return null
  const until = new Date(now.getTime() + days * 86_400_000)
  const set = { suspendedAt: now, suspendedUntil: until, noShows }
  if (standing) {
    const done = await FactoryStandingModel.updateOne({ _id: key, suspendedAt: standing.suspendedAt }, { $set: set, $push: { history: { at: now, until, noShows } } })
    if (done.modifiedCount !== 1) return null
  } else {
    try {
      await FactoryStandingModel.create({ _id: key, ...set, history: [{ at: now, until, noShows }] })
    } catch (error) {
      if ((error as { code?: number }).code === 11000) return null
      throw error
    }
  }
  await recordAudit({ actor, action: 'family.factory_suspended', subject: { type: 'Family', id: key }, after: { until, noShows }, reason: 'no_show_limit' })
  const contacts = await holderContacts({ kind: 'family', id: familyId })
  await Promise.all(
    contacts.map((c) =>
      sendMail({ to: c.email, locale: c.locale ?? 'az', template: 'factory.suspended', params: { name: c.name, count: noShows, days: NO_SHOW_WINDOW_DAYS, until: formatDate(until, (c.locale ?? 'az') as Locale) } }),
    ),
  )
  return { until, noShows }
}

// ——— small reads for pages ———

export async function familyNameOf(familyId: Types.ObjectId | string | null | undefined) {
  if (!familyId || !mongoose.isValidObjectId(familyId)) return ''
  return (await FamilyModel.findById(familyId).select('name').lean<{ name: string }>())?.name ?? ''
}

export async function personNameOf(userId: Types.ObjectId | string | null | undefined) {
  if (!userId || !mongoose.isValidObjectId(userId)) return ''
  return (await UserModel.findById(userId).select('name').lean<{ name: string }>())?.name ?? ''
}

/** A family's shifts that have not ended yet (booked, waiting or under way). */
export async function listFamilyUpcomingShifts(familyId: Types.ObjectId | string, now = new Date()) {
  return BookingModel.find({ kind: 'line', 'holder.kind': 'family', 'holder.id': familyId, status: { $in: ['confirmed', 'waitlisted', 'checked_in'] }, endsAt: { $gte: now } })
    .sort({ startsAt: 1 })
    .limit(50)
    .lean<Booking[]>()
}

/** A factory shift (slot of a line) by id, or null. */
export async function getFloorSlot(slotId: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(slotId)) return null
  return SlotModel.findOne({ _id: slotId, kind: 'line' }).lean<Slot>()
}

/** Active technicians, for assigning shifts. */
export async function listTechnicians() {
  return UserModel.find({ roles: 'technician', status: 'active' }).select('name').sort({ name: 1 }).limit(200).lean<{ _id: Types.ObjectId; name: string }[]>()
}

// ——— reminders ———

/**
 * Mails every family with a confirmed shift tomorrow (factory time). Each booking is claimed in
 * `shiftReminders` before its mail goes out, so several servers or a rerun send it once.
 */
export async function sendShiftReminders(now = new Date()) {
  const tomorrow = addLocalDays(localDay(now), 1)
  const bookings = await BookingModel.find({ kind: 'line', status: 'confirmed', startsAt: { $gte: startOfLocalDay(tomorrow), $lt: startOfLocalDay(addLocalDays(tomorrow, 1)) } }).lean<Booking[]>()
  let sent = 0
  for (const booking of bookings) {
    try {
      await ShiftReminderModel.create({ _id: String(booking._id), at: now })
    } catch (error) {
      if ((error as { code?: number }).code === 11000) continue
      throw error
    }
    const purpose = (booking.purpose ?? {}) as Partial<ShiftPurpose>
    const [contacts, line, place] = await Promise.all([holderContacts(booking.holder), getResource(booking.resourceId), getPlace(booking.placeId)])
    await Promise.all(
      contacts.map((c) => {
        const locale = (c.locale ?? 'az') as Locale
        return sendMail({
          to: c.email,
          locale,
          template: 'factory.reminder',
          params: {
            name: c.name,
            line: pickText(line?.name, locale),
            place: pickText(place?.name, locale),
            address: place?.address ?? '',
            when: formatDateTime(booking.startsAt, locale),
            product: pickText(purpose.productName, locale),
            qty: purpose.plannedQty ?? '',
            unit: purpose.unit ?? '',
          },
        })
      }),
    )
    sent += 1
  }
  return sent
}

export { listFamilyProductVariants }
