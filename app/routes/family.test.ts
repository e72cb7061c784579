import { describe, expect, it } from 'vitest'
import { makeAcceptedFamily, makeApplicant, makeApplicationIn, makeCaseManager, makeServiceRequest, sampleImage, samplePdf } from '#tests/factories/applications'
import { makeUser } from '#tests/factories/users'
import { BASE, call, request, signedIn } from '#tests/support/requests'
import { FamilyModel, getPublishedMakerPage } from '#models/family.server'
import { OutboxModel } from '#models/outbox.server'
import { RatingModel } from '#models/rating.server'
import { ServiceRequestModel, getServiceRequest } from '#models/service-request.server'
import { UserModel, getUserByEmail } from '#models/user.server'
import { loader as makerPhotoLoader } from './files.makers.$familyId.$fileId'
import { loader as serviceFileLoader } from './files.services.$requestId.$fileId'
import { loader as homeLoader } from './family._index'
import { action as joinAction, loader as joinLoader } from './family.join.$token'
import { action as profileAction, loader as profileLoader } from './family.profile'
import { action as serviceAction, loader as serviceLoader } from './family.services.$id'
import { action as servicesAction } from './family.services._index'
import { action as staffAction, loader as staffLoader } from './admin.services.$id'
import { loader as queueLoader } from './admin.services._index'
import { action as ratingAction } from './ratings'

const cookieOf = async (user: { _id: unknown }) => (await signedIn(String(user._id))).cookie

function multipart(pathname: string, cookie: string, fields: Record<string, string>, files: { field: string; name: string; type: string; bytes: Buffer }[] = []) {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  for (const file of files) form.append(file.field, new File([new Uint8Array(file.bytes)], file.name, { type: file.type }))
  return new Request(new URL(pathname, BASE), { method: 'POST', body: form, headers: { Cookie: cookie } })
}

describe('/family (the family’s home)', () => {
  it('sends someone without a household to their application', async () => {
    const applicant = await makeApplicant()
    expect(await call(homeLoader, request('/family', { cookie: await cookieOf(applicant) }))).toMatchObject({ status: 302, location: '/apply/abad' })
    const submitted = await makeApplicationIn('submitted')
    expect(await call(homeLoader, request('/family', { cookie: await cookieOf(submitted.applicant) }))).toMatchObject({ status: 302, location: `/applications/${submitted.app._id}` })
  })

  it('shows the journey with the next step, upcoming visits and the rating still owed', async () => {
    const { applicant, app, family } = await makeAcceptedFamily({ appointmentAt: new Date(Date.now() + 2 * 86_400_000) })
    const page = await call(homeLoader, request('/family', { cookie: await cookieOf(applicant) }))
    expect(page.status).toBe(200)
    expect(page.data.family.name).toBe(family.name)
    expect(page.data.journey.map((s: { id: string; state: string }) => `${s.id}:${s.state}`)).toEqual(['application:done', 'training:current', 'factory:todo', 'branding:todo', 'selling:todo'])
    expect(page.data.current).toBe('training')
    expect(page.data.events).toHaveLength(1)
    expect(page.data.events[0]).toMatchObject({ kind: 'site_visit', title: app.ref })
    expect(page.data.ratings).toEqual([{ touchpoint: 'application_decision', subjectId: String(app._id), label: app.ref, href: `/applications/${app._id}` }])
  })
})

describe('/family/profile', () => {
  it('invites another adult by mail; the new account belongs to the household and joins through the invitation', async () => {
    const { applicant, family } = await makeAcceptedFamily()
    const cookie = await cookieOf(applicant)
    const bad = await call(profileAction, request('/family/profile', { cookie, form: { intent: 'invite', name: 'X', email: 'not-an-email' } }))
    expect(bad.status).toBe(400)
    expect(await call(profileAction, request('/family/profile', { cookie, form: { intent: 'invite', name: 'Elçin Abbasov', email: 'elcin@example.az' } }))).toMatchObject({ status: 302 })
    const invited = await getUserByEmail('elcin@example.az')
    expect(invited).toMatchObject({ status: 'invited', roles: ['family'] })
    expect(String(invited!.familyId)).toBe(String(family._id))
    const mail = await OutboxModel.findOne({ to: 'elcin@example.az', template: 'family_invite' }).lean()
    expect(mail?.body).toMatch(/\/accept-invite\/[\w-]+/)
    const page = await call(profileLoader, request('/family/profile', { cookie }))
    expect(page.data.family.members.find((m: { name: string }) => m.name === 'Elçin Abbasov')).toMatchObject({ account: 'invited' })
    // inviting the same person again does not add them twice
    await call(profileAction, request('/family/profile', { cookie, form: { intent: 'invite', name: 'Elçin Abbasov', email: 'elcin@example.az' } }))
    expect((await FamilyModel.findById(family._id).lean())!.members.filter((m) => m.name === 'Elçin Abbasov')).toHaveLength(1)
  })

  it('an adult who already has an account joins with the link, signed in as themselves', async () => {
    const { applicant, family } = await makeAcceptedFamily()
    const existing = await makeUser({ roles: ['shopper'], email: 'nigar@example.az', name: 'Nigar Abbasova' })
    await call(profileAction, request('/family/profile', { cookie: await cookieOf(applicant), form: { intent: 'invite', name: 'Nigar Abbasova', email: 'nigar@example.az' } }))
    const mail = await OutboxModel.findOne({ to: 'nigar@example.az', template: 'family_invite_existing' }).lean()
    const token = /\/family\/join\/([\w-]+)/.exec(mail!.body)![1]
    const stranger = await makeUser()
    expect((await call(joinLoader, request(`/family/join/${token}`, { cookie: await cookieOf(stranger) }), { token })).status).toBe(403)
    const mine = await cookieOf(existing)
    expect(await call(joinLoader, request(`/family/join/${token}`, { cookie: mine }), { token })).toMatchObject({ status: 200, data: { state: 'ok', family: { name: family.name } } })
    expect(await call(joinAction, request(`/family/join/${token}`, { cookie: mine, form: {} }), { token })).toMatchObject({ status: 302, location: '/family' })
    const joined = await UserModel.findById(existing._id).lean()
    expect(String(joined!.familyId)).toBe(String(family._id))
    expect(joined!.roles).toEqual(['shopper', 'family'])
    expect((await call(joinAction, request(`/family/join/${token}`, { cookie: mine, form: {} }), { token })).status).toBe(410)
  })

  it('will not invite someone who belongs to another household', async () => {
    const first = await makeAcceptedFamily()
    const second = await makeAcceptedFamily()
    const result = await call(profileAction, request('/family/profile', { cookie: await cookieOf(first.applicant), form: { intent: 'invite', name: 'Someone', email: second.applicant.email } }))
    expect(result.status).toBe(400)
    expect(String((await UserModel.findById(second.applicant._id).lean())!.familyId)).toBe(String(second.family._id))
  })

  it('publishes the maker page only when the family agrees; the photo is public only then', async () => {
    const { applicant, family } = await makeAcceptedFamily()
    const cookie = await cookieOf(applicant)
    expect((await call(profileAction, request('/family/profile', { cookie, form: { intent: 'maker', published: 'on', storyAz: '', storyEn: '', storyRu: '' } }))).status).toBe(400)
    const photo = await call(profileAction, multipart('/family/profile', cookie, {}, [{ field: 'photo', name: 'us.jpg', type: 'image/jpeg', bytes: await sampleImage('Family') }]))
    expect(photo).toMatchObject({ status: 302 })
    const saved = (await FamilyModel.findById(family._id).lean())!
    const photoId = saved.makerPage!.photo
    expect(photoId).toMatch(/^[a-f0-9]{32}$/)
    const anonymous = () => call(makerPhotoLoader, request(`/files/makers/${family._id}/${photoId}`), { familyId: String(family._id), fileId: photoId })
    expect((await anonymous()).status).toBe(404)
    await call(profileAction, request('/family/profile', { cookie, form: { intent: 'maker', published: 'on', storyAz: 'Üç nəsildir Qubada mürəbbə bişiririk.', storyEn: '', storyRu: '' } }))
    const published = (await FamilyModel.findById(family._id).lean())!
    expect(published.makerPage).toMatchObject({ published: true })
    expect(await getPublishedMakerPage(published.makerPage!.slug!)).toMatchObject({ name: family.name })
    expect((await anonymous()).status).toBe(200)
    await call(profileAction, request('/family/profile', { cookie, form: { intent: 'maker', storyAz: 'Üç nəsildir Qubada mürəbbə bişiririk.', storyEn: '', storyRu: '' } }))
    expect(await getPublishedMakerPage(published.makerPage!.slug!)).toBeNull()
    expect((await anonymous()).status).toBe(404)
  })
})

describe('support services', () => {
  it('a family asks, the right staff takes it, they write with files, staff close it, the family rates it once', async () => {
    const guba = await makeCaseManager({ region: 'Guba', email: 'cm.guba@example.az' })
    const sheki = await makeCaseManager({ region: 'Sheki' })
    const sales = await makeUser({ roles: ['sales_manager'] })
    const { applicant } = await makeAcceptedFamily()
    const cookie = await cookieOf(applicant)
    const incomplete = await call(servicesAction, multipart('/family/services', cookie, { kind: 'business_plan', title: 'Plan', body: '' }))
    expect(incomplete.status).toBe(400)
    const created = await call(servicesAction, multipart('/family/services', cookie, { kind: 'business_plan', title: 'Plan for next year', body: 'We want to double the jam output.' }, [{ field: 'files', name: 'sales.pdf', type: 'application/pdf', bytes: samplePdf('Sales 2025') }]))
    expect(created.status).toBe(302)
    const id = created.location!.split('/').pop()!
    const request0 = (await getServiceRequest(id))!
    expect(request0).toMatchObject({ status: 'requested', region: 'Guba', kind: 'business_plan' })
    expect(request0.messages[0].files).toHaveLength(1)

    const staffPost = async (user: { _id: unknown }, form: Record<string, string>) => call(staffAction, request(`/admin/services/${id}`, { cookie: await cookieOf(user), form }), { id })
    expect((await staffPost(sales, { intent: 'take' })).status).toBe(403)
    expect((await call(staffLoader, request(`/admin/services/${id}`, { cookie: await cookieOf(sheki) }), { id })).status).toBe(403)
    expect(await staffPost(guba, { intent: 'take' })).toMatchObject({ status: 302 })
    expect(await OutboxModel.countDocuments({ to: applicant.email, template: 'service_taken' })).toBe(1)
    const reply = await call(staffAction, multipart(`/admin/services/${id}`, await cookieOf(guba), { intent: 'message', body: 'Please fill in this template.' }, [{ field: 'files', name: 'template.pdf', type: 'application/pdf', bytes: samplePdf('Template') }]), { id })
    expect(reply.status).toBe(302)
    expect(await OutboxModel.countDocuments({ to: applicant.email, template: 'service_message' })).toBe(1)

    const home = await call(homeLoader, request('/family', { cookie }))
    expect(home.data.unread).toEqual([{ id, number: request0.number, title: 'Plan for next year', unread: 1 }])
    const thread = await call(serviceLoader, request(`/family/services/${id}`, { cookie }), { id })
    expect(thread.data.request.messages).toHaveLength(2)
    const staffFile = thread.data.request.messages[1].files[0]
    const fileResponse = await call(serviceFileLoader, request(`/files/services/${id}/${staffFile.id}`, { cookie }), { requestId: id, fileId: staffFile.id })
    expect(fileResponse.status).toBe(200)
    expect((await call(homeLoader, request('/family', { cookie }))).data.unread).toEqual([])

    const other = await makeAcceptedFamily()
    const otherCookie = await cookieOf(other.applicant)
    expect((await call(serviceLoader, request(`/family/services/${id}`, { cookie: otherCookie }), { id })).status).toBe(403)
    expect((await call(serviceFileLoader, request(`/files/services/${id}/${staffFile.id}`, { cookie: otherCookie }), { requestId: id, fileId: staffFile.id })).status).toBe(403)

    expect(await call(serviceAction, multipart(`/family/services/${id}`, cookie, { intent: 'message', body: 'Done, see attached.' }), { id })).toMatchObject({ status: 302 })
    expect(await OutboxModel.countDocuments({ to: 'cm.guba@example.az', template: 'service_family_replied' })).toBe(1)
    expect((await call(serviceAction, request(`/family/services/${id}`, { cookie, form: { intent: 'cancel' } }), { id })).status).toBe(409)

    expect((await staffPost(guba, { intent: 'close', resolution: 'resolved', outcome: '' })).status).toBe(400)
    expect(await staffPost(guba, { intent: 'close', resolution: 'resolved', outcome: 'The plan is ready and agreed with the family.' })).toMatchObject({ status: 302 })
    expect((await getServiceRequest(id))!.status).toBe('closed')
    expect(await OutboxModel.countDocuments({ to: applicant.email, template: 'service_closed' })).toBe(1)
    const closedMessage = await call(serviceAction, multipart(`/family/services/${id}`, cookie, { intent: 'message', body: 'One more thing' }), { id })
    expect(closedMessage.status).toBe(409)

    const rate = () => call(ratingAction, request('/ratings', { cookie, form: { touchpoint: 'service_request', subjectId: id, score: '4', redirectTo: `/family/services/${id}` } }))
    expect((await rate()).status).toBe(302)
    expect((await rate()).status).toBe(302)
    expect(await RatingModel.countDocuments({ touchpoint: 'service_request', 'subject.id': id })).toBe(1)
    expect((await call(ratingAction, request('/ratings', { cookie: otherCookie, form: { touchpoint: 'service_request', subjectId: id, score: '1', redirectTo: '/' } }))).status).toBe(403)
  })

  it('a family withdraws a request nobody has taken', async () => {
    const { applicant, family } = await makeAcceptedFamily()
    const open = await makeServiceRequest({ family, requester: applicant, kind: 'legal' })
    const id = String(open._id)
    expect(await call(serviceAction, request(`/family/services/${id}`, { cookie: await cookieOf(applicant), form: { intent: 'cancel' } }), { id })).toMatchObject({ status: 302, location: '/family/services' })
    expect((await getServiceRequest(id))!.status).toBe('cancelled')
  })

  it('the staff queue shows the kinds a role handles in its region, with service time against the target', async () => {
    const guba = await makeCaseManager({ region: 'Guba' })
    const sales = await makeUser({ roles: ['sales_manager'] })
    const { applicant, family } = await makeAcceptedFamily()
    const late = await makeServiceRequest({ family, requester: applicant, kind: 'accounting' })
    await ServiceRequestModel.updateOne({ _id: late._id }, { $set: { openedAt: new Date(Date.now() - 30 * 86_400_000) } })
    await makeServiceRequest({ family, requester: applicant, kind: 'marketing' })
    await makeServiceRequest({ family, requester: applicant, kind: 'legal', status: 'closed', staff: guba })
    const forCaseManager = await call(queueLoader, request('/admin/services', { cookie: await cookieOf(guba) }))
    expect(forCaseManager.data.total).toBe(3)
    expect(forCaseManager.data.byStatus).toMatchObject({ requested: 2, closed: 1 })
    const overdue = await call(queueLoader, request('/admin/services?overdue=on', { cookie: await cookieOf(guba) }))
    expect(overdue.data.rows.map((r: { id: string }) => r.id)).toEqual([String(late._id)])
    expect(overdue.data.rows[0].overTarget).toBe(true)
    const forSales = await call(queueLoader, request('/admin/services', { cookie: await cookieOf(sales) }))
    expect(forSales.data.rows.map((r: { kind: string }) => r.kind)).toEqual(['marketing'])
    expect((await call(queueLoader, request('/admin/services', { cookie: await cookieOf(applicant) }))).status).toBe(403)
  })
})
