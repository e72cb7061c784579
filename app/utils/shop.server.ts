import { createCookie } from '@remix-run/node'
import { getUser } from './auth.server'
import { getEnv, sessionSecret } from './env.server'
import { formatMoney, pickText, type Locale } from './i18n'
import { imageUrl, srcSet } from './images.server'
import { REGION_NAMES, type ProductImage } from '#models/product.server'
import { countCartItems, guestCartOwner, isGuestId, mergeCarts, newGuestId, userCartOwner } from '#models/cart.server'
import type { ShopCard, ShopMaker } from '#models/storefront.server'

/** Server helpers of the boutique pages: the guest cart cookie, caching headers and what pages receive. */

const secure = () => getEnv().NODE_ENV === 'production' && !process.env.INSECURE_COOKIES

/** A guest's cart id (random, signed); the cart itself lives in the database. */
export const cartCookie = createCookie('__cart', {
  httpOnly: true,
  sameSite: 'lax',
  path: '/',
  maxAge: 60 * 60 * 24 * 30,
  get secure() {
    return secure()
  },
  get secrets() {
    return [sessionSecret()]
  },
})

async function guestIdFrom(request: Request) {
  const header = request.headers.get('Cookie')
  if (!header || !header.includes('__cart=')) return null
  const value = await cartCookie.parse(header)
  return isGuestId(value) ? value : null
}

/** Whose cart this request sees: the signed-in shopper's, or the guest's from the cookie (null: none yet). */
export async function currentCartOwner(request: Request) {
  const user = await getUser(request)
  if (user) return userCartOwner(user._id)
  const guestId = await guestIdFrom(request)
  return guestId ? guestCartOwner(guestId) : null
}

/** The cart owner for a write; a guest without a cart gets a new id and the cookie to keep it. */
export async function cartOwnerForWrite(request: Request) {
  const owner = await currentCartOwner(request)
  if (owner) return { owner, setCookie: null as string | null }
  const guestId = newGuestId()
  return { owner: guestCartOwner(guestId), setCookie: await cartCookie.serialize(guestId) }
}

export async function cartCount(request: Request) {
  const owner = await currentCartOwner(request)
  return owner ? countCartItems(owner) : 0
}

/**
 * At login the guest's cart joins the account's cart. Returns the Set-Cookie that forgets the
 * guest id (or null when there was none).
 */
export async function mergeGuestCartAtLogin(request: Request, userId: unknown) {
  const guestId = await guestIdFrom(request)
  if (!guestId) return null
  await mergeCarts(guestCartOwner(guestId), userCartOwner(String(userId)))
  return cartCookie.serialize('', { maxAge: 0 })
}

/**
 * Storefront pages are the same for every visitor without cookies (per language), so a shared
 * cache (the server's page cache, a CDN) may keep them `shared` seconds, and serve them `stale`
 * seconds longer while it fetches a fresh copy in the background. Browsers always ask again
 * (max-age=0): after adding to the cart the page must show the cart. Anyone with a cookie (a cart,
 * a session, a toast, a language) gets a private page.
 */
export function shopCacheHeaders(request: Request, { shared = 30, stale = 120 }: { shared?: number; stale?: number } = {}) {
  const anonymous = !request.headers.get('Cookie')
  return {
    'Cache-Control': anonymous ? `public, max-age=0, s-maxage=${shared}, stale-while-revalidate=${stale}` : 'private, no-cache',
    Vary: 'Cookie, Accept-Language',
  }
}

export function baseUrlOf(request: Request) {
  return getEnv().APP_URL ?? new URL(request.url).origin
}

export function imageView(image: ProductImage | null | undefined, locale: Locale, width = 640) {
  if (!image) return null
  return { src: imageUrl(image.id, { width }), srcSet: srcSet(image.id, { width: image.width }), width: image.width, height: image.height, alt: pickText(image.alt, locale) }
}

export type ImageView = NonNullable<ReturnType<typeof imageView>>

export function regionName(region: string, locale: Locale) {
  return REGION_NAMES[region] ? pickText(REGION_NAMES[region], locale) : region
}

export function makerView(maker: ShopMaker | null, locale: Locale) {
  if (!maker) return null
  return { id: maker.id, name: maker.name, region: regionName(maker.region, locale), womenLed: maker.womenLed, slug: maker.slug }
}

const moneyTexts = new Map<string, string>()
/** Prices repeat across thousands of cards: each amount is formatted once per language. */
export function moneyText(qepik: number, locale: Locale) {
  const key = `${locale}:${qepik}`
  let text = moneyTexts.get(key)
  if (text === undefined) {
    if (moneyTexts.size > 20_000) moneyTexts.clear()
    text = formatMoney(qepik, locale)
    moneyTexts.set(key, text)
  }
  return text
}

/** A product card: strings and numbers only, URLs drawn here (the image service is server-only). */
export function cardView(card: ShopCard, locale: Locale) {
  const { product } = card
  const single = product.variants.length === 1 ? product.variants[0] : null
  return {
    id: String(product._id),
    slug: product.slug,
    title: pickText(product.title, locale),
    category: product.category,
    image: imageView(product.images?.[0], locale, 320),
    price: card.minPrice,
    priceText: moneyText(card.minPrice, locale),
    manyPrices: new Set(product.variants.map((variant) => variant.retailPrice)).size > 1,
    inStock: card.inStock,
    /** one variant in stock: the card can put it in the cart directly */
    quickSku: single && card.inStock ? single.sku : null,
    label: single ? pickText(single.label, locale) : '',
    maker: makerView(card.maker, locale),
    region: regionName(product.region, locale),
  }
}

export type CardView = ReturnType<typeof cardView>
