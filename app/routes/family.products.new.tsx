import type { LinksFunction, ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { EMPTY_PRODUCT, ProductForm } from '#app/components/product-form'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { PageHeader } from '#app/components/ui/index'
import { parseProductForm, requireFamilyMember, writeRefusal } from '#app/utils/catalogue-forms.server'
import { invalid } from '#app/utils/form.server'
import { makeT, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { listFamilyBrands } from '#models/branding.server'
import { createProduct } from '#models/product.server'
import catalogueStyles from '#app/styles/catalogue.css'


export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogueStyles }]
export async function loader({ request }: LoaderFunctionArgs) {
  const { familyId } = await requireFamilyMember(request)
  const brands = await listFamilyBrands(familyId)
  return { brands: brands.map((brand) => ({ id: String(brand._id), name: brand.name })) }
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, family } = await requireFamilyMember(request)
  const t = makeT(await getLocale(request))
  const form = parseProductForm(await request.formData(), t)
  if (!form.ok) return invalid(form.errors)
  const result = await createProduct({ familyId: family._id, makerName: family.name, region: family.region, input: form.data }, user)
  if (!result.ok) return writeRefusal(result, t)
  return redirectWithToast(`/family/products/${result.product._id}`, t('catalogue.toast.created'))
}

export default function NewProductPage() {
  const t = useT()
  const { brands } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <div className="stack">
      <PageHeader title={t('catalogue.new.title')} description={t('catalogue.new.intro')} eyebrow={<Link to="/family/products">{t('catalogue.family.title')}</Link>} />
      <ProductForm
        values={EMPTY_PRODUCT}
        brands={brands}
        errors={result?.errors}
        formError={result && 'formError' in result ? (result.formError as string) : null}
        submitLabel={t('catalogue.new.submit')}
        intent="create"
      />
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'catalogue.new.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
