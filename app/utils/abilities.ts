import { AbilityBuilder, createMongoAbility, subject as caslSubject, type MongoAbility } from '@casl/ability'

/**
 * The one place where permissions are declared (DESIGN.md: declared once, enforced twice). Used by
 * the server (loaders, actions, list queries through accessibleBy) and by the UI to hide what the
 * user cannot do. Condition values are strings: compare documents through `asSubject`.
 */
export type Action = 'manage' | 'create' | 'read' | 'update' | 'delete' | 'assign' | 'decide' | 'invite' | 'revoke' | 'submit' | 'review' | 'check_in' | 'recall' | 'refund'
export type SubjectName =
  | 'all'
  | 'User'
  | 'AuthSession'
  | 'AuditEvent'
  /** the whole trail across every subject (the admin page), as opposed to one record's history */
  | 'AuditTrail'
  | 'Outbox'
  | 'Application'
  | 'ApplicationDocument'
  | 'Family'
  | 'ServiceRequest'
  | 'Rating'
  | 'Resource'
  | 'Slot'
  | 'Booking'
  | 'Course'
  | 'Certificate'
  | 'Attendance'
  | 'Factory'
  | 'Line'
  | 'Batch'
  | 'Lot'
  | 'Product'
  | 'Brand'
  | 'BrandingRequest'
  | 'Order'
  | 'Cart'
export type AppAbility = MongoAbility<[Action, SubjectName | Record<string, unknown>]>

export type AbilityUser = {
  _id: unknown
  roles: readonly string[]
  lead?: boolean | null
  familyId?: unknown
  startupId?: unknown
  retailerId?: unknown
  region?: string | null
  status?: string
}

const id = (value: unknown) => (value == null ? null : String(value))

export function defineAbilityFor(user: AbilityUser | null): AppAbility {
  const { can, cannot, build } = new AbilityBuilder<AppAbility>(createMongoAbility)
  // anyone, signed in or not
  can('read', 'Certificate')
  can('read', 'Product', { status: 'listed' })
  can('read', 'Brand')
  // boutique: guests fill a cart and check out without an account
  can('create', ['Cart', 'Order'])

  if (!user || user.status === 'disabled') return build()
  const userId = id(user._id)!
  const roles = new Set(user.roles)

  // every signed-in user: own account and sessions
  can('read', 'User', { _id: userId })
  // own profile only: roles, status and lead are for admins
  can('update', 'User', ['name', 'phone', 'locale'], { _id: userId })
  can(['read', 'delete'], 'AuthSession', { userId })
  can('create', 'Rating', { raterId: userId })
  can('read', 'Rating', { raterId: userId })

  if (roles.has('family') || roles.has('shopper')) {
    can(['create', 'read', 'update', 'submit'], 'Application', { applicantId: userId, kind: 'abad' })
    can('read', 'ApplicationDocument', { applicantId: userId })
  }
  if (roles.has('family') && user.familyId) {
    const familyId = id(user.familyId)
    can('read', 'Application', { familyId })
    can('read', 'ApplicationDocument', { familyId })
    can(['read', 'update', 'invite'], 'Family', { _id: familyId })
    // update: write on its own requests (messages, files) and withdraw them
    can(['create', 'read', 'update'], 'ServiceRequest', { familyId })
    can(['create', 'read', 'delete'], 'Booking', { 'holder.id': familyId })
    can('read', ['Slot', 'Resource', 'Course'])
  }

  if (roles.has('case_manager')) {
    // a case manager sees their own region; a lead sees every region
    const regional: Record<string, string> = user.lead || !user.region ? {} : { region: user.region }
    can(['read', 'update', 'decide'], 'Application', { kind: 'abad', status: { $ne: 'draft' }, ...regional })
    can('read', 'ApplicationDocument', { kind: 'abad', status: { $ne: 'draft' }, ...regional })
    can('read', 'Family', regional)
    // support services: case managers handle business plans, accounting and legal help (marketing is sales)
    can('read', 'ServiceRequest', regional)
    can('update', 'ServiceRequest', { kind: { $in: ['business_plan', 'accounting', 'legal'] }, ...regional })
    if (user.lead) can('assign', 'ServiceRequest', { kind: { $in: ['business_plan', 'accounting', 'legal'] } })
    can('assign', 'Application', user.lead ? { kind: 'abad' } : { kind: 'abad', ...regional })
    can('read', 'Rating')
    can('read', 'AuditEvent')
  }
  if (roles.has('trainer')) {
    can('read', ['Course', 'Resource', 'Slot', 'Booking', 'Family'])
    can(['update', 'check_in'], 'Slot', { staffId: userId })
    can(['read', 'update'], 'Attendance', { staffId: userId })
    can('create', 'Certificate')
  }
  if (roles.has('technician')) {
    can('read', ['Resource', 'Slot', 'Booking', 'Family'])
    can(['update', 'check_in'], 'Slot', { staffId: userId })
  }
  if (roles.has('designer')) can('read', 'Family')
  if (roles.has('sales_manager')) {
    can('read', 'Family')
    can(['read', 'update'], 'ServiceRequest', { kind: 'marketing' })
    if (user.lead) can('assign', 'ServiceRequest', { kind: 'marketing' })
  }
  if (roles.has('programme_manager')) {
    can(['read', 'update', 'decide', 'assign'], 'Application', { kind: 'innoland', status: { $ne: 'draft' } })
    can('manage', ['Resource', 'Slot'])
  }
  // ——— training and bookings: staff plan courses, runs and sessions; a trainer runs only the
  // sessions they are in charge of (the Slot rule above), never someone else's attendance sheet ———
  if (roles.has('case_manager') || roles.has('programme_manager')) {
    can('manage', ['Course', 'Resource', 'Slot', 'Booking'])
    can(['create', 'revoke'], 'Certificate')
  }

  // ——— factories, batches and lots ———
  if (roles.has('family') && user.familyId) {
    can('read', ['Lot', 'Batch'], { familyId: id(user.familyId) })
    can('read', ['Factory', 'Line'])
  }
  if (roles.has('technician')) {
    can('read', ['Factory', 'Line', 'Lot', 'Batch'])
    // factory staff plan shifts, assign the supervising technician and close lines for maintenance
    can('manage', 'Line')
    // only the technician supervising the shift records its batches and checks their quality
    can(['create', 'decide'], 'Batch', { technicianId: userId })
  }
  if (roles.has('sales_manager')) {
    can('read', ['Factory', 'Line', 'Lot', 'Batch'])
    can(['recall', 'update'], 'Lot')
  }
  // ——— end factories ———

  // ——— branding and catalogue ———
  if (roles.has('family') && user.familyId) {
    const familyId = id(user.familyId)
    // update: comment on a proposal, ask for changes, approve it
    can(['create', 'read', 'update'], 'BrandingRequest', { familyId })
    can(['create', 'read', 'update', 'submit'], 'Product', { familyId })
  }
  if (roles.has('designer')) {
    can('read', ['BrandingRequest', 'Product'])
    // self-assign only what nobody has; work only on one's own requests
    can('assign', 'BrandingRequest', { designerId: null })
    can('update', 'BrandingRequest', { designerId: userId })
    // brand leads: give requests to designers, and the final approval
    if (user.lead) can(['update', 'assign', 'decide'], 'BrandingRequest')
  }
  if (roles.has('sales_manager')) {
    // review: list, send back, delist; update: prices, craft stock, category
    can(['read', 'review', 'update'], 'Product')
  }
  // ——— end branding and catalogue ———

  // ——— boutique: carts and orders ———
  // a signed-in shopper reads their own orders (guests follow the mailed link with its token)
  can('read', 'Order', { 'customer.userId': userId })
  can(['read', 'update'], 'Cart', { owner: `user:${userId}` })
  if (roles.has('sales_manager')) {
    // the order desk: pack, ship or hand over, cancel; refunds give money back
    can(['read', 'update', 'refund'], 'Order')
  }
  // ——— end boutique ———

  if (roles.has('admin')) {
    can('manage', 'all')
  }
  // nobody edits the trail
  cannot(['update', 'delete'], 'AuditEvent')
  return build()
}

/** A document as a CASL subject: ObjectIds become strings so conditions written with strings match. */
export function asSubject<T extends Record<string, unknown>>(type: Exclude<SubjectName, 'all'>, doc: T) {
  return caslSubject(type, normaliseIds(doc) as Record<string, unknown>)
}

function normaliseIds(value: unknown, depth = 0): unknown {
  if (value == null || typeof value !== 'object') return value
  if (value instanceof Date) return value
  if ('_bsontype' in value && (value as { _bsontype: string })._bsontype === 'ObjectId') return String(value)
  if (depth > 3) return value
  if (Array.isArray(value)) return value.map((item) => normaliseIds(item, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) out[key] = normaliseIds(item, depth + 1)
  return out
}
