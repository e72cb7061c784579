import { Link, useLocation, useRouteLoaderData } from '@remix-run/react'
import type { T } from '#app/utils/i18n'
import { useHydrated } from './use-hydrated'

type RootData = { user?: { _id: string } | null }

/** The kind of page a status gets: each says what happened and offers the next step. */
export function errorKind(status: number): 400 | 403 | 404 | 500 {
  if (status === 401 || status === 403) return 403
  if (status === 404 || status === 410) return 404
  if (status >= 400 && status < 500) return 400
  return 500
}

/**
 * The page behind every error boundary, in the user's language: never a stack trace. A signed-out
 * visitor who hits a 403/401 is offered the login that brings them back here.
 */
export function ErrorPage({ status, t, message }: { status: number; t: T; message?: string }) {
  const location = useLocation()
  const root = useRouteLoaderData('root') as RootData | undefined
  const signedIn = Boolean(root?.user)
  const hydrated = useHydrated()
  const kind = errorKind(status)
  const here = location.pathname + location.search
  const loginHref = `/login?${new URLSearchParams({ redirectTo: here })}`
  const body =
    kind === 403 ? (signedIn ? t('error.403.body') : t('ui.error.403.signedOut')) : kind === 404 ? t('error.404.body') : kind === 400 ? t('ui.error.400.body') : t('error.500.body')
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-status">{t('ui.error.code', { status })}</p>
      <h1 id="error-title">{t(`error.${kind}.title`)}</h1>
      <p className="lead">{message ?? body}</p>
      <ul className="error-actions">
        {kind === 403 ? (
          <li>
            <Link className="button button-primary" to={loginHref}>
              {signedIn ? t('ui.error.otherAccount') : t('nav.login')}
            </Link>
          </li>
        ) : null}
        {kind === 500 ? (
          <li>
            {/* a full reload: the failed data is fetched again from scratch */}
            <a className="button button-primary" href={here}>
              {t('ui.error.retry')}
            </a>
          </li>
        ) : null}
        {kind === 400 && hydrated ? (
          <li>
            <button type="button" className="button button-primary" onClick={() => window.history.back()}>
              {t('ui.error.goBack')}
            </button>
          </li>
        ) : null}
        <li>
          <Link className={kind === 404 ? 'button button-primary' : 'button button-secondary'} to="/">
            {t('error.back')}
          </Link>
        </li>
      </ul>
    </section>
  )
}
