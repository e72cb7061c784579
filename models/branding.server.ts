import mongoose, { Schema, Types, type InferSchemaType, type Model } from 'mongoose'
import { BRANDING_STATUS_KEYS, type BrandingStatusKey } from '#app/utils/catalogue'
import { recordAudit, type Actor } from './audit.server'
import { formatReference, nextSequence } from './counter.server'
import { UserModel } from './user.server'

/**
 * ABAD designs a family's brand: the family opens a request with a brief, a designer takes it and
 * uploads proposals (each a new version, kept), the family comments or approves one, and a brand
 * lead approves it. The approved version becomes a `brands` document that products use.
 *
 *   requested → in_design → proposed ↔ changes_requested → approved → lead_approved
 *
 * Every transition is one conditional update on the status it leaves, and adds the time spent in
 * that status to `timeInState` (milliseconds per status) for the monitoring pages.
 */

export const BRANDING_STATUSES = BRANDING_STATUS_KEYS
export type BrandingStatus = BrandingStatusKey
export const OPEN_BRANDING_STATUSES: readonly BrandingStatus[] = ['requested', 'in_design', 'proposed', 'changes_requested', 'approved']
export const ARTWORK_ROLES = ['logo', 'label', 'packaging'] as const
export type ArtworkRole = (typeof ARTWORK_ROLES)[number]

const artworkSchema = new Schema(
  {
    role: { type: String, enum: ARTWORK_ROLES, required: true },
    kind: { type: String, enum: ['image', 'pdf'], required: true },
    id: { type: String, required: true },
    width: { type: Number, default: null },
    height: { type: Number, default: null },
    bytes: { type: Number, default: 0 },
  },
  { _id: false },
)

const versionSchema = new Schema(
  {
    n: { type: Number, required: true },
    brandName: { type: String, required: true, trim: true },
    colours: { type: [String], default: [] },
    note: { type: String, default: '' },
    files: { type: [artworkSchema], default: [] },
    uploadedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    uploadedByName: { type: String, default: '' },
    at: { type: Date, required: true },
  },
  { _id: false },
)

const commentSchema = new Schema(
  {
    versionN: { type: Number, default: null },
    authorId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    authorName: { type: String, default: '' },
    side: { type: String, enum: ['family', 'design', 'lead'], required: true },
    kind: { type: String, enum: ['comment', 'changes', 'approval'], default: 'comment' },
    body: { type: String, default: '' },
    at: { type: Date, required: true },
  },
  { _id: false },
)

const historySchema = new Schema(
  {
    status: { type: String, required: true },
    at: { type: Date, required: true },
    by: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    byName: { type: String, default: '' },
    note: { type: String, default: '' },
  },
  { _id: false },
)

const brandingRequestSchema = new Schema(
  {
    ref: { type: String, required: true },
    familyId: { type: Schema.Types.ObjectId, ref: 'Family', required: true },
    familyName: { type: String, default: '' },
    requestedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    title: { type: String, required: true, trim: true },
    brief: {
      story: { type: String, default: '' },
      audience: { type: String, default: '' },
      colours: { type: String, default: '' },
      examples: { type: String, default: '' },
    },
    productIds: { type: [Schema.Types.ObjectId], default: [] },
    productsText: { type: String, default: '' },
    deadline: { type: Date, default: null },
    status: { type: String, enum: BRANDING_STATUSES, default: 'requested' },
    statusSince: { type: Date, required: true },
    timeInState: { type: Schema.Types.Mixed, default: () => ({}) },
    designerId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    designerName: { type: String, default: '' },
    versionCount: { type: Number, default: 0 },
    versions: { type: [versionSchema], default: [] },
    comments: { type: [commentSchema], default: [] },
    history: { type: [historySchema], default: [] },
    approvedVersion: { type: Number, default: null },
    familyApprovedAt: { type: Date, default: null },
    familyApprovedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    leadApprovedAt: { type: Date, default: null },
    leadApprovedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    brandId: { type: Schema.Types.ObjectId, ref: 'Brand', default: null },
  },
  { timestamps: true },
)
brandingRequestSchema.index({ ref: 1 }, { unique: true })
brandingRequestSchema.index({ familyId: 1, createdAt: -1 })
brandingRequestSchema.index({ status: 1, designerId: 1 })

export type BrandingRequest = InferSchemaType<typeof brandingRequestSchema> & { _id: Types.ObjectId; createdAt: Date; updatedAt: Date; timeInState: Partial<Record<BrandingStatus, number>> }
export type BrandingVersion = BrandingRequest['versions'][number]
export const BrandingRequestModel =
  (mongoose.models.BrandingRequest as Model<BrandingRequest>) ?? mongoose.model('BrandingRequest', brandingRequestSchema, 'brandingRequests')

const brandSchema = new Schema(
  {
    familyId: { type: Schema.Types.ObjectId, ref: 'Family', required: true },
    name: { type: String, required: true, trim: true },
    logo: { id: { type: String, default: '' }, kind: { type: String, default: 'image' }, width: { type: Number, default: null }, height: { type: Number, default: null } },
    labelTemplate: { id: { type: String, default: '' }, kind: { type: String, default: 'image' }, width: { type: Number, default: null }, height: { type: Number, default: null } },
    packaging: { id: { type: String, default: '' }, kind: { type: String, default: 'image' }, width: { type: Number, default: null }, height: { type: Number, default: null } },
    colours: { type: [String], default: [] },
    status: { type: String, enum: ['active', 'retired'], default: 'active' },
    requestId: { type: Schema.Types.ObjectId, ref: 'BrandingRequest', required: true },
    versionN: { type: Number, default: null },
    approvedAt: { type: Date, required: true },
    approvedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { timestamps: true },
)
// one brand per approved request: a retried lead approval finds the first
brandSchema.index({ requestId: 1 }, { unique: true })
brandSchema.index({ familyId: 1, status: 1 })

export type BrandFile = { id: string; kind: string; width: number | null; height: number | null }
export type Brand = Omit<InferSchemaType<typeof brandSchema>, 'logo' | 'labelTemplate' | 'packaging'> & { _id: Types.ObjectId; logo: BrandFile; labelTemplate: BrandFile; packaging: BrandFile }
export const BrandModel = (mongoose.models.Brand as Model<Brand>) ?? mongoose.model('Brand', brandSchema, 'brands')

export const HEX_COLOUR = /^#[0-9a-f]{6}$/i

/* ───────────────────────── reading ───────────────────────── */

export async function getBrandingRequest(id: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(id)) return null
  return BrandingRequestModel.findById(id).lean<BrandingRequest>()
}

const LIST_FIELDS = 'ref familyId familyName title status statusSince deadline designerId designerName versionCount createdAt updatedAt'
export type BrandingListItem = Pick<BrandingRequest, '_id' | 'ref' | 'familyId' | 'familyName' | 'title' | 'status' | 'statusSince' | 'deadline' | 'designerId' | 'designerName' | 'versionCount' | 'createdAt' | 'updatedAt'>

/** `scope` is the permission filter (accessibleBy), combined with the user's filters by `$and`. */
export async function listBrandingRequests(
  scope: Record<string, unknown>,
  { status, designerId, unassigned, page = 1, perPage = 25 }: { status?: string; designerId?: string; unassigned?: boolean; page?: number; perPage?: number } = {},
) {
  const and: Record<string, unknown>[] = [scope]
  if (status === 'open') and.push({ status: { $in: OPEN_BRANDING_STATUSES } })
  else if (status && (BRANDING_STATUSES as readonly string[]).includes(status)) and.push({ status })
  if (designerId && mongoose.isValidObjectId(designerId)) and.push({ designerId: new Types.ObjectId(designerId) })
  if (unassigned) and.push({ designerId: null })
  const filter = { $and: and }
  const [items, total] = await Promise.all([
    BrandingRequestModel.find(filter)
      .select(LIST_FIELDS)
      .sort({ deadline: 1, createdAt: 1 })
      .skip((page - 1) * perPage)
      .limit(perPage)
      .lean<BrandingListItem[]>(),
    BrandingRequestModel.countDocuments(filter),
  ])
  return { items, total, page, perPage }
}

export async function listFamilyBrands(familyId: Types.ObjectId | string) {
  if (!mongoose.isValidObjectId(familyId)) return []
  return BrandModel.find({ familyId, status: 'active' }).sort({ approvedAt: -1 }).lean<Brand[]>()
}

export async function getBrand(id: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(id)) return null
  return BrandModel.findById(id).lean<Brand>()
}

/** Time spent in each status so far, the current one counted up to `now`. */
export function stateDurations(request: Pick<BrandingRequest, 'status' | 'statusSince' | 'timeInState'>, now = new Date()) {
  const out: Partial<Record<BrandingStatus, number>> = { ...(request.timeInState ?? {}) }
  const status = request.status as BrandingStatus
  if (status !== 'lead_approved') out[status] = (out[status] ?? 0) + Math.max(0, now.getTime() - new Date(request.statusSince).getTime())
  return out
}

/* ───────────────────────── writing ───────────────────────── */

type Result = { ok: true; request: BrandingRequest } | { ok: false; reason: 'not_found' | 'wrong_status' | 'taken' | 'no_version' | 'conflict' }

/**
 * The ids among `ids` that are products of this family: a request never points at another
 * family's products (the product model imports this module, so its collection is read directly).
 */
async function ownProductIds(familyId: Types.ObjectId | string, ids: string[]) {
  const valid = ids.filter((id) => mongoose.isValidObjectId(id)).map((id) => new Types.ObjectId(id))
  if (!valid.length || !mongoose.connection.db) return []
  const own = await mongoose.connection.db
    .collection('products')
    .find({ _id: { $in: valid }, familyId: new Types.ObjectId(String(familyId)) }, { projection: { _id: 1 } })
    .toArray()
  return own.map((product) => product._id)
}

export async function createBrandingRequest(
  input: {
    familyId: Types.ObjectId | string
    familyName: string
    title: string
    brief: { story: string; audience: string; colours: string; examples: string }
    productIds?: string[]
    productsText?: string
    deadline?: Date | null
  },
  actor: Actor,
) {
  const now = new Date()
  const productIds = await ownProductIds(input.familyId, input.productIds ?? [])
  const seq = await nextSequence(`branding:${now.getUTCFullYear()}`)
  const request = await BrandingRequestModel.create({
    ref: formatReference('BRD', now.getUTCFullYear(), seq, 5),
    familyId: input.familyId,
    familyName: input.familyName,
    requestedBy: actor?._id ?? null,
    title: input.title,
    brief: input.brief,
    productIds,
    productsText: input.productsText ?? '',
    deadline: input.deadline ?? null,
    status: 'requested',
    statusSince: now,
    history: [{ status: 'requested', at: now, by: actor?._id ?? null, byName: actor?.name ?? '', note: '' }],
  })
  await recordAudit({ actor, action: 'branding.requested', subject: { type: 'BrandingRequest', id: request._id }, after: { ref: request.ref, title: request.title } })
  return request.toObject() as BrandingRequest
}

/**
 * Moves the request from the status it was read in; the time spent there is added in the same
 * update. If someone else moved it first, nothing changes and the caller is told.
 */
async function move(
  request: BrandingRequest,
  to: BrandingStatus,
  actor: Actor,
  { note = '', set = {}, push = {}, extraQuery = {}, inc = {} }: { note?: string; set?: Record<string, unknown>; push?: Record<string, unknown>; extraQuery?: Record<string, unknown>; inc?: Record<string, number> },
) {
  const at = new Date()
  const from = request.status as BrandingStatus
  const spent = Math.max(0, at.getTime() - new Date(request.statusSince).getTime())
  const statusChanges = from !== to
  return BrandingRequestModel.findOneAndUpdate(
    { _id: request._id, status: from, ...extraQuery },
    {
      $set: { ...set, ...(statusChanges ? { status: to, statusSince: at } : {}) },
      $inc: { ...inc, ...(statusChanges ? { [`timeInState.${from}`]: spent } : {}) },
      $push: { ...push, ...(statusChanges ? { history: { status: to, at, by: actor?._id ?? null, byName: actor?.name ?? '', note } } : {}) },
    },
    { returnDocument: 'after' },
  ).lean<BrandingRequest>()
}

/** A designer takes the request (self-assign: only while nobody has it) or a lead gives it to one. */
export async function assignDesigner(requestId: string, designer: { _id: Types.ObjectId | string; name: string }, actor: Actor, { onlyIfFree = false } = {}): Promise<Result> {
  const request = await getBrandingRequest(requestId)
  if (!request) return { ok: false, reason: 'not_found' }
  if (request.status === 'lead_approved') return { ok: false, reason: 'wrong_status' }
  if (onlyIfFree && request.designerId) return { ok: false, reason: 'taken' }
  const to: BrandingStatus = request.status === 'requested' ? 'in_design' : (request.status as BrandingStatus)
  const after = await move(request, to, actor, {
    set: { designerId: new Types.ObjectId(String(designer._id)), designerName: designer.name },
    extraQuery: onlyIfFree ? { designerId: null } : { designerId: request.designerId ?? null },
  })
  if (!after) return { ok: false, reason: onlyIfFree ? 'taken' : 'conflict' }
  await recordAudit({
    actor,
    action: 'branding.assigned',
    subject: { type: 'BrandingRequest', id: request._id },
    before: { designerId: request.designerId ? String(request.designerId) : null, status: request.status },
    after: { designerId: String(designer._id), status: to },
  })
  return { ok: true, request: after }
}

export type ArtworkFile = { role: ArtworkRole; kind: 'image' | 'pdf'; id: string; width?: number | null; height?: number | null; bytes?: number }

/** A new proposal: the next version number, kept beside the earlier ones. */
export async function addVersion(
  requestId: string,
  input: { brandName: string; colours: string[]; note: string; files: ArtworkFile[] },
  actor: Actor,
): Promise<Result> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const request = await getBrandingRequest(requestId)
    if (!request) return { ok: false, reason: 'not_found' }
    if (!['in_design', 'proposed', 'changes_requested'].includes(request.status)) return { ok: false, reason: 'wrong_status' }
    const n = (request.versionCount ?? 0) + 1
    const version = { n, brandName: input.brandName, colours: input.colours, note: input.note, files: input.files, uploadedBy: actor?._id ?? null, uploadedByName: actor?.name ?? '', at: new Date() }
    // the version count read is the one replaced: two uploads at once get 2 and 3, never 2 twice
    const after = await move(request, 'proposed', actor, { extraQuery: { versionCount: request.versionCount ?? 0 }, inc: { versionCount: 1 }, push: { versions: version }, note: `v${n}` })
    if (!after) continue
    await recordAudit({ actor, action: 'branding.version_uploaded', subject: { type: 'BrandingRequest', id: request._id }, after: { n, brandName: input.brandName, files: input.files.map((file) => file.role) } })
    return { ok: true, request: after }
  }
  return { ok: false, reason: 'conflict' }
}

/** A comment on a version; from the family it may ask for changes (proposed → changes_requested). */
export async function commentOnRequest(
  requestId: string,
  input: { body: string; versionN?: number | null; side: 'family' | 'design' | 'lead'; requestChanges?: boolean },
  actor: Actor,
): Promise<Result> {
  const request = await getBrandingRequest(requestId)
  if (!request) return { ok: false, reason: 'not_found' }
  const comment = { versionN: input.versionN ?? request.versionCount ?? null, authorId: actor?._id ?? null, authorName: actor?.name ?? '', side: input.side, kind: input.requestChanges ? 'changes' : 'comment', body: input.body, at: new Date() }
  if (input.requestChanges) {
    const allowed = input.side === 'lead' ? ['approved'] : ['proposed']
    if (!allowed.includes(request.status)) return { ok: false, reason: 'wrong_status' }
    const after = await move(request, 'changes_requested', actor, { push: { comments: comment }, set: input.side === 'lead' ? { approvedVersion: null, familyApprovedAt: null } : {}, note: input.body.slice(0, 200) })
    if (!after) return { ok: false, reason: 'conflict' }
    await recordAudit({ actor, action: 'branding.changes_requested', subject: { type: 'BrandingRequest', id: request._id }, before: { status: request.status }, after: { status: 'changes_requested' }, reason: input.body })
    return { ok: true, request: after }
  }
  if (request.status === 'lead_approved') return { ok: false, reason: 'wrong_status' }
  const after = await BrandingRequestModel.findOneAndUpdate({ _id: request._id }, { $push: { comments: comment } }, { returnDocument: 'after' }).lean<BrandingRequest>()
  if (!after) return { ok: false, reason: 'not_found' }
  await recordAudit({ actor, action: 'branding.commented', subject: { type: 'BrandingRequest', id: request._id }, after: { versionN: comment.versionN } })
  return { ok: true, request: after }
}

/** The family approves one proposal; a brand lead then has the last word. */
export async function approveVersion(requestId: string, versionN: number, actor: Actor): Promise<Result> {
  const request = await getBrandingRequest(requestId)
  if (!request) return { ok: false, reason: 'not_found' }
  if (request.status !== 'proposed') return { ok: false, reason: 'wrong_status' }
  if (!request.versions.some((version) => version.n === versionN)) return { ok: false, reason: 'no_version' }
  const now = new Date()
  const after = await move(request, 'approved', actor, {
    set: { approvedVersion: versionN, familyApprovedAt: now, familyApprovedBy: actor?._id ?? null },
    push: { comments: { versionN, authorId: actor?._id ?? null, authorName: actor?.name ?? '', side: 'family', kind: 'approval', body: '', at: now } },
    note: `v${versionN}`,
  })
  if (!after) return { ok: false, reason: 'conflict' }
  await recordAudit({ actor, action: 'branding.family_approved', subject: { type: 'BrandingRequest', id: request._id }, before: { status: request.status }, after: { status: 'approved', versionN } })
  return { ok: true, request: after }
}

/** The brand lead's approval: the approved version becomes the family's brand (once, even if clicked twice). */
export async function leadApprove(requestId: string, actor: Actor): Promise<Result & { brand?: Brand }> {
  const request = await getBrandingRequest(requestId)
  if (!request) return { ok: false, reason: 'not_found' }
  if (request.status !== 'approved' || !request.approvedVersion) return { ok: false, reason: 'wrong_status' }
  const version = request.versions.find((entry) => entry.n === request.approvedVersion)
  if (!version) return { ok: false, reason: 'no_version' }
  const now = new Date()
  const after = await move(request, 'lead_approved', actor, { set: { leadApprovedAt: now, leadApprovedBy: actor?._id ?? null } })
  if (!after) return { ok: false, reason: 'conflict' }
  const file = (role: ArtworkRole) => {
    const found = version.files.find((entry) => entry.role === role)
    return found ? { id: found.id, kind: found.kind, width: found.width ?? null, height: found.height ?? null } : { id: '', kind: 'image', width: null, height: null }
  }
  const brand = await BrandModel.findOneAndUpdate(
    { requestId: request._id },
    {
      $setOnInsert: {
        familyId: request.familyId,
        name: version.brandName,
        logo: file('logo'),
        labelTemplate: file('label'),
        packaging: file('packaging'),
        colours: version.colours,
        status: 'active',
        versionN: version.n,
        approvedAt: now,
        approvedBy: actor?._id ?? null,
      },
    },
    { upsert: true, returnDocument: 'after' },
  ).lean<Brand>()
  const done = await BrandingRequestModel.findOneAndUpdate({ _id: request._id }, { $set: { brandId: brand!._id } }, { returnDocument: 'after' }).lean<BrandingRequest>()
  await recordAudit({ actor, action: 'branding.lead_approved', subject: { type: 'BrandingRequest', id: request._id }, before: { status: 'approved' }, after: { status: 'lead_approved', brandId: String(brand!._id) } })
  await recordAudit({ actor, action: 'brand.created', subject: { type: 'Brand', id: brand!._id }, after: { name: brand!.name, familyId: String(brand!.familyId), colours: brand!.colours } })
  return { ok: true, request: done ?? after, brand: brand! }
}

/** Designers a lead can hand a request to. */
export async function listDesigners() {
  const designers = await UserModel.find({ roles: 'designer', status: 'active' }).select('name lead').sort({ name: 1 }).limit(200).lean()
  return designers.map((designer) => ({ id: String(designer._id), name: designer.name, lead: Boolean(designer.lead) }))
}
