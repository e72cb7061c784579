import { type LinksFunction, data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { ProductForm } from '#app/components/product-form'
import { ProductPhotos } from '#app/components/product-photos'
import { ProductLotsCard } from '#app/components/product-lots'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, Card, FormError, Money, PageHeader, StatusBadge, Timeline, useFocusFirstError } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { requireAbility } from '#app/utils/auth.server'
import { parseProductForm, readArtworkForm, requireFamilyMember, writeRefusal } from '#app/utils/catalogue-forms.server'
import { historyView, imageView, productFormValues } from '#app/utils/catalogue-view.server'
import { getEnv } from '#app/utils/env.server'
import { invalid, refuse } from '#app/utils/form.server'
import { storeImage, UploadError } from '#app/utils/images.server'
import { makeT, pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { listFamilyBrands } from '#models/branding.server'
import {
  addProductImage,
  FAMILY_EDITABLE,
  getProduct,
  listingProblems,
  listProductLots,
  removeProductImage,
  submitProduct,
  updateProduct,
  type Product,
  type ProductStatus,
} from '#models/product.server'
import { uploadMessage } from '#app/utils/catalogue-forms.server'
import catalogueStyles from '#app/styles/catalogue.css'

async function loadOwnProduct(request: Request, id: string | undefined) {
  const member = await requireFamilyMember(request)
  const product = await getProduct(id ?? '')
  if (!product) throw new Response('Not found', { status: 404 })
  requireAbility(member.user, 'update', asSubject('Product', product))
  return { ...member, product }
}


export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogueStyles }]
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { familyId, product } = await loadOwnProduct(request, params.id)
  const locale = await getLocale(request)
  const t = makeT(locale)
  const [brands, problems, lots] = await Promise.all([listFamilyBrands(familyId), listingProblems(product), listProductLots(product)])
  return {
    product: {
      id: String(product._id),
      title: pickText(product.title, locale) || t('catalogue.untitled'),
      status: product.status,
      kind: product.kind,
      reviewNote: product.reviewNote ?? '',
      editable: FAMILY_EDITABLE.includes(product.status as ProductStatus),
      images: product.images.map((image) => imageView(image, locale)),
      variants: product.variants.map((variant) => ({
        sku: variant.sku,
        label: pickText(variant.label, locale),
        barcode: variant.barcode,
        retailPrice: variant.retailPrice,
        wholesalePrice: variant.wholesalePrice,
        craftStock: variant.craftStock ?? 0,
      })),
      history: historyView(product.history),
    },
    values: productFormValues(product),
    brands: brands.map((brand) => ({ id: String(brand._id), name: brand.name })),
    missing: problems.map((problem) => ({ problem, message: t(`catalogue.missing.${problem}`) })),
    lots: lots.map((lot) => ({ ...lot, bestBefore: lot.bestBefore ? new Date(lot.bestBefore).toISOString() : null, producedOn: lot.producedOn ? new Date(lot.producedOn).toISOString() : null })),
    maxMb: getEnv().UPLOAD_MAX_MB,
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, product } = await loadOwnProduct(request, params.id)
  const t = makeT(await getLocale(request))
  const id = String(product._id)
  const isMultipart = (request.headers.get('Content-Type') ?? '').startsWith('multipart/form-data')
  if (isMultipart) return addPhoto(request, product, user, t)

  const form = await request.formData()
  switch (String(form.get('intent'))) {
    case 'save': {
      const parsed = parseProductForm(form, t)
      if (!parsed.ok) return invalid(parsed.errors)
      const result = await updateProduct(id, parsed.data, user)
      if (!result.ok) return writeRefusal(result, t)
      return redirectWithToast(`/family/products/${id}`, t('catalogue.toast.saved'))
    }
    case 'removePhoto': {
      const removed = await removeProductImage(id, String(form.get('imageId') ?? ''), user)
      if (!removed) return refuse(t('catalogue.form.notEditable'))
      return redirectWithToast(`/family/products/${id}`, t('catalogue.toast.photoRemoved'))
    }
    case 'submit': {
      const result = await submitProduct(id, user)
      if (!result.ok) {
        if (result.reason === 'incomplete') return refuse(t('catalogue.submit.incomplete'), 409, { problems: (result.problems ?? []).map((problem) => t(`catalogue.missing.${problem}`)) })
        return refuse(t('catalogue.form.notEditable'))
      }
      return redirectWithToast(`/family/products/${id}`, t('catalogue.toast.submitted'))
    }
    default:
      return refuse(t('form.invalidValue'), 400)
  }
}

async function addPhoto(request: Request, product: Product, user: { _id: unknown; name: string }, t: ReturnType<typeof makeT>) {
  const maxMb = getEnv().UPLOAD_MAX_MB
  const upload = await readArtworkForm(request, { fileFields: ['photo'], maxFiles: 1, t, maxMb })
  if (!upload.ok) return data({ ok: false as const, errors: upload.errors, photoForm: true }, { status: upload.status })
  const alt = { az: String(upload.fields.get('alt.az') ?? '').trim(), en: String(upload.fields.get('alt.en') ?? '').trim(), ru: String(upload.fields.get('alt.ru') ?? '').trim() }
  const errors: Record<string, string> = {}
  if (!upload.files[0]) errors.photo = t('catalogue.upload.choose')
  if (!alt.az) errors['alt.az'] = t('form.required')
  if (!alt.en) errors['alt.en'] = t('form.required')
  if (Object.keys(errors).length) return data({ ok: false as const, errors, photoForm: true }, { status: 400 })
  let stored
  try {
    stored = await storeImage(upload.files[0].bytes, { owner: { type: 'Product', id: String(product._id) }, alt: alt.en })
  } catch (error) {
    if (error instanceof UploadError) return data({ ok: false as const, errors: { photo: uploadMessage(error.code, t, maxMb) }, photoForm: true }, { status: 400 })
    throw error
  }
  const after = await addProductImage(String(product._id), { id: stored.id, width: stored.width, height: stored.height, alt }, { _id: String(user._id), name: user.name })
  if (!after) return data({ ok: false as const, errors: { photo: t('catalogue.upload.cannotAdd') }, photoForm: true }, { status: 409 })
  return redirectWithToast(`/family/products/${product._id}`, t('catalogue.toast.photoAdded'))
}


export default function FamilyProductPage() {
  const t = useT()
  const { product, values, brands, missing, lots, maxMb } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>() as { errors?: Record<string, string>; formError?: string; problems?: string[]; photoForm?: boolean } | undefined
  const photoErrors = result?.photoForm ? result.errors : undefined
  const formErrors = result?.photoForm ? undefined : result?.errors
  const submitRef = useFocusFirstError(undefined, result?.problems ? result.formError : null)
  return (
    <div className="stack">
      <PageHeader
        title={product.title}
        eyebrow={<Link to="/family/products">{t('catalogue.family.title')}</Link>}
        description={<StatusBadge status={product.status} />}
      />
      {product.status === 'changes_requested' && product.reviewNote ? (
        <div className="notice" role="note" data-testid="review-note">
          <strong>{t('catalogue.review.noteFromSales')}</strong> {product.reviewNote}
        </div>
      ) : null}

      <Card title={t('catalogue.pending.title')}>
        {missing.length ? (
          <ul data-testid="missing-list">
            {missing.map((item) => (
              <li key={item.problem}>{item.message}</li>
            ))}
          </ul>
        ) : (
          <p>{t('catalogue.pending.nothing')}</p>
        )}
        {product.editable ? (
          <Form method="post" ref={submitRef} className="stack">
            <FormError error={result?.problems ? result.formError : null}>
              {result?.problems?.length ? (
                <ul>
                  {result.problems.map((problem) => (
                    <li key={problem}>{problem}</li>
                  ))}
                </ul>
              ) : null}
            </FormError>
            <Button type="submit" name="intent" value="submit" data-testid="submit-for-review">
              {t('catalogue.submit.button')}
            </Button>
          </Form>
        ) : product.status === 'submitted' ? (
          <p>{t('catalogue.pending.review')}</p>
        ) : null}
      </Card>

      <ProductPhotos images={product.images} editable={product.editable} errors={photoErrors} maxMb={maxMb} />

      {product.editable ? (
        <Card title={t('catalogue.form.edit')}>
          <ProductForm values={values} brands={brands} errors={formErrors} formError={result?.problems ? null : result?.formError} submitLabel={t('form.save')} />
        </Card>
      ) : (
        <Card title={t('catalogue.variants.title')}>
          <ul>
            {product.variants.map((variant) => (
              <li key={variant.sku}>
                <strong>{variant.sku}</strong>
                {variant.label ? ` · ${variant.label}` : ''} · {variant.barcode} · {t('catalogue.field.retailPrice')}: <Money qepik={variant.retailPrice} /> · {t('catalogue.field.wholesalePrice')}:{' '}
                <Money qepik={variant.wholesalePrice} />
                {product.kind === 'craft' ? ` · ${t('catalogue.field.stock')}: ${variant.craftStock}` : ''}
              </li>
            ))}
          </ul>
          <p className="muted">{t('catalogue.form.lockedWhileReviewed')}</p>
        </Card>
      )}

      {product.kind === 'food' ? (
        <ProductLotsCard lots={lots} />
      ) : null}

      <Card title={t('catalogue.history')}>
        <Timeline items={product.history.map((entry) => ({ at: entry.at, title: t(`status.${entry.status}`), actor: entry.byName || undefined, note: entry.note || undefined, status: entry.status }))} />
      </Card>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ matches, data }) => pageTitle(matches, 'catalogue.product.pageTitle', { title: data?.product.title ?? '' })

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
