import crypto from 'node:crypto'
import type { Types } from 'mongoose'
import { recordAudit, type Actor } from '#models/audit.server'
import { deleteUserSessions } from '#models/auth-session.server'
import { countFailures, recordFailure } from '#models/login-attempt.server'
import { consumeToken, createToken, peekToken, type TokenKind } from '#models/token.server'
import { getUserByEmail, getUserById, markEmailVerified, setPassword, type SessionUser } from '#models/user.server'
import { getEnv } from './env.server'
import { isLocale, translate, type Locale } from './i18n'
import { absoluteUrl, sendMail } from './mail.server'

/** Reset mails per address and window: enough for a person who retries, too few to flood a mailbox. */
export const RESET_MAILS_PER_WINDOW = 3

const localeOf = (user: Pick<SessionUser, 'locale'>): Locale => (isLocale(user.locale) ? user.locale : 'az')

/**
 * Sends a reset link when the address belongs to an account that may log in. The caller answers
 * the same either way, so the form does not tell who has an account.
 */
export async function requestPasswordReset(request: Request, email: string) {
  const user = await getUserByEmail(email)
  if (!user || user.status === 'disabled') return false
  const { LOGIN_WINDOW_MINUTES: window } = getEnv()
  const key = `reset:${user.email}`
  if ((await countFailures([key], window)) >= RESET_MAILS_PER_WINDOW) return false
  await recordFailure([key], window)
  const token = await createToken('reset', user._id)
  await sendMail({
    to: user.email,
    locale: localeOf(user),
    template: 'reset',
    params: { name: user.name, link: absoluteUrl(request, `/reset-password/${token}`) },
  })
  return true
}

export async function sendVerificationMail(request: Request, user: Pick<SessionUser, '_id' | 'email' | 'name' | 'locale'>) {
  const token = await createToken('verify', user._id)
  await sendMail({
    to: user.email,
    locale: localeOf(user),
    template: 'verify',
    params: { name: user.name, link: absoluteUrl(request, `/verify-email/${token}`) },
  })
}

export async function sendInvitation(
  request: Request,
  user: Pick<SessionUser, '_id' | 'email' | 'name' | 'locale' | 'roles'>,
  inviter: { _id: Types.ObjectId | string; name: string },
) {
  const token = await createToken('invite', user._id)
  const locale = localeOf(user)
  const role = user.roles[0] ? translate(locale, `role.${user.roles[0]}`) : ''
  await sendMail({
    to: user.email,
    locale,
    template: 'invite',
    params: { name: user.name, inviter: inviter.name, role, link: absoluteUrl(request, `/accept-invite/${token}`) },
  })
  await recordAudit({ actor: inviter, action: 'user.invited', subject: { type: 'User', id: user._id }, after: { roles: user.roles } })
}

/** The account a still-valid link belongs to (without using the link). */
export async function userForToken(kind: TokenKind, raw: string | undefined) {
  if (!raw) return null
  const token = await peekToken(kind, raw)
  if (!token) return null
  return getUserById(token.userId)
}

export type NewPasswordResult = { ok: true; user: SessionUser } | { ok: false }

/**
 * Uses a reset or invite link once and sets the new password. The link also proves the mailbox,
 * so the address counts as confirmed; every existing session ends (someone else may hold one).
 */
export async function setPasswordWithToken(kind: 'reset' | 'invite', raw: string, password: string): Promise<NewPasswordResult> {
  const token = await consumeToken(kind, raw)
  if (!token) return { ok: false }
  const before = await getUserById(token.userId)
  if (!before || (kind === 'invite' && before.status !== 'invited')) return { ok: false }
  const actor: Actor = { _id: before._id, name: before.name }
  if (!(await setPassword(before._id, password, actor))) return { ok: false }
  await markEmailVerified(before._id, actor)
  const ended = await deleteUserSessions(before._id)
  if (ended) await recordAudit({ actor, action: 'user.sessions_ended', subject: { type: 'User', id: before._id }, after: { count: ended }, reason: kind })
  const user = await getUserById(before._id)
  return user ? { ok: true, user } : { ok: false }
}

/** Pages never show a session id (it is what the cookie carries): a session is named by a hash of it. */
export function sessionHandle(sessionId: string) {
  return crypto.createHash('sha256').update(sessionId).digest('base64url').slice(0, 16)
}
