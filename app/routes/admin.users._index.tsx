import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import {
  Button,
  ButtonLink,
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
  type Column,
} from '#app/components/ui/index'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { scopeFor } from '#app/utils/scope.server'
import { useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { ROLES, type Role } from '#models/user-rules'
import { listUsers } from '#models/user.server'

const PER_PAGE = 20
const SORTABLE = ['name', 'email', 'createdAt'] as const
const STATUSES = ['active', 'invited', 'disabled'] as const

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const ability = requireAbility(user, 'manage', 'User')
  const url = new URL(request.url)
  const q = (url.searchParams.get('q') ?? '').trim().slice(0, 100)
  const roleParam = url.searchParams.get('role') ?? ''
  const role = (ROLES as readonly string[]).includes(roleParam) ? (roleParam as Role) : undefined
  const statusParam = url.searchParams.get('status') ?? ''
  const status = (STATUSES as readonly string[]).includes(statusParam) ? statusParam : undefined
  const sort = readSort(url.searchParams, SORTABLE, { key: 'createdAt', dir: 'desc' })
  const page = readPage(url.searchParams)
  const result = await listUsers({
    scope: scopeFor(ability, 'read', 'User'),
    q: q || undefined,
    role,
    status,
    sort: sort.key as (typeof SORTABLE)[number],
    dir: sort.dir === 'asc' ? 1 : -1,
    page,
    perPage: PER_PAGE,
  })
  return {
    filters: { q, role: role ?? '', status: status ?? '' },
    roles: [...ROLES],
    statuses: [...STATUSES],
    sort,
    page,
    total: result.total,
    users: result.items.map((item) => ({
      id: String(item._id),
      name: item.name,
      email: item.email,
      roles: [...item.roles],
      lead: Boolean(item.lead),
      status: item.status,
      createdAt: item.createdAt ? new Date(item.createdAt).toISOString() : null,
    })),
  }
}

type UserRow = Awaited<ReturnType<typeof loader>>['users'][number]

export default function AdminUsersPage() {
  const t = useT()
  const { filters, roles, statuses, sort, page, total, users } = useLoaderData<typeof loader>()
  const filtered = Boolean(filters.q || filters.role || filters.status)
  const columns: Column<UserRow>[] = [
    { key: 'name', header: t('admin.users.name'), sortable: true, rowHeader: true, cell: (row) => <Link to={`/admin/users/${row.id}`}>{row.name}</Link> },
    { key: 'email', header: t('admin.users.email'), sortable: true, cell: (row) => row.email },
    {
      key: 'roles',
      header: t('admin.users.roles'),
      cell: (row) => row.roles.map((role) => t(`role.${role}`)).join(', ') + (row.lead ? ` (${t('admin.users.lead')})` : ''),
    },
    { key: 'status', header: t('admin.users.status'), cell: (row) => <StatusBadge status={row.status} /> },
    { key: 'createdAt', header: t('admin.users.created'), sortable: true, cell: (row) => (row.createdAt ? <DateTime value={row.createdAt} dateOnly /> : '—') },
  ]
  return (
    <div className="stack">
      <PageHeader
        title={t('admin.users.title')}
        actions={
          <ButtonLink to="/admin/users/invite" data-testid="invite-staff">
            {t('admin.users.invite')}
          </ButtonLink>
        }
      />
      <Form method="get" className="filters" role="search" aria-label={t('admin.users.search')}>
        <TextField name="q" type="search" label={t('admin.users.search')} defaultValue={filters.q} />
        <SelectField
          name="role"
          label={t('admin.users.role')}
          defaultValue={filters.role}
          placeholder={t('admin.users.anyRole')}
          options={roles.map((role) => ({ value: role, label: t(`role.${role}`) }))}
        />
        <SelectField
          name="status"
          label={t('admin.users.status')}
          defaultValue={filters.status}
          placeholder={t('admin.users.anyStatus')}
          options={statuses.map((status) => ({ value: status, label: t(`status.${status}`) }))}
        />
        <div className="filters-actions">
          <Button type="submit" variant="secondary">
            {t('admin.users.filter')}
          </Button>
          {filtered ? <Link to="/admin/users">{t('admin.users.clear')}</Link> : null}
        </div>
      </Form>
      <DataTable
        caption={t('admin.users.caption')}
        hideCaption
        columns={columns}
        rows={users}
        rowKey={(row) => row.id}
        sort={sort}
        empty={<EmptyState title={t('admin.users.none')} />}
      />
      <Pager page={page} pageSize={PER_PAGE} total={total} />
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'admin.users.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
