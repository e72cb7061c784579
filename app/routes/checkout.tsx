import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useState } from 'react'
import { z } from 'zod'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { ShopNav } from '#app/components/shop/shop-parts'
import { Button, FormError, Money, PageHeader, RadioGroup, SelectField, TextArea, TextField, useFocusFirstError, useHydrated } from '#app/components/ui/index'
import { getUser } from '#app/utils/auth.server'
import { parseWith, type FieldErrors } from '#app/utils/form.server'
import { formatMoney, makeT, pickText, useT, type Locale, type T } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { BAKU_DISTRICTS, DELIVERY_METHODS, offlinePaymentFor, PAYMENT_METHODS, paymentFits, type DeliveryMethod, type PaymentMethod } from '#app/utils/shop'
import { baseUrlOf, currentCartOwner } from '#app/utils/shop.server'
import { getLocale } from '#app/utils/session.server'
import { stripeEnabled } from '#app/utils/stripe.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { connectDb } from '#models/db.server'
import { mailOrder, newIdempotencyKey, placeOrder, quoteCheckout, startOnlinePayment, trackingPath, type PlaceResult } from '#models/order.server'
import shopStyles from '#app/styles/shop.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: shopStyles }]

export async function loader({ request }: LoaderFunctionArgs) {
  await connectDb()
  const owner = await currentCartOwner(request)
  if (!owner) throw redirect('/cart')
  const [quote, user, locale] = await Promise.all([quoteCheckout(owner), getUser(request), getLocale(request)])
  if (!quote.cart.ready) throw redirect('/cart')
  return data(
    {
      contact: { name: user?.name ?? '', email: user?.email ?? '', phone: user?.phone ?? '' },
      signedIn: Boolean(user),
      count: quote.cart.count,
      itemsTotal: quote.cart.itemsTotal,
      fees: quote.fees,
      lines: quote.cart.lines.map((line) => ({ sku: line.sku, qty: line.qty, title: pickText(line.variant?.title, locale), label: pickText(line.variant?.label, locale), lineTotal: line.lineTotal })),
      card: stripeEnabled(),
    },
    { headers: { 'Cache-Control': 'private, no-store' } },
  )
}

const CheckoutFields = z.object({
  name: z.string().trim().min(2, 'form.required').max(100, 'form.tooLong'),
  email: z.string().trim().min(1, 'form.required').email('form.invalidEmail').max(200),
  phone: z
    .string()
    .trim()
    .min(1, 'form.required')
    .regex(/^\+?[\d\s()-]{7,20}$/, 'shop.checkout.phoneInvalid'),
  delivery: z.enum(DELIVERY_METHODS, { message: 'shop.checkout.chooseDelivery' }),
  address: z.string().trim().max(200, 'form.tooLong').optional().default(''),
  district: z.string().optional().default(''),
  note: z.string().trim().max(500, 'form.tooLong').optional().default(''),
  payment: z.enum(PAYMENT_METHODS, { message: 'shop.checkout.choosePayment' }),
})

type Fields = z.infer<typeof CheckoutFields>

function deliveryRules(values: Fields, ctx: z.RefinementCtx) {
  if (values.delivery === 'courier') {
    if (values.address.length < 5) ctx.addIssue({ code: 'custom', path: ['address'], message: 'shop.checkout.addressRequired' })
    if (!(BAKU_DISTRICTS as readonly string[]).includes(values.district)) ctx.addIssue({ code: 'custom', path: ['district'], message: 'shop.checkout.districtRequired' })
  }
  if (!paymentFits(values.delivery, values.payment)) ctx.addIssue({ code: 'custom', path: ['payment'], message: 'shop.checkout.paymentMismatch' })
}

const ReviewSchema = CheckoutFields.superRefine(deliveryRules)
const PlaceSchema = CheckoutFields.extend({
  key: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'form.invalidValue'),
  seenTotal: z.coerce.number().int().min(0),
}).superRefine(deliveryRules)

type Review = {
  key: string
  lines: { sku: string; title: string; label: string; qty: number; unitPrice: number; lineTotal: number }[]
  itemsTotal: number
  fee: number
  total: number
}

async function review(owner: string, delivery: DeliveryMethod, locale: Locale): Promise<Review | null> {
  const quote = await quoteCheckout(owner)
  if (!quote.cart.ready) return null
  return {
    key: newIdempotencyKey(),
    lines: quote.cart.lines.map((line) => ({
      sku: line.sku,
      title: pickText(line.variant?.title, locale),
      label: pickText(line.variant?.label, locale),
      qty: line.qty,
      unitPrice: line.unitPrice,
      lineTotal: line.lineTotal,
    })),
    itemsTotal: quote.cart.itemsTotal,
    fee: quote.fees[delivery],
    total: quote.totals[delivery],
  }
}

function refusal(result: Exclude<PlaceResult, { ok: true }>, t: T, locale: Locale): { formError: string; errors?: FieldErrors } {
  switch (result.reason) {
    case 'insufficient_stock':
      return {
        formError:
          result.available > 0
            ? t('shop.checkout.ranShort', { title: pickText(result.title, locale), count: result.available })
            : t('shop.checkout.ranOut', { title: pickText(result.title, locale) }),
      }
    case 'price_changed':
      return {
        formError: t('shop.checkout.pricesChanged', {
          changes: result.changes.map((change) => `${pickText(change.title, locale)}: ${formatMoney(change.before, locale)} → ${formatMoney(change.after, locale)}`).join('; ') || '—',
          total: formatMoney(result.total, locale),
        }),
      }
    case 'cart_problems':
      return { formError: t('shop.checkout.cartProblems', { items: result.lines.map((line) => (line.title ? pickText(line.title, locale) : line.sku)).join(', ') }) }
    case 'address':
      return { formError: t('form.invalid'), errors: { address: t('shop.checkout.addressRequired') } }
    case 'payment_method':
      return { formError: t('form.invalid'), errors: { payment: t('shop.checkout.paymentMismatch') } }
    default:
      return { formError: t('shop.checkout.busy') }
  }
}

export async function action({ request }: ActionFunctionArgs) {
  await connectDb()
  const locale = await getLocale(request)
  const t = makeT(locale)
  const owner = await currentCartOwner(request)
  if (!owner) return redirect('/cart')
  const form = await request.formData()
  const intent = form.get('intent')
  const values = Object.fromEntries(['name', 'email', 'phone', 'delivery', 'address', 'district', 'note', 'payment'].map((name) => [name, String(form.get(name) ?? '')]))
  const fail = (status: number, extra: { formError?: string | null; errors?: FieldErrors; review?: Review | null }) =>
    data({ values, errors: extra.errors ?? {}, formError: extra.formError ?? null, review: extra.review ?? null }, { status })

  if (intent === 'review') {
    const parsed = parseWith(ReviewSchema, form, t)
    if (!parsed.ok) return fail(400, { errors: parsed.errors, formError: t('form.invalid') })
    if (parsed.data.payment === 'stripe' && !stripeEnabled()) return fail(400, { errors: { payment: t('shop.checkout.cardUnavailable') } })
    const next = await review(owner, parsed.data.delivery, locale)
    if (!next) return redirect('/cart')
    return data({ values, errors: {} as FieldErrors, formError: null as string | null, review: next })
  }
  if (intent !== 'place') return fail(400, { formError: t('form.invalid') })

  const parsed = parseWith(PlaceSchema, form, t)
  if (!parsed.ok) return fail(400, { errors: parsed.errors, formError: t('form.invalid') })
  const user = await getUser(request)
  const input = parsed.data
  const result = await placeOrder({
    cartOwner: owner,
    idempotencyKey: input.key,
    baseUrl: baseUrlOf(request),
    customer: { userId: user?._id ?? null, name: input.name, email: input.email, phone: input.phone, locale },
    delivery: { method: input.delivery, address: input.address, district: input.district, note: input.note },
    paymentMethod: input.payment as PaymentMethod,
    seenTotal: input.seenTotal,
  })
  if (!result.ok) {
    if (result.reason === 'empty') return redirect('/cart')
    const { formError, errors } = refusal(result, t, locale)
    // a changed price gets a fresh review with the new amounts; the shopper confirms again
    const again = result.reason === 'price_changed' ? await review(owner, input.delivery, locale) : null
    return fail(409, { formError, errors, review: again })
  }
  const { order, created } = result
  const base = baseUrlOf(request)
  if (order.payment.method === 'stripe' && order.status === 'awaiting_payment') {
    try {
      const url = await startOnlinePayment(order, base)
      if (url) return redirect(url)
    } catch (error) {
      console.error(`could not open the payment of ${order.number}:`, (error as Error).message)
    }
    return redirectWithToast(trackingPath(order), t('shop.checkout.paymentUnavailable'), 'error')
  }
  if (created) await mailOrder(order, 'placed', base)
  return redirectWithToast(trackingPath(order), t('shop.checkout.placed', { number: order.number }))
}

function ReviewPanel({ review, values }: { review: Review; values: Record<string, string> }) {
  const t = useT()
  return (
    <section className="card checkout-review" aria-labelledby="review-title" data-testid="checkout-review">
      <h2 id="review-title" className="card-title">
        {t('shop.checkout.reviewTitle')}
      </h2>
      <table className="review-table">
        <caption className="visually-hidden">{t('shop.checkout.reviewTitle')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('shop.checkout.item')}</th>
            <th scope="col" className="align-end">
              {t('shop.checkout.qty')}
            </th>
            <th scope="col" className="align-end">
              {t('shop.checkout.lineTotal')}
            </th>
          </tr>
        </thead>
        <tbody>
          {review.lines.map((line) => (
            <tr key={line.sku}>
              <th scope="row">
                {line.title}
                {line.label ? <span className="muted"> · {line.label}</span> : null}
              </th>
              <td className="align-end">
                {line.qty} × <Money qepik={line.unitPrice} />
              </td>
              <td className="align-end">
                <Money qepik={line.lineTotal} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              {t(`shop.delivery.${values.delivery}`)}
            </th>
            <td className="align-end">{review.fee ? <Money qepik={review.fee} /> : t('shop.checkout.free')}</td>
          </tr>
          <tr className="review-total">
            <th scope="row" colSpan={2}>
              {t('shop.checkout.total')}
            </th>
            <td className="align-end" data-testid="review-total">
              <Money qepik={review.total} />
            </td>
          </tr>
        </tfoot>
      </table>
      <p>
        {values.delivery === 'pickup' ? t('shop.checkout.pickupAt') : `${values.address}, ${t(`shop.district.${values.district}`)}`} · {t(`shop.payment.${values.payment}`)}
      </p>
      <Form method="post" className="stack">
        {Object.entries(values).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="key" value={review.key} />
        <input type="hidden" name="seenTotal" value={review.total} />
        <input type="hidden" name="intent" value="place" />
        <Button pendingLabel={t('shop.checkout.placing')} data-testid="place-order">
          {values.payment === 'stripe' ? t('shop.checkout.placeAndPay') : t('shop.checkout.place')}
        </Button>
      </Form>
    </section>
  )
}

export default function CheckoutPage() {
  const t = useT()
  const loaderData = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const formRef = useFocusFirstError(result?.errors, result?.formError)
  const values = result?.values ?? { ...loaderData.contact, delivery: 'pickup', address: '', district: '', note: '', payment: 'pay_at_pickup' }
  const errors: FieldErrors = result?.errors ?? {}
  const [delivery, setDelivery] = useState<DeliveryMethod>((values.delivery as DeliveryMethod) || 'pickup')
  const hydrated = useHydrated()
  const feeLabel = (method: DeliveryMethod) => (loaderData.fees[method] ? <Money qepik={loaderData.fees[method]} /> : t('shop.checkout.free'))
  // without JavaScript both pay-later choices stay open and the server checks that they fit the delivery
  const paymentOptions = [
    ...(loaderData.card ? [{ value: 'stripe', label: t('shop.payment.stripe'), hint: t('shop.payment.stripeHint') }] : []),
    { value: 'cash_on_delivery', label: t('shop.payment.cash_on_delivery'), hint: t('shop.payment.cashHint'), disabled: hydrated && delivery !== 'courier' },
    { value: 'pay_at_pickup', label: t('shop.payment.pay_at_pickup'), hint: t('shop.payment.pickupHint'), disabled: hydrated && delivery !== 'pickup' },
  ]
  const defaultPayment = paymentFits(delivery, values.payment as PaymentMethod) ? values.payment : offlinePaymentFor(delivery)
  return (
    <div className="shop stack">
      <ShopNav cartCount={loaderData.count} signedIn={loaderData.signedIn} />
      <PageHeader title={t('shop.checkout.title')} />
      <p>
        {t('shop.checkout.items', { count: loaderData.count })}: <Money qepik={loaderData.itemsTotal} /> · <Link to="/cart">{t('shop.checkout.editCart')}</Link>
      </p>
      {!loaderData.signedIn ? (
        <p className="muted">
          {t('shop.checkout.guest')} <Link to="/login?redirectTo=/checkout">{t('shop.checkout.login')}</Link>
        </p>
      ) : null}
      <FormError error={result?.formError} />
      <Form method="post" ref={formRef} noValidate className="stack checkout-form" data-testid="checkout-form">
        <fieldset className="plain-fieldset stack">
          <legend className="form-section">{t('shop.checkout.contact')}</legend>
          <TextField name="name" label={t('shop.checkout.name')} autoComplete="name" required defaultValue={values.name} error={errors.name} />
          <TextField name="email" type="email" label={t('shop.checkout.email')} autoComplete="email" required defaultValue={values.email} error={errors.email} hint={t('shop.checkout.emailHint')} />
          <TextField name="phone" type="tel" label={t('shop.checkout.phone')} autoComplete="tel" required defaultValue={values.phone} error={errors.phone} />
        </fieldset>
        <fieldset className="plain-fieldset stack">
          <legend className="form-section">{t('shop.checkout.deliveryTitle')}</legend>
          <div onChange={(event) => setDelivery(((event.target as HTMLInputElement).value as DeliveryMethod) || delivery)}>
            <RadioGroup
              name="delivery"
              label={t('shop.checkout.deliveryMethod')}
              required
              defaultValue={values.delivery || 'pickup'}
              error={errors.delivery}
              options={[
                { value: 'pickup', label: <>{t('shop.delivery.pickup')} — {feeLabel('pickup')}</>, hint: t('shop.checkout.pickupAt') },
                { value: 'courier', label: <>{t('shop.delivery.courier')} — {feeLabel('courier')}</>, hint: t('shop.checkout.courierHint') },
              ]}
            />
          </div>
          <TextField name="address" label={t('shop.checkout.address')} autoComplete="street-address" defaultValue={values.address} error={errors.address} hint={t('shop.checkout.addressHint')} />
          <SelectField
            name="district"
            label={t('shop.checkout.district')}
            defaultValue={values.district}
            placeholder={t('shop.checkout.chooseDistrict')}
            error={errors.district}
            options={BAKU_DISTRICTS.map((district) => ({ value: district, label: t(`shop.district.${district}`) }))}
          />
          <TextArea name="note" label={t('shop.checkout.note')} rows={2} defaultValue={values.note} error={errors.note} />
        </fieldset>
        <fieldset className="plain-fieldset stack">
          <legend className="form-section">{t('shop.checkout.paymentTitle')}</legend>
          <RadioGroup key={delivery} name="payment" label={t('shop.checkout.paymentMethod')} required defaultValue={defaultPayment} error={errors.payment} options={paymentOptions} />
        </fieldset>
        <input type="hidden" name="intent" value="review" />
        <Button variant={result?.review ? 'secondary' : 'primary'} pendingLabel={t('shop.checkout.reviewing')} data-testid="review-order">
          {result?.review ? t('shop.checkout.reviewAgain') : t('shop.checkout.review')}
        </Button>
      </Form>
      {result?.review ? <ReviewPanel review={result.review} values={result.values} /> : null}
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'shop.checkout.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
