import { describe, expect, it } from 'vitest'
import { guestNav, navFor } from './nav'

const user = (roles: string[], extra: Record<string, unknown> = {}) => ({ _id: 'u1', roles, status: 'active', ...extra })
const paths = (roles: string[], extra?: Record<string, unknown>) => navFor(user(roles, extra)).map((item) => item.to)

describe('navigation by role', () => {
  it('gives a family member their family and shifts', () => {
    expect(paths(['family'], { familyId: 'f1' })).toEqual(['/family', '/family/shifts', '/account'])
  })

  it('gives each staff role its work queue and nothing of the others', () => {
    expect(paths(['case_manager'], { region: 'sheki' })).toEqual(['/admin/applications', '/account'])
    expect(paths(['trainer'])).toEqual(['/trainer', '/account'])
    expect(paths(['technician'])).toEqual(['/factory/today', '/account'])
  })

  it('gives an admin the admin pages', () => {
    expect(paths(['admin'])).toEqual(['/admin/applications', '/admin/users', '/admin/audit', '/admin/outbox', '/account'])
  })

  it('shows no admin page to a shopper, founder or retailer', () => {
    for (const role of ['shopper', 'founder', 'retailer', 'designer', 'mentor']) {
      expect(paths([role]).filter((to) => to.startsWith('/admin'))).toEqual([])
      expect(paths([role])).toContain('/account')
    }
  })

  it('adds up the links of a user with several roles', () => {
    expect(paths(['family', 'trainer'], { familyId: 'f1' })).toEqual(['/family', '/family/shifts', '/trainer', '/account'])
  })

  it('shows a disabled admin no admin pages (the ability says no)', () => {
    expect(paths(['admin'], { status: 'disabled' }).filter((to) => to === '/admin/users' || to === '/admin/outbox')).toEqual([])
  })

  it('offers a signed-out visitor log in (coming back here) and sign up', () => {
    expect(navFor(null)).toEqual([])
    expect(guestNav('/family/shifts?week=2026-03-09').map((item) => item.to)).toEqual(['/login?redirectTo=%2Ffamily%2Fshifts%3Fweek%3D2026-03-09', '/signup'])
    expect(guestNav('/').map((item) => item.to)).toEqual(['/login', '/signup'])
    expect(guestNav('/login?redirectTo=%2Fx')[0].to).toBe('/login')
  })
})
