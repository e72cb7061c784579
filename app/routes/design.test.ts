import { describe, expect, it } from 'vitest'
import { makeMakerFamily, productPhoto } from '#tests/factories/catalogue'
import { makeUser } from '#tests/factories/users'
import { BASE, call, request, signedIn } from '#tests/support/requests'
import { BrandModel, getBrandingRequest } from '#models/branding.server'
import { OutboxModel } from '#models/outbox.server'
import { RatingModel } from '#models/rating.server'
import { action as designAction, loader as designLoader } from './design.$id'
import { action as queueAction, loader as queueLoader } from './design._index'
import { action as familyAction, loader as familyLoader } from './family.branding.$id'
import { loader as familyListLoader } from './family.branding._index'
import { action as newAction } from './family.branding.new'
import { loader as fileLoader } from './files.$file'
import { action as ratingAction } from './ratings'

async function people() {
  const family = await makeMakerFamily({ name: 'Abbasovlar', region: 'Guba' })
  const member = await makeUser({ roles: ['family'], familyId: family._id, locale: 'en', name: 'Günay Abbasova' })
  const designer = await makeUser({ roles: ['designer'], locale: 'en', name: 'Leyla Həsənova' })
  const lead = await makeUser({ roles: ['designer'], lead: true, locale: 'en', name: 'Nərmin Qasımova' })
  const cookies = {
    family: (await signedIn(member._id, { locale: 'en' })).cookie,
    designer: (await signedIn(designer._id, { locale: 'en' })).cookie,
    lead: (await signedIn(lead._id, { locale: 'en' })).cookie,
  }
  return { family, member, designer, lead, cookies }
}

function versionUpload(id: string, cookie: string, fields: Record<string, string>, files: { field: string; name: string; type: string; bytes: Buffer }[]) {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  for (const file of files) form.append(file.field, new File([new Uint8Array(file.bytes)], file.name, { type: file.type }))
  return new Request(new URL(`/design/${id}`, BASE), { method: 'POST', body: form, headers: { Cookie: cookie } })
}

const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10)

describe('branding through the pages', () => {
  it('request → take → two versions → changes → approve → lead approval → brand, mails and a rating', async () => {
    const { cookies, member } = await people()
    const brief = { title: 'Quba alma qurusu', story: 'Three generations of apple growers in Qımıl', audience: 'Tourists', colours: 'red, cream', examples: '', productsText: 'dried apples', deadline: inAWeek() }
    const past = await call(newAction, request('/family/branding/new', { cookie: cookies.family, form: { ...brief, deadline: '2020-01-01' } }))
    expect(past.data.errors.deadline).toBe('The wished date cannot be in the past')
    const created = await call(newAction, request('/family/branding/new', { cookie: cookies.family, form: brief }))
    expect(created.status).toBe(302)
    const id = created.location!.split('/').pop()!

    // the designer sees it in the queue and takes it
    const queue = await call(queueLoader, request('/design', { cookie: cookies.designer }))
    expect(queue.data.requests).toEqual([expect.objectContaining({ id, title: 'Quba alma qurusu', canTake: true })])
    expect(await call(queueAction, request('/design', { cookie: cookies.designer, form: { requestId: id } }))).toMatchObject({ status: 302, location: `/design/${id}` })

    // wrong files are refused on their field; a logo PNG and a label PDF make version 1
    const bad = await call(designAction, versionUpload(id, cookies.designer, { brandName: 'Quba Bağı', colours: '#aa2222' }, [{ field: 'logo', name: 'logo.svg', type: 'image/svg+xml', bytes: Buffer.from('<svg/>') }]), { id })
    expect(bad.data.errors.logo).toBe('This type of file is not accepted. Choose a JPEG, PNG or WebP picture.')
    const badColour = await call(designAction, versionUpload(id, cookies.designer, { brandName: 'Quba Bağı', colours: 'red' }, [{ field: 'logo', name: 'l.png', type: 'image/png', bytes: await productPhoto('Quba Bağı') }]), { id })
    expect(badColour.data.errors.colours).toBe('Write colours as #1a2b3c, separated by commas (at most 8)')
    const v1 = await call(
      designAction,
      versionUpload(id, cookies.designer, { brandName: 'Quba Bağı', colours: '#aa2222, #f4ecd8', note: 'First idea' }, [
        { field: 'logo', name: 'logo.png', type: 'image/png', bytes: await productPhoto('Quba Bağı', '#aa2222') },
        { field: 'label', name: 'label.pdf', type: 'application/pdf', bytes: Buffer.from('%PDF-1.4\n%%EOF') },
      ]),
      { id },
    )
    expect(v1.status).toBe(302)
    expect(await OutboxModel.countDocuments({ to: member.email, template: 'branding.proposed' })).toBe(1)

    const changes = await call(familyAction, request(`/family/branding/${id}`, { cookie: cookies.family, form: { intent: 'requestChanges', versionN: '1', body: 'A bigger apple, please' } }), { id })
    expect(changes.status).toBe(302)
    await call(designAction, versionUpload(id, cookies.designer, { brandName: 'Quba Bağı', colours: '#aa2222' }, [{ field: 'logo', name: 'logo2.png', type: 'image/png', bytes: await productPhoto('QB', '#bb3333') }]), { id })

    const familyView = await call(familyLoader, request(`/family/branding/${id}`, { cookie: cookies.family }), { id })
    expect(familyView.data.request.versions.map((version: { n: number }) => version.n)).toEqual([2, 1])
    expect(familyView.data.request.versions[1].files.map((file: { role: string; kind: string }) => `${file.role}:${file.kind}`)).toEqual(['logo:image', 'label:pdf'])
    expect(familyView.data.request.versions[1].comments[0]).toMatchObject({ side: 'family', kind: 'changes', body: 'A bigger apple, please' })
    // the PDF label is served to signed-in people only, as a PDF
    const pdf = familyView.data.request.versions[1].files[1].href as string
    const file = pdf.split('/').pop()!
    expect((await call(fileLoader, request(pdf), { file })).status).toBe(302)
    const served = await fileLoader({ request: request(pdf, { cookie: cookies.family }), params: { file }, context: { cspNonce: '' } })
    expect(served.headers.get('Content-Type')).toBe('application/pdf')
    expect(Buffer.from(await served.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-')

    expect((await call(familyAction, request(`/family/branding/${id}`, { cookie: cookies.family, form: { intent: 'approve', versionN: '2' } }), { id })).status).toBe(302)

    // a designer who is not a lead cannot give the final approval
    expect((await call(designAction, request(`/design/${id}`, { cookie: cookies.designer, form: { intent: 'leadApprove' } }), { id })).status).toBe(403)
    const leadPage = await call(designLoader, request(`/design/${id}`, { cookie: cookies.lead }), { id })
    expect(leadPage.data.can).toMatchObject({ decide: true, upload: false })
    expect((await call(designAction, request(`/design/${id}`, { cookie: cookies.lead, form: { intent: 'leadApprove' } }), { id })).status).toBe(302)

    const brand = await BrandModel.findOne({}).lean()
    expect(brand).toMatchObject({ name: 'Quba Bağı', colours: ['#aa2222'], versionN: 2 })
    const brands = await call(familyListLoader, request('/family/branding', { cookie: cookies.family }))
    expect(brands.data.brands.map((entry: { name: string }) => entry.name)).toEqual(['Quba Bağı'])

    // the family is asked once for a satisfaction rating
    const done = await call(familyLoader, request(`/family/branding/${id}`, { cookie: cookies.family }), { id })
    expect(done.data.askRating).toBe(true)
    expect(done.data.request.durations.map((entry: { status: string }) => entry.status).sort()).toEqual(['approved', 'changes_requested', 'in_design', 'proposed', 'requested'])
    const rated = await call(ratingAction, request('/ratings', { cookie: cookies.family, form: { touchpoint: 'branding_approval', subjectId: id, score: '5', redirectTo: `/family/branding/${id}` } }))
    expect(rated.status).toBe(302)
    expect(await RatingModel.countDocuments({ touchpoint: 'branding_approval', 'subject.id': id })).toBe(1)
    expect((await call(familyLoader, request(`/family/branding/${id}`, { cookie: cookies.family }), { id })).data.askRating).toBe(false)
    // a designer cannot rate the family's touchpoint
    expect((await call(ratingAction, request('/ratings', { cookie: cookies.lead, form: { touchpoint: 'branding_approval', subjectId: id, score: '1' } }))).status).toBe(403)
  })

  it('visible only to the family, designers and leads', async () => {
    const { cookies } = await people()
    const created = await call(newAction, request('/family/branding/new', { cookie: cookies.family, form: { title: 'Halva', story: 'Our halva' } }))
    const id = created.location!.split('/').pop()!
    const otherFamily = await makeMakerFamily()
    const stranger = await makeUser({ roles: ['family'], familyId: otherFamily._id })
    const sales = await makeUser({ roles: ['sales_manager'] })
    for (const user of [stranger, sales]) {
      const { cookie } = await signedIn(user._id)
      expect((await call(familyLoader, request(`/family/branding/${id}`, { cookie }), { id })).status).toBe(403)
      expect((await call(designLoader, request(`/design/${id}`, { cookie }), { id })).status).toBe(403)
    }
    const otherList = await call(familyListLoader, request('/family/branding', { cookie: (await signedIn(stranger._id)).cookie }))
    expect(otherList.data.requests).toEqual([])
    expect((await call(queueLoader, request('/design', { cookie: (await signedIn(sales._id)).cookie }))).status).toBe(403)
  })

  it('a lead assigns a designer; a second designer cannot take a request someone has', async () => {
    const { cookies, designer } = await people()
    const created = await call(newAction, request('/family/branding/new', { cookie: cookies.family, form: { title: 'Pendir', story: 'Motal cheese' } }))
    const id = created.location!.split('/').pop()!
    const assigned = await call(designAction, request(`/design/${id}`, { cookie: cookies.lead, form: { intent: 'assign', designerId: String(designer._id) } }), { id })
    expect(assigned.status).toBe(302)
    expect((await getBrandingRequest(id))!.designerName).toBe('Leyla Həsənova')
    const other = await makeUser({ roles: ['designer'] })
    const { cookie } = await signedIn(other._id)
    expect((await call(designAction, request(`/design/${id}`, { cookie, form: { intent: 'take' } }), { id })).status).toBe(403)
    // and only the assigned designer may upload
    const upload = await call(designAction, versionUpload(id, cookie, { brandName: 'X' }, [{ field: 'logo', name: 'l.png', type: 'image/png', bytes: await productPhoto('X') }]), { id })
    expect(upload.status).toBe(403)
  })
})
