import mongoose, { Schema, Types, type InferSchemaType, type Model } from 'mongoose'
import { ALLERGEN_KEYS, CATEGORY_KEYS, CRAFT_CATEGORY_KEYS, FOOD_CATEGORY_KEYS, MAX_PRODUCT_IMAGES, PRODUCT_STATUS_KEYS, type AllergenKey, type CategoryKey, type ProductStatusKey } from '#app/utils/catalogue'
import { buildSearchKeys, queryTokens, rankScoreOfTokens, rankTokens, type RankTokens } from '#app/utils/search'
import { recordAudit, type Actor } from './audit.server'
import { BrandModel } from './branding.server'
import { nextSequence } from './counter.server'
import { FamilyModel } from './family.server'
import { shopChanged } from './shop-changes'

/**
 * The catalogue: a family's products, their variants (SKU, EAN-13 barcode, prices in qəpik), the
 * texts in az/en/ru, photos, and the listing workflow draft → submitted → listed | changes
 * requested, delisted. Listing checks rule 6 of the design (an approved brand, and for food a lot
 * that passed quality control) here, in the model, so no route can skip it.
 */

export const FOOD_CATEGORIES = FOOD_CATEGORY_KEYS
export const CRAFT_CATEGORIES = CRAFT_CATEGORY_KEYS
export const CATEGORIES = CATEGORY_KEYS
export type Category = CategoryKey
export type ProductKind = 'food' | 'craft'
export const PRODUCT_STATUSES = PRODUCT_STATUS_KEYS
export type ProductStatus = ProductStatusKey
/** A family may change its product in these states; submitted and listed ones belong to the review. */
export const FAMILY_EDITABLE: readonly ProductStatus[] = ['draft', 'changes_requested', 'delisted']
export const ALLERGENS = ALLERGEN_KEYS
export type Allergen = AllergenKey
export const LANGS = ['az', 'en', 'ru'] as const
export type Lang = (typeof LANGS)[number]
export type Texts = Record<Lang, string>

export function kindOf(category: string): ProductKind {
  return (CRAFT_CATEGORIES as readonly string[]).includes(category) ? 'craft' : 'food'
}

const texts = () => ({ az: { type: String, default: '', trim: true }, en: { type: String, default: '', trim: true }, ru: { type: String, default: '', trim: true } })

const variantSchema = new Schema(
  {
    sku: { type: String, required: true, trim: true, uppercase: true },
    /** size or weight as shown to people, per language ("370 q" / "370 g") */
    label: texts(),
    barcode: { type: String, required: true },
    retailPrice: { type: Number, required: true, min: 1, validate: Number.isInteger },
    wholesalePrice: { type: Number, required: true, min: 0, validate: Number.isInteger },
    /** handicrafts only: pieces on hand, entered by staff (food stock comes from lots) */
    craftStock: { type: Number, default: 0, min: 0, validate: Number.isInteger },
  },
  { _id: false },
)

const imageSchema = new Schema(
  {
    id: { type: String, required: true },
    width: { type: Number, required: true },
    height: { type: Number, required: true },
    alt: texts(),
  },
  { _id: false },
)

const historySchema = new Schema(
  {
    status: { type: String, required: true },
    at: { type: Date, required: true },
    by: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    byName: { type: String, default: '' },
    note: { type: String, default: '' },
  },
  { _id: false },
)

const priceChangeSchema = new Schema(
  {
    sku: { type: String, required: true },
    retailPrice: { type: Number, required: true },
    wholesalePrice: { type: Number, required: true },
    previousRetailPrice: { type: Number, required: true },
    previousWholesalePrice: { type: Number, required: true },
    by: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    byName: { type: String, default: '' },
    reason: { type: String, default: '' },
    at: { type: Date, required: true },
  },
  { _id: false },
)

const productSchema = new Schema(
  {
    slug: { type: String, required: true },
    familyId: { type: Schema.Types.ObjectId, ref: 'Family', required: true },
    brandId: { type: Schema.Types.ObjectId, ref: 'Brand', default: null },
    kind: { type: String, enum: ['food', 'craft'], required: true },
    category: { type: String, enum: CATEGORIES, required: true },
    title: texts(),
    shortDescription: texts(),
    description: texts(),
    story: texts(),
    images: { type: [imageSchema], default: [] },
    variants: { type: [variantSchema], validate: (list: unknown[]) => list.length >= 1 && list.length <= 10 },
    food: {
      ingredients: texts(),
      allergens: { type: [{ type: String, enum: ALLERGENS }], default: [] },
      shelfLifeDays: { type: Number, default: null, min: 1, max: 3650 },
      storage: texts(),
      nutrition: {
        energyKcal: { type: Number, default: null, min: 0 },
        fat: { type: Number, default: null, min: 0 },
        carbohydrates: { type: Number, default: null, min: 0 },
        protein: { type: Number, default: null, min: 0 },
        salt: { type: Number, default: null, min: 0 },
      },
    },
    craft: {
      materials: texts(),
      dimensions: { type: String, default: '', trim: true },
      oneOfAKind: { type: Boolean, default: false },
    },
    status: { type: String, enum: PRODUCT_STATUSES, default: 'draft' },
    reviewNote: { type: String, default: '' },
    submittedAt: { type: Date, default: null },
    listedAt: { type: Date, default: null },
    delistedAt: { type: Date, default: null },
    history: { type: [historySchema], default: [] },
    priceHistory: { type: [priceChangeSchema], default: [] },
    /** copied from the family for search and display */
    makerName: { type: String, default: '' },
    region: { type: String, default: '' },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    searchKeys: { type: [String], default: [] },
    /** the folded words ranking reads (title / short description / maker, region, SKU), kept so a search folds nothing */
    rankKeys: {
      title: { type: [String], default: undefined, select: false },
      description: { type: [String], default: undefined, select: false },
      other: { type: [String], default: undefined, select: false },
      titlePhrases: { type: [String], default: undefined, select: false },
    },
  },
  { timestamps: true },
)
productSchema.index({ slug: 1 }, { unique: true })
productSchema.index({ 'variants.sku': 1 }, { unique: true })
productSchema.index({ 'variants.barcode': 1 }, { unique: true })
productSchema.index({ status: 1, category: 1 })
productSchema.index({ familyId: 1, status: 1 })
productSchema.index({ searchKeys: 1 })
productSchema.index({ updatedAt: -1 })

export type Variant = { sku: string; label: Texts; barcode: string; retailPrice: number; wholesalePrice: number; craftStock: number }
export type ProductImage = { id: string; width: number; height: number; alt: Texts }
type ProductTexts = 'title' | 'shortDescription' | 'description' | 'story'
export type Product = Omit<InferSchemaType<typeof productSchema>, 'variants' | 'images' | ProductTexts> & {
  _id: Types.ObjectId
  title: Texts
  shortDescription: Texts
  description: Texts
  story: Texts
  variants: Variant[]
  images: ProductImage[]
  createdAt: Date
  updatedAt: Date
}
export const ProductModel = (mongoose.models.Product as Model<Product>) ?? mongoose.model('Product', productSchema, 'products')

/* ───────────────────────── barcodes, SKUs, slugs ───────────────────────── */

/** EAN-13 check digit: weights 1 and 3 alternating from the left over the first twelve digits. */
export function ean13CheckDigit(first12: string) {
  if (!/^\d{12}$/.test(first12)) throw new Error('an EAN-13 body is twelve digits')
  let sum = 0
  for (let index = 0; index < 12; index++) sum += Number(first12[index]) * (index % 2 === 0 ? 1 : 3)
  return (10 - (sum % 10)) % 10
}

export function isValidEan13(code: string) {
  return /^\d{13}$/.test(code) && ean13CheckDigit(code.slice(0, 12)) === Number(code[12])
}

/**
 * A barcode for a product that has none: GS1 keeps the 200–299 prefixes for in-store use, so
 * numbers under 200 never clash with a real manufacturer's code. The counter makes them unique.
 */
export async function generateBarcode() {
  const seq = await nextSequence('product:barcode')
  const body = `200${String(seq).padStart(9, '0')}`
  return `${body}${ean13CheckDigit(body)}`
}

const SKU_PREFIX: Record<Category, string> = {
  jam: 'JAM',
  cheese: 'CHS',
  sausage: 'MET',
  dried_fruit: 'DRF',
  tea: 'TEA',
  flour: 'FLR',
  pickles: 'PKL',
  beverages: 'BEV',
  carpets: 'CRP',
  woodwork: 'WOD',
  souvenirs: 'SVN',
}

export async function generateSku(category: Category) {
  return `${SKU_PREFIX[category]}-${String(await nextSequence('product:sku')).padStart(5, '0')}`
}

export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9-]{2,31}$/

export function slugify(text: string) {
  const ascii = text
    .toLocaleLowerCase('az')
    .replace(/ə/g, 'e')
    .replace(/ı/g, 'i')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
  return ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '') || 'product'
}

/** Which unique rule a duplicate-key error broke: the database's answer, read from the index name. */
export function duplicateField(error: unknown): 'slug' | 'sku' | 'barcode' | null {
  if ((error as { code?: number })?.code !== 11000) return null
  const pattern = (error as { keyPattern?: Record<string, unknown> }).keyPattern
  const text = `${pattern ? Object.keys(pattern).join(',') : ''} ${(error as Error).message ?? ''}`
  if (text.includes('variants.sku')) return 'sku'
  if (text.includes('variants.barcode')) return 'barcode'
  if (text.includes('slug')) return 'slug'
  return null
}

/* ───────────────────────── search keys ───────────────────────── */

/** Region names in the three languages, so "Quba", "Guba" and "Губа" all find a Guba family. */
export const REGION_NAMES: Record<string, Texts> = {
  Baku: { az: 'Bakı', en: 'Baku', ru: 'Баку' },
  Guba: { az: 'Quba', en: 'Guba', ru: 'Губа' },
  Balakan: { az: 'Balakən', en: 'Balakan', ru: 'Балакен' },
  Sheki: { az: 'Şəki', en: 'Sheki', ru: 'Шеки' },
  Gabala: { az: 'Qəbələ', en: 'Gabala', ru: 'Габала' },
  Lankaran: { az: 'Lənkəran', en: 'Lankaran', ru: 'Ленкорань' },
  Shamakhi: { az: 'Şamaxı', en: 'Shamakhi', ru: 'Шемаха' },
  Ganja: { az: 'Gəncə', en: 'Ganja', ru: 'Гянджа' },
}

type SearchSource = Pick<Product, 'title' | 'shortDescription' | 'description' | 'makerName' | 'region'> & { variants?: { sku?: string | null }[] }

/**
 * Titles, maker and region get prefixes (type-ahead); descriptions whole words. The family's story
 * is left out: long, the same on every product of the family, and not what people search for.
 */
export function productSearchKeys(product: SearchSource) {
  const region = REGION_NAMES[product.region ?? ''] ?? { az: product.region ?? '', en: '', ru: '' }
  return buildSearchKeys([
    ...LANGS.map((lang) => ({ text: product.title?.[lang], prefixes: true })),
    { text: product.makerName, prefixes: true },
    ...LANGS.map((lang) => ({ text: region[lang], prefixes: true })),
    ...(product.variants ?? []).map((variant) => ({ text: variant.sku ?? '' })),
    ...LANGS.map((lang) => ({ text: product.shortDescription?.[lang] })),
    ...LANGS.map((lang) => ({ text: product.description?.[lang] })),
  ])
}

/** What ranking compares the query with: title over short description over maker, region and SKU. */
export function productRankKeys(product: Pick<Product, 'title' | 'shortDescription' | 'makerName' | 'region'> & { variants?: { sku?: string | null }[] }) {
  const keys = rankTokens({
    title: LANGS.map((lang) => product.title?.[lang]),
    description: LANGS.map((lang) => product.shortDescription?.[lang]),
    other: [product.makerName, product.region, ...LANGS.map((lang) => REGION_NAMES[product.region ?? '']?.[lang]), ...(product.variants ?? []).map((variant) => variant.sku ?? '')],
  })
  return { title: [...keys.title], description: [...keys.description], other: [...keys.other], titlePhrases: [...keys.titlePhrases] }
}

/* ───────────────────────── listing rules ───────────────────────── */

export type ListingProblem =
  | 'variants'
  | 'brand'
  | 'texts.az'
  | 'texts.en'
  | 'photo'
  | 'food.details'
  | 'craft.details'
  | 'lot'
  | 'craftStock'

const REQUIRED_TEXTS = ['title', 'shortDescription', 'description', 'story'] as const

/** What the family must supply before review (texts, photo, brand, details). */
export function contentProblems(product: Pick<Product, 'kind' | 'title' | 'shortDescription' | 'description' | 'story' | 'images' | 'variants' | 'food' | 'craft'>, { brandApproved }: { brandApproved: boolean }) {
  const problems: ListingProblem[] = []
  if (!product.variants?.length || product.variants.some((variant) => !(variant.retailPrice > 0))) problems.push('variants')
  if (!brandApproved) problems.push('brand')
  for (const lang of ['az', 'en'] as const) {
    if (REQUIRED_TEXTS.some((field) => !product[field]?.[lang]?.trim())) problems.push(`texts.${lang}`)
  }
  if (!product.images?.length) problems.push('photo')
  if (product.kind === 'food') {
    const food = product.food
    if (!food?.ingredients?.az || !food.ingredients.en || !food.shelfLifeDays || !food.storage?.az || !food.storage.en) problems.push('food.details')
  } else {
    const craft = product.craft
    if (!craft?.materials?.az || !craft.materials.en || !craft.dimensions) problems.push('craft.details')
  }
  return problems
}

/** Does a brand exist for this family (brands are only created by a lead's approval)? */
export async function hasApprovedBrand(familyId: Types.ObjectId | string, brandId: Types.ObjectId | string | null | undefined) {
  if (!brandId || !mongoose.isValidObjectId(brandId)) return false
  return Boolean(await BrandModel.exists({ _id: brandId, familyId, status: 'active' }))
}

/**
 * At least one lot of the product that passed quality control and can still be sold: available,
 * not past its best-before date, with units left. Read from the `lots` collection directly so the
 * catalogue does not depend on the production module's internals.
 */
export async function hasSellableLot(productId: Types.ObjectId | string, skus: readonly string[] = [], now = new Date()) {
  const db = mongoose.connection.db
  if (!db) return false
  const id = new Types.ObjectId(String(productId))
  const owner = skus.length ? { $or: [{ productId: id }, { sku: { $in: [...skus] } }] } : { productId: id }
  const lot = await db.collection('lots').findOne(
    { $and: [owner, { status: 'available', qtyAvailable: { $gt: 0 } }, { $or: [{ bestBefore: null }, { bestBefore: { $gt: now } }] }] },
    { projection: { _id: 1 } },
  )
  return Boolean(lot)
}

/** Everything that stops the product from being listed now; empty means it may be listed. */
export async function listingProblems(product: Product, now = new Date()) {
  const brandApproved = await hasApprovedBrand(product.familyId, product.brandId)
  const problems = contentProblems(product, { brandApproved })
  if (product.kind === 'food') {
    if (!(await hasSellableLot(product._id, product.variants.map((variant) => variant.sku), now))) problems.push('lot')
  } else if (!product.variants.some((variant) => (variant.craftStock ?? 0) > 0)) {
    problems.push('craftStock')
  }
  return problems
}

/* ───────────────────────── writing ───────────────────────── */

export type VariantInput = { sku?: string | null; label?: Partial<Texts>; barcode?: string | null; retailPrice: number; wholesalePrice: number; craftStock?: number }

export type ProductInput = {
  category: Category
  brandId?: string | null
  title: Partial<Texts>
  shortDescription?: Partial<Texts>
  description?: Partial<Texts>
  story?: Partial<Texts>
  variants: VariantInput[]
  food?: {
    ingredients?: Partial<Texts>
    allergens?: string[]
    shelfLifeDays?: number | null
    storage?: Partial<Texts>
    nutrition?: Partial<Record<'energyKcal' | 'fat' | 'carbohydrates' | 'protein' | 'salt', number | null>>
  }
  craft?: { materials?: Partial<Texts>; dimensions?: string; oneOfAKind?: boolean }
}

export type WriteResult<T> = { ok: true; product: T } | { ok: false; reason: 'duplicate_sku' | 'duplicate_barcode' | 'invalid_barcode' | 'duplicate_sku_in_product' | 'not_found' | 'not_editable' | 'brand'; field?: string }

const fullTexts = (value: Partial<Texts> | undefined): Texts => ({ az: value?.az?.trim() ?? '', en: value?.en?.trim() ?? '', ru: value?.ru?.trim() ?? '' })

/** Fills missing SKUs and barcodes and checks the ones given; `keep` are the variants stored before (their codes stay). */
async function prepareVariants(category: Category, variants: VariantInput[], keep: Variant[] = []) {
  const out: Variant[] = []
  for (const [index, variant] of variants.entries()) {
    const previous = keep[index]
    const barcode = variant.barcode?.trim() || previous?.barcode || (await generateBarcode())
    if (!isValidEan13(barcode)) return { ok: false as const, reason: 'invalid_barcode' as const, field: `variants.${index}.barcode` }
    out.push({
      sku: (variant.sku?.trim() || previous?.sku || (await generateSku(category))).toUpperCase(),
      label: fullTexts(variant.label),
      barcode,
      retailPrice: variant.retailPrice,
      wholesalePrice: variant.wholesalePrice,
      craftStock: previous?.craftStock ?? 0,
    })
  }
  const skus = out.map((variant) => variant.sku)
  const duplicate = skus.findIndex((sku, index) => skus.indexOf(sku) !== index)
  if (duplicate >= 0) return { ok: false as const, reason: 'duplicate_sku_in_product' as const, field: `variants.${duplicate}.sku` }
  const barcodes = out.map((variant) => variant.barcode)
  const sameBarcode = barcodes.findIndex((code, index) => barcodes.indexOf(code) !== index)
  if (sameBarcode >= 0) return { ok: false as const, reason: 'duplicate_barcode' as const, field: `variants.${sameBarcode}.barcode` }
  return { ok: true as const, variants: out }
}

function contentFields(input: ProductInput) {
  const kind = kindOf(input.category)
  return {
    kind,
    category: input.category,
    brandId: input.brandId && mongoose.isValidObjectId(input.brandId) ? new Types.ObjectId(input.brandId) : null,
    title: fullTexts(input.title),
    shortDescription: fullTexts(input.shortDescription),
    description: fullTexts(input.description),
    story: fullTexts(input.story),
    food:
      kind === 'food'
        ? {
            ingredients: fullTexts(input.food?.ingredients),
            allergens: [...new Set(input.food?.allergens ?? [])].filter((allergen): allergen is Allergen => (ALLERGENS as readonly string[]).includes(allergen)),
            shelfLifeDays: input.food?.shelfLifeDays ?? null,
            storage: fullTexts(input.food?.storage),
            nutrition: {
              energyKcal: input.food?.nutrition?.energyKcal ?? null,
              fat: input.food?.nutrition?.fat ?? null,
              carbohydrates: input.food?.nutrition?.carbohydrates ?? null,
              protein: input.food?.nutrition?.protein ?? null,
              salt: input.food?.nutrition?.salt ?? null,
            },
          }
        : undefined,
    craft: kind === 'craft' ? { materials: fullTexts(input.craft?.materials), dimensions: input.craft?.dimensions?.trim() ?? '', oneOfAKind: Boolean(input.craft?.oneOfAKind) } : undefined,
  }
}

/** Which variant's SKU or barcode another product already holds, so the form marks that row. */
async function duplicateResult(error: unknown, variants: Variant[], ownId?: Types.ObjectId): Promise<WriteResult<never> | null> {
  const field = duplicateField(error)
  if (field !== 'sku' && field !== 'barcode') return null
  const key = field === 'sku' ? 'sku' : 'barcode'
  const values = variants.map((variant) => variant[key])
  const other = await ProductModel.findOne({ [`variants.${key}`]: { $in: values }, ...(ownId ? { _id: { $ne: ownId } } : {}) })
    .select('variants')
    .lean<Pick<Product, 'variants'>>()
  const taken = new Set((other?.variants ?? []).map((variant) => variant[key]))
  const index = Math.max(0, values.findIndex((value) => taken.has(value)))
  return { ok: false, reason: field === 'sku' ? 'duplicate_sku' : 'duplicate_barcode', field: `variants.${index}.${key}` }
}

export async function brandBelongsTo(familyId: Types.ObjectId | string, brandId: string | null | undefined) {
  if (!brandId) return true
  return hasApprovedBrand(familyId, brandId)
}

/** A new draft. SKUs and barcodes are checked by the unique indexes, so two families racing for one SKU get one winner. */
export async function createProduct(
  { familyId, makerName, region, input }: { familyId: Types.ObjectId | string; makerName: string; region: string; input: ProductInput },
  actor: Actor,
): Promise<WriteResult<Product>> {
  if (!(await brandBelongsTo(familyId, input.brandId))) return { ok: false, reason: 'brand', field: 'brandId' }
  const prepared = await prepareVariants(input.category, input.variants)
  if (!prepared.ok) return prepared
  const fields = contentFields(input)
  const now = new Date()
  const base = slugify(fields.title.en || fields.title.az || fields.title.ru)
  const doc = {
    ...fields,
    familyId: new Types.ObjectId(String(familyId)),
    variants: prepared.variants,
    makerName,
    region,
    status: 'draft' as const,
    history: [{ status: 'draft', at: now, by: actor?._id ?? null, byName: actor?.name ?? '', note: '' }],
    createdBy: actor?._id ?? null,
  }
  const searchKeys = productSearchKeys(doc)
  const rankKeys = productRankKeys(doc)
  for (let attempt = 0; attempt < 6; attempt++) {
    const slug = attempt === 0 ? base : `${base}-${attempt < 5 ? attempt + 1 : new Types.ObjectId().toHexString().slice(-6)}`
    try {
      const created = await ProductModel.create({ ...doc, slug, searchKeys, rankKeys })
      const product = created.toObject() as Product
      await recordAudit({ actor, action: 'product.created', subject: { type: 'Product', id: product._id }, after: summary(product) })
      return { ok: true, product }
    } catch (error) {
      const duplicate = await duplicateResult(error, prepared.variants)
      if (duplicate) return duplicate
      if (duplicateField(error) !== 'slug') throw error
    }
  }
  throw new Error('could not find a free slug')
}

function summary(product: Pick<Product, 'slug' | 'category' | 'status' | 'title' | 'variants' | 'brandId'>) {
  return {
    slug: product.slug,
    category: product.category,
    status: product.status,
    title: product.title,
    brandId: product.brandId ? String(product.brandId) : null,
    variants: product.variants.map((variant) => ({ sku: variant.sku, barcode: variant.barcode, retailPrice: variant.retailPrice, wholesalePrice: variant.wholesalePrice })),
  }
}

/** The family's edit of a draft (or of a product sent back or delisted). A listed or submitted product is not changed underneath its reviewer. */
export async function updateProduct(productId: string, input: ProductInput, actor: Actor): Promise<WriteResult<Product>> {
  const before = await getProduct(productId)
  if (!before) return { ok: false, reason: 'not_found' }
  if (!FAMILY_EDITABLE.includes(before.status as ProductStatus)) return { ok: false, reason: 'not_editable' }
  if (kindOf(input.category) !== before.kind) input = { ...input, category: before.category as Category }
  if (!(await brandBelongsTo(before.familyId, input.brandId))) return { ok: false, reason: 'brand', field: 'brandId' }
  const keep = input.variants.map((variant) => before.variants.find((old) => old.sku === variant.sku?.trim().toUpperCase()) as Variant)
  const prepared = await prepareVariants(input.category, input.variants, keep)
  if (!prepared.ok) return prepared
  const fields = contentFields(input)
  const keySource = { ...fields, makerName: before.makerName, region: before.region, variants: prepared.variants }
  const searchKeys = productSearchKeys(keySource)
  const rankKeys = productRankKeys(keySource)
  try {
    const after = await ProductModel.findOneAndUpdate(
      { _id: before._id, status: { $in: FAMILY_EDITABLE }, updatedAt: before.updatedAt },
      { $set: { ...fields, variants: prepared.variants, searchKeys, rankKeys } },
      { returnDocument: 'after', runValidators: true },
    ).lean<Product>()
    if (!after) return { ok: false, reason: 'not_editable' }
    await recordAudit({ actor, action: 'product.updated', subject: { type: 'Product', id: after._id }, before: summary(before), after: summary(after) })
    return { ok: true, product: after }
  } catch (error) {
    const duplicate = await duplicateResult(error, prepared.variants, before._id)
    if (duplicate) return duplicate
    throw error
  }
}

export async function addProductImage(productId: string, image: { id: string; width: number; height: number; alt: Partial<Texts> }, actor: Actor) {
  const entry = { id: image.id, width: image.width, height: image.height, alt: fullTexts(image.alt) }
  const after = await ProductModel.findOneAndUpdate(
    { _id: productId, status: { $in: FAMILY_EDITABLE }, 'images.id': { $ne: image.id }, [`images.${MAX_PRODUCT_IMAGES - 1}`]: { $exists: false } },
    { $push: { images: entry } },
    { returnDocument: 'after' },
  ).lean<Product>()
  if (after) await recordAudit({ actor, action: 'product.image_added', subject: { type: 'Product', id: productId }, after: entry })
  return after
}

export async function removeProductImage(productId: string, imageId: string, actor: Actor) {
  const after = await ProductModel.findOneAndUpdate({ _id: productId, status: { $in: FAMILY_EDITABLE }, 'images.id': imageId }, { $pull: { images: { id: imageId } } }, { returnDocument: 'after' }).lean<Product>()
  if (after) await recordAudit({ actor, action: 'product.image_removed', subject: { type: 'Product', id: productId }, before: { id: imageId } })
  return after
}

type Transition = { ok: true; product: Product } | { ok: false; reason: 'not_found' | 'wrong_status' | 'incomplete'; problems?: ListingProblem[] }

async function transition(
  product: Product,
  from: readonly ProductStatus[],
  to: ProductStatus,
  actor: Actor,
  { note = '', set = {} as Record<string, unknown>, action }: { note?: string; set?: Record<string, unknown>; action: string },
): Promise<Transition> {
  const at = new Date()
  const after = await ProductModel.findOneAndUpdate(
    { _id: product._id, status: { $in: from } },
    { $set: { status: to, ...set }, $push: { history: { status: to, at, by: actor?._id ?? null, byName: actor?.name ?? '', note } } },
    { returnDocument: 'after' },
  ).lean<Product>()
  if (!after) return { ok: false, reason: 'wrong_status' }
  if (product.status === 'listed' || to === 'listed') shopChanged()
  await recordAudit({ actor, action, subject: { type: 'Product', id: product._id }, before: { status: product.status }, after: { status: to }, reason: note })
  return { ok: true, product: after }
}

/** The family sends the product to review once its own part is complete; stock may come later. */
export async function submitProduct(productId: string, actor: Actor): Promise<Transition> {
  const product = await getProduct(productId)
  if (!product) return { ok: false, reason: 'not_found' }
  const problems = contentProblems(product, { brandApproved: await hasApprovedBrand(product.familyId, product.brandId) })
  if (problems.length) return { ok: false, reason: 'incomplete', problems }
  return transition(product, FAMILY_EDITABLE, 'submitted', actor, { action: 'product.submitted', set: { submittedAt: new Date(), reviewNote: '' } })
}

/** A sales manager lists the product: every rule is checked now, not when it was submitted. */
export async function listProduct(productId: string, actor: Actor, now = new Date()): Promise<Transition> {
  const product = await getProduct(productId)
  if (!product) return { ok: false, reason: 'not_found' }
  if (!['submitted', 'delisted'].includes(product.status)) return { ok: false, reason: 'wrong_status' }
  const problems = await listingProblems(product, now)
  if (problems.length) return { ok: false, reason: 'incomplete', problems }
  return transition(product, ['submitted', 'delisted'], 'listed', actor, { action: 'product.listed', set: { listedAt: now, reviewNote: '' } })
}

export async function requestProductChanges(productId: string, note: string, actor: Actor): Promise<Transition> {
  const product = await getProduct(productId)
  if (!product) return { ok: false, reason: 'not_found' }
  return transition(product, ['submitted'], 'changes_requested', actor, { note, action: 'product.changes_requested', set: { reviewNote: note } })
}

/** Immediate: one conditional update, the shop stops showing it on the next request. */
export async function delistProduct(productId: string, reason: string, actor: Actor): Promise<Transition> {
  const product = await getProduct(productId)
  if (!product) return { ok: false, reason: 'not_found' }
  return transition(product, ['listed', 'submitted'], 'delisted', actor, { note: reason, action: 'product.delisted', set: { delistedAt: new Date() } })
}

export async function bulkDelist(productIds: string[], reason: string, actor: Actor) {
  let changed = 0
  for (const id of productIds) if ((await delistProduct(id, reason, actor)).ok) changed += 1
  return changed
}

/** Moves products to another category of the same kind (food stays food: its rules and details differ). */
export async function bulkChangeCategory(productIds: string[], category: Category, actor: Actor) {
  let changed = 0
  for (const id of productIds.filter((value) => mongoose.isValidObjectId(value))) {
    const before = await ProductModel.findOneAndUpdate({ _id: id, kind: kindOf(category), category: { $ne: category } }, { $set: { category } }, { returnDocument: 'before' })
      .select('category')
      .lean()
    if (!before) continue
    changed += 1
    shopChanged()
    await recordAudit({ actor, action: 'product.category_changed', subject: { type: 'Product', id }, before: { category: before.category }, after: { category } })
  }
  return changed
}

/** Staff change a price; the previous one is kept with who and when, in the product and in the audit trail. */
export async function changePrice(productId: string, sku: string, prices: { retailPrice: number; wholesalePrice: number }, reason: string, actor: Actor) {
  const product = await getProduct(productId)
  const variant = product?.variants.find((entry) => entry.sku === sku)
  if (!product || !variant) return { ok: false as const, reason: 'not_found' as const }
  if (variant.retailPrice === prices.retailPrice && variant.wholesalePrice === prices.wholesalePrice) return { ok: true as const, product, changed: false }
  const at = new Date()
  const after = await ProductModel.findOneAndUpdate(
    // the price we read is the price we replace: a concurrent change makes this one fail, not vanish
    { _id: product._id, variants: { $elemMatch: { sku, retailPrice: variant.retailPrice, wholesalePrice: variant.wholesalePrice } } },
    {
      $set: { 'variants.$.retailPrice': prices.retailPrice, 'variants.$.wholesalePrice': prices.wholesalePrice },
      $push: {
        priceHistory: {
          sku,
          ...prices,
          previousRetailPrice: variant.retailPrice,
          previousWholesalePrice: variant.wholesalePrice,
          by: actor?._id ?? null,
          byName: actor?.name ?? '',
          reason,
          at,
        },
      },
    },
    { returnDocument: 'after' },
  ).lean<Product>()
  if (!after) return { ok: false as const, reason: 'conflict' as const }
  shopChanged()
  await recordAudit({
    actor,
    action: 'product.price_changed',
    subject: { type: 'Product', id: product._id },
    before: { sku, retailPrice: variant.retailPrice, wholesalePrice: variant.wholesalePrice },
    after: { sku, ...prices },
    reason,
  })
  return { ok: true as const, product: after, changed: true }
}

/** Pieces of a handicraft on hand, entered by staff after they have seen them. */
export async function setCraftStock(productId: string, sku: string, quantity: number, actor: Actor) {
  const before = await ProductModel.findOneAndUpdate({ _id: productId, kind: 'craft', 'variants.sku': sku }, { $set: { 'variants.$.craftStock': quantity } }, { returnDocument: 'before' })
    .select('variants')
    .lean<Product>()
  if (!before) return false
  shopChanged()
  const previous = before.variants.find((variant) => variant.sku === sku)?.craftStock ?? 0
  await recordAudit({ actor, action: 'product.stock_set', subject: { type: 'Product', id: productId }, before: { sku, craftStock: previous }, after: { sku, craftStock: quantity } })
  return true
}

/* ───────────────────────── reading ───────────────────────── */

export async function getProduct(id: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(id)) return null
  return ProductModel.findById(id).select('-searchKeys').lean<Product>()
}

export async function getProductBySlug(slug: string) {
  return ProductModel.findOne({ slug }).select('-searchKeys').lean<Product>()
}

const LIST_FIELDS = 'slug familyId brandId kind category status title shortDescription images variants makerName region updatedAt listedAt submittedAt'
export type ProductListItem = Pick<Product, '_id' | 'slug' | 'familyId' | 'brandId' | 'kind' | 'category' | 'status' | 'title' | 'shortDescription' | 'images' | 'variants' | 'makerName' | 'region' | 'updatedAt' | 'listedAt' | 'submittedAt'>

/** A family's own products with everything the "what is missing" column needs (a family has tens, not thousands). */
export async function listFamilyProducts(familyId: Types.ObjectId | string) {
  return ProductModel.find({ familyId }).select('-searchKeys -history -priceHistory').sort({ updatedAt: -1 }).limit(500).lean<Product[]>()
}

/** Sellable food stock per product (sum over available, unexpired lots), for lists and filters. */
export async function foodStockByProduct(productIds?: Types.ObjectId[], now = new Date()) {
  const db = mongoose.connection.db
  const stock = new Map<string, number>()
  if (!db) return stock
  const filter: Record<string, unknown> = { status: 'available', qtyAvailable: { $gt: 0 }, $or: [{ bestBefore: null }, { bestBefore: { $gt: now } }] }
  if (productIds) filter.productId = { $in: productIds }
  const lots = await db.collection('lots').find(filter, { projection: { productId: 1, qtyAvailable: 1 } }).toArray()
  for (const lot of lots) {
    if (!lot.productId) continue
    const key = String(lot.productId)
    stock.set(key, (stock.get(key) ?? 0) + Number(lot.qtyAvailable ?? 0))
  }
  return stock
}

export type ProductLot = { _id: string; code: string; sku: string; qtyAvailable: number; qtyReserved: number; bestBefore: Date | null; producedOn: Date | null; status: string }

/** The lots of one product, for the family's "stock per lot" and the reviewer. */
export async function listProductLots(product: Pick<Product, '_id' | 'variants'>): Promise<ProductLot[]> {
  const db = mongoose.connection.db
  if (!db) return []
  const skus = product.variants.map((variant) => variant.sku)
  const lots = await db
    .collection('lots')
    .find({ $or: [{ productId: product._id }, { sku: { $in: skus } }] }, { projection: { code: 1, sku: 1, qtyAvailable: 1, qtyReserved: 1, bestBefore: 1, producedOn: 1, status: 1 } })
    .sort({ producedOn: -1 })
    .limit(100)
    .toArray()
  return lots.map((lot) => ({
    _id: String(lot._id),
    code: String(lot.code ?? ''),
    sku: String(lot.sku ?? ''),
    qtyAvailable: Number(lot.qtyAvailable ?? 0),
    qtyReserved: Number(lot.qtyReserved ?? 0),
    bestBefore: lot.bestBefore ?? null,
    producedOn: lot.producedOn ?? null,
    status: String(lot.status ?? ''),
  }))
}

export type CatalogueQuery = {
  q?: string
  familyId?: string
  category?: string
  status?: string
  stock?: 'in' | 'out'
  page?: number
  perPage?: number
}

/** How many matching products are ranked in the app; a query matching more shows the best of these. */
export const SEARCH_CANDIDATES = 400
/** What ranking reads: the stored rank keys, and the texts for products written before they existed. */
const RANK_FIELDS = 'rankKeys title shortDescription makerName region variants.sku'
type RankCandidate = Pick<Product, '_id' | 'title' | 'shortDescription' | 'makerName' | 'region'> & { variants: Pick<Variant, 'sku'>[]; rankKeys?: Partial<RankTokens> }

/**
 * The staff catalogue and the search behind it. `scope` is the permission filter (accessibleBy);
 * it is combined with the user's filters with `$and`, never merged into them. A text query matches
 * stored folded keys ($all of the words), then is ranked here: title > short description > the rest
 * (maker, region, SKU, long description).
 */
export async function searchProducts(query: CatalogueQuery, scope: Record<string, unknown> = {}, now = new Date()) {
  const page = Math.max(1, query.page ?? 1)
  const perPage = Math.min(100, Math.max(1, query.perPage ?? 25))
  const and: Record<string, unknown>[] = [scope]
  if (query.familyId && mongoose.isValidObjectId(query.familyId)) and.push({ familyId: new Types.ObjectId(query.familyId) })
  if (query.category && (CATEGORIES as readonly string[]).includes(query.category)) and.push({ category: query.category })
  if (query.status && (PRODUCT_STATUSES as readonly string[]).includes(query.status)) and.push({ status: query.status })
  if (query.stock) {
    const withStock = [...(await foodStockByProduct(undefined, now)).keys()].map((id) => new Types.ObjectId(id))
    const inStock = { $or: [{ kind: 'craft', 'variants.craftStock': { $gt: 0 } }, { kind: 'food', _id: { $in: withStock } }] }
    and.push(query.stock === 'in' ? inStock : { $nor: [inStock] })
  }
  const tokens = queryTokens(query.q)
  if (tokens.length === 0) {
    const filter = { $and: and }
    const [items, total] = await Promise.all([
      ProductModel.find(filter)
        .select(LIST_FIELDS)
        .sort({ updatedAt: -1, _id: 1 })
        .skip((page - 1) * perPage)
        .limit(perPage)
        .lean<ProductListItem[]>(),
      ProductModel.countDocuments(filter),
    ])
    return { items, total, shown: total, page, perPage, tokens }
  }

  // a top-level equality on one word (the longest: the most selective) lets the planner walk the
  // searchKeys index; the other words and every filter are checked on those candidates
  const anchor = [...tokens].sort((a, b) => b.length - a.length)[0]
  let filter: Record<string, unknown> = { searchKeys: anchor, $and: [...and, { searchKeys: { $all: tokens } }] }
  let candidates = await ProductModel.find(filter).select(RANK_FIELDS).limit(SEARCH_CANDIDATES).lean<RankCandidate[]>()
  // nothing has every word: fall back to any word, ranked by how many it has
  if (candidates.length === 0 && tokens.length > 1) {
    filter = { searchKeys: { $in: tokens }, $and: and }
    candidates = await ProductModel.find(filter).select(RANK_FIELDS).limit(SEARCH_CANDIDATES).lean<RankCandidate[]>()
  }
  const total = candidates.length < SEARCH_CANDIDATES ? candidates.length : await ProductModel.countDocuments(filter)
  const ranked = candidates
    .map((product) => ({ product, score: rankScoreOfTokens(tokens, product.rankKeys?.title ? (product.rankKeys as RankTokens) : productRankKeys(product)) }))
    .sort((a, b) => b.score - a.score || String(a.product.title?.az).localeCompare(String(b.product.title?.az), 'az'))
  // only the page's products are read in full
  const pageIds = ranked.slice((page - 1) * perPage, page * perPage).map(({ product }) => product._id)
  const full = new Map((await ProductModel.find({ _id: { $in: pageIds } }).select(LIST_FIELDS).lean<ProductListItem[]>()).map((product) => [String(product._id), product]))
  const items = pageIds.map((id) => full.get(String(id))).filter((product): product is ProductListItem => Boolean(product))
  // `shown`: how many are ranked and can be paged through (at most SEARCH_CANDIDATES); `total`: how many match
  return { items, total, shown: candidates.length, page, perPage, tokens }
}

/** Listed products matching a query, best first: the storefront's search box. */
export function searchListedProducts(q: string, options: Omit<CatalogueQuery, 'q' | 'status'> = {}) {
  return searchProducts({ ...options, q, status: 'listed' })
}

/** Refreshes the stored search keys (after a family's name or region changed, or a new folding rule). */
export async function refreshSearchKeys(filter: Record<string, unknown> = {}) {
  let count = 0
  for await (const product of ProductModel.find(filter).select('title shortDescription description story makerName region variants').lean<Product[]>().cursor()) {
    await ProductModel.updateOne({ _id: product._id }, { $set: { searchKeys: productSearchKeys(product), rankKeys: productRankKeys(product) } })
    count += 1
  }
  return count
}

/**
 * A family renamed itself: its products carry the new maker name, and their search keys with it
 * (so the boutique and the staff catalogue find them by the new name at once).
 */
export async function renameMaker(familyId: Types.ObjectId | string, makerName: string) {
  const id = new Types.ObjectId(String(familyId))
  const changed = await ProductModel.updateMany({ familyId: id, makerName: { $ne: makerName } }, { $set: { makerName } })
  if (!changed.modifiedCount) return 0
  const count = await refreshSearchKeys({ familyId: id })
  shopChanged()
  return count
}

/** Families for the staff filter: the active ones, by name. */
export async function listCatalogueFamilies() {
  const families = await FamilyModel.find({ status: 'active' }).select('name region').sort({ name: 1 }).limit(1000).lean()
  return families.map((family) => ({ id: String(family._id), name: family.name, region: family.region }))
}
