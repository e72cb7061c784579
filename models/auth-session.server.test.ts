import { describe, expect, it } from 'vitest'
import { makeUser } from '#tests/factories/users'
import { AuthSessionModel, createAuthSession, deleteUserSession, deleteUserSessions, getAuthSession, listUserSessions } from './auth-session.server'

describe('database sessions', () => {
  it('log out everywhere deletes every session of the user and no one else’s', async () => {
    const user = await makeUser()
    const other = await makeUser()
    const mine = await Promise.all([1, 2, 3].map((n) => createAuthSession(user._id, { ip: `10.0.0.${n}`, userAgent: `device ${n}` })))
    const theirs = await createAuthSession(other._id, {})
    expect(await listUserSessions(user._id)).toHaveLength(3)
    expect(await deleteUserSessions(user._id)).toBe(3)
    for (const session of mine) expect(await getAuthSession(session.id)).toBeNull()
    expect(await getAuthSession(theirs.id)).not.toBeNull()
  })

  it('can keep the current session while ending the others', async () => {
    const user = await makeUser()
    const [current, second, third] = await Promise.all([1, 2, 3].map(() => createAuthSession(user._id, {})))
    expect(await deleteUserSessions(user._id, current.id)).toBe(2)
    expect(await getAuthSession(current.id)).not.toBeNull()
    expect(await getAuthSession(second.id)).toBeNull()
    expect(await getAuthSession(third.id)).toBeNull()
  })

  it('ends one session only for its owner', async () => {
    const user = await makeUser()
    const intruder = await makeUser()
    const session = await createAuthSession(user._id, {})
    expect(await deleteUserSession(intruder._id, session.id)).toBe(false)
    expect(await getAuthSession(session.id)).not.toBeNull()
    expect(await deleteUserSession(user._id, session.id)).toBe(true)
    expect(await getAuthSession(session.id)).toBeNull()
  })

  it('does not accept an expired session', async () => {
    const user = await makeUser()
    const session = await createAuthSession(user._id, {})
    await AuthSessionModel.updateOne({ _id: session.id }, { $set: { expiresAt: new Date(Date.now() - 1) } })
    expect(await getAuthSession(session.id)).toBeNull()
    expect(await listUserSessions(user._id)).toHaveLength(0)
  })
})
