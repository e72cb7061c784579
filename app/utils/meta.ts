import { DEFAULT_LOCALE, isLocale, makeT, type TParams } from './i18n'

type MetaMatch = { id: string; data: unknown }

/** A translated document title: meta functions see the root loader's locale through `matches`. */
export function pageTitle(matches: readonly MetaMatch[], key: string, params?: TParams) {
  const root = matches.find((match) => match.id === 'root')?.data as { locale?: unknown } | undefined
  const t = makeT(isLocale(root?.locale) ? root.locale : DEFAULT_LOCALE)
  return [{ title: `${t(key, params)} · ${t('app.name')}` }]
}
