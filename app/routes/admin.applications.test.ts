import { describe, expect, it } from 'vitest'
import { abadAnswers, makeApplicant, makeApplicationIn, makeCaseManager } from '#tests/factories/applications'
import { makeUser } from '#tests/factories/users'
import { call, request, signedIn } from '#tests/support/requests'
import { ApplicationModel, getApplication } from '#models/application.server'
import { AuditEventModel } from '#models/audit.server'
import { FamilyModel } from '#models/family.server'
import { OutboxModel } from '#models/outbox.server'
import { UserModel } from '#models/user.server'
import { action as reviewAction, loader as reviewLoader } from './admin.applications.$id'
import { loader as queueLoader } from './admin.applications._index'

const cookieOf = async (user: { _id: unknown }) => (await signedIn(String(user._id))).cookie
const post = async (user: { _id: unknown }, id: unknown, form: Record<string, string>) =>
  call(reviewAction, request(`/admin/applications/${id}`, { cookie: await cookieOf(user), form }), { id: String(id) })

describe('/admin/applications (the queue)', () => {
  it('is for staff who decide: a family gets 403', async () => {
    const family = await makeApplicant()
    expect((await call(queueLoader, request('/admin/applications', { cookie: await cookieOf(family) }))).status).toBe(403)
  })

  it('filters by region, status, age and need; counts per status; marks overdue applications', async () => {
    const lead = await makeCaseManager({ region: null, lead: true })
    const old = await makeApplicationIn('submitted', { answers: abadAnswers({ household: { region: 'Balakan' }, needs: { needs: ['legal'] } }) })
    await ApplicationModel.updateOne({ _id: old.app._id }, { $set: { submittedAt: new Date(Date.now() - 40 * 86_400_000) } })
    await makeApplicationIn('in_review', { reviewer: lead, answers: abadAnswers({ household: { region: 'Guba' } }) })
    await makeApplicationIn('submitted', { answers: abadAnswers({ household: { region: 'Guba' }, needs: { needs: ['legal'] } }) })
    const cookie = await cookieOf(lead)
    const all = await call(queueLoader, request('/admin/applications', { cookie }))
    expect(all.data.total).toBe(3)
    expect(all.data.byStatus).toMatchObject({ submitted: 2, in_review: 1, accepted: 0 })
    // oldest first by default, and it is the overdue one
    expect(all.data.rows[0]).toMatchObject({ id: String(old.app._id), overdue: true })
    expect(all.data.rows.filter((row: { overdue: boolean }) => row.overdue)).toHaveLength(1)
    const guba = await call(queueLoader, request('/admin/applications?region=Guba', { cookie }))
    expect(guba.data.rows.map((r: { region: string }) => r.region)).toEqual(['Guba', 'Guba'])
    const legalSubmitted = await call(queueLoader, request('/admin/applications?status=submitted&need=legal', { cookie }))
    expect(legalSubmitted.data.total).toBe(2)
    const overdue = await call(queueLoader, request('/admin/applications?age=overdue', { cookie }))
    expect(overdue.data.rows.map((r: { id: string }) => r.id)).toEqual([String(old.app._id)])
    const byRef = await call(queueLoader, request('/admin/applications?sort=ref&dir=desc', { cookie }))
    const refs = byRef.data.rows.map((r: { ref: string }) => r.ref)
    expect(refs).toEqual([...refs].sort().reverse())
    const paged = await call(queueLoader, request('/admin/applications?page=2', { cookie }))
    expect(paged.data.rows).toEqual([])
  })

  it('a case manager sees their own region only, whatever the filter says', async () => {
    const sheki = await makeCaseManager({ region: 'Sheki' })
    await makeApplicationIn('submitted', { answers: abadAnswers({ household: { region: 'Guba' } }) })
    await makeApplicationIn('submitted', { answers: abadAnswers({ household: { region: 'Sheki' } }) })
    const cookie = await cookieOf(sheki)
    const mine = await call(queueLoader, request('/admin/applications', { cookie }))
    expect(mine.data.rows.map((r: { region: string }) => r.region)).toEqual(['Sheki'])
    const sneaky = await call(queueLoader, request('/admin/applications?region=Guba', { cookie }))
    expect(sneaky.data.rows).toEqual([])
    expect(sneaky.data.byStatus.submitted).toBe(0)
  })
})

describe('/admin/applications/:id (review and decision)', () => {
  it('is 404 for an unknown id and 403 outside the case manager’s region or for a family', async () => {
    const guba = await makeCaseManager({ region: 'Guba' })
    const sheki = await makeCaseManager({ region: 'Sheki' })
    const { app, applicant } = await makeApplicationIn('submitted')
    expect((await call(reviewLoader, request('/admin/applications/x', { cookie: await cookieOf(guba) }), { id: 'x' })).status).toBe(404)
    expect((await call(reviewLoader, request(`/admin/applications/${app._id}`, { cookie: await cookieOf(sheki) }), { id: String(app._id) })).status).toBe(403)
    expect((await call(reviewLoader, request(`/admin/applications/${app._id}`, { cookie: await cookieOf(applicant) }), { id: String(app._id) })).status).toBe(403)
    expect((await call(reviewLoader, request(`/admin/applications/${app._id}`, { cookie: await cookieOf(guba) }), { id: String(app._id) })).status).toBe(200)
    expect((await post(sheki, app._id, { intent: 'assign', assigneeId: String(sheki._id) })).status).toBe(403)
  })

  it('takes, verifies, schedules a visit and accepts: each step mails the family and lands in the timeline and the audit trail', async () => {
    const staff = await makeCaseManager({ region: 'Guba', name: 'Rəşad Əliyev' })
    const applicant = await makeApplicant({ locale: 'az', email: 'aile.quba@example.az', name: 'Leyla Quliyeva' })
    const { app } = await makeApplicationIn('submitted', { applicant, answers: abadAnswers({ applicantName: 'Leyla Quliyeva' }) })
    const rev = () => getApplication(app._id).then((a) => String(a!.rev))

    expect(await post(staff, app._id, { intent: 'assign', assigneeId: String(staff._id), rev: await rev() })).toMatchObject({ status: 302 })
    expect((await getApplication(app._id))!.status).toBe('in_review')
    const inReview = await OutboxModel.findOne({ to: 'aile.quba@example.az', template: 'application_in_review' }).lean()
    expect(inReview?.body).toContain('Rəşad Əliyev')

    expect(await post(staff, app._id, { intent: 'checklist', item: 'documents_verified', done: 'on', note: 'Vəsiqə yoxlanıldı' })).toMatchObject({ status: 302 })
    const bad = await post(staff, app._id, { intent: 'schedule', kind: 'site_visit', at: '2020-01-01T10:00', place: 'Qımıl kəndi' })
    expect(bad.status).toBe(400)
    expect(bad.data.errors.at).toBeTruthy()
    const when = new Date(Date.now() + 5 * 86_400_000)
    const local = new Date(when.getTime() + 4 * 3_600_000).toISOString().slice(0, 16)
    expect(await post(staff, app._id, { intent: 'schedule', kind: 'site_visit', at: local, place: 'Qımıl kəndi, ailənin evi', note: '' })).toMatchObject({ status: 302 })
    const visit = await OutboxModel.findOne({ to: 'aile.quba@example.az', template: 'application_appointment' }).lean()
    expect(visit?.subject).toMatch(/^Evə\/istehsal yerinə baxış: /)
    expect(visit?.body).toContain('Qımıl kəndi, ailənin evi')

    const page = await call(reviewLoader, request(`/admin/applications/${app._id}`, { cookie: await cookieOf(staff) }), { id: String(app._id) })
    expect(page.data.can).toMatchObject({ decide: true, update: true })
    expect(page.data.templates.accepted).toContain('Hörmətli Leyla Quliyeva')
    expect(page.data.app.checklist.documents_verified).toMatchObject({ done: true, note: 'Vəsiqə yoxlanıldı' })

    const noReason = await post(staff, app._id, { intent: 'decide', outcome: 'accepted', reason: '', message: '', rev: await rev() })
    expect(noReason.status).toBe(400)
    const edited = 'Hörmətli Leyla xanım, müraciətiniz qəbul edildi. Təlim 3 martda başlayır.'
    expect(await post(staff, app._id, { intent: 'decide', outcome: 'accepted', reason: 'Güclü müraciət, təcrübə var', message: edited, rev: await rev() })).toMatchObject({ status: 302 })
    const decided = (await getApplication(app._id))!
    expect(decided.status).toBe('accepted')
    const family = await FamilyModel.findById(decided.familyId).lean()
    expect(family?.region).toBe('Guba')
    const user = await UserModel.findById(applicant._id).lean()
    expect(String(user!.familyId)).toBe(String(decided.familyId))
    const mail = await OutboxModel.find({ to: 'aile.quba@example.az', template: 'application_accepted' }).lean()
    expect(mail).toHaveLength(1)
    expect(mail[0].subject).toBe(`${decided.ref}: müraciətiniz qəbul edildi`)
    expect(mail[0].body).toContain(edited)

    // a second click, or a colleague at the same time: refused, nothing sent twice
    const twice = await post(staff, app._id, { intent: 'decide', outcome: 'rejected', reason: 'Bir daha', message: '', rev: String(decided.rev) })
    expect(twice.status).toBe(409)
    expect(await OutboxModel.countDocuments({ to: 'aile.quba@example.az', template: { $in: ['application_accepted', 'application_rejected'] } })).toBe(1)
    const actions = (await AuditEventModel.find({ 'subject.id': String(app._id) }).sort({ at: 1 }).lean()).map((e) => e.action)
    expect(actions).toEqual(['application.created', 'application.submitted', 'application.review_started', 'application.checklist', 'application.appointment_scheduled', 'application.accepted'])
  })

  it('generates the message from the template in the family’s language when the case manager leaves it empty', async () => {
    const staff = await makeCaseManager({ region: 'Guba' })
    const applicant = await makeApplicant({ locale: 'en', email: 'family.en@example.az' })
    const { app } = await makeApplicationIn('in_review', { applicant, reviewer: staff })
    expect(await post(staff, app._id, { intent: 'decide', outcome: 'rejected', reason: 'The village is outside the programme this year.', message: '', rev: String(app.rev) })).toMatchObject({ status: 302 })
    const mail = await OutboxModel.findOne({ to: 'family.en@example.az', template: 'application_rejected' }).lean()
    expect(mail?.locale).toBe('en')
    expect(mail?.body).toContain(`Dear ${applicant.name}`)
    expect(mail?.body).toContain('Reason: The village is outside the programme this year.')
  })

  it('only a lead (or admin) assigns to someone else; nobody assigns a non–case-manager', async () => {
    const staff = await makeCaseManager({ region: 'Guba' })
    const colleague = await makeCaseManager({ region: 'Guba' })
    const lead = await makeCaseManager({ region: null, lead: true })
    const trainer = await makeUser({ roles: ['trainer'] })
    const { app } = await makeApplicationIn('submitted')
    expect((await post(staff, app._id, { intent: 'assign', assigneeId: String(colleague._id) })).status).toBe(403)
    expect((await post(lead, app._id, { intent: 'assign', assigneeId: String(trainer._id) })).status).toBe(400)
    expect(await post(lead, app._id, { intent: 'assign', assigneeId: String(colleague._id) })).toMatchObject({ status: 302 })
    expect((await getApplication(app._id))!.assigneeName).toBe(colleague.name)
  })

  it('a user without the right cannot decide, even by posting the form', async () => {
    const { app, applicant } = await makeApplicationIn('in_review')
    const trainer = await makeUser({ roles: ['trainer'] })
    const programme = await makeUser({ roles: ['programme_manager'] })
    for (const user of [applicant, trainer, programme]) {
      const result = await post(user, app._id, { intent: 'decide', outcome: 'accepted', reason: 'I decide', message: '', rev: String(app.rev) })
      expect(result.status).toBe(403)
    }
    expect((await getApplication(app._id))!.status).toBe('in_review')
  })

  it('a stale page (someone changed the application meanwhile) cannot decide', async () => {
    const staff = await makeCaseManager({ region: 'Guba' })
    const { app } = await makeApplicationIn('in_review', { reviewer: staff })
    await post(staff, app._id, { intent: 'checklist', item: 'interview_held', done: 'on', note: '' })
    const result = await post(staff, app._id, { intent: 'decide', outcome: 'accepted', reason: 'Looks good', message: '', rev: String(app.rev) })
    expect(result.status).toBe(409)
    expect((await getApplication(app._id))!.status).toBe('in_review')
  })

  it('a waitlisted application goes back into review and the family hears of it', async () => {
    const staff = await makeCaseManager({ region: 'Guba' })
    const applicant = await makeApplicant({ email: 'wait@example.az' })
    const { app } = await makeApplicationIn('waitlisted', { applicant, reviewer: staff })
    expect(await post(staff, app._id, { intent: 'reopen', note: 'A place opened' })).toMatchObject({ status: 302 })
    expect((await getApplication(app._id))!.status).toBe('in_review')
    expect(await OutboxModel.countDocuments({ to: 'wait@example.az', template: 'application_reopened' })).toBe(1)
  })
})
