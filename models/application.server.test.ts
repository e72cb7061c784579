import { describe, expect, it } from 'vitest'
import { defineAbilityFor } from '#app/utils/abilities'
import { scopeFor } from '#app/utils/scope.server'
import { abadAnswers, makeApplicant, makeApplicationIn, makeCaseManager, makeDraft } from '#tests/factories/applications'
import { makeUser } from '#tests/factories/users'
import {
  ApplicationModel,
  addApplicationDocument,
  assignApplication,
  decideApplication,
  getApplication,
  getOpenApplication,
  listApplicationQueue,
  reopenApplication,
  saveApplicationStep,
  scheduleAppointment,
  setChecklistItem,
  startApplication,
  submitApplication,
  type Application,
  type ApplicationStatus,
} from './application.server'
import { AuditEventModel } from './audit.server'
import { CounterModel } from './counter.server'
import { FamilyModel } from './family.server'
import { UserModel } from './user.server'

const person = (user: { _id: unknown; name: string; email: string; locale?: 'az' | 'en' | 'ru' | null }) => ({ _id: String(user._id), name: user.name, email: user.email, locale: user.locale })
const year = new Date(Date.now() + 4 * 3_600_000).getUTCFullYear()

describe('drafts', () => {
  it('makes one draft per applicant even when two tabs open the form at once', async () => {
    const applicant = await makeApplicant()
    const drafts = await Promise.all(Array.from({ length: 8 }, () => startApplication('abad', person(applicant))))
    expect(new Set(drafts.map((d) => String(d._id))).size).toBe(1)
    expect(await ApplicationModel.countDocuments({ applicantId: applicant._id })).toBe(1)
  })

  it('keeps invalid answers as typed but marks the step incomplete until they are fixed', async () => {
    const applicant = await makeApplicant()
    const draft = await startApplication('abad', person(applicant))
    const half = { members: [{ name: 'Ay', relation: 'self' }], region: '' }
    const saved = await saveApplicationStep(draft._id, applicant._id, 'household', half, false)
    expect(saved.ok && saved.app.completedSteps).toEqual([])
    expect(saved.ok && saved.app.answers.household).toEqual(half)
    const fixed = await saveApplicationStep(draft._id, applicant._id, 'household', abadAnswers().household, true)
    expect(fixed.ok && fixed.app.completedSteps).toEqual(['household'])
    expect(fixed.ok && fixed.app.region).toBe('Guba')
  })

  it('does not let someone else save into a draft', async () => {
    const { app } = await makeDraft()
    const stranger = await makeApplicant()
    const result = await saveApplicationStep(app._id, stranger._id, 'needs', { needs: ['legal'], note: '' }, true)
    expect(result).toEqual({ ok: false, reason: 'not_found' })
  })

  it('holds the per-slot document limit under concurrent uploads', async () => {
    const applicant = await makeApplicant()
    const draft = await startApplication('abad', person(applicant))
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => addApplicationDocument(draft._id, applicant._id, { id: String(i).padStart(32, 'a'), slot: 'identity', name: `id-${i}.pdf`, type: 'application/pdf', size: 10 })),
    )
    expect(results.filter((r) => r.ok)).toHaveLength(3)
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(['too_many', 'too_many', 'too_many'])
    const app = (await getApplication(draft._id))!
    expect(app.documents).toHaveLength(3)
    expect(app.documentCounts.identity).toBe(3)
  })

  it('refuses a file type the slot does not take', async () => {
    const applicant = await makeApplicant()
    const draft = await startApplication('abad', person(applicant))
    const result = await addApplicationDocument(draft._id, applicant._id, { id: 'b'.repeat(32), slot: 'product_photo', name: 'x.pdf', type: 'application/pdf', size: 10 })
    expect(result).toEqual({ ok: false, reason: 'wrong_type' })
  })
})

describe('submission and reference numbers', () => {
  it('refuses an incomplete draft and names what is missing', async () => {
    const { app, applicant } = await makeDraft({ documents: false })
    const result = await submitApplication(app._id, person(applicant))
    expect(result.ok).toBe(false)
    expect(!result.ok && result.reason === 'incomplete' && result.problems).toEqual([{ step: 'documents', field: 'identity', message: 'application.error.documentMissing' }])
    expect((await getApplication(app._id))!.status).toBe('draft')
  })

  it('freezes the answers and gives a reference number, with the change in the timeline and the audit trail', async () => {
    const { app, applicant } = await makeDraft()
    const result = await submitApplication(app._id, person(applicant))
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.app.ref).toBe(`ABAD-${year}-00001`)
    expect(result.app.status).toBe('submitted')
    expect(result.app.history.map((h) => h.event)).toEqual(['created', 'submitted'])
    const again = await saveApplicationStep(app._id, applicant._id, 'needs', { needs: ['legal'], note: '' }, true)
    expect(again).toEqual({ ok: false, reason: 'not_draft' })
    const audit = await AuditEventModel.find({ 'subject.id': String(app._id), action: 'application.submitted' }).lean()
    expect(audit).toHaveLength(1)
    expect(audit[0].after).toMatchObject({ status: 'submitted', ref: `ABAD-${year}-00001` })
  })

  it('a double submit (double click, two tabs) makes one application with one number', async () => {
    const { app, applicant } = await makeDraft()
    const results = await Promise.all(Array.from({ length: 10 }, () => submitApplication(app._id, person(applicant))))
    expect(results.every((r) => r.ok)).toBe(true)
    const refs = new Set(results.map((r) => r.ok && r.app.ref))
    expect([...refs]).toEqual([`ABAD-${year}-00001`])
    expect(results.filter((r) => r.ok && !r.already)).toHaveLength(1)
    expect((await CounterModel.findById(`application:abad:${year}`).lean())!.seq).toBe(1)
    expect(await ApplicationModel.countDocuments({})).toBe(1)
  })

  it('50 concurrent submissions get 50 distinct numbers with no gap', async () => {
    const drafts = []
    for (let i = 0; i < 50; i++) drafts.push(await makeDraft())
    const results = await Promise.all(drafts.map(({ app, applicant }) => submitApplication(app._id, person(applicant))))
    expect(results.every((r) => r.ok)).toBe(true)
    const numbers = results.map((r) => (r.ok ? Number(r.app.ref!.slice(-5)) : 0)).sort((a, b) => a - b)
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    const refs = await ApplicationModel.find({}).select('ref').lean<Application[]>()
    expect(new Set(refs.map((r) => r.ref)).size).toBe(50)
    expect((await CounterModel.findById(`application:abad:${year}`).lean())!.seq).toBe(50)
  })
})

type Operation = 'submit' | 'assign' | 'checklist' | 'schedule' | 'accept' | 'reject' | 'waitlist' | 'reopen'
const OPERATIONS: Operation[] = ['submit', 'assign', 'checklist', 'schedule', 'accept', 'reject', 'waitlist', 'reopen']

/** Which operation each status allows (everything else must be refused and change nothing). */
const ALLOWED: Record<ApplicationStatus, Operation[]> = {
  draft: ['submit'],
  submitted: ['submit', 'assign'],
  in_review: ['submit', 'assign', 'checklist', 'schedule', 'accept', 'reject', 'waitlist'],
  waitlisted: ['submit', 'assign', 'checklist', 'schedule', 'accept', 'reopen'],
  accepted: ['submit'],
  rejected: ['submit'],
}

async function run(operation: Operation, app: Application, applicant: { _id: unknown; name: string; email: string }, staff: { _id: unknown; name: string }) {
  const actor = { _id: String(staff._id), name: staff.name }
  switch (operation) {
    case 'submit':
      return submitApplication(app._id, person(applicant))
    case 'assign':
      return assignApplication(app._id, actor, actor)
    case 'checklist':
      return setChecklistItem(app._id, 'interview_held', { done: true, note: 'ok' }, actor)
    case 'schedule':
      return scheduleAppointment(app._id, { kind: 'interview', at: new Date(Date.now() + 86_400_000), place: 'Guba office' }, actor)
    case 'accept':
      return decideApplication(app._id, { outcome: 'accepted', reason: 'Meets the criteria', message: 'Welcome' }, actor)
    case 'reject':
      return decideApplication(app._id, { outcome: 'rejected', reason: 'Outside the programme', message: 'Sorry' }, actor)
    case 'waitlist':
      return decideApplication(app._id, { outcome: 'waitlisted', reason: 'No place this round', message: 'Waitlisted' }, actor)
    case 'reopen':
      return reopenApplication(app._id, actor)
  }
}

describe('the state machine: every transition, allowed and refused', () => {
  for (const status of Object.keys(ALLOWED) as ApplicationStatus[]) {
    for (const operation of OPERATIONS) {
      const allowed = ALLOWED[status].includes(operation)
      it(`${status} · ${operation} → ${allowed ? 'allowed' : 'refused'}`, async () => {
        const staff = await makeCaseManager()
        const { app, applicant } = await makeApplicationIn(status, { reviewer: staff, checklist: false })
        const before = (await getApplication(app._id))!
        const result = await run(operation, before, applicant, staff)
        const after = (await getApplication(app._id))!
        if (operation === 'submit' && status !== 'draft') {
          // submitting again is harmless: the same application comes back, unchanged
          expect(result.ok && 'already' in result && result.already).toBe(true)
          expect(after.rev).toBe(before.rev)
          return
        }
        expect(result.ok).toBe(allowed)
        if (allowed) expect(after.rev).toBeGreaterThan(before.rev)
        else {
          expect(after.status).toBe(before.status)
          expect(after.rev).toBe(before.rev)
          expect(after.history).toHaveLength(before.history.length)
        }
      })
    }
  }

  it('moves through the expected statuses', async () => {
    const staff = await makeCaseManager()
    const { app, applicant } = await makeDraft()
    const submitted = await submitApplication(app._id, person(applicant))
    expect(submitted.ok && submitted.app.status).toBe('submitted')
    const assigned = await assignApplication(app._id, staff, staff)
    expect(assigned.ok && assigned.app.status).toBe('in_review')
    expect(assigned.ok && assigned.app.assigneeName).toBe(staff.name)
    const waitlisted = await decideApplication(app._id, { outcome: 'waitlisted', reason: 'Full this round', message: 'Waitlisted' }, staff)
    expect(waitlisted.ok && waitlisted.app.status).toBe('waitlisted')
    const reopened = await reopenApplication(app._id, staff)
    expect(reopened.ok && reopened.app.status).toBe('in_review')
    const accepted = await decideApplication(app._id, { outcome: 'accepted', reason: 'A place opened', message: 'Welcome' }, staff)
    expect(accepted.ok && accepted.app.status).toBe('accepted')
    const final = (await getApplication(app._id))!
    expect(final.history.map((h) => `${h.event}:${h.status}`)).toEqual(['created:draft', 'submitted:submitted', 'review_started:in_review', 'decided:waitlisted', 'reopened:in_review', 'decided:accepted'])
    const actions = (await AuditEventModel.find({ 'subject.id': String(app._id) }).sort({ at: 1 }).lean()).map((e) => e.action)
    expect(actions).toEqual(['application.created', 'application.submitted', 'application.review_started', 'application.waitlisted', 'application.reopened', 'application.accepted'])
  })

  it('a schedule in the past is refused', async () => {
    const staff = await makeCaseManager()
    const { app } = await makeApplicationIn('in_review', { reviewer: staff })
    const result = await scheduleAppointment(app._id, { kind: 'interview', at: new Date(Date.now() - 60_000), place: 'Guba office' }, staff)
    expect(result).toEqual({ ok: false, reason: 'in_past' })
  })

  it('a page that shows an older revision cannot decide', async () => {
    const staff = await makeCaseManager()
    const { app } = await makeApplicationIn('in_review', { reviewer: staff })
    await setChecklistItem(app._id, 'documents_verified', { done: true, note: '' }, staff)
    const result = await decideApplication(app._id, { outcome: 'accepted', reason: 'fine', message: 'Welcome' }, staff, { expectedRev: app.rev })
    expect(result).toEqual({ ok: false, reason: 'stale' })
    expect((await getApplication(app._id))!.status).toBe('in_review')
  })
})

describe('decisions', () => {
  it('two case managers deciding at once: one decision, one family', async () => {
    const [first, second] = [await makeCaseManager(), await makeCaseManager()]
    const { app } = await makeApplicationIn('in_review', { reviewer: first })
    const results = await Promise.all([
      decideApplication(app._id, { outcome: 'accepted', reason: 'Strong application', message: 'Welcome' }, first),
      decideApplication(app._id, { outcome: 'rejected', reason: 'Too far from the factory', message: 'Sorry' }, second),
      ...Array.from({ length: 8 }, () => decideApplication(app._id, { outcome: 'accepted', reason: 'again', message: 'Welcome' }, first)),
    ])
    const winners = results.filter((r) => r.ok && !r.resumed)
    expect(winners).toHaveLength(1)
    const final = (await getApplication(app._id))!
    expect(final.history.filter((h) => h.event === 'decided')).toHaveLength(1)
    expect(await FamilyModel.countDocuments({})).toBe(final.status === 'accepted' ? 1 : 0)
    expect(await AuditEventModel.countDocuments({ 'subject.id': String(app._id), action: { $in: ['application.accepted', 'application.rejected'] } })).toBe(1)
  })

  it('acceptance opens the household and links the applicant as a family member', async () => {
    const { app, applicant } = await makeApplicationIn('accepted')
    const family = await FamilyModel.findById(app.familyId).lean()
    expect(family).toMatchObject({ region: 'Guba', village: 'Qırmızı Qəsəbə', womenLed: true, businessKind: 'food', products: ['jam'], status: 'active' })
    expect(String(family!.applicationId)).toBe(String(app._id))
    const linked = family!.members.find((m) => m.userId && String(m.userId) === String(applicant._id))
    expect(linked).toMatchObject({ name: applicant.name, isLead: true })
    const user = await UserModel.findById(applicant._id).lean()
    expect(String(user!.familyId)).toBe(String(app.familyId))
    expect(user!.roles).toContain('family')
    expect(app.decision?.effectsDoneAt).toBeTruthy()
  })

  it('a retried acceptance completes what a crash left unfinished, with the same family', async () => {
    const staff = await makeCaseManager()
    const { app, applicant } = await makeApplicationIn('accepted', { reviewer: staff })
    // the process "died" after the decision was stored: no family, no link, effects not done
    await FamilyModel.deleteOne({ _id: app.familyId })
    await UserModel.updateOne({ _id: applicant._id }, { $set: { familyId: null, roles: ['family'] } })
    await ApplicationModel.updateOne({ _id: app._id }, { $set: { 'decision.effectsDoneAt': null } })
    const retry = await decideApplication(app._id, { outcome: 'accepted', reason: 'retry', message: 'Welcome' }, staff)
    expect(retry.ok && retry.resumed).toBe(true)
    expect(await FamilyModel.countDocuments({ _id: app.familyId })).toBe(1)
    expect(String((await UserModel.findById(applicant._id).lean())!.familyId)).toBe(String(app.familyId))
    // the decision itself was not made a second time
    expect((await getApplication(app._id))!.history.filter((h) => h.event === 'decided')).toHaveLength(1)
    const again = await decideApplication(app._id, { outcome: 'accepted', reason: 'again', message: 'Welcome' }, staff)
    expect(again).toEqual({ ok: false, reason: 'already_decided' })
  })

  it('a rejected applicant may apply again; an accepted or waitlisted one keeps the open application', async () => {
    const rejected = await makeApplicationIn('rejected')
    expect(await getOpenApplication('abad', rejected.applicant._id)).toBeNull()
    const fresh = await startApplication('abad', person(rejected.applicant))
    expect(String(fresh._id)).not.toBe(String(rejected.app._id))
    const waitlisted = await makeApplicationIn('waitlisted')
    expect(String((await getOpenApplication('abad', waitlisted.applicant._id))!._id)).toBe(String(waitlisted.app._id))
  })
})

describe('the review queue', () => {
  it('shows a case manager their region only; a lead and an admin see every region; drafts never', async () => {
    const guba = await makeCaseManager({ region: 'Guba' })
    const sheki = await makeCaseManager({ region: 'Sheki' })
    const lead = await makeCaseManager({ region: null, lead: true })
    const admin = await makeUser({ roles: ['admin'] })
    await makeApplicationIn('submitted', { answers: abadAnswers({ household: { region: 'Guba' } }) })
    await makeApplicationIn('in_review', { reviewer: sheki, answers: abadAnswers({ household: { region: 'Sheki' } }) })
    await makeApplicationIn('submitted', { answers: abadAnswers({ household: { region: 'Balakan' } }) })
    await makeDraft({ answers: abadAnswers({ household: { region: 'Guba' } }) })
    const seen = async (user: Parameters<typeof defineAbilityFor>[0]) => {
      const result = await listApplicationQueue({ scope: scopeFor(defineAbilityFor(user), 'read', 'Application'), filters: { kind: 'abad' }, decisionDays: 10 })
      return result.items.map((a) => a.region).sort()
    }
    expect(await seen(guba)).toEqual(['Guba'])
    expect(await seen(sheki)).toEqual(['Sheki'])
    expect(await seen(lead)).toEqual(['Balakan', 'Guba', 'Sheki'])
    expect(await seen(admin)).toEqual(['Balakan', 'Guba', 'Sheki'])
    const family = await makeApplicant()
    expect(await seen(family)).toEqual([])
  })

  it('filters by need, status and age, and counts per status under the other filters', async () => {
    const lead = await makeCaseManager({ region: null, lead: true })
    const scope = scopeFor(defineAbilityFor(lead), 'read', 'Application')
    const old = await makeApplicationIn('submitted', { answers: abadAnswers({ needs: { needs: ['legal'] } }) })
    await ApplicationModel.updateOne({ _id: old.app._id }, { $set: { submittedAt: new Date(Date.now() - 30 * 86_400_000) } })
    await makeApplicationIn('in_review', { reviewer: lead, answers: abadAnswers({ needs: { needs: ['legal', 'training'] } }) })
    await makeApplicationIn('accepted', { answers: abadAnswers({ needs: { needs: ['training'] } }) })
    const legal = await listApplicationQueue({ scope, filters: { kind: 'abad', need: 'legal' }, decisionDays: 10 })
    expect(legal.total).toBe(2)
    expect(legal.byStatus).toMatchObject({ submitted: 1, in_review: 1, accepted: 0 })
    const overdue = await listApplicationQueue({ scope, filters: { kind: 'abad', age: 'overdue' }, decisionDays: 10 })
    expect(overdue.items.map((a) => String(a._id))).toEqual([String(old.app._id)])
    const accepted = await listApplicationQueue({ scope, filters: { kind: 'abad', status: 'accepted' }, decisionDays: 10 })
    expect(accepted.total).toBe(1)
    expect(accepted.byStatus).toMatchObject({ submitted: 1, in_review: 1, accepted: 1 })
  })
})
