import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { getEnv } from '#app/utils/env.server'
import { CATEGORY_KEYS } from '#app/utils/catalogue'
import { localImagePaths } from '#app/utils/images.server'
import { BrandingRequestModel, BrandModel } from '#models/branding.server'
import { listingProblems, ProductModel, searchProducts, type Product } from '#models/product.server'
import { seedAccounts } from './accounts'
import { seedApplications } from './applications'
import { seedCatalogue } from './catalogue'

describe('catalogue seed', () => {
  it('about sixty products of the demo families in every category, with photos, brands and sellable lots', async () => {
    await seedAccounts()
    await seedApplications()
    const started = Date.now()
    await seedCatalogue()
    const ms = Date.now() - started
    const products = await ProductModel.find({}).lean<Product[]>()
    expect(products.length).toBeGreaterThanOrEqual(55)
    expect(new Set(products.map((product) => product.category))).toEqual(new Set(CATEGORY_KEYS))
    expect(new Set(products.map((product) => product.status))).toEqual(new Set(['listed', 'submitted', 'draft', 'changes_requested']))
    // every listed product really meets the listing rules, and its photo is on disk
    const listed = products.filter((product) => product.status === 'listed')
    expect(listed.length).toBeGreaterThanOrEqual(45)
    for (const product of listed) {
      expect(await listingProblems(product)).toEqual([])
      const file = path.join(localImagePaths(getEnv().DATA_DIR).variants, `${product.images[0].id}-640.webp`)
      expect(fs.existsSync(file)).toBe(true)
    }
    // submitted food waits for its lot: the rule holds in the demo too
    const waiting = products.filter((product) => product.status === 'submitted' && product.kind === 'food')
    for (const product of waiting) expect(await listingProblems(product)).toEqual(['lot'])
    expect(await BrandModel.countDocuments({})).toBe(5)
    expect(await BrandingRequestModel.countDocuments({ status: { $ne: 'lead_approved' } })).toBe(2)
    expect((await searchProducts({ q: 'seki' }, { status: 'listed' })).total).toBeGreaterThan(0)
    expect((await searchProducts({ q: 'qoz murebbesi' }, { status: 'listed' })).items[0].title.az).toBe('Qoz mürəbbəsi')
    // it runs once: a second call adds nothing
    await seedCatalogue()
    expect(await ProductModel.countDocuments({})).toBe(products.length)
    console.log(`catalogue seed: ${products.length} products in ${ms} ms`)
  })
})
