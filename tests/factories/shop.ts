import { Types } from 'mongoose'
import type { StoredImage } from '#app/utils/images.server'
import { newGuestId, addToCart, guestCartOwner } from '#models/cart.server'
import { FamilyModel } from '#models/family.server'
import { newIdempotencyKey, placeOrder, type CheckoutInput, type PlacedOrder } from '#models/order.server'
import type { Category, Product } from '#models/product.server'
import { makeLot } from './lots'
import { makeBrand, makeCatalogueProduct, makeMakerFamily } from './catalogue'

/**
 * Builders for the boutique: makers with a brand, listed products with stock (food from lots,
 * crafts from counted pieces), carts and placed orders. They go through the real catalogue and
 * lot functions, so what they build is what the shop would have.
 */

let counter = 0

export type ShopMaker = { family: Awaited<ReturnType<typeof makeMakerFamily>>; brandId: Types.ObjectId | string }

export async function makeShopMaker({
  name,
  region = 'Guba',
  womenLed = false,
  businessKind = 'food',
  makerPage,
}: {
  name?: string
  region?: string
  womenLed?: boolean
  businessKind?: 'food' | 'craft'
  makerPage?: { slug: string; story?: { az: string; en: string; ru: string }; photo?: string }
} = {}): Promise<ShopMaker> {
  counter += 1
  const family = await makeMakerFamily({ name: name ?? `Shop maker ${counter}`, region, businessKind })
  const set: Record<string, unknown> = { womenLed }
  if (makerPage) {
    set.makerPage = {
      published: true,
      slug: makerPage.slug,
      story: makerPage.story ?? { az: 'Bağımızdan süfrənizə.', en: 'From our orchard to your table.', ru: 'Из нашего сада к вашему столу.' },
      photo: makerPage.photo ?? '',
      photoType: makerPage.photo ? 'image/jpeg' : '',
      publishedAt: new Date(),
    }
  }
  await FamilyModel.updateOne({ _id: family._id }, { $set: set })
  const brand = await makeBrand({ familyId: family._id, familyName: family.name })
  return { family: { ...family, womenLed }, brandId: brand._id }
}

/** A picture record without a file: enough for pages that only draw its URL. */
export function fakeImage(seed = ++counter): StoredImage {
  return { id: seed.toString(16).padStart(32, 'a').slice(-32), width: 640, height: 640, format: 'jpg', bytes: 1000, provider: 'local' }
}

const DAY = 86_400_000

/**
 * A listed product. Food gets one lot per entry of `lots` (default: one lot of `stock` units);
 * crafts get `stock` counted pieces.
 */
export async function makeShopProduct({
  maker,
  category = 'jam',
  price = 1250,
  stock = 10,
  lots,
  title,
  photo,
}: {
  maker: ShopMaker
  category?: Category
  price?: number
  stock?: number
  lots?: { qty: number; bestBeforeDays?: number | null }[]
  title?: { az: string; en: string; ru: string }
  photo?: StoredImage
}): Promise<Product> {
  counter += 1
  const { family } = maker
  const listed = await makeCatalogueProduct({
    familyId: family._id,
    brandId: maker.brandId,
    makerName: family.name,
    region: family.region,
    status: 'listed',
    photo: photo ?? fakeImage(),
    input: {
      category,
      ...(title ? { title } : {}),
      variants: [{ sku: null, label: { az: '370 q', en: '370 g', ru: '370 г' }, barcode: null, retailPrice: price, wholesalePrice: Math.round(price * 0.7) }],
    },
    beforeListing: async (product) => {
      if (product.kind === 'craft') return
      for (const lot of lots ?? [{ qty: stock, bestBeforeDays: 120 }]) {
        await makeLot({
          sku: product.variants[0].sku,
          productId: product._id,
          familyId: new Types.ObjectId(String(family._id)),
          qty: lot.qty,
          bestBefore: lot.bestBeforeDays === null ? null : new Date(Date.now() + (lot.bestBeforeDays ?? 120) * DAY),
        })
      }
    },
  })
  if (listed.kind === 'craft' && stock !== 3) {
    const { ProductModel } = await import('#models/product.server')
    await ProductModel.updateOne({ _id: listed._id }, { $set: { 'variants.0.craftStock': stock } })
  }
  return listed
}

export function guestCart() {
  return guestCartOwner(newGuestId())
}

export function checkoutInput(cartOwner: string, overrides: Partial<CheckoutInput> = {}): CheckoutInput {
  counter += 1
  return {
    cartOwner,
    idempotencyKey: newIdempotencyKey(),
    customer: { userId: null, name: `Shopper ${counter}`, email: `shopper${counter}@example.az`, phone: '+994 50 555 12 34', locale: 'en' },
    delivery: { method: 'pickup' },
    paymentMethod: 'pay_at_pickup',
    ...overrides,
  }
}

/** A guest who puts `qty` of each SKU in a new cart and checks out (pickup, pay at pickup unless told). */
export async function makeOrder(items: { sku: string; qty: number }[], overrides: Partial<CheckoutInput> = {}): Promise<PlacedOrder> {
  const owner = overrides.cartOwner ?? guestCart()
  for (const item of items) {
    const added = await addToCart(owner, item.sku, item.qty)
    if (!added.ok) throw new Error(`could not add ${item.sku}: ${added.reason}`)
  }
  const placed = await placeOrder(checkoutInput(owner, overrides))
  if (!placed.ok) throw new Error(`could not place the order: ${JSON.stringify(placed)}`)
  return placed.order
}
