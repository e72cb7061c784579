import crypto from 'node:crypto'
import mongoose, { Schema, type Model, type Types } from 'mongoose'
import { recordAudit, type Actor } from './audit.server'
import { formatReference, nextSequence } from './counter.server'
import { OPEN_SERVICE_STATUSES, SERVICE_KINDS, SERVICE_RESOLUTIONS, SERVICE_STATUSES, type SERVICE_QUEUE_SORTS, type ServiceKind, type ServiceStatus } from './service-kinds'
import { overdueBefore, workingDaysBetween } from './working-days'

export * from './service-kinds'

/**
 * ABAD's "A to Z" support for a family: business plan, accounting, legal help, marketing. A family
 * asks, staff of the matching role take the request, both sides write messages (with files) on it,
 * and staff close it with an outcome. Service time runs from the request to the close.
 */
const fileSchema = new Schema(
  { id: { type: String, required: true }, name: { type: String, required: true }, type: { type: String, required: true }, size: { type: Number, required: true } },
  { _id: false },
)

const messageSchema = new Schema(
  {
    id: { type: String, required: true },
    authorId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    authorName: { type: String, required: true },
    fromStaff: { type: Boolean, required: true },
    body: { type: String, default: '' },
    files: { type: [fileSchema], default: [] },
    at: { type: Date, required: true },
  },
  { _id: false },
)

const historySchema = new Schema(
  {
    event: { type: String, required: true },
    status: { type: String, required: true },
    at: { type: Date, required: true },
    byId: { type: Schema.Types.ObjectId, default: null },
    byName: { type: String, default: '' },
    note: { type: String, default: '' },
  },
  { _id: false },
)

const serviceRequestSchema = new Schema(
  {
    number: { type: String, required: true },
    familyId: { type: Schema.Types.ObjectId, ref: 'Family', required: true },
    familyName: { type: String, required: true },
    region: { type: String, default: null },
    kind: { type: String, enum: SERVICE_KINDS, required: true },
    title: { type: String, required: true },
    status: { type: String, enum: SERVICE_STATUSES, required: true, default: 'requested' },
    requestedById: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    requestedByName: { type: String, required: true },
    assigneeId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    assigneeName: { type: String, default: '' },
    messages: { type: [messageSchema], default: [] },
    openedAt: { type: Date, required: true },
    takenAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    resolution: { type: String, enum: [...SERVICE_RESOLUTIONS, null], default: null },
    outcome: { type: String, default: '' },
    /** when each side last read the thread: what is newer is unread */
    familyReadAt: { type: Date, default: null },
    staffReadAt: { type: Date, default: null },
    history: { type: [historySchema], default: [] },
  },
  { timestamps: true },
)
serviceRequestSchema.index({ number: 1 }, { unique: true })
serviceRequestSchema.index({ kind: 1, status: 1 })
serviceRequestSchema.index({ familyId: 1, openedAt: -1 })
serviceRequestSchema.index({ region: 1, status: 1 })

export type ServiceFile = { id: string; name: string; type: string; size: number }
export type ServiceMessage = { id: string; authorId: Types.ObjectId; authorName: string; fromStaff: boolean; body: string; files: ServiceFile[]; at: Date }
export type ServiceRequest = {
  _id: Types.ObjectId
  number: string
  familyId: Types.ObjectId
  familyName: string
  region: string | null
  kind: ServiceKind
  title: string
  status: ServiceStatus
  requestedById: Types.ObjectId
  requestedByName: string
  assigneeId: Types.ObjectId | null
  assigneeName: string
  messages: ServiceMessage[]
  openedAt: Date
  takenAt: Date | null
  closedAt: Date | null
  resolution: (typeof SERVICE_RESOLUTIONS)[number] | null
  outcome: string
  familyReadAt: Date | null
  staffReadAt: Date | null
  history: { event: string; status: ServiceStatus; at: Date; byId: Types.ObjectId | null; byName: string; note: string }[]
  createdAt: Date
  updatedAt: Date
}

export const ServiceRequestModel =
  (mongoose.models.ServiceRequest as Model<ServiceRequest>) ?? mongoose.model<ServiceRequest>('ServiceRequest', serviceRequestSchema, 'serviceRequests')

type Person = { _id: Types.ObjectId | string; name: string }
type Failure<R extends string> = { ok: false; reason: R }
const oid = (id: Types.ObjectId | string) => new mongoose.Types.ObjectId(String(id))

function entry(event: string, status: ServiceStatus, actor: Actor, note = '') {
  return { event, status, at: new Date(), byId: actor?._id ? oid(actor._id) : null, byName: actor?.name ?? '', note }
}

function message(author: Person, fromStaff: boolean, body: string, files: ServiceFile[]): ServiceMessage {
  return { id: crypto.randomUUID(), authorId: oid(author._id), authorName: author.name, fromStaff, body: body.trim(), files, at: new Date() }
}

export async function getServiceRequest(id: unknown) {
  if (typeof id !== 'string' || !mongoose.isValidObjectId(id)) return null
  return ServiceRequestModel.findById(id).lean<ServiceRequest>()
}

export async function createServiceRequest(input: {
  family: { _id: Types.ObjectId | string; name: string; region: string | null }
  kind: ServiceKind
  title: string
  body: string
  files?: ServiceFile[]
  requester: Person
}) {
  const now = new Date()
  const seq = await nextSequence(`service:${now.getUTCFullYear()}`)
  const request = await ServiceRequestModel.create({
    number: formatReference('SR', now.getUTCFullYear(), seq, 5),
    familyId: oid(input.family._id),
    familyName: input.family.name,
    region: input.family.region,
    kind: input.kind,
    title: input.title.trim(),
    status: 'requested',
    requestedById: oid(input.requester._id),
    requestedByName: input.requester.name,
    messages: [message(input.requester, false, input.body, input.files ?? [])],
    openedAt: now,
    familyReadAt: now,
    history: [entry('requested', 'requested', input.requester)],
  })
  await recordAudit({ actor: input.requester, action: 'service.requested', subject: { type: 'ServiceRequest', id: request._id }, after: { kind: input.kind, number: request.number } })
  return request.toObject() as ServiceRequest
}

/** A staff member takes a request (or a lead gives it to someone): requested → in progress, once. */
export async function takeServiceRequest(id: unknown, assignee: Person, actor: Actor): Promise<{ ok: true; request: ServiceRequest } | Failure<'not_found' | 'not_open'>> {
  const current = await getServiceRequest(id)
  if (!current) return { ok: false, reason: 'not_found' }
  if (!(OPEN_SERVICE_STATUSES as readonly string[]).includes(current.status)) return { ok: false, reason: 'not_open' }
  const starts = current.status === 'requested'
  const request = await ServiceRequestModel.findOneAndUpdate(
    { _id: current._id, status: current.status, assigneeId: current.assigneeId },
    {
      $set: { assigneeId: oid(assignee._id), assigneeName: assignee.name, ...(starts ? { status: 'in_progress', takenAt: new Date() } : {}) },
      $push: { history: entry(starts ? 'taken' : 'reassigned', 'in_progress', actor, assignee.name) },
    },
    { returnDocument: 'after' },
  ).lean<ServiceRequest>()
  if (!request) return { ok: false, reason: 'not_open' }
  await recordAudit({
    actor,
    action: starts ? 'service.taken' : 'service.reassigned',
    subject: { type: 'ServiceRequest', id: request._id },
    before: { status: current.status, assignee: current.assigneeName || null },
    after: { status: request.status, assignee: assignee.name },
  })
  return { ok: true, request }
}

/** A message on an open request; the writer has read everything up to it. */
export async function postServiceMessage(
  id: unknown,
  author: Person,
  fromStaff: boolean,
  body: string,
  files: ServiceFile[] = [],
): Promise<{ ok: true; request: ServiceRequest; message: ServiceMessage } | Failure<'not_found' | 'closed' | 'empty'>> {
  if (!body.trim() && files.length === 0) return { ok: false, reason: 'empty' }
  const current = await getServiceRequest(id)
  if (!current) return { ok: false, reason: 'not_found' }
  const posted = message(author, fromStaff, body, files)
  const request = await ServiceRequestModel.findOneAndUpdate(
    { _id: current._id, status: { $in: OPEN_SERVICE_STATUSES } },
    { $push: { messages: posted }, $set: { [fromStaff ? 'staffReadAt' : 'familyReadAt']: posted.at } },
    { returnDocument: 'after' },
  ).lean<ServiceRequest>()
  if (!request) return { ok: false, reason: 'closed' }
  await recordAudit({ actor: author, action: 'service.message', subject: { type: 'ServiceRequest', id: request._id }, after: { fromStaff, files: files.length } })
  return { ok: true, request, message: posted }
}

export async function closeServiceRequest(
  id: unknown,
  input: { resolution: (typeof SERVICE_RESOLUTIONS)[number]; outcome: string },
  actor: Actor,
): Promise<{ ok: true; request: ServiceRequest } | Failure<'not_found' | 'not_open'>> {
  const current = await getServiceRequest(id)
  if (!current) return { ok: false, reason: 'not_found' }
  const now = new Date()
  const request = await ServiceRequestModel.findOneAndUpdate(
    { _id: current._id, status: 'in_progress' },
    { $set: { status: 'closed', closedAt: now, resolution: input.resolution, outcome: input.outcome.trim() }, $push: { history: entry('closed', 'closed', actor, input.outcome) } },
    { returnDocument: 'after' },
  ).lean<ServiceRequest>()
  if (!request) return { ok: false, reason: 'not_open' }
  await recordAudit({
    actor,
    action: 'service.closed',
    subject: { type: 'ServiceRequest', id: request._id },
    before: { status: current.status },
    after: { status: 'closed', resolution: input.resolution, workingDays: Math.round(workingDaysBetween(request.openedAt, now) * 10) / 10 },
    reason: input.outcome,
  })
  return { ok: true, request }
}

/** The family withdraws a request nobody has taken yet. */
export async function cancelServiceRequest(id: unknown, actor: Actor, note = ''): Promise<{ ok: true; request: ServiceRequest } | Failure<'not_found' | 'not_cancellable'>> {
  const current = await getServiceRequest(id)
  if (!current) return { ok: false, reason: 'not_found' }
  const request = await ServiceRequestModel.findOneAndUpdate(
    { _id: current._id, status: 'requested' },
    { $set: { status: 'cancelled', closedAt: new Date() }, $push: { history: entry('cancelled', 'cancelled', actor, note) } },
    { returnDocument: 'after' },
  ).lean<ServiceRequest>()
  if (!request) return { ok: false, reason: 'not_cancellable' }
  await recordAudit({ actor, action: 'service.cancelled', subject: { type: 'ServiceRequest', id: request._id }, before: { status: 'requested' }, after: { status: 'cancelled' }, reason: note })
  return { ok: true, request }
}

export async function markServiceRead(id: Types.ObjectId | string, side: 'family' | 'staff') {
  await ServiceRequestModel.updateOne({ _id: id }, { $set: { [side === 'family' ? 'familyReadAt' : 'staffReadAt']: new Date() } })
}

/** Messages the other side wrote after this side last read the thread. */
export function unreadCount(request: Pick<ServiceRequest, 'messages' | 'familyReadAt' | 'staffReadAt'>, side: 'family' | 'staff') {
  const readAt = new Date((side === 'family' ? request.familyReadAt : request.staffReadAt) ?? 0).getTime()
  return request.messages.filter((m) => m.fromStaff === (side === 'family') && new Date(m.at).getTime() > readAt).length
}

const LIST_FIELDS = 'number familyId familyName region kind title status assigneeId assigneeName openedAt takenAt closedAt resolution familyReadAt staffReadAt messages.at messages.fromStaff'

export async function listFamilyServiceRequests(familyId: Types.ObjectId | string) {
  return ServiceRequestModel.find({ familyId: oid(familyId) }).select(LIST_FIELDS).sort({ openedAt: -1 }).lean<ServiceRequest[]>()
}

/** The staff queue: the caller's scope AND the filters, with counts per status. */
export async function listServiceQueue({
  scope,
  status,
  kind,
  region,
  assignee,
  overdue,
  userId,
  targetDays,
  sort = 'openedAt',
  dir = 1,
  page = 1,
  perPage = 20,
  now = new Date(),
}: {
  scope: Record<string, unknown>
  status?: ServiceStatus
  kind?: ServiceKind
  region?: string
  assignee?: 'me' | 'unassigned'
  overdue?: boolean
  userId?: string
  targetDays: number
  sort?: (typeof SERVICE_QUEUE_SORTS)[number]
  dir?: 1 | -1
  page?: number
  perPage?: number
  now?: Date
}) {
  const base: Record<string, unknown>[] = [scope]
  if (kind) base.push({ kind })
  if (region) base.push({ region })
  if (assignee === 'me' && userId) base.push({ assigneeId: oid(userId) })
  if (assignee === 'unassigned') base.push({ assigneeId: null })
  if (overdue) base.push({ status: { $in: OPEN_SERVICE_STATUSES }, openedAt: { $lt: overdueBefore(targetDays, now) } })
  const filter = { $and: status ? [...base, { status }] : base }
  const [items, total, counts] = await Promise.all([
    ServiceRequestModel.find(filter).select(LIST_FIELDS).sort({ [sort]: dir, _id: 1 }).skip((page - 1) * perPage).limit(perPage).lean<ServiceRequest[]>(),
    ServiceRequestModel.countDocuments(filter),
    ServiceRequestModel.aggregate<{ _id: ServiceStatus; n: number }>([
      { $match: ServiceRequestModel.find().cast(ServiceRequestModel, { $and: base }) },
      { $group: { _id: '$status', n: { $sum: 1 } } },
    ]),
  ])
  const byStatus = Object.fromEntries(SERVICE_STATUSES.map((s) => [s, 0])) as Record<ServiceStatus, number>
  for (const row of counts) byStatus[row._id] = row.n
  return { items, total, page, perPage, byStatus }
}

/** Service time in working days: to the close, or until now while open. */
export function serviceWorkingDays(request: Pick<ServiceRequest, 'openedAt' | 'closedAt'>, now = new Date()) {
  return workingDaysBetween(request.openedAt, request.closedAt ?? now)
}
