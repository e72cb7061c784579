import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { ProductImage, ShopNav } from '#app/components/shop/shop-parts'
import { Button, ButtonLink, EmptyState, FormError, Money, PageHeader } from '#app/components/ui/index'
import { getUser, safeRedirect } from '#app/utils/auth.server'
import { parseWith } from '#app/utils/form.server'
import { makeT, pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { cartOwnerForWrite, currentCartOwner, imageView } from '#app/utils/shop.server'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { MAX_LINE_QTY, SKU_PATTERN } from '#app/utils/shop'
import { addToCart, priceCart, removeFromCart, setCartQuantity, type CartChange } from '#models/cart.server'
import { connectDb } from '#models/db.server'
import { deliveryFee } from '#models/order.server'
import shopStyles from '#app/styles/shop.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: shopStyles }]

export async function loader({ request }: LoaderFunctionArgs) {
  await connectDb()
  const [owner, locale, user] = await Promise.all([currentCartOwner(request), getLocale(request), getUser(request)])
  const cart = owner ? await priceCart(owner) : null
  return data(
    {
      lines: (cart?.lines ?? []).map((line) => ({
        sku: line.sku,
        qty: line.qty,
        title: line.variant ? pickText(line.variant.title, locale) : line.sku,
        label: line.variant ? pickText(line.variant.label, locale) : '',
        slug: line.variant?.listed ? line.variant.slug : null,
        image: imageView(line.variant?.image, locale, 320),
        unitPrice: line.unitPrice,
        previousPrice: line.previousPrice,
        lineTotal: line.lineTotal,
        stock: line.variant?.stock ?? 0,
        problem: line.problem,
      })),
      itemsTotal: cart?.itemsTotal ?? 0,
      count: cart?.count ?? 0,
      ready: cart?.ready ?? false,
      courierFee: deliveryFee('courier', cart?.itemsTotal ?? 0),
      signedIn: Boolean(user),
    },
    { headers: { 'Cache-Control': 'private, no-store' } },
  )
}

const qty = (min: number) =>
  z.coerce
    .number({ message: 'shop.cart.qtyNumber' })
    .int({ message: 'shop.cart.qtyWhole' })
    .min(min, { message: min === 0 ? 'shop.cart.qtyNotNegative' : 'shop.cart.qtyMin' })
    .max(MAX_LINE_QTY, { message: 'shop.cart.qtyMax' })
const sku = z.string().trim().regex(SKU_PATTERN, { message: 'shop.cart.unknownItem' })

const CartSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('add'), sku, qty: qty(1), returnTo: z.string().optional() }),
  z.object({ intent: z.literal('update'), sku, qty: qty(0) }),
  z.object({ intent: z.literal('remove'), sku }),
])

function changeMessage(result: CartChange, t: ReturnType<typeof makeT>) {
  if (!result.ok) return t(`shop.cart.refused.${result.reason}`)
  if (result.capped) return t('shop.cart.capped', { count: result.qty })
  return null
}

export async function action({ request }: ActionFunctionArgs) {
  await connectDb()
  const t = makeT(await getLocale(request))
  const form = await request.formData()
  const parsed = parseWith(CartSchema, form, t)
  const returnTo = safeRedirect(form.get('returnTo'), '/cart')
  if (!parsed.ok) {
    // the product page and the listing post here: their shopper sees the reason where they were
    if (form.get('intent') === 'add') return redirectWithToast(returnTo, Object.values(parsed.errors)[0] ?? t('form.invalid'), 'error')
    return data({ errors: parsed.errors, sku: String(form.get('sku') ?? ''), formError: null as string | null }, { status: 400 })
  }
  const { owner, setCookie } = await cartOwnerForWrite(request)
  const headers = setCookie ? { 'Set-Cookie': setCookie } : undefined
  switch (parsed.data.intent) {
    case 'add': {
      const result = await addToCart(owner, parsed.data.sku, parsed.data.qty)
      const problem = changeMessage(result, t)
      if (!result.ok) return redirectWithToast(returnTo, problem!, 'error', { headers })
      return redirectWithToast(returnTo, problem ?? t('shop.cart.added', { count: result.qty }), problem ? 'info' : 'success', { headers })
    }
    case 'update': {
      const result = await setCartQuantity(owner, parsed.data.sku, parsed.data.qty)
      if (!result.ok) return data({ errors: { qty: changeMessage(result, t)! }, sku: parsed.data.sku, formError: null }, { status: 409, headers })
      return redirectWithToast('/cart', changeMessage(result, t) ?? (result.qty === 0 ? t('shop.cart.removed') : t('shop.cart.updated')), result.capped ? 'info' : 'success', { headers })
    }
    case 'remove': {
      await removeFromCart(owner, parsed.data.sku)
      return redirectWithToast('/cart', t('shop.cart.removed'), 'success', { headers })
    }
  }
  return redirect('/cart')
}

export default function CartPage() {
  const t = useT()
  const { lines, itemsTotal, count, ready, courierFee, signedIn } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <div className="shop stack">
      <ShopNav cartCount={count} signedIn={signedIn} />
      <PageHeader title={t('shop.cart.title')} />
      {lines.length === 0 ? (
        <EmptyState title={t('shop.cart.empty')} action={<ButtonLink to="/shop">{t('shop.cart.continue')}</ButtonLink>} />
      ) : (
        <>
          <ul className="cart-lines" data-testid="cart-lines">
            {lines.map((line) => {
              const error = result?.sku === line.sku ? result.errors?.qty : undefined
              const errorId = `qty-error-${line.sku}`
              return (
                <li key={line.sku} className="cart-line" data-testid="cart-line">
                  <ProductImage image={line.image} sizes="5rem" className="cart-line-photo" />
                  <div className="cart-line-info">
                    <h2 className="cart-line-title">{line.slug ? <Link to={`/shop/${line.slug}`}>{line.title}</Link> : line.title}</h2>
                    {line.label ? <p className="muted">{line.label}</p> : null}
                    <p>
                      <Money qepik={line.unitPrice} /> × {line.qty} = <strong><Money qepik={line.lineTotal} /></strong>
                    </p>
                    {line.problem ? (
                      <p className="cart-problem" role="status">
                        {t(`shop.cart.problem.${line.problem}`, { count: line.stock })}
                        {line.problem === 'price_changed' ? (
                          <>
                            {' '}
                            <s>
                              <Money qepik={line.previousPrice} />
                            </s>{' '}
                            → <Money qepik={line.unitPrice} />
                          </>
                        ) : null}
                      </p>
                    ) : null}
                  </div>
                  <div className="cart-line-actions">
                    {line.problem !== 'not_available' && line.problem !== 'out_of_stock' ? (
                      <Form method="post" className="qty-form" noValidate>
                        <input type="hidden" name="intent" value="update" />
                        <input type="hidden" name="sku" value={line.sku} />
                        <label htmlFor={`qty-${line.sku}`} className="field-label">
                          {t('shop.cart.quantityFor', { title: line.title })}
                        </label>
                        <input
                          id={`qty-${line.sku}`}
                          name="qty"
                          type="number"
                          inputMode="numeric"
                          min={0}
                          max={Math.min(MAX_LINE_QTY, Math.max(line.stock, 1))}
                          defaultValue={line.problem === 'reduced' ? line.stock : line.qty}
                          className="input input-qty"
                          aria-invalid={error ? true : undefined}
                          aria-describedby={error ? errorId : undefined}
                        />
                        <Button variant="secondary" size="small">
                          {t('shop.cart.update')}
                        </Button>
                        {error ? (
                          <p id={errorId} className="field-error">
                            {error}
                          </p>
                        ) : null}
                      </Form>
                    ) : null}
                    <Form method="post">
                      <input type="hidden" name="intent" value="remove" />
                      <input type="hidden" name="sku" value={line.sku} />
                      <Button variant="link" size="small">
                        {t('shop.cart.remove')}
                        <span className="visually-hidden"> {line.title}</span>
                      </Button>
                    </Form>
                  </div>
                </li>
              )
            })}
          </ul>
          <FormError error={result?.formError} />
          <section className="cart-summary card" aria-labelledby="summary-title">
            <h2 id="summary-title" className="card-title">
              {t('shop.cart.summary')}
            </h2>
            <p className="cart-total">
              {t('shop.cart.items', { count })}: <Money qepik={itemsTotal} />
            </p>
            <p className="muted">
              {courierFee > 0 ? (
                <>
                  {t('shop.cart.deliveryNote')} <Money qepik={courierFee} />
                </>
              ) : (
                t('shop.cart.freeDelivery')
              )}
            </p>
            {ready ? (
              <ButtonLink to="/checkout" data-testid="go-checkout">
                {t('shop.cart.checkout')}
              </ButtonLink>
            ) : (
              <p className="notice">{t('shop.cart.fixFirst')}</p>
            )}
            <p>
              <Link to="/shop">{t('shop.cart.continue')}</Link>
            </p>
          </section>
        </>
      )}
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'shop.cart.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
