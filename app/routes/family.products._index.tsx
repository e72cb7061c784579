import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { ButtonLink, DataTable, EmptyState, PageHeader, StatusBadge, type Column } from '#app/components/ui/index'
import { requireFamilyMember } from '#app/utils/catalogue-forms.server'
import { productRow } from '#app/utils/catalogue-view.server'
import { formatMoney, makeT, useLocale, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { listFamilyBrands } from '#models/branding.server'
import { contentProblems, foodStockByProduct, listFamilyProducts } from '#models/product.server'
import catalogueStyles from '#app/styles/catalogue.css'


export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogueStyles }]
export async function loader({ request }: LoaderFunctionArgs) {
  const { familyId } = await requireFamilyMember(request)
  const locale = await getLocale(request)
  const t = makeT(locale)
  const [products, brands] = await Promise.all([listFamilyProducts(familyId), listFamilyBrands(familyId)])
  const brandIds = new Set(brands.map((brand) => String(brand._id)))
  const stock = await foodStockByProduct(products.filter((product) => product.kind === 'food').map((product) => product._id))
  return {
    hasBrand: brands.length > 0,
    products: products.map((product) => {
      const row = productRow(product, locale, product.kind === 'food' ? (stock.get(String(product._id)) ?? 0) : undefined)
      // what stands between the product and the shop, in the family's words
      const missing = ['listed', 'submitted'].includes(product.status)
        ? []
        : contentProblems(product, { brandApproved: Boolean(product.brandId && brandIds.has(String(product.brandId))) }).map((problem) => t(`catalogue.missing.${problem}`))
      if (product.status === 'submitted') missing.push(t('catalogue.pending.review'))
      return { ...row, missing }
    }),
  }
}

type Row = Awaited<ReturnType<typeof loader>>['products'][number]

export default function FamilyProductsPage() {
  const t = useT()
  const locale = useLocale()
  const { products, hasBrand } = useLoaderData<typeof loader>()
  const columns: Column<Row>[] = [
    {
      key: 'photo',
      header: t('catalogue.field.photo'),
      cell: (row) => (row.image ? <img src={row.image.src} srcSet={row.image.srcSet} sizes="64px" alt="" width={64} height={64} className="thumb" loading="lazy" /> : <span className="thumb thumb-empty" aria-hidden="true" />),
    },
    { key: 'title', header: t('catalogue.field.title'), rowHeader: true, cell: (row) => <Link to={`/family/products/${row.id}`}>{row.title || t('catalogue.untitled')}</Link> },
    { key: 'category', header: t('catalogue.field.category'), cell: (row) => t(`catalogue.category.${row.category}`) },
    { key: 'status', header: t('catalogue.field.status'), cell: (row) => <StatusBadge status={row.status} /> },
    { key: 'price', header: t('catalogue.field.retailPrice'), align: 'end', cell: (row) => row.prices.map((price) => formatMoney(price, locale)).join(' · ') },
    { key: 'stock', header: t('catalogue.field.stock'), align: 'end', cell: (row) => row.stock },
    {
      key: 'missing',
      header: t('catalogue.field.pending'),
      cell: (row) =>
        row.missing.length ? (
          <ul className="compact-list">
            {row.missing.map((item) => (
              <li key={item}>{item}</li>
            ))}
          </ul>
        ) : (
          '—'
        ),
    },
  ]
  return (
    <div className="stack">
      <PageHeader
        title={t('catalogue.family.title')}
        description={t('catalogue.family.intro')}
        actions={
          <>
            <ButtonLink to="/family/products/new">{t('catalogue.family.new')}</ButtonLink>
            <ButtonLink to="/family/branding" variant="secondary">
              {t('branding.family.title')}
            </ButtonLink>
          </>
        }
      />
      {!hasBrand ? (
        <p className="notice" role="note">
          {t('catalogue.family.needBrand')} <Link to="/family/branding/new">{t('branding.family.new')}</Link>
        </p>
      ) : null}
      <DataTable
        caption={t('catalogue.family.title')}
        hideCaption
        columns={columns}
        rows={products}
        rowKey={(row) => row.id}
        empty={<EmptyState title={t('catalogue.family.empty')} action={<ButtonLink to="/family/products/new">{t('catalogue.family.new')}</ButtonLink>} />}
      />
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'catalogue.family.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
