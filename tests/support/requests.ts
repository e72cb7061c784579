import type { Types } from 'mongoose'
import { sessionCookie, localeCookie } from '#app/utils/session.server'
import { createAuthSession } from '#models/auth-session.server'

/**
 * Route tests call loaders and actions with real `Request`s, the way Remix does, and read the
 * result the way a browser would notice it: a status, a redirect target, cookies, or the data.
 */
export const BASE = 'http://localhost:3000'

export type Outcome = {
  status: number
  /** where a redirect goes */
  location: string | null
  setCookies: string[]
  data: any
}

export function request(path: string, { method = 'GET', form, cookie, headers = {} }: { method?: string; form?: Record<string, string | string[]>; cookie?: string | null; headers?: Record<string, string> } = {}) {
  const init: RequestInit = { method: form ? 'POST' : method, headers: { ...headers, ...(cookie ? { Cookie: cookie } : {}) } }
  if (form) {
    const body = new URLSearchParams()
    for (const [name, value] of Object.entries(form)) for (const item of Array.isArray(value) ? value : [value]) body.append(name, item)
    init.body = body
  }
  return new Request(new URL(path, BASE), init)
}

type RouteFunction = (args: { request: Request; params: Record<string, string | undefined>; context: any }) => unknown

/** Runs a loader or action; a thrown Response (redirect, 403, 404) is an outcome like a returned one. */
export async function call(fn: RouteFunction, req: Request, params: Record<string, string | undefined> = {}): Promise<Outcome> {
  try {
    return normalise(await fn({ request: req, params, context: { cspNonce: '' } }))
  } catch (error) {
    if (error instanceof Response) return normalise(error)
    throw error
  }
}

function normalise(result: unknown): Outcome {
  if (result instanceof Response) {
    return { status: result.status, location: result.headers.get('Location'), setCookies: result.headers.getSetCookie(), data: null }
  }
  if (result && typeof result === 'object' && (result as { type?: string }).type === 'DataWithResponseInit') {
    const { data, init } = result as { data: unknown; init: ResponseInit | null }
    const headers = new Headers(init?.headers)
    return { status: init?.status ?? 200, location: headers.get('Location'), setCookies: headers.getSetCookie(), data }
  }
  return { status: 200, location: null, setCookies: [], data: result }
}

/** A Cookie header holding a new database session of the user, as after logging in. */
export async function signedIn(userId: Types.ObjectId | string, { locale, userAgent = 'vitest' }: { locale?: 'az' | 'en' | 'ru'; userAgent?: string } = {}) {
  const session = await createAuthSession(userId, { ip: '127.0.0.1', userAgent })
  const parts = [pair(await sessionCookie.serialize(session.id))]
  if (locale) parts.push(pair(await localeCookie.serialize(locale)))
  return { cookie: parts.join('; '), sessionId: session.id }
}

/** The Cookie header a browser would send after these Set-Cookie headers (expired ones dropped). */
export function cookieFrom(setCookies: string[], previous = '') {
  const jar = new Map(previous ? previous.split('; ').map((p) => [p.slice(0, p.indexOf('=')), p] as const) : [])
  for (const header of setCookies) {
    const first = pair(header)
    const name = first.slice(0, first.indexOf('='))
    if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(header)) jar.delete(name)
    else jar.set(name, first)
  }
  return [...jar.values()].join('; ')
}

function pair(setCookie: string) {
  return setCookie.split(';')[0]
}
