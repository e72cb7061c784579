import crypto from 'node:crypto'
import mongoose, { Schema, type Model, type Types } from 'mongoose'
import { sendMail } from '#app/utils/mail.server'
import { formatDateTime, pickText, type Locale } from '#app/utils/i18n'
import { dayKeyOf, isoWeekKey } from '#app/utils/zoned-time'
import { recordAudit, type Actor } from './audit.server'
import { checkPrerequisites } from './certificate.server'
import { checkHolder, holderContacts, holderKey, type Holder, type HolderCheck } from './holder.server'
import { checkOpen, getPlace, type Place } from './place.server'
import { getResource, quotaGroupOf, type Resource } from './resource.server'
import { SlotModel, type Slot } from './slot.server'
import { ATTENDANCE_MARKS, type AttendanceMark } from './training-constants'

/**
 * The booking engine: course sessions, factory shifts, mentor hours, desks and event seats all go
 * through these functions. Every rule that must hold under concurrency is decided by the database
 * in one conditional single-document update (the slot's counters, the holder's schedule document)
 * or by a unique index (one active booking per holder and slot; one booking per idempotency key).
 * No multi-document transaction: when a later step fails, the earlier claims are given back.
 */

export const BOOKING_STATUSES = ['pending', 'confirmed', 'waitlisted', 'cancelled', 'checked_in', 'no_show', 'completed'] as const
export type BookingStatus = (typeof BOOKING_STATUSES)[number]
export const ACTIVE_STATUSES: BookingStatus[] = ['pending', 'confirmed', 'waitlisted', 'checked_in']
export { ATTENDANCE_MARKS, type AttendanceMark }

/** Attendance can be taken from this long before a slot starts (people arrive early). */
export const ATTENDANCE_OPENS_MINUTES = 60

export const REFUSAL_REASONS = [
  'capacity_full',
  'already_booked',
  'prerequisite_missing',
  'certificate_expired',
  'quota_upcoming',
  'quota_week',
  'too_late_notice',
  'too_far_ahead',
  'overlap',
  'closed_day',
  'outside_opening_hours',
  'slot_in_past',
  'slot_closed',
  'slot_not_found',
  'holder_not_eligible',
  'suspended',
  'idempotency_conflict',
  'not_found',
  'not_cancellable',
  'not_allowed_now',
  'capacity_below_confirmed',
  'invalid_capacity',
  'try_again',
] as const
export type RefusalReason = (typeof REFUSAL_REASONS)[number]
export type Refusal = { ok: false; reason: RefusalReason; details?: Record<string, unknown> }

const historyEntry = { _id: false, at: { type: Date, required: true }, status: { type: String, required: true }, by: { type: Schema.Types.ObjectId, default: null }, note: { type: String, default: '' } }

const bookingSchema = new Schema(
  {
    slotId: { type: Schema.Types.ObjectId, ref: 'Slot', required: true },
    resourceId: { type: Schema.Types.ObjectId, ref: 'Resource', required: true },
    placeId: { type: Schema.Types.ObjectId, ref: 'Place', required: true },
    kind: { type: String, required: true },
    holder: {
      kind: { type: String, enum: ['family', 'startup', 'user'], required: true },
      id: { type: Schema.Types.ObjectId, required: true },
    },
    status: { type: String, enum: BOOKING_STATUSES, required: true },
    /** `${slotId}:${holder}` while the booking is active, absent otherwise: unique, so one active booking per holder and slot */
    activeKey: { type: String, default: undefined },
    idempotencyKey: { type: String, required: true },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    quotaGroup: { type: String, required: true },
    weekKey: { type: String, required: true },
    waitlistPosition: { type: Number, default: null },
    waitlistedAt: { type: Date, default: null },
    confirmedAt: { type: Date, default: null },
    lateCancel: { type: Boolean, default: false },
    cancelReason: { type: String, default: '' },
    cancelledAt: { type: Date, default: null },
    cancelledBy: { type: Schema.Types.ObjectId, default: null },
    checkedInAt: { type: Date, default: null },
    attendance: { type: String, enum: [...ATTENDANCE_MARKS, null], default: null },
    /** free data of the caller, e.g. { productId, plannedQty } for a factory shift */
    purpose: { type: Schema.Types.Mixed, default: null },
    /** bookings made together (a course enrolment's sessions) */
    bundleId: { type: Schema.Types.ObjectId, default: null },
    createdBy: { type: Schema.Types.ObjectId, default: null },
    history: { type: [historyEntry], default: [] },
  },
  { timestamps: true },
)
bookingSchema.index({ activeKey: 1 }, { unique: true, sparse: true })
bookingSchema.index({ idempotencyKey: 1 }, { unique: true })
bookingSchema.index({ slotId: 1, status: 1, waitlistPosition: 1 })
bookingSchema.index({ 'holder.id': 1, status: 1, startsAt: 1 })
bookingSchema.index({ bundleId: 1 })

export type Booking = {
  _id: Types.ObjectId
  slotId: Types.ObjectId
  resourceId: Types.ObjectId
  placeId: Types.ObjectId
  kind: string
  holder: { kind: 'family' | 'startup' | 'user'; id: Types.ObjectId }
  status: BookingStatus
  activeKey?: string
  idempotencyKey: string
  startsAt: Date
  endsAt: Date
  quotaGroup: string
  weekKey: string
  waitlistPosition: number | null
  waitlistedAt: Date | null
  confirmedAt: Date | null
  lateCancel: boolean
  cancelReason: string
  cancelledAt: Date | null
  checkedInAt: Date | null
  attendance: AttendanceMark | null
  purpose: unknown
  bundleId: Types.ObjectId | null
  createdBy: Types.ObjectId | null
  history: { at: Date; status: string; by: Types.ObjectId | null; note: string }[]
  createdAt?: Date
}
export const BookingModel = (mongoose.models.Booking as Model<Booking>) ?? mongoose.model<Booking>('Booking', bookingSchema, 'bookings')

/**
 * One document per holder: the periods it is busy with confirmed bookings, how many upcoming
 * bookings it holds per quota group, and how many per group and week. A booking claims its place
 * here in ONE conditional update, so quota and overlap hold even when the holder fires many
 * requests at once.
 */
const holderScheduleSchema = new Schema(
  {
    _id: { type: String, required: true },
    busy: { type: [{ _id: false, bookingId: Schema.Types.ObjectId, start: Date, end: Date, group: String, week: String }], default: [] },
    upcoming: { type: Schema.Types.Mixed, default: {} },
    weeks: { type: Schema.Types.Mixed, default: {} },
  },
  { versionKey: false, minimize: false },
)
type HolderSchedule = {
  _id: string
  busy: { bookingId: Types.ObjectId; start: Date; end: Date; group: string; week: string }[]
  upcoming: Record<string, number>
  weeks: Record<string, number>
}
export const HolderScheduleModel =
  (mongoose.models.HolderSchedule as Model<HolderSchedule>) ?? mongoose.model<HolderSchedule>('HolderSchedule', holderScheduleSchema, 'holderSchedules')

export type BookingResult = { ok: true; booking: Booking; replayed?: boolean; promoted?: Booking[] } | Refusal

const isDuplicate = (error: unknown) => (error as { code?: number }).code === 11000
const dupField = (error: unknown) => {
  const e = error as { keyPattern?: Record<string, unknown>; keyValue?: Record<string, unknown>; message?: string }
  return Object.keys(e.keyPattern ?? e.keyValue ?? {})[0] ?? (/index: (\w+)/.exec(e.message ?? '')?.[1]?.replace(/_1$/, '') ?? '')
}
const history = (status: string, actor: Actor, note = '', at = new Date()) => ({ at, status, by: actor?._id ?? null, note })
const activeKeyOf = (slotId: Types.ObjectId | string, holder: Holder) => `${String(slotId)}:${holderKey(holder)}`
const weekField = (booking: Pick<Booking, 'quotaGroup' | 'weekKey'>) => `${booking.quotaGroup}@${booking.weekKey}`

export async function getBooking(id: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(id)) return null
  return BookingModel.findById(id).lean<Booking>()
}

type BookInput = {
  slotId: string | Types.ObjectId
  holder: Holder
  actor: Actor
  /** the same key again returns the first result instead of booking twice */
  idempotencyKey?: string
  /** when the slot is full, join its waitlist instead of being refused */
  joinWaitlist?: boolean
  /** join the waitlist without trying for a place (the rest of a waitlisted course enrolment) */
  waitlistOnly?: boolean
  /** a position shared by several slots (all sessions of one enrolment wait in the same place) */
  waitlistPosition?: number
  purpose?: unknown
  bundleId?: Types.ObjectId | string | null
  /** staff booking on someone's behalf may skip notice and advance limits */
  skipTimeRules?: boolean
  /** false when the caller sends its own, grouped notice of promotions */
  notify?: boolean
  now?: Date
}

type Context = { slot: Slot; resource: Resource; place: Place }

async function loadContext(slotId: string | Types.ObjectId): Promise<Context | null> {
  if (!mongoose.isValidObjectId(slotId)) return null
  const slot = await SlotModel.findById(slotId).lean<Slot>()
  if (!slot) return null
  const [resource, place] = await Promise.all([getResource(slot.resourceId), getPlace(slot.placeId)])
  if (!resource || !place) return null
  return { slot, resource, place }
}

/** The rules that do not depend on other bookings, in the order a person would want to hear them. */
async function checkRules(input: BookInput, { slot, resource, place }: Context, now: Date, holder: HolderCheck): Promise<Refusal | null> {
  if (slot.status !== 'open') return { ok: false, reason: 'slot_closed', details: { status: slot.status } }
  if (!resource.rules.holderKinds.includes(input.holder.kind)) return { ok: false, reason: 'holder_not_eligible' }
  if (!holder.ok) return { ok: false, reason: holder.reason }
  const untilStart = new Date(slot.startsAt).getTime() - now.getTime()
  if (untilStart <= 0) return { ok: false, reason: 'slot_in_past', details: { startsAt: slot.startsAt } }
  if (!input.skipTimeRules) {
    const { minNoticeHours, maxAdvanceDays } = resource.rules
    if (minNoticeHours && untilStart < minNoticeHours * 3_600_000) return { ok: false, reason: 'too_late_notice', details: { hours: minNoticeHours } }
    if (maxAdvanceDays && untilStart > maxAdvanceDays * 86_400_000) return { ok: false, reason: 'too_far_ahead', details: { days: maxAdvanceDays } }
  }
  const open = checkOpen(place, new Date(slot.startsAt), new Date(slot.endsAt))
  if (!open.ok) return { ok: false, reason: open.reason, details: open.details }
  const prerequisite = await checkPrerequisites(input.holder, resource.rules.prerequisites, new Date(slot.startsAt))
  if (prerequisite) return { ok: false, reason: prerequisite.reason, details: prerequisite.details }
  return null
}

/**
 * Books a holder onto a slot: rules first, then one active booking per holder and slot (unique
 * index), then the holder's schedule (quota, per-week quota, overlap: one conditional update),
 * then a place (one conditional $inc on the slot). When full: the waitlist if asked for.
 * Never throws for a rule: every refusal is `{ ok: false, reason, details }`.
 */
export async function bookSlot(input: BookInput): Promise<BookingResult> {
  const now = input.now ?? new Date()
  const idempotencyKey = input.idempotencyKey?.slice(0, 200) || crypto.randomUUID()
  if (input.idempotencyKey) {
    const replay = await replayOf(idempotencyKey, input)
    if (replay) return replay
  }
  const [context, holderCheck] = await Promise.all([loadContext(input.slotId), checkHolder(input.holder)])
  if (!context) return { ok: false, reason: 'slot_not_found' }
  const { slot, resource, place } = context
  const refusal = await checkRules(input, context, now, holderCheck)
  if (refusal) return refusal
  const activeKey = activeKeyOf(slot._id, input.holder)

  let booking: Booking
  try {
    const created = await BookingModel.create({
      slotId: slot._id,
      resourceId: resource._id,
      placeId: place._id,
      kind: resource.kind,
      holder: { kind: input.holder.kind, id: input.holder.id },
      status: 'pending',
      activeKey,
      idempotencyKey,
      startsAt: slot.startsAt,
      endsAt: slot.endsAt,
      quotaGroup: quotaGroupOf(resource),
      weekKey: isoWeekKey(dayKeyOf(slot.startsAt, place.timezone || 'Asia/Baku')),
      purpose: input.purpose ?? null,
      bundleId: input.bundleId ?? null,
      createdBy: input.actor?._id ?? null,
      history: [history('requested', input.actor, '', now)],
    })
    booking = created.toObject() as Booking
  } catch (error) {
    if (!isDuplicate(error)) throw error
    if (dupField(error) === 'idempotencyKey') return (await replayOf(idempotencyKey, input)) ?? { ok: false, reason: 'try_again' }
    const other = await BookingModel.findOne({ activeKey }).select('status idempotencyKey').lean<Pick<Booking, 'status' | 'idempotencyKey'>>()
    // the same click arriving twice at once: the other request holds the place, answer with its result
    if (input.idempotencyKey && other?.idempotencyKey === idempotencyKey) return (await replayOf(idempotencyKey, input)) ?? { ok: false, reason: 'try_again' }
    return { ok: false, reason: 'already_booked', details: { status: other?.status ?? 'pending' } }
  }

  if (input.waitlistOnly) return toWaitlist(booking, resource, input, now)

  const claim = await claimHolder(booking, resource, now)
  if (!claim.ok) {
    await BookingModel.deleteOne({ _id: booking._id, status: 'pending' })
    return claim
  }
  const place_ = await claimPlace(slot._id, { forNewcomer: true, capacity: slot.capacity })
  if (place_ === 'claimed') {
    const confirmed = await setStatus(booking._id, 'pending', { status: 'confirmed', confirmedAt: now }, history('confirmed', input.actor, '', now))
    await recordAudit({ actor: input.actor, action: 'booking.confirmed', subject: { type: 'Booking', id: booking._id }, after: { slotId: String(slot._id), holder: holderKey(input.holder) } })
    return { ok: true, booking: confirmed ?? booking }
  }
  await releaseHolder(booking, { week: true })
  if (place_ === 'closed') {
    await BookingModel.deleteOne({ _id: booking._id, status: 'pending' })
    return { ok: false, reason: 'slot_closed' }
  }
  if (input.joinWaitlist && resource.rules.allowWaitlist) return toWaitlist(booking, resource, input, now)
  await BookingModel.deleteOne({ _id: booking._id, status: 'pending' })
  return { ok: false, reason: 'capacity_full', details: { waitlist: resource.rules.allowWaitlist, capacity: slot.capacity } }
}

async function replayOf(idempotencyKey: string, input: BookInput): Promise<BookingResult | null> {
  const first = await BookingModel.findOne({ idempotencyKey }).lean<Booking>()
  if (!first) return null
  if (String(first.slotId) !== String(input.slotId) || holderKey(first.holder) !== holderKey(input.holder)) return { ok: false, reason: 'idempotency_conflict' }
  if (first.status === 'pending') {
    // the first request is still on its way: wait for its outcome rather than racing it
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25))
      const settled = await BookingModel.findById(first._id).lean<Booking>()
      if (!settled) return null
      if (settled.status !== 'pending') return { ok: true, booking: settled, replayed: true }
    }
  }
  return { ok: true, booking: first, replayed: true }
}

async function setStatus(id: Types.ObjectId, from: BookingStatus | BookingStatus[], set: Partial<Booking> & Record<string, unknown>, entry: ReturnType<typeof history>, unsetActiveKey = false) {
  const update: Record<string, unknown> = { $set: set, $push: { history: entry } }
  if (unsetActiveKey) update.$unset = { activeKey: 1 }
  return BookingModel.findOneAndUpdate({ _id: id, status: Array.isArray(from) ? { $in: from } : from }, update, { returnDocument: 'after' }).lean<Booking>()
}

/**
 * Takes a place on the slot: `confirmed < capacity` in the same update that increments it.
 * Newcomers also need an empty waitlist, so a freed place goes to whoever waits first.
 */
async function claimPlace(slotId: Types.ObjectId, { forNewcomer, capacity }: { forNewcomer: boolean; capacity?: number }): Promise<'claimed' | 'full' | 'closed'> {
  let known: Pick<Slot, 'capacity' | 'status' | 'confirmed' | 'waiting'> | null = capacity == null ? null : { capacity, status: 'open', confirmed: 0, waiting: 0 }
  for (let attempt = 0; attempt < 5; attempt++) {
    // first try with the capacity the caller already read; look at the slot only when that fails
    const slot = known ?? (await SlotModel.findById(slotId).select('capacity status confirmed waiting').lean<Slot>())
    known = null
    if (!slot || slot.status !== 'open') return 'closed'
    if (slot.confirmed >= slot.capacity || (forNewcomer && slot.waiting > 0)) return 'full'
    const filter: Record<string, unknown> = { _id: slotId, status: 'open', capacity: slot.capacity, confirmed: { $lt: slot.capacity } }
    if (forNewcomer) filter.waiting = 0
    const inc = forNewcomer ? { confirmed: 1 } : { confirmed: 1, waiting: -1 }
    const claimed = await SlotModel.findOneAndUpdate(filter, { $inc: inc }, { returnDocument: 'after', projection: { _id: 1 } }).lean()
    if (claimed) return 'claimed'
  }
  return 'full'
}

async function toWaitlist(booking: Booking, resource: Resource, input: BookInput, now: Date): Promise<BookingResult> {
  if (!resource.rules.allowWaitlist) {
    await BookingModel.deleteOne({ _id: booking._id, status: 'pending' })
    return { ok: false, reason: 'capacity_full', details: { waitlist: false } }
  }
  let position = input.waitlistPosition
  if (position == null) {
    const slot = await SlotModel.findOneAndUpdate({ _id: booking.slotId }, { $inc: { waitlistSeq: 1, waiting: 1 } }, { returnDocument: 'after', projection: { waitlistSeq: 1 } }).lean<Slot>()
    position = slot!.waitlistSeq
  } else {
    await SlotModel.updateOne({ _id: booking.slotId }, { $inc: { waiting: 1 }, $max: { waitlistSeq: position } })
  }
  const waitlisted = await setStatus(booking._id, 'pending', { status: 'waitlisted', waitlistPosition: position, waitlistedAt: now }, history('waitlisted', input.actor, `#${position}`, now))
  await recordAudit({ actor: input.actor, action: 'booking.waitlisted', subject: { type: 'Booking', id: booking._id }, after: { slotId: String(booking.slotId), position } })
  // a place freed between our claim and our joining the queue would otherwise stay empty
  const promoted = await promoteFromWaitlist(booking.slotId, { actor: input.actor, now, notify: input.notify ?? true })
  const current = promoted.find((b) => String(b._id) === String(booking._id)) ?? waitlisted ?? booking
  return { ok: true, booking: current, promoted }
}

type ClaimResult = { ok: true } | Refusal

/** Claims the holder's schedule in one conditional update: no overlap, under the upcoming quota and the week's quota. */
async function claimHolder(booking: Booking, resource: Resource, now: Date): Promise<ClaimResult> {
  const schedules = HolderScheduleModel.collection
  const id = holderKey(booking.holder)
  const group = booking.quotaGroup
  const week = weekField(booking)
  const { quotaUpcoming, quotaPerWeek } = resource.rules
  const start = new Date(booking.startsAt)
  const end = new Date(booking.endsAt)
  for (let attempt = 0; attempt < 4; attempt++) {
    const filter: Record<string, unknown> = { _id: id, busy: { $not: { $elemMatch: { start: { $lt: end }, end: { $gt: start } } } } }
    if (quotaUpcoming) filter[`upcoming.${group}`] = { $not: { $gte: quotaUpcoming } }
    if (quotaPerWeek) filter[`weeks.${week}`] = { $not: { $gte: quotaPerWeek } }
    // upsert: a holder's first booking creates the document; an existing one that does not match
    // the conditions makes the upsert collide on _id, which is the refusal
    try {
      const result = await schedules.updateOne(
        filter as never,
        { $push: { busy: { bookingId: booking._id, start, end, group, week } }, $inc: { [`upcoming.${group}`]: 1, [`weeks.${week}`]: 1 } } as never,
        { upsert: true },
      )
      if (result.modifiedCount === 1 || result.upsertedCount === 1) return { ok: true }
    } catch (error) {
      if (!isDuplicate(error)) throw error
    }
    const doc = (await schedules.findOne({ _id: id as never })) as unknown as HolderSchedule | null
    if (!doc) continue
    const clash = doc.busy.find((b) => new Date(b.start) < end && new Date(b.end) > start)
    if (clash) return { ok: false, reason: 'overlap', details: { startsAt: clash.start, endsAt: clash.end } }
    if (await prunePast(doc, now)) continue
    if (quotaUpcoming && (doc.upcoming?.[group] ?? 0) >= quotaUpcoming) return { ok: false, reason: 'quota_upcoming', details: { quota: quotaUpcoming } }
    if (quotaPerWeek && (doc.weeks?.[week] ?? 0) >= quotaPerWeek) return { ok: false, reason: 'quota_week', details: { quota: quotaPerWeek, week: booking.weekKey } }
  }
  return { ok: false, reason: 'try_again' }
}

/** Periods that have ended no longer count as upcoming; each is released by one conditional update. */
async function prunePast(doc: HolderSchedule, now: Date) {
  let released = 0
  for (const entry of doc.busy.filter((b) => new Date(b.end) <= now)) {
    const result = await HolderScheduleModel.collection.updateOne(
      { _id: doc._id as never, 'busy.bookingId': entry.bookingId },
      { $pull: { busy: { bookingId: entry.bookingId } }, $inc: { [`upcoming.${entry.group}`]: -1 } } as never,
    )
    released += result.modifiedCount
  }
  return released
}

/** Gives the holder's claim back; conditional on the entry being there, so it is given back once. */
async function releaseHolder(booking: Pick<Booking, '_id' | 'holder' | 'quotaGroup' | 'weekKey'>, { week }: { week: boolean }) {
  const inc: Record<string, number> = { [`upcoming.${booking.quotaGroup}`]: -1 }
  if (week) inc[`weeks.${weekField(booking)}`] = -1
  await HolderScheduleModel.collection.updateOne(
    { _id: holderKey(booking.holder) as never, 'busy.bookingId': booking._id },
    { $pull: { busy: { bookingId: booking._id } }, $inc: inc } as never,
  )
}

/**
 * Gives freed places to the waitlist, lowest position first. Each step is conditional: the waiting
 * booking is taken out of the queue by one update (so two promoters never take the same one), the
 * place by another (so the slot never goes over capacity). A holder that can no longer take the
 * place (overlap, quota) leaves the queue with that reason.
 */
export async function promoteFromWaitlist(slotId: Types.ObjectId | string, { actor = null, now = new Date(), notify = true }: { actor?: Actor; now?: Date; notify?: boolean } = {}) {
  const promoted: Booking[] = []
  for (let round = 0; round < 100; round++) {
    const slot = await SlotModel.findById(slotId).select('capacity confirmed waiting status startsAt resourceId').lean<Slot>()
    if (!slot || slot.status !== 'open' || new Date(slot.startsAt) <= now || slot.confirmed >= slot.capacity || slot.waiting <= 0) break
    const candidate = await BookingModel.findOneAndUpdate(
      { slotId: slot._id, status: 'waitlisted' },
      { $set: { status: 'pending' } },
      { sort: { waitlistPosition: 1, waitlistedAt: 1, _id: 1 }, returnDocument: 'after' },
    ).lean<Booking>()
    if (!candidate) break
    const resource = await getResource(slot.resourceId)
    const claim = resource ? await claimHolder(candidate, resource, now) : ({ ok: false, reason: 'slot_not_found' } as Refusal)
    if (!claim.ok) {
      await setStatus(candidate._id, 'pending', { status: 'cancelled', cancelReason: `promotion_refused:${claim.reason}`, cancelledAt: now }, history('cancelled', actor, claim.reason, now), true)
      await SlotModel.updateOne({ _id: slot._id }, { $inc: { waiting: -1 } })
      continue
    }
    const outcome = await claimPlace(slot._id, { forNewcomer: false, capacity: slot.capacity })
    if (outcome !== 'claimed') {
      await releaseHolder(candidate, { week: true })
      await setStatus(candidate._id, 'pending', { status: 'waitlisted' }, history('waitlisted', actor, 'place taken meanwhile', now))
      if (outcome === 'closed') break
      continue
    }
    const confirmed = await setStatus(candidate._id, 'pending', { status: 'confirmed', confirmedAt: now }, history('confirmed', actor, 'promoted from the waitlist', now))
    await recordAudit({ actor, action: 'booking.promoted', subject: { type: 'Booking', id: candidate._id }, after: { slotId: String(slot._id), position: candidate.waitlistPosition } })
    if (confirmed) promoted.push(confirmed)
  }
  if (notify) await Promise.all(promoted.map((booking) => notifyHolder(booking, 'booking.promoted')))
  return promoted
}

type CancelInput = {
  bookingId: string | Types.ObjectId
  actor: Actor
  /** a holder cannot cancel once the slot has started; staff can until it is closed */
  by?: 'holder' | 'staff'
  reason?: string
  now?: Date
  /** false when the caller sends its own, grouped notice (a course enrolment) */
  notify?: boolean
}

export type CancelResult = { ok: true; booking: Booking; lateCancel: boolean; promoted: Booking[] } | Refusal

/** Cancels a confirmed or waiting booking; inside the resource's cut-off it is recorded as a late cancellation. */
export async function cancelBooking(input: CancelInput): Promise<CancelResult> {
  const now = input.now ?? new Date()
  for (let attempt = 0; attempt < 3; attempt++) {
    const booking = await getBooking(input.bookingId)
    if (!booking) return { ok: false, reason: 'not_found' }
    if (booking.status !== 'confirmed' && booking.status !== 'waitlisted') return { ok: false, reason: 'not_cancellable', details: { status: booking.status } }
    if ((input.by ?? 'holder') === 'holder' && new Date(booking.startsAt) <= now) return { ok: false, reason: 'slot_in_past', details: { startsAt: booking.startsAt } }
    const resource = await getResource(booking.resourceId)
    const cutoff = resource?.rules.cancelCutoffHours ?? 0
    const lateCancel = booking.status === 'confirmed' && cutoff > 0 && new Date(booking.startsAt).getTime() - now.getTime() < cutoff * 3_600_000
    const cancelled = await setStatus(
      booking._id,
      booking.status,
      { status: 'cancelled', lateCancel, cancelReason: input.reason ?? '', cancelledAt: now, cancelledBy: input.actor?._id ?? null },
      history('cancelled', input.actor, [lateCancel ? 'late' : '', input.reason ?? ''].filter(Boolean).join(' · '), now),
      true,
    )
    // promoted or cancelled by someone else in between: look again
    if (!cancelled) continue
    let promoted: Booking[] = []
    if (booking.status === 'confirmed') {
      await SlotModel.updateOne({ _id: booking.slotId }, { $inc: { confirmed: -1 } })
      await releaseHolder(booking, { week: true })
      promoted = await promoteFromWaitlist(booking.slotId, { actor: input.actor, now, notify: input.notify ?? true })
    } else {
      await SlotModel.updateOne({ _id: booking.slotId }, { $inc: { waiting: -1 } })
    }
    await recordAudit({
      actor: input.actor,
      action: 'booking.cancelled',
      subject: { type: 'Booking', id: booking._id },
      before: { status: booking.status },
      after: { status: 'cancelled', lateCancel },
      reason: input.reason ?? '',
    })
    return { ok: true, booking: cancelled, lateCancel, promoted }
  }
  return { ok: false, reason: 'try_again' }
}

function attendanceWindowOpen(booking: Pick<Booking, 'startsAt'>, now: Date) {
  return now.getTime() >= new Date(booking.startsAt).getTime() - ATTENDANCE_OPENS_MINUTES * 60_000
}

/** Staff record that the holder came (present or late). */
export async function checkIn(bookingId: string | Types.ObjectId, actor: Actor, { now = new Date(), attendance = 'present' as 'present' | 'late' } = {}): Promise<BookingResult> {
  const booking = await getBooking(bookingId)
  if (!booking) return { ok: false, reason: 'not_found' }
  if (!attendanceWindowOpen(booking, now)) return { ok: false, reason: 'not_allowed_now', details: { startsAt: booking.startsAt } }
  if (!['confirmed', 'no_show', 'checked_in'].includes(booking.status)) return { ok: false, reason: 'not_cancellable', details: { status: booking.status } }
  const updated = await setStatus(booking._id, ['confirmed', 'no_show', 'checked_in'], { status: 'checked_in', checkedInAt: booking.checkedInAt ?? now, attendance }, history('checked_in', actor, attendance, now))
  if (!updated) return { ok: false, reason: 'try_again' }
  await recordAudit({ actor, action: 'booking.checked_in', subject: { type: 'Booking', id: booking._id }, before: { status: booking.status, attendance: booking.attendance }, after: { status: 'checked_in', attendance } })
  return { ok: true, booking: updated }
}

/** Staff record that the holder did not come (excused or not); the holder's period is freed. */
export async function markNoShow(bookingId: string | Types.ObjectId, actor: Actor, { now = new Date(), attendance = 'absent' as 'absent' | 'excused' } = {}): Promise<BookingResult> {
  const booking = await getBooking(bookingId)
  if (!booking) return { ok: false, reason: 'not_found' }
  if (!attendanceWindowOpen(booking, now)) return { ok: false, reason: 'not_allowed_now', details: { startsAt: booking.startsAt } }
  if (!['confirmed', 'checked_in', 'no_show'].includes(booking.status)) return { ok: false, reason: 'not_cancellable', details: { status: booking.status } }
  const updated = await setStatus(booking._id, ['confirmed', 'checked_in', 'no_show'], { status: 'no_show', attendance }, history('no_show', actor, attendance, now))
  if (!updated) return { ok: false, reason: 'try_again' }
  await releaseHolder(booking, { week: false })
  await recordAudit({ actor, action: 'booking.no_show', subject: { type: 'Booking', id: booking._id }, before: { status: booking.status, attendance: booking.attendance }, after: { status: 'no_show', attendance } })
  return { ok: true, booking: updated }
}

export type SlotResultOk = { ok: true; slot: Slot; promoted?: Booking[]; affected?: number }

/** The slot's staff close it once it has started: who came is completed, who was expected and did not come is a no-show. */
export async function completeSlot(slotId: string | Types.ObjectId, actor: Actor, { now = new Date() } = {}): Promise<SlotResultOk | Refusal> {
  const slot = await SlotModel.findById(slotId).lean<Slot>()
  if (!slot) return { ok: false, reason: 'not_found' }
  if (new Date(slot.startsAt) > now) return { ok: false, reason: 'not_allowed_now', details: { startsAt: slot.startsAt } }
  const closed = await SlotModel.findOneAndUpdate({ _id: slot._id, status: 'open' }, { $set: { status: 'completed', completedAt: now } }, { returnDocument: 'after' }).lean<Slot>()
  if (!closed) return { ok: false, reason: 'slot_closed', details: { status: slot.status } }
  const bookings = await BookingModel.find({ slotId: slot._id, status: { $in: ['confirmed', 'checked_in', 'waitlisted'] } }).lean<Booking[]>()
  for (const booking of bookings) {
    if (booking.status === 'checked_in') await setStatus(booking._id, 'checked_in', { status: 'completed' }, history('completed', actor, '', now), true)
    else if (booking.status === 'confirmed') await setStatus(booking._id, 'confirmed', { status: 'no_show', attendance: booking.attendance ?? 'absent' }, history('no_show', actor, 'not checked in when the slot closed', now), true)
    else await setStatus(booking._id, 'waitlisted', { status: 'cancelled', cancelReason: 'slot_completed', cancelledAt: now }, history('cancelled', actor, 'slot completed', now), true)
    if (booking.status !== 'waitlisted') await releaseHolder(booking, { week: false })
  }
  await recordAudit({ actor, action: 'slot.completed', subject: { type: 'Slot', id: slot._id }, before: { status: 'open' }, after: { status: 'completed', bookings: bookings.length } })
  return { ok: true, slot: closed, affected: bookings.length }
}

/** Cancels a slot: every booking on it is cancelled, the holders' periods are freed and they are told. */
export async function cancelSlot(slotId: string | Types.ObjectId, actor: Actor, { reason = '', now = new Date(), notify = true }: { reason?: string; now?: Date; notify?: boolean } = {}): Promise<SlotResultOk | Refusal> {
  const slot = await SlotModel.findOneAndUpdate({ _id: slotId, status: 'open' }, { $set: { status: 'cancelled', cancelReason: reason } }, { returnDocument: 'after' }).lean<Slot>()
  if (!slot) return (await SlotModel.exists({ _id: slotId })) ? { ok: false, reason: 'slot_closed' } : { ok: false, reason: 'not_found' }
  const bookings = await BookingModel.find({ slotId: slot._id, status: { $in: ['pending', 'confirmed', 'waitlisted', 'checked_in'] } }).lean<Booking[]>()
  const cancelled: Booking[] = []
  for (const booking of bookings) {
    const updated = await setStatus(booking._id, booking.status, { status: 'cancelled', cancelReason: 'slot_cancelled', cancelledAt: now, cancelledBy: actor?._id ?? null }, history('cancelled', actor, reason || 'slot cancelled', now), true)
    if (!updated) continue
    cancelled.push(updated)
    if (booking.status === 'confirmed' || booking.status === 'checked_in') {
      await SlotModel.updateOne({ _id: slot._id }, { $inc: { confirmed: -1 } })
      await releaseHolder(booking, { week: true })
    } else if (booking.status === 'waitlisted') await SlotModel.updateOne({ _id: slot._id }, { $inc: { waiting: -1 } })
  }
  await recordAudit({ actor, action: 'slot.cancelled', subject: { type: 'Slot', id: slot._id }, before: { status: 'open' }, after: { status: 'cancelled', bookings: cancelled.length }, reason })
  if (notify) await Promise.all(cancelled.map((booking) => notifyHolder(booking, 'booking.slotCancelled', { reason })))
  return { ok: true, slot, affected: cancelled.length }
}

/** Raises or lowers a slot's capacity (never under what is already confirmed); a raise promotes from the waitlist. */
export async function changeCapacity(slotId: string | Types.ObjectId, capacity: number, actor: Actor, { now = new Date() } = {}): Promise<SlotResultOk | Refusal> {
  if (!Number.isInteger(capacity) || capacity < 0 || capacity > 10_000) return { ok: false, reason: 'invalid_capacity' }
  const before = await SlotModel.findById(slotId).select('capacity confirmed status').lean<Slot>()
  if (!before) return { ok: false, reason: 'not_found' }
  const slot = await SlotModel.findOneAndUpdate({ _id: before._id, status: 'open', confirmed: { $lte: capacity } }, { $set: { capacity } }, { returnDocument: 'after' }).lean<Slot>()
  if (!slot) {
    const current = await SlotModel.findById(before._id).select('confirmed status').lean<Slot>()
    if (current?.status !== 'open') return { ok: false, reason: 'slot_closed' }
    return { ok: false, reason: 'capacity_below_confirmed', details: { confirmed: current.confirmed } }
  }
  await recordAudit({ actor, action: 'slot.capacity_changed', subject: { type: 'Slot', id: slot._id }, before: { capacity: before.capacity }, after: { capacity } })
  const promoted = capacity > before.capacity ? await promoteFromWaitlist(slot._id, { actor, now }) : []
  return { ok: true, slot: (await SlotModel.findById(slot._id).lean<Slot>()) ?? slot, promoted }
}

/** Mails every person of the holder about a booking, each in their own language. */
export async function notifyHolder(booking: Pick<Booking, 'holder' | 'resourceId' | 'startsAt' | 'placeId'>, template: string, extra: Record<string, string> = {}) {
  const [contacts, resource, place] = await Promise.all([holderContacts(booking.holder), getResource(booking.resourceId), getPlace(booking.placeId)])
  await Promise.all(
    contacts.map((contact) => {
      const locale: Locale = contact.locale ?? 'az'
      return sendMail({
        to: contact.email,
        locale,
        template,
        params: {
          name: contact.name,
          resource: pickText(resource?.name, locale),
          place: pickText(place?.name, locale),
          when: formatDateTime(booking.startsAt, locale, place?.timezone || 'Asia/Baku'),
          ...extra,
        },
      })
    }),
  )
}

export type BookingView = Booking & { slot: Pick<Slot, '_id' | 'startsAt' | 'endsAt' | 'status' | 'label' | 'capacity' | 'confirmed'> | null }

export async function listHolderBookings(holder: Holder, { statuses = ['confirmed', 'waitlisted', 'checked_in'] as BookingStatus[], from, kind }: { statuses?: BookingStatus[]; from?: Date; kind?: string } = {}) {
  const query: Record<string, unknown> = { 'holder.kind': holder.kind, 'holder.id': holder.id, status: { $in: statuses } }
  if (from) query.endsAt = { $gte: from }
  if (kind) query.kind = kind
  return BookingModel.find(query).sort({ startsAt: 1 }).limit(500).lean<Booking[]>()
}

export async function listSlotBookings(slotId: string | Types.ObjectId, { statuses }: { statuses?: BookingStatus[] } = {}) {
  const query: Record<string, unknown> = { slotId }
  query.status = { $in: statuses ?? ['confirmed', 'waitlisted', 'checked_in', 'no_show', 'completed'] }
  return BookingModel.find(query).sort({ status: 1, waitlistPosition: 1, createdAt: 1 }).lean<Booking[]>()
}

export async function listBundleBookings(bundleId: string | Types.ObjectId) {
  return BookingModel.find({ bundleId }).sort({ startsAt: 1 }).lean<Booking[]>()
}

/** Counts for checks and benchmarks: what the slot counters should equal. */
export async function countBookings(filter: { slotId?: string | Types.ObjectId; status?: BookingStatus | BookingStatus[]; slotIds?: (string | Types.ObjectId)[] }) {
  const query: Record<string, unknown> = {}
  if (filter.slotId) query.slotId = filter.slotId
  if (filter.slotIds) query.slotId = { $in: filter.slotIds }
  if (filter.status) query.status = Array.isArray(filter.status) ? { $in: filter.status } : filter.status
  return BookingModel.countDocuments(query)
}

/** The holder's schedule document as stored (tests and diagnostics). */
export async function getHolderSchedule(holder: Holder) {
  return HolderScheduleModel.collection.findOne({ _id: holderKey(holder) as never }) as unknown as Promise<HolderSchedule | null>
}
