import { describe, expect, it } from 'vitest'
import { parseEnv } from './env.server'

describe('configuration', () => {
  it('runs with nothing set, on the offline defaults', () => {
    const env = parseEnv({})
    expect(env.NODE_ENV).toBe('development')
    expect(env.PORT).toBe(3000)
    expect(env.SMTP_URL).toBeUndefined()
    expect(env.STRIPE_SECRET_KEY).toBeUndefined()
    expect(env.CLOUDINARY_URL).toBeUndefined()
    expect(env.UPLOAD_MAX_MB).toBe(10)
  })

  it('refuses to start in production without SESSION_SECRET, naming the variable', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET/)
    expect(() => parseEnv({ NODE_ENV: 'production', SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET/)
    expect(parseEnv({ NODE_ENV: 'production', SESSION_SECRET: 'a-long-enough-secret-123' }).NODE_ENV).toBe('production')
  })

  it('says which value is wrong instead of crashing later', () => {
    expect(() => parseEnv({ PORT: 'eighty' })).toThrow(/PORT/)
    expect(() => parseEnv({ STRIPE_SECRET_KEY: 'sk_test_x' })).toThrow(/STRIPE_WEBHOOK_SECRET/)
  })
})
