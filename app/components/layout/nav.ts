import { defineAbilityFor, type AbilityUser } from '#app/utils/abilities'

export type NavItem = { to: string; labelKey: string }

/** The programme links every visitor sees in the header. */
export const PROGRAMME_LINKS = [
  { to: '/abad', labelKey: 'nav.abad', descKey: 'layout.abad.desc', tone: 'abad' },
  { to: '/innoland', labelKey: 'nav.innoland', descKey: 'layout.innoland.desc', tone: 'innoland' },
  { to: '/shop', labelKey: 'nav.boutique', descKey: 'layout.boutique.desc', tone: 'boutique' },
] as const

/**
 * The work a user's roles give them, in one list (a user can hold several roles). Only a
 * convenience: every page checks the ability again on the server.
 */
export function navFor(user: AbilityUser | null): NavItem[] {
  if (!user) return []
  const roles = new Set(user.roles)
  const ability = defineAbilityFor(user)
  const items: NavItem[] = []
  if (roles.has('family')) items.push({ to: '/family', labelKey: 'nav.family' }, { to: '/family/shifts', labelKey: 'nav.shifts' })
  if (roles.has('case_manager') || roles.has('admin')) items.push({ to: '/admin/applications', labelKey: 'nav.applications' })
  if (roles.has('trainer')) items.push({ to: '/trainer', labelKey: 'nav.trainer' })
  if (roles.has('technician')) items.push({ to: '/factory/today', labelKey: 'nav.factoryToday' })
  if (ability.can('invite', 'User')) items.push({ to: '/admin/users', labelKey: 'nav.users' })
  // case managers may read single subjects' trails too, but the whole-platform trail is an admin page
  if (roles.has('admin')) items.push({ to: '/admin/audit', labelKey: 'nav.audit' })
  if (ability.can('read', 'Outbox')) items.push({ to: '/admin/outbox', labelKey: 'nav.outbox' })
  items.push({ to: '/account', labelKey: 'nav.account' })
  return items
}

/** Signed-out visitors: log in comes back to the page they were on. */
export function guestNav(currentPath: string): NavItem[] {
  const back = currentPath && currentPath !== '/' && !currentPath.startsWith('/login') && !currentPath.startsWith('/signup') ? `?${new URLSearchParams({ redirectTo: currentPath })}` : ''
  return [
    { to: `/login${back}`, labelKey: 'nav.login' },
    { to: '/signup', labelKey: 'nav.signup' },
  ]
}
