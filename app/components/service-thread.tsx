import { Form, useNavigation } from '@remix-run/react'
import { Button, DateTime, FileField, FormError, TextArea, formatBytes, type FieldError } from '#app/components/ui/index'
import { useT } from '#app/utils/i18n'

export type ThreadMessage = { id: string; authorName: string; fromStaff: boolean; body: string; at: string; files: { id: string; name: string; type: string; size: number }[] }

/** The conversation on a service request, oldest first, with its files (served through an authorised route). */
export function ServiceThread({ requestId, messages, readAt, side }: { requestId: string; messages: ThreadMessage[]; readAt: string | null; side: 'family' | 'staff' }) {
  const t = useT()
  const read = readAt ? new Date(readAt).getTime() : 0
  return (
    <ol className="thread" aria-label={t('service.thread')} data-testid="thread">
      {messages.map((message) => {
        const unread = message.fromStaff === (side === 'family') && new Date(message.at).getTime() > read
        return (
          <li key={message.id} className={`thread-message ${message.fromStaff ? 'from-staff' : 'from-family'}${unread ? ' is-unread' : ''}`}>
            <p className="thread-meta">
              <strong>{message.authorName}</strong> · {message.fromStaff ? t('service.fromStaff') : t('service.fromFamily')} · <DateTime value={message.at} />
              {unread ? <span className="badge badge-info">{t('service.new')}</span> : null}
            </p>
            {message.body ? <p className="pre-line">{message.body}</p> : null}
            {message.files.length ? (
              <ul className="file-list">
                {message.files.map((file) => (
                  <li key={file.id}>
                    <a href={`/files/services/${requestId}/${file.id}`} target="_blank" rel="noreferrer">
                      {file.name}
                    </a>{' '}
                    <span className="muted">{formatBytes(file.size)}</span>
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        )
      })}
    </ol>
  )
}

/** Write on a request: text and/or files (one multipart form, checked like every upload). */
/** `resetKey` changes when a message was posted, which empties the form; a refused post keeps what was typed. */
export function ServiceMessageForm({ action, errors, formError, maxBytes, resetKey }: { action: string; errors: Record<string, FieldError>; formError?: string | null; maxBytes: number; resetKey: number }) {
  const t = useT()
  const navigation = useNavigation()
  const sending = navigation.state === 'submitting' && navigation.formAction === action && navigation.formEncType === 'multipart/form-data'
  return (
    <Form method="post" action={action} encType="multipart/form-data" className="stack" noValidate data-testid="message-form" key={resetKey}>
      <input type="hidden" name="intent" value="message" />
      <FormError error={formError} />
      <TextArea name="body" label={t('service.message')} rows={4} maxLength={4000} error={errors.body} />
      <FileField name="files" label={t('service.attach')} accept="image/jpeg,image/png,image/webp,application/pdf" maxSize={maxBytes} multiple error={errors.files} />
      <Button type="submit" pending={sending}>
        {t('service.send')}
      </Button>
    </Form>
  )
}
