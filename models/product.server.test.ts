import { Types } from 'mongoose'
import { describe, expect, test } from 'vitest'
import { completeProductInput, makeBrand, makeCatalogueProduct, makeMakerFamily as makeFamily } from '#tests/factories/catalogue'
import { makeLot } from '#tests/factories/lots'
import { listSubjectHistory } from './audit.server'
import {
  bulkChangeCategory,
  bulkDelist,
  changePrice,
  createProduct,
  delistProduct,
  ean13CheckDigit,
  generateBarcode,
  getProduct,
  hasSellableLot,
  isValidEan13,
  listProduct,
  listingProblems,
  ProductModel,
  renameMaker,
  requestProductChanges,
  SEARCH_CANDIDATES,
  searchProducts,
  setCraftStock,
  slugify,
  submitProduct,
  updateProduct,
} from './product.server'

const family = { _id: new Types.ObjectId(), name: 'Günay Abbasova' }
const sales = { _id: new Types.ObjectId(), name: 'Tural Babayev' }

async function familyWithBrand(name = 'Abbasovlar') {
  const f = await makeFamily({ name, region: 'Sheki' })
  const brand = await makeBrand({ familyId: f._id, familyName: name, name: `${name} bağı` })
  return { family: f, brand }
}

describe('EAN-13', () => {
  test('check digits of known codes', () => {
    expect(ean13CheckDigit('400638133393')).toBe(1)
    expect(ean13CheckDigit('590123412345')).toBe(7)
    expect(ean13CheckDigit('200000000000')).toBe(8)
    expect(isValidEan13('4006381333931')).toBe(true)
    expect(isValidEan13('4006381333932')).toBe(false)
    expect(isValidEan13('400638133393')).toBe(false)
    expect(isValidEan13('400638133393x')).toBe(false)
  })

  test('generated barcodes are valid, in the in-store 200 range, and never repeat', async () => {
    const codes = await Promise.all(Array.from({ length: 30 }, () => generateBarcode()))
    expect(new Set(codes).size).toBe(30)
    for (const code of codes) {
      expect(code).toMatch(/^200\d{10}$/)
      expect(isValidEan13(code)).toBe(true)
    }
  })

  test('a barcode with a wrong check digit is refused on the field', async () => {
    const f = await makeFamily()
    const result = await createProduct(
      { familyId: f._id, makerName: f.name, region: f.region, input: completeProductInput({ variants: [{ sku: 'JAM-X1', barcode: '4006381333932', retailPrice: 100, wholesalePrice: 50 }] }) },
      family,
    )
    expect(result).toEqual({ ok: false, reason: 'invalid_barcode', field: 'variants.0.barcode' })
  })
})

describe('creating products', () => {
  test('missing SKU and barcode are generated; slugs stay unique for equal titles', async () => {
    const f = await makeFamily()
    const input = completeProductInput({ title: { az: 'Qoz mürəbbəsi', en: 'Walnut jam', ru: '' } })
    const a = await createProduct({ familyId: f._id, makerName: f.name, region: 'Sheki', input }, family)
    const b = await createProduct({ familyId: f._id, makerName: f.name, region: 'Sheki', input }, family)
    if (!a.ok || !b.ok) throw new Error('not created')
    expect(a.product.slug).toBe('walnut-jam')
    expect(b.product.slug).toBe('walnut-jam-2')
    expect(a.product.variants[0].sku).toMatch(/^JAM-\d{5}$/)
    expect(a.product.variants[0].sku).not.toBe(b.product.variants[0].sku)
    expect(isValidEan13(a.product.variants[0].barcode)).toBe(true)
    expect(a.product.status).toBe('draft')
    expect(slugify('Şəki halvası — ƏLA!')).toBe('seki-halvasi-ela')
  })

  test('ten families racing for one SKU: exactly one gets it, the others are told why', async () => {
    const families = await Promise.all(Array.from({ length: 10 }, () => makeFamily()))
    const results = await Promise.all(
      families.map((f) =>
        createProduct({ familyId: f._id, makerName: f.name, region: f.region, input: completeProductInput({ variants: [{ sku: 'SHEKI-HALVA-1', retailPrice: 900, wholesalePrice: 600 }] }) }, family),
      ),
    )
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    expect(results.filter((r) => !r.ok).map((r) => (r as { reason: string }).reason)).toEqual(Array(9).fill('duplicate_sku'))
    expect(await ProductModel.countDocuments({ 'variants.sku': 'SHEKI-HALVA-1' })).toBe(1)
  })

  test('ten products racing for one barcode: exactly one gets it', async () => {
    const f = await makeFamily()
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        createProduct({ familyId: f._id, makerName: f.name, region: f.region, input: completeProductInput({ variants: [{ sku: `BAR-${index}`, barcode: '4006381333931', retailPrice: 900, wholesalePrice: 600 }] }) }, family),
      ),
    )
    expect(results.filter((r) => r.ok)).toHaveLength(1)
    expect(new Set(results.filter((r) => !r.ok).map((r) => (r as { reason: string }).reason))).toEqual(new Set(['duplicate_barcode']))
  })

  test('a SKU repeated inside one product, or taken by an edit, is refused', async () => {
    const f = await makeFamily()
    const twice = await createProduct(
      { familyId: f._id, makerName: f.name, region: f.region, input: completeProductInput({ variants: [{ sku: 'A-100', retailPrice: 100, wholesalePrice: 50 }, { sku: 'a-100', retailPrice: 200, wholesalePrice: 50 }] }) },
      family,
    )
    expect(twice).toMatchObject({ ok: false, reason: 'duplicate_sku_in_product', field: 'variants.1.sku' })

    const first = await createProduct({ familyId: f._id, makerName: f.name, region: f.region, input: completeProductInput({ variants: [{ sku: 'TAKEN-1', retailPrice: 100, wholesalePrice: 50 }] }) }, family)
    const second = await createProduct({ familyId: f._id, makerName: f.name, region: f.region, input: completeProductInput({ variants: [{ sku: 'FREE-1', retailPrice: 100, wholesalePrice: 50 }] }) }, family)
    if (!first.ok || !second.ok) throw new Error('not created')
    const edit = await updateProduct(String(second.product._id), completeProductInput({ variants: [{ sku: 'TAKEN-1', retailPrice: 100, wholesalePrice: 50 }] }), family)
    expect(edit).toEqual({ ok: false, reason: 'duplicate_sku', field: 'variants.0.sku' })
    expect((await getProduct(second.product._id))!.variants[0].sku).toBe('FREE-1')
  })

  test('an edit keeps the barcode of a variant and the mongoose validators refuse a negative or fractional price', async () => {
    const f = await makeFamily()
    const created = await createProduct({ familyId: f._id, makerName: f.name, region: f.region, input: completeProductInput({ variants: [{ sku: 'KEEP-1', retailPrice: 100, wholesalePrice: 50 }] }) }, family)
    if (!created.ok) throw new Error('not created')
    const barcode = created.product.variants[0].barcode
    const edited = await updateProduct(String(created.product._id), completeProductInput({ variants: [{ sku: 'KEEP-1', retailPrice: 150, wholesalePrice: 60 }] }), family)
    expect(edited.ok && edited.product.variants[0]).toMatchObject({ sku: 'KEEP-1', barcode, retailPrice: 150 })
    await expect(
      createProduct({ familyId: f._id, makerName: f.name, region: f.region, input: completeProductInput({ variants: [{ sku: 'NEG-1', retailPrice: -1, wholesalePrice: 0 }] }) }, family),
    ).rejects.toThrow(/retailPrice/)
    await expect(
      createProduct({ familyId: f._id, makerName: f.name, region: f.region, input: completeProductInput({ variants: [{ sku: 'FRAC-1', retailPrice: 10.5, wholesalePrice: 0 }] }) }, family),
    ).rejects.toThrow(/retailPrice/)
  })
})

describe('listing rules', () => {
  test('food: listed only with an approved brand, az+en texts, a photo and a lot that passed QC', async () => {
    const { family: f, brand } = await familyWithBrand()
    const product = await makeCatalogueProduct({ familyId: f._id, brandId: brand._id, status: 'submitted', actor: family })
    const id = String(product._id)

    expect(await listProduct(id, sales)).toEqual({ ok: false, reason: 'incomplete', problems: ['lot'] })
    // a quarantined lot, an expired one and a sold-out one do not count
    await makeLot({ productId: product._id, sku: product.variants[0].sku, familyId: f._id, quarantineReason: 'pH too high' })
    await makeLot({ productId: product._id, sku: product.variants[0].sku, familyId: f._id, bestBefore: new Date(Date.now() - 86_400_000) })
    expect(await hasSellableLot(product._id, [product.variants[0].sku])).toBe(false)
    expect((await listProduct(id, sales)).ok).toBe(false)

    await makeLot({ productId: product._id, sku: product.variants[0].sku, familyId: f._id, qty: 12 })
    const listed = await listProduct(id, sales)
    expect(listed.ok).toBe(true)
    expect((await getProduct(id))!.status).toBe('listed')
  })

  test('a lot recorded by SKU before the product id was known still counts', async () => {
    const { family: f, brand } = await familyWithBrand()
    const product = await makeCatalogueProduct({ familyId: f._id, brandId: brand._id, status: 'submitted', actor: family })
    await makeLot({ productId: null, sku: product.variants[0].sku, familyId: f._id })
    expect((await listProduct(String(product._id), sales)).ok).toBe(true)
  })

  test('the form can say everything that is missing at once', async () => {
    const f = await makeFamily()
    const created = await createProduct(
      {
        familyId: f._id,
        makerName: f.name,
        region: f.region,
        input: completeProductInput({ description: { az: 'Təsvir', en: '', ru: '' }, food: { ingredients: { az: 'qoz' }, shelfLifeDays: null } }),
      },
      family,
    )
    if (!created.ok) throw new Error('not created')
    const submitted = await submitProduct(String(created.product._id), family)
    expect(submitted).toEqual({ ok: false, reason: 'incomplete', problems: ['brand', 'texts.en', 'photo', 'food.details'] })
    expect(await listingProblems(created.product)).toEqual(['brand', 'texts.en', 'photo', 'food.details', 'lot'])
  })

  test('another family’s brand does not make a product listable', async () => {
    const { brand } = await familyWithBrand('Other family')
    const f = await makeFamily()
    const created = await createProduct({ familyId: f._id, makerName: f.name, region: f.region, input: completeProductInput({ brandId: String(brand._id) }) }, family)
    expect(created).toEqual({ ok: false, reason: 'brand', field: 'brandId' })
  })

  test('crafts need stock entered by staff instead of a lot', async () => {
    const { family: f, brand } = await familyWithBrand()
    const product = await makeCatalogueProduct({ familyId: f._id, brandId: brand._id, input: { category: 'carpets' }, status: 'submitted', actor: family })
    expect(await listProduct(String(product._id), sales)).toEqual({ ok: false, reason: 'incomplete', problems: ['craftStock'] })
    expect(await setCraftStock(String(product._id), product.variants[0].sku, 1, sales)).toBe(true)
    expect((await listProduct(String(product._id), sales)).ok).toBe(true)
  })

  test('review: changes requested with a note, edited, resubmitted, listed, delisted at once; every step in the trail', async () => {
    const { family: f, brand } = await familyWithBrand()
    const product = await makeCatalogueProduct({ familyId: f._id, brandId: brand._id, input: { category: 'woodwork' }, status: 'submitted', actor: family })
    const id = String(product._id)
    // a submitted product is the reviewer's: the family cannot change it underneath
    expect(await updateProduct(id, completeProductInput({ category: 'woodwork' }), family)).toEqual({ ok: false, reason: 'not_editable' })

    expect((await requestProductChanges(id, 'Photo is too dark', sales)).ok).toBe(true)
    expect(await getProduct(id)).toMatchObject({ status: 'changes_requested', reviewNote: 'Photo is too dark' })
    expect((await updateProduct(id, completeProductInput({ category: 'woodwork', brandId: String(brand._id), title: { az: 'Qoz ağacından qaşıq', en: 'Walnut wood spoon', ru: '' }, variants: [{ sku: product.variants[0].sku, retailPrice: 2500, wholesalePrice: 1800 }] }), family)).ok).toBe(true)
    expect((await submitProduct(id, family)).ok).toBe(true)
    await setCraftStock(id, product.variants[0].sku, 2, sales)
    expect((await listProduct(id, sales)).ok).toBe(true)
    // a second click on "list" finds it already listed
    expect(await listProduct(id, sales)).toEqual({ ok: false, reason: 'wrong_status' })
    expect((await delistProduct(id, 'Family asked', sales)).ok).toBe(true)
    expect((await getProduct(id))!.status).toBe('delisted')

    const trail = (await listSubjectHistory('Product', id)).map((event) => event.action)
    expect(trail).toEqual([
      'product.created',
      'product.image_added',
      'product.submitted',
      'product.changes_requested',
      'product.updated',
      'product.submitted',
      'product.stock_set',
      'product.listed',
      'product.delisted',
    ])
  })
})

describe('staff catalogue management', () => {
  test('a price change keeps the previous price; two changes from the same reading do not both apply', async () => {
    const { family: f, brand } = await familyWithBrand()
    const product = await makeCatalogueProduct({ familyId: f._id, brandId: brand._id, input: { category: 'souvenirs' }, status: 'listed', actor: family })
    const sku = product.variants[0].sku
    const changed = await changePrice(String(product._id), sku, { retailPrice: 1400, wholesalePrice: 1000 }, 'New season', sales)
    expect(changed.ok && changed.product.priceHistory).toEqual([
      expect.objectContaining({ sku, retailPrice: 1400, wholesalePrice: 1000, previousRetailPrice: 1250, previousWholesalePrice: 900, byName: 'Tural Babayev', reason: 'New season' }),
    ])
    const events = await listSubjectHistory('Product', String(product._id))
    expect(events.at(-1)).toMatchObject({ action: 'product.price_changed', before: { retailPrice: 1250 }, after: { retailPrice: 1400 } })

    const racing = await Promise.all([
      changePrice(String(product._id), sku, { retailPrice: 1500, wholesalePrice: 1000 }, '', sales),
      changePrice(String(product._id), sku, { retailPrice: 1600, wholesalePrice: 1000 }, '', sales),
    ])
    const after = (await getProduct(product._id))!
    expect(after.priceHistory.length).toBe(1 + racing.filter((r) => r.ok).length)
    // whatever won, the history's last entry is the price the product has
    expect(after.priceHistory.at(-1)!.retailPrice).toBe(after.variants[0].retailPrice)
  })

  test('bulk: delist several, change category within the same kind only', async () => {
    const { family: f, brand } = await familyWithBrand()
    const a = await makeCatalogueProduct({ familyId: f._id, brandId: brand._id, input: { category: 'carpets' }, status: 'listed', actor: family })
    const b = await makeCatalogueProduct({ familyId: f._id, brandId: brand._id, input: { category: 'carpets' }, status: 'listed', actor: family })
    const jam = await makeCatalogueProduct({ familyId: f._id, brandId: brand._id, status: 'draft', actor: family })
    expect(await bulkChangeCategory([String(a._id), String(jam._id)], 'souvenirs', sales)).toBe(1)
    expect((await getProduct(a._id))!.category).toBe('souvenirs')
    expect((await getProduct(jam._id))!.category).toBe('jam')
    expect(await bulkDelist([String(a._id), String(b._id), String(jam._id)], 'Season over', sales)).toBe(2)
    expect((await getProduct(b._id))!.status).toBe('delisted')
  })
})

describe('search', () => {
  async function catalogue() {
    const { family: f, brand } = await familyWithBrand('Şəkili Abbasovlar')
    const make = (title: { az: string; en: string; ru: string }, extra: Record<string, unknown> = {}) =>
      makeCatalogueProduct({ familyId: f._id, brandId: brand._id, makerName: f.name, region: 'Sheki', input: { title, ...extra }, status: 'draft', photo: false, actor: family })
    const walnutJam = await make({ az: 'Qoz mürəbbəsi', en: 'Walnut jam', ru: 'Варенье из грецких орехов' })
    const halva = await make({ az: 'Şəki halvası', en: 'Sheki halva', ru: 'Шекинская халва' }, { category: 'flour' })
    const fig = await make(
      { az: 'Əncir mürəbbəsi', en: 'Fig jam', ru: 'Инжировое варенье' },
      { shortDescription: { az: 'Qoz ləpəsi ilə', en: 'With walnut kernels', ru: '' }, description: { az: 'Əncir və qoz', en: 'Figs and walnuts', ru: '' } },
    )
    return { f, walnutJam, halva, fig }
  }

  test('"seki" finds Şəki, "qoz murebbesi" finds qoz mürəbbəsi', async () => {
    const { halva, walnutJam } = await catalogue()
    const seki = await searchProducts({ q: 'seki' })
    expect(seki.items[0]._id).toEqual(halva._id)
    // the fig jam mentions walnuts in its description: found too, but after the walnut jam
    const jam = await searchProducts({ q: 'qoz murebbesi' })
    expect(jam.items.map((item) => item.title.az)).toEqual(['Qoz mürəbbəsi', 'Əncir mürəbbəsi'])
    expect(jam.items[0]._id).toEqual(walnutJam._id)
    expect((await searchProducts({ q: 'QOZ MÜRƏBBƏSİ' })).items[0]._id).toEqual(walnutJam._id)
    expect((await searchProducts({ q: 'шекинская' })).items[0]._id).toEqual(halva._id)
    // ranking reads words folded at write time; pages never receive them
    const stored = await ProductModel.findById(walnutJam._id).select('rankKeys').lean<{ rankKeys: { title: string[]; titlePhrases: string[] } }>()
    expect(stored!.rankKeys.title).toEqual(expect.arrayContaining(['qoz', 'murebbesi', 'walnut', 'jam']))
    expect(stored!.rankKeys.titlePhrases[0]).toBe('qoz murebbesi')
    expect(await getProduct(walnutJam._id)).not.toHaveProperty('rankKeys.title')
  })

  test('a family that renames itself is found by its new name, no longer by the old one', async () => {
    const f = await makeFamily({ name: 'Abbasovlar' })
    const product = await makeCatalogueProduct({ familyId: f._id, makerName: 'Abbasovlar', photo: false })
    expect((await searchProducts({ q: 'abbasovlar' })).items.map((item) => String(item._id))).toEqual([String(product._id)])
    expect(await renameMaker(f._id, 'Quliyevlər bağı')).toBe(1)
    expect((await searchProducts({ q: 'quliyevler' })).items.map((item) => String(item._id))).toEqual([String(product._id)])
    expect((await searchProducts({ q: 'abbasovlar' })).items).toEqual([])
    expect((await getProduct(product._id))!.makerName).toBe('Quliyevlər bağı')
    // the same name again changes nothing
    expect(await renameMaker(f._id, 'Quliyevlər bağı')).toBe(0)
  })

  test('a broad search pages only through the ranked best matches and says how many match in all', async () => {
    const familyId = new Types.ObjectId()
    const many = SEARCH_CANDIDATES + 5
    await ProductModel.collection.insertMany(
      Array.from({ length: many }, (_, i) => ({ familyId, slug: `bal-${i}`, status: 'draft', kind: 'food', category: 'jam', title: { az: `Bal ${i}`, en: `Honey ${i}`, ru: '' }, variants: [{ sku: `BAL-${i}`, barcode: String(2_000_000_000_000 + i), retailPrice: 1000 }], searchKeys: ['bal', 'honey'], updatedAt: new Date() })),
    )
    const found = await searchProducts({ q: 'bal', perPage: 100 })
    expect(found).toMatchObject({ total: many, shown: SEARCH_CANDIDATES })
    // the last page of the ranked matches is full, and nothing is offered past it
    expect((await searchProducts({ q: 'bal', perPage: 100, page: SEARCH_CANDIDATES / 100 })).items).toHaveLength(100)
    expect(await searchProducts({ q: 'heyva' })).toMatchObject({ total: 0, shown: 0 })
  })

  test('ranking: the title match comes before a description match; a half-typed word finds titles', async () => {
    const { walnutJam, fig } = await catalogue()
    const qoz = await searchProducts({ q: 'qoz' })
    expect(qoz.items.map((item) => String(item._id))).toEqual([String(walnutJam._id), String(fig._id)])
    const typed = await searchProducts({ q: 'murebb' })
    expect(typed.items.map((item) => item.title.az).sort()).toEqual(['Qoz mürəbbəsi', 'Əncir mürəbbəsi'].sort())
  })

  test('the maker and the region are searchable in every spelling; filters and the permission scope still apply', async () => {
    const { f, halva } = await catalogue()
    expect((await searchProducts({ q: 'abbasovlar' })).total).toBe(3)
    expect((await searchProducts({ q: 'şəki', category: 'flour' })).items.map((item) => String(item._id))).toEqual([String(halva._id)])
    expect((await searchProducts({ q: 'Шеки halva' })).items[0]._id).toEqual(halva._id)
    expect((await searchProducts({ q: 'qoz' }, { status: 'listed' })).total).toBe(0)
    expect((await searchProducts({ q: 'qoz', familyId: String(new Types.ObjectId()) })).total).toBe(0)
    expect((await searchProducts({ familyId: String(f._id) })).total).toBe(3)
  })

  test('when no product has every word, products with some of them come back, best first', async () => {
    const { walnutJam } = await catalogue()
    const result = await searchProducts({ q: 'qoz mürəbbəsi xyzzy' })
    expect(result.items[0]._id).toEqual(walnutJam._id)
  })

  test('stock filter: food by its lots, crafts by staff stock', async () => {
    const { family: f, brand } = await familyWithBrand()
    const jam = await makeCatalogueProduct({ familyId: f._id, brandId: brand._id, photo: false, actor: family })
    const rug = await makeCatalogueProduct({ familyId: f._id, brandId: brand._id, input: { category: 'carpets' }, photo: false, actor: family })
    const empty = await makeCatalogueProduct({ familyId: f._id, brandId: brand._id, photo: false, actor: family })
    await makeLot({ productId: jam._id, sku: jam.variants[0].sku, familyId: f._id })
    await setCraftStock(String(rug._id), rug.variants[0].sku, 1, sales)
    const inStock = await searchProducts({ stock: 'in' })
    expect(inStock.items.map((item) => String(item._id)).sort()).toEqual([String(jam._id), String(rug._id)].sort())
    const out = await searchProducts({ stock: 'out' })
    expect(out.items.map((item) => String(item._id))).toEqual([String(empty._id)])
  })
})
