import { beforeEach, describe, expect, test } from 'vitest'
import { Types } from 'mongoose'
import { makeOrder, makeShopMaker, makeShopProduct } from '#tests/factories/shop'
import { LotModel } from './lot.server'
import { delistProduct } from './product.server'
import { browseShop, getMakerShowcase, getShopProduct, readShopFilters, refreshShopIndex, resetShopCaches, shopHighlights, sitemapEntries } from './storefront.server'

const staff = { _id: new Types.ObjectId(), name: 'Sales' }
const filters = (query: string) => readShopFilters(new URLSearchParams(query))
const titles = async (query: string) => (await browseShop(filters(query))).cards.map((card) => card.product.title.en)

beforeEach(() => resetShopCaches())

async function smallShop() {
  const guba = await makeShopMaker({ name: 'Abbasovlar', region: 'Guba', womenLed: true, makerPage: { slug: 'abbasovlar-guba' } })
  const sheki = await makeShopMaker({ name: 'Halvaçılar', region: 'Sheki' })
  const crafts = await makeShopMaker({ name: 'Xalçaçılar', region: 'Guba', businessKind: 'craft' })
  const quince = await makeShopProduct({ maker: guba, price: 900, title: { az: 'Heyva mürəbbəsi', en: 'Quince jam', ru: 'Айвовое варенье' } })
  const walnut = await makeShopProduct({ maker: sheki, price: 1500, title: { az: 'Qoz mürəbbəsi', en: 'Walnut jam', ru: 'Варенье из орехов' } })
  const thyme = await makeShopProduct({ maker: guba, category: 'tea', price: 600, stock: 1, title: { az: 'Kəklikotu çayı', en: 'Thyme tea', ru: 'Чай с чабрецом' } })
  // listed while it had a lot; sold out since
  await LotModel.updateOne({ sku: thyme.variants[0].sku }, { $set: { qtyAvailable: 0, qtySold: 1 } })
  const rug = await makeShopProduct({ maker: crafts, category: 'carpets', price: 45000, title: { az: 'Quba xalçası', en: 'Guba rug', ru: 'Губинский ковёр' } })
  return { guba, sheki, crafts, quince, walnut, thyme, rug }
}

describe('the listing', () => {
  test('filters by category, region, maker, price, stock and women-led makers, with a count for each value', async () => {
    const { guba, sheki } = await smallShop()
    const all = await browseShop(filters(''))
    expect(all.total).toBe(4)
    expect(Object.fromEntries(all.facets.category.filter((entry) => entry.count).map((entry) => [entry.value, entry.count]))).toEqual({ jam: 2, tea: 1, carpets: 1 })
    expect(Object.fromEntries(all.facets.region.filter((entry) => entry.count).map((entry) => [entry.value, entry.count]))).toEqual({ Guba: 3, Sheki: 1 })
    expect(all.facets).toMatchObject({ inStock: 3, womenLed: 2 })

    expect((await titles('category=jam')).sort()).toEqual(['Quince jam', 'Walnut jam'])
    expect(await titles('category=jam&region=Sheki')).toEqual(['Walnut jam'])
    expect((await titles(`maker=${guba.family._id}`)).sort()).toEqual(['Quince jam', 'Thyme tea'])
    expect(await titles('stock=in&women=1')).toEqual(['Quince jam'])
    expect(await titles('min=8&max=10')).toEqual(['Quince jam'])
    expect(await titles('min=100')).toEqual(['Guba rug'])

    // with a category chosen, the category counts still show the other categories (with the other filters applied)
    const jams = await browseShop(filters('category=jam&region=Guba'))
    expect(jams.total).toBe(1)
    expect(jams.facets.category.find((entry) => entry.value === 'tea')?.count).toBe(1)
    expect(jams.facets.region.find((entry) => entry.value === 'Sheki')?.count).toBe(1)
    expect(jams.facets.maker.map((entry) => entry.name)).toEqual(['Abbasovlar'])
    expect(jams.facets.maker[0].value).toBe(String(guba.family._id))
    expect(String(sheki.family._id)).not.toBe(jams.facets.maker[0].value)
  })

  test('sorts by newest and price, pages with the filters kept, and ignores malformed parameters', async () => {
    await smallShop()
    expect(await titles('sort=price_asc')).toEqual(['Thyme tea', 'Quince jam', 'Walnut jam', 'Guba rug'])
    expect(await titles('sort=price_desc')).toEqual(['Guba rug', 'Walnut jam', 'Quince jam', 'Thyme tea'])
    expect(await titles('sort=newest')).toEqual(['Guba rug', 'Thyme tea', 'Walnut jam', 'Quince jam'])
    const second = await browseShop(filters('sort=price_asc&page=2'), 3)
    expect(second).toMatchObject({ page: 2, pages: 2, total: 4 })
    expect(second.cards.map((card) => card.product.title.en)).toEqual(['Guba rug'])
    // a page past the end shows the last page
    expect((await browseShop(filters('sort=price_asc&page=99'), 3)).page).toBe(2)
    expect(filters('category=<script>&region=Mars&maker=1&min=abc&max=-5&sort=cheap&page=-2&stock=maybe')).toMatchObject({
      category: '',
      region: '',
      maker: '',
      min: null,
      max: null,
      sort: 'newest',
      page: 1,
      inStock: false,
    })
  })

  test('searches with Azerbaijani letters typed or not, best match first, combined with filters', async () => {
    await smallShop()
    expect((await titles('q=murebbe')).sort()).toEqual(['Quince jam', 'Walnut jam'])
    expect(await titles('q=qoz murebbesi')).toEqual(['Walnut jam'])
    // "Quba" in a title beats the same word as the maker's region
    expect(await titles('q=quba')).toEqual(['Guba rug', 'Quince jam', 'Thyme tea'])
    expect(await titles('q=murebbe&region=Sheki')).toEqual(['Walnut jam'])
    expect(filters('q=jam').sort).toBe('relevance')
    expect(await titles('q=nothinglikethis')).toEqual([])
  })

  test('the index follows changes: a delisted product leaves, a new one and sold stock show at the next refresh', async () => {
    const { walnut, guba } = await smallShop()
    expect(await titles('category=jam&sort=price_asc')).toEqual(['Quince jam', 'Walnut jam'])
    // a search asked before the new product exists must not hide it afterwards
    expect((await titles('q=murebbe')).sort()).toEqual(['Quince jam', 'Walnut jam'])
    await delistProduct(String(walnut._id), 'label', staff)
    const added = await makeShopProduct({ maker: guba, price: 100, stock: 1, title: { az: 'Zoğal mürəbbəsi', en: 'Cornel jam', ru: 'Кизиловое варенье' } })
    await makeOrder([{ sku: added.variants[0].sku, qty: 1 }])
    await refreshShopIndex()
    expect(await titles('category=jam&sort=price_asc')).toEqual(['Cornel jam', 'Quince jam'])
    expect(await titles('category=jam&stock=in')).toEqual(['Quince jam'])
    expect((await titles('q=murebbe')).sort()).toEqual(['Cornel jam', 'Quince jam'])
  })

  test('a delisted product leaves the listing at once, without waiting for the next refresh', async () => {
    const { walnut } = await smallShop()
    expect(await titles('category=jam&sort=price_asc')).toEqual(['Quince jam', 'Walnut jam'])
    await delistProduct(String(walnut._id), 'label', staff)
    await expect.poll(() => titles('category=jam&sort=price_asc'), { timeout: 2000, interval: 50 }).toEqual(['Quince jam'])
  })

  test('the front page shows new products from different makers and the makers with a public page', async () => {
    await smallShop()
    const { featured, makers } = await shopHighlights()
    const makerIds = featured.map((card) => String(card.product.familyId))
    expect(new Set(makerIds).size).toBe(makerIds.length)
    expect(featured.every((card) => card.inStock)).toBe(true)
    expect(makers.map((maker) => maker.slug)).toEqual(['abbasovlar-guba'])
    const sitemap = await sitemapEntries()
    expect(sitemap.products).toHaveLength(4)
    expect(sitemap.makers).toEqual([{ slug: 'abbasovlar-guba' }])
  })
})

describe('the product and maker pages', () => {
  test('a product page has live stock per variant, the maker’s public story and related products; a delisted one is not for sale', async () => {
    const { quince, walnut, guba, thyme } = await smallShop()
    await makeOrder([{ sku: quince.variants[0].sku, qty: 4 }])
    const page = await getShopProduct(quince.slug)
    expect(page?.stock.get(quince.variants[0].sku)).toBe(6)
    expect(page?.maker).toMatchObject({ name: 'Abbasovlar', slug: 'abbasovlar-guba', womenLed: true, story: { en: 'From our orchard to your table.' } })
    // in stock, same maker first then same category; never itself
    expect(page?.related.map((card) => card.product.title.en)).toEqual(['Walnut jam'])
    expect(page?.related.some((card) => String(card.product._id) === String(thyme._id))).toBe(false)

    const other = await getShopProduct(walnut.slug)
    expect(other?.maker.story).toBeNull()
    await delistProduct(String(walnut._id), 'label', staff)
    expect(await getShopProduct(walnut.slug)).toBeNull()
    expect(await getShopProduct('../etc/passwd')).toBeNull()

    const showcase = await getMakerShowcase('abbasovlar-guba')
    expect(showcase?.maker.id).toBe(String(guba.family._id))
    expect(showcase?.cards.map((card) => card.product.title.en).sort()).toEqual(['Quince jam', 'Thyme tea'])
    expect(await getMakerShowcase('no-such-maker')).toBeNull()
  })
})
