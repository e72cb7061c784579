import { describe, expect, it } from 'vitest'
import { makeUser } from '#tests/factories/users'
import { call, request } from '#tests/support/requests'
import { RESET_MAILS_PER_WINDOW } from '#app/utils/account.server'
import { OutboxModel } from '#models/outbox.server'
import { action } from './forgot-password'

const post = (email: string, language = 'en') => request('/forgot-password', { form: { email }, headers: { 'Accept-Language': language } })

describe('forgot-password route', () => {
  it('answers exactly the same whether or not the address has an account', async () => {
    await makeUser({ email: 'known@example.az' })
    const known = await call(action, post('known@example.az'))
    const unknown = await call(action, post('unknown@example.az'))
    expect(known.status).toBe(200)
    expect(unknown).toEqual(known)
    expect(known.data.message).toMatch(/^If an account exists for this address/)
    expect(await OutboxModel.find({}).lean()).toHaveLength(1)
  })

  it('mails a one-hour reset link in the account’s language, not the page’s', async () => {
    await makeUser({ email: 'leyla@example.az', name: 'Leyla', locale: 'ru' })
    await call(action, post('  LEYLA@example.az ', 'az'))
    const mail = await OutboxModel.findOne({ to: 'leyla@example.az' }).lean()
    expect(mail).toMatchObject({ template: 'reset', locale: 'ru', subject: 'Восстановление пароля' })
    expect(mail!.body).toContain('Здравствуйте, Leyla!')
    expect(mail!.body).toMatch(/http:\/\/localhost:3000\/reset-password\/[\w-]{20,}/)
  })

  it('sends nothing to a disabled account', async () => {
    await makeUser({ email: 'gone@example.az', status: 'disabled' })
    const result = await call(action, post('gone@example.az'))
    expect(result.status).toBe(200)
    expect(await OutboxModel.countDocuments({})).toBe(0)
  })

  it(`sends at most ${RESET_MAILS_PER_WINDOW} mails to one address per window, and still answers the same`, async () => {
    await makeUser({ email: 'busy@example.az' })
    const answers = []
    for (let i = 0; i < RESET_MAILS_PER_WINDOW + 3; i++) answers.push(await call(action, post('busy@example.az')))
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1)
    expect(await OutboxModel.countDocuments({ to: 'busy@example.az' })).toBe(RESET_MAILS_PER_WINDOW)
  })

  it('answers an invalid address with 400 in the page’s language', async () => {
    const result = await call(action, post('no-at-sign', 'az'))
    expect(result.status).toBe(400)
    expect(result.data.errors).toEqual({ email: 'Düzgün e-poçt ünvanı daxil edin' })
  })
})
