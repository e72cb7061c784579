import { createUser, type Role } from '#models/user.server'

let counter = 0
export const TEST_PASSWORD = 'correct-horse-42'

/** Builds a user with sensible defaults; tests and the demo seed share these builders. */
export async function makeUser(overrides: Partial<Parameters<typeof createUser>[0]> & { roles?: Role[] } = {}) {
  counter += 1
  const unique = `${Date.now().toString(36)}${counter}`
  return createUser({
    email: overrides.email ?? `user${unique}@example.az`,
    password: overrides.password ?? TEST_PASSWORD,
    name: overrides.name ?? `Test User ${counter}`,
    phone: overrides.phone ?? '+994501234567',
    locale: overrides.locale ?? 'en',
    roles: overrides.roles ?? ['shopper'],
    region: overrides.region ?? null,
    status: overrides.status ?? 'active',
    lead: overrides.lead ?? false,
    familyId: overrides.familyId ?? null,
  })
}
