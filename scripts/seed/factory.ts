import { Types } from 'mongoose'
import { decideQc, recordBatch } from '#models/batch.server'
import { issueCertificate, hasValidCertificate } from '#models/certificate.server'
import { createCourse, getCourseByCode, type Course } from '#models/course.server'
import { addLocalDays, localDay, localTime } from '#models/factory-days'
import {
  bookShift,
  checkInFamily,
  closeLineForMaintenance,
  closeShift,
  createFactory,
  createLine,
  getLineByCode,
  getPlaceByCode,
  listFamilyProductVariants,
  markFamilyNoShow,
  planShifts,
  type Line,
  type LineInput,
} from '#models/factory.server'
import { FamilyModel } from '#models/family.server'
import { expireLots, LotModel, type LotUnit } from '#models/lot.server'
import { PlaceModel, WEEKDAY_HOURS, type Place } from '#models/place.server'
import { createProduct, ProductModel, type Category } from '#models/product.server'
import type { ProductForBatch } from '#models/product-lookup.server'
import { checklistFor } from '#models/qc-checklists'
import { SlotModel, type Slot } from '#models/slot.server'
import { UserModel } from '#models/user.server'
import { makeUser } from '#tests/factories/users'
import { DEMO_PASSWORD } from './accounts'
import { SECOND_DEMO_FAMILY_EMAIL, TRAINING_COURSE_CODES, TRAINING_PLACE_CODES } from './training'

/**
 * Factory demo data: the Guba ABAD factory and the Balakan regional centre with their lines, shifts
 * from weekly templates over the past three and the coming four weeks, and — through the real
 * booking, batch and QC functions — a history of shifts with batches and lots for the demo
 * families (one failed QC, one expired lot, one no-show), a recent shift still open on the floor
 * for the technician, upcoming bookings and a maintenance day. Food products of other maker
 * families get a lot too, so what the catalogue lists has stock.
 */

export const FACTORY_SEED = {
  balakanTechnician: 'technician.balakan@demo.abad.az',
  /** the line the browser test books and works on */
  gubaJamLine: 'JAM',
} as const

const text = (az: string, en: string, ru: string) => ({ az, en, ru })
type Actor = { _id: Types.ObjectId; name: string }
type ProductPick = Pick<ProductForBatch, 'sku' | 'category' | 'shelfLifeDays' | 'familyId'>

async function ensureUser(email: string, name: string, region: string) {
  const existing = await UserModel.findOne({ email }).lean()
  if (existing) return existing
  return (await makeUser({ email, password: DEMO_PASSWORD, name, roles: ['technician'], region, locale: 'az' })).toObject()
}

async function ensureCourse(code: string, title: ReturnType<typeof text>, topic: Course['topic']) {
  return (await getCourseByCode(code)) ?? createCourse({ code, title, topic, sessionsCount: 2, certificateValidityMonths: 24 }, null)
}

async function ensureLine(place: Place, input: Omit<LineInput, 'placeId'>, actor: Actor | null) {
  return (await getLineByCode(place._id, input.code)) ?? createLine({ ...input, placeId: place._id }, actor)
}

async function ensureCertificate(familyId: Types.ObjectId, course: Course, daysAgo: number) {
  const holder = { kind: 'family' as const, id: familyId }
  if (await hasValidCertificate(holder, course._id)) return
  await issueCertificate({ holder, courseId: course._id, issuedAt: new Date(Date.now() - daysAgo * 86_400_000) }, null)
}

async function demoProduct(familyId: Types.ObjectId, makerName: string, region: string, category: Category, title: ReturnType<typeof text>, shelfLifeDays: number, price: number) {
  const created = await createProduct(
    {
      familyId,
      makerName,
      region,
      input: { category, title, variants: [{ label: text('370 q', '370 g', '370 г'), retailPrice: price, wholesalePrice: Math.round(price * 0.7) }], food: { shelfLifeDays } },
    },
    null,
  )
  if (!created.ok) throw new Error(`demo product not created: ${created.reason}`)
}

/** Values inside every limit of the category's checklist (a good batch). */
function goodValues(category: string) {
  const values: Record<string, string> = {}
  for (const check of checklistFor(category)) values[check.key] = check.kind === 'boolean' ? 'on' : String(((check.min ?? 0) + (check.max ?? 0)) / 2)
  return values
}

const UNIT: Record<string, LotUnit> = { jam: 'jar', pickles: 'jar', beverages: 'bottle', cheese: 'kg', tea: 'pack', dried_fruit: 'pack', flour: 'kg', sausage: 'kg' }

type Production = {
  familyId: Types.ObjectId
  product: ProductPick
  line: Line
  slot: Slot
  qty: number
  outcome: 'pass' | 'fail' | 'no_show' | 'open'
  bestBeforeDays?: number
  ingredients?: { name: string; source: string }[]
  notes?: string
}

function mondayOf(day: string) {
  return addLocalDays(day, -((new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7))
}

/** Past shifts of a line in the window, oldest first. */
async function pastSlots(line: Line, fromDaysAgo: number, toDaysAgo: number) {
  const now = Date.now()
  return SlotModel.find({ resourceId: line._id, status: 'open', startsAt: { $gte: new Date(now - fromDaysAgo * 86_400_000), $lte: new Date(now - toDaysAgo * 86_400_000) } })
    .sort({ startsAt: 1 })
    .lean<Slot[]>()
}

export async function seedFactory() {
  const admin = await UserModel.findOne({ email: 'admin@demo.abad.az' }).lean()
  const actor: Actor | null = admin ? { _id: admin._id, name: admin.name } : null
  const gubaTech = await ensureUser('technician@demo.abad.az', 'Elvin Kərimov', 'Guba')
  const balakanTech = await ensureUser(FACTORY_SEED.balakanTechnician, 'Rauf Süleymanov', 'Balakan')
  const techActor = (id: Types.ObjectId | null) => (String(id) === String(balakanTech._id) ? { _id: balakanTech._id, name: balakanTech.name } : { _id: gubaTech._id, name: gubaTech.name })

  // ——— places (the training step may have made them already) ———
  const guba =
    (await PlaceModel.findOne({ kind: 'factory', region: 'Guba' }).lean<Place>()) ??
    (await createFactory(
      { kind: 'factory', code: TRAINING_PLACE_CODES.guba, name: text('ABAD Quba fabriki', 'ABAD Guba factory', 'Фабрика ABAD в Губе'), region: 'Guba', address: 'Quba, Sənaye zonası 3', openingHours: WEEKDAY_HOURS('08:00', '20:00', [1, 2, 3, 4, 5, 6]) },
      actor,
    ))
  const balakan =
    (await getPlaceByCode(TRAINING_PLACE_CODES.balakan)) ??
    (await createFactory(
      { kind: 'centre', code: TRAINING_PLACE_CODES.balakan, name: text('Balakən regional mərkəzi', 'Balakan regional centre', 'Балакенский региональный центр'), region: 'Balakan', address: 'Balakən, Heydər Əliyev pr. 12', openingHours: WEEKDAY_HOURS('09:00', '18:00', [1, 2, 3, 4, 5, 6]) },
      actor,
    ))

  // ——— the certificates the lines ask for ———
  const jamCourse = await ensureCourse(TRAINING_COURSE_CODES.jam, text('Mürəbbə və konservləşdirmə', 'Jam and preserves', 'Варенье и консервирование'), 'jam_preserves')
  const dairyCourse = await ensureCourse(TRAINING_COURSE_CODES.dairy, text('Süd məhsullarında gigiyena', 'Dairy hygiene', 'Гигиена молочного производства'), 'dairy')
  const hygieneCourse = await ensureCourse(TRAINING_COURSE_CODES.foodHygiene, text('Qida gigiyenası və təhlükəsizliyi', 'Food hygiene and safety', 'Гигиена и безопасность пищевых продуктов'), 'food_hygiene')
  const carpetCourse = await ensureCourse(TRAINING_COURSE_CODES.carpet, text('Quba-Şirvan xalçaçılığı', 'Guba-Shirvan carpet weaving', 'Губа-ширванское ковроткачество'), 'carpet_weaving')

  // ——— lines ———
  const lines = {
    jam: await ensureLine(
      guba,
      {
        code: 'JAM',
        name: text('Mürəbbə və konserv xətti', 'Jam and preserves line', 'Линия варенья и консервов'),
        capacity: 6,
        productCategories: ['jam', 'pickles', 'beverages'],
        certificateCourseIds: [jamCourse._id],
        equipment: [text('Mis qazanlar (4)', 'Copper kettles (4)', 'Медные котлы (4)'), text('Buxar sterilizatoru', 'Steam steriliser', 'Паровой стерилизатор'), text('Refraktometr və pH-metr', 'Refractometer and pH meter', 'Рефрактометр и pH-метр'), text('Qapaq bağlama maşını', 'Capping machine', 'Укупорочная машина')],
        quotaUpcoming: 3,
        quotaPerWeek: 2,
        cancelCutoffHours: 24,
        staffIds: [gubaTech._id],
      },
      actor,
    ),
    dairy: await ensureLine(
      guba,
      {
        code: 'DAIRY',
        name: text('Süd məhsulları xətti', 'Dairy line', 'Молочная линия'),
        capacity: 4,
        productCategories: ['cheese'],
        certificateCourseIds: [dairyCourse._id],
        equipment: [text('Pasterizator, 200 l', 'Pasteuriser, 200 l', 'Пастеризатор, 200 л'), text('Pendir qəlibləri', 'Cheese moulds', 'Сырные формы'), text('Soyuducu kamera', 'Cold room', 'Холодильная камера')],
        quotaUpcoming: 3,
        quotaPerWeek: 2,
        staffIds: [gubaTech._id],
      },
      actor,
    ),
    gubaDry: await ensureLine(
      guba,
      {
        code: 'DRY',
        name: text('Quru meyvə və çay xətti', 'Dried-fruit and tea line', 'Линия сухофруктов и чая'),
        capacity: 5,
        productCategories: ['dried_fruit', 'tea', 'flour'],
        certificateCourseIds: [hygieneCourse._id],
        equipment: [text('Elektrik quruducu', 'Electric dryer', 'Электросушилка'), text('Vakuum qablaşdırma', 'Vacuum packer', 'Вакуумный упаковщик')],
        staffIds: [gubaTech._id],
      },
      actor,
    ),
    balakanDry: await ensureLine(
      balakan,
      {
        code: 'DRY',
        name: text('Quru meyvə xətti', 'Dried-fruit line', 'Линия сухофруктов'),
        capacity: 4,
        productCategories: ['dried_fruit', 'tea'],
        certificateCourseIds: [hygieneCourse._id],
        equipment: [text('Günəş quruducusu', 'Solar dryer', 'Солнечная сушилка'), text('Tərəzi və qablaşdırma masası', 'Scales and packing table', 'Весы и упаковочный стол')],
        staffIds: [balakanTech._id],
      },
      actor,
    ),
    wood: await ensureLine(
      balakan,
      {
        code: 'WOOD',
        name: text('Ağac emalı emalatxanası', 'Woodwork shop', 'Столярная мастерская'),
        capacity: 4,
        productCategories: ['woodwork', 'souvenirs'],
        certificateCourseIds: [],
        equipment: [text('Torna dəzgahı', 'Lathe', 'Токарный станок'), text('Oyma alətləri', 'Carving tools', 'Резцы'), text('Cilalama maşını', 'Sander', 'Шлифовальная машина')],
        staffIds: [balakanTech._id],
      },
      actor,
    ),
    looms: await ensureLine(
      balakan,
      {
        code: 'LOOM',
        name: text('Xalça dəzgahları', 'Carpet looms', 'Ковроткацкие станки'),
        capacity: 3,
        productCategories: ['carpets'],
        certificateCourseIds: [carpetCourse._id],
        equipment: [text('Şaquli dəzgahlar (3)', 'Upright looms (3)', 'Вертикальные станки (3)'), text('Təbii boyalar', 'Natural dyes', 'Натуральные красители')],
        staffIds: [balakanTech._id],
      },
      actor,
    ),
  }

  // ——— shifts: four weeks back (the history) and four weeks ahead ———
  const today = localDay(new Date())
  const from = addLocalDays(today, -28)
  const to = addLocalDays(today, 28)
  const templates: [Line, number[], { starts: string; ends: string }[]][] = [
    [lines.jam, [1, 2, 3, 4, 5, 6], [{ starts: '09:00', ends: '13:00' }, { starts: '14:00', ends: '18:00' }]],
    [lines.dairy, [2, 4, 6], [{ starts: '08:00', ends: '12:00' }]],
    [lines.gubaDry, [1, 3, 5], [{ starts: '10:00', ends: '16:00' }]],
    [lines.balakanDry, [1, 2, 3, 4, 5], [{ starts: '09:00', ends: '13:00' }]],
    [lines.wood, [1, 2, 3, 4, 5, 6], [{ starts: '10:00', ends: '17:00' }]],
    [lines.looms, [1, 2, 3, 4, 5], [{ starts: '09:00', ends: '17:00' }]],
  ]
  for (const [line, weekdays, times] of templates) await planShifts({ lineId: line._id, weekdays, times, from, to, staffId: line.staffIds[0] ?? null }, actor)

  // ——— the demo families, their certificates and products ———
  const demoUser = await UserModel.findOne({ email: 'family@demo.abad.az' }).lean()
  const secondUser = await UserModel.findOne({ email: SECOND_DEMO_FAMILY_EMAIL }).lean()
  const demoFamily = demoUser?.familyId ? await FamilyModel.findById(demoUser.familyId).lean() : null
  const secondFamily = secondUser?.familyId ? await FamilyModel.findById(secondUser.familyId).lean() : null
  if (demoFamily) {
    await ensureCertificate(demoFamily._id, jamCourse, 60)
    if (!(await listFamilyProductVariants(demoFamily._id)).some((p) => ['jam', 'pickles'].includes(p.category))) {
      await demoProduct(demoFamily._id, demoFamily.name, demoFamily.region, 'jam', text('Əzgil mürəbbəsi', 'Medlar jam', 'Варенье из мушмулы'), 365, 1250)
      await demoProduct(demoFamily._id, demoFamily.name, demoFamily.region, 'pickles', text('Qarışıq turşu', 'Mixed pickles', 'Ассорти соленья'), 270, 800)
    }
  }
  if (secondFamily) {
    // food hygiene for the dried-fruit line, but no jam certificate: the jam line stays closed to them
    await ensureCertificate(secondFamily._id, hygieneCourse, 40)
    if (!(await listFamilyProductVariants(secondFamily._id)).some((p) => p.category === 'dried_fruit'))
      await demoProduct(secondFamily._id, secondFamily.name, secondFamily.region, 'dried_fruit', text('Qurudulmuş xurma', 'Dried persimmon', 'Сушёная хурма'), 240, 1400)
  }

  // ——— the history, oldest first, through the real booking, batch and QC rules ———
  const productions: Production[] = []
  const used = new Set<string>()
  const take = (slots: Slot[], index: number) => {
    const free = slots.filter((s) => !used.has(String(s._id)))
    const slot = free[Math.min(index, free.length - 1)]
    if (slot) used.add(String(slot._id))
    return slot
  }
  const jamSlots = await pastSlots(lines.jam, 27, 0)
  // the latest shift that has started stays open on the floor (check-in, batch and QC are left to do)
  const openShift = [...jamSlots].reverse().find((s) => new Date(s.startsAt) <= new Date()) ?? null
  if (openShift) used.add(String(openShift._id))

  if (demoFamily) {
    const variants = await listFamilyProductVariants(demoFamily._id)
    const jam = variants.find((p) => p.category === 'jam')
    const pickles = variants.find((p) => p.category === 'pickles') ?? jam
    if (jam && pickles) {
      // two shifts a week at most (the line's weekly quota): the first and the third of each past week
      const byWeek = new Map<string, Slot[]>()
      const openWeek = openShift ? mondayOf(localDay(openShift.startsAt)) : ''
      for (const slot of jamSlots.filter((s) => !used.has(String(s._id)) && new Date(s.endsAt) < new Date())) {
        const monday = mondayOf(localDay(slot.startsAt))
        // the open shift's week keeps room in the weekly quota for it
        if (monday !== openWeek) byWeek.set(monday, [...(byWeek.get(monday) ?? []), slot])
      }
      const picked = [...byWeek.values()].flatMap((week) => [week[0], week[2] ?? week[1]]).filter(Boolean).slice(-6)
      const early = picked.slice(0, 3)
      const late = picked.slice(3)
      const medlar = [{ name: 'Əzgil', source: 'Öz bağımız, Qırmızı Qəsəbə' }, { name: 'Şəkər', source: 'Azərsun, kisə 24/117' }, { name: 'Limon turşusu', source: 'E330' }]
      const add = (slot: Slot | undefined, product: ProductPick, qty: number, outcome: Production['outcome'], extra: Partial<Production> = {}) => {
        if (slot) productions.push({ familyId: demoFamily._id, product, line: lines.jam, slot, qty, outcome, ...extra })
      }
      add(take(early, 0), jam, 120, 'pass', { ingredients: medlar, notes: 'Bişirmə 45 dəq, 104 °C-də dayandırıldı.' })
      // a short best-before (a low-sugar recipe): this lot is past its date by now
      add(take(early, 0), pickles, 60, 'pass', { bestBeforeDays: 14, ingredients: [{ name: 'Xiyar', source: 'Quba bazarı' }, { name: 'Sirkə 9%', source: 'Quba bazarı' }] })
      add(take(early, 0), jam, 80, 'fail', { ingredients: medlar, notes: 'Şərbət qatılaşmadı.' })
      add(take(late, 0), jam, 150, 'pass', { ingredients: medlar })
      add(take(late, 0), pickles, 40, 'no_show')
      add(take(late, 0), jam, 90, 'pass', { ingredients: medlar })
    }
  }
  if (secondFamily) {
    const dried = (await listFamilyProductVariants(secondFamily._id)).find((p) => p.category === 'dried_fruit')
    const slots = await pastSlots(lines.balakanDry, 20, 1)
    if (dried) {
      productions.push({ familyId: secondFamily._id, product: dried, line: lines.balakanDry, slot: take(slots, 1), qty: 200, outcome: 'pass', ingredients: [{ name: 'Xurma', source: 'Öz bağımız, Katex' }] })
      productions.push({ familyId: secondFamily._id, product: dried, line: lines.balakanDry, slot: take(slots, 6), qty: 180, outcome: 'pass', ingredients: [{ name: 'Xurma', source: 'Öz bağımız, Katex' }] })
    }
  }
  // other makers' food products (from the catalogue): one passed lot each, so listed products have stock
  const demoIds = new Set([demoFamily?._id, secondFamily?._id].filter(Boolean).map(String))
  const others = await ProductModel.find({ kind: 'food', familyId: { $nin: [...demoIds].map((id) => new Types.ObjectId(id)) } }).select('familyId').lean()
  const lineFor: Record<string, [Line, Course]> = { jam: [lines.jam, jamCourse], pickles: [lines.jam, jamCourse], beverages: [lines.jam, jamCourse], cheese: [lines.dairy, dairyCourse], dried_fruit: [lines.gubaDry, hygieneCourse], tea: [lines.gubaDry, hygieneCourse], flour: [lines.gubaDry, hygieneCourse] }
  let otherIndex = 0
  for (const familyId of new Set(others.map((p) => String(p.familyId)))) {
    for (const variant of await listFamilyProductVariants(familyId)) {
      const target = lineFor[variant.category]
      if (!target || variant.kind !== 'food') continue
      if (await LotModel.exists({ sku: variant.sku })) continue
      await ensureCertificate(new Types.ObjectId(familyId), target[1], 90)
      const slot = take(await pastSlots(target[0], 19, 2), otherIndex++ % 6)
      if (slot) productions.push({ familyId: new Types.ObjectId(familyId), product: variant, line: target[0], slot, qty: 100, outcome: 'pass' })
    }
  }

  productions.sort((a, b) => +new Date(a.slot.startsAt) - +new Date(b.slot.startsAt))
  const touchedSlots = new Map<string, Slot>()
  for (const item of productions) {
    const start = new Date(item.slot.startsAt)
    const tech = techActor(item.slot.staffId)
    const unit = UNIT[item.product.category] ?? 'pcs'
    const booked = await bookShift({ slotId: String(item.slot._id), familyId: item.familyId, sku: item.product.sku, plannedQty: item.qty, unit, actor: null, now: new Date(start.getTime() - 3 * 86_400_000) })
    if (!booked.ok) {
      console.warn(`  factory seed: booking skipped (${booked.reason})`)
      continue
    }
    touchedSlots.set(String(item.slot._id), item.slot)
    if (item.outcome === 'no_show') {
      await markFamilyNoShow(String(booked.booking._id), tech, { now: new Date(start.getTime() + 45 * 60_000) })
      continue
    }
    await checkInFamily(String(booked.booking._id), tech, { now: new Date(start.getTime() + 5 * 60_000) })
    const producedOn = localDay(start)
    const recorded = await recordBatch(
      {
        bookingId: String(booked.booking._id),
        sku: item.product.sku,
        qty: item.qty,
        unit,
        producedOn,
        bestBefore: item.bestBeforeDays ? addLocalDays(producedOn, item.bestBeforeDays) : undefined,
        ingredients: item.ingredients,
        processNotes: item.notes,
      },
      tech,
      new Date(start.getTime() + 3 * 3_600_000),
    )
    if (!recorded.ok) {
      console.warn(`  factory seed: batch skipped (${recorded.reason})`)
      continue
    }
    const values = goodValues(item.product.category)
    if (item.outcome === 'fail') values.brix = '52'
    await decideQc(
      item.outcome === 'pass'
        ? { batchId: String(recorded.batch._id), result: 'pass', values, notes: 'Dad, rəng və konsistensiya qaydasındadır.' }
        : { batchId: String(recorded.batch._id), result: 'fail', values, reason: 'Brix 52 °Bx — 60-dan aşağı, mürəbbə bərkiməyib.' },
      tech,
    )
  }
  for (const slot of touchedSlots.values()) await closeShift(String(slot._id), techActor(slot.staffId), { now: new Date(new Date(slot.endsAt).getTime() + 10 * 60_000) })

  // ——— the shift still open on the floor, and what is booked ahead ———
  if (openShift && demoFamily) {
    const jam = (await listFamilyProductVariants(demoFamily._id)).find((p) => p.category === 'jam')
    const booked = jam ? await bookShift({ slotId: String(openShift._id), familyId: demoFamily._id, sku: jam.sku, plannedQty: 100, unit: 'jar', actor: null, now: new Date(new Date(openShift.startsAt).getTime() - 86_400_000) }) : null
    if (booked && !booked.ok) console.warn(`  factory seed: the open shift was not booked (${booked.reason})`)
  }
  const weekAfterNext = addLocalDays(mondayOf(today), 14)
  if (demoFamily) {
    const jam = (await listFamilyProductVariants(demoFamily._id)).find((p) => p.category === 'jam')
    const slot = await SlotModel.findOne({ resourceId: lines.jam._id, status: 'open', startsAt: { $gte: localTime(addLocalDays(weekAfterNext, 1), '00:00') } }).sort({ startsAt: 1 }).lean<Slot>()
    if (jam && slot) await bookShift({ slotId: String(slot._id), familyId: demoFamily._id, sku: jam.sku, plannedQty: 120, unit: 'jar', actor: null })
  }
  if (secondFamily) {
    const dried = (await listFamilyProductVariants(secondFamily._id)).find((p) => p.category === 'dried_fruit')
    const slot = await SlotModel.findOne({ resourceId: lines.balakanDry._id, status: 'open', startsAt: { $gte: localTime(addLocalDays(today, 2), '00:00') } }).sort({ startsAt: 1 }).lean<Slot>()
    if (dried && slot) await bookShift({ slotId: String(slot._id), familyId: secondFamily._id, sku: dried.sku, plannedQty: 150, unit: 'pack', actor: null })
  }

  // the pasteuriser is serviced one day in the fourth week: that day's dairy shift is cancelled
  const serviceDay = addLocalDays(weekAfterNext, 8)
  await closeLineForMaintenance({ lineId: lines.dairy._id, from: localTime(serviceDay, '00:00'), to: localTime(serviceDay, '23:59'), reason: 'Pasterizatorun illik texniki baxışı' }, actor)

  await expireLots()
}
