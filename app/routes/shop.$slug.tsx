import { data, type HeadersFunction, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useLocation } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { ProductGrid, ProductImage, ShopNav, StockNote } from '#app/components/shop/shop-parts'
import { Button, Money } from '#app/components/ui/index'
import { getUser } from '#app/utils/auth.server'
import { makeT, pickText, useT, type Locale } from '#app/utils/i18n'
import { MAX_LINE_QTY } from '#app/utils/shop'
import { baseUrlOf, cardView, cartCount, imageView, regionName, shopCacheHeaders } from '#app/utils/shop.server'
import { imageUrl } from '#app/utils/images.server'
import { getLocale } from '#app/utils/session.server'
import { connectDb } from '#models/db.server'
import { getShopProduct } from '#models/storefront.server'
import shopStyles from '#app/styles/shop.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: shopStyles }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  await connectDb()
  const found = await getShopProduct(params.slug ?? '')
  if (!found) throw new Response('Not found', { status: 404 })
  const locale = await getLocale(request)
  const [count, user] = await Promise.all([cartCount(request), getUser(request)])
  const { product, stock, brand, maker, related } = found
  const text = (value: Partial<Record<Locale, string>> | null | undefined) => pickText(value, locale)
  const base = baseUrlOf(request)
  const images = product.images.map((image, index) => imageView(image, locale, index === 0 ? 1280 : 640)!)
  const variants = product.variants.map((variant) => ({
    sku: variant.sku,
    label: text(variant.label),
    price: variant.retailPrice,
    stock: stock.get(variant.sku) ?? 0,
    barcode: variant.barcode,
  }))
  const t = makeT(locale)
  return data(
    {
      url: `${base}/shop/${product.slug}`,
      product: {
        slug: product.slug,
        kind: product.kind,
        category: product.category,
        title: text(product.title),
        summary: text(product.shortDescription),
        description: text(product.description),
        story: text(product.story),
        region: regionName(product.region, locale),
        images,
        food:
          product.kind === 'food'
            ? {
                ingredients: text(product.food?.ingredients),
                allergens: (product.food?.allergens ?? []).map((allergen) => t(`shop.allergen.${allergen}`)),
                shelfLifeDays: product.food?.shelfLifeDays ?? null,
                storage: text(product.food?.storage),
                nutrition: product.food?.nutrition ?? null,
              }
            : null,
        craft: product.kind === 'craft' ? { materials: text(product.craft?.materials), dimensions: product.craft?.dimensions ?? '', oneOfAKind: Boolean(product.craft?.oneOfAKind) } : null,
      },
      variants,
      maker: { ...maker, region: regionName(maker.region, locale), story: maker.story ? text(maker.story) : '' },
      brand: brand ? { name: brand.name, logo: brand.logo ? imageUrl(brand.logo, { width: 160 }) : null } : null,
      related: related.map((card) => cardView(card, locale)),
      ogImage: images[0] ? new URL(images[0].src, base).toString() : null,
      cartCount: count,
      signedIn: Boolean(user),
    },
    // the stock shown here is the reason to come back: shared caches keep the page only briefly
    { headers: shopCacheHeaders(request, { shared: 10, stale: 60 }) },
  )
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

/** schema.org Product with one Offer per variant; `<` is escaped so the data can never close its script element. */
function structuredData(loaderData: ReturnType<typeof useLoaderData<typeof loader>>) {
  const { product, variants, maker, brand, url, ogImage } = loaderData
  const json = {
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: product.title,
    description: product.summary || product.description,
    image: ogImage ? [ogImage] : undefined,
    sku: variants[0]?.sku,
    gtin13: variants[0]?.barcode,
    category: product.category,
    brand: { '@type': 'Brand', name: brand?.name ?? maker.name },
    offers: variants.map((variant) => ({
      '@type': 'Offer',
      sku: variant.sku,
      url,
      price: (variant.price / 100).toFixed(2),
      priceCurrency: 'AZN',
      availability: variant.stock > 0 ? 'https://schema.org/InStock' : 'https://schema.org/OutOfStock',
      itemCondition: 'https://schema.org/NewCondition',
    })),
  }
  return JSON.stringify(json).replace(/</g, '\\u003c')
}

function AddToCart({ variants }: { variants: ReturnType<typeof useLoaderData<typeof loader>>['variants'] }) {
  const t = useT()
  const location = useLocation()
  const available = variants.filter((variant) => variant.stock > 0)
  if (!available.length) return <p className="notice">{t('shop.product.soldOut')}</p>
  const many = variants.length > 1
  return (
    <Form method="post" action="/cart" className="add-to-cart stack" data-testid="add-to-cart">
      <input type="hidden" name="intent" value="add" />
      <input type="hidden" name="returnTo" value={`${location.pathname}${location.search}`} />
      {many ? (
        <fieldset className="field field-group">
          <legend className="field-label">{t('shop.product.variant')}</legend>
          <div className="choices">
            {variants.map((variant, index) => (
              <div className="choice" key={variant.sku}>
                <input id={`variant-${index}`} type="radio" name="sku" value={variant.sku} disabled={variant.stock <= 0} defaultChecked={variant.sku === available[0].sku} />
                <label htmlFor={`variant-${index}`}>
                  {variant.label} — <Money qepik={variant.price} /> · <StockNote inStock={variant.stock > 0} />
                </label>
              </div>
            ))}
          </div>
        </fieldset>
      ) : (
        <input type="hidden" name="sku" value={available[0].sku} />
      )}
      <div className="field">
        <label className="field-label" htmlFor="qty">
          {t('shop.product.quantity')}
        </label>
        <input id="qty" name="qty" type="number" inputMode="numeric" min={1} max={MAX_LINE_QTY} step={1} defaultValue={1} required className="input input-qty" />
      </div>
      <Button>{t('shop.product.add')}</Button>
    </Form>
  )
}

export default function ProductPage() {
  const t = useT()
  const location = useLocation()
  const loaderData = useLoaderData<typeof loader>()
  const { product, variants, maker, brand, related, cartCount, signedIn } = loaderData
  const [cover, ...more] = product.images
  const prices = variants.map((variant) => variant.price)
  return (
    <div className="shop stack">
      <ShopNav cartCount={cartCount} signedIn={signedIn} />
      <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: structuredData(loaderData) }} />
      <nav aria-label={t('shop.breadcrumb')} className="breadcrumb">
        <Link to="/shop">{t('shop.title')}</Link> <span aria-hidden="true">›</span>{' '}
        <Link to={`/shop?category=${product.category}`}>{t(`shop.category.${product.category}`)}</Link>
      </nav>
      <article className="product-page">
        <div className="product-gallery">
          <ProductImage image={cover ?? null} sizes="(min-width: 56rem) 32rem, 100vw" eager className="product-cover" />
          {more.length ? (
            <ul className="product-thumbs">
              {more.map((image) => (
                <li key={image.src}>
                  <ProductImage image={image} sizes="(min-width: 56rem) 10rem, 30vw" />
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        <div className="product-info stack">
          {brand ? (
            <p className="product-brand" data-testid="product-brand">
              {brand.logo ? <img src={brand.logo} alt="" width={40} height={40} loading="lazy" /> : null}
              <span>{t('shop.product.brand', { name: brand.name })}</span>
            </p>
          ) : null}
          <h1>{product.title}</h1>
          <p className="lead">{product.summary}</p>
          <p className="product-maker">
            {maker.slug ? <Link to={`/makers/${maker.slug}`}>{maker.name}</Link> : maker.name} · {maker.region}
            {maker.womenLed ? ` · ${t('shop.womenLed.long')}` : ''}
          </p>
          <p className="product-price">
            {Math.min(...prices) !== Math.max(...prices) ? `${t('shop.card.from')} ` : null}
            <Money qepik={Math.min(...prices)} />
          </p>
          {variants.length === 1 ? (
            <p>
              {variants[0].label ? <span className="muted">{variants[0].label} · </span> : null}
              <StockNote inStock={variants[0].stock > 0} />
              {variants[0].stock > 0 && variants[0].stock <= 5 ? <span className="muted"> · {t('shop.product.fewLeft', { count: variants[0].stock })}</span> : null}
            </p>
          ) : null}
          <AddToCart variants={variants} />
        </div>
      </article>
      <section aria-labelledby="about-title" className="product-details">
        <h2 id="about-title">{t('shop.product.about')}</h2>
        <p className="pre-line">{product.description}</p>
        {product.food ? (
          <dl className="facts">
            <dt>{t('shop.product.ingredients')}</dt>
            <dd>{product.food.ingredients || '—'}</dd>
            <dt>{t('shop.product.allergens')}</dt>
            <dd>{product.food.allergens.length ? product.food.allergens.join(', ') : t('shop.product.noAllergens')}</dd>
            <dt>{t('shop.product.shelfLife')}</dt>
            <dd>{product.food.shelfLifeDays ? t('shop.product.days', { count: product.food.shelfLifeDays }) : '—'}</dd>
            <dt>{t('shop.product.storage')}</dt>
            <dd>{product.food.storage || '—'}</dd>
            {product.food.nutrition?.energyKcal != null ? (
              <>
                <dt>{t('shop.product.energy')}</dt>
                <dd>{t('shop.product.kcal', { count: product.food.nutrition.energyKcal })}</dd>
              </>
            ) : null}
          </dl>
        ) : null}
        {product.craft ? (
          <dl className="facts">
            <dt>{t('shop.product.materials')}</dt>
            <dd>{product.craft.materials || '—'}</dd>
            <dt>{t('shop.product.dimensions')}</dt>
            <dd>{product.craft.dimensions || '—'}</dd>
            {product.craft.oneOfAKind ? (
              <>
                <dt>{t('shop.product.unique')}</dt>
                <dd>{t('shop.product.oneOfAKind')}</dd>
              </>
            ) : null}
          </dl>
        ) : null}
      </section>
      <section aria-labelledby="maker-title" className="product-maker-story">
        <h2 id="maker-title">{t('shop.product.makerTitle', { name: maker.name })}</h2>
        <p className="pre-line">{maker.story || product.story}</p>
        <p className="muted">
          {maker.village ? `${maker.village}, ` : ''}
          {maker.region}
        </p>
        {maker.slug ? <Link to={`/makers/${maker.slug}`}>{t('shop.product.makerLink', { name: maker.name })}</Link> : null}
      </section>
      {related.length ? (
        <section aria-labelledby="related-title">
          <h2 id="related-title">{t('shop.product.related')}</h2>
          <ProductGrid cards={related} returnTo={`${location.pathname}${location.search}`} />
        </section>
      ) : null}
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data: loaderData, matches }) => {
  const root = matches.find((match) => match.id === 'root')?.data as { locale?: Locale } | undefined
  const t = makeT(root?.locale ?? 'az')
  if (!loaderData) return [{ title: `${t('shop.product.missing')} · ${t('app.name')}` }]
  const { product, url, ogImage, variants } = loaderData
  const title = `${product.title} · ${t('shop.title')}`
  const description = (product.summary || product.description).slice(0, 200)
  return [
    { title },
    { name: 'description', content: description },
    { tagName: 'link', rel: 'canonical', href: url },
    { property: 'og:type', content: 'product' },
    { property: 'og:title', content: product.title },
    { property: 'og:description', content: description },
    { property: 'og:url', content: url },
    ...(ogImage ? [{ property: 'og:image', content: ogImage }] : []),
    { property: 'product:price:amount', content: (Math.min(...variants.map((variant) => variant.price)) / 100).toFixed(2) },
    { property: 'product:price:currency', content: 'AZN' },
  ]
}

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
