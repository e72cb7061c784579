import { Types } from 'mongoose'
import { addDaysToKey, dayKeyOf, zonedToUtc } from '#app/utils/zoned-time'
import { createCourse, type CourseInput } from '#models/course.server'
import { FamilyModel } from '#models/family.server'
import { createPlace, getPlaceByCode, type Place } from '#models/place.server'
import { createResource, type ResourceInput } from '#models/resource.server'
import { createSlot, type Slot } from '#models/slot.server'
import { addRunSession, createRun } from '#models/training.server'
import { makeUser } from './users'

/**
 * Builders for the booking engine and training: places, resources with rules, slots a number of
 * days ahead (Baku wall time), active families in bulk, courses and runs. The demo seed uses them.
 */

let seq = 0
const next = () => ++seq

export async function makePlace(overrides: Partial<Omit<Place, '_id'>> = {}) {
  const code = overrides.code ?? `P${next()}-${Date.now().toString(36)}`
  const existing = await getPlaceByCode(code)
  if (existing) return existing
  return createPlace({
    kind: overrides.kind ?? 'hq',
    code,
    name: overrides.name ?? { az: `Məkan ${code}`, en: `Place ${code}`, ru: `Место ${code}` },
    region: overrides.region ?? 'Baku',
    address: overrides.address ?? '',
    timezone: overrides.timezone ?? 'Asia/Baku',
    openingHours: overrides.openingHours ?? [],
    closedDays: overrides.closedDays ?? [],
  })
}

export async function makeResource(overrides: Partial<ResourceInput> = {}) {
  const placeId = overrides.placeId ?? (await makePlace())._id
  const n = next()
  return createResource({
    kind: overrides.kind ?? 'desk',
    placeId,
    code: overrides.code ?? `R${n}`,
    name: overrides.name ?? { az: `Resurs ${n}`, en: `Resource ${n}`, ru: `Ресурс ${n}` },
    capacity: overrides.capacity ?? 4,
    rules: overrides.rules ?? {},
    staffIds: overrides.staffIds ?? [],
    ref: overrides.ref,
  })
}

/** Today's date on the wall clock of a zone, plus days. */
export function localDayFromNow(days: number, timeZone = 'Asia/Baku') {
  return addDaysToKey(dayKeyOf(new Date(), timeZone), days)
}

/** A slot `daysAhead` days from today, between two wall-clock times of the place (Baku by default). */
export async function makeSlot(
  resourceId: Types.ObjectId | string,
  { daysAhead = 3, starts = '10:00', ends = '12:00', capacity, staffId, timeZone = 'Asia/Baku' }: { daysAhead?: number; starts?: string; ends?: string; capacity?: number; staffId?: Types.ObjectId | string | null; timeZone?: string } = {},
) {
  const day = localDayFromNow(daysAhead, timeZone)
  const result = await createSlot({ resourceId, startsAt: zonedToUtc(day, starts, timeZone), endsAt: zonedToUtc(day, ends, timeZone), capacity, staffId }, null)
  if (!result.ok) throw new Error(`could not create the slot: ${result.reason}`)
  return result.slot as Slot
}

/** A slot at exact instants (for sessions that start in a few minutes). */
export async function makeSlotAt(resourceId: Types.ObjectId | string, startsAt: Date, minutes = 60, capacity?: number, staffId?: Types.ObjectId | string | null) {
  const result = await createSlot({ resourceId, startsAt, endsAt: new Date(startsAt.getTime() + minutes * 60_000), capacity, staffId }, null)
  if (!result.ok) throw new Error(`could not create the slot: ${result.reason}`)
  return result.slot as Slot
}

export async function makeActiveFamily(overrides: { name?: string; region?: string; status?: 'active' | 'suspended' | 'left'; withMember?: boolean; email?: string } = {}) {
  const family = (await FamilyModel.create({ name: overrides.name ?? `Ailə ${next()}`, region: overrides.region ?? 'Baku', status: overrides.status ?? 'active' })).toObject()
  const member = overrides.withMember ? await makeUser({ roles: ['family'], familyId: family._id, email: overrides.email, name: `${family.name} üzvü` }) : null
  return { family, member, holder: { kind: 'family' as const, id: family._id } }
}

/** Many active families at once (concurrency tests): one insertMany. */
export async function makeFamilies(count: number) {
  const docs = Array.from({ length: count }, (_, i) => ({ _id: new Types.ObjectId(), name: `Bulk ailə ${i + 1}`, region: 'Baku', status: 'active', members: [], products: [] }))
  await FamilyModel.insertMany(docs)
  return docs.map((doc) => ({ kind: 'family' as const, id: doc._id }))
}

export async function makeTrainingCourse(overrides: Partial<CourseInput> = {}) {
  const n = next()
  const title = `Course ${n}`
  return createCourse(
    {
      code: overrides.code ?? `COURSE-${n}-${Date.now().toString(36)}`,
      title: overrides.title ?? { az: `Kurs ${n}`, en: title, ru: `Курс ${n}` },
      description: overrides.description ?? { az: '', en: '', ru: '' },
      topic: overrides.topic ?? 'food_hygiene',
      sessionsCount: overrides.sessionsCount ?? 2,
      passRule: overrides.passRule ?? { minAttendancePct: 80, requiresPass: true },
      certificateValidityMonths: overrides.certificateValidityMonths ?? 24,
      qualifiesForLines: overrides.qualifiesForLines ?? [],
      trainerId: overrides.trainerId ?? null,
    },
    null,
  )
}

/** A run with sessions at the given instants (or one per day from `daysAhead`). */
export async function makeRun({
  course,
  capacity = 3,
  trainerId,
  placeId,
  sessions,
  daysAhead = 3,
  count,
}: {
  course?: Awaited<ReturnType<typeof makeTrainingCourse>>
  capacity?: number
  trainerId?: Types.ObjectId | string | null
  placeId?: Types.ObjectId | string
  sessions?: { startsAt: Date; endsAt: Date }[]
  daysAhead?: number
  count?: number
} = {}) {
  const theCourse = course ?? (await makeTrainingCourse())
  const place = placeId ? { _id: placeId } : await makePlace()
  const created = await createRun({ courseId: theCourse._id, placeId: place._id, capacity, trainerId: trainerId ?? null }, null)
  if (!created.ok) throw new Error('could not create the run')
  const periods =
    sessions ??
    Array.from({ length: count ?? theCourse.sessionsCount }, (_, i) => {
      const day = localDayFromNow(daysAhead + i)
      return { startsAt: zonedToUtc(day, '10:00', 'Asia/Baku'), endsAt: zonedToUtc(day, '13:00', 'Asia/Baku') }
    })
  for (const period of periods) {
    const result = await addRunSession(created.run._id, period, null)
    if (!result.ok) throw new Error(`could not add a session: ${result.reason}`)
  }
  return { course: theCourse, run: created.run }
}

export async function makeTrainer(name = `Trainer ${next()}`) {
  return makeUser({ roles: ['trainer'], name })
}
