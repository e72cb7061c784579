import { useRouteLoaderData } from '@remix-run/react'
import { catalogues, type MessageKey } from '#app/i18n/index'
import { formatAzDate, formatAzNumber } from './intl-az'

export const LOCALES = ['az', 'en', 'ru'] as const
export type Locale = (typeof LOCALES)[number]
export const DEFAULT_LOCALE: Locale = 'az'
export const PLACE_TIME_ZONE = 'Asia/Baku'

/** BCP 47 tags for Intl: Azerbaijani in Latin script. */
const INTL_TAG: Record<Locale, string> = { az: 'az-Latn-AZ', en: 'en-GB', ru: 'ru-RU' }

export const LOCALE_NAMES: Record<Locale, string> = { az: 'Azərbaycanca', en: 'English', ru: 'Русский' }

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

export type TParams = Record<string, string | number>
export type T = (key: MessageKey, params?: TParams) => string

/** Looks a key up in the locale, then English, then Azerbaijani; an unknown key shows itself so a gap is visible. */
export function translate(locale: Locale, key: MessageKey, params?: TParams): string {
  const text = catalogues[locale][key] ?? catalogues.en[key] ?? catalogues.az[key] ?? key
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

export function makeT(locale: Locale): T {
  return (key, params) => translate(locale, key, params)
}

export function intlTag(locale: Locale) {
  return INTL_TAG[locale]
}

const moneyFormats = new Map<Locale, Intl.NumberFormat>()
/** Money is stored in qəpik (integer); 1 AZN = 100 qəpik. */
export function formatMoney(qepik: number, locale: Locale) {
  // browsers carry no Azerbaijani number patterns: build them the same way on both sides
  if (locale === 'az') return formatAzNumber(qepik / 100, { style: 'currency', currency: 'AZN' })
  let format = moneyFormats.get(locale)
  if (!format) {
    format = new Intl.NumberFormat(INTL_TAG[locale], { style: 'currency', currency: 'AZN' })
    moneyFormats.set(locale, format)
  }
  return format.format(qepik / 100)
}

export function formatDate(
  value: Date | string | number,
  locale: Locale,
  options: Intl.DateTimeFormatOptions = { dateStyle: 'medium' },
  timeZone: string = PLACE_TIME_ZONE,
) {
  if (locale === 'az') return formatAzDate(value, { timeZone, ...options })
  return new Intl.DateTimeFormat(INTL_TAG[locale], { timeZone, ...options }).format(new Date(value))
}

export function formatDateTime(value: Date | string | number, locale: Locale, timeZone: string = PLACE_TIME_ZONE) {
  return formatDate(value, locale, { dateStyle: 'medium', timeStyle: 'short' }, timeZone)
}

export function formatNumber(value: number, locale: Locale, options?: Intl.NumberFormatOptions) {
  if (locale === 'az') return formatAzNumber(value, options)
  return new Intl.NumberFormat(INTL_TAG[locale], options).format(value)
}

/** Picks the best supported language from an Accept-Language header. */
export function localeFromAcceptLanguage(header: string | null): Locale | null {
  if (!header) return null
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...rest] = part.trim().split(';')
      const q = rest.find((p) => p.trim().startsWith('q='))
      return { lang: tag.trim().slice(0, 2).toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 }
    })
    .filter((entry) => entry.lang && !Number.isNaN(entry.q))
    .sort((a, b) => b.q - a.q)
  return ranked.map((entry) => entry.lang).find(isLocale) ?? null
}

type RootData = { locale: Locale }

export function useLocale(): Locale {
  const data = useRouteLoaderData('root') as RootData | undefined
  return data?.locale ?? DEFAULT_LOCALE
}

/** The translation function for the page's language (from the root loader). */
export function useT(): T {
  return makeT(useLocale())
}

/** Picks the user's language from a stored per-language text ({ az, en, ru }). */
export function pickText(text: Partial<Record<Locale, string>> | null | undefined, locale: Locale) {
  if (!text) return ''
  return text[locale] || text.en || text.az || ''
}
