import crypto from 'node:crypto'
import mongoose, { Schema, type Model, type Types } from 'mongoose'
import type { z } from 'zod'
import { abadApplication } from './application-abad.server'
import {
  APPLICATION_KINDS,
  APPLICATION_STATUSES,
  DECISION_OUTCOMES,
  QUEUE_AGES,
  UNDECIDED_STATUSES,
  type ApplicationKind,
  type ApplicationStatus,
  type DecisionOutcome,
  type QueueSort,
} from './application-states'
import { recordAudit, type Actor } from './audit.server'
import { formatReference, nextSequence } from './counter.server'
import { overdueBefore } from './working-days'

export * from './application-states'

/**
 * One application machinery for every programme. A programme (ABAD family, INNOLAND start-up) is a
 * definition object: its steps and their schemas, document slots, checklist, reference prefix,
 * reviewer role and what acceptance creates. The state machine, reference numbers, documents,
 * assignment, appointments, decisions and the timeline are shared.
 *
 * Every transition is one conditional update on the expected current state, so two people clicking
 * at once cannot both succeed, and every change lands in the history (the applicant's timeline) and
 * in the audit trail.
 */
export type DocumentSlot = { id: string; min: number; max: number; types: readonly string[] }

export type ApplicationKindDef = {
  kind: ApplicationKind
  referencePrefix: string
  referenceWidth: number
  /** the staff role that reviews and decides */
  reviewerRole: string
  /** steps with answers, each validated by its own schema */
  steps: readonly { id: string; schema: z.ZodType }[]
  documentSlots: readonly DocumentSlot[]
  checklist: readonly string[]
  appointmentKinds: readonly string[]
  /** which outcome may be decided from which status */
  decisions: Record<DecisionOutcome, readonly ApplicationStatus[]>
  regionOf(answers: Record<string, unknown>): string | null
  needsOf(answers: Record<string, unknown>): string[]
  /**
   * What acceptance opens (ABAD: the family household). Must be idempotent: it runs again when a
   * retry finds the decision made but its effects unfinished.
   */
  onAccept(app: Application, actor: Actor): Promise<void>
}

const DEFINITIONS: Partial<Record<ApplicationKind, ApplicationKindDef>> = { abad: abadApplication }

export function applicationKind(kind: string): ApplicationKindDef {
  const def = DEFINITIONS[kind as ApplicationKind]
  if (!def) throw new Error(`unknown application kind: ${kind}`)
  return def
}

const historySchema = new Schema(
  {
    event: { type: String, required: true },
    status: { type: String, required: true },
    at: { type: Date, required: true },
    byId: { type: Schema.Types.ObjectId, default: null },
    byName: { type: String, default: '' },
    note: { type: String, default: '' },
    /** checklist ticks and internal notes stay with the staff */
    staffOnly: { type: Boolean, default: false },
  },
  { _id: false },
)

const fileSchema = new Schema(
  {
    id: { type: String, required: true },
    slot: { type: String, required: true },
    name: { type: String, required: true },
    type: { type: String, required: true },
    size: { type: Number, required: true },
    uploadedAt: { type: Date, required: true },
    uploadedBy: { type: Schema.Types.ObjectId, default: null },
  },
  { _id: false },
)

const appointmentSchema = new Schema(
  {
    id: { type: String, required: true },
    kind: { type: String, required: true },
    at: { type: Date, required: true },
    place: { type: String, required: true },
    note: { type: String, default: '' },
    byId: { type: Schema.Types.ObjectId, default: null },
    byName: { type: String, default: '' },
    createdAt: { type: Date, required: true },
  },
  { _id: false },
)

const applicationSchema = new Schema(
  {
    kind: { type: String, enum: APPLICATION_KINDS, required: true },
    /** ABAD-2026-00042: set once, at submission; absent on drafts (sparse unique index) */
    ref: { type: String },
    /** `kind:applicantId` while the application is open: one open application per person and programme */
    openKey: { type: String },
    applicantId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    applicantName: { type: String, required: true },
    applicantEmail: { type: String, required: true },
    applicantLocale: { type: String, enum: ['az', 'en', 'ru'], default: 'az' },
    familyId: { type: Schema.Types.ObjectId, ref: 'Family', default: null },
    startupId: { type: Schema.Types.ObjectId, default: null },
    programmeId: { type: Schema.Types.ObjectId, default: null },
    status: { type: String, enum: APPLICATION_STATUSES, required: true, default: 'draft' },
    region: { type: String, default: null },
    needs: { type: [String], default: [] },
    answers: { type: Schema.Types.Mixed, default: () => ({}) },
    completedSteps: { type: [String], default: [] },
    documents: { type: [fileSchema], default: [] },
    /** uploads per slot, kept next to the list so the per-slot limit is one conditional $inc */
    documentCounts: { type: Schema.Types.Mixed, default: () => ({}) },
    submittedAt: { type: Date, default: null },
    reviewStartedAt: { type: Date, default: null },
    decidedAt: { type: Date, default: null },
    assigneeId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    assigneeName: { type: String, default: '' },
    checklist: { type: Schema.Types.Mixed, default: () => ({}) },
    appointments: { type: [appointmentSchema], default: [] },
    decision: {
      type: new Schema(
        {
          outcome: { type: String, enum: DECISION_OUTCOMES, required: true },
          reason: { type: String, required: true },
          message: { type: String, required: true },
          byId: { type: Schema.Types.ObjectId, default: null },
          byName: { type: String, default: '' },
          at: { type: Date, required: true },
          effectsDoneAt: { type: Date, default: null },
          notifiedAt: { type: Date, default: null },
        },
        { _id: false },
      ),
      default: null,
    },
    history: { type: [historySchema], default: [] },
    /** bumped by every change: a form posts the revision it showed, so a stale page cannot overwrite */
    rev: { type: Number, default: 0 },
  },
  { timestamps: true },
)
applicationSchema.index({ ref: 1 }, { unique: true, sparse: true })
applicationSchema.index({ openKey: 1 }, { unique: true, sparse: true })
applicationSchema.index({ kind: 1, status: 1, region: 1 })
applicationSchema.index({ kind: 1, submittedAt: 1 })
applicationSchema.index({ applicantId: 1, createdAt: -1 })
applicationSchema.index({ familyId: 1 })

type FileMeta = { id: string; slot: string; name: string; type: string; size: number; uploadedAt: Date; uploadedBy: Types.ObjectId | null }
export type ApplicationFile = FileMeta
export type ChecklistItem = { done: boolean; note: string; byId: Types.ObjectId | null; byName: string; at: Date }
export type Appointment = { id: string; kind: string; at: Date; place: string; note: string; byId: Types.ObjectId | null; byName: string; createdAt: Date }
export type HistoryEntry = { event: string; status: ApplicationStatus; at: Date; byId: Types.ObjectId | null; byName: string; note: string; staffOnly: boolean }
export type Decision = {
  outcome: DecisionOutcome
  reason: string
  message: string
  byId: Types.ObjectId | null
  byName: string
  at: Date
  effectsDoneAt: Date | null
  notifiedAt: Date | null
}

export type Application = {
  _id: Types.ObjectId
  kind: ApplicationKind
  ref?: string
  openKey?: string
  applicantId: Types.ObjectId
  applicantName: string
  applicantEmail: string
  applicantLocale: 'az' | 'en' | 'ru'
  familyId: Types.ObjectId | null
  startupId: Types.ObjectId | null
  programmeId: Types.ObjectId | null
  status: ApplicationStatus
  region: string | null
  needs: string[]
  answers: Record<string, Record<string, unknown> | undefined>
  completedSteps: string[]
  documents: FileMeta[]
  documentCounts: Record<string, number>
  submittedAt: Date | null
  reviewStartedAt: Date | null
  decidedAt: Date | null
  assigneeId: Types.ObjectId | null
  assigneeName: string
  checklist: Record<string, ChecklistItem | undefined>
  appointments: Appointment[]
  decision: Decision | null
  history: HistoryEntry[]
  rev: number
  createdAt: Date
  updatedAt: Date
}

export const ApplicationModel =
  (mongoose.models.Application as Model<Application>) ?? mongoose.model<Application>('Application', applicationSchema, 'applications')

export type Person = { _id: Types.ObjectId | string; name: string; email?: string; locale?: 'az' | 'en' | 'ru' | null }
type Failure<R extends string> = { ok: false; reason: R }

function historyEntry(event: string, status: ApplicationStatus, actor: Actor, note = '', staffOnly = false): HistoryEntry {
  return {
    event,
    status,
    at: new Date(),
    byId: actor?._id ? new mongoose.Types.ObjectId(String(actor._id)) : null,
    byName: actor?.name ?? '',
    note,
    staffOnly,
  }
}

const oid = (id: Types.ObjectId | string) => new mongoose.Types.ObjectId(String(id))
const validId = (id: unknown): id is string | Types.ObjectId => typeof id !== 'undefined' && mongoose.isValidObjectId(id)
const openKeyOf = (kind: string, applicantId: Types.ObjectId | string) => `${kind}:${String(applicantId)}`

export async function getApplication(id: unknown) {
  if (!validId(id)) return null
  return ApplicationModel.findById(id).lean<Application>()
}

/** The applicant's open (not rejected) application of a programme, if any. */
export async function getOpenApplication(kind: ApplicationKind, applicantId: Types.ObjectId | string) {
  return ApplicationModel.findOne({ openKey: openKeyOf(kind, applicantId) }).lean<Application>()
}

export async function listApplicationsOf({ applicantId, familyId }: { applicantId?: Types.ObjectId | string; familyId?: Types.ObjectId | string | null }) {
  const or: Record<string, unknown>[] = []
  if (applicantId) or.push({ applicantId: oid(applicantId) })
  if (familyId) or.push({ familyId: oid(familyId) })
  if (!or.length) return []
  return ApplicationModel.find({ $or: or })
    .select('kind ref status region submittedAt decidedAt decision.outcome decision.at createdAt updatedAt familyId applicantId applicantName')
    .sort({ createdAt: -1 })
    .lean<Application[]>()
}

/**
 * The applicant's draft, created on first use. Two tabs opening the form at once still make one
 * draft: the open key is unique, the loser reads the winner's.
 */
export async function startApplication(kind: ApplicationKind, applicant: Person) {
  const existing = await getOpenApplication(kind, applicant._id)
  if (existing) return existing
  const def = applicationKind(kind)
  try {
    const created = await ApplicationModel.create({
      kind,
      openKey: openKeyOf(kind, applicant._id),
      applicantId: oid(applicant._id),
      applicantName: applicant.name,
      applicantEmail: applicant.email ?? '',
      applicantLocale: (applicant.locale ?? 'az') as Application['applicantLocale'],
      status: 'draft',
      documentCounts: Object.fromEntries(def.documentSlots.map((slot) => [slot.id, 0])),
      history: [historyEntry('created', 'draft', { _id: applicant._id, name: applicant.name })],
    })
    await recordAudit({ actor: { _id: applicant._id, name: applicant.name }, action: 'application.created', subject: { type: 'Application', id: created._id }, after: { kind, status: 'draft' } })
    return created.toObject() as Application
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error
    const winner = await getOpenApplication(kind, applicant._id)
    if (!winner) throw error
    return winner
  }
}

/**
 * Saves one step of a draft. Valid answers mark the step complete; invalid ones are kept as typed
 * (so nothing is lost) and the step stays incomplete until they are fixed.
 */
export async function saveApplicationStep(
  appId: unknown,
  applicantId: Types.ObjectId | string,
  stepId: string,
  answers: Record<string, unknown>,
  valid: boolean,
): Promise<{ ok: true; app: Application } | Failure<'not_found' | 'not_draft' | 'unknown_step'>> {
  if (!validId(appId)) return { ok: false, reason: 'not_found' }
  const current = await ApplicationModel.findOne({ _id: appId, applicantId: oid(applicantId) }).select('kind status answers').lean<Application>()
  if (!current) return { ok: false, reason: 'not_found' }
  const def = applicationKind(current.kind)
  if (!def.steps.some((step) => step.id === stepId)) return { ok: false, reason: 'unknown_step' }
  const merged = { ...current.answers, [stepId]: answers }
  const update: Record<string, unknown> = {
    $set: { [`answers.${stepId}`]: answers, region: def.regionOf(merged), needs: def.needsOf(merged) },
    $inc: { rev: 1 },
  }
  if (valid) update.$addToSet = { completedSteps: stepId }
  else update.$pull = { completedSteps: stepId }
  const app = await ApplicationModel.findOneAndUpdate({ _id: appId, applicantId: oid(applicantId), status: 'draft' }, update, { returnDocument: 'after' }).lean<Application>()
  if (!app) return { ok: false, reason: 'not_draft' }
  return { ok: true, app }
}

/** Adds an uploaded file to a draft, within the slot's limit (one conditional update: the count and the list move together). */
export async function addApplicationDocument(
  appId: unknown,
  applicantId: Types.ObjectId | string,
  file: Omit<FileMeta, 'uploadedAt' | 'uploadedBy'>,
): Promise<{ ok: true; app: Application } | Failure<'not_found' | 'not_draft' | 'unknown_slot' | 'too_many' | 'wrong_type'>> {
  if (!validId(appId)) return { ok: false, reason: 'not_found' }
  const current = await ApplicationModel.findOne({ _id: appId, applicantId: oid(applicantId) }).select('kind status').lean<Application>()
  if (!current) return { ok: false, reason: 'not_found' }
  const slot = applicationKind(current.kind).documentSlots.find((s) => s.id === file.slot)
  if (!slot) return { ok: false, reason: 'unknown_slot' }
  if (!slot.types.includes(file.type)) return { ok: false, reason: 'wrong_type' }
  const counter = `documentCounts.${slot.id}`
  const app = await ApplicationModel.findOneAndUpdate(
    { _id: appId, applicantId: oid(applicantId), status: 'draft', [counter]: { $lt: slot.max } },
    { $push: { documents: { ...file, uploadedAt: new Date(), uploadedBy: oid(applicantId) } }, $inc: { [counter]: 1, rev: 1 } },
    { returnDocument: 'after' },
  ).lean<Application>()
  if (app) return { ok: true, app }
  const again = await ApplicationModel.findById(appId).select('status').lean<Application>()
  return { ok: false, reason: again?.status === 'draft' ? 'too_many' : 'not_draft' }
}

export async function removeApplicationDocument(
  appId: unknown,
  applicantId: Types.ObjectId | string,
  fileId: string,
): Promise<{ ok: true; removed: FileMeta } | Failure<'not_found' | 'not_draft'>> {
  if (!validId(appId)) return { ok: false, reason: 'not_found' }
  const current = await ApplicationModel.findOne({ _id: appId, applicantId: oid(applicantId) }).select('status documents').lean<Application>()
  const file = current?.documents.find((doc) => doc.id === fileId)
  if (!current || !file) return { ok: false, reason: 'not_found' }
  const result = await ApplicationModel.updateOne(
    { _id: appId, status: 'draft', documents: { $elemMatch: { id: fileId, slot: file.slot } } },
    { $pull: { documents: { id: fileId } }, $inc: { [`documentCounts.${file.slot}`]: -1, rev: 1 } },
  )
  if (result.modifiedCount !== 1) return { ok: false, reason: current.status === 'draft' ? 'not_found' : 'not_draft' }
  return { ok: true, removed: file }
}

export type SubmitProblem = { step: string; field?: string; message: string }

/** What still stops a draft from being submitted: invalid steps (with the field) and missing documents. */
export function submitProblems(app: Pick<Application, 'kind' | 'answers' | 'documents'>): SubmitProblem[] {
  const def = applicationKind(app.kind)
  const problems: SubmitProblem[] = []
  for (const step of def.steps) {
    const result = step.schema.safeParse(app.answers?.[step.id] ?? {})
    if (!result.success) {
      for (const issue of result.error.issues) problems.push({ step: step.id, field: issue.path.join('.') || undefined, message: issue.message })
    }
  }
  for (const slot of def.documentSlots) {
    const count = app.documents.filter((doc) => doc.slot === slot.id).length
    if (count < slot.min) problems.push({ step: 'documents', field: slot.id, message: 'application.error.documentMissing' })
  }
  return problems
}

/**
 * Submits a draft: freezes the answers and gives it a reference number. The status changes first
 * (a conditional update on the draft's exact revision, so one of several clicks wins and answers
 * saved in between are validated again), then the number is drawn: only the winner draws, so
 * concurrent submissions leave no gap and a double submit returns the same application.
 */
export async function submitApplication(
  appId: unknown,
  applicant: Person,
): Promise<{ ok: true; app: Application; already: boolean } | Failure<'not_found'> | { ok: false; reason: 'incomplete'; problems: SubmitProblem[] }> {
  if (!validId(appId)) return { ok: false, reason: 'not_found' }
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await ApplicationModel.findOne({ _id: appId, applicantId: oid(applicant._id) }).lean<Application>()
    if (!current) return { ok: false, reason: 'not_found' }
    if (current.status !== 'draft') return { ok: true, app: await awaitReference(current), already: true }
    const problems = submitProblems(current)
    if (problems.length) return { ok: false, reason: 'incomplete', problems }
    const now = new Date()
    const claimed = await ApplicationModel.findOneAndUpdate(
      { _id: appId, status: 'draft', rev: current.rev },
      {
        $set: { status: 'submitted', submittedAt: now },
        $push: { history: historyEntry('submitted', 'submitted', { _id: applicant._id, name: applicant.name }) },
        $inc: { rev: 1 },
      },
      { returnDocument: 'after' },
    ).lean<Application>()
    if (!claimed) continue
    const app = await assignReference(claimed)
    await recordAudit({
      actor: { _id: applicant._id, name: applicant.name },
      action: 'application.submitted',
      subject: { type: 'Application', id: app._id },
      before: { status: 'draft' },
      after: { status: 'submitted', ref: app.ref },
    })
    return { ok: true, app, already: false }
  }
  const latest = await getApplication(appId)
  if (latest && latest.status !== 'draft') return { ok: true, app: await awaitReference(latest), already: true }
  throw new Error('the draft kept changing while it was being submitted')
}

async function assignReference(app: Application) {
  const def = applicationKind(app.kind)
  const year = bakuYear(app.submittedAt ?? new Date())
  const seq = await nextSequence(`application:${app.kind}:${year}`)
  const ref = formatReference(def.referencePrefix, year, seq, def.referenceWidth)
  const updated = await ApplicationModel.findOneAndUpdate({ _id: app._id, ref: { $exists: false } }, { $set: { ref } }, { returnDocument: 'after' }).lean<Application>()
  return updated ?? ((await getApplication(app._id)) as Application)
}

/**
 * The submitter draws the number a moment after the status change; another request waits for it.
 * If the submitter died in between (the number never came), the application gets one here.
 */
async function awaitReference(app: Application) {
  let current = app
  const deadline = Date.now() + 3000
  while (!current.ref && current.status !== 'draft') {
    if (Date.now() > deadline || Date.now() - new Date(current.submittedAt ?? 0).getTime() > 15_000) return assignReference(current)
    await new Promise((resolve) => setTimeout(resolve, 25))
    current = (await getApplication(current._id)) ?? current
  }
  return current
}

/** A submitted application without a number (its submitter crashed mid-way) gets one when it is next opened. */
export async function ensureReference(app: Application) {
  if (app.ref || app.status === 'draft') return app
  return awaitReference(app)
}

function bakuYear(at: Date) {
  return new Date(at.getTime() + 4 * 3_600_000).getUTCFullYear()
}

/**
 * Assigns a reviewer. A submitted application moves to "in review"; one already in review or on the
 * waitlist only changes hands. `expectedAssigneeId` (what the page showed) keeps two leads from
 * silently overwriting each other.
 */
export async function assignApplication(
  appId: unknown,
  assignee: Person,
  actor: Actor,
  { expectedRev }: { expectedRev?: number } = {},
): Promise<{ ok: true; app: Application } | Failure<'not_found' | 'not_assignable' | 'stale'>> {
  const current = await getApplication(appId)
  if (!current) return { ok: false, reason: 'not_found' }
  if (!['submitted', 'in_review', 'waitlisted'].includes(current.status)) return { ok: false, reason: 'not_assignable' }
  const startsReview = current.status === 'submitted'
  const note = assignee.name
  const filter: Record<string, unknown> = { _id: current._id, status: current.status }
  if (expectedRev !== undefined) filter.rev = expectedRev
  const app = await ApplicationModel.findOneAndUpdate(
    filter,
    {
      $set: { assigneeId: oid(assignee._id), assigneeName: assignee.name, ...(startsReview ? { status: 'in_review', reviewStartedAt: new Date() } : {}) },
      $push: { history: historyEntry(startsReview ? 'review_started' : 'assigned', startsReview ? 'in_review' : current.status, actor, note) },
      $inc: { rev: 1 },
    },
    { returnDocument: 'after' },
  ).lean<Application>()
  if (!app) return { ok: false, reason: 'stale' }
  await recordAudit({
    actor,
    action: startsReview ? 'application.review_started' : 'application.assigned',
    subject: { type: 'Application', id: app._id },
    before: { status: current.status, assignee: current.assigneeName || null },
    after: { status: app.status, assignee: assignee.name },
  })
  return { ok: true, app }
}

const REVIEWING: ApplicationStatus[] = ['in_review', 'waitlisted']

export async function setChecklistItem(
  appId: unknown,
  item: string,
  { done, note }: { done: boolean; note: string },
  actor: Actor,
): Promise<{ ok: true; app: Application } | Failure<'not_found' | 'unknown_item' | 'not_in_review'>> {
  const current = await getApplication(appId)
  if (!current) return { ok: false, reason: 'not_found' }
  if (!applicationKind(current.kind).checklist.includes(item)) return { ok: false, reason: 'unknown_item' }
  const entry: ChecklistItem = { done, note, byId: actor?._id ? oid(actor._id) : null, byName: actor?.name ?? '', at: new Date() }
  const app = await ApplicationModel.findOneAndUpdate(
    { _id: current._id, status: { $in: REVIEWING } },
    {
      $set: { [`checklist.${item}`]: entry },
      $push: { history: historyEntry(done ? 'checklist_done' : 'checklist_undone', current.status, actor, `${item}${note ? `: ${note}` : ''}`, true) },
      $inc: { rev: 1 },
    },
    { returnDocument: 'after' },
  ).lean<Application>()
  if (!app) return { ok: false, reason: 'not_in_review' }
  await recordAudit({
    actor,
    action: 'application.checklist',
    subject: { type: 'Application', id: app._id },
    before: { [item]: current.checklist?.[item]?.done ?? false },
    after: { [item]: done, note },
  })
  return { ok: true, app }
}

export async function scheduleAppointment(
  appId: unknown,
  input: { kind: string; at: Date; place: string; note?: string },
  actor: Actor,
  now = new Date(),
): Promise<{ ok: true; app: Application; appointment: Appointment } | Failure<'not_found' | 'unknown_kind' | 'in_past' | 'not_in_review'>> {
  const current = await getApplication(appId)
  if (!current) return { ok: false, reason: 'not_found' }
  if (!applicationKind(current.kind).appointmentKinds.includes(input.kind)) return { ok: false, reason: 'unknown_kind' }
  if (input.at.getTime() <= now.getTime()) return { ok: false, reason: 'in_past' }
  const appointment: Appointment = {
    id: crypto.randomUUID(),
    kind: input.kind,
    at: input.at,
    place: input.place,
    note: input.note ?? '',
    byId: actor?._id ? oid(actor._id) : null,
    byName: actor?.name ?? '',
    createdAt: now,
  }
  const app = await ApplicationModel.findOneAndUpdate(
    { _id: current._id, status: { $in: REVIEWING } },
    {
      $push: { appointments: appointment, history: historyEntry(`${input.kind}_scheduled`, current.status, actor, `${input.place}`) },
      $inc: { rev: 1 },
    },
    { returnDocument: 'after' },
  ).lean<Application>()
  if (!app) return { ok: false, reason: 'not_in_review' }
  await recordAudit({ actor, action: 'application.appointment_scheduled', subject: { type: 'Application', id: app._id }, after: { kind: input.kind, at: input.at, place: input.place } })
  return { ok: true, app, appointment }
}

/**
 * Decides an application. The decision is one conditional update from an allowed status (and, when
 * given, the revision the case manager saw), so it is made once even when two people click at once.
 * Acceptance then runs the programme's effects (ABAD: the family record), each step idempotent; a
 * retry that finds the same decision with unfinished effects completes them.
 */
export async function decideApplication(
  appId: unknown,
  input: { outcome: DecisionOutcome; reason: string; message: string },
  actor: Actor,
  { expectedRev }: { expectedRev?: number } = {},
): Promise<{ ok: true; app: Application; resumed: boolean } | Failure<'not_found' | 'not_allowed' | 'already_decided' | 'stale'>> {
  const current = await getApplication(appId)
  if (!current) return { ok: false, reason: 'not_found' }
  const def = applicationKind(current.kind)
  if (current.status === input.outcome && current.decision && !current.decision.effectsDoneAt) {
    return { ok: true, app: await completeDecision(current, actor), resumed: true }
  }
  const from = def.decisions[input.outcome]
  if (!from.includes(current.status)) {
    return { ok: false, reason: (DECISION_OUTCOMES as readonly string[]).includes(current.status) && current.status !== 'waitlisted' ? 'already_decided' : 'not_allowed' }
  }
  const now = new Date()
  const filter: Record<string, unknown> = { _id: current._id, status: { $in: from } }
  if (expectedRev !== undefined) filter.rev = expectedRev
  const set: Record<string, unknown> = {
    status: input.outcome,
    decidedAt: now,
    decision: {
      outcome: input.outcome,
      reason: input.reason,
      message: input.message,
      byId: actor?._id ? oid(actor._id) : null,
      byName: actor?.name ?? '',
      at: now,
      effectsDoneAt: null,
      notifiedAt: null,
    },
  }
  // the household's id is fixed with the decision, so a retried acceptance finds the same family
  if (input.outcome === 'accepted' && !current.familyId) set.familyId = new mongoose.Types.ObjectId()
  const update: Record<string, unknown> = {
    $set: set,
    $push: { history: historyEntry('decided', input.outcome, actor, input.reason) },
    $inc: { rev: 1 },
  }
  // a rejected applicant may apply again later
  if (input.outcome === 'rejected') update.$unset = { openKey: 1 }
  const app = await ApplicationModel.findOneAndUpdate(filter, update, { returnDocument: 'after' }).lean<Application>()
  if (!app) {
    const latest = await getApplication(current._id)
    if (latest && latest.status !== current.status) return { ok: false, reason: 'already_decided' }
    return { ok: false, reason: 'stale' }
  }
  await recordAudit({
    actor,
    action: `application.${input.outcome}`,
    subject: { type: 'Application', id: app._id },
    before: { status: current.status },
    after: { status: app.status, familyId: app.familyId ? String(app.familyId) : null },
    reason: input.reason,
  })
  return { ok: true, app: await completeDecision(app, actor), resumed: false }
}

/** Runs what a decision opens (idempotent), then marks it done. */
export async function completeDecision(app: Application, actor: Actor) {
  if (!app.decision || app.decision.effectsDoneAt) return app
  if (app.decision.outcome === 'accepted') await applicationKind(app.kind).onAccept(app, actor)
  const done = await ApplicationModel.findOneAndUpdate(
    { _id: app._id, 'decision.effectsDoneAt': null, status: app.status },
    { $set: { 'decision.effectsDoneAt': new Date() } },
    { returnDocument: 'after' },
  ).lean<Application>()
  return done ?? ((await getApplication(app._id)) as Application)
}

/**
 * Claims the right to send the decision message: true once per decision, so a retried request
 * does not mail the family twice.
 */
export async function claimDecisionNotice(appId: Types.ObjectId | string) {
  const result = await ApplicationModel.updateOne({ _id: appId, decision: { $ne: null }, 'decision.notifiedAt': null }, { $set: { 'decision.notifiedAt': new Date() } })
  return result.modifiedCount === 1
}

/** A waitlisted application goes back into review (a place opened up, new information arrived). */
export async function reopenApplication(
  appId: unknown,
  actor: Actor,
  note = '',
): Promise<{ ok: true; app: Application } | Failure<'not_found' | 'not_allowed'>> {
  const current = await getApplication(appId)
  if (!current) return { ok: false, reason: 'not_found' }
  const app = await ApplicationModel.findOneAndUpdate(
    { _id: current._id, status: 'waitlisted' },
    { $set: { status: 'in_review', decision: null, decidedAt: null }, $push: { history: historyEntry('reopened', 'in_review', actor, note) }, $inc: { rev: 1 } },
    { returnDocument: 'after' },
  ).lean<Application>()
  if (!app) return { ok: false, reason: 'not_allowed' }
  await recordAudit({ actor, action: 'application.reopened', subject: { type: 'Application', id: app._id }, before: { status: 'waitlisted' }, after: { status: 'in_review' }, reason: note })
  return { ok: true, app }
}

export type QueueFilters = {
  kind: ApplicationKind
  region?: string
  status?: ApplicationStatus
  age?: (typeof QUEUE_AGES)[number]
  need?: string
  assignee?: 'me' | 'unassigned'
  q?: string
}

function escapeRegex(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** The filter of a queue: the caller's permission scope AND the chosen filters (never spread together). */
function queueFilter(scope: Record<string, unknown>, filters: QueueFilters, { withStatus = true, userId, decisionDays, now = new Date() }: { withStatus?: boolean; userId?: string; decisionDays: number; now?: Date }) {
  const and: Record<string, unknown>[] = [scope, { kind: filters.kind }, { status: { $ne: 'draft' } }]
  if (filters.region) and.push({ region: filters.region })
  if (withStatus && filters.status) and.push({ status: filters.status })
  if (filters.need) and.push({ needs: filters.need })
  if (filters.assignee === 'me' && userId) and.push({ assigneeId: oid(userId) })
  if (filters.assignee === 'unassigned') and.push({ assigneeId: null })
  if (filters.q) {
    const pattern = { $regex: escapeRegex(filters.q.trim()), $options: 'i' }
    and.push({ $or: [{ ref: pattern }, { applicantName: pattern }, { 'answers.household.village': pattern }] })
  }
  if (filters.age) {
    const overdueLine = overdueBefore(decisionDays, now)
    // "due soon": within the last two working days of the target
    const soonLine = overdueBefore(Math.max(0, decisionDays - 2), now)
    and.push({ status: { $in: UNDECIDED_STATUSES } })
    if (filters.age === 'overdue') and.push({ submittedAt: { $lt: overdueLine } })
    if (filters.age === 'due_soon') and.push({ submittedAt: { $gte: overdueLine, $lt: soonLine } })
    if (filters.age === 'on_time') and.push({ submittedAt: { $gte: soonLine } })
  }
  return { $and: and }
}

const QUEUE_FIELDS =
  'kind ref status region needs applicantName submittedAt decidedAt assigneeId assigneeName answers.household.village answers.household.womenLed answers.business.category answers.business.products rev'

/** A page of the review queue, with the number of applications per status under the same filters. */
export async function listApplicationQueue({
  scope,
  filters,
  sort = 'submittedAt',
  dir = 1,
  page = 1,
  perPage = 20,
  userId,
  decisionDays,
  now = new Date(),
}: {
  scope: Record<string, unknown>
  filters: QueueFilters
  sort?: QueueSort
  dir?: 1 | -1
  page?: number
  perPage?: number
  userId?: string
  decisionDays: number
  now?: Date
}) {
  const filter = queueFilter(scope, filters, { userId, decisionDays, now })
  const countFilter = queueFilter(scope, filters, { withStatus: false, userId, decisionDays, now })
  const [items, total, counts] = await Promise.all([
    ApplicationModel.find(filter)
      .select(QUEUE_FIELDS)
      .sort({ [sort]: dir, _id: 1 })
      .skip((Math.max(1, page) - 1) * perPage)
      .limit(perPage)
      .lean<Application[]>(),
    ApplicationModel.countDocuments(filter),
    // aggregate does not cast like find: the filter is cast to the schema first (ObjectIds, dates)
    ApplicationModel.aggregate<{ _id: ApplicationStatus; n: number }>([
      { $match: ApplicationModel.find().cast(ApplicationModel, countFilter) },
      { $group: { _id: '$status', n: { $sum: 1 } } },
    ]),
  ])
  const byStatus = Object.fromEntries(APPLICATION_STATUSES.filter((s) => s !== 'draft').map((s) => [s, 0])) as Record<ApplicationStatus, number>
  for (const row of counts) byStatus[row._id] = row.n
  return { items, total, page, perPage, byStatus }
}
