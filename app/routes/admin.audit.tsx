import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { ChangeList } from '#app/components/audit-changes'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, DataTable, DateTime, EmptyState, PageHeader, Pager, TextField, readPage, type Column } from '#app/components/ui/index'
import { auditActionLabel, describeChanges } from '#app/utils/audit-format'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { makeT, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { scopeFor } from '#app/utils/scope.server'
import { getLocale } from '#app/utils/session.server'
import { listAuditEvents } from '#models/audit.server'

const PER_PAGE = 25

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const ability = requireAbility(user, 'read', 'AuditTrail')
  const t = makeT(await getLocale(request))
  const url = new URL(request.url)
  const param = (name: string) => (url.searchParams.get(name) ?? '').trim().slice(0, 100)
  const filters = { type: param('type'), id: param('id'), action: param('action') }
  const page = readPage(url.searchParams)
  const result = await listAuditEvents({
    scope: scopeFor(ability, 'read', 'AuditEvent'),
    subjectType: filters.type || undefined,
    subjectId: filters.id || undefined,
    action: filters.action || undefined,
    page,
    perPage: PER_PAGE,
  })
  return {
    filters,
    page,
    total: result.total,
    events: result.items.map((event) => ({
      id: String(event._id),
      at: new Date(event.at).toISOString(),
      actorId: event.actorId ? String(event.actorId) : null,
      actorName: event.actorName || (event.actorId ? String(event.actorId) : t('admin.audit.system')),
      action: event.action,
      subjectType: event.subject?.type ?? '',
      subjectId: event.subject?.id ?? '',
      reason: event.reason ?? '',
      changes: describeChanges(event.before, event.after, t),
    })),
  }
}

type EventRow = Awaited<ReturnType<typeof loader>>['events'][number]

function filterHref(type: string, id: string) {
  return `/admin/audit?${new URLSearchParams({ type, id })}`
}

export default function AuditPage() {
  const t = useT()
  const { filters, page, total, events } = useLoaderData<typeof loader>()
  const actionLabel = (action: string) => auditActionLabel(action, t)
  const columns: Column<EventRow>[] = [
    { key: 'at', header: t('admin.audit.at'), cell: (row) => <DateTime value={row.at} /> },
    {
      key: 'actor',
      header: t('admin.audit.actor'),
      cell: (row) => (row.actorId ? <Link to={`/admin/users/${row.actorId}`}>{row.actorName}</Link> : row.actorName),
    },
    {
      key: 'action',
      header: t('admin.audit.action'),
      rowHeader: true,
      cell: (row) => (
        <>
          {actionLabel(row.action)}
          {actionLabel(row.action) !== row.action ? <code className="muted"> {row.action}</code> : null}
        </>
      ),
    },
    {
      key: 'subject',
      header: t('admin.audit.subject'),
      cell: (row) => (
        <Link to={filterHref(row.subjectType, row.subjectId)}>
          {row.subjectType} <code>{row.subjectId}</code>
        </Link>
      ),
    },
    {
      key: 'changes',
      header: t('admin.audit.changes'),
      cell: (row) => (row.changes.length || row.reason ? <ChangeList changes={row.changes} reason={row.reason} /> : t('admin.audit.empty')),
    },
  ]
  const filtered = Boolean(filters.type || filters.id || filters.action)
  return (
    <div className="stack">
      <PageHeader title={t('admin.audit.title')} />
      <Form method="get" className="filters" role="search" aria-label={t('admin.audit.title')}>
        <TextField name="type" label={t('admin.audit.subjectType')} defaultValue={filters.type} placeholder="User" />
        <TextField name="id" label={t('admin.audit.subjectId')} defaultValue={filters.id} />
        <TextField name="action" label={t('admin.audit.action')} defaultValue={filters.action} placeholder="user.roles_changed" />
        <div className="filters-actions">
          <Button type="submit" variant="secondary">
            {t('admin.users.filter')}
          </Button>
          {filtered ? <Link to="/admin/audit">{t('admin.users.clear')}</Link> : null}
        </div>
      </Form>
      <DataTable
        caption={t('admin.audit.caption')}
        hideCaption
        columns={columns}
        rows={events}
        rowKey={(row) => row.id}
        empty={<EmptyState title={t('admin.audit.none')} />}
      />
      <Pager page={page} pageSize={PER_PAGE} total={total} />
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'admin.audit.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
