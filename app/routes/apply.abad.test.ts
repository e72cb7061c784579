import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { getEnv } from '#app/utils/env.server'
import { abadAnswers, makeAcceptedFamily, makeApplicant, makeApplicationIn, makeCaseManager, makeDraft, sampleImage, samplePdf } from '#tests/factories/applications'
import { makeUser } from '#tests/factories/users'
import { BASE, call, request, signedIn } from '#tests/support/requests'
import { ApplicationModel, getApplication, getOpenApplication } from '#models/application.server'
import { OutboxModel } from '#models/outbox.server'
import { RatingModel } from '#models/rating.server'
import { action as applyAction, loader as applyLoader } from './apply.abad'
import { loader as applicationLoader } from './applications.$id'
import { loader as fileLoader } from './files.applications.$appId.$fileId'
import { action as ratingAction } from './ratings'

const uploadsDir = () => path.resolve(getEnv().DATA_DIR, 'uploads')
const storedFiles = () => (fs.existsSync(uploadsDir()) ? fs.readdirSync(uploadsDir()).sort() : [])

function upload(pathname: string, cookie: string, files: { name: string; type: string; bytes: Buffer }[], field = 'file') {
  const form = new FormData()
  for (const file of files) form.append(field, new File([new Uint8Array(file.bytes)], file.name, { type: file.type }))
  return new Request(new URL(pathname, BASE), { method: 'POST', body: form, headers: { Cookie: cookie } })
}

/** The household step as the page posts it (member rows, the lead radio). */
function householdForm(overrides: Record<string, string> = {}) {
  return {
    intent: 'next',
    'members.0.name': 'Günay Abbasova',
    'members.0.relation': 'self',
    'members.0.birthYear': '1984',
    'members.1.name': '',
    'members.1.relation': '',
    'members.2.name': 'Elçin Abbasov',
    'members.2.relation': 'spouse',
    leadIndex: '0',
    womenLed: 'on',
    region: 'Guba',
    village: 'Qımıl',
    address: 'Bağ küçəsi 4',
    phone: '+994 50 555 11 22',
    ...overrides,
  }
}

describe('/apply/abad', () => {
  it('sends a signed-out visitor to log in and back to the step', async () => {
    expect(await call(applyLoader, request('/apply/abad?step=business'))).toMatchObject({ status: 302, location: '/login?redirectTo=%2Fapply%2Fabad%3Fstep%3Dbusiness' })
  })

  it('validates each step with messages next to the fields, keeping what was typed as the draft', async () => {
    const user = await makeApplicant({ locale: 'en' })
    const { cookie } = await signedIn(user._id, { locale: 'en' })
    const bad = await call(applyAction, request('/apply/abad?step=household', { cookie, form: householdForm({ region: '', phone: 'call me', 'members.2.relation': '' }) }))
    expect(bad.status).toBe(400)
    expect(bad.data.errors).toMatchObject({ region: 'This field is required', phone: 'Enter a phone number such as +994 50 123 45 67', 'members.1.relation': 'This field is required' })
    const draft = (await getOpenApplication('abad', user._id))!
    expect(draft.status).toBe('draft')
    expect(draft.completedSteps).toEqual([])
    // the empty row was dropped, so Elçin is row 1 now, and the page shows what was typed
    expect((draft.answers.household as { members: { name: string }[] }).members.map((m) => m.name)).toEqual(['Günay Abbasova', 'Elçin Abbasov'])
    const good = await call(applyAction, request('/apply/abad?step=household', { cookie, form: householdForm() }))
    expect(good).toMatchObject({ status: 302, location: '/apply/abad?step=business' })
    const saved = (await getOpenApplication('abad', user._id))!
    expect(saved.completedSteps).toEqual(['household'])
    expect(saved.region).toBe('Guba')
    const page = await call(applyLoader, request('/apply/abad', { cookie }))
    expect(page.data.step).toBe('business')
  })

  it('walks every step over two visits, uploads, submits once and mails the applicant in their language', async () => {
    const user = await makeApplicant({ locale: 'ru', email: 'gunay.apply@example.az', name: 'Günay Abbasova' })
    const first = await signedIn(user._id)
    expect(await call(applyAction, request('/apply/abad?step=household', { cookie: first.cookie, form: householdForm() }))).toMatchObject({ status: 302 })
    expect(
      await call(
        applyAction,
        request('/apply/abad?step=business', {
          cookie: first.cookie,
          form: { intent: 'save', category: 'food', products: ['jam', 'dried_fruit'], idea: 'Quince jam and dried apricots from our orchard in Qımıl.', currentOutput: '40 jars a month', experienceYears: '6' },
        }),
      ),
    ).toMatchObject({ status: 302, location: '/apply/abad?step=business' })
    // a second visit, another session: the draft is where it was left
    const second = await signedIn(user._id)
    const back = await call(applyLoader, request('/apply/abad', { cookie: second.cookie }))
    expect(back.data.step).toBe('needs')
    expect(back.data.app.answers.business.products).toEqual(['jam', 'dried_fruit'])
    expect(await call(applyAction, request('/apply/abad?step=needs', { cookie: second.cookie, form: { intent: 'next', needs: ['training', 'branding'], note: '' } }))).toMatchObject({
      status: 302,
      location: '/apply/abad?step=documents',
    })
    const notYet = await call(applyAction, request('/apply/abad?step=review', { cookie: second.cookie, form: { intent: 'submit', consent: 'on' } }))
    expect(notYet.status).toBe(400)
    const id = await call(applyAction, upload('/apply/abad?step=documents&slot=identity', second.cookie, [{ name: 'passport.pdf', type: 'application/pdf', bytes: samplePdf() }]))
    expect(id).toMatchObject({ status: 302, location: '/apply/abad?step=documents' })
    const photo = await call(applyAction, upload('/apply/abad?step=documents&slot=product_photo', second.cookie, [{ name: 'jam.jpg', type: 'image/jpeg', bytes: await sampleImage('Jam') }]))
    expect(photo).toMatchObject({ status: 302 })
    const noConsent = await call(applyAction, request('/apply/abad?step=review', { cookie: second.cookie, form: { intent: 'submit' } }))
    expect(noConsent.status).toBe(400)
    expect(noConsent.data.errors.consent).toBeTruthy()
    const [a, b] = await Promise.all([
      call(applyAction, request('/apply/abad?step=review', { cookie: second.cookie, form: { intent: 'submit', consent: 'on' } })),
      call(applyAction, request('/apply/abad?step=review', { cookie: first.cookie, form: { intent: 'submit', consent: 'on' } })),
    ])
    expect(a.status).toBe(302)
    expect(b.location).toBe(a.location)
    expect(await ApplicationModel.countDocuments({ applicantId: user._id })).toBe(1)
    const app = (await getOpenApplication('abad', user._id))!
    expect(app.status).toBe('submitted')
    expect(app.ref).toMatch(/^ABAD-\d{4}-\d{5}$/)
    expect(app.documents.map((d) => [d.slot, d.type])).toEqual([
      ['identity', 'application/pdf'],
      ['product_photo', 'image/jpeg'],
    ])
    const mails = await OutboxModel.find({ to: 'gunay.apply@example.az', template: 'application_submitted' }).lean()
    expect(mails).toHaveLength(1)
    expect(mails[0].locale).toBe('ru')
    expect(mails[0].subject).toBe(`Ваша заявка ABAD получена: ${app.ref}`)
    expect(mails[0].body).toContain(`/applications/${app._id}`)
    // after submission the form shows the application, and its answers no longer change
    expect(await call(applyLoader, request('/apply/abad', { cookie: first.cookie }))).toMatchObject({ status: 302, location: `/applications/${app._id}` })
    const late = await call(applyAction, request('/apply/abad?step=needs', { cookie: first.cookie, form: { intent: 'next', needs: ['legal'] } }))
    expect(late).toMatchObject({ status: 302, location: `/applications/${app._id}` })
    expect((await getApplication(app._id))!.needs).toEqual(['training', 'branding'])
  })

  it('keeps the draft when the session expired mid-form: the post goes to login and nothing is lost', async () => {
    const user = await makeApplicant()
    const { cookie } = await signedIn(user._id)
    await call(applyAction, request('/apply/abad?step=household', { cookie, form: householdForm() }))
    const expired = await call(applyAction, request('/apply/abad?step=business', { form: { intent: 'next', category: 'food' } }))
    expect(expired).toMatchObject({ status: 302, location: '/login?redirectTo=%2Fapply%2Fabad%3Fstep%3Dbusiness' })
    const draft = (await getOpenApplication('abad', user._id))!
    expect(draft.completedSteps).toEqual(['household'])
    expect((draft.answers.household as { village: string }).village).toBe('Qımıl')
  })

  it('refuses a file that is not what it claims, and a file over the limit, storing nothing', async () => {
    const user = await makeApplicant({ locale: 'en' })
    const { cookie } = await signedIn(user._id, { locale: 'en' })
    await call(applyAction, request('/apply/abad?step=household', { cookie, form: householdForm() }))
    const before = storedFiles()
    const fake = await call(applyAction, upload('/apply/abad?step=documents&slot=product_photo', cookie, [{ name: 'photo.jpg', type: 'image/jpeg', bytes: Buffer.from('#!/bin/sh\necho not an image\n') }]))
    expect(fake.status).toBe(400)
    expect(fake.data.errors.product_photo).toMatch(/not accepted/)
    const pdfAsPhoto = await call(applyAction, upload('/apply/abad?step=documents&slot=product_photo', cookie, [{ name: 'x.pdf', type: 'application/pdf', bytes: samplePdf() }]))
    expect(pdfAsPhoto.status).toBe(400)
    const big = Buffer.concat([await sampleImage('big'), Buffer.alloc(getEnv().UPLOAD_MAX_MB * 1024 * 1024)])
    const tooBig = await call(applyAction, upload('/apply/abad?step=documents&slot=product_photo', cookie, [{ name: 'big.jpg', type: 'image/jpeg', bytes: big }]))
    expect(tooBig.status).toBe(413)
    expect(tooBig.data.errors.product_photo).toBe(`The file is too large: the limit is ${getEnv().UPLOAD_MAX_MB} MB. Nothing was stored.`)
    expect(storedFiles()).toEqual(before)
    expect((await getOpenApplication('abad', user._id))!.documents).toEqual([])
  })

  it('refuses someone who is already part of an accepted household, and staff', async () => {
    const { applicant } = await makeAcceptedFamily()
    const { cookie } = await signedIn(applicant._id)
    expect(await call(applyLoader, request('/apply/abad', { cookie }))).toMatchObject({ status: 302, location: '/family' })
    const trainer = await makeUser({ roles: ['trainer'] })
    expect((await call(applyLoader, request('/apply/abad', { cookie: (await signedIn(trainer._id)).cookie }))).status).toBe(403)
  })
})

describe('application documents (private files)', () => {
  it('only the applicant’s family and ABAD staff of the region can open them', async () => {
    const sheki = await makeCaseManager({ region: 'Sheki' })
    const guba = await makeCaseManager({ region: 'Guba' })
    const { app, applicant } = await makeApplicationIn('in_review', { reviewer: guba, files: 'stored' })
    const file = app.documents.find((d) => d.slot === 'product_photo')!
    const open = async (userId: unknown, fileId = file.id, appId = String(app._id)) =>
      call(fileLoader, request(`/files/applications/${appId}/${fileId}`, { cookie: userId ? (await signedIn(String(userId))).cookie : null }), { appId, fileId })
    const own = await fileLoader({ request: request(`/files/applications/${app._id}/${file.id}`, { cookie: (await signedIn(applicant._id)).cookie }), params: { appId: String(app._id), fileId: file.id }, context: { cspNonce: '' } })
    expect(own.status).toBe(200)
    expect(own.headers.get('Content-Type')).toBe('image/jpeg')
    expect(own.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(own.headers.get('Content-Disposition')).toMatch(/^inline; filename="/)
    expect(Buffer.from(await own.arrayBuffer()).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]))
    expect((await open(guba._id)).status).toBe(200)
    expect((await open(sheki._id)).status).toBe(403)
    const otherFamily = await makeAcceptedFamily()
    expect((await open(otherFamily.applicant._id)).status).toBe(403)
    expect((await open(null)).status).toBe(302)
    expect((await open(applicant._id, 'f'.repeat(32))).status).toBe(404)
    expect((await open(applicant._id, file.id, '64b7f0c2a1b2c3d4e5f60718')).status).toBe(404)
    const pdf = app.documents.find((d) => d.slot === 'identity')!
    const download = await fileLoader({ request: request(`/files/applications/${app._id}/${pdf.id}`, { cookie: (await signedIn(guba._id)).cookie }), params: { appId: String(app._id), fileId: pdf.id }, context: { cspNonce: '' } })
    expect(download.headers.get('Content-Disposition')).toMatch(/^attachment;/)
  })

  it('staff cannot open the documents of a draft', async () => {
    const guba = await makeCaseManager({ region: 'Guba' })
    const { app } = await makeDraft({ files: 'stored' })
    const file = app.documents[0]
    const result = await call(fileLoader, request(`/files/applications/${app._id}/${file.id}`, { cookie: (await signedIn(guba._id)).cookie }), { appId: String(app._id), fileId: file.id })
    expect(result.status).toBe(403)
  })
})

describe('/applications/:id (the applicant’s view)', () => {
  it('answers unknown ids with 404 and other families’ applications with 403', async () => {
    const { app } = await makeApplicationIn('submitted')
    const stranger = await makeApplicant()
    const { cookie } = await signedIn(stranger._id)
    expect((await call(applicationLoader, request('/applications/nope', { cookie }), { id: 'nope' })).status).toBe(404)
    expect((await call(applicationLoader, request('/applications/64b7f0c2a1b2c3d4e5f60718', { cookie }), { id: '64b7f0c2a1b2c3d4e5f60718' })).status).toBe(404)
    expect((await call(applicationLoader, request(`/applications/${app._id}`, { cookie }), { id: String(app._id) })).status).toBe(403)
  })

  it('shows the timeline the applicant may see (no internal checklist notes), the decision, and asks for a rating once', async () => {
    const staff = await makeCaseManager()
    const { app, applicant } = await makeApplicationIn('accepted', { reviewer: staff, message: 'Xoş gəlmisiniz!', appointmentAt: new Date(Date.now() + 3 * 86_400_000) })
    const { cookie } = await signedIn(applicant._id)
    const page = await call(applicationLoader, request(`/applications/${app._id}`, { cookie }), { id: String(app._id) })
    expect(page.status).toBe(200)
    expect(page.data.app.history.map((h: { event: string }) => h.event)).toEqual(['created', 'submitted', 'review_started', 'site_visit_scheduled', 'decided'])
    expect(page.data.app.decision).toMatchObject({ outcome: 'accepted', message: 'Xoş gəlmisiniz!' })
    expect(page.data.app.appointments).toHaveLength(1)
    expect(page.data.canRate).toBe(true)
    const rate = (score: string, who = cookie) => call(ratingAction, request('/ratings', { cookie: who, form: { touchpoint: 'application_decision', subjectId: String(app._id), score, comment: 'Tez və aydın', redirectTo: '/family' } }))
    expect((await rate('9')).status).toBe(400)
    const [first, second] = await Promise.all([rate('5'), rate('4')])
    expect([first.status, second.status]).toEqual([302, 302])
    expect(first.location).toBe('/family')
    expect(await RatingModel.countDocuments({ 'subject.id': String(app._id) })).toBe(1)
    const again = await call(applicationLoader, request(`/applications/${app._id}`, { cookie }), { id: String(app._id) })
    expect(again.data.canRate).toBe(false)
    // staff can read the application but the rating belongs to the family
    expect((await rate('1', (await signedIn(staff._id)).cookie)).status).toBe(403)
  })

  it('does not ask to rate an application that is still being reviewed', async () => {
    const { app, applicant } = await makeApplicationIn('in_review', { answers: abadAnswers() })
    const { cookie } = await signedIn(applicant._id)
    const result = await call(ratingAction, request('/ratings', { cookie, form: { touchpoint: 'application_decision', subjectId: String(app._id), score: '5', redirectTo: '/' } }))
    expect(result.status).toBe(403)
  })
})
