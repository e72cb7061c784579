import { createCookie, createCookieSessionStorage } from '@remix-run/node'
import { getEnv, sessionSecret } from './env.server'
import { DEFAULT_LOCALE, isLocale, localeFromAcceptLanguage, type Locale } from './i18n'

const secure = () => getEnv().NODE_ENV === 'production' && !process.env.INSECURE_COOKIES

/** The signed cookie holds only the id of a session document in the database. */
export const sessionCookie = createCookie('__session', {
  httpOnly: true,
  sameSite: 'lax',
  path: '/',
  get secure() {
    return secure()
  },
  get secrets() {
    return [sessionSecret()]
  },
})

export const localeCookie = createCookie('lng', { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 60 * 60 * 24 * 365 })

/** Flash messages (toasts) after a redirect. */
export const toastStorage = createCookieSessionStorage<Record<string, never>, { toast: Toast }>({
  cookie: {
    name: '__toast',
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    get secure() {
      return secure()
    },
    get secrets() {
      return [sessionSecret()]
    },
  },
})

export type Toast = { kind: 'success' | 'error' | 'info'; message: string }

export async function getSessionId(request: Request): Promise<string | null> {
  const value = await sessionCookie.parse(request.headers.get('Cookie'))
  return typeof value === 'string' ? value : null
}

/** The page language: the remembered choice (cookie), then the browser's Accept-Language, then az. */
export async function getLocale(request: Request): Promise<Locale> {
  const fromCookie = await localeCookie.parse(request.headers.get('Cookie'))
  if (isLocale(fromCookie)) return fromCookie
  return localeFromAcceptLanguage(request.headers.get('Accept-Language')) ?? DEFAULT_LOCALE
}
