import { describe, expect, it } from 'vitest'
import { hasValidCertificate } from '#models/certificate.server'
import { getCourseByCode } from '#models/course.server'
import { listHolderEnrolments, listOpenRuns } from '#models/training.server'
import { UserModel } from '#models/user.server'
import { seedAccounts } from './accounts'
import { SECOND_DEMO_FAMILY_EMAIL, seedTraining, TRAINING_COURSE_CODES } from './training'

describe('training seed', () => {
  it('gives the demo family jam and food-hygiene certificates, opens runs and enrols the demo families', async () => {
    await seedAccounts()
    await seedTraining()
    const demo = await UserModel.findOne({ email: 'family@demo.abad.az' }).lean()
    expect(demo?.familyId).toBeTruthy()
    const holder = { kind: 'family' as const, id: demo!.familyId! }
    for (const code of [TRAINING_COURSE_CODES.jam, TRAINING_COURSE_CODES.foodHygiene]) {
      const course = await getCourseByCode(code)
      expect(await hasValidCertificate(holder, course!._id)).toBe(true)
    }
    const open = await listOpenRuns()
    expect(open.length).toBeGreaterThanOrEqual(6)
    for (const summary of open) expect(summary.sessions).toHaveLength(summary.course.sessionsCount)
    const enrolments = await listHolderEnrolments(holder)
    expect(enrolments.map((e) => e.state).sort()).toEqual(['completed', 'completed', 'enrolled'])
    // the finished runs have all their sessions, each attended
    for (const e of enrolments.filter((x) => x.state === 'completed')) {
      expect(e.bookings).toHaveLength(e.summary!.course.sessionsCount)
      expect(e.enrolment.attendancePct).toBe(100)
    }
    const second = await UserModel.findOne({ email: SECOND_DEMO_FAMILY_EMAIL }).lean()
    expect((await listHolderEnrolments({ kind: 'family', id: second!.familyId! })).map((e) => e.state)).toEqual(['enrolled', 'enrolled'])
  })
})
