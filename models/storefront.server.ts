import mongoose, { Types } from 'mongoose'
import { CATEGORY_KEYS } from '#app/utils/catalogue'
import { queryTokens, rankScore } from '#app/utils/search'
import { SHOP_PAGE_SIZE, SHOP_SORTS, type ShopSort } from '#app/utils/shop'
import { FamilyModel } from './family.server'
import { LotModel, stockBySku } from './lot.server'
import { LANGS, ProductModel, REGION_NAMES, SEARCH_CANDIDATES, type Product, type ProductImage, type Texts } from './product.server'

/**
 * The storefront's read side over products, lots and families. Listing pages filter, count and
 * sort a compact in-memory index of the listed products (one indexed, projected query per refresh,
 * shared by every request for a few seconds), then read only the page's products by id. Counts,
 * "in stock" badges and the order of the list are display-only and may be a few seconds old; the
 * product page, the cart and checkout always read the current price and stock.
 */

export { SHOP_PAGE_SIZE, SHOP_SORTS, type ShopSort }
/** Price bands for the filter, in qəpik; the last one is open. */
export const PRICE_BANDS: readonly { min: number; max: number | null }[] = [
  { min: 0, max: 1000 },
  { min: 1000, max: 2500 },
  { min: 2500, max: 5000 },
  { min: 5000, max: 10000 },
  { min: 10000, max: null },
]

const SNAPSHOT_TTL_MS = 20_000
const SEARCH_TTL_MS = 30_000
const CACHE_LIMIT = 500

type Entry = {
  id: string
  slug: string
  category: string
  kind: 'food' | 'craft'
  region: string
  familyId: string
  minPrice: number
  stock: number
  listedAt: number
  updatedAt: number
}

export type ShopMaker = { id: string; name: string; region: string; womenLed: boolean; slug: string | null; photo: string | null; productCount: number }

type Snapshot = { at: number; entries: Entry[]; byId: Map<string, Entry>; makers: Map<string, ShopMaker> }

let snapshot: Snapshot | null = null
let refreshing: Promise<Snapshot> | null = null
const listCache = new Map<string, { at: number; value: ListResult }>()
const searchCache = new Map<string, { at: number; ids: string[] }>()

function sellable(now: Date) {
  return { $or: [{ bestBefore: null }, { bestBefore: { $gt: now } }] }
}

async function loadSnapshot(now = new Date()): Promise<Snapshot> {
  const [products, lots] = await Promise.all([
    ProductModel.find({ status: 'listed' })
      .select('slug category kind region familyId variants.sku variants.retailPrice variants.craftStock listedAt updatedAt')
      .lean<Pick<Product, '_id' | 'slug' | 'category' | 'kind' | 'region' | 'familyId' | 'variants' | 'listedAt' | 'updatedAt'>[]>(),
    LotModel.find({ status: 'available', qtyAvailable: { $gt: 0 }, ...sellable(now) })
      .select('sku qtyAvailable')
      .lean<{ sku: string; qtyAvailable: number }[]>(),
  ])
  const lotStock = new Map<string, number>()
  for (const lot of lots) lotStock.set(lot.sku, (lotStock.get(lot.sku) ?? 0) + lot.qtyAvailable)
  const familyIds = [...new Set(products.map((product) => String(product.familyId)))]
  const families = familyIds.length
    ? await FamilyModel.find({ _id: { $in: familyIds.map((id) => new Types.ObjectId(id)) } })
        .select('name region womenLed status makerPage.slug makerPage.published makerPage.photo')
        .lean<{ _id: Types.ObjectId; name: string; region: string; womenLed?: boolean; status: string; makerPage?: { slug?: string; published?: boolean; photo?: string } }[]>()
    : []
  const makers = new Map<string, ShopMaker>()
  for (const family of families) {
    if (family.status !== 'active') continue
    const published = Boolean(family.makerPage?.published && family.makerPage.slug)
    makers.set(String(family._id), {
      id: String(family._id),
      name: family.name,
      region: family.region,
      womenLed: Boolean(family.womenLed),
      slug: published ? family.makerPage!.slug! : null,
      photo: published && family.makerPage?.photo ? family.makerPage.photo : null,
      productCount: 0,
    })
  }
  const entries: Entry[] = []
  for (const product of products) {
    const maker = makers.get(String(product.familyId))
    // a suspended or departed family's products stay off the shelf
    if (!maker) continue
    maker.productCount += 1
    const stock = product.variants.reduce((sum, variant) => sum + (product.kind === 'craft' ? (variant.craftStock ?? 0) : (lotStock.get(variant.sku) ?? 0)), 0)
    entries.push({
      id: String(product._id),
      slug: product.slug,
      category: product.category,
      kind: product.kind as 'food' | 'craft',
      region: product.region ?? '',
      familyId: String(product.familyId),
      minPrice: Math.min(...product.variants.map((variant) => variant.retailPrice)),
      stock,
      listedAt: new Date(product.listedAt ?? product.updatedAt).getTime(),
      updatedAt: new Date(product.updatedAt).getTime(),
    })
  }
  return { at: Date.now(), entries, byId: new Map(entries.map((entry) => [entry.id, entry])), makers }
}

/** The current index: a fresh one on first use, afterwards the old one while a new one loads in the background. */
async function getSnapshot(): Promise<Snapshot> {
  const fresh = snapshot && Date.now() - snapshot.at < SNAPSHOT_TTL_MS
  if (fresh) return snapshot!
  if (!refreshing) {
    refreshing = loadSnapshot()
      .then((next) => {
        snapshot = next
        listCache.clear()
        return next
      })
      .finally(() => {
        refreshing = null
      })
  }
  return snapshot ?? refreshing
}

/** Forgets every cached listing (tests, and after a change that must show at once). */
export function resetShopCaches() {
  snapshot = null
  refreshing = null
  listCache.clear()
  searchCache.clear()
}

function remember<V>(cache: Map<string, V>, key: string, value: V) {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string)
  cache.set(key, value)
}

/* ───────────────────────── listing ───────────────────────── */

export type ShopFilters = {
  q: string
  category: string
  region: string
  maker: string
  /** qəpik, inclusive lower bound */
  min: number | null
  /** qəpik, exclusive upper bound */
  max: number | null
  inStock: boolean
  womenLed: boolean
  sort: ShopSort
  page: number
}

const REGION_KEYS = Object.keys(REGION_NAMES)

function moneyParam(value: string | null) {
  if (!value) return null
  const number = Number(value.replace(',', '.'))
  if (!Number.isFinite(number) || number < 0 || number > 1_000_000) return null
  return Math.round(number * 100)
}

/** The filters in a /shop URL; anything unknown or malformed is dropped, never an error. */
export function readShopFilters(params: URLSearchParams): ShopFilters {
  const q = (params.get('q') ?? '').trim().slice(0, 100)
  const category = params.get('category') ?? ''
  const region = params.get('region') ?? ''
  const maker = params.get('maker') ?? ''
  const sortParam = params.get('sort') ?? ''
  const sort = (SHOP_SORTS as readonly string[]).includes(sortParam) ? (sortParam as ShopSort) : q ? 'relevance' : 'newest'
  const pageParam = params.get('page') ?? ''
  return {
    q,
    category: (CATEGORY_KEYS as readonly string[]).includes(category) ? category : '',
    region: REGION_KEYS.includes(region) ? region : '',
    maker: mongoose.isValidObjectId(maker) && /^[a-f0-9]{24}$/.test(maker) ? maker : '',
    min: moneyParam(params.get('min')),
    max: moneyParam(params.get('max')),
    inStock: params.get('stock') === 'in',
    womenLed: params.get('women') === '1',
    sort: sort === 'relevance' && !q ? 'newest' : sort,
    page: /^\d{1,5}$/.test(pageParam) ? Math.max(1, Number(pageParam)) : 1,
  }
}

export function hasFilters(filters: ShopFilters) {
  return Boolean(filters.q || filters.category || filters.region || filters.maker || filters.min != null || filters.max != null || filters.inStock || filters.womenLed)
}

type Facet = 'category' | 'region' | 'maker' | 'price' | 'stock' | 'women'

function matches(entry: Entry, filters: ShopFilters, makers: Map<string, ShopMaker>, skip?: Facet) {
  if (skip !== 'category' && filters.category && entry.category !== filters.category) return false
  if (skip !== 'region' && filters.region && entry.region !== filters.region) return false
  if (skip !== 'maker' && filters.maker && entry.familyId !== filters.maker) return false
  if (skip !== 'price' && filters.min != null && entry.minPrice < filters.min) return false
  if (skip !== 'price' && filters.max != null && entry.minPrice >= filters.max) return false
  if (skip !== 'stock' && filters.inStock && entry.stock <= 0) return false
  if (skip !== 'women' && filters.womenLed && !makers.get(entry.familyId)?.womenLed) return false
  return true
}

export type FacetCounts = {
  category: { value: string; count: number }[]
  region: { value: string; count: number }[]
  maker: { value: string; name: string; count: number }[]
  price: { min: number; max: number | null; count: number }[]
  inStock: number
  womenLed: number
}

type ListResult = { ids: string[]; facets: FacetCounts }

/** How many products each filter value would show, with the other filters applied (so counts never lead to an empty page). */
function countFacets(pool: Entry[], filters: ShopFilters, makers: Map<string, ShopMaker>): FacetCounts {
  const category = new Map<string, number>()
  const region = new Map<string, number>()
  const maker = new Map<string, number>()
  const price = PRICE_BANDS.map(() => 0)
  let inStock = 0
  let womenLed = 0
  for (const entry of pool) {
    if (matches(entry, filters, makers, 'category')) category.set(entry.category, (category.get(entry.category) ?? 0) + 1)
    if (matches(entry, filters, makers, 'region')) region.set(entry.region, (region.get(entry.region) ?? 0) + 1)
    if (matches(entry, filters, makers, 'maker')) maker.set(entry.familyId, (maker.get(entry.familyId) ?? 0) + 1)
    if (matches(entry, filters, makers, 'price')) {
      const band = PRICE_BANDS.findIndex((b) => entry.minPrice >= b.min && (b.max == null || entry.minPrice < b.max))
      if (band >= 0) price[band] += 1
    }
    if (entry.stock > 0 && matches(entry, filters, makers, 'stock')) inStock += 1
    if (makers.get(entry.familyId)?.womenLed && matches(entry, filters, makers, 'women')) womenLed += 1
  }
  const makerList = [...maker.entries()]
    .map(([value, count]) => ({ value, name: makers.get(value)?.name ?? '', count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, 'az'))
  // the maker list is long with many families: the busiest ones, and always the chosen one
  const topMakers = makerList.slice(0, 30)
  if (filters.maker && !topMakers.some((entry) => entry.value === filters.maker)) {
    const chosen = makerList.find((entry) => entry.value === filters.maker)
    if (chosen) topMakers.push(chosen)
  }
  return {
    category: CATEGORY_KEYS.map((value) => ({ value, count: category.get(value) ?? 0 })),
    region: REGION_KEYS.map((value) => ({ value, count: region.get(value) ?? 0 })),
    maker: topMakers,
    price: PRICE_BANDS.map((band, index) => ({ min: band.min, max: band.max, count: price[index] })),
    inStock,
    womenLed,
  }
}

/** Product ids ranked for the query words (the catalogue's folding and ranking), cached briefly per query. */
async function searchIds(tokens: string[]) {
  const key = tokens.join(' ')
  const hit = searchCache.get(key)
  if (hit && Date.now() - hit.at < SEARCH_TTL_MS) return hit.ids
  type Candidate = Pick<Product, '_id' | 'title' | 'shortDescription' | 'makerName' | 'region' | 'variants'>
  const fields = 'title shortDescription makerName region variants.sku'
  let candidates = await ProductModel.find({ status: 'listed', searchKeys: { $all: tokens } })
    .select(fields)
    .limit(SEARCH_CANDIDATES)
    .lean<Candidate[]>()
  // nothing has every word: any word, ranked by how many it has
  if (candidates.length === 0 && tokens.length > 1) {
    candidates = await ProductModel.find({ status: 'listed', searchKeys: { $in: tokens } })
      .select(fields)
      .limit(SEARCH_CANDIDATES)
      .lean<Candidate[]>()
  }
  const ids = candidates
    .map((product) => ({
      id: String(product._id),
      title: product.title?.az ?? '',
      score: rankScore(tokens, {
        title: LANGS.map((lang) => product.title?.[lang]),
        description: LANGS.map((lang) => product.shortDescription?.[lang]),
        other: [product.makerName, ...LANGS.map((lang) => REGION_NAMES[product.region]?.[lang]), ...product.variants.map((variant) => variant.sku)],
      }),
    }))
    .sort((a, b) => b.score - a.score || a.title.localeCompare(b.title, 'az'))
    .map((entry) => entry.id)
  remember(searchCache, key, { at: Date.now(), ids })
  return ids
}

function sortEntries(list: Entry[], sort: ShopSort) {
  if (sort === 'relevance') return list
  const copy = [...list]
  if (sort === 'newest') copy.sort((a, b) => b.listedAt - a.listedAt || (a.id < b.id ? -1 : 1))
  if (sort === 'price_asc') copy.sort((a, b) => a.minPrice - b.minPrice || b.listedAt - a.listedAt)
  if (sort === 'price_desc') copy.sort((a, b) => b.minPrice - a.minPrice || b.listedAt - a.listedAt)
  return copy
}

async function listIds(filters: ShopFilters, tokens: string[]): Promise<ListResult> {
  const snap = await getSnapshot()
  const key = JSON.stringify([snap.at, tokens, filters.category, filters.region, filters.maker, filters.min, filters.max, filters.inStock, filters.womenLed, filters.sort])
  const hit = listCache.get(key)
  if (hit) return hit.value
  let pool: Entry[]
  if (tokens.length) {
    const ranked = await searchIds(tokens)
    pool = ranked.map((id) => snap.byId.get(id)).filter((entry): entry is Entry => Boolean(entry))
  } else {
    pool = snap.entries
  }
  const facets = countFacets(pool, filters, snap.makers)
  const ids = sortEntries(
    pool.filter((entry) => matches(entry, filters, snap.makers)),
    filters.sort,
  ).map((entry) => entry.id)
  const value = { ids, facets }
  remember(listCache, key, { at: Date.now(), value })
  return value
}

const CARD_FIELDS = 'slug kind category title shortDescription images variants.sku variants.retailPrice variants.label makerName region familyId'
export type ShopCardProduct = Pick<Product, '_id' | 'slug' | 'kind' | 'category' | 'title' | 'shortDescription' | 'images' | 'makerName' | 'region' | 'familyId'> & {
  variants: { sku: string; retailPrice: number; label: Texts }[]
}
export type ShopCard = { product: ShopCardProduct; inStock: boolean; minPrice: number; maker: ShopMaker | null }

/** The listed products among `ids`, in that order, with their display stock. */
async function cardsFor(ids: string[], snap: Snapshot): Promise<ShopCard[]> {
  if (!ids.length) return []
  const products = await ProductModel.find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) }, status: 'listed' })
    .select(CARD_FIELDS)
    .lean<ShopCardProduct[]>()
  const byId = new Map(products.map((product) => [String(product._id), product]))
  return ids.flatMap((id) => {
    const product = byId.get(id)
    if (!product) return []
    const entry = snap.byId.get(id)
    return [
      {
        product,
        inStock: (entry?.stock ?? 0) > 0,
        minPrice: Math.min(...product.variants.map((variant) => variant.retailPrice)),
        maker: snap.makers.get(String(product.familyId)) ?? null,
      },
    ]
  })
}

export type ShopListing = {
  filters: ShopFilters
  tokens: string[]
  total: number
  page: number
  pages: number
  cards: ShopCard[]
  facets: FacetCounts
  makers: Map<string, ShopMaker>
}

export async function browseShop(filters: ShopFilters, perPage = SHOP_PAGE_SIZE): Promise<ShopListing> {
  const tokens = queryTokens(filters.q)
  const { ids, facets } = await listIds(filters, tokens)
  const snap = await getSnapshot()
  const pages = Math.max(1, Math.ceil(ids.length / perPage))
  const page = Math.min(filters.page, pages)
  const cards = await cardsFor(ids.slice((page - 1) * perPage, page * perPage), snap)
  return { filters, tokens, total: ids.length, page, pages, cards, facets, makers: snap.makers }
}

/** The boutique's front page: a few new products from different makers, and the makers with a public page. */
export async function shopHighlights({ products = 4, makers = 6 } = {}) {
  const snap = await getSnapshot()
  const seen = new Set<string>()
  const picks: string[] = []
  for (const entry of sortEntries(snap.entries, 'newest')) {
    if (entry.stock <= 0 || seen.has(entry.familyId)) continue
    seen.add(entry.familyId)
    picks.push(entry.id)
    if (picks.length >= products) break
  }
  const featuredMakers = [...snap.makers.values()]
    .filter((maker) => maker.slug && maker.productCount > 0)
    .sort((a, b) => Number(Boolean(b.photo)) - Number(Boolean(a.photo)) || b.productCount - a.productCount || a.name.localeCompare(b.name, 'az'))
    .slice(0, makers)
  return { featured: await cardsFor(picks, snap), makers: featuredMakers }
}

/* ───────────────────────── product and maker pages ───────────────────────── */

const PAGE_FIELDS = '-searchKeys -history -priceHistory -reviewNote -createdBy'

export type ShopMakerDetails = { id: string; name: string; region: string; village: string; womenLed: boolean; slug: string | null; story: Texts | null; photo: string | null }

function makerDetails(family: {
  _id: Types.ObjectId
  name: string
  region: string
  village?: string | null
  womenLed?: boolean | null
  makerPage?: { published?: boolean | null; slug?: string | null; story?: Partial<Texts> | null; photo?: string | null } | null
}): ShopMakerDetails {
  const published = Boolean(family.makerPage?.published && family.makerPage.slug)
  return {
    id: String(family._id),
    name: family.name,
    region: family.region,
    village: family.village ?? '',
    womenLed: Boolean(family.womenLed),
    slug: published ? family.makerPage!.slug! : null,
    story: published ? { az: family.makerPage?.story?.az ?? '', en: family.makerPage?.story?.en ?? '', ru: family.makerPage?.story?.ru ?? '' } : null,
    photo: published && family.makerPage?.photo ? family.makerPage.photo : null,
  }
}

/** Stock that may be sold now, per SKU of one product: lots for food, pieces counted by staff for crafts. */
async function variantStock(product: Pick<Product, 'kind' | 'variants'>, now = new Date()) {
  if (product.kind === 'craft') return new Map(product.variants.map((variant) => [variant.sku, variant.craftStock ?? 0]))
  return stockBySku(
    product.variants.map((variant) => variant.sku),
    now,
  )
}

/** A listed product with live stock per variant, its maker and a few related products; null when not for sale. */
export async function getShopProduct(slug: string, now = new Date()) {
  if (!/^[a-z0-9-]{1,80}$/.test(slug)) return null
  const product = await ProductModel.findOne({ slug, status: 'listed' }).select(PAGE_FIELDS).lean<Product>()
  if (!product) return null
  const [stock, family, snap] = await Promise.all([
    variantStock(product, now),
    FamilyModel.findOne({ _id: product.familyId, status: 'active' }).select('name region village womenLed makerPage').lean(),
    getSnapshot(),
  ])
  if (!family) return null
  const id = String(product._id)
  const related: string[] = []
  const add = (entry: Entry) => {
    if (entry.id !== id && entry.stock > 0 && !related.includes(entry.id)) related.push(entry.id)
  }
  for (const entry of snap.entries) if (entry.familyId === String(product.familyId) && related.length < 2) add(entry)
  for (const entry of sortEntries(snap.entries, 'newest')) {
    if (related.length >= 4) break
    if (entry.category === product.category) add(entry)
  }
  return { product, stock, maker: makerDetails(family as Parameters<typeof makerDetails>[0]), related: await cardsFor(related, snap) }
}

export async function getMakerShowcase(slug: string) {
  if (!/^[a-z0-9-]{1,80}$/.test(slug)) return null
  const family = await FamilyModel.findOne({ 'makerPage.slug': slug, 'makerPage.published': true, status: 'active' }).select('name region village womenLed makerPage').lean()
  if (!family) return null
  const [snap, products] = await Promise.all([
    getSnapshot(),
    ProductModel.find({ familyId: family._id, status: 'listed' }).select('_id').sort({ listedAt: -1 }).limit(60).lean<{ _id: Types.ObjectId }[]>(),
  ])
  return { maker: makerDetails(family as Parameters<typeof makerDetails>[0]), cards: await cardsFor(products.map((product) => String(product._id)), snap) }
}

/** Every public storefront address, for the sitemap. */
export async function sitemapEntries() {
  const snap = await getSnapshot()
  return {
    products: snap.entries.map((entry) => ({ slug: entry.slug, updatedAt: new Date(entry.updatedAt) })),
    makers: [...snap.makers.values()].filter((maker) => maker.slug && maker.productCount > 0).map((maker) => ({ slug: maker.slug! })),
  }
}

/* ───────────────────────── prices and stock for the cart ───────────────────────── */

export type SellableVariant = {
  sku: string
  productId: Types.ObjectId
  slug: string
  kind: 'food' | 'craft'
  listed: boolean
  title: Texts
  label: Texts
  unitPrice: number
  stock: number
  image: ProductImage | null
}

/** The current price and sellable stock of each SKU, read from the database (never from a cache). */
export async function lookupVariants(skus: readonly string[], now = new Date()) {
  const wanted = [...new Set(skus)]
  const result = new Map<string, SellableVariant>()
  if (!wanted.length) return result
  const products = await ProductModel.find({ 'variants.sku': { $in: wanted } })
    .select('slug kind status familyId title images variants')
    .lean<Pick<Product, '_id' | 'slug' | 'kind' | 'status' | 'familyId' | 'title' | 'images' | 'variants'>[]>()
  const activeFamilies = new Set(
    (
      await FamilyModel.find({ _id: { $in: [...new Set(products.map((product) => String(product.familyId)))].map((id) => new Types.ObjectId(id)) }, status: 'active' })
        .select('_id')
        .lean<{ _id: Types.ObjectId }[]>()
    ).map((family) => String(family._id)),
  )
  const foodSkus = products.filter((product) => product.kind === 'food').flatMap((product) => product.variants.map((variant) => variant.sku))
  const lotStock = await stockBySku(
    foodSkus.filter((sku) => wanted.includes(sku)),
    now,
  )
  for (const product of products) {
    for (const variant of product.variants) {
      if (!wanted.includes(variant.sku)) continue
      result.set(variant.sku, {
        sku: variant.sku,
        productId: product._id,
        slug: product.slug,
        kind: product.kind as 'food' | 'craft',
        listed: product.status === 'listed' && activeFamilies.has(String(product.familyId)),
        title: product.title,
        label: variant.label,
        unitPrice: variant.retailPrice,
        stock: product.kind === 'craft' ? (variant.craftStock ?? 0) : (lotStock.get(variant.sku) ?? 0),
        image: product.images?.[0] ?? null,
      })
    }
  }
  return result
}
