import { Form, useLocation } from '@remix-run/react'
import { useId } from 'react'
import { LOCALES, LOCALE_NAMES, makeT, type Locale } from '#app/utils/i18n'
import { useHydrated } from '#app/components/ui/use-hydrated'

/**
 * Posts to /set-locale (`locale`, `redirectTo`). Without JavaScript it is a select and a button;
 * with it, choosing a language submits at once and the button is hidden.
 */
export function LanguageSwitcher({ locale, idPrefix = 'lang' }: { locale: Locale; idPrefix?: string }) {
  const t = makeT(locale)
  const location = useLocation()
  const hydrated = useHydrated()
  const id = `${idPrefix}-${useId()}`
  return (
    <Form method="post" action="/set-locale" className="language-switcher">
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <label htmlFor={id}>{t('nav.language')}</label>
      <select id={id} name="locale" defaultValue={locale} key={locale} onChange={(event) => event.currentTarget.form?.requestSubmit()}>
        {LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {LOCALE_NAMES[code]}
          </option>
        ))}
      </select>
      {hydrated ? null : (
        <button type="submit" className="button button-secondary button-small">
          {t('layout.languageApply')}
        </button>
      )}
    </Form>
  )
}
