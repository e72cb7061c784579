import { describe, expect, it } from 'vitest'
import { makeUser, TEST_PASSWORD } from '#tests/factories/users'
import { AuditEventModel } from './audit.server'
import {
  createUser,
  DuplicateEmailError,
  getUserById,
  listUsers,
  markEmailVerified,
  setPassword,
  setUserRoles,
  setUserStatus,
  updateProfile,
  UserModel,
  verifyLogin,
} from './user.server'

describe('users', () => {
  it('creates one account when the same email signs up many times at once', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 12 }, (_, index) =>
        createUser({ email: index % 2 ? 'Same@Example.az' : ' same@example.az ', password: TEST_PASSWORD, name: `Person ${index}`, roles: ['shopper'] }),
      ),
    )
    const created = attempts.filter((attempt) => attempt.status === 'fulfilled')
    const refused = attempts.filter((attempt) => attempt.status === 'rejected')
    expect(created).toHaveLength(1)
    expect(refused).toHaveLength(11)
    for (const attempt of refused) expect((attempt as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateEmailError)
    expect(await UserModel.countDocuments({ email: 'same@example.az' })).toBe(1)
  })

  it('keeps the password hash out of reads and checks it on login', async () => {
    const user = await makeUser({ email: 'login@example.az' })
    const read = await UserModel.findById(user._id).lean()
    expect(read).not.toHaveProperty('passwordHash')
    expect(await verifyLogin('LOGIN@example.az', TEST_PASSWORD)).toMatchObject({ email: 'login@example.az' })
    expect(await verifyLogin('login@example.az', 'wrong-password-1')).toBeNull()
    expect(await verifyLogin('nobody@example.az', TEST_PASSWORD)).toBeNull()
  })

  it('activates an invited account when it sets a password, but never re-enables a disabled one', async () => {
    const invited = await makeUser({ status: 'invited', roles: ['trainer'] })
    expect(await setPassword(invited._id, 'new-password-77', { _id: invited._id })).toBe('activated')
    expect((await getUserById(invited._id))?.status).toBe('active')
    expect(await verifyLogin(invited.email, 'new-password-77')).not.toBeNull()

    const disabled = await makeUser({ status: 'disabled' })
    expect(await setPassword(disabled._id, 'new-password-77', { _id: disabled._id })).toBe('changed')
    expect((await getUserById(disabled._id))?.status).toBe('disabled')
  })

  it('records every account, role and status change in the audit trail with before/after and reason', async () => {
    const admin = await makeUser({ roles: ['admin'], name: 'Admin' })
    const user = await makeUser({ roles: ['family'], name: 'Before' })
    const actor = { _id: admin._id, name: admin.name }
    await updateProfile(user._id, { name: 'After', locale: 'ru' }, { _id: user._id, name: 'Before' })
    await setUserRoles(String(user._id), ['family', 'trainer'], true, actor, 'runs courses now')
    await setUserStatus(String(user._id), 'disabled', actor, 'left the programme')
    await setPassword(user._id, 'another-pass-9', actor)
    expect(await markEmailVerified(user._id)).toBe(true)
    expect(await markEmailVerified(user._id)).toBe(false)

    const events = await AuditEventModel.find({ 'subject.type': 'User', 'subject.id': String(user._id) }).sort({ at: 1, _id: 1 }).lean()
    expect(events.map((event) => event.action)).toEqual([
      'user.created',
      'user.profile_updated',
      'user.roles_changed',
      'user.disabled',
      'user.password_changed',
      'user.email_verified',
    ])
    const roles = events.find((event) => event.action === 'user.roles_changed')!
    expect(roles).toMatchObject({ actorName: 'Admin', before: { roles: ['family'], lead: false }, after: { roles: ['family', 'trainer'], lead: true }, reason: 'runs courses now' })
    const disabled = events.find((event) => event.action === 'user.disabled')!
    expect(disabled).toMatchObject({ before: { status: 'active' }, after: { status: 'disabled' }, reason: 'left the programme' })
    expect(events.find((event) => event.action === 'user.profile_updated')).toMatchObject({ before: { name: 'Before' }, after: { name: 'After', locale: 'ru' } })
  })

  it('lists users by search text, role and status, sorted and paged, inside the caller’s scope', async () => {
    await makeUser({ name: 'Aysel Quliyeva', email: 'aysel@example.az', roles: ['family'] })
    await makeUser({ name: 'Babək Əliyev', email: 'babek@example.az', roles: ['trainer'] })
    await makeUser({ name: 'Cavid Həsənov', email: 'cavid@example.az', roles: ['family'], status: 'disabled' })
    await makeUser({ name: 'Dilarə (a.b)', email: 'dilare@example.az', roles: ['family'] })

    const byName = await listUsers({ q: 'AYSEL' })
    expect(byName.items.map((user) => user.email)).toEqual(['aysel@example.az'])
    // search text is literal, not a pattern
    expect((await listUsers({ q: '(a.b)' })).items.map((user) => user.email)).toEqual(['dilare@example.az'])
    expect((await listUsers({ q: 'a.b' })).items.map((user) => user.email)).toEqual(['dilare@example.az'])

    const families = await listUsers({ role: 'family', sort: 'name', dir: 1 })
    expect(families.items.map((user) => user.name)).toEqual(['Aysel Quliyeva', 'Cavid Həsənov', 'Dilarə (a.b)'])
    expect((await listUsers({ role: 'family', status: 'disabled' })).items.map((user) => user.email)).toEqual(['cavid@example.az'])

    const page2 = await listUsers({ sort: 'email', dir: 1, page: 2, perPage: 3 })
    expect(page2.total).toBe(4)
    expect(page2.items.map((user) => user.email)).toEqual(['dilare@example.az'])

    // a scope (the permission filter) cannot be widened by the page's own filters
    const scoped = await listUsers({ scope: { email: 'babek@example.az' }, role: 'family' })
    expect(scoped.total).toBe(0)
  })
})
