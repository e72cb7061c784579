import { Form, Link, useLocation } from '@remix-run/react'
import type { Toast } from '#app/utils/session.server'
import { LOCALES, LOCALE_NAMES, makeT, type Locale } from '#app/utils/i18n'

export type ShellUser = { _id: string; name: string; roles: readonly string[] } | null

export function AppShell({ user, toast, locale, children }: { user: ShellUser; toast: Toast | null; locale: Locale; children: React.ReactNode }) {
  const t = makeT(locale)
  const location = useLocation()
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="site-header">
        <Link to="/" className="brand">
          {t('app.name')}
        </Link>
        <nav aria-label={t('nav.main')}>
          <ul>
            {user ? (
              <>
                <li>
                  <Link to="/account">{t('nav.account')}</Link>
                </li>
                <li>
                  <Form method="post" action="/logout">
                    <button type="submit">{t('nav.logout')}</button>
                  </Form>
                </li>
              </>
            ) : (
              <>
                <li>
                  <Link to="/login">{t('nav.login')}</Link>
                </li>
                <li>
                  <Link to="/signup">{t('nav.signup')}</Link>
                </li>
              </>
            )}
          </ul>
        </nav>
        <Form method="post" action="/set-locale">
          <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
          <label htmlFor="locale-switch">{t('nav.language')}</label>
          <select id="locale-switch" name="locale" defaultValue={locale}>
            {LOCALES.map((code) => (
              <option key={code} value={code} lang={code}>
                {LOCALE_NAMES[code]}
              </option>
            ))}
          </select>
          <button type="submit">OK</button>
        </Form>
      </header>
      {toast ? (
        <div role="status" className={`toast toast-${toast.kind}`}>
          {toast.message}
        </div>
      ) : null}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer>{t('footer.text')}</footer>
    </>
  )
}
