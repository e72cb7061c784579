import { describe, expect, it } from 'vitest'
import { makeUser, TEST_PASSWORD } from '#tests/factories/users'
import { request, signedIn } from '#tests/support/requests'
import { getAuthSession, listUserSessions } from '#models/auth-session.server'
import { getEnv } from './env.server'
import { getUser, login, logout } from './auth.server'

const MAX = getEnv().LOGIN_MAX_ATTEMPTS
const from = (ip: string) => request('/login', { method: 'POST', headers: { 'x-client-ip': ip } })

async function fail(email: string, ip = '10.1.1.1', times = 1) {
  for (let i = 0; i < times; i++) expect(await login(from(ip), email, 'wrong-password-0')).toEqual({ ok: false, reason: 'invalid' })
}

describe('login limits', () => {
  it(`locks the account after ${MAX} failures, even for the right password, and says for how long`, async () => {
    const user = await makeUser()
    await fail(user.email, '10.1.1.1', MAX)
    const locked = await login(from('10.9.9.9'), user.email, TEST_PASSWORD)
    expect(locked).toMatchObject({ ok: false, reason: 'locked' })
    const minutes = (locked as { minutes: number }).minutes
    expect(minutes).toBeGreaterThanOrEqual(1)
    expect(minutes).toBeLessThanOrEqual(getEnv().LOGIN_WINDOW_MINUTES)
  })

  it('counts concurrent failures without losing any', async () => {
    const user = await makeUser()
    await Promise.all(Array.from({ length: MAX }, () => login(from('10.1.1.2'), user.email, 'wrong-password-0')))
    expect(await login(from('10.1.1.3'), user.email, TEST_PASSWORD)).toMatchObject({ ok: false, reason: 'locked' })
  })

  it('clears the account’s count after a successful login', async () => {
    const user = await makeUser()
    await fail(user.email, '10.1.1.4', MAX - 1)
    expect(await login(from('10.1.1.4'), user.email, TEST_PASSWORD)).toMatchObject({ ok: true })
    await fail(user.email, '10.1.1.4', MAX - 1)
    expect(await login(from('10.1.1.4'), user.email, TEST_PASSWORD)).toMatchObject({ ok: true })
  })

  it('limits one address more widely across accounts, and not other addresses', async () => {
    const victims = await Promise.all(Array.from({ length: 4 }, () => makeUser()))
    // MAX - 1 failures per account: no account is locked, but the address reaches 4 × (MAX - 1)
    for (const victim of victims) await fail(victim.email, '10.2.2.2', MAX - 1)
    const fresh = await makeUser()
    const ipFailures = 4 * (MAX - 1)
    if (ipFailures < MAX * 4) await fail(fresh.email, '10.2.2.2', MAX * 4 - ipFailures)
    expect(await login(from('10.2.2.2'), fresh.email, TEST_PASSWORD)).toMatchObject({ ok: false, reason: 'locked' })
    expect(await login(from('10.3.3.3'), victims[0].email, TEST_PASSWORD)).toMatchObject({ ok: true })
  })

  it('ignores a client’s own X-Forwarded-For: a new fake address per attempt does not escape the limit', async () => {
    const fresh = await makeUser()
    for (let i = 0; i < MAX * 4; i++) {
      const req = request('/login', { method: 'POST', headers: { 'x-client-ip': '10.4.4.4', 'x-forwarded-for': `192.0.2.${i}` } })
      await login(req, `nobody${i}@example.az`, 'wrong-password-0')
    }
    const req = request('/login', { method: 'POST', headers: { 'x-client-ip': '10.4.4.4', 'x-forwarded-for': '198.51.100.1' } })
    expect(await login(req, fresh.email, TEST_PASSWORD)).toMatchObject({ ok: false, reason: 'locked' })
  })

  it('refuses disabled and invited accounts like a wrong password', async () => {
    const disabled = await makeUser({ status: 'disabled' })
    const invited = await makeUser({ status: 'invited' })
    expect(await login(from('10.5.5.5'), disabled.email, TEST_PASSWORD)).toEqual({ ok: false, reason: 'invalid' })
    expect(await login(from('10.5.5.5'), invited.email, TEST_PASSWORD)).toEqual({ ok: false, reason: 'invalid' })
  })
})

describe('sessions', () => {
  it('log out everywhere ends every session of the user; a plain log out only this one', async () => {
    const user = await makeUser()
    const phone = await signedIn(user._id)
    const laptop = await signedIn(user._id)
    const tablet = await signedIn(user._id)

    const cleared = await logout(request('/logout', { method: 'POST', cookie: tablet.cookie }))
    expect(cleared).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i)
    expect(await getAuthSession(tablet.sessionId)).toBeNull()
    expect(await listUserSessions(user._id)).toHaveLength(2)

    await logout(request('/logout', { method: 'POST', cookie: phone.cookie }), { everywhere: true })
    expect(await listUserSessions(user._id)).toHaveLength(0)
    expect(await getUser(request('/account', { cookie: laptop.cookie }))).toBeNull()
  })

  it('a disabled user’s cookie no longer signs anyone in', async () => {
    const user = await makeUser()
    const { cookie } = await signedIn(user._id)
    expect(await getUser(request('/account', { cookie }))).toMatchObject({ email: user.email })
    const { setUserStatus } = await import('#models/user.server')
    await setUserStatus(String(user._id), 'disabled', null)
    expect(await getUser(request('/account', { cookie }))).toBeNull()
  })
})
