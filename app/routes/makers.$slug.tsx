import { data, type HeadersFunction, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData, useLocation } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { ProductGrid, ShopNav } from '#app/components/shop/shop-parts'
import { EmptyState } from '#app/components/ui/index'
import { getUser } from '#app/utils/auth.server'
import { makeT, pickText, useT, type Locale } from '#app/utils/i18n'
import { baseUrlOf, cardView, cartCount, regionName, shopCacheHeaders } from '#app/utils/shop.server'
import { getLocale } from '#app/utils/session.server'
import { connectDb } from '#models/db.server'
import { getMakerShowcase } from '#models/storefront.server'
import shopStyles from '#app/styles/shop.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: shopStyles }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  await connectDb()
  const showcase = await getMakerShowcase(params.slug ?? '')
  if (!showcase) throw new Response('Not found', { status: 404 })
  const locale = await getLocale(request)
  const [count, user] = await Promise.all([cartCount(request), getUser(request)])
  const { maker, cards } = showcase
  return data(
    {
      url: `${baseUrlOf(request)}/makers/${maker.slug}`,
      maker: {
        name: maker.name,
        region: regionName(maker.region, locale),
        village: maker.village,
        womenLed: maker.womenLed,
        story: pickText(maker.story, locale),
        photo: maker.photo ? `/files/makers/${maker.id}/${maker.photo}` : null,
        id: maker.id,
      },
      cards: cards.map((card) => cardView(card, locale)),
      cartCount: count,
      signedIn: Boolean(user),
    },
    { headers: shopCacheHeaders(request) },
  )
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export default function MakerPage() {
  const t = useT()
  const location = useLocation()
  const { maker, cards, cartCount, signedIn } = useLoaderData<typeof loader>()
  return (
    <div className="shop stack">
      <ShopNav cartCount={cartCount} signedIn={signedIn} />
      <article className="maker-page">
        {maker.photo ? <img className="maker-photo" src={maker.photo} alt={t('shop.maker.photoAlt', { name: maker.name })} width={480} height={360} /> : null}
        <div className="stack">
          <p className="eyebrow">{t('shop.maker.eyebrow')}</p>
          <h1>{maker.name}</h1>
          <p className="muted">
            {maker.village ? `${maker.village}, ` : ''}
            {maker.region}
            {maker.womenLed ? ` · ${t('shop.womenLed.long')}` : ''}
          </p>
          <p className="pre-line">{maker.story}</p>
        </div>
      </article>
      <section aria-labelledby="maker-products">
        <h2 id="maker-products">{t('shop.maker.products', { name: maker.name })}</h2>
        {cards.length ? (
          <ProductGrid cards={cards} returnTo={location.pathname} eagerCount={2} />
        ) : (
          <EmptyState title={t('shop.maker.noProducts')} action={<Link to="/shop">{t('shop.nav.shop')}</Link>} />
        )}
        {cards.length ? <Link to={`/shop?maker=${maker.id}`}>{t('shop.maker.filterLink')}</Link> : null}
      </section>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data: loaderData, matches }) => {
  const root = matches.find((match) => match.id === 'root')?.data as { locale?: Locale } | undefined
  const t = makeT(root?.locale ?? 'az')
  if (!loaderData) return [{ title: `${t('shop.maker.missing')} · ${t('app.name')}` }]
  const title = `${loaderData.maker.name} · ${t('shop.title')}`
  const description = loaderData.maker.story.slice(0, 200) || t('shop.meta.description')
  return [
    { title },
    { name: 'description', content: description },
    { tagName: 'link', rel: 'canonical', href: loaderData.url },
    { property: 'og:type', content: 'profile' },
    { property: 'og:title', content: loaderData.maker.name },
    { property: 'og:description', content: description },
    { property: 'og:url', content: loaderData.url },
  ]
}

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
