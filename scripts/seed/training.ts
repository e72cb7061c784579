import { addDaysToKey, dayKeyOf, isoWeekday, zonedToUtc } from '#app/utils/zoned-time'
import { createCourse, getCourseByCode, type Course, type CourseInput } from '#models/course.server'
import { FamilyModel } from '#models/family.server'
import { createPlace, getPlaceByCode, PlaceModel, WEEKDAY_HOURS, type Place } from '#models/place.server'
import { BookingModel } from '#models/booking.server'
import { createSlotTemplate, generateSlots, SlotModel } from '#models/slot.server'
import { addRunSession, createRun, enrolInRun, recordAttendance, recordResult } from '#models/training.server'
import { UserModel } from '#models/user.server'
import { makeUser } from '#tests/factories/users'
import { DEMO_PASSWORD } from './accounts'

/**
 * Training demo data: three places (ABAD headquarters in Baku, the Balakan regional centre, the
 * Guba factory) and an online classroom, seven courses, runs with sessions over the coming weeks,
 * a finished run with attendance and certificates for the demo family (jam and food hygiene, so
 * the factory's jam line can be booked), and enrolments in upcoming runs.
 */

export const TRAINING_PLACE_CODES = { hq: 'ABAD-HQ', balakan: 'BALAKAN-CENTRE', guba: 'GUBA-FACTORY', online: 'ONLINE' } as const
export const TRAINING_COURSE_CODES = {
  jam: 'JAM-PRESERVES',
  dairy: 'DAIRY-HYGIENE',
  confectionery: 'CONFECTIONERY',
  foodHygiene: 'FOOD-HYGIENE',
  finance: 'FIN-MGMT',
  marketing: 'MARKETING',
  carpet: 'CARPET-WEAVING',
  refresher: 'HYGIENE-REFRESH',
} as const
export const SECOND_DEMO_FAMILY_EMAIL = 'family.balakan@demo.abad.az'

const ZONE = 'Asia/Baku'
const text = (az: string, en: string, ru: string) => ({ az, en, ru })

// public holidays of Azerbaijan in the months the demo covers
const HOLIDAYS = [
  ['2026-12-31', 'Dünya azərbaycanlılarının həmrəyliyi günü'],
  ['2027-01-01', 'Yeni il'],
  ['2027-01-02', 'Yeni il'],
  ['2027-01-20', 'Ümumxalq hüzn günü'],
  ['2027-03-08', 'Qadınlar günü'],
  ['2027-03-20', 'Novruz bayramı'],
  ['2027-03-21', 'Novruz bayramı'],
  ['2027-03-22', 'Novruz bayramı'],
  ['2027-03-23', 'Novruz bayramı'],
  ['2027-03-24', 'Novruz bayramı'],
].map(([date, reason]) => ({ date, reason }))

async function ensurePlace(input: Omit<Place, '_id' | 'status'>) {
  return (await getPlaceByCode(input.code)) ?? createPlace(input)
}

async function ensureCourse(input: CourseInput) {
  return (await getCourseByCode(input.code)) ?? createCourse(input, null)
}

async function ensureFamilyFor(email: string, family: { name: string; region: string; village: string; products: string[] }, userName: string) {
  let user = await UserModel.findOne({ email }).lean()
  if (!user) user = (await makeUser({ email, password: DEMO_PASSWORD, name: userName, roles: ['family'], locale: 'az', region: family.region })).toObject()
  if (user.familyId) return { user, familyId: user.familyId }
  const created = await FamilyModel.create({ ...family, status: 'active', members: [{ userId: user._id, name: user.name, role: 'head', isLead: true }], acceptedAt: new Date(Date.now() - 120 * 86_400_000) })
  await UserModel.updateOne({ _id: user._id }, { $set: { familyId: created._id } })
  return { user, familyId: created._id }
}

export async function seedTraining() {
  const trainer = await UserModel.findOne({ email: 'trainer@demo.abad.az' }).lean()
  const trainerId = trainer?._id ?? null
  const actor = trainer ? { _id: trainer._id, name: trainer.name } : null

  const hq = await ensurePlace({
    kind: 'hq',
    code: TRAINING_PLACE_CODES.hq,
    name: text('ABAD baş ofisi', 'ABAD headquarters', 'Головной офис ABAD'),
    region: 'Baku',
    address: 'Bakı, Nizami küç. 90',
    timezone: ZONE,
    openingHours: [...WEEKDAY_HOURS('09:00', '18:00'), { weekday: 6, opens: '10:00', closes: '14:00' }],
    closedDays: HOLIDAYS,
  })
  const balakan = await ensurePlace({
    kind: 'centre',
    code: TRAINING_PLACE_CODES.balakan,
    name: text('Balakən regional mərkəzi', 'Balakan regional centre', 'Балакенский региональный центр'),
    region: 'Balakan',
    address: 'Balakən, Heydər Əliyev pr. 12',
    timezone: ZONE,
    openingHours: WEEKDAY_HOURS('09:00', '18:00', [1, 2, 3, 4, 5, 6]),
    closedDays: HOLIDAYS,
  })
  const existingGuba = await PlaceModel.findOne({ kind: 'factory', region: 'Guba' }).lean<Place>()
  const guba =
    existingGuba ??
    (await ensurePlace({
      kind: 'factory',
      code: TRAINING_PLACE_CODES.guba,
      name: text('ABAD Quba fabriki', 'ABAD Guba factory', 'Фабрика ABAD в Губе'),
      region: 'Guba',
      address: 'Quba, Sənaye zonası 3',
      timezone: ZONE,
      openingHours: WEEKDAY_HOURS('08:00', '20:00', [1, 2, 3, 4, 5, 6]),
      closedDays: HOLIDAYS,
    }))
  // video lessons: no wall to close, so no opening hours
  const online = await ensurePlace({
    kind: 'centre',
    code: TRAINING_PLACE_CODES.online,
    name: text('Onlayn sinif', 'Online classroom', 'Онлайн-класс'),
    region: 'Baku',
    address: '',
    timezone: ZONE,
    openingHours: [],
    closedDays: [],
  })

  const common = { trainerId, certificateValidityMonths: 24, status: 'active' as const }
  const courses: Record<keyof typeof TRAINING_COURSE_CODES, Course> = {
    jam: await ensureCourse({
      ...common,
      code: TRAINING_COURSE_CODES.jam,
      title: text('Mürəbbə və konservləşdirmə', 'Jam and preserves', 'Варенье и консервирование'),
      description: text(
        'Meyvə seçimi, şəkər nisbəti, bankaların sterilizasiyası, etiketləmə və saxlama. ABAD fabrikinin mürəbbə xəttinə buraxılış verir.',
        'Choosing fruit, sugar ratios, sterilising jars, labelling and storage. Qualifies for the jam line at ABAD factories.',
        'Выбор фруктов, доля сахара, стерилизация банок, маркировка и хранение. Даёт допуск к линии варенья на фабриках ABAD.',
      ),
      topic: 'jam_preserves',
      sessionsCount: 4,
      passRule: { minAttendancePct: 75, requiresPass: true },
      qualifiesForLines: ['jam', 'pickles'],
    }),
    dairy: await ensureCourse({
      ...common,
      code: TRAINING_COURSE_CODES.dairy,
      title: text('Süd məhsullarında gigiyena', 'Dairy hygiene', 'Гигиена молочного производства'),
      description: text('Südün qəbulu, pasterizasiya, pendir və qatıq istehsalında təmizlik.', 'Receiving milk, pasteurisation, cleanliness in cheese and yoghurt making.', 'Приёмка молока, пастеризация, чистота при производстве сыра и йогурта.'),
      topic: 'dairy',
      sessionsCount: 3,
      passRule: { minAttendancePct: 100, requiresPass: true },
      qualifiesForLines: ['dairy'],
    }),
    confectionery: await ensureCourse({
      ...common,
      code: TRAINING_COURSE_CODES.confectionery,
      title: text('Qənnadı: paxlava və şəkərbura', 'Confectionery: pakhlava and shekerbura', 'Кондитерское дело: пахлава и шекербура'),
      description: text('Xəmir, içlik, bişirmə rejimi və qablaşdırma.', 'Dough, fillings, baking and packaging.', 'Тесто, начинки, выпечка и упаковка.'),
      topic: 'confectionery',
      sessionsCount: 4,
      passRule: { minAttendancePct: 80, requiresPass: true },
      qualifiesForLines: ['confectionery'],
    }),
    foodHygiene: await ensureCourse({
      ...common,
      code: TRAINING_COURSE_CODES.foodHygiene,
      title: text('Qida gigiyenası və təhlükəsizliyi', 'Food hygiene and safety', 'Гигиена и безопасность пищевых продуктов'),
      description: text('HACCP əsasları, şəxsi gigiyena, allergenlər, izlənə bilənlik.', 'HACCP basics, personal hygiene, allergens, traceability.', 'Основы HACCP, личная гигиена, аллергены, прослеживаемость.'),
      topic: 'food_hygiene',
      sessionsCount: 2,
      passRule: { minAttendancePct: 100, requiresPass: true },
      qualifiesForLines: ['jam', 'pickles', 'dairy', 'confectionery', 'dried_fruit'],
    }),
    finance: await ensureCourse({
      ...common,
      code: TRAINING_COURSE_CODES.finance,
      title: text('Ailə biznesində maliyyə idarəçiliyi', 'Financial management for a family business', 'Финансы семейного бизнеса'),
      description: text('Maya dəyəri, qiymət, kassa və vergi əsasları.', 'Costing, pricing, cash flow and tax basics.', 'Себестоимость, цена, движение денег и основы налогов.'),
      topic: 'financial_management',
      sessionsCount: 3,
      passRule: { minAttendancePct: 66, requiresPass: false },
      certificateValidityMonths: 0,
    }),
    marketing: await ensureCourse({
      ...common,
      code: TRAINING_COURSE_CODES.marketing,
      title: text('Marketinq və brend hekayəsi', 'Marketing and your brand story', 'Маркетинг и история бренда'),
      description: text('Məhsul fotosu, sosial şəbəkələr, butik üçün təsvir.', 'Product photos, social media, writing for the boutique.', 'Фото продукта, соцсети, тексты для бутика.'),
      topic: 'marketing',
      sessionsCount: 2,
      passRule: { minAttendancePct: 50, requiresPass: false },
      certificateValidityMonths: 0,
    }),
    carpet: await ensureCourse({
      ...common,
      code: TRAINING_COURSE_CODES.carpet,
      title: text('Quba-Şirvan xalçaçılığı', 'Guba-Shirvan carpet weaving', 'Губа-ширванское ковроткачество'),
      description: text('Naxışlar, boyaqlar, dəzgahda toxuma texnikası.', 'Patterns, dyes and loom technique.', 'Узоры, красители, техника ткачества на станке.'),
      topic: 'carpet_weaving',
      sessionsCount: 4,
      passRule: { minAttendancePct: 75, requiresPass: true },
      visitingExpert: 'Səriyyə Əlizadə',
      qualifiesForLines: ['carpets'],
    }),
    refresher: await ensureCourse({
      ...common,
      code: TRAINING_COURSE_CODES.refresher,
      title: text('Gigiyena: qısa təkrar kursu', 'Hygiene refresher', 'Гигиена: краткий повторный курс'),
      description: text('Bir dərslik onlayn təkrar: sertifikatı yeniləmək üçün.', 'A one-session online refresher to renew your certificate.', 'Одно онлайн-занятие для продления сертификата.'),
      topic: 'food_hygiene',
      sessionsCount: 1,
      passRule: { minAttendancePct: 100, requiresPass: true },
      certificateValidityMonths: 12,
    }),
  }

  const demo = await ensureFamilyFor('family@demo.abad.az', { name: 'Abbasovlar ailəsi', region: 'Guba', village: 'Qırmızı Qəsəbə', products: ['jam', 'pickles'] }, 'Günay Abbasova')
  const second = await ensureFamilyFor(SECOND_DEMO_FAMILY_EMAIL, { name: 'Məmmədovlar ailəsi', region: 'Balakan', village: 'Katex', products: ['confectionery', 'dried_fruit'] }, 'Səbinə Məmmədova')

  // a finished run, two months back: the demo family attended and passed, so it holds certificates
  const today = dayKeyOf(new Date(), ZONE)
  for (const course of [courses.foodHygiene, courses.jam]) {
    const created = await createRun({ courseId: course._id, placeId: guba._id, capacity: 10, trainerId, code: `${course.code}-PAST` }, actor)
    if (!created.ok) continue
    const start = addDaysToKey(today, course.code === courses.jam.code ? -60 : -75)
    // every other day, skipping Sundays (the factory is closed)
    const days: string[] = []
    for (let day = start; days.length < course.sessionsCount; day = addDaysToKey(day, 2)) if (isoWeekday(day) !== 7) days.push(day)
    const periods = days.map((day) => ({ startsAt: zonedToUtc(day, '10:00', ZONE), endsAt: zonedToUtc(day, '13:00', ZONE) }))
    for (const period of periods) await addRunSession(created.run._id, period, actor)
    const before = new Date(periods[0].startsAt.getTime() - 7 * 86_400_000)
    const after = new Date(periods.at(-1)!.endsAt.getTime() + 3_600_000)
    const enrolled = await enrolInRun({ runId: created.run._id, holder: { kind: 'family', id: demo.familyId }, actor, now: before })
    if (!enrolled.ok) continue
    const bookings = await BookingModel.find({ bundleId: enrolled.enrolment._id }).sort({ startsAt: 1 }).lean()
    for (const [i, booking] of bookings.entries()) {
      await recordAttendance({ bookingId: booking._id, mark: i === 1 ? 'late' : 'present', actor, now: new Date(booking.startsAt.getTime() + 10 * 60_000), staffOverride: !actor })
    }
    await recordResult({ enrolmentId: enrolled.enrolment._id, pass: true, note: 'Təmiz və diqqətli iş.', actor, now: after, staffOverride: !actor })
  }

  // runs over the coming weeks, sessions generated from weekly templates
  const nextMonday = addDaysToKey(today, 8 - isoWeekday(today))
  const plan: { course: Course; place: Place; weekdays: number[]; starts: string; ends: string; capacity: number; weekOffset: number }[] = [
    { course: courses.jam, place: guba, weekdays: [2, 4], starts: '10:00', ends: '13:00', capacity: 8, weekOffset: 0 },
    { course: courses.foodHygiene, place: hq, weekdays: [1, 3], starts: '14:00', ends: '17:00', capacity: 12, weekOffset: 0 },
    { course: courses.dairy, place: guba, weekdays: [1, 3, 5], starts: '09:00', ends: '12:00', capacity: 6, weekOffset: 1 },
    { course: courses.confectionery, place: balakan, weekdays: [2, 4], starts: '10:00', ends: '14:00', capacity: 10, weekOffset: 1 },
    { course: courses.finance, place: hq, weekdays: [6], starts: '10:00', ends: '13:00', capacity: 20, weekOffset: 0 },
    { course: courses.marketing, place: online, weekdays: [3], starts: '18:00', ends: '20:00', capacity: 30, weekOffset: 0 },
    { course: courses.carpet, place: balakan, weekdays: [1, 3], starts: '14:00', ends: '17:00', capacity: 6, weekOffset: 2 },
  ]
  const runs: Record<string, string> = {}
  for (const item of plan) {
    const created = await createRun({ courseId: item.course._id, placeId: item.place._id, capacity: item.capacity, trainerId }, actor)
    if (!created.ok) continue
    runs[item.course.code] = String(created.run._id)
    const from = addDaysToKey(nextMonday, item.weekOffset * 7)
    // enough weeks for the course's sessions, with room for a skipped holiday
    const weeks = Math.ceil(item.course.sessionsCount / item.weekdays.length) + 1
    const template = await createSlotTemplate({ resourceId: created.run._id, weekdays: item.weekdays, times: [{ starts: item.starts, ends: item.ends }], from, to: addDaysToKey(from, weeks * 7 - 1), staffId: trainerId }, actor)
    await generateSlots(template._id, actor)
    // keep exactly the course's number of sessions: the first ones
    const extra = await SlotModel.find({ resourceId: created.run._id }).sort({ startsAt: 1 }).skip(item.course.sessionsCount).select('_id').lean()
    if (extra.length) await SlotModel.deleteMany({ _id: { $in: extra.map((s) => s._id) } })
  }

  await enrolInRun({ runId: runs[courses.finance.code], holder: { kind: 'family', id: demo.familyId }, actor })
  await enrolInRun({ runId: runs[courses.confectionery.code], holder: { kind: 'family', id: second.familyId }, actor })
  await enrolInRun({ runId: runs[courses.marketing.code], holder: { kind: 'family', id: second.familyId }, actor })
}
