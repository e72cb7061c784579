import { describe, expect, it } from 'vitest'
import { guestNav, navFor } from './nav'

const user = (roles: string[], extra: Record<string, unknown> = {}) => ({ _id: 'u1', roles, status: 'active', ...extra })
const paths = (roles: string[], extra?: Record<string, unknown>) => navFor(user(roles, extra)).map((item) => item.to)

describe('navigation by role', () => {
  it('gives a family member their family, shifts, products, stock and orders', () => {
    expect(paths(['family'], { familyId: 'f1' })).toEqual(['/family', '/family/shifts', '/family/products', '/family/stock', '/orders', '/account'])
    // an applicant not yet a family: only the family home (the application lives there)
    expect(paths(['family'])).toEqual(['/family', '/orders', '/account'])
  })

  it('gives each staff role its work queue and nothing of the others', () => {
    expect(paths(['case_manager'], { region: 'sheki' })).toEqual(['/admin/applications', '/admin/services', '/admin/training', '/account'])
    expect(paths(['trainer'])).toEqual(['/trainer', '/account'])
    expect(paths(['technician'])).toEqual(['/factory/today', '/admin/factories', '/admin/lots', '/account'])
    expect(paths(['designer'])).toEqual(['/design', '/account'])
    expect(paths(['sales_manager'])).toEqual(['/admin/services', '/admin/factories', '/admin/lots', '/admin/catalogue', '/admin/orders', '/account'])
    expect(paths(['programme_manager'])).toEqual(['/admin/training', '/account'])
  })

  it('gives an admin the admin pages', () => {
    expect(paths(['admin'])).toEqual([
      '/admin/applications',
      '/admin/services',
      '/admin/training',
      '/admin/factories',
      '/admin/lots',
      '/design',
      '/admin/catalogue',
      '/admin/orders',
      '/admin/users',
      '/admin/audit',
      '/admin/outbox',
      '/account',
    ])
  })

  it('shows no admin page to a shopper, founder or retailer', () => {
    for (const role of ['shopper', 'founder', 'retailer', 'designer', 'mentor']) {
      expect(paths([role]).filter((to) => to.startsWith('/admin'))).toEqual([])
      expect(paths([role])).toContain('/account')
    }
  })

  it('adds up the links of a user with several roles', () => {
    expect(paths(['family', 'trainer'], { familyId: 'f1' })).toEqual(['/family', '/family/shifts', '/family/products', '/family/stock', '/trainer', '/orders', '/account'])
  })

  it('shows a disabled admin no admin pages (the ability says no)', () => {
    expect(paths(['admin'], { status: 'disabled' })).toEqual(['/account'])
  })

  it('offers a signed-out visitor log in (coming back here) and sign up', () => {
    expect(navFor(null)).toEqual([])
    expect(guestNav('/family/shifts?week=2026-03-09').map((item) => item.to)).toEqual(['/login?redirectTo=%2Ffamily%2Fshifts%3Fweek%3D2026-03-09', '/signup'])
    expect(guestNav('/').map((item) => item.to)).toEqual(['/login', '/signup'])
    expect(guestNav('/login?redirectTo=%2Fx')[0].to).toBe('/login')
  })
})
