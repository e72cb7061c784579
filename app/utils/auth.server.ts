import { redirect } from '@remix-run/node'
import { ForbiddenError } from '@casl/ability'
import { connectDb } from '#models/db.server'
import {
  createAuthSession,
  deleteAuthSession,
  deleteUserSessions,
  getAuthSession,
  touchAuthSession,
} from '#models/auth-session.server'
import { clearFailures, countFailures, minutesUntilBelow, recordFailure } from '#models/login-attempt.server'
import { getUserById, verifyLogin, type SessionUser } from '#models/user.server'
import { defineAbilityFor, type Action, type AppAbility, type SubjectName } from './abilities'
import { getEnv } from './env.server'
import { getSessionId, sessionCookie } from './session.server'

const userCache = new WeakMap<Request, Promise<{ user: SessionUser; sessionId: string } | null>>()

async function loadSessionUser(request: Request) {
  await connectDb()
  const sessionId = await getSessionId(request)
  if (!sessionId) return null
  const session = await getAuthSession(sessionId)
  if (!session) return null
  const user = await getUserById(session.userId)
  if (!user || user.status === 'disabled') return null
  // refresh the "last seen" time at most every few minutes, not on every request
  if (Date.now() - new Date(session.lastSeenAt ?? 0).getTime() > 5 * 60_000) await touchAuthSession(sessionId)
  return { user, sessionId }
}

export async function getCurrent(request: Request) {
  let pending = userCache.get(request)
  if (!pending) {
    pending = loadSessionUser(request)
    userCache.set(request, pending)
  }
  return pending
}

export async function getUser(request: Request) {
  return (await getCurrent(request))?.user ?? null
}

/** The signed-in user, or a redirect to the login page that comes back here afterwards. */
export async function requireUser(request: Request) {
  const user = await getUser(request)
  if (!user) {
    const url = new URL(request.url)
    const redirectTo = `${url.pathname}${url.search}`
    throw redirect(`/login?${new URLSearchParams({ redirectTo })}`)
  }
  return user
}

export function abilityFor(user: SessionUser | null): AppAbility {
  return defineAbilityFor(user)
}

/** Throws a 403 response unless the user may do the action on the subject (a type name or a document from asSubject). */
export function requireAbility(user: SessionUser | null, action: Action, subject: SubjectName | Record<string, unknown>, field?: string) {
  const ability = defineAbilityFor(user)
  try {
    ForbiddenError.from(ability).throwUnlessCan(action, subject as never, field)
  } catch {
    throw new Response('Forbidden', { status: 403 })
  }
  return ability
}

export async function requireUserWithAbility(request: Request, action: Action, subject: SubjectName | Record<string, unknown>) {
  const user = await requireUser(request)
  const ability = requireAbility(user, action, subject)
  return { user, ability }
}

export function hasRole(user: Pick<SessionUser, 'roles'> | null, ...roles: string[]) {
  return Boolean(user && roles.some((role) => user.roles.includes(role as never)))
}

/**
 * The address the server set (scripts/server.ts overwrites x-client-ip; with TRUST_PROXY it comes
 * from the proxy's X-Forwarded-For). A client's own X-Forwarded-For is never read: with it anyone
 * could pick a new address for every attempt and escape the per-IP limit.
 */
function clientIp(request: Request) {
  return request.headers.get('x-client-ip') || 'unknown'
}

export type LoginResult =
  | { ok: true; user: SessionUser; setCookie: string }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; minutes: number }

/**
 * Checks credentials with limits per account and per IP (counted in the database, so they hold
 * across app servers). The IP limit is wider: many people can share one address.
 */
export async function login(request: Request, email: string, password: string): Promise<LoginResult> {
  await connectDb()
  const { LOGIN_MAX_ATTEMPTS: max, LOGIN_WINDOW_MINUTES: window } = getEnv()
  const accountKey = `account:${email.trim().toLowerCase()}`
  const ipKey = `ip:${clientIp(request)}`
  const [accountFailures, ipFailures] = await Promise.all([countFailures([accountKey], window), countFailures([ipKey], window)])
  if (accountFailures >= max || ipFailures >= max * 4) {
    const minutes = await minutesUntilBelow(
      [
        { key: accountKey, limit: max },
        { key: ipKey, limit: max * 4 },
      ],
      window,
    )
    return { ok: false, reason: 'locked', minutes }
  }
  const user = await verifyLogin(email, password)
  if (!user || user.status !== 'active') {
    await recordFailure([accountKey, ipKey], window)
    return { ok: false, reason: 'invalid' }
  }
  await clearFailures([accountKey], window)
  const session = await createAuthSession(user._id, { ip: clientIp(request), userAgent: request.headers.get('User-Agent') ?? '' })
  const setCookie = await sessionCookie.serialize(session.id, { expires: session.expiresAt })
  return { ok: true, user, setCookie }
}

export async function startSession(request: Request, user: SessionUser) {
  const session = await createAuthSession(user._id, { ip: clientIp(request), userAgent: request.headers.get('User-Agent') ?? '' })
  return sessionCookie.serialize(session.id, { expires: session.expiresAt })
}

export async function logout(request: Request, { everywhere = false } = {}) {
  const current = await getCurrent(request)
  if (current) {
    if (everywhere) await deleteUserSessions(current.user._id)
    else await deleteAuthSession(current.sessionId)
  }
  return sessionCookie.serialize('', { maxAge: 0 })
}

/** Only same-site paths: an open redirect would turn the login page into a phishing tool. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = '/') {
  if (!to || typeof to !== 'string' || !to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\')) return fallback
  return to
}
