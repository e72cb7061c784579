import { data, type HeadersFunction, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useLocation, useNavigation, useSubmit } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { ProductGrid, ShopNav } from '#app/components/shop/shop-parts'
import { Button, EmptyState, Pager, SelectField, withParams } from '#app/components/ui/index'
import { getUser } from '#app/utils/auth.server'
import { formatMoney, makeT, useLocale, useT, type Locale } from '#app/utils/i18n'
import { cardView, cartCount, regionName, shopCacheHeaders } from '#app/utils/shop.server'
import { getLocale } from '#app/utils/session.server'
import { connectDb } from '#models/db.server'
import { SHOP_PAGE_SIZE, SHOP_SORTS } from '#app/utils/shop'
import { browseShop, hasFilters, readShopFilters, shopHighlights } from '#models/storefront.server'
import shopStyles from '#app/styles/shop.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: shopStyles }]

export async function loader({ request }: LoaderFunctionArgs) {
  await connectDb()
  const url = new URL(request.url)
  const filters = readShopFilters(url.searchParams)
  const locale = await getLocale(request)
  const front = !hasFilters(filters) && filters.page === 1
  const [listing, highlights, count, user] = await Promise.all([browseShop(filters), front ? shopHighlights() : null, cartCount(request), getUser(request)])
  const toAzn = (qepik: number | null) => (qepik == null ? '' : String(qepik / 100))
  return data(
    {
      filters: {
        q: filters.q,
        category: filters.category,
        region: filters.region,
        maker: filters.maker,
        min: toAzn(filters.min),
        max: toAzn(filters.max),
        inStock: filters.inStock,
        womenLed: filters.womenLed,
        sort: filters.sort,
      },
      filtered: hasFilters(filters),
      total: listing.total,
      page: listing.page,
      cards: listing.cards.map((card) => cardView(card, locale)),
      facets: {
        category: listing.facets.category,
        region: listing.facets.region.map((entry) => ({ ...entry, name: regionName(entry.value, locale) })),
        maker: listing.facets.maker,
        price: listing.facets.price,
        inStock: listing.facets.inStock,
        womenLed: listing.facets.womenLed,
      },
      highlights: highlights
        ? {
            featured: highlights.featured.map((card) => cardView(card, locale)),
            makers: highlights.makers.map((maker) => ({ slug: maker.slug!, name: maker.name, region: regionName(maker.region, locale), womenLed: maker.womenLed, count: maker.productCount })),
          }
        : null,
      cartCount: count,
      signedIn: Boolean(user),
    },
    { headers: shopCacheHeaders(request) },
  )
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>

function priceBandLabel(band: { min: number; max: number | null }, locale: Locale, t: ReturnType<typeof makeT>) {
  if (band.max == null) return t('shop.filter.priceFrom', { min: formatMoney(band.min, locale) })
  if (band.min === 0) return t('shop.filter.priceUnder', { max: formatMoney(band.max, locale) })
  return t('shop.filter.priceBetween', { min: formatMoney(band.min, locale), max: formatMoney(band.max, locale) })
}

function Filters({ filters, facets }: Pick<LoaderData, 'filters' | 'facets'>) {
  const t = useT()
  const submit = useSubmit()
  const withCount = (label: string, count: number) => `${label} (${count})`
  return (
    <Form
      method="get"
      action="/shop"
      id="shop-filters"
      className="shop-filters stack"
      aria-label={t('shop.filter.title')}
      // with JavaScript a change applies at once; without it the button does
      onChange={(event) => submit(event.currentTarget, { preventScrollReset: true })}
    >
      <h2 className="shop-filters-title">{t('shop.filter.title')}</h2>
      {filters.q ? <input type="hidden" name="q" value={filters.q} /> : null}
      <SelectField
        id="filter-category"
        name="category"
        label={t('shop.filter.category')}
        placeholder={t('shop.filter.any')}
        defaultValue={filters.category}
        options={facets.category.map((entry) => ({ value: entry.value, label: withCount(t(`shop.category.${entry.value}`), entry.count), disabled: entry.count === 0 && entry.value !== filters.category }))}
      />
      <SelectField
        id="filter-region"
        name="region"
        label={t('shop.filter.region')}
        placeholder={t('shop.filter.any')}
        defaultValue={filters.region}
        options={facets.region.map((entry) => ({ value: entry.value, label: withCount(entry.name, entry.count), disabled: entry.count === 0 && entry.value !== filters.region }))}
      />
      <SelectField
        id="filter-maker"
        name="maker"
        label={t('shop.filter.maker')}
        placeholder={t('shop.filter.any')}
        defaultValue={filters.maker}
        options={facets.maker.map((entry) => ({ value: entry.value, label: withCount(entry.name, entry.count) }))}
      />
      <fieldset className="field field-group">
        <legend className="field-label">{t('shop.filter.price')}</legend>
        <div className="price-range">
          <label>
            <span className="visually-hidden">{t('shop.filter.priceMin')}</span>
            <input name="min" type="number" inputMode="decimal" min="0" step="0.01" className="input" placeholder={t('shop.filter.priceMinShort')} defaultValue={filters.min} />
          </label>
          <span aria-hidden="true">–</span>
          <label>
            <span className="visually-hidden">{t('shop.filter.priceMax')}</span>
            <input name="max" type="number" inputMode="decimal" min="0" step="0.01" className="input" placeholder={t('shop.filter.priceMaxShort')} defaultValue={filters.max} />
          </label>
        </div>
        <PriceBands bands={facets.price} />
      </fieldset>
      <div className="field field-check">
        <input id="filter-stock" type="checkbox" name="stock" value="in" defaultChecked={filters.inStock} />
        <label htmlFor="filter-stock">{withCount(t('shop.filter.inStock'), facets.inStock)}</label>
      </div>
      <div className="field field-check">
        <input id="filter-women" type="checkbox" name="women" value="1" defaultChecked={filters.womenLed} />
        <label htmlFor="filter-women">{withCount(t('shop.filter.womenLed'), facets.womenLed)}</label>
      </div>
      <SelectField
        id="filter-sort"
        name="sort"
        label={t('shop.sort.label')}
        defaultValue={filters.sort}
        options={SHOP_SORTS.filter((sort) => sort !== 'relevance' || filters.q).map((sort) => ({ value: sort, label: t(`shop.sort.${sort}`) }))}
      />
      <div className="row">
        <Button type="submit" variant="secondary" data-testid="apply-filters">
          {t('shop.filter.apply')}
        </Button>
        <Link to={filters.q ? `/shop?q=${encodeURIComponent(filters.q)}` : '/shop'}>{t('shop.filter.clear')}</Link>
      </div>
    </Form>
  )
}

function PriceBands({ bands }: { bands: LoaderData['facets']['price'] }) {
  const t = useT()
  const locale = useLocale()
  const location = useLocation()
  return (
    <ul className="price-bands">
      {bands.map((band) => (
        <li key={band.min}>
          {band.count > 0 ? (
            <Link to={`/shop${withParams(location.search, { min: band.min / 100, max: band.max == null ? null : band.max / 100, page: null })}`}>
              {priceBandLabel(band, locale, t)} ({band.count})
            </Link>
          ) : (
            <span className="muted">
              {priceBandLabel(band, locale, t)} (0)
            </span>
          )}
        </li>
      ))}
    </ul>
  )
}

function Highlights({ highlights, categories, regions, returnTo }: { highlights: NonNullable<LoaderData['highlights']>; categories: LoaderData['facets']['category']; regions: LoaderData['facets']['region']; returnTo: string }) {
  const t = useT()
  return (
    <div className="shop-highlights stack">
      {highlights.featured.length ? (
        <section aria-labelledby="featured-title">
          <h2 id="featured-title">{t('shop.home.featured')}</h2>
          <ProductGrid cards={highlights.featured} returnTo={returnTo} eagerCount={4} />
        </section>
      ) : null}
      <section aria-labelledby="categories-title">
        <h2 id="categories-title">{t('shop.home.categories')}</h2>
        <ul className="chip-list">
          {categories
            .filter((entry) => entry.count > 0)
            .map((entry) => (
              <li key={entry.value}>
                <Link className="chip" to={`/shop?category=${entry.value}`}>
                  {t(`shop.category.${entry.value}`)} <span className="chip-count">{entry.count}</span>
                </Link>
              </li>
            ))}
        </ul>
      </section>
      <section aria-labelledby="regions-title">
        <h2 id="regions-title">{t('shop.home.regions')}</h2>
        <ul className="chip-list">
          {regions
            .filter((entry) => entry.count > 0)
            .map((entry) => (
              <li key={entry.value}>
                <Link className="chip" to={`/shop?region=${entry.value}`}>
                  {entry.name} <span className="chip-count">{entry.count}</span>
                </Link>
              </li>
            ))}
        </ul>
      </section>
      {highlights.makers.length ? (
        <section aria-labelledby="makers-title">
          <h2 id="makers-title">{t('shop.home.makers')}</h2>
          <ul className="maker-list">
            {highlights.makers.map((maker) => (
              <li key={maker.slug}>
                <Link to={`/makers/${maker.slug}`}>{maker.name}</Link>
                <span className="muted">
                  {' '}
                  · {maker.region}
                  {maker.womenLed ? ` · ${t('shop.womenLed.short')}` : ''} · {t('shop.home.makerProducts', { count: maker.count })}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  )
}

export default function ShopPage() {
  const t = useT()
  const location = useLocation()
  const { filters, filtered, total, page, cards, facets, highlights, cartCount, signedIn } = useLoaderData<typeof loader>()
  const navigation = useNavigation()
  // a new search, filter or page is on its way: the old results are dimmed and marked busy
  const busy = navigation.state === 'loading' && navigation.location.pathname === '/shop'
  const returnTo = `${location.pathname}${location.search}`
  const activeCategory = filters.category ? t(`shop.category.${filters.category}`) : null
  return (
    <div className="shop stack">
      <ShopNav cartCount={cartCount} signedIn={signedIn} />
      <header className="shop-header">
        <h1>{activeCategory ?? t('shop.title')}</h1>
        <p className="lead">{t('shop.tagline')}</p>
        <Form method="get" action="/shop" role="search" className="shop-search" aria-label={t('shop.search.label')}>
          <label htmlFor="shop-q" className="visually-hidden">
            {t('shop.search.label')}
          </label>
          <input id="shop-q" name="q" type="search" className="input" defaultValue={filters.q} placeholder={t('shop.search.placeholder')} maxLength={100} />
          <Button type="submit">{t('shop.search.submit')}</Button>
        </Form>
      </header>
      {highlights ? <Highlights highlights={highlights} categories={facets.category} regions={facets.region} returnTo={returnTo} /> : null}
      <div className="shop-layout">
        <Filters filters={filters} facets={facets} />
        <section className="shop-results" aria-labelledby="results-title" aria-busy={busy} data-testid="shop-results">
          <h2 id="results-title" aria-live="polite" data-testid="result-count">
            {filters.q ? t('shop.results.forQuery', { count: total, q: filters.q }) : filtered ? t('shop.results.count', { count: total }) : t('shop.results.all', { count: total })}
          </h2>
          <a href="#shop-filters" className="filters-jump">
            {t('shop.filter.jump')}
          </a>
          {cards.length ? (
            <ProductGrid cards={cards} returnTo={returnTo} eagerCount={highlights ? 0 : 4} />
          ) : (
            <EmptyState title={t('shop.results.none')} action={<Link to="/shop">{t('shop.filter.clear')}</Link>}>
              {filters.q ? <p>{t('shop.results.noneHint')}</p> : null}
            </EmptyState>
          )}
          <Pager page={page} pageSize={SHOP_PAGE_SIZE} total={total} />
        </section>
      </div>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data: loaderData, matches }) => {
  const root = matches.find((match) => match.id === 'root')?.data as { locale?: Locale } | undefined
  const t = makeT(root?.locale ?? 'az')
  const category = loaderData?.filters.category ? t(`shop.category.${loaderData.filters.category}`) : null
  const title = `${category ? `${category} · ` : ''}${t('shop.title')} · ${t('app.name')}`
  const description = t('shop.meta.description')
  return [
    { title },
    { name: 'description', content: description },
    { property: 'og:title', content: title },
    { property: 'og:description', content: description },
    { property: 'og:type', content: 'website' },
    // filtered and searched pages are for people; the sitemap lists the pages for search engines
    ...(loaderData?.filtered || (loaderData?.page ?? 1) > 1 ? [{ name: 'robots', content: 'noindex, follow' }] : []),
  ]
}

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
