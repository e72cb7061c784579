import { describe, expect, it } from 'vitest'
import { APPLICATION_STATUSES, ApplicationModel } from '#models/application.server'
import { FamilyModel } from '#models/family.server'
import { RatingModel } from '#models/rating.server'
import { ServiceRequestModel } from '#models/service-request.server'
import { UserModel } from '#models/user.server'
import { isOverdue } from '#models/working-days'
import { seedAccounts } from './accounts'
import { DEMO_FAMILY_EMAIL, SECOND_DEMO_FAMILY_EMAIL, seedApplications } from './applications'

describe('applications seed', () => {
  it('has applications from the five regions in every state; the demo account leads an accepted Guba family', async () => {
    await seedAccounts()
    await seedApplications()
    const apps = await ApplicationModel.find({}).lean()
    expect(new Set(apps.map((a) => a.status))).toEqual(new Set(APPLICATION_STATUSES))
    expect(new Set(apps.map((a) => a.region))).toEqual(new Set(['Guba', 'Balakan', 'Sheki', 'Gabala', 'Lankaran']))
    const products = new Set(apps.flatMap((a) => (a.answers.business as { products: string[] }).products))
    for (const product of ['jam', 'cheese', 'dried_fruit', 'tea', 'carpets', 'woodwork']) expect(products).toContain(product)
    for (const app of apps.filter((a) => a.status !== 'draft')) expect(app.ref).toMatch(/^ABAD-\d{4}-\d{5}$/)
    // some are overdue, so the queue has something to highlight
    expect(apps.some((a) => ['submitted', 'in_review'].includes(a.status) && isOverdue(a.submittedAt!, 10))).toBe(true)

    const demo = await UserModel.findOne({ email: DEMO_FAMILY_EMAIL }).lean()
    const family = await FamilyModel.findById(demo!.familyId).lean()
    expect(family).toMatchObject({ region: 'Guba', status: 'active' })
    expect(demo!.roles).toContain('family')
    const second = await UserModel.findOne({ email: SECOND_DEMO_FAMILY_EMAIL }).lean()
    expect((await FamilyModel.findById(second!.familyId).lean())?.region).toBe('Balakan')
    expect(await FamilyModel.countDocuments({})).toBe(apps.filter((a) => a.status === 'accepted').length)

    const requests = await ServiceRequestModel.find({}).lean()
    expect(new Set(requests.map((r) => r.status))).toEqual(new Set(['requested', 'in_progress', 'closed']))
    expect(await RatingModel.countDocuments({ touchpoint: 'service_request' })).toBeGreaterThan(0)
    expect(await RatingModel.countDocuments({ touchpoint: 'application_decision' })).toBeGreaterThan(0)
  })
})
