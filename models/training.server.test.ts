import { describe, expect, it } from 'vitest'
import { makeActiveFamily, makeFamilies, makeRun, makeTrainer, makeTrainingCourse } from '#tests/factories/training'
import { BookingModel, type Booking } from './booking.server'
import { hasValidCertificate } from './certificate.server'
import { OutboxModel } from './outbox.server'
import { SlotModel } from './slot.server'
import { cancelEnrolment, enrolInRun, getAttendanceSheet, listHolderEnrolments, listOpenRuns, recordAttendance, recordResult } from './training.server'

const actor = null
const later = (days: number) => new Date(Date.now() + days * 86_400_000)

describe('enrolment through the booking engine', () => {
  it('books every session of the run; refuses families not accepted, a second enrolment and a run that has started', async () => {
    const { run } = await makeRun({ capacity: 2 })
    const { holder } = await makeActiveFamily()
    const enrolled = await enrolInRun({ runId: run._id, holder, actor })
    expect(enrolled).toMatchObject({ ok: true, state: 'enrolled' })
    expect(await BookingModel.countDocuments({ 'holder.id': holder.id, status: 'confirmed' })).toBe(2)
    expect(await enrolInRun({ runId: run._id, holder, actor })).toMatchObject({ ok: false, reason: 'already_booked' })
    const applicant = await makeActiveFamily({ status: 'left' })
    expect(await enrolInRun({ runId: run._id, holder: applicant.holder, actor })).toMatchObject({ ok: false, reason: 'holder_not_eligible' })
    const started = await makeRun({ sessions: [{ startsAt: new Date(Date.now() - 3_600_000), endsAt: new Date(Date.now() + 3_600_000) }], count: 1 })
    expect(await enrolInRun({ runId: started.run._id, holder, actor })).toMatchObject({ ok: false, reason: 'slot_in_past' })
    const open = await listOpenRuns()
    expect(open.map((s) => String(s.run._id))).toEqual([String(run._id)])
    expect(open[0].free).toBe(1)
  })

  it('a full run offers the waitlist; the waiting family gets every session when a place frees, with one mail', async () => {
    const { run } = await makeRun({ capacity: 1 })
    const first = await makeActiveFamily()
    const second = await makeActiveFamily({ withMember: true, email: 'waiting@example.az' })
    const third = await makeActiveFamily()
    const a = await enrolInRun({ runId: run._id, holder: first.holder, actor })
    expect(await enrolInRun({ runId: run._id, holder: second.holder, actor, idempotencyKey: 'page-1' })).toMatchObject({ ok: false, reason: 'capacity_full', details: { waitlist: true } })
    // the same page (same key) then accepts the waitlist offer
    const b = await enrolInRun({ runId: run._id, holder: second.holder, actor, joinWaitlist: true, idempotencyKey: 'page-1' })
    const c = await enrolInRun({ runId: run._id, holder: third.holder, actor, joinWaitlist: true })
    expect(b).toMatchObject({ ok: true, state: 'waitlisted' })
    const waiting = await BookingModel.find({ 'holder.id': second.family._id }).lean<Booking[]>()
    expect(waiting.map((w) => [w.status, w.waitlistPosition])).toEqual([['waitlisted', 1], ['waitlisted', 1]])
    expect(c.ok).toBe(true)
    const cancelled = await cancelEnrolment({ enrolmentId: a.ok ? a.enrolment._id : '', actor })
    expect(cancelled.ok).toBe(true)
    const [view] = await listHolderEnrolments(second.holder)
    expect(view.state).toBe('enrolled')
    expect(view.bookings.map((x) => x.status)).toEqual(['confirmed', 'confirmed'])
    const [stillWaiting] = await listHolderEnrolments(third.holder)
    expect(stillWaiting.state).toBe('waitlisted')
    expect(await OutboxModel.countDocuments({ to: 'waiting@example.az', template: 'training.promoted' })).toBe(1)
    expect(await OutboxModel.countDocuments({ to: 'waiting@example.az', template: 'booking.promoted' })).toBe(0)
    const sessions = await SlotModel.find({ resourceId: run._id }).lean()
    expect(sessions.map((s) => [s.confirmed, s.waiting])).toEqual([[1, 1], [1, 1]])
  })

  it('many families enrolling at once never over-fill a session and never split an enrolment', async () => {
    const { run } = await makeRun({ capacity: 4 })
    const holders = await makeFamilies(24)
    const results = await Promise.all(holders.map((holder) => enrolInRun({ runId: run._id, holder, actor, joinWaitlist: true })))
    expect(results.every((r) => r.ok)).toBe(true)
    expect(results.filter((r) => r.ok && r.state === 'enrolled')).toHaveLength(4)
    const sessions = await SlotModel.find({ resourceId: run._id }).lean()
    for (const s of sessions) expect(s.confirmed).toBe(4)
    for (const holder of holders) {
      const statuses = new Set((await BookingModel.find({ 'holder.id': holder.id, status: { $ne: 'cancelled' } }).lean<Booking[]>()).map((b) => b.status))
      expect(statuses.size).toBe(1)
    }
  })
})

describe('attendance, results and completion', () => {
  async function setUp(passRule = { minAttendancePct: 80, requiresPass: true }, families = 1) {
    const trainer = await makeTrainer()
    const course = await makeTrainingCourse({ passRule, sessionsCount: 2, certificateValidityMonths: 12 })
    const { run } = await makeRun({ course, trainerId: trainer._id, capacity: 5 })
    const people = []
    for (let i = 0; i < families; i++) {
      const family = await makeActiveFamily({ withMember: true })
      const enrolled = await enrolInRun({ runId: run._id, holder: family.holder, actor })
      if (!enrolled.ok) throw new Error(enrolled.reason)
      const bookings = await BookingModel.find({ bundleId: enrolled.enrolment._id }).sort({ startsAt: 1 }).lean<Booking[]>()
      people.push({ ...family, enrolment: enrolled.enrolment, bookings })
    }
    return { trainer, course, run, people, afterAll: later(30) }
  }

  it('only the session’s own trainer marks attendance', async () => {
    const { people, afterAll } = await setUp()
    const stranger = await makeTrainer()
    const result = await recordAttendance({ bookingId: people[0].bookings[0]._id, mark: 'present', actor: stranger, now: afterAll })
    expect(result).toMatchObject({ ok: false, reason: 'holder_not_eligible', details: { notYourSession: true } })
    expect(await recordResult({ enrolmentId: people[0].enrolment._id, pass: true, actor: stranger, now: afterAll })).toMatchObject({ ok: false, details: { notYourSession: true } })
  })

  it('attendance at or above the minimum and a pass complete the course and issue a certificate', async () => {
    const { trainer, course, people, afterAll } = await setUp()
    const [p] = people
    expect(await recordAttendance({ bookingId: p.bookings[0]._id, mark: 'present', actor: trainer, now: afterAll })).toMatchObject({ ok: true, booking: { status: 'checked_in' } })
    await recordAttendance({ bookingId: p.bookings[1]._id, mark: 'late', actor: trainer, now: afterAll })
    const outcome = await recordResult({ enrolmentId: p.enrolment._id, pass: true, note: 'Clean work', actor: trainer, now: afterAll })
    expect(outcome).toMatchObject({ ok: true, enrolment: { status: 'completed', attendancePct: 100 } })
    expect(outcome.ok && outcome.certificate?.code).toMatch(/^ABAD-CERT-/)
    expect(await hasValidCertificate(p.holder, course._id, afterAll)).toBe(true)
    expect(await OutboxModel.countDocuments({ template: 'training.certificate' })).toBe(1)
    const sheet = await getAttendanceSheet(p.bookings[1].slotId)
    expect(sheet).toMatchObject({ sessionNumber: 2, sessionsTotal: 2, isLast: true })
  })

  it('attendance under the minimum fails even with a pass; a fail fails; a course without an exam completes on attendance', async () => {
    const short = await setUp()
    const [p] = short.people
    await recordAttendance({ bookingId: p.bookings[0]._id, mark: 'present', actor: short.trainer, now: short.afterAll })
    await recordAttendance({ bookingId: p.bookings[1]._id, mark: 'excused', actor: short.trainer, now: short.afterAll })
    expect(await recordResult({ enrolmentId: p.enrolment._id, pass: true, actor: short.trainer, now: short.afterAll })).toMatchObject({ ok: true, enrolment: { status: 'failed', attendancePct: 50 }, certificate: null })

    const failed = await setUp()
    const [q] = failed.people
    for (const b of q.bookings) await recordAttendance({ bookingId: b._id, mark: 'present', actor: failed.trainer, now: failed.afterAll })
    expect(await recordResult({ enrolmentId: q.enrolment._id, pass: false, note: 'Jars not sterilised', actor: failed.trainer, now: failed.afterAll })).toMatchObject({ ok: true, enrolment: { status: 'failed' } })

    const noExam = await setUp({ minAttendancePct: 50, requiresPass: false })
    const [r] = noExam.people
    await recordAttendance({ bookingId: r.bookings[0]._id, mark: 'absent', actor: noExam.trainer, now: noExam.afterAll })
    const result = await recordAttendance({ bookingId: r.bookings[1]._id, mark: 'present', actor: noExam.trainer, now: noExam.afterAll })
    expect(result.ok).toBe(true)
    const [view] = await listHolderEnrolments(r.holder, noExam.afterAll)
    expect(view.state).toBe('completed')
    expect(view.certificate?.code).toMatch(/^ABAD-CERT-/)
  })

  it('no decision before the last session has started', async () => {
    const { trainer, people } = await setUp()
    const [p] = people
    const outcome = await recordResult({ enrolmentId: p.enrolment._id, pass: true, actor: trainer })
    expect(outcome).toMatchObject({ ok: true, enrolment: { status: 'active' }, certificate: null })
  })
})
