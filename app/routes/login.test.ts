import { describe, expect, it } from 'vitest'
import { makeUser, TEST_PASSWORD } from '#tests/factories/users'
import { call, cookieFrom, request } from '#tests/support/requests'
import { getUser } from '#app/utils/auth.server'
import { getEnv } from '#app/utils/env.server'
import { action, loader } from './login'

const post = (form: Record<string, string>, headers: Record<string, string> = {}) =>
  request('/login', { form, headers: { 'x-client-ip': '10.20.0.1', ...headers } })

describe('login route', () => {
  it('answers bad input with 400 and field errors in the page’s language', async () => {
    const ru = await call(action, post({ email: 'not-an-email', password: '' }, { 'Accept-Language': 'ru-RU,ru;q=0.9' }))
    expect(ru.status).toBe(400)
    expect(ru.data.errors).toEqual({ email: 'Введите корректный адрес электронной почты', password: 'Это поле обязательно' })
    const az = await call(action, post({ email: '', password: 'x' }, { Cookie: 'lng=az' }))
    expect(az.data.errors.email).toBe('Bu sahə tələb olunur')
  })

  it('answers a wrong password with 401 and one sentence, the same as for an unknown email', async () => {
    const user = await makeUser()
    const wrong = await call(action, post({ email: user.email, password: 'wrong-password-1' }, { 'Accept-Language': 'en' }))
    expect(wrong.status).toBe(401)
    expect(wrong.data.formError).toBe('The email or password is wrong.')
    const unknown = await call(action, post({ email: 'nobody@example.az', password: 'wrong-password-1' }, { 'Accept-Language': 'en' }))
    expect(unknown).toMatchObject({ status: 401, data: { formError: wrong.data.formError } })
  })

  it('answers a locked account with 429 and when to try again, in the page’s language', async () => {
    const user = await makeUser()
    for (let i = 0; i < getEnv().LOGIN_MAX_ATTEMPTS; i++) await call(action, post({ email: user.email, password: 'wrong-password-1' }))
    const locked = await call(action, post({ email: user.email, password: TEST_PASSWORD }, { Cookie: 'lng=az' }))
    expect(locked.status).toBe(429)
    expect(locked.data.formError).toMatch(/^Çox sayda uğursuz cəhd\. \d+ dəqiqədən sonra yenidən cəhd edin\.$/)
  })

  it('signs in, switches to the account’s language and goes back where the visitor came from', async () => {
    const user = await makeUser({ locale: 'ru' })
    const ok = await call(action, post({ email: user.email.toUpperCase(), password: TEST_PASSWORD, redirectTo: '/admin/users?page=2' }))
    expect(ok.status).toBe(302)
    expect(ok.location).toBe('/admin/users?page=2')
    const cookie = cookieFrom(ok.setCookies)
    expect(cookie).toMatch(/__session=/)
    expect(cookie).toContain('lng=')
    expect(ok.setCookies.find((c) => c.startsWith('__session='))).toMatch(/HttpOnly/i)
    expect(ok.setCookies.find((c) => c.startsWith('__session='))).toMatch(/SameSite=Lax/i)
    expect(await getUser(request('/account', { cookie }))).toMatchObject({ email: user.email })
  })

  it('never redirects to another site after login', async () => {
    const user = await makeUser()
    for (const redirectTo of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const ok = await call(action, post({ email: user.email, password: TEST_PASSWORD, redirectTo }))
      expect(ok.location).toBe('/account')
    }
  })

  it('sends a signed-in visitor on instead of showing the form', async () => {
    const user = await makeUser()
    const ok = await call(action, post({ email: user.email, password: TEST_PASSWORD }))
    const shown = await call(loader, request('/login?redirectTo=/account/sessions', { cookie: cookieFrom(ok.setCookies) }))
    expect(shown).toMatchObject({ status: 302, location: '/account/sessions' })
  })
})
