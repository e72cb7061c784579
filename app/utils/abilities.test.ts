import { describe, expect, it } from 'vitest'
import { ROLES } from '#models/user-rules'
import { asSubject, defineAbilityFor, type AbilityUser, type Action, type SubjectName } from './abilities'

/**
 * The permission matrix: every person below against every (action, subject) the abilities
 * define, with the expected answer written out. When you add a rule to abilities.ts, add rows
 * here (the last test fails until every rule has one): a row names the action, the subject type,
 * optionally a document (or a function of the person, for "their own" records) and a field,
 * and the people who may do it. Everyone not listed must be refused.
 */

const FAMILY = 'family-1'
const OTHER_FAMILY = 'family-2'
const SOMEONE_ELSE = 'user-someone-else'

/** One person per role in ROLES, plus the variants whose flags change answers, and a visitor. */
const PEOPLE = {
  visitor: null,
  shopper: { roles: ['shopper'] },
  family: { roles: ['family'], familyId: FAMILY },
  founder: { roles: ['founder'], startupId: 'startup-1' },
  retailer: { roles: ['retailer'], retailerId: 'retailer-1' },
  case_manager: { roles: ['case_manager'], region: 'Guba' },
  case_lead: { roles: ['case_manager'], lead: true },
  trainer: { roles: ['trainer'] },
  technician: { roles: ['technician'], region: 'Guba' },
  designer: { roles: ['designer'] },
  designer_lead: { roles: ['designer'], lead: true },
  sales_manager: { roles: ['sales_manager'] },
  sales_lead: { roles: ['sales_manager'], lead: true },
  programme_manager: { roles: ['programme_manager'] },
  mentor: { roles: ['mentor'] },
  admin: { roles: ['admin'] },
  disabled_admin: { roles: ['admin'], status: 'disabled' },
} satisfies Record<string, Omit<AbilityUser, '_id'> | null>

type Person = keyof typeof PEOPLE
const everybody = Object.keys(PEOPLE) as Person[]
const userOf = (person: Person): AbilityUser | null => {
  const profile = PEOPLE[person]
  return profile ? { _id: `user-${person}`, status: 'active', ...profile } : null
}
const idOf = (person: Person) => `user-${person}`

const SIGNED_IN = everybody.filter((person) => person !== 'visitor' && person !== 'disabled_admin')
const CASE = ['case_manager', 'case_lead'] as const
const SALES = ['sales_manager', 'sales_lead'] as const
const DESIGN = ['designer', 'designer_lead'] as const
/** who plans training and bookings */
const PLANNERS = [...CASE, 'programme_manager'] as const

type Row = {
  can: Action
  on: SubjectName
  /** a document of that type; a function gets the person, for records that are "their own" */
  doc?: Record<string, unknown> | ((person: Person) => Record<string, unknown>)
  field?: string
  allow: readonly Person[]
  note?: string
}

const row = (can: Action, on: SubjectName, allow: readonly Person[], extra: Omit<Row, 'can' | 'on' | 'allow'> = {}): Row => ({ can, on, allow, ...extra })
const own = (key: string) => (person: Person) => ({ [key]: idOf(person) })
const abad = (fields: Record<string, unknown>) => ({ kind: 'abad', applicantId: SOMEONE_ELSE, familyId: OTHER_FAMILY, region: 'Guba', status: 'submitted', ...fields })

const MATRIX: Row[] = [
  // ——— open to everyone ———
  row('read', 'Certificate', everybody),
  row('read', 'Brand', everybody),
  row('read', 'Product', everybody, { doc: { familyId: OTHER_FAMILY, status: 'listed' }, note: 'a listed product' }),
  row('create', 'Cart', everybody),
  row('create', 'Order', everybody, { note: 'guests check out too' }),

  // ——— own account, sessions, ratings ———
  row('read', 'User', SIGNED_IN, { doc: own('_id'), note: 'themselves' }),
  row('read', 'User', ['admin'], { doc: { _id: SOMEONE_ELSE }, note: 'someone else' }),
  row('update', 'User', SIGNED_IN, { doc: own('_id'), field: 'name' }),
  row('update', 'User', SIGNED_IN, { doc: own('_id'), field: 'locale' }),
  row('update', 'User', ['admin'], { doc: own('_id'), field: 'roles', note: 'nobody gives themselves a role' }),
  row('update', 'User', ['admin'], { doc: own('_id'), field: 'status' }),
  row('update', 'User', ['admin'], { doc: { _id: SOMEONE_ELSE }, field: 'name' }),
  row('invite', 'User', ['admin']),
  row('manage', 'User', ['admin'], { note: 'the admin users page' }),
  row('read', 'AuthSession', SIGNED_IN, { doc: own('userId') }),
  row('delete', 'AuthSession', SIGNED_IN, { doc: own('userId') }),
  row('delete', 'AuthSession', ['admin'], { doc: { userId: SOMEONE_ELSE } }),
  row('create', 'Rating', SIGNED_IN, { doc: own('raterId') }),
  row('create', 'Rating', ['admin'], { doc: { raterId: SOMEONE_ELSE }, note: 'in someone else’s name' }),
  row('read', 'Rating', SIGNED_IN, { doc: own('raterId') }),
  row('read', 'Rating', [...CASE, 'admin'], { doc: { raterId: SOMEONE_ELSE } }),

  // ——— administration and the trail ———
  row('read', 'AuditTrail', ['admin']),
  row('read', 'Outbox', ['admin']),
  row('read', 'AuditEvent', [...CASE, 'admin']),
  row('update', 'AuditEvent', [], { note: 'nobody edits the trail, not even an admin' }),
  row('delete', 'AuditEvent', []),
  row('manage', 'all', ['admin']),

  // ——— ABAD applications ———
  row('create', 'Application', ['shopper', 'family', 'admin'], { doc: (p) => ({ kind: 'abad', applicantId: idOf(p) }) }),
  row('create', 'Application', ['admin'], { doc: { kind: 'innoland', applicantId: SOMEONE_ELSE } }),
  row('read', 'Application', ['shopper', 'family', 'admin'], { doc: (p) => abad({ applicantId: idOf(p), status: 'draft' }), note: 'own draft' }),
  row('update', 'Application', ['shopper', 'family', 'admin'], { doc: (p) => abad({ applicantId: idOf(p), status: 'draft' }) }),
  row('submit', 'Application', ['shopper', 'family', 'admin'], { doc: (p) => abad({ applicantId: idOf(p), status: 'draft' }) }),
  row('submit', 'Application', ['admin'], { doc: abad({ status: 'draft' }), note: 'someone else’s draft' }),
  row('read', 'Application', ['admin'], { doc: abad({ status: 'draft' }), note: 'staff never see drafts' }),
  row('read', 'Application', ['family', ...CASE, 'admin'], { doc: abad({ familyId: FAMILY }), note: 'another member of my family, Guba' }),
  row('read', 'Application', [...CASE, 'admin'], { doc: abad({}), note: 'another family, Guba' }),
  row('read', 'Application', ['case_lead', 'admin'], { doc: abad({ region: 'Sheki' }), note: 'another region: only the lead' }),
  row('update', 'Application', [...CASE, 'admin'], { doc: abad({}) }),
  row('update', 'Application', ['case_lead', 'admin'], { doc: abad({ region: 'Sheki' }) }),
  row('decide', 'Application', [...CASE, 'admin'], { doc: abad({ status: 'in_review' }) }),
  row('decide', 'Application', ['case_lead', 'admin'], { doc: abad({ status: 'in_review', region: 'Sheki' }) }),
  row('assign', 'Application', [...CASE, 'admin'], { doc: abad({}) }),
  row('assign', 'Application', ['case_lead', 'admin'], { doc: abad({ region: 'Sheki' }) }),
  // ——— INNOLAND applications ———
  row('read', 'Application', ['programme_manager', 'admin'], { doc: { kind: 'innoland', applicantId: SOMEONE_ELSE, status: 'screening' } }),
  row('update', 'Application', ['programme_manager', 'admin'], { doc: { kind: 'innoland', status: 'review' } }),
  row('decide', 'Application', ['programme_manager', 'admin'], { doc: { kind: 'innoland', status: 'interview' } }),
  row('assign', 'Application', ['programme_manager', 'admin'], { doc: { kind: 'innoland', status: 'submitted' } }),
  row('read', 'Application', ['admin'], { doc: { kind: 'innoland', status: 'draft' } }),
  row('read', 'ApplicationDocument', ['shopper', 'family', 'admin'], { doc: (p) => abad({ applicantId: idOf(p), status: 'draft' }) }),
  row('read', 'ApplicationDocument', ['family', ...CASE, 'admin'], { doc: abad({ familyId: FAMILY }) }),
  row('read', 'ApplicationDocument', ['case_lead', 'admin'], { doc: abad({ region: 'Sheki' }) }),
  row('read', 'ApplicationDocument', ['admin'], { doc: abad({ familyId: OTHER_FAMILY, status: 'draft' }) }),

  // ——— families ———
  row('read', 'Family', ['family', ...CASE, 'trainer', 'technician', ...DESIGN, ...SALES, 'admin'], { doc: { _id: FAMILY, region: 'Guba' } }),
  row('read', 'Family', ['case_lead', 'trainer', 'technician', ...DESIGN, ...SALES, 'admin'], { doc: { _id: OTHER_FAMILY, region: 'Sheki' } }),
  row('update', 'Family', ['family', 'admin'], { doc: { _id: FAMILY, region: 'Guba' } }),
  row('update', 'Family', ['admin'], { doc: { _id: OTHER_FAMILY, region: 'Guba' } }),
  row('invite', 'Family', ['family', 'admin'], { doc: { _id: FAMILY } }),
  row('invite', 'Family', ['admin'], { doc: { _id: OTHER_FAMILY } }),

  // ——— support service requests ———
  row('create', 'ServiceRequest', ['family', 'admin'], { doc: { familyId: FAMILY, kind: 'legal', region: 'Guba' } }),
  row('create', 'ServiceRequest', ['admin'], { doc: { familyId: OTHER_FAMILY, kind: 'legal', region: 'Guba' } }),
  row('read', 'ServiceRequest', ['family', ...CASE, 'admin'], { doc: { familyId: FAMILY, kind: 'legal', region: 'Guba' } }),
  row('update', 'ServiceRequest', ['family', ...CASE, 'admin'], { doc: { familyId: FAMILY, kind: 'accounting', region: 'Guba' } }),
  row('read', 'ServiceRequest', ['case_lead', 'admin'], { doc: { familyId: OTHER_FAMILY, kind: 'legal', region: 'Sheki' } }),
  row('update', 'ServiceRequest', ['case_lead', 'admin'], { doc: { familyId: OTHER_FAMILY, kind: 'business_plan', region: 'Sheki' } }),
  row('read', 'ServiceRequest', [...SALES, 'case_lead', 'admin'], { doc: { familyId: OTHER_FAMILY, kind: 'marketing', region: 'Sheki' } }),
  row('update', 'ServiceRequest', [...SALES, 'admin'], { doc: { familyId: OTHER_FAMILY, kind: 'marketing', region: 'Guba' }, note: 'marketing is for sales' }),
  row('assign', 'ServiceRequest', ['case_lead', 'admin'], { doc: { familyId: OTHER_FAMILY, kind: 'legal', region: 'Sheki' } }),
  row('assign', 'ServiceRequest', ['sales_lead', 'admin'], { doc: { familyId: OTHER_FAMILY, kind: 'marketing', region: 'Sheki' } }),

  // ——— training, slots and bookings ———
  row('read', 'Course', ['family', 'trainer', ...PLANNERS, 'admin']),
  row('read', 'Resource', ['family', 'trainer', 'technician', ...PLANNERS, 'admin']),
  row('read', 'Slot', ['family', 'trainer', 'technician', ...PLANNERS, 'admin']),
  row('manage', 'Course', [...PLANNERS, 'admin']),
  row('manage', 'Resource', [...PLANNERS, 'admin']),
  row('manage', 'Slot', [...PLANNERS, 'admin']),
  row('manage', 'Booking', [...PLANNERS, 'admin']),
  row('update', 'Slot', ['trainer', 'technician', ...PLANNERS, 'admin'], { doc: own('staffId'), note: 'a slot they run' }),
  row('check_in', 'Slot', ['trainer', 'technician', ...PLANNERS, 'admin'], { doc: own('staffId') }),
  row('check_in', 'Slot', [...PLANNERS, 'admin'], { doc: { staffId: SOMEONE_ELSE }, note: 'someone else’s slot' }),
  row('create', 'Booking', ['family', ...PLANNERS, 'admin'], { doc: { holder: { kind: 'family', id: FAMILY } } }),
  row('create', 'Booking', [...PLANNERS, 'admin'], { doc: { holder: { kind: 'family', id: OTHER_FAMILY } }, note: 'for another family' }),
  row('read', 'Booking', ['family', 'trainer', 'technician', ...PLANNERS, 'admin'], { doc: { holder: { kind: 'family', id: FAMILY } } }),
  row('read', 'Booking', ['trainer', 'technician', ...PLANNERS, 'admin'], { doc: { holder: { kind: 'family', id: OTHER_FAMILY } } }),
  row('delete', 'Booking', ['family', ...PLANNERS, 'admin'], { doc: { holder: { kind: 'family', id: FAMILY } } }),
  row('delete', 'Booking', [...PLANNERS, 'admin'], { doc: { holder: { kind: 'family', id: OTHER_FAMILY } } }),
  row('read', 'Attendance', ['trainer', 'admin'], { doc: own('staffId') }),
  row('update', 'Attendance', ['trainer', 'admin'], { doc: own('staffId') }),
  row('update', 'Attendance', ['admin'], { doc: { staffId: SOMEONE_ELSE }, note: 'another trainer’s sheet' }),
  row('create', 'Certificate', ['trainer', ...PLANNERS, 'admin']),
  row('revoke', 'Certificate', [...PLANNERS, 'admin']),

  // ——— factories, batches and lots ———
  row('read', 'Factory', ['family', 'technician', ...SALES, 'admin']),
  row('read', 'Line', ['family', 'technician', ...SALES, 'admin']),
  row('manage', 'Line', ['technician', 'admin']),
  row('read', 'Lot', ['family', 'technician', ...SALES, 'admin'], { doc: { familyId: FAMILY } }),
  row('read', 'Lot', ['technician', ...SALES, 'admin'], { doc: { familyId: OTHER_FAMILY } }),
  row('read', 'Batch', ['family', 'technician', ...SALES, 'admin'], { doc: { familyId: FAMILY } }),
  row('read', 'Batch', ['technician', ...SALES, 'admin'], { doc: { familyId: OTHER_FAMILY } }),
  row('create', 'Batch', ['technician', 'admin'], { doc: own('technicianId'), note: 'their own shift' }),
  row('decide', 'Batch', ['technician', 'admin'], { doc: own('technicianId') }),
  row('decide', 'Batch', ['admin'], { doc: { technicianId: SOMEONE_ELSE }, note: 'another technician’s batch' }),
  row('update', 'Lot', [...SALES, 'admin']),
  row('recall', 'Lot', [...SALES, 'admin']),

  // ——— branding and catalogue ———
  row('create', 'BrandingRequest', ['family', 'admin'], { doc: { familyId: FAMILY, designerId: null } }),
  row('create', 'BrandingRequest', ['admin'], { doc: { familyId: OTHER_FAMILY, designerId: null } }),
  row('read', 'BrandingRequest', ['family', ...DESIGN, 'admin'], { doc: { familyId: FAMILY, designerId: null } }),
  row('read', 'BrandingRequest', [...DESIGN, 'admin'], { doc: { familyId: OTHER_FAMILY, designerId: null } }),
  row('update', 'BrandingRequest', ['family', 'designer_lead', 'admin'], { doc: { familyId: FAMILY, designerId: null } }),
  row('update', 'BrandingRequest', [...DESIGN, 'admin'], { doc: (p) => ({ familyId: OTHER_FAMILY, designerId: idOf(p) }), note: 'assigned to them' }),
  row('update', 'BrandingRequest', ['designer_lead', 'admin'], { doc: { familyId: OTHER_FAMILY, designerId: SOMEONE_ELSE } }),
  row('assign', 'BrandingRequest', [...DESIGN, 'admin'], { doc: { familyId: OTHER_FAMILY, designerId: null }, note: 'nobody has it' }),
  row('assign', 'BrandingRequest', ['designer_lead', 'admin'], { doc: { familyId: OTHER_FAMILY, designerId: SOMEONE_ELSE } }),
  row('decide', 'BrandingRequest', ['designer_lead', 'admin'], { doc: { familyId: OTHER_FAMILY, designerId: SOMEONE_ELSE } }),
  row('create', 'Product', ['family', 'admin'], { doc: { familyId: FAMILY, status: 'draft' } }),
  row('create', 'Product', ['admin'], { doc: { familyId: OTHER_FAMILY, status: 'draft' } }),
  row('read', 'Product', ['family', 'designer', 'designer_lead', ...SALES, 'admin'], { doc: { familyId: FAMILY, status: 'draft' } }),
  row('read', 'Product', ['designer', 'designer_lead', ...SALES, 'admin'], { doc: { familyId: OTHER_FAMILY, status: 'draft' } }),
  row('update', 'Product', ['family', ...SALES, 'admin'], { doc: { familyId: FAMILY, status: 'draft' } }),
  row('update', 'Product', [...SALES, 'admin'], { doc: { familyId: OTHER_FAMILY, status: 'listed' } }),
  row('submit', 'Product', ['family', 'admin'], { doc: { familyId: FAMILY, status: 'draft' } }),
  row('submit', 'Product', ['admin'], { doc: { familyId: OTHER_FAMILY, status: 'draft' } }),
  row('review', 'Product', [...SALES, 'admin'], { doc: { familyId: OTHER_FAMILY, status: 'in_review' } }),

  // ——— boutique: carts and orders ———
  row('read', 'Order', SIGNED_IN, { doc: (p) => ({ customer: { userId: idOf(p) } }), note: 'their own order' }),
  row('read', 'Order', [...SALES, 'admin'], { doc: { customer: { userId: SOMEONE_ELSE } } }),
  row('update', 'Order', [...SALES, 'admin'], { doc: { customer: { userId: SOMEONE_ELSE } } }),
  row('refund', 'Order', [...SALES, 'admin'], { doc: { customer: { userId: SOMEONE_ELSE } } }),
  row('read', 'Cart', SIGNED_IN, { doc: (p) => ({ owner: `user:${idOf(p)}` }) }),
  row('update', 'Cart', SIGNED_IN, { doc: (p) => ({ owner: `user:${idOf(p)}` }) }),
  row('update', 'Cart', ['admin'], { doc: { owner: `user:${SOMEONE_ELSE}` }, note: 'someone else’s cart' }),
]

function allowed(check: Row) {
  return everybody.filter((person) => {
    const ability = defineAbilityFor(userOf(person))
    const doc = typeof check.doc === 'function' ? check.doc(person) : check.doc
    const subject = doc && check.on !== 'all' ? asSubject(check.on, doc) : check.on
    return ability.can(check.can, subject as never, check.field)
  })
}

const title = (check: Row) =>
  `${check.can} ${check.on}${check.field ? `.${check.field}` : ''}${check.note ? ` (${check.note})` : check.doc ? ` ${JSON.stringify(typeof check.doc === 'function' ? check.doc('shopper') : check.doc)}` : ''}`

describe('permission matrix', () => {
  it('has a person for every role', () => {
    const covered = new Set(Object.values(PEOPLE).flatMap((profile) => (profile ? profile.roles : [])))
    expect(ROLES.filter((role) => !covered.has(role))).toEqual([])
  })

  it.each(MATRIX.map((check) => [title(check), check] as const))('%s', (_title, check) => {
    const actual = allowed(check)
    const expected = everybody.filter((person) => check.allow.includes(person))
    expect({
      'allowed but should be refused': actual.filter((person) => !expected.includes(person)),
      'refused but should be allowed': expected.filter((person) => !actual.includes(person)),
    }).toEqual({ 'allowed but should be refused': [], 'refused but should be allowed': [] })
  })

  it('has a row for every (action, subject) that abilities.ts defines', () => {
    const defined = new Set<string>()
    for (const person of everybody) {
      for (const rule of defineAbilityFor(userOf(person)).rules) {
        for (const action of [rule.action].flat()) for (const subject of [rule.subject ?? 'all'].flat()) defined.add(`${action} ${String(subject)}`)
      }
    }
    const inMatrix = new Set(MATRIX.map((check) => `${check.can} ${check.on}`))
    expect([...defined].filter((pair) => !inMatrix.has(pair)).sort(), 'rules without a row in the matrix').toEqual([])
  })
})
