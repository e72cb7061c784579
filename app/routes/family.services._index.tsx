import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, Card, DataTable, DateTime, EmptyState, FileField, FormError, PageHeader, RadioGroup, StatusBadge, TextArea, TextField, useFocusFirstError, type Column } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { parseWith, type FieldErrors } from '#app/utils/form.server'
import { makeT, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { readServiceMessage } from '#app/utils/service-requests.server'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { maxUploadBytes } from '#app/utils/uploads.server'
import abadStyles from '#app/styles/abad.css'
import { getFamily } from '#models/family.server'
import { SERVICE_KINDS } from '#models/service-kinds'
import { createServiceRequest, listFamilyServiceRequests, unreadCount } from '#models/service-request.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: abadStyles }]

async function requireFamily(request: Request) {
  const user = await requireUser(request)
  if (!user.familyId) throw redirect('/family')
  const family = await getFamily(user.familyId)
  if (!family) throw new Response('Not found', { status: 404 })
  requireAbility(user, 'read', asSubject('Family', family))
  return { user, family }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { family } = await requireFamily(request)
  const requests = await listFamilyServiceRequests(family._id)
  return {
    maxBytes: maxUploadBytes(),
    requests: requests.map((r) => ({
      id: String(r._id),
      number: r.number,
      kind: r.kind,
      title: r.title,
      status: r.status,
      openedAt: r.openedAt.toISOString(),
      closedAt: r.closedAt?.toISOString() ?? null,
      assigneeName: r.assigneeName,
      unread: unreadCount(r, 'family'),
    })),
  }
}

const RequestSchema = z.object({
  kind: z.enum(SERVICE_KINDS, { message: 'form.required' }),
  title: z.string().trim().min(3, 'form.tooShort').max(140, 'form.tooLong'),
  body: z.string().trim().min(10, 'form.tooShort').max(4000, 'form.tooLong'),
})

export async function action({ request }: ActionFunctionArgs) {
  const { user, family } = await requireFamily(request)
  const t = makeT(await getLocale(request))
  const read = await readServiceMessage(request, t)
  if (!read.ok) return read.response
  const form = parseWith(RequestSchema, { kind: read.fields.get('kind') ?? undefined, title: read.fields.get('title') ?? '', body: read.body }, t)
  if (!form.ok) {
    await read.discard()
    return data({ ok: false as const, errors: form.errors as FieldErrors, formError: null as string | null }, { status: 400 })
  }
  requireAbility(user, 'create', asSubject('ServiceRequest', { familyId: family._id, kind: form.data.kind }))
  const created = await createServiceRequest({
    family: { _id: family._id, name: family.name, region: family.region },
    kind: form.data.kind,
    title: form.data.title,
    body: form.data.body,
    files: read.files,
    requester: { _id: user._id, name: user.name },
  })
  return redirectWithToast(`/family/services/${created._id}`, t('service.created', { number: created.number }))
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>['requests'][number]

export default function FamilyServicesPage() {
  const t = useT()
  const { requests, maxBytes } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors: FieldErrors = actionData?.errors ?? {}
  const formRef = useFocusFirstError(errors, actionData?.formError)
  const columns: Column<Row>[] = [
    { key: 'number', header: t('service.col.number'), rowHeader: true, cell: (row) => <Link to={`/family/services/${row.id}`}>{row.number}</Link> },
    { key: 'title', header: t('service.col.title'), cell: (row) => row.title },
    { key: 'kind', header: t('service.col.kind'), cell: (row) => t(`service.kind.${row.kind}`) },
    { key: 'openedAt', header: t('service.col.opened'), cell: (row) => <DateTime value={row.openedAt} dateOnly /> },
    {
      key: 'status',
      header: t('service.col.status'),
      cell: (row) => (
        <>
          <StatusBadge status={row.status} label={t(`service.status.${row.status}`)} />
          {row.unread ? <span className="badge badge-info">{t('family.messages.unread', { count: row.unread })}</span> : null}
        </>
      ),
    },
  ]
  return (
    <div className="stack">
      <PageHeader title={t('service.title')} description={t('service.intro')} />
      <DataTable caption={t('service.mine')} columns={columns} rows={requests} rowKey={(row) => row.id} empty={<EmptyState title={t('service.none')} />} />
      <Card title={t('service.new.title')}>
        <Form method="post" encType="multipart/form-data" className="stack" noValidate ref={formRef}>
          <FormError error={actionData?.formError} />
          <RadioGroup
            name="kind"
            label={t('service.new.kind')}
            required
            options={SERVICE_KINDS.map((kind) => ({ value: kind, label: t(`service.kind.${kind}`), hint: t(`service.kindHint.${kind}`) }))}
            error={errors.kind}
          />
          <TextField name="title" label={t('service.new.subject')} required maxLength={140} error={errors.title} />
          <TextArea name="body" label={t('service.new.body')} hint={t('service.new.bodyHint')} required rows={5} maxLength={4000} error={errors.body} />
          <FileField name="files" label={t('service.attach')} accept="image/jpeg,image/png,image/webp,application/pdf" maxSize={maxBytes} multiple error={errors.files} />
          <Button type="submit">{t('service.new.submit')}</Button>
        </Form>
      </Card>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'service.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
