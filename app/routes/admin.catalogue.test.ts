import { describe, expect, it } from 'vitest'
import { makeBrand, makeCatalogueProduct, makeMakerFamily } from '#tests/factories/catalogue'
import { makeLot } from '#tests/factories/lots'
import { makeUser } from '#tests/factories/users'
import { call, request, signedIn } from '#tests/support/requests'
import { getProduct } from '#models/product.server'
import { action as reviewAction, loader as reviewLoader } from './admin.catalogue.$id'
import { action as listAction, loader as listLoader } from './admin.catalogue._index'

async function salesManager() {
  const user = await makeUser({ roles: ['sales_manager'], locale: 'en', name: 'Tural Babayev' })
  return (await signedIn(user._id, { locale: 'en' })).cookie
}

async function makerWithBrand(name: string, region = 'Sheki') {
  const family = await makeMakerFamily({ name, region })
  const brand = await makeBrand({ familyId: family._id, familyName: name })
  return { family, brand }
}

describe('/admin/catalogue', () => {
  it('only staff who review products may open it', async () => {
    for (const roles of [['family'], ['designer'], ['case_manager'], ['shopper']] as const) {
      const user = await makeUser({ roles: [...roles] })
      const { cookie } = await signedIn(user._id)
      expect((await call(listLoader, request('/admin/catalogue', { cookie }))).status).toBe(403)
    }
    expect((await call(listLoader, request('/admin/catalogue'))).status).toBe(302)
  })

  it('search typed without Azerbaijani letters, with filters', async () => {
    const { family, brand } = await makerWithBrand('Şəkili ustalar')
    await makeCatalogueProduct({ familyId: family._id, brandId: brand._id, makerName: family.name, region: 'Sheki', input: { title: { az: 'Şəki halvası', en: 'Sheki halva', ru: '' }, category: 'flour' }, photo: false })
    await makeCatalogueProduct({ familyId: family._id, brandId: brand._id, makerName: family.name, region: 'Sheki', input: { title: { az: 'Qoz mürəbbəsi', en: 'Walnut jam', ru: '' } }, photo: false })
    const cookie = await salesManager()
    const halva = await call(listLoader, request('/admin/catalogue?q=seki+halvasi', { cookie }))
    expect(halva.data.products.map((row: { title: string }) => row.title)).toEqual(['Sheki halva'])
    const jam = await call(listLoader, request('/admin/catalogue?q=qoz+murebbesi&status=draft&category=jam', { cookie }))
    expect(jam.data.total).toBe(1)
    const none = await call(listLoader, request('/admin/catalogue?q=qoz&category=carpets', { cookie }))
    expect(none.data.total).toBe(0)
  })

  it('bulk delist needs a reason and changes only listed products', async () => {
    const { family, brand } = await makerWithBrand('Xalçaçılar')
    const rugs = await Promise.all([1, 2].map(() => makeCatalogueProduct({ familyId: family._id, brandId: brand._id, input: { category: 'carpets' }, status: 'listed' })))
    const cookie = await salesManager()
    const ids = rugs.map((rug) => String(rug._id))
    const noReason = await call(listAction, request('/admin/catalogue', { cookie, form: { intent: 'bulkDelist', ids, reason: '' } }))
    expect(noReason.status).toBe(400)
    const nothing = await call(listAction, request('/admin/catalogue', { cookie, form: { intent: 'bulkDelist', reason: 'x' } }))
    expect(nothing.data.errors.ids).toBe('Select at least one product')
    const done = await call(listAction, request('/admin/catalogue', { cookie, form: { intent: 'bulkDelist', ids, reason: 'Exhibition ended', returnTo: '?status=listed' } }))
    expect(done).toMatchObject({ status: 302, location: '/admin/catalogue?status=listed' })
    for (const rug of rugs) expect((await getProduct(rug._id))!.status).toBe('delisted')
  })
})

describe('/admin/catalogue/:id', () => {
  it('listing is refused with what is missing, then allowed once a QC-passed lot exists', async () => {
    const { family, brand } = await makerWithBrand('Abbasovlar')
    const product = await makeCatalogueProduct({ familyId: family._id, brandId: brand._id, status: 'submitted' })
    const cookie = await salesManager()
    const params = { id: String(product._id) }
    const path = `/admin/catalogue/${product._id}`

    const page = await call(reviewLoader, request(path, { cookie }), params)
    expect(page.data.problems).toEqual(['A lot that passed quality control and can be sold'])
    const refused = await call(reviewAction, request(path, { cookie, form: { intent: 'list' } }), params)
    expect(refused.status).toBe(409)
    expect(refused.data.problems).toEqual(['A lot that passed quality control and can be sold'])

    await makeLot({ productId: product._id, sku: product.variants[0].sku, familyId: family._id })
    expect(await call(reviewAction, request(path, { cookie, form: { intent: 'list' } }), params)).toMatchObject({ status: 302, location: path })
    expect((await getProduct(product._id))!.status).toBe('listed')
  })

  it('changes requested need a note that the family then sees', async () => {
    const { family, brand } = await makerWithBrand('Quliyevlər')
    const product = await makeCatalogueProduct({ familyId: family._id, brandId: brand._id, status: 'submitted' })
    const cookie = await salesManager()
    const params = { id: String(product._id) }
    const empty = await call(reviewAction, request(`/admin/catalogue/${product._id}`, { cookie, form: { intent: 'requestChanges', note: ' ' } }), params)
    expect(empty.data.errors.note).toBe('This field is required')
    await call(reviewAction, request(`/admin/catalogue/${product._id}`, { cookie, form: { intent: 'requestChanges', note: 'The English description is machine-translated' } }), params)
    expect(await getProduct(product._id)).toMatchObject({ status: 'changes_requested', reviewNote: 'The English description is machine-translated' })
  })

  it('a price change refuses "abc" and −1 and keeps the previous price', async () => {
    const { family, brand } = await makerWithBrand('Hüseynovlar')
    const product = await makeCatalogueProduct({ familyId: family._id, brandId: brand._id, input: { category: 'woodwork' }, status: 'listed' })
    const cookie = await salesManager()
    const params = { id: String(product._id) }
    const sku = product.variants[0].sku
    const path = `/admin/catalogue/${product._id}`
    const bad = await call(reviewAction, request(path, { cookie, form: { intent: 'price', sku, retailPrice: 'abc', wholesalePrice: '-1' } }), params)
    expect(bad.status).toBe(400)
    expect(bad.data.errors).toMatchObject({ retailPrice: 'Enter the price in manat, e.g. 12.50 (it cannot be negative)', wholesalePrice: 'Enter the price in manat, e.g. 12.50 (it cannot be negative)' })
    const ok = await call(reviewAction, request(path, { cookie, form: { intent: 'price', sku, retailPrice: '14,90', wholesalePrice: '10', reason: 'Wool got dearer' } }), params)
    expect(ok.status).toBe(302)
    const after = (await getProduct(product._id))!
    expect(after.variants[0]).toMatchObject({ retailPrice: 1490, wholesalePrice: 1000 })
    expect(after.priceHistory[0]).toMatchObject({ previousRetailPrice: 1250, previousWholesalePrice: 900, byName: 'Tural Babayev', reason: 'Wool got dearer' })
    const page = await call(reviewLoader, request(path, { cookie }), params)
    expect(page.data.trail.map((event: { action: string }) => event.action)).toContain('product.price_changed')
  })

  it('a family member cannot review, even its own product', async () => {
    const { family, brand } = await makerWithBrand('Özləri')
    const product = await makeCatalogueProduct({ familyId: family._id, brandId: brand._id, status: 'submitted' })
    const user = await makeUser({ roles: ['family'], familyId: family._id })
    const { cookie } = await signedIn(user._id)
    expect((await call(reviewAction, request(`/admin/catalogue/${product._id}`, { cookie, form: { intent: 'list' } }), { id: String(product._id) })).status).toBe(403)
  })
})
