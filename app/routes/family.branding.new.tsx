import type { LinksFunction, ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, CheckboxGroup, DateField, PageHeader, TextArea, TextField, useFocusFirstError } from '#app/components/ui/index'
import { requireFamilyMember } from '#app/utils/catalogue-forms.server'
import { invalid, parseWith } from '#app/utils/form.server'
import { makeT, pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { createBrandingRequest } from '#models/branding.server'
import { listFamilyProducts } from '#models/product.server'
import catalogueStyles from '#app/styles/catalogue.css'


export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogueStyles }]
export async function loader({ request }: LoaderFunctionArgs) {
  const { familyId } = await requireFamilyMember(request)
  const locale = await getLocale(request)
  const products = await listFamilyProducts(familyId)
  return { products: products.map((product) => ({ id: String(product._id), title: pickText(product.title, locale) })) }
}

const today = () => new Date().toISOString().slice(0, 10)

const BrandingRequestSchema = z.object({
  title: z.string().trim().min(1, 'form.required').max(120),
  story: z.string().trim().min(1, 'form.required').max(3000),
  audience: z.string().trim().max(1000).default(''),
  colours: z.string().trim().max(500).default(''),
  examples: z.string().trim().max(1000).default(''),
  productsText: z.string().trim().max(500).default(''),
  productIds: z.array(z.string().regex(/^[a-f0-9]{24}$/)).max(50).default([]),
  deadline: z
    .string()
    .trim()
    .default('')
    .refine((value) => value === '' || (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))), 'form.invalidDate')
    .refine((value) => value === '' || value >= today(), 'branding.form.deadlinePast'),
})

export async function action({ request }: ActionFunctionArgs) {
  const { user, family } = await requireFamilyMember(request)
  const t = makeT(await getLocale(request))
  const form = await request.formData()
  const parsed = parseWith(BrandingRequestSchema, { ...Object.fromEntries(form), productIds: form.getAll('productIds') }, t)
  if (!parsed.ok) return invalid(parsed.errors)
  const { title, story, audience, colours, examples, productsText, productIds, deadline } = parsed.data
  const created = await createBrandingRequest(
    {
      familyId: family._id,
      familyName: family.name,
      title,
      brief: { story, audience, colours, examples },
      productIds,
      productsText,
      // the end of the wished day in Baku (UTC+4)
      deadline: deadline ? new Date(`${deadline}T23:59:59+04:00`) : null,
    },
    user,
  )
  return redirectWithToast(`/family/branding/${created._id}`, t('branding.toast.requested', { ref: created.ref }))
}

export default function NewBrandingRequestPage() {
  const t = useT()
  const { products } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const errors = (result?.errors ?? {}) as Record<string, string>
  const formRef = useFocusFirstError(result?.errors)
  return (
    <div className="stack narrow">
      <PageHeader title={t('branding.new.title')} description={t('branding.new.intro')} eyebrow={<Link to="/family/branding">{t('branding.family.title')}</Link>} />
      <Form method="post" className="stack" noValidate ref={formRef} data-testid="branding-form">
        <TextField name="title" label={t('branding.field.title')} hint={t('branding.new.titleHint')} required maxLength={120} error={errors.title} />
        <TextArea name="story" label={t('branding.field.story')} hint={t('branding.new.storyHint')} required rows={5} error={errors.story} />
        <TextArea name="audience" label={t('branding.field.audience')} hint={t('branding.new.audienceHint')} rows={2} error={errors.audience} />
        <TextField name="colours" label={t('branding.field.colours')} hint={t('branding.new.coloursHint')} maxLength={500} error={errors.colours} />
        <TextArea name="examples" label={t('branding.field.examples')} hint={t('branding.new.examplesHint')} rows={2} error={errors.examples} />
        {products.length ? (
          <CheckboxGroup name="productIds" label={t('branding.field.productIds')} options={products.map((product) => ({ value: product.id, label: product.title || product.id }))} />
        ) : null}
        <TextField name="productsText" label={t('branding.field.products')} hint={t('branding.new.productsHint')} maxLength={500} error={errors.productsText} />
        <DateField name="deadline" label={t('branding.field.deadline')} min={today()} error={errors.deadline} />
        <div>
          <Button type="submit">{t('branding.new.submit')}</Button>
        </div>
      </Form>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'branding.new.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
