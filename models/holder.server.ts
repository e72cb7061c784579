import mongoose, { type Types } from 'mongoose'
import { FamilyModel } from './family.server'
import { UserModel } from './user.server'
import type { HolderKind } from './resource.server'

/** Who holds a booking or a certificate: a family, a start-up or one person. */
export type Holder = { kind: HolderKind; id: Types.ObjectId | string }

export function holderKey(holder: Holder) {
  return `${holder.kind}:${String(holder.id)}`
}

export function sameHolder(a: Holder, b: Holder) {
  return a.kind === b.kind && String(a.id) === String(b.id)
}

export type HolderCheck = { ok: true } | { ok: false; reason: 'holder_not_eligible' | 'suspended' }

/**
 * Only an accepted, active holder may book: a family whose application was accepted and that is
 * not suspended, an active user. Start-ups are checked by their own module once it exists.
 */
export async function checkHolder(holder: Holder): Promise<HolderCheck> {
  if (!mongoose.isValidObjectId(holder.id)) return { ok: false, reason: 'holder_not_eligible' }
  if (holder.kind === 'family') {
    const family = await FamilyModel.findById(holder.id).select('status').lean<{ status: string }>()
    if (!family) return { ok: false, reason: 'holder_not_eligible' }
    if (family.status === 'suspended') return { ok: false, reason: 'suspended' }
    return family.status === 'active' ? { ok: true } : { ok: false, reason: 'holder_not_eligible' }
  }
  if (holder.kind === 'user') {
    const user = await UserModel.findById(holder.id).select('status').lean<{ status: string }>()
    return user?.status === 'active' ? { ok: true } : { ok: false, reason: 'holder_not_eligible' }
  }
  const members = await UserModel.exists({ startupId: holder.id, status: 'active' })
  return members ? { ok: true } : { ok: false, reason: 'holder_not_eligible' }
}

export async function holderName(holder: Holder): Promise<string> {
  if (!mongoose.isValidObjectId(holder.id)) return ''
  if (holder.kind === 'family') return (await FamilyModel.findById(holder.id).select('name').lean<{ name: string }>())?.name ?? ''
  if (holder.kind === 'user') return (await UserModel.findById(holder.id).select('name').lean<{ name: string }>())?.name ?? ''
  const startup = await mongoose.connection.db?.collection('startups').findOne({ _id: new mongoose.Types.ObjectId(String(holder.id)) }, { projection: { name: 1 } })
  return (startup?.name as string | undefined) ?? ''
}

export async function holderNames(holders: Holder[]) {
  const families = holders.filter((h) => h.kind === 'family').map((h) => String(h.id))
  const users = holders.filter((h) => h.kind === 'user').map((h) => String(h.id))
  const [familyDocs, userDocs] = await Promise.all([
    families.length ? FamilyModel.find({ _id: { $in: families } }).select('name').lean<{ _id: Types.ObjectId; name: string }[]>() : [],
    users.length ? UserModel.find({ _id: { $in: users } }).select('name').lean<{ _id: Types.ObjectId; name: string }[]>() : [],
  ])
  const names = new Map<string, string>()
  for (const doc of familyDocs) names.set(`family:${doc._id}`, doc.name)
  for (const doc of userDocs) names.set(`user:${doc._id}`, doc.name)
  return names
}

/** The people to write to about a holder's bookings, each in their own language. */
export async function holderContacts(holder: Holder): Promise<{ email: string; locale: 'az' | 'en' | 'ru'; name: string }[]> {
  if (!mongoose.isValidObjectId(holder.id)) return []
  const filter =
    holder.kind === 'family' ? { familyId: holder.id } : holder.kind === 'startup' ? { startupId: holder.id } : { _id: holder.id }
  return UserModel.find({ ...filter, status: 'active' }).select('email locale name').lean<{ email: string; locale: 'az' | 'en' | 'ru'; name: string }[]>()
}
