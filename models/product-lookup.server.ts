import mongoose, { Types } from 'mongoose'
import { productKind } from './qc-checklists'

/**
 * What production needs to know about a product variant: whose it is, its category (which QC
 * checklist), its shelf life and its name for the label. Read from the `products` collection
 * through the connection, so batches and lots do not depend on the catalogue module's internals.
 */
export type ProductForBatch = {
  productId: Types.ObjectId
  familyId: Types.ObjectId | null
  sku: string
  name: { az: string; en: string; ru: string }
  category: string
  kind: 'food' | 'craft'
  /** null: no shelf life (handicrafts, or not yet stated) */
  shelfLifeDays: number | null
  status: string
}

type ProductDoc = {
  _id: Types.ObjectId
  familyId?: Types.ObjectId | null
  category?: string
  kind?: string
  status?: string
  title?: Partial<Record<'az' | 'en' | 'ru', string>>
  name?: Partial<Record<'az' | 'en' | 'ru', string>>
  shelfLifeDays?: number | null
  food?: { shelfLifeDays?: number | null } | null
  variants?: { sku?: string; name?: Partial<Record<'az' | 'en' | 'ru', string>>; title?: Partial<Record<'az' | 'en' | 'ru', string>>; label?: Partial<Record<'az' | 'en' | 'ru', string>> }[]
}

const PROJECTION = { familyId: 1, category: 1, kind: 1, status: 1, title: 1, name: 1, shelfLifeDays: 1, food: 1, variants: 1 }

function toProduct(doc: ProductDoc, sku: string): ProductForBatch {
  const variant = doc.variants?.find((v) => v.sku === sku)
  const title = doc.title ?? doc.name ?? {}
  const variantName = variant?.name ?? variant?.title ?? variant?.label ?? {}
  const join = (locale: 'az' | 'en' | 'ru') => [title[locale] ?? title.az ?? '', variantName[locale] ?? variantName.az ?? ''].filter(Boolean).join(' · ')
  const shelf = doc.food?.shelfLifeDays ?? doc.shelfLifeDays ?? null
  const category = doc.category ?? ''
  return {
    productId: doc._id,
    familyId: doc.familyId ?? null,
    sku,
    name: { az: join('az'), en: join('en'), ru: join('ru') },
    category,
    kind: doc.kind === 'craft' || doc.kind === 'food' ? doc.kind : productKind(category),
    shelfLifeDays: typeof shelf === 'number' && shelf > 0 ? shelf : null,
    status: doc.status ?? '',
  }
}

export async function findProductBySku(sku: string): Promise<ProductForBatch | null> {
  const db = mongoose.connection.db
  if (!db || !sku) return null
  const doc = await db.collection<ProductDoc>('products').findOne({ 'variants.sku': sku }, { projection: PROJECTION })
  return doc ? toProduct(doc, sku) : null
}

/** Every variant of a family's products, for the "what will you produce" and batch forms. */
export async function listFamilyProductVariants(familyId: Types.ObjectId | string): Promise<ProductForBatch[]> {
  const db = mongoose.connection.db
  if (!db || !mongoose.isValidObjectId(familyId)) return []
  const docs = await db
    .collection<ProductDoc>('products')
    .find({ familyId: new Types.ObjectId(String(familyId)) }, { projection: PROJECTION })
    .limit(200)
    .toArray()
  return docs.flatMap((doc) => (doc.variants ?? []).filter((v) => v.sku).map((v) => toProduct(doc, v.sku!)))
}
