import { describe, expect, it } from 'vitest'
import { makeUser } from '#tests/factories/users'
import { call, cookieFrom, request } from '#tests/support/requests'
import { getUser } from '#app/utils/auth.server'
import { OutboxModel } from '#models/outbox.server'
import { UserModel } from '#models/user.server'
import { action } from './signup'

const valid = { role: 'family', name: 'Günay Abbasova', email: 'gunay@example.az', phone: '+994 50 123 45 67', locale: 'en', password: 'bal-mürəbbə-2026' }
const post = (form: Record<string, string>, headers: Record<string, string> = {}) => request('/signup', { form, headers })

describe('signup route', () => {
  it('answers bad input with 400 and every field’s error in the page’s language, and creates nothing', async () => {
    const result = await call(action, post({ role: 'admin', name: 'G', email: 'nope', phone: 'abc', locale: 'en', password: 'short1' }, { 'Accept-Language': 'ru' }))
    expect(result.status).toBe(400)
    expect(result.data.errors).toEqual({
      role: 'Это поле обязательно',
      name: 'Не менее 2 символов',
      email: 'Введите корректный адрес электронной почты',
      phone: 'Недопустимое значение',
      password: 'Пароль должен содержать не менее 10 символов',
    })
    expect(await UserModel.countDocuments({})).toBe(0)
  })

  it('refuses a weak password with the strength rule', async () => {
    const result = await call(action, post({ ...valid, password: 'abcdefghijkl' }, { 'Accept-Language': 'en' }))
    expect(result.status).toBe(400)
    expect(result.data.errors.password).toBe('The password needs letters and digits and must not be easy to guess')
  })

  it('creates the account, signs in and mails a confirmation link in the chosen language', async () => {
    const result = await call(action, post(valid, { 'Accept-Language': 'az' }))
    expect(result.status).toBe(302)
    expect(result.location).toBe('/apply/abad')
    const user = await getUser(request('/account', { cookie: cookieFrom(result.setCookies) }))
    expect(user).toMatchObject({ email: 'gunay@example.az', roles: ['family'], locale: 'en', status: 'active', emailVerifiedAt: null })
    const mail = await OutboxModel.findOne({ to: 'gunay@example.az' }).lean()
    expect(mail).toMatchObject({ template: 'verify', locale: 'en', subject: 'Confirm your email address' })
    expect(mail!.body).toMatch(/http:\/\/localhost:3000\/verify-email\/[\w-]{20,}/)
  })

  it('refuses a taken email with 409 next to the field', async () => {
    await makeUser({ email: 'taken@example.az' })
    const result = await call(action, post({ ...valid, email: 'Taken@Example.az' }, { 'Accept-Language': 'en' }))
    expect(result.status).toBe(409)
    expect(result.data.errors.email).toBe('An account with this email already exists. Log in or reset the password.')
  })
})
