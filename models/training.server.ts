import crypto from 'node:crypto'
import mongoose, { Schema, type Model, type Types } from 'mongoose'
import { sendMail } from '#app/utils/mail.server'
import { formatDate, pickText, type Locale } from '#app/utils/i18n'
import { recordAudit, type Actor } from './audit.server'
import {
  BookingModel,
  bookSlot,
  cancelBooking,
  checkIn,
  markNoShow,
  type AttendanceMark,
  type Booking,
  type Refusal,
} from './booking.server'
import { issueCertificate, type Certificate, CertificateModel } from './certificate.server'
import { CourseModel, getCourse, type Course } from './course.server'
import { checkHolder, holderContacts, holderKey, holderNames, type Holder } from './holder.server'
import { getPlace, PlaceModel, type Place } from './place.server'
import { createResource, ResourceModel, type Resource } from './resource.server'
import { createSlot, SlotModel, type Slot } from './slot.server'
import { UserModel } from './user.server'

/**
 * Training on top of the booking engine: a course run is a resource of kind 'course' (ref → the
 * course) and its sessions are that resource's slots. Enrolling books every session of the run
 * through the engine, as one bundle: the enrolment document groups them and carries the result.
 */

export const ENROLMENT_STATUSES = ['active', 'cancelled', 'completed', 'failed'] as const
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number]

const enrolmentSchema = new Schema(
  {
    runId: { type: Schema.Types.ObjectId, ref: 'Resource', required: true },
    courseId: { type: Schema.Types.ObjectId, ref: 'Course', required: true },
    holder: {
      kind: { type: String, enum: ['family', 'startup', 'user'], required: true },
      id: { type: Schema.Types.ObjectId, required: true },
    },
    status: { type: String, enum: ENROLMENT_STATUSES, default: 'active' },
    /** `${runId}:${holder}` unless cancelled: unique, so a holder enrols in a run once */
    activeKey: { type: String, default: undefined },
    idempotencyKey: { type: String, default: undefined },
    result: {
      pass: { type: Boolean, default: null },
      note: { type: String, default: '' },
      by: { type: Schema.Types.ObjectId, default: null },
      at: { type: Date, default: null },
    },
    attendancePct: { type: Number, default: null },
    certificateId: { type: Schema.Types.ObjectId, ref: 'Certificate', default: null },
    cancelledAt: { type: Date, default: null },
    completedAt: { type: Date, default: null },
    createdBy: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true },
)
enrolmentSchema.index({ activeKey: 1 }, { unique: true, sparse: true })
enrolmentSchema.index({ idempotencyKey: 1 }, { unique: true, sparse: true })
enrolmentSchema.index({ 'holder.id': 1, status: 1 })
enrolmentSchema.index({ runId: 1, status: 1 })

export type Enrolment = {
  _id: Types.ObjectId
  runId: Types.ObjectId
  courseId: Types.ObjectId
  holder: { kind: 'family' | 'startup' | 'user'; id: Types.ObjectId }
  status: EnrolmentStatus
  activeKey?: string
  idempotencyKey?: string
  result: { pass: boolean | null; note: string; by: Types.ObjectId | null; at: Date | null }
  attendancePct: number | null
  certificateId: Types.ObjectId | null
  cancelledAt: Date | null
  completedAt: Date | null
  createdBy: Types.ObjectId | null
  createdAt?: Date
}
export const EnrolmentModel = (mongoose.models.Enrolment as Model<Enrolment>) ?? mongoose.model<Enrolment>('Enrolment', enrolmentSchema, 'enrolments')

// ── runs ────────────────────────────────────────────────────────────────────────────────────────

export type RunInput = {
  courseId: string | Types.ObjectId
  placeId: string | Types.ObjectId
  capacity: number
  trainerId?: string | Types.ObjectId | null
  code?: string
  cancelCutoffHours?: number
  minNoticeHours?: number
}

export async function createRun(input: RunInput, actor: Actor) {
  const course = await getCourse(input.courseId)
  if (!course) return { ok: false as const, reason: 'not_found' }
  const place = await getPlace(input.placeId)
  if (!place) return { ok: false as const, reason: 'not_found' }
  const trainerId = input.trainerId ?? course.trainerId
  const run = await createResource(
    {
      kind: 'course',
      placeId: place._id,
      code: input.code ?? `${course.code}-${crypto.randomBytes(2).toString('hex')}`,
      name: course.title,
      capacity: input.capacity,
      ref: { type: 'Course', id: course._id },
      rules: {
        holderKinds: ['family'],
        // a run is its own quota group: its sessions never count against factory shifts
        quotaGroup: 'course',
        cancelCutoffHours: input.cancelCutoffHours ?? 24,
        minNoticeHours: input.minNoticeHours ?? 0,
        allowWaitlist: true,
      },
      staffIds: trainerId ? [trainerId] : [],
    },
    actor,
  )
  return { ok: true as const, run }
}

export async function addRunSession(runId: string | Types.ObjectId, period: { startsAt: Date; endsAt: Date }, actor: Actor) {
  const run = await getRun(runId)
  if (!run) return { ok: false as const, reason: 'not_found' }
  const count = await SlotModel.countDocuments({ resourceId: run._id, status: { $ne: 'cancelled' } })
  return createSlot({ resourceId: run._id, startsAt: period.startsAt, endsAt: period.endsAt, staffId: run.staffIds[0] ?? null, label: `${count + 1}` }, actor)
}

export async function getRun(runId: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(runId)) return null
  return ResourceModel.findOne({ _id: runId, kind: 'course' }).lean<Resource>()
}

export type RunSummary = {
  run: Resource
  course: Course
  place: Pick<Place, '_id' | 'name' | 'region' | 'timezone'> | null
  sessions: Slot[]
  firstStart: Date | null
  lastEnd: Date | null
  /** places left on the fullest session */
  free: number
  waiting: number
  open: boolean
}

async function summarise(runs: Resource[], now = new Date()): Promise<RunSummary[]> {
  if (!runs.length) return []
  const runIds = runs.map((r) => r._id)
  const [sessions, courses, places] = await Promise.all([
    SlotModel.find({ resourceId: { $in: runIds }, status: { $ne: 'cancelled' } }).sort({ startsAt: 1 }).lean<Slot[]>(),
    CourseModel.find({ _id: { $in: runs.map((r) => r.ref.id) } }).lean<Course[]>(),
    PlaceModel.find({ _id: { $in: runs.map((r) => r.placeId) } }).select('name region timezone').lean<Place[]>(),
  ])
  const courseById = new Map(courses.map((c) => [String(c._id), c]))
  const placeById = new Map(places.map((p) => [String(p._id), p]))
  const summaries: RunSummary[] = []
  for (const run of runs) {
    const course = courseById.get(String(run.ref.id))
    if (!course) continue
    const own = sessions.filter((s) => String(s.resourceId) === String(run._id))
    const firstStart = own[0]?.startsAt ?? null
    summaries.push({
      run,
      course,
      place: placeById.get(String(run.placeId)) ?? null,
      sessions: own,
      firstStart,
      lastEnd: own.at(-1)?.endsAt ?? null,
      free: own.length ? Math.min(...own.map((s) => Math.max(0, s.capacity - s.confirmed))) : 0,
      waiting: own.length ? Math.max(...own.map((s) => s.waiting)) : 0,
      open: Boolean(firstStart && new Date(firstStart) > now && run.status === 'active' && own.every((s) => s.status === 'open')),
    })
  }
  return summaries
}

/** Runs whose first session is still ahead, soonest first: what a family can enrol in. */
export async function listOpenRuns(now = new Date()) {
  const upcoming = await SlotModel.distinct('resourceId', { kind: 'course', status: 'open', startsAt: { $gt: now } })
  const runs = await ResourceModel.find({ _id: { $in: upcoming }, kind: 'course', status: 'active' }).lean<Resource[]>()
  const summaries = await summarise(runs, now)
  return summaries.filter((s) => s.open).sort((a, b) => +new Date(a.firstStart!) - +new Date(b.firstStart!))
}

export async function listRuns({ courseId }: { courseId?: string } = {}, now = new Date()) {
  const query: Record<string, unknown> = { kind: 'course', status: 'active' }
  if (courseId) query['ref.id'] = courseId
  const runs = await ResourceModel.find(query).sort({ createdAt: -1 }).limit(200).lean<Resource[]>()
  const summaries = await summarise(runs, now)
  return summaries.sort((a, b) => +new Date(b.firstStart ?? 0) - +new Date(a.firstStart ?? 0))
}

export async function getRunSummary(runId: string | Types.ObjectId, now = new Date()) {
  const run = await getRun(runId)
  if (!run) return null
  return (await summarise([run], now))[0] ?? null
}

// ── enrolment ───────────────────────────────────────────────────────────────────────────────────

export type EnrolResult = { ok: true; enrolment: Enrolment; state: EnrolmentState; replayed?: boolean } | Refusal

export type EnrolmentState = 'enrolled' | 'waitlisted' | 'cancelled' | 'completed' | 'failed'

/** What the family sees: waiting while any of its sessions waits for a place. */
export function enrolmentState(enrolment: Pick<Enrolment, 'status'>, bookings: Pick<Booking, 'status'>[]): EnrolmentState {
  if (enrolment.status !== 'active') return enrolment.status
  return bookings.some((b) => b.status === 'waitlisted' || b.status === 'pending') ? 'waitlisted' : 'enrolled'
}

/**
 * Enrols a holder in a run: every future session is booked through the engine. The first session
 * decides: a place there means a place in all (every session has the run's capacity, and only
 * holders confirmed on the first go on); a full first session puts the holder on every session's
 * waitlist at the same position, so promotions give whole enrolments, not scattered sessions.
 * If a later step is refused, what was booked is given back and the refusal is returned.
 */
export async function enrolInRun(input: { runId: string | Types.ObjectId; holder: Holder; actor: Actor; idempotencyKey?: string; joinWaitlist?: boolean; now?: Date }): Promise<EnrolResult> {
  const now = input.now ?? new Date()
  const key = input.idempotencyKey?.slice(0, 160)
  if (key) {
    const first = await EnrolmentModel.findOne({ idempotencyKey: key }).lean<Enrolment>()
    if (first) return replay(first)
  }
  const run = await getRun(input.runId)
  if (!run) return { ok: false, reason: 'slot_not_found' }
  const eligible = await checkHolder(input.holder)
  if (!eligible.ok) return { ok: false, reason: eligible.reason }
  const sessions = await SlotModel.find({ resourceId: run._id, status: { $ne: 'cancelled' } }).sort({ startsAt: 1 }).lean<Slot[]>()
  if (!sessions.length) return { ok: false, reason: 'slot_not_found' }
  if (new Date(sessions[0].startsAt) <= now || sessions.some((s) => s.status !== 'open')) return { ok: false, reason: 'slot_in_past', details: { startsAt: sessions[0].startsAt } }

  const activeKey = `${String(run._id)}:${holderKey(input.holder)}`
  let enrolment: Enrolment
  try {
    const created = await EnrolmentModel.create({
      runId: run._id,
      courseId: run.ref.id!,
      holder: { kind: input.holder.kind, id: input.holder.id },
      activeKey,
      idempotencyKey: key,
      createdBy: input.actor?._id ?? null,
    })
    enrolment = created.toObject() as Enrolment
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error
    if (key) {
      const first = await EnrolmentModel.findOne({ idempotencyKey: key }).lean<Enrolment>()
      if (first) return replay(first)
    }
    const other = await EnrolmentModel.findOne({ activeKey }).select('status').lean<Enrolment>()
    return { ok: false, reason: 'already_booked', details: { status: other?.status ?? 'active' } }
  }

  const first = await bookSlot({
    slotId: sessions[0]._id,
    holder: input.holder,
    actor: input.actor,
    joinWaitlist: input.joinWaitlist,
    bundleId: enrolment._id,
    now,
    notify: false,
  })
  if (!first.ok) return abandon(enrolment, [], first, input.actor, now)
  const booked: Booking[] = [first.booking]
  const waitlisted = first.booking.status === 'waitlisted'
  for (let i = 1; i < sessions.length; i++) {
    const next = await bookSlot({
      slotId: sessions[i]._id,
      holder: input.holder,
      actor: input.actor,
      bundleId: enrolment._id,
      now,
      notify: false,
      ...(waitlisted ? { waitlistOnly: true, waitlistPosition: first.booking.waitlistPosition ?? undefined } : { joinWaitlist: input.joinWaitlist }),
    })
    if (!next.ok) return abandon(enrolment, booked, { ...next, details: { ...next.details, session: i + 1 } }, input.actor, now)
    booked.push(next.booking)
  }
  const state = enrolmentState(enrolment, booked)
  await recordAudit({ actor: input.actor, action: `enrolment.${state}`, subject: { type: 'Enrolment', id: enrolment._id }, after: { runId: String(run._id), holder: holderKey(input.holder), sessions: sessions.length } })
  if (state === 'enrolled') await mailEnrolment(enrolment, 'training.enrolled', {}, { run, firstStart: sessions[0].startsAt })
  return { ok: true, enrolment, state }
}

async function replay(first: Enrolment): Promise<EnrolResult> {
  const bookings = await BookingModel.find({ bundleId: first._id }).select('status').lean<Booking[]>()
  return { ok: true, enrolment: first, state: enrolmentState(first, bookings), replayed: true }
}

async function abandon(enrolment: Enrolment, booked: Booking[], refusal: Refusal, actor: Actor, now: Date): Promise<Refusal> {
  for (const booking of booked) await cancelBooking({ bookingId: booking._id, actor, by: 'staff', reason: 'enrolment_incomplete', now, notify: false })
  // a refused attempt is not an answer to replay: the same click may now join the waitlist
  await EnrolmentModel.updateOne({ _id: enrolment._id }, { $set: { status: 'cancelled', cancelledAt: now }, $unset: { activeKey: 1, idempotencyKey: 1 } })
  return refusal
}

export type CancelEnrolmentResult = { ok: true; enrolment: Enrolment; lateCancel: boolean } | Refusal

/** Cancels an enrolment and all its sessions; families promoted into the freed places get one mail each. */
export async function cancelEnrolment(input: { enrolmentId: string | Types.ObjectId; actor: Actor; by?: 'holder' | 'staff'; reason?: string; now?: Date }): Promise<CancelEnrolmentResult> {
  const now = input.now ?? new Date()
  const enrolment = await getEnrolment(input.enrolmentId)
  if (!enrolment) return { ok: false, reason: 'not_found' }
  if (enrolment.status !== 'active') return { ok: false, reason: 'not_cancellable', details: { status: enrolment.status } }
  const bookings = await BookingModel.find({ bundleId: enrolment._id, status: { $in: ['confirmed', 'waitlisted'] } }).sort({ startsAt: 1 }).lean<Booking[]>()
  if ((input.by ?? 'holder') === 'holder' && bookings.some((b) => new Date(b.startsAt) <= now)) {
    return { ok: false, reason: 'slot_in_past', details: { startsAt: bookings.find((b) => new Date(b.startsAt) <= now)?.startsAt } }
  }
  const updated = await EnrolmentModel.findOneAndUpdate(
    { _id: enrolment._id, status: 'active' },
    { $set: { status: 'cancelled', cancelledAt: now }, $unset: { activeKey: 1 } },
    { returnDocument: 'after' },
  ).lean<Enrolment>()
  if (!updated) return { ok: false, reason: 'not_cancellable', details: { status: 'cancelled' } }
  let lateCancel = false
  const promoted: Booking[] = []
  for (const booking of bookings) {
    const result = await cancelBooking({ bookingId: booking._id, actor: input.actor, by: 'staff', reason: input.reason ?? 'enrolment_cancelled', now, notify: false })
    if (result.ok) {
      lateCancel ||= result.lateCancel
      promoted.push(...result.promoted)
    }
  }
  await recordAudit({ actor: input.actor, action: 'enrolment.cancelled', subject: { type: 'Enrolment', id: enrolment._id }, before: { status: 'active' }, after: { status: 'cancelled', lateCancel }, reason: input.reason ?? '' })
  await notifyPromotedEnrolments(promoted)
  return { ok: true, enrolment: updated, lateCancel }
}

/** One "you have a place" mail per enrolment that got all its waiting sessions confirmed. */
async function notifyPromotedEnrolments(promoted: Booking[]) {
  const bundles = [...new Set(promoted.map((b) => String(b.bundleId)).filter((id) => id !== 'null'))]
  for (const bundleId of bundles) {
    const enrolment = await getEnrolment(bundleId)
    if (!enrolment || enrolment.status !== 'active') continue
    const bookings = await BookingModel.find({ bundleId: enrolment._id }).select('status').lean<Booking[]>()
    if (enrolmentState(enrolment, bookings) === 'enrolled') {
      await recordAudit({ actor: null, action: 'enrolment.promoted', subject: { type: 'Enrolment', id: enrolment._id }, after: { runId: String(enrolment.runId) } })
      await mailEnrolment(enrolment, 'training.promoted')
    }
  }
}

async function mailEnrolment(
  enrolment: Pick<Enrolment, 'holder' | 'runId' | 'courseId'>,
  template: string,
  extra: Record<string, string> = {},
  known: { run?: Resource; firstStart?: Date } = {},
) {
  const [contacts, course, run] = await Promise.all([holderContacts(enrolment.holder), getCourse(enrolment.courseId), known.run ?? getRun(enrolment.runId)])
  const [first, place] = await Promise.all([
    known.firstStart ? { startsAt: known.firstStart } : SlotModel.findOne({ resourceId: enrolment.runId, status: { $ne: 'cancelled' } }).sort({ startsAt: 1 }).select('startsAt').lean<Slot>(),
    run ? getPlace(run.placeId) : null,
  ])
  await Promise.all(
    contacts.map((contact) => {
      const locale: Locale = contact.locale ?? 'az'
      return sendMail({
        to: contact.email,
        locale,
        template,
        params: {
          name: contact.name,
          course: pickText(course?.title, locale),
          place: pickText(place?.name, locale),
          when: first ? formatDate(first.startsAt, locale, { dateStyle: 'long' }) : '',
          ...extra,
        },
      })
    }),
  )
}

export async function getEnrolment(id: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(id)) return null
  return EnrolmentModel.findById(id).lean<Enrolment>()
}

export type EnrolmentView = {
  enrolment: Enrolment
  state: EnrolmentState
  bookings: Booking[]
  summary: RunSummary | null
  certificate: Pick<Certificate, '_id' | 'code' | 'expiresAt' | 'revokedAt'> | null
}

/** A holder's enrolments with their sessions, newest run first (the family's timetable). */
export async function listHolderEnrolments(holder: Holder, now = new Date()): Promise<EnrolmentView[]> {
  const enrolments = await EnrolmentModel.find({ 'holder.kind': holder.kind, 'holder.id': holder.id, status: { $ne: 'cancelled' } }).sort({ createdAt: -1 }).limit(100).lean<Enrolment[]>()
  return viewsOf(enrolments, now)
}

async function viewsOf(enrolments: Enrolment[], now: Date): Promise<EnrolmentView[]> {
  if (!enrolments.length) return []
  const ids = enrolments.map((e) => e._id)
  const [bookings, runs, certificates] = await Promise.all([
    BookingModel.find({ bundleId: { $in: ids }, status: { $ne: 'cancelled' } }).sort({ startsAt: 1 }).lean<Booking[]>(),
    ResourceModel.find({ _id: { $in: enrolments.map((e) => e.runId) } }).lean<Resource[]>(),
    CertificateModel.find({ enrolmentId: { $in: ids } }).select('code expiresAt revokedAt enrolmentId').lean<Certificate[]>(),
  ])
  const summaries = new Map((await summarise(runs, now)).map((s) => [String(s.run._id), s]))
  return enrolments.map((enrolment) => {
    const own = bookings.filter((b) => String(b.bundleId) === String(enrolment._id))
    return {
      enrolment,
      state: enrolmentState(enrolment, own),
      bookings: own,
      summary: summaries.get(String(enrolment.runId)) ?? null,
      certificate: certificates.find((c) => String(c.enrolmentId) === String(enrolment._id)) ?? null,
    }
  })
}

export async function getHolderRunEnrolment(holder: Holder, runId: string | Types.ObjectId, now = new Date()) {
  const enrolment = await EnrolmentModel.findOne({ runId, 'holder.kind': holder.kind, 'holder.id': holder.id, status: { $ne: 'cancelled' } }).lean<Enrolment>()
  if (!enrolment) return null
  return (await viewsOf([enrolment], now))[0]
}

export type Participant = EnrolmentView & { name: string }

/** Everyone enrolled in a run (staff pages), with names. */
export async function listRunParticipants(runId: string | Types.ObjectId, now = new Date()): Promise<Participant[]> {
  const enrolments = await EnrolmentModel.find({ runId, status: { $ne: 'cancelled' } }).sort({ createdAt: 1 }).lean<Enrolment[]>()
  const views = await viewsOf(enrolments, now)
  const names = await holderNames(enrolments.map((e) => e.holder))
  return views.map((view) => ({ ...view, name: names.get(holderKey(view.enrolment.holder)) ?? '' }))
}

// ── attendance, results, completion ──────────────────────────────────────────────────────────────

export type SheetRow = { booking: Booking; name: string; enrolment: Enrolment | null }

/** The attendance sheet of one session: who holds a place, with the enrolment (for results on the last session). */
export async function getAttendanceSheet(slotId: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(slotId)) return null
  const slot = await SlotModel.findById(slotId).lean<Slot>()
  if (!slot || slot.kind !== 'course') return null
  const run = await getRun(slot.resourceId)
  if (!run) return null
  const [course, place, sessions, bookings] = await Promise.all([
    getCourse(run.ref.id!),
    getPlace(run.placeId),
    SlotModel.find({ resourceId: run._id, status: { $ne: 'cancelled' } }).sort({ startsAt: 1 }).select('startsAt endsAt status').lean<Slot[]>(),
    BookingModel.find({ slotId: slot._id, status: { $in: ['confirmed', 'checked_in', 'no_show', 'completed'] } }).lean<Booking[]>(),
  ])
  const names = await holderNames(bookings.map((b) => b.holder))
  const enrolments = await EnrolmentModel.find({ _id: { $in: bookings.map((b) => b.bundleId).filter(Boolean) } }).lean<Enrolment[]>()
  const rows: SheetRow[] = bookings
    .map((booking) => ({
      booking,
      name: names.get(holderKey(booking.holder)) ?? '',
      enrolment: enrolments.find((e) => String(e._id) === String(booking.bundleId)) ?? null,
    }))
    .sort((a, b) => a.name.localeCompare(b.name))
  const index = sessions.findIndex((s) => String(s._id) === String(slot._id))
  return { slot, run, course, place, rows, sessionNumber: index + 1, sessionsTotal: sessions.length, isLast: index === sessions.length - 1 }
}

export type AttendanceResult = { ok: true; booking: Booking } | Refusal

/** A trainer's mark for one participant of a session; only the session's own trainer may mark it. */
export async function recordAttendance(input: { bookingId: string | Types.ObjectId; mark: AttendanceMark; actor: Actor; now?: Date; staffOverride?: boolean }): Promise<AttendanceResult> {
  const booking = await BookingModel.findById(input.bookingId).lean<Booking>()
  if (!booking || booking.kind !== 'course') return { ok: false, reason: 'not_found' }
  const slot = await SlotModel.findById(booking.slotId).select('staffId status').lean<Slot>()
  if (!slot) return { ok: false, reason: 'not_found' }
  if (!input.staffOverride && String(slot.staffId) !== String(input.actor?._id)) return { ok: false, reason: 'holder_not_eligible', details: { notYourSession: true } }
  if (slot.status === 'cancelled') return { ok: false, reason: 'slot_closed' }
  const now = input.now ?? new Date()
  const result =
    input.mark === 'present' || input.mark === 'late'
      ? await checkIn(booking._id, input.actor, { now, attendance: input.mark })
      : await markNoShow(booking._id, input.actor, { now, attendance: input.mark })
  if (result.ok && booking.bundleId) await evaluateEnrolment(booking.bundleId, input.actor, { now })
  return result
}

export type ResultOutcome = { ok: true; enrolment: Enrolment; certificate: Certificate | null } | Refusal

/** Pass or fail with a note, by the run's trainer (or staff); completion is then evaluated. */
export async function recordResult(input: { enrolmentId: string | Types.ObjectId; pass: boolean; note?: string; actor: Actor; now?: Date; staffOverride?: boolean }): Promise<ResultOutcome> {
  const enrolment = await getEnrolment(input.enrolmentId)
  if (!enrolment) return { ok: false, reason: 'not_found' }
  const run = await getRun(enrolment.runId)
  if (!run) return { ok: false, reason: 'not_found' }
  if (!input.staffOverride && !run.staffIds.some((id) => String(id) === String(input.actor?._id))) return { ok: false, reason: 'holder_not_eligible', details: { notYourSession: true } }
  if (enrolment.status === 'cancelled' || enrolment.status === 'completed') return { ok: false, reason: 'not_cancellable', details: { status: enrolment.status } }
  const now = input.now ?? new Date()
  await EnrolmentModel.updateOne({ _id: enrolment._id }, { $set: { result: { pass: input.pass, note: (input.note ?? '').slice(0, 1000), by: input.actor?._id ?? null, at: now } } })
  await recordAudit({ actor: input.actor, action: 'enrolment.result_recorded', subject: { type: 'Enrolment', id: enrolment._id }, before: enrolment.result, after: { pass: input.pass, note: input.note ?? '' } })
  return evaluateEnrolment(enrolment._id, input.actor, { now })
}

export type Evaluation = { attended: number; total: number; pct: number; meetsAttendance: boolean; meetsPass: boolean; decided: boolean; passes: boolean }

/**
 * The course's rule for one participant: attendance (present or late) over the run's sessions at
 * least the minimum, and a pass if the course asks for one. Decided once the last session has
 * started and a result is recorded (or none is needed).
 */
export function evaluateRule(course: Pick<Course, 'passRule'>, enrolment: Pick<Enrolment, 'result'>, sessions: Pick<Slot, 'startsAt'>[], bookings: Pick<Booking, 'attendance' | 'status'>[], now: Date): Evaluation {
  const total = sessions.length
  const attended = bookings.filter((b) => b.attendance === 'present' || b.attendance === 'late').length
  const pct = total ? Math.round((attended / total) * 1000) / 10 : 0
  const meetsAttendance = pct >= course.passRule.minAttendancePct
  const meetsPass = !course.passRule.requiresPass || enrolment.result.pass === true
  const lastStarted = total > 0 && sessions.every((s) => new Date(s.startsAt) <= new Date(now.getTime() + 60 * 60_000))
  const decided = lastStarted && (!course.passRule.requiresPass || enrolment.result.pass !== null)
  return { attended, total, pct, meetsAttendance, meetsPass, decided, passes: meetsAttendance && meetsPass }
}

export async function evaluateEnrolment(enrolmentId: string | Types.ObjectId, actor: Actor, { now = new Date() } = {}): Promise<ResultOutcome> {
  const enrolment = await getEnrolment(enrolmentId)
  if (!enrolment) return { ok: false, reason: 'not_found' }
  const course = await getCourse(enrolment.courseId)
  if (!course) return { ok: false, reason: 'not_found' }
  const [sessions, bookings] = await Promise.all([
    SlotModel.find({ resourceId: enrolment.runId, status: { $ne: 'cancelled' } }).select('startsAt').lean<Slot[]>(),
    BookingModel.find({ bundleId: enrolment._id, status: { $ne: 'cancelled' } }).select('attendance status').lean<Booking[]>(),
  ])
  const evaluation = evaluateRule(course, enrolment, sessions, bookings, now)
  await EnrolmentModel.updateOne({ _id: enrolment._id }, { $set: { attendancePct: evaluation.pct } })
  if (!evaluation.decided || (enrolment.status !== 'active' && enrolment.status !== 'failed')) {
    return { ok: true, enrolment: { ...enrolment, attendancePct: evaluation.pct }, certificate: null }
  }
  if (!evaluation.passes) {
    const failed = await EnrolmentModel.findOneAndUpdate({ _id: enrolment._id, status: 'active' }, { $set: { status: 'failed', completedAt: now } }, { returnDocument: 'after' }).lean<Enrolment>()
    if (failed) await recordAudit({ actor, action: 'enrolment.failed', subject: { type: 'Enrolment', id: enrolment._id }, after: evaluation })
    return { ok: true, enrolment: failed ?? enrolment, certificate: null }
  }
  // one winner moves the enrolment to completed; the certificate is unique per enrolment anyway
  const completed = await EnrolmentModel.findOneAndUpdate(
    { _id: enrolment._id, status: { $in: ['active', 'failed'] } },
    { $set: { status: 'completed', completedAt: now } },
    { returnDocument: 'after' },
  ).lean<Enrolment>()
  if (!completed) return { ok: true, enrolment, certificate: null }
  const certificate = await issueCertificate({ holder: enrolment.holder, courseId: enrolment.courseId, runId: enrolment.runId, enrolmentId: enrolment._id, issuedAt: now }, actor)
  await EnrolmentModel.updateOne({ _id: enrolment._id }, { $set: { certificateId: certificate._id } })
  await recordAudit({ actor, action: 'enrolment.completed', subject: { type: 'Enrolment', id: enrolment._id }, before: { status: enrolment.status }, after: { status: 'completed', certificate: certificate.code, ...evaluation } })
  await mailEnrolment(enrolment, 'training.certificate', { code: certificate.code })
  return { ok: true, enrolment: { ...completed, certificateId: certificate._id }, certificate }
}

/** The sessions a trainer runs in a period (today's list, the week ahead). */
export async function listTrainerSessions(trainerId: string | Types.ObjectId, from: Date, to: Date) {
  const sessions = await SlotModel.find({ staffId: trainerId, kind: 'course', startsAt: { $gte: from, $lt: to }, status: { $ne: 'cancelled' } }).sort({ startsAt: 1 }).lean<Slot[]>()
  const runs = await ResourceModel.find({ _id: { $in: sessions.map((s) => s.resourceId) } }).select('name placeId ref code').lean<Resource[]>()
  const places = await PlaceModel.find({ _id: { $in: runs.map((r) => r.placeId) } }).select('name timezone').lean<Place[]>()
  return sessions.map((session) => {
    const run = runs.find((r) => String(r._id) === String(session.resourceId)) ?? null
    return { session, run, place: run ? (places.find((p) => String(p._id) === String(run.placeId)) ?? null) : null }
  })
}

/** People who can run sessions (for the run and course forms). */
export async function listTrainers() {
  return UserModel.find({ roles: 'trainer', status: 'active' }).select('name email').sort({ name: 1 }).limit(200).lean<{ _id: Types.ObjectId; name: string; email: string }[]>()
}
