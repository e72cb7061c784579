import { Link } from '@remix-run/react'
import type { T } from '#app/utils/i18n'

export function ErrorPage({ status, t }: { status: number; t: T }) {
  const known = status === 404 || status === 403 || status === 400
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-status">{status}</p>
      <h1 id="error-title">{t(known ? `error.${status}.title` : 'error.500.title')}</h1>
      <p>{t(status === 404 ? 'error.404.body' : status === 403 ? 'error.403.body' : 'error.500.body')}</p>
      <Link to="/">{t('error.back')}</Link>
    </section>
  )
}
