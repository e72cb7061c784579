import sharp from 'sharp'
import { Types } from 'mongoose'
import { storeImage, type StoredImage } from '#app/utils/images.server'
import type { Actor } from '#models/audit.server'
import { FamilyModel } from '#models/family.server'
import { addVersion, approveVersion, assignDesigner, createBrandingRequest, leadApprove, type ArtworkFile } from '#models/branding.server'
import {
  addProductImage,
  createProduct,
  kindOf,
  listProduct,
  setCraftStock,
  submitProduct,
  type Category,
  type Product,
  type ProductInput,
  type Texts,
} from '#models/product.server'

/**
 * Builders for brands and products. They drive the real workflow (request → proposal → approvals,
 * draft → submitted → listed), so what they build is what people would have produced; the demo
 * seed uses the same builders.
 */

let counter = 0

/** A small generated picture (a coloured square with initials): no download, no bundled file. */
export async function productPhoto(text: string, colour = '#7a3b2e', size = 480, format: 'png' | 'jpeg' = 'png') {
  const initials = text
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word[0]!.toUpperCase())
    .join('')
    .replace(/[<>&"']/g, '')
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">
    <rect width="100%" height="100%" fill="${colour}"/>
    <circle cx="${size / 2}" cy="${size / 2}" r="${size * 0.36}" fill="#ffffff" fill-opacity="0.18"/>
    <text x="50%" y="54%" font-family="DejaVu Sans, sans-serif" font-size="${size * 0.3}" font-weight="700" fill="#fff" text-anchor="middle" dominant-baseline="middle">${initials}</text>
  </svg>`
  const picture = sharp(Buffer.from(svg))
  return format === 'jpeg' ? picture.flatten({ background: '#ffffff' }).jpeg({ quality: 85 }).toBuffer() : picture.png().toBuffer()
}

/** An accepted, active family (the applications builders make them through the real decision; here only the household matters). */
export async function makeMakerFamily(overrides: { name?: string; region?: string; businessKind?: 'food' | 'craft' } = {}) {
  counter += 1
  const family = await FamilyModel.create({
    name: overrides.name ?? `Maker family ${counter}`,
    region: overrides.region ?? 'Guba',
    businessKind: overrides.businessKind ?? 'food',
    status: 'active',
  })
  return family.toObject()
}

const both = (az: string, en: string, ru = ''): Texts => ({ az, en, ru })

/** Everything a product needs to be submitted, for the category; override what the test is about. */
export function completeProductInput(overrides: Partial<ProductInput> & { category?: Category } = {}): ProductInput {
  counter += 1
  const category = overrides.category ?? 'jam'
  const kind = kindOf(category)
  const title = overrides.title ?? both(`Qoz mürəbbəsi ${counter}`, `Walnut jam ${counter}`, `Варенье из грецких орехов ${counter}`)
  return {
    category,
    brandId: overrides.brandId ?? null,
    title,
    shortDescription: overrides.shortDescription ?? both('Yaşıl qozdan, ev üsulu ilə', 'Green walnuts, cooked the home way', 'Из зелёных орехов'),
    description: overrides.description ?? both('Ailəmizin bağında yığılan qozdan bişirilir.', 'Cooked from walnuts picked in our family orchard.', ''),
    story: overrides.story ?? both('Nənəmizin resepti ilə 30 ildir bişiririk.', 'We have cooked it to our grandmother’s recipe for 30 years.', ''),
    variants: overrides.variants ?? [{ sku: null, label: both('370 q', '370 g', '370 г'), barcode: null, retailPrice: 1250, wholesalePrice: 900 }],
    food:
      kind === 'food'
        ? (overrides.food ?? {
            ingredients: both('qoz, şəkər, su', 'walnuts, sugar, water'),
            allergens: ['nuts'],
            shelfLifeDays: 365,
            storage: both('Sərin, quru yerdə saxlayın', 'Keep in a cool, dry place'),
          })
        : undefined,
    craft: kind === 'craft' ? (overrides.craft ?? { materials: both('yun', 'wool'), dimensions: '120 × 80 cm', oneOfAKind: true }) : undefined,
  }
}

/** A designer and a lead take a request through every step; the family approves version 1. */
export async function makeBrand(
  { familyId, familyName = 'Test family', name = `Brand ${++counter}`, familyActor, designer, lead, logo }: {
    familyId: Types.ObjectId | string
    familyName?: string
    name?: string
    familyActor?: Actor
    designer?: { _id: Types.ObjectId | string; name: string }
    lead?: Actor
    logo?: StoredImage
  },
) {
  const familyUser = familyActor ?? { _id: new Types.ObjectId(), name: 'Family member' }
  const designerUser = designer ?? { _id: new Types.ObjectId(), name: 'Designer' }
  const request = await createBrandingRequest(
    { familyId, familyName, title: name, brief: { story: 'Our orchard', audience: 'Tourists', colours: 'green, gold', examples: '' }, deadline: null },
    familyUser,
  )
  const step = <T extends { ok: boolean; reason?: string }>(result: T) => {
    if (!result.ok) throw new Error(`branding step failed: ${result.reason}`)
    return result
  }
  step(await assignDesigner(String(request._id), designerUser, designerUser))
  const files: ArtworkFile[] = [
    logo ? { role: 'logo', kind: 'image', id: logo.id, width: logo.width, height: logo.height } : { role: 'logo', kind: 'image', id: 'f'.repeat(32), width: 480, height: 480 },
  ]
  step(await addVersion(String(request._id), { brandName: name, colours: ['#2f5d50', '#c8a24a'], note: '', files }, designerUser))
  step(await approveVersion(String(request._id), 1, familyUser))
  const done = step(await leadApprove(String(request._id), lead ?? { _id: new Types.ObjectId(), name: 'Brand lead' }))
  return done.brand!
}

/**
 * A product in the state asked for. `listed` food needs a sellable lot first (pass `beforeListing`
 * to make one); crafts get staff-entered stock.
 */
export async function makeCatalogueProduct({
  familyId,
  brandId,
  makerName = 'Test family',
  region = 'Guba',
  input = {},
  status = 'draft',
  photo = true,
  actor = { _id: new Types.ObjectId(), name: 'Family member' },
  staff = { _id: new Types.ObjectId(), name: 'Sales manager' },
  beforeListing,
}: {
  familyId: Types.ObjectId | string
  brandId?: Types.ObjectId | string | null
  makerName?: string
  region?: string
  input?: Partial<ProductInput> & { category?: Category }
  status?: 'draft' | 'submitted' | 'listed'
  photo?: boolean | StoredImage
  actor?: Actor
  staff?: Actor
  beforeListing?: (product: Product) => Promise<unknown>
}) {
  const created = await createProduct({ familyId, makerName, region, input: completeProductInput({ ...input, brandId: brandId ? String(brandId) : null }) }, actor)
  if (!created.ok) throw new Error(`could not create the product: ${created.reason}`)
  let product = created.product
  if (photo) {
    const image = typeof photo === 'object' ? photo : await storeImage(await productPhoto(product.title.en || 'AB'), { owner: { type: 'Product', id: String(product._id) } })
    product = (await addProductImage(String(product._id), { id: image.id, width: image.width, height: image.height, alt: { az: product.title.az, en: product.title.en, ru: product.title.ru } }, actor)) ?? product
  }
  if (status === 'draft') return product
  const submitted = await submitProduct(String(product._id), actor)
  if (!submitted.ok) throw new Error(`could not submit: ${submitted.reason} ${submitted.problems?.join(',') ?? ''}`)
  product = submitted.product
  if (status === 'submitted') return product
  if (product.kind === 'craft') for (const variant of product.variants) await setCraftStock(String(product._id), variant.sku, 3, staff)
  await beforeListing?.(product)
  const listed = await listProduct(String(product._id), staff)
  if (!listed.ok) throw new Error(`could not list: ${listed.reason} ${listed.problems?.join(',') ?? ''}`)
  return listed.product
}
