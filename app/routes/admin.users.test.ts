import { describe, expect, it } from 'vitest'
import { makeUser, TEST_PASSWORD } from '#tests/factories/users'
import { call, cookieFrom, request, signedIn } from '#tests/support/requests'
import { getUser, login } from '#app/utils/auth.server'
import { AuditEventModel } from '#models/audit.server'
import { listUserSessions } from '#models/auth-session.server'
import { OutboxModel } from '#models/outbox.server'
import { getUserById, ROLES, type Role } from '#models/user.server'
import { action as acceptInvite, loader as invitePage } from './accept-invite.$token'
import { loader as auditLoader } from './admin.audit'
import { loader as outboxMessage } from './admin.outbox.$id'
import { loader as outboxList } from './admin.outbox._index'
import { action as userAction, loader as userLoader } from './admin.users.$id'
import { loader as usersLoader } from './admin.users._index'
import { action as inviteAction, loader as inviteLoader } from './admin.users.invite'

async function admin() {
  const user = await makeUser({ roles: ['admin'], name: 'Aygün Admin' })
  return { user, ...(await signedIn(user._id)) }
}

describe('admin pages are for admins only', () => {
  const pages = [
    ['/admin/users', usersLoader, {}],
    ['/admin/users/invite', inviteLoader, {}],
    ['/admin/audit', auditLoader, {}],
    ['/admin/outbox', outboxList, {}],
  ] as const

  it.each(ROLES.filter((role) => role !== 'admin'))('a %s gets 403 on every admin page, and on a user page', async (role) => {
    const user = await makeUser({ roles: [role as Role], region: 'Guba', lead: true })
    const { cookie } = await signedIn(user._id)
    for (const [path, loader, params] of pages) expect((await call(loader, request(path, { cookie }), params)).status, path).toBe(403)
    // even their own record through the admin page
    expect((await call(userLoader, request(`/admin/users/${user._id}`, { cookie }), { id: String(user._id) })).status).toBe(403)
    const post = await call(userAction, request(`/admin/users/${user._id}`, { cookie, form: { intent: 'roles', roles: ['admin'] } }), { id: String(user._id) })
    expect(post.status).toBe(403)
    expect((await getUserById(user._id))?.roles).toEqual([role])
  })

  it('sends a signed-out visitor to the login page that comes back here', async () => {
    const result = await call(usersLoader, request('/admin/users?role=family'))
    expect(result.status).toBe(302)
    expect(result.location).toBe(`/login?${new URLSearchParams({ redirectTo: '/admin/users?role=family' })}`)
  })
})

describe('admin users', () => {
  it('searches, filters, sorts and pages the list', async () => {
    const { cookie } = await admin()
    for (let i = 0; i < 23; i++) await makeUser({ name: `Ailə ${String(i).padStart(2, '0')}`, roles: ['family'] })
    await makeUser({ name: 'Zaur Trainer', email: 'zaur@example.az', roles: ['trainer'] })
    const firstPage = await call(usersLoader, request('/admin/users?role=family&sort=name&dir=asc', { cookie }))
    expect(firstPage.data.total).toBe(23)
    expect(firstPage.data.users).toHaveLength(20)
    expect(firstPage.data.users[0].name).toBe('Ailə 00')
    const secondPage = await call(usersLoader, request('/admin/users?role=family&sort=name&dir=asc&page=2', { cookie }))
    expect(secondPage.data.users.map((user: { name: string }) => user.name)).toEqual(['Ailə 20', 'Ailə 21', 'Ailə 22'])
    const search = await call(usersLoader, request('/admin/users?q=zaur', { cookie }))
    expect(search.data.users.map((user: { email: string }) => user.email)).toEqual(['zaur@example.az'])
  })

  it('changes roles and the lead flag with a reason in the audit trail', async () => {
    const { user: me, cookie } = await admin()
    const target = await makeUser({ roles: ['family'] })
    const result = await call(
      userAction,
      request(`/admin/users/${target._id}`, { cookie, form: { intent: 'roles', roles: ['case_manager', 'trainer'], lead: 'on', reason: 'new staff' } }),
      { id: String(target._id) },
    )
    expect(result).toMatchObject({ status: 302, location: `/admin/users/${target._id}` })
    expect(await getUserById(target._id)).toMatchObject({ roles: ['case_manager', 'trainer'], lead: true })
    expect(await AuditEventModel.findOne({ action: 'user.roles_changed', 'subject.id': String(target._id) }).lean()).toMatchObject({
      actorId: me._id,
      reason: 'new staff',
      after: { roles: ['case_manager', 'trainer'], lead: true },
    })
    const none = await call(userAction, request(`/admin/users/${target._id}`, { cookie, form: { intent: 'roles' }, headers: { 'Accept-Language': 'en' } }), { id: String(target._id) })
    expect(none).toMatchObject({ status: 400, data: { errors: { roles: 'Choose at least one role' } } })
  })

  it('disabling ends every session of the user at once; enabling lets them log in again', async () => {
    const { cookie } = await admin()
    const target = await makeUser({ roles: ['family'] })
    const phone = await signedIn(target._id)
    await signedIn(target._id)
    const noReason = await call(userAction, request(`/admin/users/${target._id}`, { cookie, form: { intent: 'disable', reason: '' } }), { id: String(target._id) })
    expect(noReason.status).toBe(400)
    expect(await listUserSessions(target._id)).toHaveLength(2)

    const disabled = await call(userAction, request(`/admin/users/${target._id}`, { cookie, form: { intent: 'disable', reason: 'duplicate account' } }), { id: String(target._id) })
    expect(disabled.status).toBe(302)
    expect(await listUserSessions(target._id)).toHaveLength(0)
    expect(await getUser(request('/family', { cookie: phone.cookie }))).toBeNull()
    const ip = request('/login', { headers: { 'x-client-ip': '10.40.0.1' } })
    expect(await login(ip, target.email, TEST_PASSWORD)).toMatchObject({ ok: false })
    expect(await AuditEventModel.findOne({ action: 'user.disabled', 'subject.id': String(target._id) }).lean()).toMatchObject({ reason: 'duplicate account' })

    await call(userAction, request(`/admin/users/${target._id}`, { cookie, form: { intent: 'enable', reason: '' } }), { id: String(target._id) })
    expect(await login(ip, target.email, TEST_PASSWORD)).toMatchObject({ ok: true })
  })

  it('an admin can neither disable themselves nor drop their own admin role', async () => {
    const { user: me, cookie } = await admin()
    const id = String(me._id)
    const drop = await call(userAction, request(`/admin/users/${id}`, { cookie, form: { intent: 'roles', roles: ['trainer'] } }), { id })
    expect(drop.status).toBe(409)
    const disable = await call(userAction, request(`/admin/users/${id}`, { cookie, form: { intent: 'disable', reason: 'oops oops' } }), { id })
    expect(disable.status).toBe(409)
    expect(await getUserById(me._id)).toMatchObject({ roles: ['admin'], status: 'active' })
  })

  it('answers an unknown user with 404', async () => {
    const { cookie } = await admin()
    expect((await call(userLoader, request('/admin/users/000000000000000000000000', { cookie }), { id: '000000000000000000000000' })).status).toBe(404)
    expect((await call(userLoader, request('/admin/users/nonsense', { cookie }), { id: 'nonsense' })).status).toBe(404)
  })
})

describe('inviting staff', () => {
  it('creates an invited account and mails a link in the invitee’s language; the link sets a password once', async () => {
    const { cookie } = await admin()
    const invited = await call(
      inviteAction,
      request('/admin/users/invite', { cookie, form: { email: 'Nigar@Example.az', name: 'Nigar Quliyeva', role: 'trainer', region: 'Sheki', locale: 'ru' } }),
    )
    expect(invited.status).toBe(302)
    const user = await getUserById(invited.location!.split('/').pop()!)
    expect(user).toMatchObject({ email: 'nigar@example.az', roles: ['trainer'], region: 'Sheki', status: 'invited', locale: 'ru' })
    const mail = await OutboxModel.findOne({ to: 'nigar@example.az' }).lean()
    expect(mail).toMatchObject({ template: 'invite', locale: 'ru', subject: 'Приглашение на платформу ABAD · INNOLAND' })
    expect(mail!.body).toContain('«Тренер»')
    expect(mail!.body).toContain('Aygün Admin')
    const token = /\/accept-invite\/([\w-]+)/.exec(mail!.body)![1]

    const page = await call(invitePage, request(`/accept-invite/${token}`), { token })
    expect(page.data).toMatchObject({ valid: true, name: 'Nigar Quliyeva', role: 'trainer' })
    const weak = await call(acceptInvite, request(`/accept-invite/${token}`, { form: { password: 'abc', confirm: 'abc' } }), { token })
    expect(weak.status).toBe(400)
    const accepted = await call(acceptInvite, request(`/accept-invite/${token}`, { form: { password: 'təlim-2026-ok', confirm: 'təlim-2026-ok' } }), { token })
    expect(accepted).toMatchObject({ status: 302, location: '/account' })
    expect(await getUser(request('/account', { cookie: cookieFrom(accepted.setCookies) }))).toMatchObject({ email: 'nigar@example.az', status: 'active' })
    const again = await call(acceptInvite, request(`/accept-invite/${token}`, { form: { password: 'təlim-2026-ok', confirm: 'təlim-2026-ok' } }), { token })
    expect(again.status).toBe(410)
    const actions = (await AuditEventModel.find({ 'subject.id': String(user!._id) }).lean()).map((event) => event.action)
    expect(actions).toEqual(expect.arrayContaining(['user.created', 'user.invited', 'user.password_changed', 'user.email_verified']))
  })

  it('refuses a taken email and a role that is not for staff', async () => {
    const { cookie } = await admin()
    await makeUser({ email: 'taken@example.az' })
    const taken = await call(inviteAction, request('/admin/users/invite', { cookie, form: { email: 'taken@example.az', name: 'Someone', role: 'trainer', region: '', locale: 'en' }, headers: { 'Accept-Language': 'en' } }))
    expect(taken).toMatchObject({ status: 409, data: { errors: { email: 'An account with this email already exists.' } } })
    const family = await call(inviteAction, request('/admin/users/invite', { cookie, form: { email: 'new@example.az', name: 'Someone', role: 'family', region: '', locale: 'en' } }))
    expect(family.status).toBe(400)
    expect(family.data.errors.role).toBeTruthy()
  })
})

describe('audit and outbox pages', () => {
  it('shows the trail filtered by subject, with readable before/after', async () => {
    const { cookie } = await admin()
    const target = await makeUser({ roles: ['family'], name: 'Audit Target' })
    await call(userAction, request(`/admin/users/${target._id}`, { cookie, form: { intent: 'roles', roles: ['family', 'founder'], reason: 'also a start-up' } }), { id: String(target._id) })
    const page = await call(auditLoader, request(`/admin/audit?type=User&id=${target._id}&action=user.roles_changed`, { cookie, headers: { 'Accept-Language': 'en' } }))
    expect(page.data.total).toBe(1)
    expect(page.data.events[0]).toMatchObject({
      action: 'user.roles_changed',
      actorName: 'Aygün Admin',
      reason: 'also a start-up',
      changes: [{ field: 'roles', before: 'family', after: 'family, founder' }],
    })
  })

  it('lists mails by recipient and opens one', async () => {
    const { cookie } = await admin()
    await makeUser({ email: 'reader@example.az' })
    const { action: forgot } = await import('./forgot-password')
    await call(forgot, request('/forgot-password', { form: { email: 'reader@example.az' } }))
    const list = await call(outboxList, request('/admin/outbox?to=READER', { cookie }))
    expect(list.data.messages).toHaveLength(1)
    const message = await call(outboxMessage, request(`/admin/outbox/${list.data.messages[0].id}`, { cookie }), { id: list.data.messages[0].id })
    expect(message.data.message.body).toMatch(/\/reset-password\//)
    expect((await call(outboxMessage, request('/admin/outbox/000000000000000000000000', { cookie }), { id: '000000000000000000000000' })).status).toBe(404)
  })
})
