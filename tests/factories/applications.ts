import sharp from 'sharp'
import type { Types } from 'mongoose'
import { storeUpload, type StoredFile } from '#app/utils/uploads.server'
import type { Business, Household, Needs } from '#models/application-abad'
import {
  addApplicationDocument,
  assignApplication,
  decideApplication,
  getApplication,
  saveApplicationStep,
  scheduleAppointment,
  setChecklistItem,
  startApplication,
  submitApplication,
  type Application,
  type ApplicationStatus,
  type Person,
} from '#models/application.server'
import { getFamily } from '#models/family.server'
import { createServiceRequest, closeServiceRequest, postServiceMessage, takeServiceRequest, type ServiceKind } from '#models/service-request.server'
import type { SessionUser } from '#models/user.server'
import { makeUser } from './users'

/**
 * Builders for ABAD applications, families and service requests: tests and the demo seed share
 * them. A builder drives the real state machine (never writes a status directly), so what it
 * builds is what users would have produced.
 */

let counter = 0

export function abadAnswers(
  overrides: { household?: Partial<Household>; business?: Partial<Business>; needs?: Partial<Needs>; applicantName?: string } = {},
): { household: Household; business: Business; needs: Needs } {
  counter += 1
  return {
    household: {
      members: [
        { name: overrides.applicantName ?? `Applicant ${counter}`, relation: 'self', birthYear: 1982 },
        { name: `Spouse ${counter}`, relation: 'spouse', birthYear: 1980 },
      ],
      leadIndex: 0,
      womenLed: true,
      region: 'Guba',
      village: 'Qırmızı Qəsəbə',
      address: 'Məktəb küçəsi 12',
      phone: '+994 50 123 45 67',
      ...overrides.household,
    },
    business: {
      category: 'food',
      products: ['jam'],
      productsOther: '',
      idea: 'Quince and cornel jam from our own orchard, sold at the village market for years.',
      currentOutput: 'about 40 jars a month',
      experienceYears: 6,
      ...overrides.business,
    },
    needs: { needs: ['training', 'factory', 'branding'], note: '', ...overrides.needs },
  }
}

export async function makeApplicant(overrides: Parameters<typeof makeUser>[0] = {}) {
  return makeUser({ roles: ['family'], ...overrides })
}

const JPEG_COLOURS = ['#a3192f', '#7d4f00', '#1c4f86', '#1d6136', '#5a358c']

/** A real small image (a coloured card with a caption), so stored files open like uploads do. */
export async function sampleImage(caption = 'ABAD', width = 480, height = 360) {
  counter += 1
  const colour = JPEG_COLOURS[counter % JPEG_COLOURS.length]
  const safe = caption.replace(/[<>&"]/g, '')
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${colour}"/><text x="50%" y="50%" font-family="sans-serif" font-size="32" fill="#fff" text-anchor="middle" dominant-baseline="middle">${safe}</text></svg>`
  return sharp(Buffer.from(svg)).jpeg({ quality: 70 }).toBuffer()
}

/** A minimal valid one-page PDF. */
export function samplePdf(title = 'Identity document') {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n4 0 obj<</Length 44>>stream\nBT /F1 24 Tf 72 760 Td (${title.replace(/[()\\]/g, '')}) Tj ET\nendstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  )
}

export async function storeSample(kind: 'image' | 'pdf', caption: string): Promise<StoredFile> {
  if (kind === 'pdf') return storeUpload({ field: 'file', name: `${caption}.pdf`, bytes: samplePdf(caption), type: 'application/pdf' })
  return storeUpload({ field: 'file', name: `${caption}.jpg`, bytes: await sampleImage(caption), type: 'image/jpeg' })
}

const asPerson = (user: Pick<SessionUser, '_id' | 'name' | 'email' | 'locale'>): Person => ({ _id: user._id, name: user.name, email: user.email, locale: user.locale })

/**
 * A draft with every step answered and the required documents attached. `files: 'stored'` writes
 * real files (the seed, file-route tests); by default documents are metadata only.
 */
export async function makeDraft({
  applicant,
  answers = abadAnswers({ applicantName: applicant?.name }),
  documents = true,
  files = 'metadata',
}: {
  applicant?: SessionUser | Awaited<ReturnType<typeof makeApplicant>>
  answers?: ReturnType<typeof abadAnswers>
  documents?: boolean
  files?: 'metadata' | 'stored'
} = {}) {
  const user = applicant ?? (await makeApplicant({ name: answers.household.members[0]?.name }))
  const person = asPerson(user as SessionUser)
  const draft = await startApplication('abad', person)
  for (const step of ['household', 'business', 'needs'] as const) await saveApplicationStep(draft._id, user._id, step, answers[step], true)
  if (documents) {
    const product = answers.business.products[0] ?? 'product'
    const identity = files === 'stored' ? await storeSample('pdf', `ID ${person.name}`) : fakeFile('identity.pdf', 'application/pdf')
    await addApplicationDocument(draft._id, user._id, { ...identity, slot: 'identity' })
    const photo = files === 'stored' ? await storeSample('image', `${product} · ${answers.household.region}`) : fakeFile('photo.jpg', 'image/jpeg')
    await addApplicationDocument(draft._id, user._id, { ...photo, slot: 'product_photo' })
  }
  return { applicant: user, app: (await getApplication(draft._id)) as Application }
}

function fakeFile(name: string, type: string) {
  counter += 1
  return { id: counter.toString(16).padStart(32, '0'), name, type, size: 1000 + counter }
}

export async function makeCaseManager(overrides: { region?: string | null; lead?: boolean; name?: string; email?: string } = {}) {
  return makeUser({ roles: ['case_manager'], region: overrides.region === undefined ? 'Guba' : overrides.region, lead: overrides.lead ?? false, name: overrides.name, email: overrides.email })
}

type Staff = { _id: Types.ObjectId; name: string }

/**
 * An application driven to a status through the real transitions: draft → submitted → in_review →
 * accepted | rejected | waitlisted. Accepting opens the family.
 */
export async function makeApplicationIn(
  status: ApplicationStatus,
  {
    applicant,
    answers,
    reviewer,
    files = 'metadata',
    reason,
    message,
    checklist = true,
    appointmentAt,
  }: {
    applicant?: Awaited<ReturnType<typeof makeApplicant>>
    answers?: ReturnType<typeof abadAnswers>
    reviewer?: Staff
    files?: 'metadata' | 'stored'
    reason?: string
    message?: string
    checklist?: boolean
    appointmentAt?: Date
  } = {},
) {
  const draft = await makeDraft({ applicant, answers, files })
  if (status === 'draft') return draft
  const submitted = await submitApplication(draft.app._id, asPerson(draft.applicant as SessionUser))
  if (!submitted.ok) throw new Error(`could not submit: ${JSON.stringify(submitted)}`)
  if (status === 'submitted') return { applicant: draft.applicant, app: submitted.app }
  const staff = reviewer ?? (await makeCaseManager({ region: submitted.app.region }))
  const assigned = await assignApplication(submitted.app._id, staff, staff)
  if (!assigned.ok) throw new Error(`could not assign: ${assigned.reason}`)
  if (appointmentAt) await scheduleAppointment(submitted.app._id, { kind: 'site_visit', at: appointmentAt, place: 'The family home' }, staff)
  if (checklist && status !== 'in_review') {
    for (const item of ['documents_verified', 'site_visit_done', 'interview_held']) await setChecklistItem(submitted.app._id, item, { done: true, note: '' }, staff)
  }
  if (status === 'in_review') return { applicant: draft.applicant, app: (await getApplication(submitted.app._id)) as Application }
  const decided = await decideApplication(
    submitted.app._id,
    { outcome: status as 'accepted' | 'rejected' | 'waitlisted', reason: reason ?? `Decided in a test (${status})`, message: message ?? `Your application was ${status}.` },
    staff,
  )
  if (!decided.ok) throw new Error(`could not decide: ${decided.reason}`)
  return { applicant: draft.applicant, app: decided.app }
}

/** An accepted household with its applicant linked as a family member. */
export async function makeAcceptedFamily(options: Parameters<typeof makeApplicationIn>[1] = {}) {
  const { applicant, app } = await makeApplicationIn('accepted', options)
  const family = await getFamily(app.familyId!)
  if (!family) throw new Error('acceptance did not open a family')
  return { applicant, app, family }
}

/** A service request of a family, driven to a status (requested → in_progress → closed). */
export async function makeServiceRequest({
  family,
  requester,
  kind = 'business_plan',
  status = 'requested',
  staff,
  title = 'Help with a business plan',
  body = 'We would like to plan our jam production for the next year.',
  outcome = 'A plan was prepared together with the family.',
}: {
  family: { _id: Types.ObjectId; name: string; region: string | null }
  requester: { _id: Types.ObjectId; name: string }
  kind?: ServiceKind
  status?: 'requested' | 'in_progress' | 'closed'
  staff?: Staff
  title?: string
  body?: string
  outcome?: string
}) {
  const request = await createServiceRequest({ family, kind, title, body, requester })
  if (status === 'requested') return request
  const handler = staff ?? (await makeUser({ roles: [kind === 'marketing' ? 'sales_manager' : 'case_manager'], region: family.region }))
  const taken = await takeServiceRequest(String(request._id), handler, handler)
  if (!taken.ok) throw new Error(`could not take: ${taken.reason}`)
  await postServiceMessage(String(request._id), handler, true, 'Thank you, we have started. Could you send last year’s sales figures?')
  if (status === 'in_progress') return taken.request
  const closed = await closeServiceRequest(String(request._id), { resolution: 'resolved', outcome }, handler)
  if (!closed.ok) throw new Error(`could not close: ${closed.reason}`)
  return closed.request
}
