import type { LinksFunction, ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { ProductLotsCard } from '#app/components/product-lots'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, Card, DateTime, FormError, Money, PageHeader, StatusBadge, TextArea, TextField, Timeline, useFocusFirstError } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { auditActionLabel } from '#app/utils/audit-format'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { formatMoneyInput, parseMoney } from '#app/utils/catalogue-forms.server'
import { brandView, historyView, imageView } from '#app/utils/catalogue-view.server'
import { invalid, parseWith, refuse } from '#app/utils/form.server'
import { makeT, pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { listSubjectHistory } from '#models/audit.server'
import { getBrand } from '#models/branding.server'
import { getFamily } from '#models/family.server'
import { changePrice, delistProduct, getProduct, listingProblems, listProduct, listProductLots, requestProductChanges, setCraftStock } from '#models/product.server'
import catalogueStyles from '#app/styles/catalogue.css'

async function loadForReview(request: Request, id: string | undefined) {
  const user = await requireUser(request)
  const product = await getProduct(id ?? '')
  if (!product) throw new Response('Not found', { status: 404 })
  requireAbility(user, 'review', asSubject('Product', product))
  return { user, product }
}


export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogueStyles }]
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { product } = await loadForReview(request, params.id)
  const locale = await getLocale(request)
  const t = makeT(locale)
  const [problems, lots, family, brand, trail] = await Promise.all([
    listingProblems(product),
    listProductLots(product),
    getFamily(product.familyId),
    product.brandId ? getBrand(product.brandId) : null,
    listSubjectHistory('Product', String(product._id)),
  ])
  return {
    product: {
      id: String(product._id),
      slug: product.slug,
      title: pickText(product.title, locale) || t('catalogue.untitled'),
      titles: product.title,
      shortDescription: product.shortDescription,
      description: product.description,
      story: product.story,
      category: product.category,
      kind: product.kind,
      status: product.status,
      reviewNote: product.reviewNote ?? '',
      images: product.images.map((image) => imageView(image, locale, 640)),
      variants: product.variants.map((variant) => ({
        sku: variant.sku,
        label: pickText(variant.label, locale),
        barcode: variant.barcode,
        retailPrice: variant.retailPrice,
        wholesalePrice: variant.wholesalePrice,
        retailInput: formatMoneyInput(variant.retailPrice),
        wholesaleInput: formatMoneyInput(variant.wholesalePrice),
        craftStock: variant.craftStock ?? 0,
      })),
      food: product.kind === 'food' ? { ingredients: pickText(product.food?.ingredients, locale), allergens: [...(product.food?.allergens ?? [])], shelfLifeDays: product.food?.shelfLifeDays ?? null, storage: pickText(product.food?.storage, locale) } : null,
      craft: product.kind === 'craft' ? { materials: pickText(product.craft?.materials, locale), dimensions: product.craft?.dimensions ?? '', oneOfAKind: Boolean(product.craft?.oneOfAKind) } : null,
      priceHistory: (product.priceHistory ?? []).map((entry) => ({ ...entry, by: undefined, at: new Date(entry.at).toISOString() })),
      history: historyView(product.history),
    },
    family: family ? { id: String(family._id), name: family.name, region: family.region } : null,
    brand: brand ? brandView(brand) : null,
    problems: problems.map((problem) => t(`catalogue.missing.${problem}`)),
    lots: lots.map((lot) => ({ ...lot, bestBefore: lot.bestBefore ? new Date(lot.bestBefore).toISOString() : null, producedOn: null })),
    trail: trail.map((event) => ({ action: event.action, at: new Date(event.at).toISOString(), actorName: event.actorName, reason: event.reason })),
  }
}

const NoteSchema = z.object({ note: z.string().trim().min(1, 'form.required').max(1000) })
const PriceSchema = z.object({
  sku: z.string().min(1),
  retailPrice: z
    .string()
    .refine((value) => (parseMoney(value) ?? 0) > 0, 'catalogue.form.invalidPrice')
    .transform((value) => parseMoney(value)!),
  wholesalePrice: z
    .string()
    .refine((value) => parseMoney(value) !== null, 'catalogue.form.invalidPrice')
    .transform((value) => parseMoney(value)!),
  reason: z.string().trim().max(300).default(''),
})
const StockSchema = z.object({ sku: z.string().min(1), quantity: z.coerce.number({ message: 'form.invalidNumber' }).int('form.invalidNumber').min(0).max(100000) })

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, product } = await loadForReview(request, params.id)
  const t = makeT(await getLocale(request))
  const id = String(product._id)
  const form = await request.formData()
  const here = `/admin/catalogue/${id}`
  switch (String(form.get('intent'))) {
    case 'list': {
      const result = await listProduct(id, user)
      if (result.ok) return redirectWithToast(here, t('catalogue.toast.listed'))
      if (result.reason === 'incomplete') return refuse(t('catalogue.review.cannotList'), 409, { problems: (result.problems ?? []).map((problem) => t(`catalogue.missing.${problem}`)) })
      return refuse(t('catalogue.review.wrongStatus'))
    }
    case 'requestChanges': {
      const parsed = parseWith(NoteSchema, form, t)
      if (!parsed.ok) return invalid(parsed.errors, { form: 'changes' })
      const result = await requestProductChanges(id, parsed.data.note, user)
      if (!result.ok) return refuse(t('catalogue.review.wrongStatus'))
      return redirectWithToast(here, t('catalogue.toast.changesRequested'))
    }
    case 'delist': {
      const parsed = parseWith(NoteSchema, form, t)
      if (!parsed.ok) return invalid(parsed.errors, { form: 'delist' })
      const result = await delistProduct(id, parsed.data.note, user)
      if (!result.ok) return refuse(t('catalogue.review.wrongStatus'))
      return redirectWithToast(here, t('catalogue.toast.delisted'))
    }
    case 'price': {
      const parsed = parseWith(PriceSchema, form, t)
      if (!parsed.ok) return invalid(parsed.errors, { form: `price-${form.get('sku')}` })
      const { sku, retailPrice, wholesalePrice, reason } = parsed.data
      if (wholesalePrice > retailPrice) return invalid({ wholesalePrice: t('catalogue.form.wholesaleAboveRetail') }, { form: `price-${sku}` })
      const result = await changePrice(id, sku, { retailPrice, wholesalePrice }, reason, user)
      if (!result.ok) return refuse(result.reason === 'conflict' ? t('catalogue.price.conflict') : t('catalogue.review.wrongStatus'))
      return redirectWithToast(here, t('catalogue.toast.priceChanged'))
    }
    case 'stock': {
      const parsed = parseWith(StockSchema, form, t)
      if (!parsed.ok) return invalid(parsed.errors, { form: `stock-${form.get('sku')}` })
      if (!(await setCraftStock(id, parsed.data.sku, parsed.data.quantity, user))) return refuse(t('catalogue.review.wrongStatus'))
      return redirectWithToast(here, t('catalogue.toast.stockSet'))
    }
    default:
      return refuse(t('form.invalidValue'), 400)
  }
}

type ActionResult = { errors?: Record<string, string>; formError?: string; problems?: string[]; form?: string } | undefined

export default function ReviewProductPage() {
  const t = useT()
  const { product, family, brand, problems, lots, trail } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>() as ActionResult
  const formRef = useFocusFirstError(result?.errors, result?.formError)
  const errorsFor = (form: string) => (result?.form === form ? result.errors : undefined)
  const canList = ['submitted', 'delisted'].includes(product.status)
  return (
    <div className="stack">
      <PageHeader
        title={product.title}
        eyebrow={<Link to="/admin/catalogue">{t('catalogue.admin.title')}</Link>}
        description={
          <>
            <StatusBadge status={product.status} /> · {t(`catalogue.category.${product.category}`)} · {family ? `${family.name} (${family.region})` : ''}
          </>
        }
      />

      <Card title={t('catalogue.review.decision')}>
        {problems.length ? (
          <div className="notice" role="note">
            <p>{t('catalogue.review.missingIntro')}</p>
            <ul data-testid="review-missing">
              {problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          </div>
        ) : (
          <p>{product.status === 'listed' ? t('catalogue.review.isListed') : t('catalogue.review.ready')}</p>
        )}
        <FormError error={!result?.form ? result?.formError : null}>
          {result?.problems?.length ? (
            <ul>
              {result.problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          ) : null}
        </FormError>
        <div className="stack">
          {canList ? (
            <Form method="post">
              <Button type="submit" name="intent" value="list" data-testid="list-product">
                {t('catalogue.review.list')}
              </Button>
            </Form>
          ) : null}
          {product.status === 'submitted' ? (
            <Form method="post" className="stack" noValidate ref={result?.form === 'changes' ? formRef : undefined}>
              <TextArea name="note" label={t('catalogue.review.note')} hint={t('catalogue.review.noteHint')} rows={3} required error={errorsFor('changes')?.note} />
              <div>
                <Button type="submit" name="intent" value="requestChanges" variant="secondary">
                  {t('catalogue.review.requestChanges')}
                </Button>
              </div>
            </Form>
          ) : null}
          {['listed', 'submitted'].includes(product.status) ? (
            <Form method="post" className="stack" noValidate ref={result?.form === 'delist' ? formRef : undefined}>
              <TextField name="note" label={t('catalogue.review.delistReason')} required maxLength={1000} error={errorsFor('delist')?.note} />
              <div>
                <Button type="submit" name="intent" value="delist" variant="danger">
                  {t('catalogue.review.delist')}
                </Button>
              </div>
            </Form>
          ) : null}
        </div>
      </Card>

      <Card title={t('catalogue.review.content')}>
        {product.images.length ? (
          <ul className="photo-grid">
            {product.images.map((image) => (
              <li key={image.id} className="photo-item">
                <img src={image.src} srcSet={image.srcSet} sizes="240px" alt={image.alt} width={240} height={Math.round((240 * image.height) / Math.max(1, image.width))} loading="lazy" />
                <p className="muted">{image.alt}</p>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t('catalogue.photos.none')}</p>
        )}
        <dl className="details">
          {(['az', 'en', 'ru'] as const).map((lang) => (
            <div key={lang} lang={lang}>
              <dt>{t(`catalogue.form.texts.${lang}`)}</dt>
              <dd>
                <strong>{product.titles[lang] || '—'}</strong>
                <p>{product.shortDescription[lang]}</p>
                <p>{product.description[lang]}</p>
                <p className="muted">{product.story[lang]}</p>
              </dd>
            </div>
          ))}
          <div>
            <dt>{t('catalogue.field.brand')}</dt>
            <dd>{brand ? brand.name : t('catalogue.review.noBrand')}</dd>
          </div>
          {product.food ? (
            <>
              <div>
                <dt>{t('catalogue.field.ingredientsAll')}</dt>
                <dd>{product.food.ingredients || '—'}</dd>
              </div>
              <div>
                <dt>{t('catalogue.field.allergens')}</dt>
                <dd>{product.food.allergens.map((key) => t(`catalogue.allergen.${key}`)).join(', ') || '—'}</dd>
              </div>
              <div>
                <dt>{t('catalogue.field.shelfLifeDays')}</dt>
                <dd>{product.food.shelfLifeDays ?? '—'}</dd>
              </div>
              <div>
                <dt>{t('catalogue.field.storageAll')}</dt>
                <dd>{product.food.storage || '—'}</dd>
              </div>
            </>
          ) : null}
          {product.craft ? (
            <>
              <div>
                <dt>{t('catalogue.field.materialsAll')}</dt>
                <dd>{product.craft.materials || '—'}</dd>
              </div>
              <div>
                <dt>{t('catalogue.field.dimensions')}</dt>
                <dd>{product.craft.dimensions || '—'}</dd>
              </div>
              <div>
                <dt>{t('catalogue.field.oneOfAKind')}</dt>
                <dd>{product.craft.oneOfAKind ? t('catalogue.yes') : t('catalogue.no')}</dd>
              </div>
            </>
          ) : null}
        </dl>
      </Card>

      <Card title={t('catalogue.variants.title')}>
        {product.variants.map((variant) => (
          <section key={variant.sku} className="variant-row stack" aria-label={variant.sku}>
            <p>
              <strong>{variant.sku}</strong> · {variant.label} · {variant.barcode} · <Money qepik={variant.retailPrice} /> / <Money qepik={variant.wholesalePrice} />
            </p>
            <Form method="post" className="filters" noValidate ref={result?.form === `price-${variant.sku}` ? formRef : undefined}>
              <input type="hidden" name="sku" value={variant.sku} />
              <TextField name="retailPrice" label={t('catalogue.field.retailPrice')} defaultValue={variant.retailInput} inputMode="decimal" error={errorsFor(`price-${variant.sku}`)?.retailPrice} />
              <TextField name="wholesalePrice" label={t('catalogue.field.wholesalePrice')} defaultValue={variant.wholesaleInput} inputMode="decimal" error={errorsFor(`price-${variant.sku}`)?.wholesalePrice} />
              <TextField name="reason" label={t('catalogue.price.reason')} maxLength={300} />
              <div className="filters-actions">
                <Button type="submit" name="intent" value="price" variant="secondary">
                  {t('catalogue.price.change')}
                </Button>
              </div>
            </Form>
            {product.kind === 'craft' ? (
              <Form method="post" className="filters" noValidate ref={result?.form === `stock-${variant.sku}` ? formRef : undefined}>
                <input type="hidden" name="sku" value={variant.sku} />
                <TextField name="quantity" label={t('catalogue.stock.pieces')} hint={t('catalogue.stock.hint')} defaultValue={String(variant.craftStock)} inputMode="numeric" error={errorsFor(`stock-${variant.sku}`)?.quantity} />
                <div className="filters-actions">
                  <Button type="submit" name="intent" value="stock" variant="secondary">
                    {t('catalogue.stock.save')}
                  </Button>
                </div>
              </Form>
            ) : null}
          </section>
        ))}
        {product.priceHistory.length ? (
          <>
            <h3>{t('catalogue.price.history')}</h3>
            <ul data-testid="price-history">
              {product.priceHistory.map((entry, index) => (
                <li key={index}>
                  <DateTime value={entry.at} /> · {entry.sku}: <Money qepik={entry.previousRetailPrice} /> → <Money qepik={entry.retailPrice} /> ({t('catalogue.field.wholesalePrice')}: <Money qepik={entry.previousWholesalePrice} /> →{' '}
                  <Money qepik={entry.wholesalePrice} />) · {entry.byName}
                  {entry.reason ? ` · ${entry.reason}` : ''}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </Card>

      {product.kind === 'food' ? (
        <ProductLotsCard lots={lots} />
      ) : null}

      <Card title={t('catalogue.history')}>
        <Timeline items={trail.map((event) => ({ at: event.at, title: auditActionLabel(event.action, t), actor: event.actorName || undefined, note: event.reason || undefined }))} />
      </Card>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, 'catalogue.product.pageTitle', { title: data?.product.title ?? '' })

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
