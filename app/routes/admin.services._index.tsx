import { type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useLocation } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, CheckboxField, DataTable, DateTime, EmptyState, PageHeader, Pager, SelectField, StatusBadge, readPage, readSort, withParams, type Column } from '#app/components/ui/index'
import { abilityFor, requireUser } from '#app/utils/auth.server'
import { getEnv } from '#app/utils/env.server'
import { formatNumber, useLocale, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { scopeFor } from '#app/utils/scope.server'
import abadStyles from '#app/styles/abad.css'
import { ABAD_REGIONS } from '#models/application-abad'
import { SERVICE_KINDS, SERVICE_QUEUE_SORTS, SERVICE_STATUSES, type ServiceKind, type ServiceStatus } from '#models/service-kinds'
import { listServiceQueue, serviceWorkingDays, unreadCount } from '#models/service-request.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: abadStyles }]

const PER_PAGE = 20
const pick = <T extends string>(value: string | null, allowed: readonly T[]) => (value && (allowed as readonly string[]).includes(value) ? (value as T) : undefined)

/** Staff queue of support requests: each reader sees the kinds their role handles (and their region unless lead). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const ability = abilityFor(user)
  // families read their own requests on /family/services; this page is for the staff who handle them
  if (!['case_manager', 'sales_manager', 'admin'].some((role) => user.roles.includes(role as never))) throw new Response('Forbidden', { status: 403 })
  const params = new URL(request.url).searchParams
  const status = pick(params.get('status'), SERVICE_STATUSES) as ServiceStatus | undefined
  const kind = pick(params.get('kind'), SERVICE_KINDS) as ServiceKind | undefined
  const region = pick(params.get('region'), ABAD_REGIONS)
  const assignee = pick(params.get('assignee'), ['me', 'unassigned'] as const)
  const overdue = params.get('overdue') === 'on'
  const sort = readSort(params, SERVICE_QUEUE_SORTS, { key: 'openedAt', dir: 'asc' })
  const page = readPage(params)
  const targetDays = getEnv().SERVICE_TARGET_DAYS
  const now = new Date()
  const result = await listServiceQueue({
    scope: scopeFor(ability, 'read', 'ServiceRequest'),
    status,
    kind,
    region,
    assignee,
    overdue,
    userId: String(user._id),
    targetDays,
    sort: sort.key as (typeof SERVICE_QUEUE_SORTS)[number],
    dir: sort.dir === 'asc' ? 1 : -1,
    page,
    perPage: PER_PAGE,
    now,
  })
  return {
    filters: { status, kind, region, assignee, overdue },
    sort,
    page,
    total: result.total,
    byStatus: result.byStatus,
    targetDays,
    rows: result.items.map((r) => {
      const days = serviceWorkingDays(r, now)
      const open = r.status === 'requested' || r.status === 'in_progress'
      return {
        id: String(r._id),
        number: r.number,
        familyName: r.familyName,
        region: r.region,
        kind: r.kind,
        title: r.title,
        status: r.status,
        assigneeName: r.assigneeName,
        openedAt: r.openedAt.toISOString(),
        days: Math.round(days * 10) / 10,
        overTarget: days > targetDays,
        open,
        unread: unreadCount(r, 'staff'),
      }
    }),
  }
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>['rows'][number]

export default function ServiceQueuePage() {
  const t = useT()
  const locale = useLocale()
  const location = useLocation()
  const { filters, sort, page, total, byStatus, rows, targetDays } = useLoaderData<typeof loader>()
  const columns: Column<Row>[] = [
    {
      key: 'number',
      header: t('service.col.number'),
      sortable: true,
      rowHeader: true,
      cell: (row) => (
        <>
          <Link to={`/admin/services/${row.id}`}>{row.number}</Link>
          {row.unread ? <span className="badge badge-info">{t('family.messages.unread', { count: row.unread })}</span> : null}
        </>
      ),
    },
    { key: 'familyName', header: t('service.col.family'), sortable: true, cell: (row) => row.familyName },
    { key: 'region', header: t('review.col.region'), sortable: true, cell: (row) => (row.region ? t(`abad.region.${row.region}`) : '—') },
    { key: 'kind', header: t('service.col.kind'), sortable: true, cell: (row) => t(`service.kind.${row.kind}`) },
    { key: 'title', header: t('service.col.title'), cell: (row) => row.title },
    { key: 'openedAt', header: t('service.col.opened'), sortable: true, cell: (row) => <DateTime value={row.openedAt} dateOnly /> },
    {
      key: 'time',
      header: t('service.col.time'),
      align: 'end',
      cell: (row) => (
        <span className={row.overTarget ? 'overdue-text' : undefined}>
          {t('service.days', { days: formatNumber(row.days, locale), target: targetDays })}
          {row.overTarget && row.open ? (
            <>
              {' '}
              <StatusBadge status="overdue" label={t('review.overdue')} />
            </>
          ) : null}
        </span>
      ),
    },
    { key: 'status', header: t('service.col.status'), sortable: true, cell: (row) => <StatusBadge status={row.status} label={t(`service.status.${row.status}`)} /> },
    { key: 'assignee', header: t('review.col.assignee'), cell: (row) => row.assigneeName || <span className="muted">{t('review.unassigned')}</span> },
  ]
  const statusHref = (status: string | null) => `/admin/services${withParams(location.search, { status, page: null })}`
  const all = Object.values(byStatus).reduce((sum, n) => sum + n, 0)
  return (
    <div className="stack">
      <PageHeader title={t('service.queue.title')} description={t('service.queue.intro', { days: targetDays })} />
      <nav aria-label={t('review.byStatus')} className="tabs">
        <ul>
          <li>
            <Link to={statusHref(null)} className={!filters.status ? 'tab is-active' : 'tab'} aria-current={!filters.status ? 'page' : undefined}>
              {t('review.allStatuses')} <span className="tab-count">{all}</span>
            </Link>
          </li>
          {SERVICE_STATUSES.map((status) => (
            <li key={status}>
              <Link to={statusHref(status)} className={filters.status === status ? 'tab is-active' : 'tab'} aria-current={filters.status === status ? 'page' : undefined}>
                {t(`service.status.${status}`)} <span className="tab-count">{byStatus[status]}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <Form method="get" className="filters" aria-label={t('review.filters')}>
        {filters.status ? <input type="hidden" name="status" value={filters.status} /> : null}
        <SelectField name="kind" label={t('service.col.kind')} defaultValue={filters.kind ?? ''} placeholder={t('review.any')} options={SERVICE_KINDS.map((k) => ({ value: k, label: t(`service.kind.${k}`) }))} />
        <SelectField name="region" label={t('review.col.region')} defaultValue={filters.region ?? ''} placeholder={t('review.any')} options={ABAD_REGIONS.map((r) => ({ value: r, label: t(`abad.region.${r}`) }))} />
        <SelectField
          name="assignee"
          label={t('review.col.assignee')}
          defaultValue={filters.assignee ?? ''}
          placeholder={t('review.any')}
          options={[
            { value: 'me', label: t('review.assignedToMe') },
            { value: 'unassigned', label: t('review.unassigned') },
          ]}
        />
        <CheckboxField name="overdue" label={t('service.overTargetOnly', { days: targetDays })} defaultChecked={filters.overdue} />
        <div className="filter-actions">
          <Button type="submit" variant="secondary">
            {t('review.applyFilters')}
          </Button>
          <Link to="/admin/services">{t('review.clearFilters')}</Link>
        </div>
      </Form>
      <DataTable caption={t('service.queue.title')} hideCaption columns={columns} rows={rows} rowKey={(row) => row.id} sort={sort} empty={<EmptyState title={t('service.queue.empty')} />} />
      <Pager page={page} pageSize={PER_PAGE} total={total} />
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'service.queue.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
