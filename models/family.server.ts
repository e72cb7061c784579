import mongoose, { Schema, type InferSchemaType, type Model, type Types } from 'mongoose'
import { recordAudit, type Actor } from './audit.server'
import { UserModel } from './user.server'

/**
 * A household accepted into ABAD. Created when a case manager accepts its application; several
 * user accounts (users.familyId) act for it.
 */
const familySchema = new Schema(
  {
    name: { type: String, required: true, trim: true },
    region: { type: String, required: true },
    village: { type: String, default: '' },
    address: { type: String, default: '' },
    phone: { type: String, default: '' },
    email: { type: String, default: '' },
    members: {
      type: [
        {
          _id: false,
          userId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
          name: { type: String, required: true },
          role: { type: String, default: 'member' },
          isLead: { type: Boolean, default: false },
          /** set while an invited adult has not yet joined */
          invitedAt: { type: Date, default: null },
          email: { type: String, default: '' },
        },
      ],
      default: [],
    },
    womenLed: { type: Boolean, default: false },
    businessKind: { type: String, enum: ['food', 'craft'], default: 'food' },
    products: { type: [String], default: [] },
    status: { type: String, enum: ['active', 'suspended', 'left'], default: 'active' },
    applicationId: { type: Schema.Types.ObjectId, ref: 'Application', default: null },
    acceptedAt: { type: Date, default: () => new Date() },
    makerPage: {
      published: { type: Boolean, default: false },
      slug: { type: String, default: undefined },
      story: { az: { type: String, default: '' }, en: { type: String, default: '' }, ru: { type: String, default: '' } },
      photo: { type: String, default: '' },
      photoType: { type: String, default: '' },
      publishedAt: { type: Date, default: null },
    },
  },
  { timestamps: true },
)
familySchema.index({ 'makerPage.slug': 1 }, { unique: true, sparse: true })
familySchema.index({ region: 1, status: 1 })
familySchema.index({ 'members.userId': 1 })

export type Family = InferSchemaType<typeof familySchema> & { _id: Types.ObjectId }
export const FamilyModel = (mongoose.models.Family as Model<Family>) ?? mongoose.model('Family', familySchema, 'families')

export async function getFamily(id: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(id)) return null
  return FamilyModel.findById(id).lean<Family>()
}

/** Only an active (accepted, not suspended) family may enrol, book and sell. */
export async function isActiveFamily(id: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(id)) return false
  return Boolean(await FamilyModel.exists({ _id: id, status: 'active' }))
}

// ── households opened by an accepted application (issue 4) ─────────────────────────────────────

export type FamilyMemberInput = { userId?: Types.ObjectId | null; name: string; role: string; isLead: boolean; email?: string }

/**
 * Creates the household with a fixed id (chosen when the application was accepted): an upsert that
 * only inserts, so running it again after a crash finds the family instead of making a second one.
 */
export async function openFamily(
  input: {
    _id: Types.ObjectId
    applicationId: Types.ObjectId
    name: string
    region: string
    village?: string
    address?: string
    phone?: string
    email?: string
    members: FamilyMemberInput[]
    womenLed: boolean
    businessKind: 'food' | 'craft'
    products: string[]
  },
  actor: Actor,
) {
  const { _id, ...fields } = input
  let created = false
  try {
    const result = await FamilyModel.updateOne(
      { _id },
      { $setOnInsert: { ...fields, members: fields.members.map((m) => ({ invitedAt: null, email: '', userId: null, ...m })), status: 'active', acceptedAt: new Date() } },
      { upsert: true },
    )
    created = result.upsertedCount === 1
  } catch (error) {
    // two retries raced on the same id: the other one inserted it
    if ((error as { code?: number }).code !== 11000) throw error
  }
  if (created) {
    await recordAudit({ actor, action: 'family.created', subject: { type: 'Family', id: _id }, after: { name: input.name, region: input.region, applicationId: String(input.applicationId) } })
  }
  return { created }
}

/** Makes a user act for a household: sets users.familyId and adds the family role; never moves someone out of another family. */
export async function linkUserToFamily(userId: Types.ObjectId | string, familyId: Types.ObjectId | string, actor: Actor) {
  const result = await UserModel.updateOne(
    { _id: userId, $or: [{ familyId: null }, { familyId }] },
    { $set: { familyId }, $addToSet: { roles: 'family' } },
  )
  if (result.matchedCount === 0) return false
  if (result.modifiedCount === 1) {
    await recordAudit({ actor, action: 'user.family_linked', subject: { type: 'User', id: String(userId) }, after: { familyId: String(familyId) } })
  }
  return true
}

export async function updateFamilyProfile(
  familyId: Types.ObjectId | string,
  changes: { name: string; phone: string; email: string; village: string; address: string; products: string[] },
  actor: Actor,
) {
  const before = await FamilyModel.findById(familyId).select('name phone email village address products').lean()
  if (!before) return null
  const after = await FamilyModel.findByIdAndUpdate(familyId, { $set: changes }, { returnDocument: 'after' }).lean<Family>()
  await recordAudit({
    actor,
    action: 'family.profile_updated',
    subject: { type: 'Family', id: String(familyId) },
    before: { name: before.name, phone: before.phone, email: before.email, village: before.village, address: before.address, products: before.products },
    after: changes,
  })
  return after
}

/** Adds an invited adult once (a second invite of the same address changes nothing). */
export async function addInvitedMember(familyId: Types.ObjectId | string, member: { userId: Types.ObjectId; name: string; email: string }, actor: Actor) {
  const result = await FamilyModel.updateOne(
    { _id: familyId, 'members.userId': { $ne: member.userId } },
    { $push: { members: { userId: member.userId, name: member.name, email: member.email, role: 'member', isLead: false, invitedAt: new Date() } } },
  )
  if (result.modifiedCount === 1) {
    await recordAudit({ actor, action: 'family.member_invited', subject: { type: 'Family', id: String(familyId) }, after: { name: member.name, email: member.email } })
  }
  return result.modifiedCount === 1
}

export async function markMemberJoined(familyId: Types.ObjectId | string, userId: Types.ObjectId | string, actor: Actor) {
  const result = await FamilyModel.updateOne({ _id: familyId, members: { $elemMatch: { userId, invitedAt: { $ne: null } } } }, { $set: { 'members.$.invitedAt': null } })
  if (result.modifiedCount === 1) await recordAudit({ actor, action: 'family.member_joined', subject: { type: 'Family', id: String(familyId) }, after: { userId: String(userId) } })
}

const TRANSLIT: Record<string, string> = { ə: 'e', ı: 'i', ö: 'o', ü: 'u', ş: 's', ç: 'c', ğ: 'g', а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'sch', ы: 'y', э: 'e', ю: 'yu', я: 'ya' }

export function slugify(text: string) {
  const base = text
    .toLocaleLowerCase('az')
    .replace(/i̇/g, 'i')
    .split('')
    .map((char) => TRANSLIT[char] ?? char)
    .join('')
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return base || 'family'
}

/**
 * The public maker page: shown on the storefront only while `published`. The slug is chosen once,
 * at the first publication, and kept (links stay valid); a taken slug gets a short suffix.
 */
export async function setMakerPage(
  familyId: Types.ObjectId | string,
  input: { published: boolean; story: { az: string; en: string; ru: string } },
  actor: Actor,
) {
  const family = await FamilyModel.findById(familyId).select('name region makerPage').lean<Family>()
  if (!family) return null
  const set: Record<string, unknown> = { 'makerPage.story': input.story, 'makerPage.published': input.published }
  if (input.published && !family.makerPage?.published) set['makerPage.publishedAt'] = new Date()
  for (let attempt = 0; attempt < 5; attempt++) {
    if (!family.makerPage?.slug) set['makerPage.slug'] = attempt === 0 ? slugify(`${family.name} ${family.region}`) : `${slugify(`${family.name} ${family.region}`)}-${Math.random().toString(36).slice(2, 6)}`
    try {
      const after = await FamilyModel.findByIdAndUpdate(familyId, { $set: set }, { returnDocument: 'after' }).lean<Family>()
      if (Boolean(family.makerPage?.published) !== input.published) {
        await recordAudit({ actor, action: input.published ? 'family.maker_page_published' : 'family.maker_page_hidden', subject: { type: 'Family', id: String(familyId) } })
      }
      return after
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error
    }
  }
  throw new Error('could not find a free maker page address')
}

export async function setMakerPhoto(familyId: Types.ObjectId | string, photo: { id: string; type: string }, actor: Actor) {
  const before = await FamilyModel.findById(familyId).select('makerPage.photo').lean<Family>()
  if (!before) return null
  await FamilyModel.updateOne({ _id: familyId }, { $set: { 'makerPage.photo': photo.id, 'makerPage.photoType': photo.type } })
  await recordAudit({ actor, action: 'family.maker_photo_changed', subject: { type: 'Family', id: String(familyId) } })
  return { previous: before.makerPage?.photo || null }
}

/** What the storefront may show about a maker: nothing unless the family published it. */
export async function getPublishedMakerPage(slug: string) {
  return FamilyModel.findOne({ 'makerPage.slug': slug, 'makerPage.published': true, status: 'active' })
    .select('name region village womenLed businessKind products makerPage')
    .lean<Family>()
}

/** The accounts that act for a household (joined or still invited). */
export async function listFamilyAccounts(familyId: Types.ObjectId | string) {
  return UserModel.find({ familyId }).select('name email status locale').sort({ createdAt: 1 }).lean()
}

/** The household that invited this account and is waiting for it to join. */
export async function getInvitingFamily(userId: Types.ObjectId | string) {
  return FamilyModel.findOne({ members: { $elemMatch: { userId, invitedAt: { $ne: null } } } }).select('name region members').lean<Family>()
}
