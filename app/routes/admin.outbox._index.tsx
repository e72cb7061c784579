import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, DataTable, DateTime, EmptyState, PageHeader, Pager, StatusBadge, TextField, readPage, type Column } from '#app/components/ui/index'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { listOutbox } from '#models/outbox.server'

const PER_PAGE = 20

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  requireAbility(user, 'read', 'Outbox')
  const url = new URL(request.url)
  const to = (url.searchParams.get('to') ?? '').trim().slice(0, 200)
  const page = readPage(url.searchParams)
  const result = await listOutbox({ to: to || undefined, page, perPage: PER_PAGE })
  return {
    to,
    page,
    total: result.total,
    messages: result.items.map((message) => ({
      id: String(message._id),
      to: message.to,
      subject: message.subject,
      template: message.template,
      locale: message.locale,
      status: message.status,
      createdAt: new Date(message.createdAt).toISOString(),
    })),
  }
}

type MessageRow = Awaited<ReturnType<typeof loader>>['messages'][number]

export default function OutboxPage() {
  const t = useT()
  const { to, page, total, messages } = useLoaderData<typeof loader>()
  const columns: Column<MessageRow>[] = [
    { key: 'createdAt', header: t('admin.outbox.created'), cell: (row) => <DateTime value={row.createdAt} /> },
    { key: 'to', header: t('admin.outbox.to'), cell: (row) => row.to },
    { key: 'subject', header: t('admin.outbox.subject'), rowHeader: true, cell: (row) => <Link to={`/admin/outbox/${row.id}`}>{row.subject}</Link> },
    { key: 'template', header: t('admin.outbox.template'), cell: (row) => <code>{row.template}</code> },
    { key: 'locale', header: t('admin.outbox.locale'), cell: (row) => row.locale },
    { key: 'status', header: t('admin.outbox.status'), cell: (row) => <StatusBadge status={row.status} label={t(`outbox.status.${row.status}`)} /> },
  ]
  return (
    <div className="stack">
      <PageHeader title={t('admin.outbox.title')} description={t('admin.outbox.intro')} />
      <Form method="get" className="filters" role="search" aria-label={t('admin.outbox.search')}>
        <TextField name="to" type="search" label={t('admin.outbox.search')} defaultValue={to} />
        <div className="filters-actions">
          <Button type="submit" variant="secondary">
            {t('admin.users.filter')}
          </Button>
          {to ? <Link to="/admin/outbox">{t('admin.users.clear')}</Link> : null}
        </div>
      </Form>
      <DataTable
        caption={t('admin.outbox.caption')}
        hideCaption
        columns={columns}
        rows={messages}
        rowKey={(row) => row.id}
        empty={<EmptyState title={t('admin.outbox.none')} />}
      />
      <Pager page={page} pageSize={PER_PAGE} total={total} />
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'admin.outbox.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
