import sharp from 'sharp'
import { Types } from 'mongoose'
import { describe, expect, it } from 'vitest'
import { makeBrand, makeCatalogueProduct, makeMakerFamily } from '#tests/factories/catalogue'
import { makeUser } from '#tests/factories/users'
import { BASE, call, request, signedIn } from '#tests/support/requests'
import { getProduct, ProductModel } from '#models/product.server'
import { loader as imageRoute } from './images.$file'
import { action as editAction, loader as editLoader } from './family.products.$id'
import { loader as listLoader } from './family.products._index'
import { action as newAction } from './family.products.new'

async function member(familyName = 'Abbasovlar') {
  const family = await makeMakerFamily({ name: familyName, region: 'Sheki' })
  const user = await makeUser({ roles: ['family'], familyId: family._id, locale: 'en' })
  const { cookie } = await signedIn(user._id, { locale: 'en' })
  return { family, user, cookie }
}

/** The new-product form as the page posts it. */
function productForm(overrides: Record<string, string> = {}) {
  return {
    intent: 'create',
    category: 'jam',
    brandId: '',
    'title.az': 'Qoz mürəbbəsi',
    'title.en': 'Walnut jam',
    'title.ru': '',
    'shortDescription.az': 'Yaşıl qozdan',
    'shortDescription.en': 'From green walnuts',
    'variants.0.sku': '',
    'variants.0.barcode': '',
    'variants.0.label.az': '370 q',
    'variants.0.label.en': '370 g',
    'variants.0.retailPrice': '12.50',
    'variants.0.wholesalePrice': '9',
    // the empty row the form always shows is ignored
    'variants.1.sku': '',
    'variants.1.retailPrice': '',
    'variants.1.wholesalePrice': '',
    'food.shelfLifeDays': '365',
    ...overrides,
  }
}

function multipart(pathname: string, cookie: string, fields: Record<string, string>, file?: { name: string; type: string; bytes: Buffer }) {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  if (file) form.append('photo', new File([new Uint8Array(file.bytes)], file.name, { type: file.type }))
  return new Request(new URL(pathname, BASE), { method: 'POST', body: form, headers: { Cookie: cookie } })
}

describe('/family/products/new', () => {
  it('creates a draft with prices in qəpik and a generated SKU and barcode', async () => {
    const { family, cookie } = await member()
    const created = await call(newAction, request('/family/products/new', { cookie, form: productForm() }))
    expect(created.status).toBe(302)
    const [product] = await ProductModel.find({ familyId: family._id }).lean()
    expect(created.location).toBe(`/family/products/${product._id}`)
    expect(product.variants).toHaveLength(1)
    expect(product.variants[0]).toMatchObject({ retailPrice: 1250, wholesalePrice: 900 })
    expect(product.variants[0].barcode).toMatch(/^200\d{10}$/)
    expect(product).toMatchObject({ status: 'draft', makerName: 'Abbasovlar', region: 'Sheki', kind: 'food' })
  })

  it('a price of −1 or "abc", a bad barcode and a missing title are shown next to their fields; nothing is written', async () => {
    const { family, cookie } = await member()
    const bad = await call(
      newAction,
      request('/family/products/new', { cookie, form: productForm({ 'title.az': '', 'variants.0.retailPrice': '-1', 'variants.0.wholesalePrice': 'abc', 'variants.0.barcode': '4006381333932' }) }),
    )
    expect(bad.status).toBe(400)
    expect(bad.data.errors).toMatchObject({
      'title.az': 'This field is required',
      'variants.0.retailPrice': 'Enter the price in manat, e.g. 12.50 (it cannot be negative)',
      'variants.0.wholesalePrice': 'Enter the price in manat, e.g. 12.50 (it cannot be negative)',
      'variants.0.barcode': 'This is not a valid EAN-13 barcode (13 digits, the last one is a check digit)',
    })
    const tooCheap = await call(newAction, request('/family/products/new', { cookie, form: productForm({ 'variants.0.retailPrice': '5', 'variants.0.wholesalePrice': '6' }) }))
    expect(tooCheap.data.errors['variants.0.wholesalePrice']).toBe('The wholesale price cannot be higher than the retail price')
    const noVariant = await call(newAction, request('/family/products/new', { cookie, form: productForm({ 'variants.0.retailPrice': '', 'variants.0.wholesalePrice': '', 'variants.0.label.az': '', 'variants.0.label.en': '' }) }))
    expect(noVariant.data.errors.variants).toBe('Add at least one variant')
    expect(await ProductModel.countDocuments({ familyId: family._id })).toBe(0)
  })

  it('a SKU another family uses is refused with a clear message on that field', async () => {
    const other = await makeMakerFamily()
    await makeCatalogueProduct({ familyId: other._id, input: { variants: [{ sku: 'SHEKI-HALVA', retailPrice: 900, wholesalePrice: 600 }] }, photo: false })
    const { cookie } = await member()
    const duplicate = await call(newAction, request('/family/products/new', { cookie, form: productForm({ 'variants.0.sku': 'sheki-halva' }) }))
    expect(duplicate.status).toBe(409)
    expect(duplicate.data.errors['variants.0.sku']).toBe('This SKU is already used by another product. Choose another code or leave it empty.')
  })

  it('someone without an accepted family cannot open it', async () => {
    const shopper = await makeUser({ roles: ['shopper'] })
    const { cookie } = await signedIn(shopper._id)
    expect((await call(newAction, request('/family/products/new', { cookie, form: productForm() }))).status).toBe(403)
  })
})

describe('/family/products/:id', () => {
  it('another family’s product: 403 to read and to change', async () => {
    const owner = await makeMakerFamily()
    const product = await makeCatalogueProduct({ familyId: owner._id, photo: false })
    const { cookie } = await member('Intruders')
    const path = `/family/products/${product._id}`
    expect((await call(editLoader, request(path, { cookie }), { id: String(product._id) })).status).toBe(403)
    const save = await call(editAction, request(path, { cookie, form: { ...productForm(), intent: 'save', 'title.az': 'Oğurlanmış' } }), { id: String(product._id) })
    expect(save.status).toBe(403)
    expect((await getProduct(product._id))!.title.az).not.toBe('Oğurlanmış')
    expect((await call(editLoader, request(`/family/products/${new Types.ObjectId()}`, { cookie }), { id: String(new Types.ObjectId()) })).status).toBe(404)
  })

  it('photos: a 30 MB file and a text file called .jpg are refused; a real photo lands with its alt texts and is served', async () => {
    const { family, cookie } = await member()
    const product = await makeCatalogueProduct({ familyId: family._id, photo: false })
    const path = `/family/products/${product._id}`
    const params = { id: String(product._id) }
    const alt = { 'alt.az': 'Qoz mürəbbəsi bankada', 'alt.en': 'Walnut jam in a jar' }

    const huge = Buffer.alloc(30 * 1024 * 1024)
    huge.set([0xff, 0xd8, 0xff, 0xe0])
    const tooLarge = await call(editAction, multipart(path, cookie, { intent: 'addPhoto', ...alt }, { name: 'big.jpg', type: 'image/jpeg', bytes: huge }), params)
    expect(tooLarge.status).toBe(413)
    expect(tooLarge.data.errors.photo).toBe('The file is too large: at most 10 MB.')

    const text = await call(editAction, multipart(path, cookie, { intent: 'addPhoto', ...alt }, { name: 'photo.jpg', type: 'image/jpeg', bytes: Buffer.from('not a picture at all') }), params)
    expect(text.status).toBe(400)
    expect(text.data.errors.photo).toBe('This type of file is not accepted. Choose a JPEG, PNG or WebP picture.')

    const picture = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#6b8e23' } }).jpeg().toBuffer()
    const noAlt = await call(editAction, multipart(path, cookie, { intent: 'addPhoto' }, { name: 'jam.jpg', type: 'image/jpeg', bytes: picture }), params)
    expect(noAlt.data.errors).toMatchObject({ 'alt.az': 'This field is required', 'alt.en': 'This field is required' })
    expect((await getProduct(product._id))!.images).toHaveLength(0)

    const added = await call(editAction, multipart(path, cookie, { intent: 'addPhoto', ...alt }, { name: 'jam.jpg', type: 'image/jpeg', bytes: picture }), params)
    expect(added.status).toBe(302)
    const [image] = (await getProduct(product._id))!.images
    expect(image).toMatchObject({ width: 900, height: 600, alt: { az: 'Qoz mürəbbəsi bankada', en: 'Walnut jam in a jar', ru: '' } })

    const page = await call(editLoader, request(path, { cookie }), params)
    const shown = page.data.product.images[0]
    expect(shown.alt).toBe('Walnut jam in a jar')
    expect(shown.srcSet).toContain(`/images/${image.id}-640.webp 640w`)
    const file = shown.src.split('/').pop()
    const served = await imageRoute({ params: { file }, request: new Request(`${BASE}${shown.src}`), context: { cspNonce: '' } })
    expect(served.headers.get('Content-Type')).toBe('image/webp')
  })

  it('submitting says everything that is missing; once complete it goes to review and is locked for the family', async () => {
    const { family, user, cookie } = await member()
    const product = await makeCatalogueProduct({ familyId: family._id, photo: false })
    const path = `/family/products/${product._id}`
    const params = { id: String(product._id) }
    const refused = await call(editAction, request(path, { cookie, form: { intent: 'submit' } }), params)
    expect(refused.status).toBe(409)
    expect(refused.data.problems).toEqual(['An approved brand (designed with ABAD’s designers)', 'At least one photo'])

    const brand = await makeBrand({ familyId: family._id, familyName: family.name })
    const complete = await makeCatalogueProduct({ familyId: family._id, brandId: brand._id, actor: user })
    const ok = await call(editAction, request(`/family/products/${complete._id}`, { cookie, form: { intent: 'submit' } }), { id: String(complete._id) })
    expect(ok.status).toBe(302)
    const page = await call(editLoader, request(`/family/products/${complete._id}`, { cookie }), { id: String(complete._id) })
    expect(page.data.product).toMatchObject({ status: 'submitted', editable: false })
    // the family sees what stands between it and the shop: a lot that passed QC
    expect(page.data.missing.map((entry: { problem: string }) => entry.problem)).toEqual(['lot'])
    const edit = await call(editAction, request(`/family/products/${complete._id}`, { cookie, form: { ...productForm(), intent: 'save' } }), { id: String(complete._id) })
    expect(edit.status).toBe(409)
  })

  it('the list shows only the family’s own products with what is pending', async () => {
    const { family, cookie } = await member()
    await makeCatalogueProduct({ familyId: family._id, photo: false, input: { title: { az: 'Bizim pendir', en: 'Our cheese', ru: '' }, category: 'cheese' } })
    const other = await makeMakerFamily()
    await makeCatalogueProduct({ familyId: other._id, photo: false, input: { title: { az: 'Onların pendiri', en: 'Their cheese', ru: '' } } })
    const list = await call(listLoader, request('/family/products', { cookie }))
    expect(list.data.products.map((row: { title: string }) => row.title)).toEqual(['Our cheese'])
    expect(list.data.products[0].missing).toEqual(['An approved brand (designed with ABAD’s designers)', 'At least one photo'])
  })
})
