import type { Types } from 'mongoose'
import { decisionTemplate } from '#app/utils/application-mail.server'
import type { Household } from '#models/application-abad'
import { ApplicationModel, type Application, type ApplicationStatus } from '#models/application.server'
import { AuditEventModel } from '#models/audit.server'
import { rate } from '#models/rating.server'
import { postServiceMessage, ServiceRequestModel, type ServiceKind } from '#models/service-request.server'
import { hashPassword, UserModel } from '#models/user.server'
import { abadAnswers, makeApplicationIn, makeServiceRequest } from '#tests/factories/applications'
import { makeUser } from '#tests/factories/users'
import { DEMO_PASSWORD } from './accounts'

/**
 * ABAD applications that look like the programme: families in Guba, Balakan, Sheki, Gabala and
 * Lankaran making jam, cheese, dried fruit, tea, carpets and woodwork, in every state. Accepted
 * ones are families (the demo account family@demo.abad.az leads the Guba jam household, which the
 * training and factory seeds build on), with support requests in several states and some ratings.
 * Everything goes through the real state machine; dates are then moved into the past.
 */

export const DEMO_FAMILY_EMAIL = 'family@demo.abad.az'
export const SECOND_DEMO_FAMILY_EMAIL = 'family.balakan@demo.abad.az'

type Spec = {
  email: string
  name: string
  locale?: 'az' | 'en' | 'ru'
  status: ApplicationStatus
  /** working history starts this many days ago */
  daysAgo: number
  region: Household['region']
  village: string
  category: 'food' | 'craft'
  products: string[]
  idea: string
  output: string
  years: number
  needs: string[]
  members: Household['members']
  womenLed: boolean
  reason?: string
  /** staff by email: the Guba case manager or the lead */
  reviewer?: string
  visitInDays?: number
}

const GUBA = 'case.guba@demo.abad.az'
const LEAD = 'case.lead@demo.abad.az'

const SPECS: Spec[] = [
  {
    email: DEMO_FAMILY_EMAIL,
    name: 'Günay Abbasova',
    status: 'accepted',
    daysAgo: 150,
    region: 'Guba',
    village: 'Qırmızı Qəsəbə',
    category: 'food',
    products: ['jam', 'dried_fruit'],
    idea: 'Üç nəsildir heyva, zoğal və alma mürəbbəsi bişiririk; Quba bazarında satırıq. İstəyirik ki, məhsulumuz etiketlə supermarketlərə çıxsın.',
    output: 'ayda təxminən 60 banka mürəbbə',
    years: 12,
    needs: ['training', 'factory', 'branding', 'sales'],
    members: [
      { name: 'Günay Abbasova', relation: 'self', birthYear: 1984 },
      { name: 'Elçin Abbasov', relation: 'spouse', birthYear: 1981 },
      { name: 'Aysel Abbasova', relation: 'child', birthYear: 2006 },
    ],
    womenLed: true,
    reason: 'Təcrübəli ailə, məhsul keyfiyyətli, fabrikə yaxındır.',
    reviewer: GUBA,
  },
  {
    email: SECOND_DEMO_FAMILY_EMAIL,
    name: 'Səbinə Məmmədova',
    status: 'accepted',
    daysAgo: 120,
    region: 'Balakan',
    village: 'Katex',
    category: 'food',
    products: ['dried_fruit', 'honey'],
    idea: 'Fındıq, qoz və qurudulmuş xurma hazırlayırıq; dağ balı da var. Qablaşdırma və satış kanalı lazımdır.',
    output: 'mövsümdə 300 kq quru meyvə',
    years: 8,
    needs: ['training', 'branding', 'business_plan'],
    members: [
      { name: 'Səbinə Məmmədova', relation: 'self', birthYear: 1979 },
      { name: 'Rauf Məmmədov', relation: 'spouse', birthYear: 1976 },
    ],
    womenLed: true,
    reason: 'Güclü məhsul, regional mərkəzə yaxındır.',
    reviewer: LEAD,
  },
  {
    email: 'leyla.sheki@demo.abad.az',
    name: 'Leyla Həsənli',
    status: 'accepted',
    daysAgo: 90,
    region: 'Sheki',
    village: 'Kiş',
    category: 'craft',
    products: ['woodwork', 'souvenirs'],
    idea: 'Şəbəkə üslubunda taxta qutular və suvenirlər düzəldirik. Turistlər alır, amma daimi satış yoxdur.',
    output: 'ayda 25–30 əşya',
    years: 15,
    needs: ['branding', 'sales', 'legal'],
    members: [
      { name: 'Leyla Həsənli', relation: 'self', birthYear: 1988 },
      { name: 'Tofiq Həsənli', relation: 'parent', birthYear: 1956 },
    ],
    womenLed: true,
    reason: 'Unikal sənət, ixrac potensialı var.',
    reviewer: LEAD,
  },
  {
    email: 'kamala.gabala@demo.abad.az',
    name: 'Kamalə Quliyeva',
    locale: 'ru',
    status: 'accepted',
    daysAgo: 75,
    region: 'Gabala',
    village: 'Nic',
    category: 'craft',
    products: ['carpets'],
    idea: 'Qəbələ xalçaları toxuyuruq: yun özümüzündür, boyalar təbii. Sifarişlə işləyirik.',
    output: 'ildə 6–8 xalça',
    years: 20,
    needs: ['sales', 'accounting'],
    members: [
      { name: 'Kamalə Quliyeva', relation: 'self', birthYear: 1970 },
      { name: 'Nərmin Quliyeva', relation: 'child', birthYear: 1996 },
    ],
    womenLed: true,
    reason: 'Ənənəvi sənət, yüksək keyfiyyət.',
    reviewer: LEAD,
  },
  {
    email: 'rovshan.lankaran@demo.abad.az',
    name: 'Rövşən Talıbov',
    status: 'accepted',
    daysAgo: 60,
    region: 'Lankaran',
    village: 'Haftoni',
    category: 'food',
    products: ['tea'],
    idea: 'Ailəmizin çay plantasiyası var; qara və yaşıl çayı əl ilə qurudub qablaşdırmaq istəyirik.',
    output: 'ildə 800 kq quru çay',
    years: 10,
    needs: ['factory', 'branding', 'accounting'],
    members: [
      { name: 'Rövşən Talıbov', relation: 'self', birthYear: 1975 },
      { name: 'Gülnarə Talıbova', relation: 'spouse', birthYear: 1978 },
      { name: 'Orxan Talıbov', relation: 'child', birthYear: 2001 },
    ],
    womenLed: false,
    reason: 'Xammal öz plantasiyasındandır, həcm kifayətdir.',
    reviewer: LEAD,
  },
  {
    email: 'nargiz.guba@demo.abad.az',
    name: 'Nərgiz Vəliyeva',
    status: 'submitted',
    daysAgo: 20,
    region: 'Guba',
    village: 'Təngəaltı',
    category: 'food',
    products: ['cheese'],
    idea: 'Motal və şor pendir hazırlayırıq; 12 başmaq qoyunumuz var. Gigiyena standartlarını öyrənmək istəyirik.',
    output: 'həftədə 15 kq pendir',
    years: 5,
    needs: ['training', 'factory'],
    members: [{ name: 'Nərgiz Vəliyeva', relation: 'self', birthYear: 1990 }],
    womenLed: true,
  },
  {
    email: 'elnur.guba@demo.abad.az',
    name: 'Elnur Səfərov',
    status: 'in_review',
    daysAgo: 6,
    region: 'Guba',
    village: 'Qımıl',
    category: 'craft',
    products: ['carpets'],
    idea: 'Quba xalçası toxuyan ailəyik; dəzgahımız var, amma satış yolu tapa bilmirik.',
    output: 'ayda 1 xalça',
    years: 7,
    needs: ['sales', 'business_plan'],
    members: [
      { name: 'Elnur Səfərov', relation: 'self', birthYear: 1985 },
      { name: 'Zəminə Səfərova', relation: 'spouse', birthYear: 1987 },
    ],
    womenLed: false,
    reviewer: GUBA,
    visitInDays: 3,
  },
  {
    email: 'aynur.guba@demo.abad.az',
    name: 'Aynur Kərimova',
    status: 'draft',
    daysAgo: 2,
    region: 'Guba',
    village: 'Alpan',
    category: 'food',
    products: ['dried_fruit'],
    idea: 'Alma və armud qurusu hazırlayırıq.',
    output: 'mövsümdə 100 kq',
    years: 3,
    needs: ['training'],
    members: [{ name: 'Aynur Kərimova', relation: 'self', birthYear: 1993 }],
    womenLed: true,
  },
  {
    email: 'vugar.balakan@demo.abad.az',
    name: 'Vüqar Əhmədov',
    status: 'waitlisted',
    daysAgo: 35,
    region: 'Balakan',
    village: 'Talalar',
    category: 'craft',
    products: ['woodwork'],
    idea: 'Qoz ağacından mebel və mətbəx əşyaları düzəldirik.',
    output: 'ayda 10 əşya',
    years: 9,
    needs: ['branding', 'sales'],
    members: [{ name: 'Vüqar Əhmədov', relation: 'self', birthYear: 1982 }],
    womenLed: false,
    reason: 'Bu mərhələdə taxta emalı üzrə yerlər doludur.',
    reviewer: LEAD,
  },
  {
    email: 'samir.balakan@demo.abad.az',
    name: 'Samir İsmayılov',
    locale: 'en',
    status: 'rejected',
    daysAgo: 45,
    region: 'Balakan',
    village: 'Mahamalar',
    category: 'food',
    products: ['tea'],
    idea: 'Bitki çayları toplayıb satmaq istəyirik.',
    output: 'hələ yoxdur',
    years: 0,
    needs: ['training', 'business_plan'],
    members: [{ name: 'Samir İsmayılov', relation: 'self', birthYear: 1999 }],
    womenLed: false,
    reason: 'There is no production yet; we suggest the INNOLAND start-up track first.',
    reviewer: LEAD,
  },
  {
    email: 'fidan.sheki@demo.abad.az',
    name: 'Fidan Rəhimova',
    status: 'submitted',
    daysAgo: 3,
    region: 'Sheki',
    village: 'Baş Göynük',
    category: 'food',
    products: ['cheese'],
    idea: 'Kənd pendiri və qaymaq hazırlayırıq; Şəki bazarında satırıq.',
    output: 'həftədə 20 kq',
    years: 6,
    needs: ['training', 'factory', 'branding'],
    members: [
      { name: 'Fidan Rəhimova', relation: 'self', birthYear: 1986 },
      { name: 'Nadir Rəhimov', relation: 'spouse', birthYear: 1983 },
    ],
    womenLed: true,
  },
  {
    email: 'zaur.sheki@demo.abad.az',
    name: 'Zaur Məlikov',
    status: 'in_review',
    daysAgo: 9,
    region: 'Sheki',
    village: 'Oxud',
    category: 'food',
    products: ['jam'],
    idea: 'Qoz və ağ gilas mürəbbəsi bişiririk — Şəkinin məşhur dadları.',
    output: 'ayda 40 banka',
    years: 4,
    needs: ['factory', 'branding'],
    members: [{ name: 'Zaur Məlikov', relation: 'self', birthYear: 1980 }],
    womenLed: false,
    reviewer: LEAD,
  },
  {
    email: 'gunel.gabala@demo.abad.az',
    name: 'Günel Nəsibova',
    status: 'submitted',
    daysAgo: 16,
    region: 'Gabala',
    village: 'Vəndam',
    category: 'food',
    products: ['jam', 'beverages'],
    idea: 'Nar mürəbbəsi və nar şərbəti hazırlayırıq; bağımızda 200 nar ağacı var.',
    output: 'ayda 50 banka və 30 şüşə şərbət',
    years: 6,
    needs: ['factory', 'branding', 'sales'],
    members: [{ name: 'Günel Nəsibova', relation: 'self', birthYear: 1991 }],
    womenLed: true,
  },
  {
    email: 'tahir.lankaran@demo.abad.az',
    name: 'Tahir Əsgərov',
    status: 'rejected',
    daysAgo: 50,
    region: 'Lankaran',
    village: 'Şağlaser',
    category: 'food',
    products: ['cheese'],
    idea: 'İnək südündən pendir.',
    output: 'həftədə 5 kq',
    years: 1,
    needs: ['factory'],
    members: [{ name: 'Tahir Əsgərov', relation: 'self', birthYear: 1995 }],
    womenLed: false,
    reason: 'Müraciətdə sənədlər natamamdır və istehsal həcmi çox kiçikdir.',
    reviewer: LEAD,
  },
  {
    email: 'sevda.lankaran@demo.abad.az',
    name: 'Sevda Abdullayeva',
    status: 'in_review',
    daysAgo: 24,
    region: 'Lankaran',
    village: 'Girdəni',
    category: 'food',
    products: ['dried_fruit', 'pickles'],
    idea: 'Feyxoa və limon qurusu, eləcə də turşular hazırlayırıq.',
    output: 'ayda 80 banka',
    years: 5,
    needs: ['training', 'factory', 'legal'],
    members: [
      { name: 'Sevda Abdullayeva', relation: 'self', birthYear: 1989 },
      { name: 'Kamran Abdullayev', relation: 'sibling', birthYear: 1992 },
    ],
    womenLed: true,
    reviewer: LEAD,
  },
]

let demoHash: Promise<string> | undefined

async function userFor(spec: Spec) {
  const existing = await UserModel.findOne({ email: spec.email })
  if (existing) return existing
  // one password for every demo account: hashed once (argon2 is slow on purpose)
  demoHash ??= hashPassword(DEMO_PASSWORD)
  const user = await makeUser({ email: spec.email, password: '', name: spec.name, roles: ['family'], locale: spec.locale ?? 'az' })
  await UserModel.updateOne({ _id: user._id }, { $set: { passwordHash: await demoHash } })
  return user
}

const DAY = 86_400_000

/** Moves an application and its trail into the past, keeping the order and the gaps between events. */
async function backdate(app: Application, startDaysAgo: number) {
  const first = new Date(app.createdAt).getTime()
  const offset = Date.now() - startDaysAgo * DAY - first
  // events happened over a few days, not within the same second
  const spread = (at: Date | string | null | undefined, index = 0) => (at ? new Date(new Date(at).getTime() + offset + index * Math.min(2, startDaysAgo / 8) * DAY) : at)
  const fresh = (await ApplicationModel.findById(app._id).lean<Application>())!
  const history = fresh.history.map((entry, index) => ({ ...entry, at: spread(entry.at, index) }))
  const at = (event: string) => history.find((entry) => entry.event === event)?.at ?? null
  const set: Record<string, unknown> = { history, createdAt: spread(fresh.createdAt), updatedAt: history.at(-1)?.at ?? spread(fresh.updatedAt) }
  if (fresh.submittedAt) set.submittedAt = at('submitted')
  if (fresh.reviewStartedAt) set.reviewStartedAt = at('review_started')
  if (fresh.decidedAt) {
    set.decidedAt = at('decided')
    set['decision.at'] = at('decided')
    set['decision.effectsDoneAt'] = at('decided')
  }
  for (const [item, entry] of Object.entries(fresh.checklist ?? {})) if (entry) set[`checklist.${item}.at`] = at('decided') ?? at('review_started')
  await ApplicationModel.updateOne({ _id: app._id }, { $set: set })
  const events = await AuditEventModel.find({ 'subject.id': String(app._id) }).select('at').lean()
  if (events.length) {
    await AuditEventModel.bulkWrite(events.map((event) => ({ updateOne: { filter: { _id: event._id }, update: { $set: { at: new Date(new Date(event.at).getTime() + offset) } } } })))
  }
}

async function backdateRequest(id: Types.ObjectId, daysAgo: number, closedAfterDays?: number) {
  const request = (await ServiceRequestModel.findById(id).lean())!
  const opened = Date.now() - daysAgo * DAY
  const step = (closedAfterDays ?? Math.max(1, daysAgo / 2)) / Math.max(1, request.messages.length + 1)
  await ServiceRequestModel.updateOne(
    { _id: id },
    {
      $set: {
        openedAt: new Date(opened),
        takenAt: request.takenAt ? new Date(opened + 0.5 * DAY) : null,
        closedAt: request.closedAt ? new Date(opened + (closedAfterDays ?? 1) * DAY) : null,
        familyReadAt: new Date(opened),
        messages: request.messages.map((message, index) => ({ ...message, at: new Date(opened + index * step * DAY) })),
        history: request.history.map((entry, index) => ({ ...entry, at: new Date(opened + index * step * DAY) })),
      },
    },
  )
}

export async function seedApplications() {
  if (await ApplicationModel.exists({})) return
  const staff = new Map<string, { _id: Types.ObjectId; name: string }>()
  for (const email of [GUBA, LEAD]) {
    const user = await UserModel.findOne({ email }).lean()
    if (user) staff.set(email, { _id: user._id, name: user.name })
  }
  const families = new Map<string, { app: Application; user: { _id: Types.ObjectId; name: string } }>()
  for (const spec of SPECS) {
    const user = await userFor(spec)
    const answers = abadAnswers({
      applicantName: spec.name,
      household: { members: spec.members, leadIndex: 0, womenLed: spec.womenLed, region: spec.region, village: spec.village, address: `${spec.village}, ev ${10 + (spec.years % 30)}` },
      business: { category: spec.category, products: spec.products as never, productsOther: '', idea: spec.idea, currentOutput: spec.output, experienceYears: spec.years },
      needs: { needs: spec.needs as never, note: '' },
    })
    const reviewer = staff.get(spec.reviewer ?? LEAD)
    const outcome = ['accepted', 'rejected', 'waitlisted'].includes(spec.status) ? spec.status : null
    const { app } = await makeApplicationIn(spec.status, {
      applicant: user,
      answers,
      reviewer,
      files: 'stored',
      reason: spec.reason,
      checklist: spec.status !== 'in_review',
      appointmentAt: spec.visitInDays ? new Date(Date.now() + spec.visitInDays * DAY + 10 * 3_600_000) : undefined,
    })
    if (outcome) {
      // the message names the reference, which exists only once the application was submitted
      const final = (await ApplicationModel.findById(app._id).lean<Application>())!
      await ApplicationModel.updateOne({ _id: app._id }, { $set: { 'decision.message': decisionTemplate(final, outcome, spec.reason ?? ''), 'decision.notifiedAt': new Date() } })
    }
    await backdate(app, spec.daysAgo)
    if (spec.status === 'accepted') families.set(spec.email, { app: (await ApplicationModel.findById(app._id).lean<Application>())!, user: { _id: user._id, name: user.name } })
  }

  // support requests of the accepted families, and the ratings they gave
  const demo = families.get(DEMO_FAMILY_EMAIL)
  const guba = staff.get(GUBA)
  const lead = staff.get(LEAD)
  const sales = await UserModel.findOne({ email: 'sales@demo.abad.az' }).lean()
  const familyOf = async (email: string) => {
    const entry = families.get(email)
    if (!entry?.app.familyId) return null
    return { entry, family: { _id: entry.app.familyId, name: entry.app.applicantName, region: entry.app.region } }
  }
  const requests: { email: string; kind: ServiceKind; status: 'requested' | 'in_progress' | 'closed'; title: string; body: string; daysAgo: number; closedAfter?: number; staff?: { _id: Types.ObjectId; name: string }; score?: number; comment?: string }[] = [
    {
      email: DEMO_FAMILY_EMAIL,
      kind: 'business_plan',
      status: 'closed',
      title: 'Mürəbbə istehsalı üçün biznes plan',
      body: 'Gələn il istehsalı iki dəfə artırmaq istəyirik. Xərcləri və qiymətləri hesablamağa kömək edin.',
      daysAgo: 40,
      closedAfter: 4,
      staff: guba,
      score: 5,
      comment: 'Çox faydalı oldu, plan aydındır.',
    },
    {
      email: DEMO_FAMILY_EMAIL,
      kind: 'accounting',
      status: 'in_progress',
      title: 'Vergi bəyannaməsi',
      body: 'Sadələşdirilmiş vergi üzrə rüblük bəyannaməni necə doldurmalıyıq?',
      daysAgo: 3,
      staff: guba,
    },
    { email: DEMO_FAMILY_EMAIL, kind: 'legal', status: 'requested', title: 'Fərdi sahibkar qeydiyyatı', body: 'Ailə biznesini necə rəsmiləşdirək: fərdi sahibkar, yoxsa MMC?', daysAgo: 1 },
    {
      email: 'leyla.sheki@demo.abad.az',
      kind: 'marketing',
      status: 'requested',
      title: 'Turist mövsümü üçün satış',
      body: 'Şəki xan sarayının yanında yay yarmarkasında iştirak etmək istəyirik.',
      daysAgo: 9,
    },
    {
      email: 'rovshan.lankaran@demo.abad.az',
      kind: 'legal',
      status: 'closed',
      title: 'Torpaq icarəsi müqaviləsi',
      body: 'Plantasiyanın icarə müqaviləsini yoxlamaq lazımdır.',
      daysAgo: 25,
      closedAfter: 8,
      staff: lead,
      score: 3,
      comment: 'Kömək etdilər, amma bir az gec oldu.',
    },
    {
      email: 'kamala.gabala@demo.abad.az',
      kind: 'marketing',
      status: 'in_progress',
      title: 'Xalçaların onlayn satışı',
      body: 'Xalçalarımızı etno-butikdə və xaricdə satmaq istəyirik.',
      daysAgo: 12,
      staff: sales ? { _id: sales._id, name: sales.name } : undefined,
    },
  ]
  for (const spec of requests) {
    const found = await familyOf(spec.email)
    if (!found) continue
    const request = await makeServiceRequest({ family: found.family, requester: found.entry.user, kind: spec.kind, status: spec.status, staff: spec.staff, title: spec.title, body: spec.body })
    if (spec.status !== 'requested') await postServiceMessage(String(request._id), found.entry.user, false, 'Təşəkkür edirik, sənədləri əlavə edəcəyik.')
    await backdateRequest(request._id, spec.daysAgo, spec.closedAfter)
    if (spec.score) {
      await rate({ touchpoint: 'service_request', subject: { type: 'ServiceRequest', id: request._id }, rater: found.entry.user, familyId: found.family._id, region: found.family.region, score: spec.score, comment: spec.comment })
    }
  }
  // most accepted families rated their application's handling; the demo family has not yet (the home page asks)
  const decisionScores: Record<string, number> = { [SECOND_DEMO_FAMILY_EMAIL]: 5, 'leyla.sheki@demo.abad.az': 4, 'kamala.gabala@demo.abad.az': 5, 'rovshan.lankaran@demo.abad.az': 4 }
  for (const [email, score] of Object.entries(decisionScores)) {
    const entry = families.get(email)
    if (!entry) continue
    await rate({ touchpoint: 'application_decision', subject: { type: 'Application', id: entry.app._id }, rater: entry.user, familyId: entry.app.familyId, region: entry.app.region, score })
  }
  const rejected = await UserModel.findOne({ email: 'samir.balakan@demo.abad.az' }).lean()
  const rejectedApp = rejected ? await ApplicationModel.findOne({ applicantId: rejected._id }).lean<Application>() : null
  if (rejected && rejectedApp) {
    await rate({ touchpoint: 'application_decision', subject: { type: 'Application', id: rejectedApp._id }, rater: rejected, region: rejectedApp.region, score: 2, comment: 'The answer was clear, but I hoped for more advice.' })
  }
  if (demo && !demo.app.familyId) throw new Error('the demo family was not accepted')
}
