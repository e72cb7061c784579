import { type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useLocation } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import {
  Button,
  DataTable,
  DateTime,
  EmptyState,
  PageHeader,
  Pager,
  SelectField,
  StatusBadge,
  TextField,
  readPage,
  readSort,
  withParams,
  type Column,
} from '#app/components/ui/index'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { getEnv } from '#app/utils/env.server'
import { useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { scopeFor } from '#app/utils/scope.server'
import abadStyles from '#app/styles/abad.css'
import { ABAD_NEEDS, ABAD_REGIONS } from '#models/application-abad'
import { APPLICATION_STATUSES, QUEUE_AGES, QUEUE_SORTS, type ApplicationStatus } from '#models/application-states'
import { listApplicationQueue, type QueueFilters } from '#models/application.server'
import { addWorkingDays, isOverdue, workingDaysBetween } from '#models/working-days'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: abadStyles }]

const PER_PAGE = 20
const STATUSES = APPLICATION_STATUSES.filter((s) => s !== 'draft')
const pick = <T extends string>(value: string | null, allowed: readonly T[]) => (value && (allowed as readonly string[]).includes(value) ? (value as T) : undefined)

/** The case managers' review queue: only what the reader's ability lets them read (their region unless lead or admin). */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const ability = requireAbility(user, 'decide', 'Application')
  const url = new URL(request.url)
  const params = url.searchParams
  const filters: QueueFilters = {
    kind: 'abad',
    region: pick(params.get('region'), ABAD_REGIONS),
    status: pick(params.get('status'), STATUSES) as ApplicationStatus | undefined,
    age: pick(params.get('age'), QUEUE_AGES),
    need: pick(params.get('need'), ABAD_NEEDS),
    assignee: pick(params.get('assignee'), ['me', 'unassigned'] as const),
    q: (params.get('q') ?? '').trim().slice(0, 100) || undefined,
  }
  const sort = readSort(params, QUEUE_SORTS, { key: 'submittedAt', dir: 'asc' })
  const page = readPage(params)
  const decisionDays = getEnv().APPLICATION_DECISION_DAYS
  const now = new Date()
  const result = await listApplicationQueue({
    scope: scopeFor(ability, 'read', 'Application'),
    filters,
    sort: sort.key as (typeof QUEUE_SORTS)[number],
    dir: sort.dir === 'asc' ? 1 : -1,
    page,
    perPage: PER_PAGE,
    userId: String(user._id),
    decisionDays,
    now,
  })
  const regional = !user.lead && user.region && !user.roles.includes('admin') ? user.region : null
  return {
    filters: { ...filters, kind: undefined },
    sort,
    page,
    total: result.total,
    byStatus: result.byStatus,
    decisionDays,
    regional,
    rows: result.items.map((app) => {
      const undecided = app.status === 'submitted' || app.status === 'in_review'
      const household = (app.answers?.household ?? {}) as Record<string, unknown>
      const business = (app.answers?.business ?? {}) as Record<string, unknown>
      return {
        id: String(app._id),
        ref: app.ref ?? '—',
        applicantName: app.applicantName,
        region: app.region,
        village: typeof household.village === 'string' ? household.village : '',
        womenLed: household.womenLed === true,
        products: Array.isArray(business.products) ? (business.products as string[]) : [],
        needs: app.needs,
        status: app.status,
        assigneeName: app.assigneeName,
        submittedAt: app.submittedAt?.toISOString() ?? null,
        ageDays: app.submittedAt ? Math.floor(workingDaysBetween(app.submittedAt, app.decidedAt ?? now)) : 0,
        dueAt: app.submittedAt && undecided ? addWorkingDays(app.submittedAt, decisionDays).toISOString() : null,
        overdue: Boolean(app.submittedAt && undecided && isOverdue(app.submittedAt, decisionDays, now)),
      }
    }),
  }
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>['rows'][number]

export default function ApplicationQueuePage() {
  const t = useT()
  const location = useLocation()
  const { filters, sort, page, total, byStatus, rows, decisionDays, regional } = useLoaderData<typeof loader>()
  const all = Object.values(byStatus).reduce((sum, n) => sum + n, 0)
  const columns: Column<Row>[] = [
    {
      key: 'ref',
      header: t('review.col.ref'),
      sortable: true,
      rowHeader: true,
      cell: (row) => (
        <>
          <Link to={`/admin/applications/${row.id}`}>{row.ref}</Link>
          {row.overdue ? (
            <>
              {' '}
              <StatusBadge status="overdue" label={t('review.overdue')} />
            </>
          ) : null}
        </>
      ),
    },
    { key: 'applicantName', header: t('review.col.applicant'), sortable: true, cell: (row) => (row.womenLed ? `${row.applicantName} · ${t('review.womenLed')}` : row.applicantName) },
    { key: 'region', header: t('review.col.region'), sortable: true, cell: (row) => [row.region ? t(`abad.region.${row.region}`) : '—', row.village].filter(Boolean).join(' · ') },
    { key: 'products', header: t('review.col.products'), cell: (row) => row.products.map((p) => t(`abad.product.${p}`)).join(', ') || '—' },
    { key: 'needs', header: t('review.col.needs'), cell: (row) => row.needs.map((n) => t(`abad.need.${n}`)).join(', ') || '—' },
    {
      key: 'submittedAt',
      header: t('review.col.submitted'),
      sortable: true,
      cell: (row) =>
        row.submittedAt ? (
          <>
            <DateTime value={row.submittedAt} dateOnly />
            <br />
            <span className={row.overdue ? 'overdue-text' : 'muted'}>
              {t('review.age', { days: row.ageDays })}
              {row.dueAt ? (
                <>
                  {' · '}
                  {t('review.due')} <DateTime value={row.dueAt} dateOnly />
                </>
              ) : null}
            </span>
          </>
        ) : (
          '—'
        ),
    },
    { key: 'status', header: t('review.col.status'), sortable: true, cell: (row) => <StatusBadge status={row.status} label={t(`application.status.${row.status}`)} /> },
    { key: 'assigneeName', header: t('review.col.assignee'), sortable: true, cell: (row) => row.assigneeName || <span className="muted">{t('review.unassigned')}</span> },
  ]
  const statusHref = (status: string | null) => `/admin/applications${withParams(location.search, { status, page: null })}`
  return (
    <div className="stack">
      <PageHeader
        title={t('review.title')}
        description={regional ? t('review.regionalScope', { region: t(`abad.region.${regional}`), days: decisionDays }) : t('review.allScope', { days: decisionDays })}
      />
      <nav aria-label={t('review.byStatus')} className="tabs">
        <ul>
          <li>
            <Link to={statusHref(null)} className={!filters.status ? 'tab is-active' : 'tab'} aria-current={!filters.status ? 'page' : undefined}>
              {t('review.allStatuses')} <span className="tab-count">{all}</span>
            </Link>
          </li>
          {STATUSES.map((status) => (
            <li key={status}>
              <Link to={statusHref(status)} className={filters.status === status ? 'tab is-active' : 'tab'} aria-current={filters.status === status ? 'page' : undefined} data-testid={`count-${status}`}>
                {t(`application.status.${status}`)} <span className="tab-count">{byStatus[status as keyof typeof byStatus]}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <Form method="get" className="filters" aria-label={t('review.filters')}>
        {filters.status ? <input type="hidden" name="status" value={filters.status} /> : null}
        <TextField name="q" label={t('review.search')} defaultValue={filters.q ?? ''} type="search" />
        {!regional ? (
          <SelectField name="region" label={t('review.col.region')} defaultValue={filters.region ?? ''} placeholder={t('review.any')} options={ABAD_REGIONS.map((r) => ({ value: r, label: t(`abad.region.${r}`) }))} />
        ) : null}
        <SelectField name="age" label={t('review.ageFilter')} defaultValue={filters.age ?? ''} placeholder={t('review.any')} options={QUEUE_AGES.map((a) => ({ value: a, label: t(`review.ageFilter.${a}`, { days: decisionDays }) }))} />
        <SelectField name="need" label={t('review.col.needs')} defaultValue={filters.need ?? ''} placeholder={t('review.any')} options={ABAD_NEEDS.map((n) => ({ value: n, label: t(`abad.need.${n}`) }))} />
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
        {sort.key !== 'submittedAt' || sort.dir !== 'asc' ? (
          <>
            <input type="hidden" name="sort" value={sort.key} />
            <input type="hidden" name="dir" value={sort.dir} />
          </>
        ) : null}
        <div className="filter-actions">
          <Button type="submit" variant="secondary">
            {t('review.applyFilters')}
          </Button>
          <Link to="/admin/applications">{t('review.clearFilters')}</Link>
        </div>
      </Form>
      <DataTable
        caption={t('review.caption')}
        hideCaption
        columns={columns}
        rows={rows}
        rowKey={(row) => row.id}
        sort={sort}
        empty={<EmptyState title={t('review.empty')} />}
      />
      <Pager page={page} pageSize={PER_PAGE} total={total} />
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'review.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
