import type { LinksFunction, ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useLocation } from '@remix-run/react'
import { z } from 'zod'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, DataTable, EmptyState, FormError, PageHeader, Pager, SelectField, StatusBadge, TextField, readPage, useFocusFirstError, type Column } from '#app/components/ui/index'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { CATEGORY_KEYS, PRODUCT_STATUS_KEYS } from '#app/utils/catalogue'
import { productRow } from '#app/utils/catalogue-view.server'
import { invalid, parseWith, refuse } from '#app/utils/form.server'
import { formatMoney, makeT, useLocale, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { scopeFor } from '#app/utils/scope.server'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { bulkChangeCategory, bulkDelist, CATEGORIES, foodStockByProduct, listCatalogueFamilies, searchProducts, type Category } from '#models/product.server'
import catalogueStyles from '#app/styles/catalogue.css'

const PER_PAGE = 25


export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogueStyles }]
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const ability = requireAbility(user, 'review', 'Product')
  const locale = await getLocale(request)
  const url = new URL(request.url)
  const param = (name: string) => (url.searchParams.get(name) ?? '').trim().slice(0, 100)
  const stockParam = param('stock')
  const stock = stockParam === 'in' || stockParam === 'out' ? stockParam : undefined
  const filters = { q: param('q'), familyId: param('familyId'), category: param('category'), status: param('status'), stock: stock ?? '' }
  const page = readPage(url.searchParams)
  const started = performance.now()
  const result = await searchProducts(
    { q: filters.q, familyId: filters.familyId, category: filters.category, status: filters.status, stock, page, perPage: PER_PAGE },
    scopeFor(ability, 'read', 'Product'),
  )
  const searchMs = Math.round(performance.now() - started)
  const foodStock = await foodStockByProduct(result.items.filter((item) => item.kind === 'food').map((item) => item._id))
  return {
    filters,
    page,
    total: result.total,
    shown: result.shown,
    searchMs,
    families: await listCatalogueFamilies(),
    products: result.items.map((item) => productRow(item, locale, item.kind === 'food' ? (foodStock.get(String(item._id)) ?? 0) : undefined)),
  }
}

const BulkSchema = z.object({
  intent: z.enum(['bulkDelist', 'bulkCategory']),
  ids: z.array(z.string().regex(/^[a-f0-9]{24}$/)).min(1, 'catalogue.bulk.chooseProducts').max(200),
  reason: z.string().trim().max(300).default(''),
  category: z.string().default(''),
  returnTo: z.string().default(''),
})

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  requireAbility(user, 'review', 'Product')
  const t = makeT(await getLocale(request))
  const form = await request.formData()
  const parsed = parseWith(BulkSchema, { ...Object.fromEntries(form), ids: form.getAll('ids') }, t)
  if (!parsed.ok) return invalid(parsed.errors)
  const { intent, ids, reason, category, returnTo } = parsed.data
  const back = `/admin/catalogue${returnTo.startsWith('?') ? returnTo : ''}`
  if (intent === 'bulkDelist') {
    if (!reason) return invalid({ reason: t('form.required') })
    const changed = await bulkDelist(ids, reason, user)
    return redirectWithToast(back, t('catalogue.bulk.delisted', { count: changed }))
  }
  if (!(CATEGORIES as readonly string[]).includes(category)) return invalid({ category: t('form.required') })
  const changed = await bulkChangeCategory(ids, category as Category, user)
  if (changed === 0) return refuse(t('catalogue.bulk.noneChanged'))
  return redirectWithToast(back, t('catalogue.bulk.recategorised', { count: changed }))
}

type Row = Awaited<ReturnType<typeof loader>>['products'][number]

export default function AdminCataloguePage() {
  const t = useT()
  const locale = useLocale()
  const location = useLocation()
  const { filters, page, total, shown, families, products, searchMs } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>() as { errors?: Record<string, string>; formError?: string } | undefined
  const formRef = useFocusFirstError(result?.errors, result?.formError)
  const familyName = new Map(families.map((family) => [family.id, family.name]))
  const columns: Column<Row>[] = [
    {
      key: 'select',
      header: t('catalogue.bulk.select'),
      cell: (row) => <input type="checkbox" name="ids" value={row.id} form="bulk-form" aria-label={t('catalogue.bulk.selectOne', { title: row.title })} />,
    },
    {
      key: 'photo',
      header: t('catalogue.field.photo'),
      cell: (row) => (row.image ? <img src={row.image.src} srcSet={row.image.srcSet} sizes="48px" alt="" width={48} height={48} className="thumb" loading="lazy" /> : <span className="thumb thumb-empty" aria-hidden="true" />),
    },
    { key: 'title', header: t('catalogue.field.title'), rowHeader: true, cell: (row) => <Link to={`/admin/catalogue/${row.id}`}>{row.title || t('catalogue.untitled')}</Link> },
    { key: 'family', header: t('catalogue.field.family'), cell: (row) => familyName.get(row.familyId) ?? row.makerName },
    { key: 'category', header: t('catalogue.field.category'), cell: (row) => t(`catalogue.category.${row.category}`) },
    { key: 'status', header: t('catalogue.field.status'), cell: (row) => <StatusBadge status={row.status} /> },
    { key: 'price', header: t('catalogue.field.retailPrice'), align: 'end', cell: (row) => row.prices.map((price) => formatMoney(price, locale)).join(' · ') },
    { key: 'stock', header: t('catalogue.field.stock'), align: 'end', cell: (row) => row.stock },
  ]
  return (
    <div className="stack">
      <PageHeader title={t('catalogue.admin.title')} description={t('catalogue.admin.intro')} />
      <Form method="get" className="filters" role="search" aria-label={t('catalogue.admin.search')}>
        <TextField name="q" type="search" label={t('catalogue.admin.search')} hint={t('catalogue.admin.searchHint')} defaultValue={filters.q} data-testid="catalogue-search" />
        <SelectField
          name="familyId"
          label={t('catalogue.field.family')}
          defaultValue={filters.familyId}
          placeholder={t('catalogue.admin.anyFamily')}
          options={families.map((family) => ({ value: family.id, label: family.name }))}
        />
        <SelectField
          name="category"
          label={t('catalogue.field.category')}
          defaultValue={filters.category}
          placeholder={t('catalogue.admin.anyCategory')}
          options={CATEGORY_KEYS.map((key) => ({ value: key, label: t(`catalogue.category.${key}`) }))}
        />
        <SelectField
          name="status"
          label={t('catalogue.field.status')}
          defaultValue={filters.status}
          placeholder={t('catalogue.admin.anyStatus')}
          options={PRODUCT_STATUS_KEYS.map((key) => ({ value: key, label: t(`status.${key}`) }))}
        />
        <SelectField
          name="stock"
          label={t('catalogue.field.stock')}
          defaultValue={filters.stock}
          placeholder={t('catalogue.admin.anyStock')}
          options={[
            { value: 'in', label: t('catalogue.admin.inStock') },
            { value: 'out', label: t('catalogue.admin.outOfStock') },
          ]}
        />
        <div className="filters-actions">
          <Button type="submit" variant="secondary">
            {t('catalogue.admin.filter')}
          </Button>
          {Object.values(filters).some(Boolean) ? <Link to="/admin/catalogue">{t('catalogue.admin.clear')}</Link> : null}
        </div>
      </Form>
      <p className="muted" aria-live="polite" data-testid="result-count">
        {t('catalogue.admin.results', { count: total, ms: searchMs })}
        {shown < total ? ` ${t('catalogue.admin.resultsCapped', { shown })}` : null}
      </p>

      <Form method="post" id="bulk-form" className="bulk-actions stack" ref={formRef} noValidate>
        <FormError error={result?.formError} />
        {result?.errors?.ids ? <p className="field-error">{result.errors.ids}</p> : null}
        <input type="hidden" name="returnTo" value={location.search} />
        <fieldset className="filters">
          <legend>{t('catalogue.bulk.title')}</legend>
          <TextField name="reason" label={t('catalogue.bulk.reason')} maxLength={300} error={result?.errors?.reason} />
          <Button type="submit" name="intent" value="bulkDelist" variant="danger">
            {t('catalogue.bulk.delist')}
          </Button>
          <SelectField
            name="category"
            label={t('catalogue.bulk.newCategory')}
            placeholder={t('catalogue.form.choose')}
            error={result?.errors?.category}
            options={CATEGORY_KEYS.map((key) => ({ value: key, label: t(`catalogue.category.${key}`) }))}
          />
          <Button type="submit" name="intent" value="bulkCategory" variant="secondary">
            {t('catalogue.bulk.changeCategory')}
          </Button>
        </fieldset>
      </Form>
      <DataTable caption={t('catalogue.admin.title')} hideCaption columns={columns} rows={products} rowKey={(row) => row.id} empty={<EmptyState title={t('catalogue.admin.none')} />} />
      <Pager page={page} pageSize={PER_PAGE} total={shown} />
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'catalogue.admin.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
