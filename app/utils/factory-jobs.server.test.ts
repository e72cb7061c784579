import { describe, expect, it } from 'vitest'
import { certify, makeCourse, makeFamily, makeFamilyMember, makeLine, makeProduct, makeShift } from '#tests/factories/factory'
import { makeLot } from '#tests/factories/lots'
import { addLocalDays, localDay, localTime } from '#models/factory-days'
import { bookShift } from '#models/factory.server'
import { getLot } from '#models/lot.server'
import { OutboxModel } from '#models/outbox.server'
import { runFactoryJobs } from './factory-jobs.server'

describe('factory jobs', () => {
  it('mails tomorrow’s families once, in the daytime, and expires lots past their best-before', async () => {
    const course = await makeCourse()
    const { line } = await makeLine({ courseIds: [course._id] })
    const family = await makeFamily()
    await makeFamilyMember(family._id, { email: 'gunay@example.az' })
    await certify(family._id, course._id)
    const product = await makeProduct(family._id, { title: 'Quince jam' })
    const shift = await makeShift(line._id, { daysAhead: 1 })
    expect((await bookShift({ slotId: String(shift._id), familyId: family._id, sku: product.sku, plannedQty: 30, unit: 'jar', actor: null })).ok).toBe(true)
    const old = await makeLot({ qty: 5, bestBefore: new Date(Date.now() - 2 * 86_400_000) })

    const today = localDay(new Date())
    const night = localTime(today, '02:00')
    expect(await runFactoryJobs(night)).toEqual({ reminders: 0, expired: 1 })
    const morning = localTime(today, '10:00')
    // the shift is "tomorrow" as seen from today
    expect(localDay(shift.startsAt)).toBe(addLocalDays(today, 1))
    expect(await runFactoryJobs(morning)).toEqual({ reminders: 1, expired: 0 })
    expect(await runFactoryJobs(localTime(today, '10:15'))).toEqual({ reminders: 0, expired: 0 })
    const mail = await OutboxModel.findOne({ template: 'factory.reminder' }).lean()
    expect(mail).toMatchObject({ to: 'gunay@example.az', subject: 'Your factory shift is tomorrow' })
    expect(mail!.body).toContain('Quince jam')
    expect((await getLot(old._id))!.status).toBe('expired')
  })
})
