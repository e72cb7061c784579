import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { ButtonLink, Card, DataTable, DateTime, EmptyState, PageHeader, StatusBadge, type Column } from '#app/components/ui/index'
import { abilityFor } from '#app/utils/auth.server'
import { requireFamilyMember } from '#app/utils/catalogue-forms.server'
import { brandView } from '#app/utils/catalogue-view.server'
import { useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { scopeFor } from '#app/utils/scope.server'
import { listBrandingRequests, listFamilyBrands } from '#models/branding.server'
import catalogueStyles from '#app/styles/catalogue.css'


export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogueStyles }]
export async function loader({ request }: LoaderFunctionArgs) {
  const { user, familyId } = await requireFamilyMember(request)
  const ability = abilityFor(user)
  const [requests, brands] = await Promise.all([listBrandingRequests(scopeFor(ability, 'read', 'BrandingRequest'), { perPage: 100 }), listFamilyBrands(familyId)])
  return {
    requests: requests.items.map((item) => ({
      id: String(item._id),
      ref: item.ref,
      title: item.title,
      status: item.status,
      designerName: item.designerName ?? '',
      deadline: item.deadline ? new Date(item.deadline).toISOString() : null,
      versions: item.versionCount ?? 0,
    })),
    brands: brands.map(brandView),
  }
}

type Row = Awaited<ReturnType<typeof loader>>['requests'][number]

export default function FamilyBrandingPage() {
  const t = useT()
  const { requests, brands } = useLoaderData<typeof loader>()
  const columns: Column<Row>[] = [
    { key: 'title', header: t('branding.field.title'), rowHeader: true, cell: (row) => <Link to={`/family/branding/${row.id}`}>{row.title}</Link> },
    { key: 'ref', header: t('branding.field.ref'), cell: (row) => row.ref },
    { key: 'status', header: t('branding.field.status'), cell: (row) => <StatusBadge status={row.status} /> },
    { key: 'designer', header: t('branding.field.designer'), cell: (row) => row.designerName || t('branding.unassigned') },
    { key: 'versions', header: t('branding.field.versions'), align: 'end', cell: (row) => row.versions },
    { key: 'deadline', header: t('branding.field.deadline'), cell: (row) => (row.deadline ? <DateTime value={row.deadline} dateOnly /> : '—') },
  ]
  return (
    <div className="stack">
      <PageHeader title={t('branding.family.title')} description={t('branding.family.intro')} actions={<ButtonLink to="/family/branding/new">{t('branding.family.new')}</ButtonLink>} />
      <DataTable
        caption={t('branding.family.requests')}
        columns={columns}
        rows={requests}
        rowKey={(row) => row.id}
        empty={<EmptyState title={t('branding.family.empty')} action={<ButtonLink to="/family/branding/new">{t('branding.family.new')}</ButtonLink>} />}
      />
      <Card title={t('branding.brands.title')}>
        {brands.length ? (
          <ul className="brand-list" data-testid="brand-list">
            {brands.map((brand) => (
              <li key={brand.id} className="brand-item">
                {brand.logo ? <img src={brand.logo.src} srcSet={brand.logo.srcSet} sizes="96px" alt={t('branding.brands.logoAlt', { name: brand.name })} width={96} height={96} /> : null}
                <div>
                  <strong>{brand.name}</strong>
                  {brand.approvedAt ? (
                    <p className="muted">
                      {t('branding.brands.approvedOn')} <DateTime value={brand.approvedAt} dateOnly />
                    </p>
                  ) : null}
                  {brand.label ? <a href={brand.label.href}>{t('branding.brands.label')}</a> : null}
                </div>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t('branding.brands.none')}</p>
        )}
      </Card>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'branding.family.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
