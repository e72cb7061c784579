import mongoose, { Types } from 'mongoose'
import { CATEGORY_KEYS } from '#app/utils/catalogue'
import { queryTokens, rankScoreOfTokens, rankTokens, type RankTokens } from '#app/utils/search'
import { SHOP_PAGE_SIZE, SHOP_SORTS, type ShopSort } from '#app/utils/shop'
import { BrandModel } from './branding.server'
import { FamilyModel } from './family.server'
import { LotModel, stockBySku } from './lot.server'
import { LANGS, ProductModel, REGION_NAMES, SEARCH_CANDIDATES, type Product, type ProductImage, type Texts } from './product.server'
import { bumpShopGeneration, onShopChange } from './shop-changes'

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

/** How often the index asks the database what changed, and how often it is rebuilt from scratch. */
const REFRESH_MS = 10_000
const FULL_RELOAD_MS = 5 * 60_000
/** rankings only: what is listed and in stock is read from the index at every request */
const SEARCH_TTL_MS = 120_000
const CACHE_LIMIT = 500
/** Overlap between two refreshes, so a write stamped just before the last one is not missed. */
const OVERLAP_MS = 2_000

const INDEX_FIELDS = 'slug category kind status region familyId makerName title shortDescription images variants.sku variants.retailPrice variants.label variants.craftStock listedAt updatedAt'
type IndexedProduct = Pick<Product, '_id' | 'slug' | 'category' | 'kind' | 'status' | 'region' | 'familyId' | 'makerName' | 'title' | 'shortDescription' | 'images' | 'listedAt' | 'updatedAt'> & {
  variants: { sku: string; retailPrice: number; label: Texts; craftStock?: number }[]
}

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
  product: IndexedProduct
  rank?: RankTokens
}

export type ShopMaker = { id: string; name: string; region: string; womenLed: boolean; slug: string | null; photo: string | null; productCount: number }

type Snapshot = {
  /** last time the database was asked */
  at: number
  fullAt: number
  /** changes whenever the content changed: the key of every cached list */
  version: number
  /** changes only when a product changed: what a search can find (stock moves keep it) */
  productsVersion: number
  productsSince: number
  lotsSince: number
  familiesSince: number
  products: Map<string, IndexedProduct>
  lotStock: Map<string, number>
  makers: Map<string, ShopMaker>
  entries: Entry[]
  byId: Map<string, Entry>
  /** the entries in each order a list can take, sorted once per refresh: filtering keeps the order */
  sorted: { newest: Entry[]; price_asc: Entry[]; price_desc: Entry[] }
  byFamily: Map<string, Entry[]>
  byCategory: Map<string, Entry[]>
}

let snapshot: Snapshot | null = null
let refreshing: Promise<Snapshot> | null = null
const listCache = new Map<string, ListResult>()
const searchCache = new Map<string, { at: number; productsVersion: number; ids: string[] }>()
const searching = new Map<string, Promise<string[]>>()

function sellable(now: Date) {
  return { $or: [{ bestBefore: null }, { bestBefore: { $gt: now } }] }
}

type FamilyRow = { _id: Types.ObjectId; name: string; region: string; womenLed?: boolean; status: string; updatedAt?: Date; makerPage?: { slug?: string; published?: boolean; photo?: string } }

function makerOf(family: FamilyRow): ShopMaker {
  const published = Boolean(family.makerPage?.published && family.makerPage.slug)
  return {
    id: String(family._id),
    name: family.name,
    region: family.region,
    womenLed: Boolean(family.womenLed),
    slug: published ? family.makerPage!.slug! : null,
    photo: published && family.makerPage?.photo ? family.makerPage.photo : null,
    productCount: 0,
  }
}

const time = (value: Date | string | null | undefined) => (value ? new Date(value).getTime() : 0)

/** A listed product keeps only its cover photo in memory: cards show nothing else. */
function slim(product: IndexedProduct): IndexedProduct {
  return { ...product, images: product.images?.slice(0, 1) ?? [] }
}

async function loadStock(now: Date, skus?: string[]) {
  const lots = await LotModel.find({ ...(skus ? { sku: { $in: skus } } : {}), status: 'available', qtyAvailable: { $gt: 0 }, ...sellable(now) })
    .select('sku qtyAvailable')
    .lean<{ sku: string; qtyAvailable: number }[]>()
  const stock = new Map<string, number>()
  for (const lot of lots) stock.set(lot.sku, (stock.get(lot.sku) ?? 0) + lot.qtyAvailable)
  return stock
}

/** Entries, makers' counts and the id index, derived from the stored rows. */
function derive(snap: Omit<Snapshot, 'entries' | 'byId' | 'sorted' | 'byFamily' | 'byCategory'>): Snapshot {
  for (const maker of snap.makers.values()) maker.productCount = 0
  const entries: Entry[] = []
  for (const product of snap.products.values()) {
    const maker = snap.makers.get(String(product.familyId))
    // a suspended or departed family's products stay off the shelf
    if (!maker) continue
    maker.productCount += 1
    entries.push({
      id: String(product._id),
      slug: product.slug,
      category: product.category,
      kind: product.kind as 'food' | 'craft',
      region: product.region ?? '',
      familyId: String(product.familyId),
      minPrice: Math.min(...product.variants.map((variant) => variant.retailPrice)),
      stock: product.variants.reduce((sum, variant) => sum + (product.kind === 'craft' ? (variant.craftStock ?? 0) : (snap.lotStock.get(variant.sku) ?? 0)), 0),
      listedAt: time(product.listedAt ?? product.updatedAt),
      updatedAt: time(product.updatedAt),
      product,
    })
  }
  const newest = [...entries].sort((a, b) => b.listedAt - a.listedAt || (a.id < b.id ? -1 : 1))
  const byFamily = new Map<string, Entry[]>()
  const byCategory = new Map<string, Entry[]>()
  const push = (map: Map<string, Entry[]>, key: string, entry: Entry) => {
    const list = map.get(key)
    if (list) list.push(entry)
    else map.set(key, [entry])
  }
  for (const entry of newest) {
    push(byFamily, entry.familyId, entry)
    push(byCategory, entry.category, entry)
  }
  return {
    ...snap,
    entries,
    byId: new Map(entries.map((entry) => [entry.id, entry])),
    sorted: {
      newest,
      price_asc: [...entries].sort((a, b) => a.minPrice - b.minPrice || b.listedAt - a.listedAt),
      price_desc: [...entries].sort((a, b) => b.minPrice - a.minPrice || b.listedAt - a.listedAt),
    },
    byFamily,
    byCategory,
  }
}

async function loadFull(version: number): Promise<Snapshot> {
  const now = new Date()
  const [rows, lotStock] = await Promise.all([ProductModel.find({ status: 'listed' }).select(INDEX_FIELDS).lean<IndexedProduct[]>(), loadStock(now)])
  const familyIds = [...new Set(rows.map((row) => String(row.familyId)))]
  const families = familyIds.length
    ? await FamilyModel.find({ _id: { $in: familyIds.map((id) => new Types.ObjectId(id)) } })
        .select('name region womenLed status updatedAt makerPage.slug makerPage.published makerPage.photo')
        .lean<FamilyRow[]>()
    : []
  const makers = new Map(families.filter((family) => family.status === 'active').map((family) => [String(family._id), makerOf(family)]))
  return derive({
    at: now.getTime(),
    fullAt: now.getTime(),
    version,
    productsVersion: version,
    productsSince: Math.max(now.getTime(), ...rows.map((row) => time(row.updatedAt))),
    lotsSince: now.getTime(),
    familiesSince: Math.max(now.getTime(), ...families.map((family) => time(family.updatedAt))),
    products: new Map(rows.map((row) => [String(row._id), slim(row)])),
    lotStock,
    makers,
  })
}

/**
 * Asks only for what changed since the last look (products by their indexed updatedAt; the lots
 * that moved; families); a change in a family, or a product of a family not yet known, rebuilds
 * the whole index.
 */
async function loadChanges(previous: Snapshot): Promise<Snapshot> {
  const now = new Date()
  const [products, movedLots, families] = await Promise.all([
    ProductModel.find({ updatedAt: { $gte: new Date(previous.productsSince - OVERLAP_MS) } })
      .select(INDEX_FIELDS)
      .lean<IndexedProduct[]>(),
    LotModel.find({ updatedAt: { $gte: new Date(previous.lotsSince - OVERLAP_MS) } })
      .select('sku')
      .lean<{ sku: string }[]>(),
    FamilyModel.exists({ updatedAt: { $gte: new Date(previous.familiesSince - OVERLAP_MS) } }),
  ])
  const unknownMaker = products.some((product) => product.status === 'listed' && !previous.makers.has(String(product.familyId)))
  if (families || unknownMaker) return loadFull(previous.version + 1)
  const skus = [...new Set(movedLots.map((lot) => lot.sku))]
  if (!products.length && !skus.length) return { ...previous, at: now.getTime() }
  const productRows = new Map(previous.products)
  for (const product of products) {
    if (product.status === 'listed') productRows.set(String(product._id), slim(product))
    else productRows.delete(String(product._id))
  }
  const lotStock = new Map(previous.lotStock)
  if (skus.length) {
    const fresh = await loadStock(now, skus)
    for (const sku of skus) lotStock.set(sku, fresh.get(sku) ?? 0)
  }
  return derive({
    ...previous,
    at: now.getTime(),
    version: previous.version + 1,
    productsVersion: products.length ? previous.version + 1 : previous.productsVersion,
    productsSince: Math.max(previous.productsSince, ...products.map((product) => time(product.updatedAt))),
    lotsSince: now.getTime(),
    products: productRows,
    lotStock,
  })
}

/** Bumped when the caches are reset, so a refresh begun before the reset installs nothing. */
let epoch = 0

function refresh(full: boolean) {
  if (!refreshing) {
    const previous = snapshot
    const started = epoch
    refreshing = (previous && !full ? loadChanges(previous) : loadFull((previous?.version ?? 0) + 1))
      .then((next) => {
        if (started !== epoch) return next
        if (next.version !== snapshot?.version) listCache.clear()
        // pages rendered from the older index are out of date too
        if (previous && next.productsVersion !== previous.productsVersion) bumpShopGeneration()
        snapshot = next
        return next
      })
      .finally(() => {
        refreshing = null
      })
  }
  return refreshing
}

/** The current index: loaded on first use; afterwards the current one, while changes are fetched in the background. */
async function getSnapshot(): Promise<Snapshot> {
  if (!snapshot) return refresh(true)
  const age = Date.now() - snapshot.at
  if (age >= REFRESH_MS) void refresh(Date.now() - snapshot.fullAt >= FULL_RELOAD_MS).catch((error) => console.error('shop index refresh failed:', (error as Error).message))
  return snapshot
}

// a product listed, delisted or repriced, a lot recalled: the index catches up at once, not at its
// next look. A burst of changes (a bulk delisting) costs one refresh, plus one for what came during it.
let changedSinceRefresh = false
let catchingUp = false
onShopChange(() => {
  if (!snapshot) return
  changedSinceRefresh = true
  if (catchingUp) return
  catchingUp = true
  void (async () => {
    while (changedSinceRefresh) {
      changedSinceRefresh = false
      await refreshShopIndex()
    }
  })()
    .catch((error) => console.error('shop index refresh failed:', (error as Error).message))
    .finally(() => {
      catchingUp = false
    })
})

/** Brings the index up to date now (after a change that must show at once, and in tests). */
export async function refreshShopIndex() {
  if (refreshing) await refreshing.catch(() => undefined)
  return refresh(false)
}

/** Forgets every cached listing (tests). */
export function resetShopCaches() {
  epoch += 1
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
  // a ranking stays good until a product changes (a newly listed one must be found at once)
  if (hit && hit.productsVersion === snapshot?.productsVersion && Date.now() - hit.at < SEARCH_TTL_MS) return hit.ids
  // the same query asked many times at once is searched once
  let pending = searching.get(key)
  if (!pending) {
    pending = rankCandidates(tokens, key).finally(() => searching.delete(key))
    searching.set(key, pending)
  }
  return pending
}

/** A product's folded words for ranking, kept on its index entry (computed at its first search). */
function tokensOf(entry: Entry) {
  if (!entry.rank) {
    const product = entry.product
    entry.rank = rankTokens({
      title: LANGS.map((lang) => product.title?.[lang]),
      description: LANGS.map((lang) => product.shortDescription?.[lang]),
      other: [product.makerName, ...LANGS.map((lang) => REGION_NAMES[product.region]?.[lang]), ...product.variants.map((variant) => variant.sku)],
    })
  }
  return entry.rank
}

/**
 * The database finds the candidates through the stored search keys (only their ids travel); the
 * ranking reads the index, whose words are folded once per product, not once per query.
 */
async function rankCandidates(tokens: string[], key: string) {
  // the index is taken first: a product the database finds but the index does not know yet leaves
  // the ranking marked with the older version, so the next refresh retires it
  const snap = await getSnapshot()
  // equality on one word lets the planner walk the searchKeys index (an $all alone is scanned); the
  // status is checked on those candidates, so drafts never use up the candidate limit
  let found = await ProductModel.find({ $and: [{ searchKeys: tokens[0] }, { searchKeys: { $all: tokens } }, { status: 'listed' }] })
    .select('_id')
    .limit(SEARCH_CANDIDATES)
    .lean<{ _id: Types.ObjectId }[]>()
  // nothing has every word: any word, ranked by how many it has
  if (found.length === 0 && tokens.length > 1) {
    found = await ProductModel.find({ searchKeys: { $in: tokens }, status: 'listed' })
      .select('_id')
      .limit(SEARCH_CANDIDATES)
      .lean<{ _id: Types.ObjectId }[]>()
  }
  const ids = found
    .map((row) => snap.byId.get(String(row._id)))
    .filter((entry): entry is Entry => Boolean(entry))
    .map((entry) => ({ id: entry.id, title: entry.product.title?.az ?? '', score: rankScoreOfTokens(tokens, tokensOf(entry)) }))
    .sort((a, b) => b.score - a.score || a.title.localeCompare(b.title, 'az'))
    .map((entry) => entry.id)
  remember(searchCache, key, { at: Date.now(), productsVersion: snap.productsVersion, ids })
  return ids
}

/** The pool in the list's order: relevance keeps the search ranking; the others filter a list sorted in advance. */
function ordered(pool: Entry[], sort: ShopSort, snap: Snapshot) {
  if (sort === 'relevance') return pool
  if (pool === snap.entries) return snap.sorted[sort]
  const wanted = new Set(pool)
  return snap.sorted[sort].filter((entry) => wanted.has(entry))
}

async function listIds(filters: ShopFilters, tokens: string[]): Promise<ListResult> {
  const snap = await getSnapshot()
  const key = JSON.stringify([snap.version, tokens, filters.category, filters.region, filters.maker, filters.min, filters.max, filters.inStock, filters.womenLed, filters.sort])
  const hit = listCache.get(key)
  if (hit) return hit
  let pool: Entry[]
  if (tokens.length) {
    const ranked = await searchIds(tokens)
    pool = ranked.map((id) => snap.byId.get(id)).filter((entry): entry is Entry => Boolean(entry))
  } else {
    pool = snap.entries
  }
  const facets = countFacets(pool, filters, snap.makers)
  const ids = ordered(pool, filters.sort, snap)
    .filter((entry) => matches(entry, filters, snap.makers))
    .map((entry) => entry.id)
  const value = { ids, facets }
  remember(listCache, key, value)
  return value
}

export type ShopCardProduct = Pick<Product, '_id' | 'slug' | 'kind' | 'category' | 'title' | 'shortDescription' | 'images' | 'makerName' | 'region' | 'familyId'> & {
  variants: { sku: string; retailPrice: number; label: Texts }[]
}
export type ShopCard = { product: ShopCardProduct; inStock: boolean; minPrice: number; maker: ShopMaker | null }

/** The cards of `ids`, in that order, from the index (display data: a few seconds old at most). */
function cardsFor(ids: string[], snap: Snapshot): ShopCard[] {
  return ids.flatMap((id) => {
    const entry = snap.byId.get(id)
    if (!entry) return []
    return [{ product: entry.product, inStock: entry.stock > 0, minPrice: entry.minPrice, maker: snap.makers.get(entry.familyId) ?? null }]
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
  const cards = cardsFor(ids.slice((page - 1) * perPage, page * perPage), snap)
  return { filters, tokens, total: ids.length, page, pages, cards, facets, makers: snap.makers }
}

/** The boutique's front page: a few new products from different makers, and the makers with a public page. */
export async function shopHighlights({ products = 4, makers = 6 } = {}) {
  const snap = await getSnapshot()
  const seen = new Set<string>()
  const picks: string[] = []
  for (const entry of snap.sorted.newest) {
    if (entry.stock <= 0 || seen.has(entry.familyId)) continue
    seen.add(entry.familyId)
    picks.push(entry.id)
    if (picks.length >= products) break
  }
  const featuredMakers = [...snap.makers.values()]
    .filter((maker) => maker.slug && maker.productCount > 0)
    .sort((a, b) => Number(Boolean(b.photo)) - Number(Boolean(a.photo)) || b.productCount - a.productCount || a.name.localeCompare(b.name, 'az'))
    .slice(0, makers)
  return { featured: cardsFor(picks, snap), makers: featuredMakers }
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
  return loadStock(
    now,
    product.variants.map((variant) => variant.sku),
  )
}

/** A listed product with live stock per variant, its maker and a few related products; null when not for sale. */
export async function getShopProduct(slug: string, now = new Date()) {
  if (!/^[a-z0-9-]{1,80}$/.test(slug)) return null
  const product = await ProductModel.findOne({ slug, status: 'listed' }).select(PAGE_FIELDS).lean<Product>()
  if (!product) return null
  const [stock, family, snap, brand] = await Promise.all([
    variantStock(product, now),
    FamilyModel.findOne({ _id: product.familyId, status: 'active' }).select('name region village womenLed makerPage').lean(),
    getSnapshot(),
    // the approved brand the product is sold under (its name and logo)
    product.brandId ? BrandModel.findOne({ _id: product.brandId, familyId: product.familyId, status: 'active' }).select('name logo').lean<{ name: string; logo?: { id?: string; kind?: string } }>() : null,
  ])
  if (!family) return null
  const id = String(product._id)
  const related: string[] = []
  const add = (entry: Entry) => {
    if (entry.id !== id && entry.stock > 0 && !related.includes(entry.id)) related.push(entry.id)
  }
  for (const entry of snap.byFamily.get(String(product.familyId)) ?? []) {
    if (related.length >= 2) break
    add(entry)
  }
  for (const entry of snap.byCategory.get(product.category) ?? []) {
    if (related.length >= 4) break
    add(entry)
  }
  const brandView = brand ? { name: brand.name, logo: brand.logo?.id && brand.logo.kind === 'image' ? brand.logo.id : null } : null
  return { product, stock, brand: brandView, maker: makerDetails(family as Parameters<typeof makerDetails>[0]), related: cardsFor(related, snap) }
}

export async function getMakerShowcase(slug: string) {
  if (!/^[a-z0-9-]{1,80}$/.test(slug)) return null
  const family = await FamilyModel.findOne({ 'makerPage.slug': slug, 'makerPage.published': true, status: 'active' }).select('name region village womenLed makerPage').lean()
  if (!family) return null
  const [snap, products] = await Promise.all([
    getSnapshot(),
    ProductModel.find({ familyId: family._id, status: 'listed' }).select('_id').sort({ listedAt: -1 }).limit(60).lean<{ _id: Types.ObjectId }[]>(),
  ])
  return { maker: makerDetails(family as Parameters<typeof makerDetails>[0]), cards: cardsFor(products.map((product) => String(product._id)), snap) }
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
