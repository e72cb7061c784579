import { describe, expect, it } from 'vitest'
import { makeUser } from '#tests/factories/users'
import { consumeToken, createToken, peekToken, TokenModel } from './token.server'

describe('one-time tokens', () => {
  it('works once: of many concurrent uses exactly one succeeds', async () => {
    const user = await makeUser()
    const raw = await createToken('reset', user._id)
    expect(await peekToken('reset', raw)).toMatchObject({ userId: user._id })
    const uses = await Promise.all(Array.from({ length: 10 }, () => consumeToken('reset', raw)))
    expect(uses.filter(Boolean)).toHaveLength(1)
    expect(await consumeToken('reset', raw)).toBeNull()
    expect(await peekToken('reset', raw)).toBeNull()
  })

  it('refuses an expired token, even unused', async () => {
    const user = await makeUser()
    const raw = await createToken('reset', user._id)
    await TokenModel.updateMany({ userId: user._id }, { $set: { expiresAt: new Date(Date.now() - 1000) } })
    expect(await peekToken('reset', raw)).toBeNull()
    expect(await consumeToken('reset', raw)).toBeNull()
  })

  it('is bound to its kind and stores only a hash', async () => {
    const user = await makeUser()
    const raw = await createToken('verify', user._id)
    expect(await consumeToken('reset', raw)).toBeNull()
    expect(await consumeToken('invite', raw)).toBeNull()
    const stored = await TokenModel.findOne({ userId: user._id }).select('+hash').lean()
    expect(stored?.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(stored?.hash).not.toContain(raw)
    expect(await consumeToken('verify', raw)).not.toBeNull()
  })

  it('gives each link its own lifetime: reset 1 hour, verify 3 days, invite 7 days', async () => {
    const user = await makeUser()
    const started = Date.now()
    for (const kind of ['reset', 'verify', 'invite'] as const) await createToken(kind, user._id)
    const tokens = await TokenModel.find({ userId: user._id }).lean()
    const hours = Object.fromEntries(tokens.map((token) => [token.kind, Math.round((token.expiresAt.getTime() - started) / 3_600_000)]))
    expect(hours).toEqual({ reset: 1, verify: 72, invite: 168 })
  })
})
