import type { LinksFunction, ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, DataTable, DateTime, EmptyState, PageHeader, Pager, SelectField, StatusBadge, readPage, type Column } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { hasRole, requireAbility, requireUser } from '#app/utils/auth.server'
import { BRANDING_STATUS_KEYS } from '#app/utils/catalogue'
import { refuse } from '#app/utils/form.server'
import { makeT, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { scopeFor } from '#app/utils/scope.server'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { assignDesigner, getBrandingRequest, listBrandingRequests } from '#models/branding.server'
import catalogueStyles from '#app/styles/catalogue.css'

const PER_PAGE = 25

async function requireDesigner(request: Request) {
  const user = await requireUser(request)
  if (!hasRole(user, 'designer', 'admin')) throw new Response('Forbidden', { status: 403 })
  const ability = requireAbility(user, 'read', 'BrandingRequest')
  return { user, ability }
}


export const links: LinksFunction = () => [{ rel: 'stylesheet', href: catalogueStyles }]
export async function loader({ request }: LoaderFunctionArgs) {
  const { user, ability } = await requireDesigner(request)
  const url = new URL(request.url)
  const statusParam = url.searchParams.get('status') ?? 'open'
  const status = statusParam === 'all' || statusParam === 'open' || (BRANDING_STATUS_KEYS as readonly string[]).includes(statusParam) ? statusParam : 'open'
  const who = url.searchParams.get('who') ?? ''
  const page = readPage(url.searchParams)
  const result = await listBrandingRequests(scopeFor(ability, 'read', 'BrandingRequest'), {
    status: status === 'all' ? undefined : status,
    designerId: who === 'mine' ? String(user._id) : undefined,
    unassigned: who === 'unassigned',
    page,
    perPage: PER_PAGE,
  })
  return {
    filters: { status, who },
    page,
    total: result.total,
    requests: result.items.map((item) => ({
      id: String(item._id),
      ref: item.ref,
      title: item.title,
      familyName: item.familyName ?? '',
      status: item.status,
      designerName: item.designerName ?? '',
      deadline: item.deadline ? new Date(item.deadline).toISOString() : null,
      versions: item.versionCount ?? 0,
      canTake: !item.designerId && ability.can('assign', asSubject('BrandingRequest', { ...item, designerId: null })) && item.status !== 'lead_approved',
    })),
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const { user } = await requireDesigner(request)
  const t = makeT(await getLocale(request))
  const form = await request.formData()
  const branding = await getBrandingRequest(String(form.get('requestId') ?? ''))
  if (!branding) throw new Response('Not found', { status: 404 })
  requireAbility(user, 'assign', asSubject('BrandingRequest', branding))
  const result = await assignDesigner(String(branding._id), { _id: user._id, name: user.name }, user, { onlyIfFree: true })
  if (!result.ok) return refuse(t('branding.error.taken'))
  return redirectWithToast(`/design/${branding._id}`, t('branding.toast.taken', { ref: branding.ref }))
}

type Row = Awaited<ReturnType<typeof loader>>['requests'][number]

export default function DesignQueuePage() {
  const t = useT()
  const { filters, page, total, requests } = useLoaderData<typeof loader>()
  const columns: Column<Row>[] = [
    { key: 'title', header: t('branding.field.title'), rowHeader: true, cell: (row) => <Link to={`/design/${row.id}`}>{row.title}</Link> },
    { key: 'family', header: t('branding.field.family'), cell: (row) => row.familyName },
    { key: 'status', header: t('branding.field.status'), cell: (row) => <StatusBadge status={row.status} /> },
    { key: 'designer', header: t('branding.field.designer'), cell: (row) => row.designerName || t('branding.unassigned') },
    { key: 'versions', header: t('branding.field.versions'), align: 'end', cell: (row) => row.versions },
    { key: 'deadline', header: t('branding.field.deadline'), cell: (row) => (row.deadline ? <DateTime value={row.deadline} dateOnly /> : '—') },
    {
      key: 'take',
      header: t('branding.queue.action'),
      cell: (row) =>
        row.canTake ? (
          <Form method="post">
            <input type="hidden" name="requestId" value={row.id} />
            <Button type="submit" size="small" variant="secondary">
              {t('branding.queue.take')}
            </Button>
          </Form>
        ) : null,
    },
  ]
  return (
    <div className="stack">
      <PageHeader title={t('branding.queue.title')} description={t('branding.queue.intro')} />
      <Form method="get" className="filters">
        <SelectField
          name="status"
          label={t('branding.field.status')}
          defaultValue={filters.status}
          options={[
            { value: 'open', label: t('branding.queue.open') },
            { value: 'all', label: t('branding.queue.all') },
            ...BRANDING_STATUS_KEYS.map((key) => ({ value: key, label: t(`status.${key}`) })),
          ]}
        />
        <SelectField
          name="who"
          label={t('branding.field.designer')}
          defaultValue={filters.who}
          placeholder={t('branding.queue.anyone')}
          options={[
            { value: 'mine', label: t('branding.queue.mine') },
            { value: 'unassigned', label: t('branding.unassigned') },
          ]}
        />
        <div className="filters-actions">
          <Button type="submit" variant="secondary">
            {t('catalogue.admin.filter')}
          </Button>
        </div>
      </Form>
      <DataTable caption={t('branding.queue.title')} hideCaption columns={columns} rows={requests} rowKey={(row) => row.id} empty={<EmptyState title={t('branding.queue.empty')} />} />
      <Pager page={page} pageSize={PER_PAGE} total={total} />
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'branding.queue.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
