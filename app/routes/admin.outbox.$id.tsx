import { type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { Fragment } from 'react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Card, DateTime, PageHeader, StatusBadge } from '#app/components/ui/index'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { LOCALE_NAMES, isLocale, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getOutboxMessage } from '#models/outbox.server'

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  requireAbility(user, 'read', 'Outbox')
  const message = params.id ? await getOutboxMessage(params.id) : null
  if (!message) throw new Response('Not found', { status: 404 })
  return {
    message: {
      to: message.to,
      subject: message.subject,
      body: message.body,
      template: message.template,
      locale: message.locale,
      status: message.status,
      error: message.error ?? '',
      createdAt: new Date(message.createdAt).toISOString(),
    },
  }
}

const URL_PATTERN = /(https?:\/\/[^\s<>"]+)/g

/** Plain-text mail with its links clickable, built as elements (never as HTML from the mail). */
function MailBody({ text }: { text: string }) {
  return (
    <>
      {text.split(URL_PATTERN).map((part, index) =>
        index % 2 === 1 ? (
          <a key={index} href={part} data-testid="outbox-link">
            {part}
          </a>
        ) : (
          <Fragment key={index}>{part}</Fragment>
        ),
      )}
    </>
  )
}

export default function OutboxMessagePage() {
  const t = useT()
  const { message } = useLoaderData<typeof loader>()
  return (
    <div className="stack">
      <p>
        <Link to="/admin/outbox">← {t('admin.outbox.back')}</Link>
      </p>
      <PageHeader title={message.subject} eyebrow={<StatusBadge status={message.status} label={t(`outbox.status.${message.status}`)} />} />
      <Card>
        <dl className="details">
          <div>
            <dt>{t('admin.outbox.to')}</dt>
            <dd data-testid="outbox-to">{message.to}</dd>
          </div>
          <div>
            <dt>{t('admin.outbox.created')}</dt>
            <dd>
              <DateTime value={message.createdAt} />
            </dd>
          </div>
          <div>
            <dt>{t('admin.outbox.template')}</dt>
            <dd>
              <code>{message.template}</code>
            </dd>
          </div>
          <div>
            <dt>{t('admin.outbox.locale')}</dt>
            <dd>{isLocale(message.locale) ? LOCALE_NAMES[message.locale] : message.locale}</dd>
          </div>
          {message.error ? (
            <div>
              <dt>{t('admin.outbox.error')}</dt>
              <dd>{message.error}</dd>
            </div>
          ) : null}
        </dl>
      </Card>
      <Card title={t('admin.outbox.body')}>
        <div className="mail-body" style={{ whiteSpace: 'pre-wrap' }} data-testid="outbox-body" lang={message.locale}>
          <MailBody text={message.body} />
        </div>
      </Card>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'admin.outbox.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
