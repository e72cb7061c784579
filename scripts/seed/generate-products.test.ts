import { describe, expect, it } from 'vitest'
import { tokenise } from '#app/utils/search'
import { isValidEan13, listingProblems, ProductModel, searchProducts, type Product } from '#models/product.server'
import { generateProducts } from './generate-products'

describe('product generator', () => {
  it('writes valid, unique products that obey the listing rules and can be searched', async () => {
    const result = await generateProducts({ count: 600, batchSize: 250, families: 12 })
    expect(result.inserted).toBe(600)
    const products = await ProductModel.find({}).select('slug variants status kind searchKeys').lean<Product[]>()
    expect(products).toHaveLength(600)
    const skus = products.flatMap((product) => product.variants.map((variant) => variant.sku))
    const barcodes = products.flatMap((product) => product.variants.map((variant) => variant.barcode))
    expect(new Set(skus).size).toBe(600)
    expect(new Set(barcodes).size).toBe(600)
    expect(new Set(products.map((product) => product.slug)).size).toBe(600)
    expect(barcodes.every(isValidEan13)).toBe(true)
    const listed = products.filter((product) => product.status === 'listed')
    expect(listed.length).toBeGreaterThan(400)
    // a sample of listed products, food and craft: nothing stands between them and the shop
    for (const product of [...listed.filter((p) => p.kind === 'food').slice(0, 5), ...listed.filter((p) => p.kind === 'craft' && p.variants[0].craftStock > 0).slice(0, 3)]) {
      expect(await listingProblems((await ProductModel.findById(product._id).lean<Product>())!)).toEqual([])
    }
    // a listed product's Azerbaijani title, typed without its letters, finds it among the first
    const sample = (await ProductModel.findOne({ status: 'listed', title: { $exists: true } }).select('title').lean<Product>())!
    const typed = tokenise(sample.title.az).join(' ')
    const found = await searchProducts({ q: typed, perPage: 100 }, { status: 'listed' })
    expect(found.items.map((item) => item.title.az)).toContain(sample.title.az)
    expect(tokenise(found.items[0].title.az)).toEqual(tokenise(sample.title.az))
    // a second run adds more without clashing with the first
    expect((await generateProducts({ count: 50, families: 2 })).inserted).toBe(50)
  })
})
