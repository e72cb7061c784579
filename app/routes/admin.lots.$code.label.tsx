import { type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, useHydrated } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { hasRole, requireAbility, requireUser } from '#app/utils/auth.server'
import { formatDate, pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import factoryStyles from '#app/styles/factory.css'
import { getFamily } from '#models/family.server'
import { effectiveLotStatus, getLotByCode } from '#models/lot.server'
import { getPlace } from '#models/place.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: factoryStyles }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  if (!hasRole(user, 'technician', 'sales_manager', 'admin')) throw new Response('Forbidden', { status: 403 })
  const lot = await getLotByCode((params.code ?? '').toUpperCase())
  if (!lot) throw new Response('Not found', { status: 404 })
  requireAbility(user, 'read', asSubject('Lot', { ...lot }))
  const locale = await getLocale(request)
  const [family, place] = await Promise.all([getFamily(lot.familyId), lot.placeId ? getPlace(lot.placeId) : null])
  const date = (value: Date) => formatDate(value, locale, { year: 'numeric', month: '2-digit', day: '2-digit' })
  return {
    code: lot.code,
    product: pickText(lot.productName, locale),
    sku: lot.sku,
    producedOn: date(lot.producedOn),
    bestBefore: lot.bestBefore ? date(lot.bestBefore) : null,
    family: [family?.name, family?.village || family?.region].filter(Boolean).join(', '),
    factory: place ? pickText(place.name, locale) : lot.factoryCode,
    status: effectiveLotStatus(lot),
  }
}

/** The ABAD mark: a pomegranate, drawn so it prints crisply in black. */
function AbadMark() {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <path d="M13 4h6l-1 3h-4z" fill="currentColor" />
      <circle cx="16" cy="18" r="11" fill="none" stroke="currentColor" strokeWidth="2.5" />
      <path d="M10 18c2-3 4-3 6 0s4 3 6 0" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  )
}

export default function LotLabelPage() {
  const t = useT()
  const label = useLoaderData<typeof loader>()
  const hydrated = useHydrated()
  return (
    <div className="lot-label-page">
      <p>
        <Link to={`/admin/lots/${label.code}`}>{t('lot.title', { code: label.code })}</Link>
      </p>
      {hydrated ? (
        <Button type="button" onClick={() => window.print()}>
          {t('label.print')}
        </Button>
      ) : null}
      <article className="lot-label" aria-label={t('label.title', { code: label.code })} data-testid="lot-label">
        <p className="lot-label-mark">
          <AbadMark />
          {t('label.mark')}
        </p>
        <h1 className="lot-label-product">{label.product}</h1>
        <dl>
          <dt>{t('label.lot')}</dt>
          <dd className="lot-label-code">{label.code}</dd>
          <dt>{t('label.producedOn')}</dt>
          <dd>{label.producedOn}</dd>
          {label.bestBefore ? (
            <>
              <dt>{t('label.bestBefore')}</dt>
              <dd>{label.bestBefore}</dd>
            </>
          ) : null}
          <dt>{t('label.madeBy')}</dt>
          <dd>{label.family}</dd>
          <dt>{t('label.factory')}</dt>
          <dd>{label.factory}</dd>
        </dl>
        {label.status === 'quarantined' ? <p className="lot-label-warning">{t('label.quarantine')}</p> : null}
        {label.status === 'recalled' ? <p className="lot-label-warning">{t('label.recalled')}</p> : null}
      </article>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ matches, data: label }) => pageTitle(matches, 'label.title', { code: label?.code ?? '' })

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
