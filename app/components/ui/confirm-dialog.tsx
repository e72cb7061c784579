import { Form, useFetchers, useNavigation, type FormProps } from '@remix-run/react'
import { useEffect, useId, useRef, type ReactNode } from 'react'
import { useT } from '#app/utils/i18n'
import { Button, type ButtonVariant } from './button'
import { useHydrated } from './use-hydrated'

export type ConfirmDialogProps = {
  /** The trigger's text, e.g. "Cancel booking". */
  label: ReactNode
  title?: ReactNode
  /** What will happen, in one or two sentences. */
  message: ReactNode
  /** The confirm button's text; defaults to the trigger's. */
  confirmLabel?: ReactNode
  /** Sent with the submit, like a plain button's name/value (`intent=cancel`). */
  name?: string
  value?: string
  /** Hidden inputs (ids) that go with the action. */
  children?: ReactNode
  variant?: ButtonVariant
  method?: 'post' | 'put' | 'patch' | 'delete'
  action?: string
  formProps?: Omit<FormProps, 'method' | 'action' | 'children'>
  size?: 'normal' | 'small'
}

/**
 * A destructive action behind a question. With JavaScript the trigger opens a modal `<dialog>`
 * (focus is trapped and returned by the browser); without it the trigger is a plain submit
 * button, so the action still works — the server decides, the dialog only asks.
 */
export function ConfirmDialog({
  label,
  title,
  message,
  confirmLabel,
  name,
  value,
  children,
  variant = 'danger',
  method = 'post',
  action,
  formProps,
  size,
}: ConfirmDialogProps) {
  const t = useT()
  const hydrated = useHydrated()
  const dialogRef = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const messageId = useId()
  const submitted = useRef(false)
  const navigation = useNavigation()
  const fetchers = useFetchers()
  const busy = navigation.state !== 'idle' || fetchers.some((fetcher) => fetcher.state !== 'idle')
  // the dialog stays open while its submit runs (the confirm button shows it is working) and closes when it is done
  useEffect(() => {
    if (!busy && submitted.current) {
      submitted.current = false
      dialogRef.current?.close()
    }
  }, [busy])
  return (
    <Form method={method} action={action} className="confirm-form" {...formProps}>
      {children}
      <Button
        type={hydrated ? 'button' : 'submit'}
        variant={variant}
        size={size}
        name={hydrated ? undefined : name}
        value={hydrated ? undefined : value}
        aria-haspopup={hydrated ? 'dialog' : undefined}
        onClick={hydrated ? () => dialogRef.current?.showModal() : undefined}
      >
        {label}
      </Button>
      {hydrated ? (
        <dialog ref={dialogRef} className="dialog" aria-labelledby={titleId} aria-describedby={messageId}>
          <h2 id={titleId} className="dialog-title">
            {title ?? t('ui.dialog.title')}
          </h2>
          <div id={messageId} className="dialog-body">
            {message}
          </div>
          <div className="dialog-actions">
            <Button type="button" variant="secondary" onClick={() => dialogRef.current?.close()} autoFocus>
              {t('form.cancel')}
            </Button>
            <Button type="submit" variant={variant} name={name} value={value} onClick={() => (submitted.current = true)}>
              {confirmLabel ?? label}
            </Button>
          </div>
        </dialog>
      ) : null}
    </Form>
  )
}
