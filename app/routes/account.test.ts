import { describe, expect, it } from 'vitest'
import { makeUser } from '#tests/factories/users'
import { call, cookieFrom, request, signedIn } from '#tests/support/requests'
import { getAuthSession, listUserSessions } from '#models/auth-session.server'
import { OutboxModel } from '#models/outbox.server'
import { getUserById } from '#models/user.server'
import { action as accountAction, loader as accountLoader } from './account._index'
import { action as sessionsAction, loader as sessionsLoader } from './account.sessions'
import { loader as verifyLoader } from './verify-email.$token'

describe('account page', () => {
  it('needs a signed-in user', async () => {
    expect(await call(accountLoader, request('/account'))).toMatchObject({ status: 302, location: '/login?redirectTo=%2Faccount' })
  })

  it('updates name, phone and language; the page switches to the new language', async () => {
    const user = await makeUser({ name: 'Old Name', locale: 'az' })
    const { cookie } = await signedIn(user._id)
    const saved = await call(accountAction, request('/account', { cookie, form: { intent: 'profile', name: 'Yeni Ad', phone: '+994 55 000 00 00', locale: 'en' } }))
    expect(saved).toMatchObject({ status: 302, location: '/account' })
    expect(cookieFrom(saved.setCookies)).toMatch(/lng=/)
    expect(await getUserById(user._id)).toMatchObject({ name: 'Yeni Ad', phone: '+994 55 000 00 00', locale: 'en' })
  })

  it('answers bad input with 400 and the errors in the page’s language', async () => {
    const user = await makeUser()
    const { cookie } = await signedIn(user._id, { locale: 'ru' })
    const result = await call(accountAction, request('/account', { cookie, form: { intent: 'profile', name: '', phone: 'call me', locale: 'fr' } }))
    expect(result.status).toBe(400)
    expect(result.data.errors).toMatchObject({ name: 'Не менее 2 символов', phone: 'Недопустимое значение' })
    expect(result.data.errors.locale).toBeTruthy()
  })

  it('sends a new confirmation link, and the link confirms the address once', async () => {
    const user = await makeUser({ email: 'confirm@example.az', locale: 'az' })
    const { cookie } = await signedIn(user._id)
    await call(accountAction, request('/account', { cookie, form: { intent: 'resend-verification' } }))
    const mail = await OutboxModel.findOne({ to: 'confirm@example.az', template: 'verify' }).lean()
    expect(mail?.subject).toBe('E-poçtunuzu təsdiqləyin')
    const token = /\/verify-email\/([\w-]+)/.exec(mail!.body)![1]
    expect(await call(verifyLoader, request(`/verify-email/${token}`), { token })).toMatchObject({ status: 200, data: { verified: true } })
    expect((await getUserById(user._id))?.emailVerifiedAt).toBeInstanceOf(Date)
    expect(await call(verifyLoader, request(`/verify-email/${token}`), { token })).toMatchObject({ status: 410, data: { verified: false } })
  })
})

describe('sessions page', () => {
  it('lists the user’s sessions with the device, marks this one and shows no session id', async () => {
    const user = await makeUser()
    const other = await makeUser()
    await signedIn(other._id)
    await signedIn(user._id, { userAgent: 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36' })
    const here = await signedIn(user._id, { userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0' })
    const page = await call(sessionsLoader, request('/account/sessions', { cookie: here.cookie }))
    expect(page.data.sessions).toHaveLength(2)
    const current = page.data.sessions.find((session: { current: boolean }) => session.current)
    expect(current.device).toEqual({ browser: 'Firefox', os: 'Windows' })
    expect(page.data.sessions.find((session: { current: boolean }) => !session.current).device).toEqual({ browser: 'Chrome', os: 'Android' })
    expect(JSON.stringify(page.data)).not.toContain(here.sessionId)
  })

  it('ends another session of the user, and cannot end someone else’s', async () => {
    const user = await makeUser()
    const stranger = await makeUser()
    const theirs = await signedIn(stranger._id)
    const old = await signedIn(user._id)
    const here = await signedIn(user._id)
    const page = await call(sessionsLoader, request('/account/sessions', { cookie: here.cookie }))
    const target = page.data.sessions.find((session: { current: boolean }) => !session.current)
    const ended = await call(sessionsAction, request('/account/sessions', { cookie: here.cookie, form: { intent: 'end', session: target.handle } }))
    expect(ended).toMatchObject({ status: 302, location: '/account/sessions' })
    expect(await getAuthSession(old.sessionId)).toBeNull()
    expect(await getAuthSession(here.sessionId)).not.toBeNull()

    const strangerPage = await call(sessionsLoader, request('/account/sessions', { cookie: theirs.cookie }))
    await call(sessionsAction, request('/account/sessions', { cookie: here.cookie, form: { intent: 'end', session: strangerPage.data.sessions[0].handle } }))
    expect(await getAuthSession(theirs.sessionId)).not.toBeNull()
  })

  it('signs out every other device and keeps this one', async () => {
    const user = await makeUser()
    await signedIn(user._id)
    await signedIn(user._id)
    const here = await signedIn(user._id)
    await call(sessionsAction, request('/account/sessions', { cookie: here.cookie, form: { intent: 'end-others' } }))
    const left = await listUserSessions(user._id)
    expect(left.map((session) => session._id)).toEqual([here.sessionId])
  })

  it('ending this device’s own session logs out', async () => {
    const user = await makeUser()
    const here = await signedIn(user._id)
    const page = await call(sessionsLoader, request('/account/sessions', { cookie: here.cookie }))
    const result = await call(sessionsAction, request('/account/sessions', { cookie: here.cookie, form: { intent: 'end', session: page.data.sessions[0].handle } }))
    expect(result.location).toBe('/login')
    expect(cookieFrom(result.setCookies, here.cookie)).not.toContain('__session=')
    expect(await listUserSessions(user._id)).toHaveLength(0)
  })
})
