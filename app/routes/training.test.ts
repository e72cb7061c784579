import { describe, expect, it } from 'vitest'
import { makeActiveFamily, makeRun, makeTrainer } from '#tests/factories/training'
import { SlotModel } from '#models/slot.server'
import { makeUser } from '#tests/factories/users'
import { call, request, signedIn } from '#tests/support/requests'
import { BookingModel } from '#models/booking.server'
import { issueCertificate } from '#models/certificate.server'
import { loader as calendarLoader } from './admin.training.calendar'
import { action as runAction, loader as runLoader } from './family.training.$runId'
import { loader as verifyLoader } from './certificates.$code'
import { action as sheetAction, loader as sheetLoader } from './trainer.sessions.$slotId'

describe('training routes', () => {
  it('a family not accepted yet is refused with a sentence; an accepted one enrols once, the second click replays', async () => {
    const { run } = await makeRun({ capacity: 2 })
    const applicant = await makeUser({ roles: ['family'] })
    const { cookie: applicantCookie } = await signedIn(applicant._id, { locale: 'en' })
    const refused = await call(runAction, request(`/family/training/${run._id}`, { cookie: applicantCookie, form: { intent: 'enrol', idempotencyKey: 'k-applicant-1' } }), { runId: String(run._id) })
    expect(refused.status).toBe(409)
    expect(refused.data.formError).toBe('Only families accepted into ABAD can book this.')

    const { member } = await makeActiveFamily({ withMember: true })
    const { cookie } = await signedIn(member!._id, { locale: 'en' })
    const form = { intent: 'enrol', idempotencyKey: 'double-click-1' }
    const [a, b] = await Promise.all([
      call(runAction, request(`/family/training/${run._id}`, { cookie, form }), { runId: String(run._id) }),
      call(runAction, request(`/family/training/${run._id}`, { cookie, form }), { runId: String(run._id) }),
    ])
    expect([a.status, b.status]).toEqual([302, 302])
    expect(await BookingModel.countDocuments({ 'holder.id': member!.familyId, status: 'confirmed' })).toBe(2)
    const page = await call(runLoader, request(`/family/training/${run._id}`, { cookie }), { runId: String(run._id) })
    expect(page.data.mine.state).toBe('enrolled')
  })

  it('the month calendar shows how full each day is: places taken out of places offered', async () => {
    // two sessions on one day: 4 and 6 places, 3 of the first taken
    const { run } = await makeRun({ capacity: 4, count: 1, daysAhead: 2 })
    await makeRun({ capacity: 6, count: 1, daysAhead: 2 })
    const slot = await SlotModel.findOne({ resourceId: run._id }).lean()
    await SlotModel.updateOne({ _id: slot!._id }, { $set: { confirmed: 3 } })
    const staff = await makeUser({ roles: ['case_manager'] })
    const { cookie } = await signedIn(staff._id, { locale: 'en' })
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Baku' }).format(slot!.startsAt)
    const page = await call(calendarLoader, request(`/admin/training/calendar?view=month&day=${day}`, { cookie }))
    expect(page.data.counts[day]).toBe(2)
    expect(page.data.fill[day]).toEqual({ taken: 3, capacity: 10 })
  })

  it('a trainer cannot open or mark the attendance sheet of a session that is not theirs', async () => {
    const owner = await makeTrainer()
    const other = await makeTrainer()
    const { run } = await makeRun({ trainerId: owner._id, count: 1 })
    const { member } = await makeActiveFamily({ withMember: true })
    const { cookie: familyCookie } = await signedIn(member!._id)
    await call(runAction, request(`/family/training/${run._id}`, { cookie: familyCookie, form: { intent: 'enrol', idempotencyKey: 'enrol-sheet-1' } }), { runId: String(run._id) })
    const booking = await BookingModel.findOne({ 'holder.id': member!.familyId }).lean()
    const slotId = String(booking!.slotId)
    const { cookie: otherCookie } = await signedIn(other._id)
    expect((await call(sheetLoader, request(`/trainer/sessions/${slotId}`, { cookie: otherCookie }), { slotId })).status).toBe(403)
    const marked = await call(sheetAction, request(`/trainer/sessions/${slotId}`, { cookie: otherCookie, form: { intent: 'attendance', [`mark-${booking!._id}`]: 'present' } }), { slotId })
    expect(marked.status).toBe(403)
    const { cookie: ownerCookie } = await signedIn(owner._id)
    const sheet = await call(sheetLoader, request(`/trainer/sessions/${slotId}`, { cookie: ownerCookie }), { slotId })
    expect(sheet.data.rows).toHaveLength(1)
  })

  it('the public verification page answers an unknown code with "not found", not an error page, and shows only the holder’s name', async () => {
    const missing = await call(verifyLoader, request('/certificates/ABAD-CERT-NOPE-NOPE'), { code: 'ABAD-CERT-NOPE-NOPE' })
    expect(missing).toMatchObject({ status: 404, data: { status: 'not_found' } })
    const { run, course } = await makeRun({ count: 1 })
    const { holder } = await makeActiveFamily({ name: 'Həsənovlar' })
    const cert = await issueCertificate({ holder, courseId: course._id, runId: run._id }, null)
    const found = await call(verifyLoader, request(`/certificates/${cert.code}`), { code: cert.code })
    expect(found.status).toBe(200)
    expect(Object.keys(found.data).sort()).toEqual(['code', 'course', 'expiresAt', 'holderName', 'issuedAt', 'revokedAt', 'status'])
    expect(found.data).toMatchObject({ status: 'valid', holderName: 'Həsənovlar' })
  })
})
