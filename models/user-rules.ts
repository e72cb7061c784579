/**
 * What the browser may know about users as well as the server: roles, regions and the password
 * rule. Pages import these for their forms; a `.server` module would be empty in the browser.
 */
export const ROLES = [
  'shopper',
  'family',
  'founder',
  'retailer',
  'case_manager',
  'trainer',
  'technician',
  'designer',
  'sales_manager',
  'programme_manager',
  'mentor',
  'admin',
] as const
export type Role = (typeof ROLES)[number]
export const SELF_SIGNUP_ROLES = ['family', 'founder', 'retailer', 'shopper'] as const satisfies readonly Role[]
export const STAFF_ROLES = ['case_manager', 'trainer', 'technician', 'designer', 'sales_manager', 'programme_manager', 'mentor', 'admin'] as const satisfies readonly Role[]
export const REGIONS = ['Baku', 'Guba', 'Balakan', 'Sheki', 'Gabala', 'Lankaran', 'Shamakhi', 'Ganja', 'Other'] as const

export const PASSWORD_MIN_LENGTH = 10

/** Minimum strength: length and at least a letter and a digit; a common password is refused. */
export function passwordProblem(password: string): 'password.tooShort' | 'password.tooWeak' | null {
  if (password.length < PASSWORD_MIN_LENGTH) return 'password.tooShort'
  if (!/[A-Za-zƏəĞğİıÖöÜüŞşÇçА-Яа-я]/.test(password) || !/\d/.test(password)) return 'password.tooWeak'
  if (/^(password|qwerty|123456|abc123)/i.test(password)) return 'password.tooWeak'
  return null
}
