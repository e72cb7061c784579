import { describe, expect, it } from 'vitest'
import { makeAcceptedFamily, makeCaseManager, makeServiceRequest } from '#tests/factories/applications'
import { AuditEventModel } from './audit.server'
import { cancelServiceRequest, closeServiceRequest, getServiceRequest, postServiceMessage, serviceWorkingDays, takeServiceRequest, unreadCount } from './service-request.server'

describe('service requests', () => {
  it('two staff taking the same request at once: one takes it, the other is told', async () => {
    const { applicant, family } = await makeAcceptedFamily()
    const request = await makeServiceRequest({ family, requester: applicant })
    const [a, b] = [await makeCaseManager(), await makeCaseManager()]
    const results = await Promise.all([takeServiceRequest(String(request._id), a, a), takeServiceRequest(String(request._id), b, b)])
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(['not_open'])
    const final = (await getServiceRequest(String(request._id)))!
    expect(final.status).toBe('in_progress')
    expect(final.history.filter((h) => h.event === 'taken')).toHaveLength(1)
  })

  it('runs requested → in progress → closed, counts unread messages per side, and refuses what the state does not allow', async () => {
    const { applicant, family } = await makeAcceptedFamily()
    const staff = await makeCaseManager()
    const request = await makeServiceRequest({ family, requester: applicant, kind: 'accounting' })
    const id = String(request._id)
    expect(await closeServiceRequest(id, { resolution: 'resolved', outcome: 'x' }, staff)).toEqual({ ok: false, reason: 'not_open' })
    await takeServiceRequest(id, staff, staff)
    expect(await cancelServiceRequest(id, applicant)).toEqual({ ok: false, reason: 'not_cancellable' })
    await postServiceMessage(id, staff, true, 'First question')
    await postServiceMessage(id, staff, true, 'Second question')
    let current = (await getServiceRequest(id))!
    expect(unreadCount(current, 'family')).toBe(2)
    expect(unreadCount(current, 'staff')).toBe(0)
    await postServiceMessage(id, applicant, false, 'Answers')
    current = (await getServiceRequest(id))!
    expect(unreadCount(current, 'family')).toBe(0)
    expect(unreadCount(current, 'staff')).toBe(1)
    expect(await postServiceMessage(id, applicant, false, '   ')).toEqual({ ok: false, reason: 'empty' })
    const closed = await closeServiceRequest(id, { resolution: 'resolved', outcome: 'Declaration filed.' }, staff)
    expect(closed.ok && closed.request.status).toBe('closed')
    expect(await postServiceMessage(id, applicant, false, 'One more')).toEqual({ ok: false, reason: 'closed' })
    // opened and closed within this test: a moment of working time (none at all at the weekend)
    expect(serviceWorkingDays(closed.ok ? closed.request : current)).toBeLessThan(0.001)
    const actions = (await AuditEventModel.find({ 'subject.id': id }).sort({ at: 1 }).lean()).map((e) => e.action)
    expect(actions).toEqual(['service.requested', 'service.taken', 'service.message', 'service.message', 'service.message', 'service.closed'])
  })
})
