import { describe, expect, it } from 'vitest'
import { makeUser, TEST_PASSWORD } from '#tests/factories/users'
import { call, cookieFrom, request, signedIn } from '#tests/support/requests'
import { getUser, login } from '#app/utils/auth.server'
import { listUserSessions } from '#models/auth-session.server'
import { OutboxModel } from '#models/outbox.server'
import { TokenModel } from '#models/token.server'
import { getUserById } from '#models/user.server'
import { action as forgot } from './forgot-password'
import { action, loader } from './reset-password.$token'

const NEW_PASSWORD = 'yeni-şifrə-2026'

/** Asks for a reset the way a person does and reads the link from the outbox. */
async function resetLinkFor(email: string) {
  await call(forgot, request('/forgot-password', { form: { email } }))
  const mail = await OutboxModel.findOne({ to: email, template: 'reset' }).sort({ createdAt: -1 }).lean()
  const token = /\/reset-password\/([\w-]+)/.exec(mail!.body)![1]
  return token
}

const submit = (token: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
  call(action, request(`/reset-password/${token}`, { form, headers }), { token })

describe('reset-password route', () => {
  it('sets the new password, ends every other session and signs the person in', async () => {
    const user = await makeUser({ email: 'reset@example.az', locale: 'en' })
    const elsewhere = await signedIn(user._id)
    await signedIn(user._id)
    const token = await resetLinkFor('reset@example.az')

    expect(await call(loader, request(`/reset-password/${token}`), { token })).toMatchObject({ status: 200, data: { valid: true, email: 'reset@example.az' } })
    const done = await submit(token, { password: NEW_PASSWORD, confirm: NEW_PASSWORD })
    expect(done).toMatchObject({ status: 302, location: '/account' })

    const cookie = cookieFrom(done.setCookies)
    expect(await getUser(request('/account', { cookie }))).toMatchObject({ email: 'reset@example.az' })
    expect(await getUser(request('/account', { cookie: elsewhere.cookie }))).toBeNull()
    expect(await listUserSessions(user._id)).toHaveLength(1)
    const from = request('/login', { headers: { 'x-client-ip': '10.30.0.1' } })
    expect(await login(from, 'reset@example.az', TEST_PASSWORD)).toMatchObject({ ok: false })
    expect(await login(from, 'reset@example.az', NEW_PASSWORD)).toMatchObject({ ok: true })
    // the link proved the mailbox
    expect((await getUserById(user._id))?.emailVerifiedAt).toBeInstanceOf(Date)
  })

  it('works once: a second use, even at the same moment, is refused with 410', async () => {
    await makeUser({ email: 'twice@example.az' })
    const token = await resetLinkFor('twice@example.az')
    const both = await Promise.all([submit(token, { password: NEW_PASSWORD, confirm: NEW_PASSWORD }), submit(token, { password: 'other-pass-99', confirm: 'other-pass-99' })])
    expect(both.map((result) => result.status).sort()).toEqual([302, 410])
    expect((await submit(token, { password: NEW_PASSWORD, confirm: NEW_PASSWORD })).status).toBe(410)
    expect((await call(loader, request(`/reset-password/${token}`), { token })).status).toBe(410)
  })

  it('refuses an expired link', async () => {
    const user = await makeUser({ email: 'late@example.az' })
    const token = await resetLinkFor('late@example.az')
    await TokenModel.updateMany({ userId: user._id }, { $set: { expiresAt: new Date(Date.now() - 1) } })
    expect((await call(loader, request(`/reset-password/${token}`), { token })).status).toBe(410)
    const refused = await submit(token, { password: NEW_PASSWORD, confirm: NEW_PASSWORD }, { 'Accept-Language': 'en' })
    expect(refused.status).toBe(410)
    expect(refused.data.formError).toBe('The link has already been used or has expired. Ask for a new one.')
  })

  it('answers a weak or mistyped password with 400 in the page’s language and keeps the link usable', async () => {
    await makeUser({ email: 'weak@example.az' })
    const token = await resetLinkFor('weak@example.az')
    const weak = await submit(token, { password: 'short', confirm: 'short' }, { 'Accept-Language': 'ru' })
    expect(weak).toMatchObject({ status: 400, data: { errors: { password: 'Пароль должен содержать не менее 10 символов' } } })
    const mismatch = await submit(token, { password: NEW_PASSWORD, confirm: `${NEW_PASSWORD}x` }, { 'Accept-Language': 'az' })
    expect(mismatch).toMatchObject({ status: 400, data: { errors: { confirm: 'Şifrələr üst-üstə düşmür' } } })
    expect((await submit(token, { password: NEW_PASSWORD, confirm: NEW_PASSWORD })).status).toBe(302)
  })

  it('does not sign in an account that was disabled after the link was sent', async () => {
    const user = await makeUser({ email: 'later-disabled@example.az' })
    const token = await resetLinkFor('later-disabled@example.az')
    const { setUserStatus } = await import('#models/user.server')
    await setUserStatus(String(user._id), 'disabled', null, 'test')
    expect((await call(loader, request(`/reset-password/${token}`), { token })).status).toBe(410)
    const result = await submit(token, { password: NEW_PASSWORD, confirm: NEW_PASSWORD })
    expect(result.location).toBe('/login')
    expect(cookieFrom(result.setCookies)).not.toContain('__session=')
    expect((await getUserById(user._id))?.status).toBe('disabled')
  })
})
