import { Form, Link, NavLink, useLocation } from '@remix-run/react'
import { useEffect, useState, type ReactNode } from 'react'
import { Toast, type ToastData } from '#app/components/ui/toast'
import { useHydrated } from '#app/components/ui/use-hydrated'
import { makeT, type Locale } from '#app/utils/i18n'
import { LanguageSwitcher } from './language-switcher'
import { guestNav, navFor, PROGRAMME_LINKS } from './nav'

export type ShellUser = {
  _id: string
  name: string
  roles: readonly string[]
  familyId?: string | null
  startupId?: string | null
  retailerId?: string | null
  region?: string | null
  lead?: boolean | null
  status?: string
} | null

/**
 * The frame of every page: skip link, header with the two programmes and the boutique, the
 * navigation the user's roles give, the language switcher, the toast and the footer. On a phone
 * the navigation folds behind a menu button once JavaScript runs; without it, it simply wraps.
 */
export function AppShell({ user, toast, locale, children }: { user: ShellUser; toast: ToastData | null; locale: Locale; children: ReactNode }) {
  const t = makeT(locale)
  const location = useLocation()
  const hydrated = useHydrated()
  const [menuOpen, setMenuOpen] = useState(false)
  useEffect(() => setMenuOpen(false), [location.pathname, location.search])
  const items = user ? navFor(user) : guestNav(location.pathname + location.search)
  const menuId = 'site-menu'
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className={hydrated ? 'site-header has-js' : 'site-header'}>
        <div className="header-bar">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true" />
            <span className="brand-text">{t('app.name')}</span>
          </Link>
          {hydrated ? (
            <button
              type="button"
              className="menu-button"
              aria-expanded={menuOpen}
              aria-controls={menuId}
              onClick={() => setMenuOpen((open) => !open)}
            >
              <span className="menu-icon" aria-hidden="true" />
              {t('nav.menu')}
            </button>
          ) : null}
        </div>
        <div id={menuId} className={menuOpen ? 'site-menu is-open' : 'site-menu'}>
          <nav className="programme-nav" aria-label={t('layout.programmes')}>
            <ul>
              {PROGRAMME_LINKS.map((link) => (
                <li key={link.to}>
                  <NavLink to={link.to} className={`programme-link programme-${link.tone}`}>
                    <span className="programme-name">{t(link.labelKey)}</span>
                    <span className="programme-desc">{t(link.descKey)}</span>
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <nav className="user-nav" aria-label={user ? t('layout.userNav') : t('nav.main')}>
            {user ? <p className="signed-in">{t('layout.signedInAs', { name: user.name })}</p> : null}
            <ul>
              {items.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.to === '/family'} className="nav-link">
                    {t(item.labelKey)}
                  </NavLink>
                </li>
              ))}
              {user ? (
                <li>
                  <Form method="post" action="/logout">
                    <button type="submit" className="nav-link nav-button">
                      {t('nav.logout')}
                    </button>
                  </Form>
                </li>
              ) : null}
            </ul>
          </nav>
          <LanguageSwitcher locale={locale} />
        </div>
      </header>
      <div className="toast-region">
        <Toast toast={toast} />
      </div>
      <main id="main" tabIndex={-1} className="main">
        {children}
      </main>
      <footer className="site-footer">
        <nav aria-label={t('layout.footerNav')}>
          <ul>
            <li>
              <Link to="/">{t('nav.home')}</Link>
            </li>
            {PROGRAMME_LINKS.map((link) => (
              <li key={link.to}>
                <Link to={link.to}>{t(link.labelKey)}</Link>
              </li>
            ))}
          </ul>
        </nav>
        <p>{t('footer.text')}</p>
      </footer>
    </div>
  )
}
