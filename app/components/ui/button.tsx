import { Link, useFetchers, useNavigation, type LinkProps } from '@remix-run/react'
import { forwardRef, useRef, type ButtonHTMLAttributes, type MouseEvent, type ReactNode, type Ref } from 'react'
import { useT } from '#app/utils/i18n'
import { cx } from './cx'

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'link'

export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: ButtonVariant
  /** Forces the pending state (e.g. a fetcher the caller tracks itself). */
  pending?: boolean
  /** Shown instead of the children while pending; defaults to "Working…". */
  pendingLabel?: ReactNode
  size?: 'normal' | 'small'
}

/**
 * The submit button that was clicked last. A click precedes the submit event (also for implicit
 * submission with Enter), so by the time the navigation or fetcher starts we know which button it
 * was — only that one shows "working", not every button posting to the same action.
 */
let lastSubmitter: HTMLButtonElement | null = null

function samePath(a: string | undefined, b: string | undefined) {
  if (!a || !b) return false
  const path = (value: string) => new URL(value, 'http://x').pathname.replace(/\/$/, '')
  return path(a) === path(b)
}

function useSubmitterPending(ref: React.RefObject<HTMLButtonElement | null>) {
  const navigation = useNavigation()
  const fetchers = useFetchers()
  const button = ref.current
  if (!button || button !== lastSubmitter || !button.form) return false
  const action = button.formAction || button.form.action
  if (navigation.formData && samePath(navigation.formAction, action)) return true
  return fetchers.some((fetcher) => fetcher.state !== 'idle' && fetcher.formData && samePath(fetcher.formAction, action))
}

function setRef<T>(ref: Ref<T> | undefined, value: T) {
  if (typeof ref === 'function') ref(value)
  else if (ref) (ref as React.MutableRefObject<T>).current = value
}

export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  { variant = 'primary', pending, pendingLabel, size = 'normal', type = 'submit', className, children, disabled, onClick, ...rest },
  forwarded,
) {
  const t = useT()
  const ref = useRef<HTMLButtonElement | null>(null)
  const autoPending = useSubmitterPending(ref)
  const isPending = Boolean(pending) || (type === 'submit' && autoPending)
  const handleClick = (event: MouseEvent<HTMLButtonElement>) => {
    if (type === 'submit') lastSubmitter = event.currentTarget
    onClick?.(event)
  }
  return (
    <button
      ref={(node) => {
        ref.current = node
        setRef(forwarded, node)
      }}
      type={type}
      className={cx('button', `button-${variant}`, size === 'small' && 'button-small', className)}
      disabled={disabled || isPending}
      aria-busy={isPending || undefined}
      onClick={handleClick}
      {...rest}
    >
      {isPending ? (
        <>
          <span className="spinner" aria-hidden="true" />
          <span>{pendingLabel ?? t('ui.working')}</span>
        </>
      ) : (
        children
      )}
    </button>
  )
})

/** A link that looks like a button (for navigation, never for changing data). */
export function ButtonLink({ variant = 'primary', size = 'normal', className, ...rest }: LinkProps & { variant?: ButtonVariant; size?: 'normal' | 'small' }) {
  return <Link className={cx('button', `button-${variant}`, size === 'small' && 'button-small', className)} {...rest} />
}
