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
  const active = user.status !== 'disabled'
  // staff pages by role; a disabled account keeps only its own account page
  const staff = (...allowed: string[]) => active && (roles.has('admin') || allowed.some((role) => roles.has(role)))
  const items: NavItem[] = []
  if (roles.has('family') && user.familyId) {
    items.push({ to: '/family', labelKey: 'nav.family' }, { to: '/family/shifts', labelKey: 'nav.shifts' }, { to: '/family/products', labelKey: 'nav.products' }, { to: '/family/stock', labelKey: 'nav.stock' })
  } else if (roles.has('family')) {
    items.push({ to: '/family', labelKey: 'nav.family' })
  }
  if (staff('case_manager')) items.push({ to: '/admin/applications', labelKey: 'nav.applications' })
  if (staff('case_manager', 'sales_manager')) items.push({ to: '/admin/services', labelKey: 'nav.services' })
  if (staff('case_manager', 'programme_manager')) items.push({ to: '/admin/training', labelKey: 'nav.training' })
  if (roles.has('trainer')) items.push({ to: '/trainer', labelKey: 'nav.trainer' })
  if (roles.has('technician')) items.push({ to: '/factory/today', labelKey: 'nav.factoryToday' })
  if (staff('technician', 'sales_manager')) items.push({ to: '/admin/factories', labelKey: 'nav.factories' }, { to: '/admin/lots', labelKey: 'nav.lots' })
  if (staff('designer')) items.push({ to: '/design', labelKey: 'nav.design' })
  if (staff('sales_manager')) items.push({ to: '/admin/catalogue', labelKey: 'nav.catalogue' }, { to: '/admin/orders', labelKey: 'nav.orders' })
  if (ability.can('invite', 'User')) items.push({ to: '/admin/users', labelKey: 'nav.users' })
  // case managers may read single subjects' trails too, but the whole-platform trail is an admin page
  if (staff()) items.push({ to: '/admin/audit', labelKey: 'nav.audit' })
  if (ability.can('read', 'Outbox')) items.push({ to: '/admin/outbox', labelKey: 'nav.outbox' })
  // anyone who buys in the boutique while signed in
  if (['shopper', 'family', 'founder', 'retailer'].some((role) => roles.has(role))) items.push({ to: '/orders', labelKey: 'nav.myOrders' })
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
