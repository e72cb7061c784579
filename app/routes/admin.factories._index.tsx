import { type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Card, EmptyState, PageHeader } from '#app/components/ui/index'
import { hasRole, requireAbility, requireUser } from '#app/utils/auth.server'
import { pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import factoryStyles from '#app/styles/factory.css'
import { getCourseTitles } from '#models/course.server'
import { listFactories } from '#models/factory.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: factoryStyles }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  if (!hasRole(user, 'technician', 'sales_manager', 'admin')) throw new Response('Forbidden', { status: 403 })
  const ability = requireAbility(user, 'read', 'Factory')
  const locale = await getLocale(request)
  const factories = await listFactories()
  const courses = await getCourseTitles(factories.flatMap((f) => f.lines.flatMap((l) => l.rules.prerequisites.map((p) => p.certificateOfCourseId))))
  return {
    mayManage: ability.can('update', 'Line'),
    factories: factories.map((f) => ({
      id: String(f._id),
      code: f.code,
      kind: f.kind,
      name: pickText(f.name, locale),
      address: f.address,
      openingHours: f.openingHours,
      closedDays: f.closedDays,
      lines: f.lines.map((line) => ({
        id: String(line._id),
        code: line.code,
        name: pickText(line.name, locale),
        capacity: line.capacity,
        categories: line.productCategories,
        equipment: line.equipment.map((e) => pickText(e, locale)),
        certificates: line.rules.prerequisites.map((p) => pickText(courses.get(String(p.certificateOfCourseId))?.title, locale)).filter(Boolean),
        quotaUpcoming: line.rules.quotaUpcoming,
        quotaPerWeek: line.rules.quotaPerWeek,
      })),
    })),
  }
}

export default function FactoriesPage() {
  const t = useT()
  const page = useLoaderData<typeof loader>()
  return (
    <div className="stack factory">
      <PageHeader title={t('admin.factories.title')} description={t('admin.factories.description')} />
      {page.factories.length === 0 ? <EmptyState title={t('admin.factories.none')} /> : null}
      {page.factories.map((factory) => (
        <Card key={factory.id} title={`${factory.name} (${factory.code})`}>
          {factory.address ? <p className="muted">{factory.address}</p> : null}
          {page.mayManage ? (
            <p>
              <Link to={`/admin/factories/${factory.id}`}>{t('factory.details.edit')}</Link>
            </p>
          ) : null}
          {factory.openingHours.length ? (
            <p>
              <strong>{t('admin.factories.openingHours')}:</strong> {factory.openingHours.map((h) => `${t(`weekday.${h.weekday}`)} ${h.opens}–${h.closes}`).join(', ')}
            </p>
          ) : null}
          {factory.closedDays.length ? (
            <p>
              <strong>{t('admin.factories.closedDays')}:</strong> {factory.closedDays.map((d) => (d.reason ? `${d.date} (${d.reason})` : d.date)).join(', ')}
            </p>
          ) : null}
          <h3>{t('admin.factories.lines')}</h3>
          <ul className="plain-list">
            {factory.lines.map((line) => (
              <li key={line.id} className="list-row">
                <div>
                  <p>
                    <strong>{line.name}</strong> <span className="mono">{line.code}</span> · {t('admin.factories.workstations', { count: line.capacity })}
                  </p>
                  {line.categories.length ? (
                    <p className="muted">
                      {t('admin.factories.categories')}: {line.categories.join(', ')}
                    </p>
                  ) : null}
                  {line.equipment.length ? (
                    <p className="muted">
                      {t('shifts.equipment')}: {line.equipment.join(', ')}
                    </p>
                  ) : null}
                  {line.certificates.length ? (
                    <p className="muted">
                      {t('admin.factories.certificates')}: {line.certificates.join(', ')}
                    </p>
                  ) : null}
                  <p className="muted">{t('admin.factories.quota', { upcoming: line.quotaUpcoming, week: line.quotaPerWeek })}</p>
                </div>
                {page.mayManage ? <Link to={`/admin/factories/lines/${line.id}`}>{t('admin.factories.manage')}</Link> : null}
              </li>
            ))}
          </ul>
        </Card>
      ))}
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'admin.factories.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
