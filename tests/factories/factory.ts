import mongoose, { Types } from 'mongoose'
import { CertificateModel, issueCertificate } from '#models/certificate.server'
import { createCourse } from '#models/course.server'
import { nextSequence } from '#models/counter.server'
import { addLocalDays, localDay, localTime } from '#models/factory-days'
import { createFactory, createLine, type LineInput } from '#models/factory.server'
import { FamilyModel } from '#models/family.server'
import { getPlaceByCode } from '#models/place.server'
import { createSlot, type Slot } from '#models/slot.server'
import { makeUser } from './users'

/**
 * Builders for the factory floor: a factory with a line that needs a course certificate, a
 * technician, families with certificates and products, and shifts. The demo seed uses them too.
 */

let seq = 0
const next = () => ++seq

export async function makeFactory(overrides: { code?: string; kind?: 'factory' | 'centre'; region?: string; name?: { az: string; en: string; ru: string }; address?: string } = {}) {
  const code = overrides.code ?? `F${next()}${Date.now().toString(36).slice(-3).toUpperCase()}`.slice(0, 6)
  const existing = await getPlaceByCode(code)
  if (existing) return existing
  return createFactory(
    {
      kind: overrides.kind ?? 'factory',
      code,
      name: overrides.name ?? { az: `Test fabriki ${code}`, en: `Test factory ${code}`, ru: `Тестовая фабрика ${code}` },
      region: overrides.region ?? 'Guba',
      address: overrides.address ?? '',
    },
    null,
  )
}

export async function makeCourse(overrides: { code?: string; title?: string; validityMonths?: number; lines?: string[] } = {}) {
  const n = next()
  const title = overrides.title ?? `Hygiene course ${n}`
  return createCourse(
    {
      code: overrides.code ?? `TC-${n}-${Date.now().toString(36)}`,
      title: { az: title, en: title, ru: title },
      topic: 'food_hygiene',
      sessionsCount: 1,
      certificateValidityMonths: overrides.validityMonths ?? 24,
      qualifiesForLines: overrides.lines ?? [],
    },
    null,
  )
}

/** A line at a (new or given) factory; by default it needs a certificate of a new course. */
export async function makeLine(overrides: Partial<LineInput> & { placeId?: Types.ObjectId | string; courseIds?: (Types.ObjectId | string)[] } = {}) {
  const placeId = overrides.placeId ?? (await makeFactory({ code: 'GUB' }))._id
  const courseIds = overrides.courseIds ?? [(await makeCourse())._id]
  const line = await createLine(
    {
      placeId,
      code: overrides.code ?? 'JAM',
      name: overrides.name ?? { az: 'Mürəbbə xətti', en: 'Jam line', ru: 'Линия варенья' },
      capacity: overrides.capacity ?? 6,
      equipment: overrides.equipment ?? [{ az: 'Qazan', en: 'Kettle', ru: 'Котёл' }],
      productCategories: overrides.productCategories ?? ['jam', 'pickles'],
      certificateCourseIds: courseIds,
      quotaUpcoming: overrides.quotaUpcoming ?? 3,
      quotaPerWeek: overrides.quotaPerWeek ?? 0,
      minNoticeHours: overrides.minNoticeHours ?? 0,
      maxAdvanceDays: overrides.maxAdvanceDays ?? 60,
      cancelCutoffHours: overrides.cancelCutoffHours ?? 0,
      staffIds: overrides.staffIds,
    },
    null,
  )
  return { line, courseIds }
}

export async function makeTechnician(name = `Technician ${next()}`) {
  return makeUser({ roles: ['technician'], name, region: 'Guba' })
}

/** A shift `daysAhead` days from today (factory time), 09:00–13:00 unless told. */
export async function makeShift(lineId: Types.ObjectId | string, { daysAhead = 1, starts = '09:00', ends = '13:00', staffId = null as Types.ObjectId | string | null, capacity }: { daysAhead?: number; starts?: string; ends?: string; staffId?: Types.ObjectId | string | null; capacity?: number } = {}) {
  const day = addLocalDays(localDay(new Date()), daysAhead)
  const result = await createSlot({ resourceId: lineId, startsAt: localTime(day, starts), endsAt: localTime(day, ends), staffId, capacity }, null)
  if (!result.ok) throw new Error(`could not create the shift: ${result.reason}`)
  return result.slot as Slot
}

export async function makeFamily(overrides: { name?: string; region?: string } = {}) {
  const family = await FamilyModel.create({ name: overrides.name ?? `Family ${next()}`, region: overrides.region ?? 'Guba', status: 'active' })
  return family.toObject()
}

export async function certify(familyId: Types.ObjectId | string, courseId: Types.ObjectId | string, { issuedAt = new Date() }: { issuedAt?: Date } = {}) {
  return issueCertificate({ holder: { kind: 'family', id: familyId }, courseId, issuedAt }, null)
}

/** A family member who can log in. */
export async function makeFamilyMember(familyId: Types.ObjectId | string, overrides: { email?: string; name?: string; password?: string } = {}) {
  return makeUser({ roles: ['family'], familyId: new Types.ObjectId(String(familyId)), ...overrides })
}

function ean13(body12: string) {
  let sum = 0
  for (let i = 0; i < 12; i++) sum += Number(body12[i]) * (i % 2 === 0 ? 1 : 3)
  return `${body12}${(10 - (sum % 10)) % 10}`
}

/**
 * A product with one variant, written straight to the `products` collection (production reads
 * only what it needs from there), so these tests do not depend on the catalogue's workflow.
 */
export async function makeProduct(
  familyId: Types.ObjectId | string,
  overrides: { sku?: string; category?: string; title?: string; shelfLifeDays?: number | null; kind?: 'food' | 'craft' } = {},
) {
  const n = await nextSequence('test:product')
  const category = overrides.category ?? 'jam'
  const kind = overrides.kind ?? (['carpets', 'woodwork', 'souvenirs'].includes(category) ? 'craft' : 'food')
  const sku = overrides.sku ?? `TST-${String(n).padStart(5, '0')}`
  const title = overrides.title ?? `Product ${n}`
  const doc = {
    _id: new Types.ObjectId(),
    slug: `test-product-${n}-${Date.now().toString(36)}`,
    familyId: new Types.ObjectId(String(familyId)),
    kind,
    category,
    title: { az: title, en: title, ru: title },
    variants: [{ sku, label: { az: '370 q', en: '370 g', ru: '370 г' }, barcode: ean13(`299${String(n).padStart(9, '0')}`), retailPrice: 900, wholesalePrice: 600, craftStock: 0 }],
    food: kind === 'food' ? { shelfLifeDays: overrides.shelfLifeDays === undefined ? 365 : overrides.shelfLifeDays } : undefined,
    status: 'draft',
    createdAt: new Date(),
    updatedAt: new Date(),
  }
  await mongoose.connection.db!.collection('products').insertOne(doc)
  return { ...doc, sku }
}

/** Many certified families with a product each, inserted in bulk (for the concurrency tests). */
export async function makeCertifiedFamilies(count: number, courseId: Types.ObjectId | string) {
  const families = Array.from({ length: count }, (_, i) => ({ _id: new Types.ObjectId(), name: `Bulk family ${i + 1}`, region: 'Guba', status: 'active', members: [], products: [] }))
  await FamilyModel.insertMany(families)
  const now = new Date()
  await CertificateModel.insertMany(
    families.map((f, i) => ({
      code: `BULK-${Date.now().toString(36)}-${i}`,
      holder: { kind: 'family', id: f._id },
      courseId,
      issuedAt: new Date(now.getTime() - 86_400_000),
      expiresAt: null,
    })),
  )
  const base = await nextSequence('test:product:bulk')
  const products = families.map((f, i) => {
    const n = base * 10_000 + i
    return {
      _id: new Types.ObjectId(),
      slug: `bulk-${n}-${Date.now().toString(36)}`,
      familyId: f._id,
      kind: 'food',
      category: 'jam',
      title: { az: `Mürəbbə ${i}`, en: `Jam ${i}`, ru: `Варенье ${i}` },
      variants: [{ sku: `BLK-${n}`, label: { az: '', en: '', ru: '' }, barcode: ean13(`298${String(n).padStart(9, '0')}`), retailPrice: 900, wholesalePrice: 600, craftStock: 0 }],
      food: { shelfLifeDays: 365 },
      status: 'draft',
    }
  })
  await mongoose.connection.db!.collection('products').insertMany(products)
  return families.map((f, i) => ({ familyId: f._id, sku: products[i].variants[0].sku }))
}
