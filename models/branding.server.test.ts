import { accessibleBy } from '@casl/mongoose'
import { Types } from 'mongoose'
import { describe, expect, test } from 'vitest'
import { asSubject, defineAbilityFor } from '#app/utils/abilities'
import { makeCatalogueProduct, makeMakerFamily as makeFamily } from '#tests/factories/catalogue'
import { listSubjectHistory } from './audit.server'
import {
  addVersion,
  approveVersion,
  assignDesigner,
  BrandModel,
  commentOnRequest,
  createBrandingRequest,
  getBrandingRequest,
  leadApprove,
  listBrandingRequests,
  stateDurations,
} from './branding.server'

const familyUser = { _id: new Types.ObjectId(), name: 'Günay Abbasova' }
const designer = { _id: new Types.ObjectId(), name: 'Leyla Həsənova' }
const otherDesigner = { _id: new Types.ObjectId(), name: 'Aysel Məmmədli' }
const lead = { _id: new Types.ObjectId(), name: 'Nərmin Qasımova' }

async function openRequest(familyId: Types.ObjectId) {
  return createBrandingRequest(
    {
      familyId,
      familyName: 'Abbasovlar',
      title: 'Quba alma qurusu',
      brief: { story: 'Three generations of apple growers', audience: 'Tourists in Guba', colours: 'red, cream', examples: 'old village labels' },
      productsText: 'dried apples, apple jam',
      deadline: new Date(Date.now() + 30 * 86_400_000),
    },
    familyUser,
  )
}

const logo = (n: number) => ({ role: 'logo' as const, kind: 'image' as const, id: String(n).repeat(32).slice(0, 32), width: 400, height: 400 })

describe('branding workflow', () => {
  test('request → in design → two versions → changes → approved by the family → by the lead → brand', async () => {
    const family = await makeFamily()
    const request = await openRequest(family._id)
    expect(request.ref).toMatch(/^BRD-\d{4}-\d{5}$/)
    expect(request.status).toBe('requested')
    const id = String(request._id)

    expect((await assignDesigner(id, designer, designer, { onlyIfFree: true })).ok).toBe(true)
    const v1 = await addVersion(id, { brandName: 'Quba Bağı', colours: ['#aa2222', '#f4ecd8'], note: 'First idea', files: [logo(1)] }, designer)
    expect(v1.ok && v1.request).toMatchObject({ status: 'proposed', versionCount: 1 })

    expect((await commentOnRequest(id, { body: 'Bigger apple please', side: 'family', requestChanges: true }, familyUser)).ok).toBe(true)
    const v2 = await addVersion(
      id,
      { brandName: 'Quba Bağı', colours: ['#aa2222'], note: 'Bigger apple', files: [logo(2), { role: 'label', kind: 'pdf', id: `${'a'.repeat(32)}.pdf` }] },
      designer,
    )
    if (!v2.ok) throw new Error(v2.reason)
    // every version is kept, with its own files
    expect(v2.request.versions.map((version) => [version.n, version.files.map((file) => file.role)])).toEqual([
      [1, ['logo']],
      [2, ['logo', 'label']],
    ])

    expect((await approveVersion(id, 2, familyUser)).ok).toBe(true)
    const approved = await leadApprove(id, lead)
    if (!approved.ok) throw new Error(approved.reason)
    expect(approved.request).toMatchObject({ status: 'lead_approved', approvedVersion: 2 })
    expect(approved.brand).toMatchObject({ name: 'Quba Bağı', colours: ['#aa2222'], status: 'active', versionN: 2 })
    expect(approved.brand!.logo.id).toBe(logo(2).id)
    expect(approved.brand!.labelTemplate).toMatchObject({ id: `${'a'.repeat(32)}.pdf`, kind: 'pdf' })
    expect(String(approved.request.brandId)).toBe(String(approved.brand!._id))

    const history = approved.request.history.map((entry) => entry.status)
    expect(history).toEqual(['requested', 'in_design', 'proposed', 'changes_requested', 'proposed', 'approved', 'lead_approved'])
    // time in each state: every state left has its time counted, none is negative
    const durations = stateDurations(approved.request)
    for (const status of ['requested', 'in_design', 'proposed', 'changes_requested', 'approved'] as const) expect(durations[status]).toBeGreaterThanOrEqual(0)
    expect(Object.keys(durations).sort()).toEqual(['approved', 'changes_requested', 'in_design', 'proposed', 'requested'])

    const trail = (await listSubjectHistory('BrandingRequest', id)).map((event) => event.action)
    expect(trail).toEqual([
      'branding.requested',
      'branding.assigned',
      'branding.version_uploaded',
      'branding.changes_requested',
      'branding.version_uploaded',
      'branding.family_approved',
      'branding.lead_approved',
    ])
  })

  test('a request keeps only the family’s own products, never another family’s', async () => {
    const family = await makeFamily()
    const other = await makeFamily({ name: 'Qonşular' })
    const own = await makeCatalogueProduct({ familyId: family._id, photo: false })
    const foreign = await makeCatalogueProduct({ familyId: other._id, photo: false })
    const request = await createBrandingRequest(
      { familyId: family._id, familyName: 'Abbasovlar', title: 'Mürəbbələr', brief: { story: 'Jams', audience: '', colours: '', examples: '' }, productIds: [String(own._id), String(foreign._id), 'not-an-id'] },
      familyUser,
    )
    expect(request.productIds.map(String)).toEqual([String(own._id)])
  })

  test('time in state adds up the real waits', async () => {
    const family = await makeFamily()
    const request = await openRequest(family._id)
    const id = String(request._id)
    await new Promise((resolve) => setTimeout(resolve, 60))
    const assigned = await assignDesigner(id, designer, designer)
    if (!assigned.ok) throw new Error(assigned.reason)
    expect(assigned.request.timeInState.requested).toBeGreaterThanOrEqual(50)
    const later = new Date(new Date(assigned.request.statusSince).getTime() + 3_600_000)
    expect(stateDurations(assigned.request, later).in_design).toBe(3_600_000)
  })

  test('steps out of order are refused and change nothing', async () => {
    const family = await makeFamily()
    const id = String((await openRequest(family._id))._id)
    expect(await addVersion(id, { brandName: 'X', colours: [], note: '', files: [logo(1)] }, designer)).toEqual({ ok: false, reason: 'wrong_status' })
    expect(await approveVersion(id, 1, familyUser)).toEqual({ ok: false, reason: 'wrong_status' })
    expect(await leadApprove(id, lead)).toEqual({ ok: false, reason: 'wrong_status' })
    await assignDesigner(id, designer, designer)
    await addVersion(id, { brandName: 'X', colours: [], note: '', files: [logo(1)] }, designer)
    expect(await approveVersion(id, 7, familyUser)).toEqual({ ok: false, reason: 'no_version' })
    expect((await getBrandingRequest(id))!.status).toBe('proposed')
  })

  test('two designers self-assigning at once: one gets it', async () => {
    const family = await makeFamily()
    const id = String((await openRequest(family._id))._id)
    const results = await Promise.all([designer, otherDesigner].map((who) => assignDesigner(id, who, who, { onlyIfFree: true })))
    expect(results.filter((result) => result.ok)).toHaveLength(1)
    expect(results.find((result) => !result.ok)).toEqual({ ok: false, reason: 'taken' })
    // a lead may still hand it to someone else
    const reassigned = await assignDesigner(id, otherDesigner, lead)
    expect(reassigned.ok && reassigned.request.designerName).toBe('Aysel Məmmədli')
  })

  test('two uploads at once become versions 1 and 2; a double lead approval makes one brand', async () => {
    const family = await makeFamily()
    const id = String((await openRequest(family._id))._id)
    await assignDesigner(id, designer, designer)
    const uploads = await Promise.all([1, 2].map((n) => addVersion(id, { brandName: `B${n}`, colours: [], note: '', files: [logo(n)] }, designer)))
    expect(uploads.every((upload) => upload.ok)).toBe(true)
    const request = (await getBrandingRequest(id))!
    expect(request.versions.map((version) => version.n).sort()).toEqual([1, 2])
    await approveVersion(id, 1, familyUser)
    const approvals = await Promise.all([leadApprove(id, lead), leadApprove(id, lead)])
    expect(approvals.filter((approval) => approval.ok)).toHaveLength(1)
    expect(await BrandModel.countDocuments({ familyId: family._id })).toBe(1)
  })

  test('a lead can send an approved proposal back for changes', async () => {
    const family = await makeFamily()
    const id = String((await openRequest(family._id))._id)
    await assignDesigner(id, designer, designer)
    await addVersion(id, { brandName: 'B', colours: [], note: '', files: [logo(1)] }, designer)
    await approveVersion(id, 1, familyUser)
    const back = await commentOnRequest(id, { body: 'Logo unreadable at 2 cm', side: 'lead', requestChanges: true }, lead)
    expect(back.ok && back.request).toMatchObject({ status: 'changes_requested', approvedVersion: null })
  })
})

describe('who sees a branding request', () => {
  test('the family, designers and leads; not another family, not sales, not case managers', async () => {
    const family = await makeFamily()
    const other = await makeFamily()
    const request = await openRequest(family._id)
    await openRequest(other._id)
    const subject = asSubject('BrandingRequest', request)
    const as = (roles: string[], extra: Record<string, unknown> = {}) => defineAbilityFor({ _id: new Types.ObjectId(), roles, status: 'active', ...extra })

    expect(as(['family'], { familyId: family._id }).can('read', subject)).toBe(true)
    expect(as(['family'], { familyId: family._id }).can('update', subject)).toBe(true)
    expect(as(['family'], { familyId: other._id }).can('read', subject)).toBe(false)
    expect(as(['designer']).can('read', subject)).toBe(true)
    expect(as(['sales_manager']).can('read', subject)).toBe(false)
    expect(as(['case_manager'], { lead: true }).can('read', subject)).toBe(false)
    expect(as(['shopper']).can('read', subject)).toBe(false)

    // designers: self-assign only a free request, work only on their own; leads decide
    const plainDesigner = as(['designer'])
    expect(plainDesigner.can('assign', subject)).toBe(true)
    expect(plainDesigner.can('update', subject)).toBe(false)
    expect(plainDesigner.can('decide', subject)).toBe(false)
    const assigned = asSubject('BrandingRequest', { ...request, designerId: designer._id })
    expect(defineAbilityFor({ _id: designer._id, roles: ['designer'], status: 'active' }).can('update', assigned)).toBe(true)
    expect(plainDesigner.can('assign', assigned)).toBe(false)
    const leadAbility = as(['designer'], { lead: true })
    expect(leadAbility.can('decide', assigned)).toBe(true)
    expect(leadAbility.can('assign', assigned)).toBe(true)

    // and the list query of a family returns its own requests only
    const scope = accessibleBy(as(['family'], { familyId: family._id }), 'read').ofType('BrandingRequest')
    const listed = await listBrandingRequests(scope)
    expect(listed.items.map((item) => String(item.familyId))).toEqual([String(family._id)])
    const none = await listBrandingRequests(accessibleBy(as(['sales_manager']), 'read').ofType('BrandingRequest'))
    expect(none.total).toBe(0)
    expect((await listBrandingRequests(accessibleBy(as(['designer']), 'read').ofType('BrandingRequest'))).total).toBe(2)
  })

  test('products: a family edits only its own; sales review; anyone reads only listed ones', () => {
    const familyId = new Types.ObjectId()
    const own = asSubject('Product', { familyId, status: 'draft' })
    const foreign = asSubject('Product', { familyId: new Types.ObjectId(), status: 'draft' })
    const listed = asSubject('Product', { familyId: new Types.ObjectId(), status: 'listed' })
    const member = defineAbilityFor({ _id: new Types.ObjectId(), roles: ['family'], familyId, status: 'active' })
    expect(member.can('update', own)).toBe(true)
    expect(member.can('submit', own)).toBe(true)
    expect(member.can('update', foreign)).toBe(false)
    expect(member.can('read', foreign)).toBe(false)
    expect(member.can('read', listed)).toBe(true)
    expect(member.can('review', own)).toBe(false)
    const salesAbility = defineAbilityFor({ _id: new Types.ObjectId(), roles: ['sales_manager'], status: 'active' })
    expect(salesAbility.can('review', foreign)).toBe(true)
    expect(salesAbility.can('update', foreign)).toBe(true)
    expect(salesAbility.can('submit', foreign)).toBe(false)
    const anonymous = defineAbilityFor(null)
    expect(anonymous.can('read', listed)).toBe(true)
    expect(anonymous.can('read', foreign)).toBe(false)
    expect(defineAbilityFor({ _id: new Types.ObjectId(), roles: ['designer'], status: 'active' }).can('review', foreign)).toBe(false)
  })
})
