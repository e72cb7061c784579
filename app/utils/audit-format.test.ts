import { describe, expect, it } from 'vitest'
import { auditActionLabel, describeChanges, formatAuditValue } from './audit-format'
import { makeT } from './i18n'

const t = makeT('en')

describe('audit before/after for people', () => {
  it('shows only the fields that changed, lists joined and flags as yes/no', () => {
    expect(describeChanges({ roles: ['family'], lead: false, name: 'A' }, { roles: ['family', 'trainer'], lead: true, name: 'A' }, t)).toEqual([
      { field: 'roles', before: 'family', after: 'family, trainer' },
      { field: 'lead', before: 'No', after: 'Yes' },
    ])
  })

  it('keeps a field recorded on one side only', () => {
    expect(describeChanges(null, { email: 'a@b.az', status: 'invited' }, t)).toEqual([
      { field: 'email', before: null, after: 'a@b.az' },
      { field: 'status', before: null, after: 'invited' },
    ])
    expect(describeChanges({ status: 'active' }, { status: 'disabled', count: 2 }, t)).toEqual([
      { field: 'status', before: 'active', after: 'disabled' },
      { field: 'count', before: null, after: '2' },
    ])
  })

  it('turns a bare value into one row and shortens long values', () => {
    expect(describeChanges(3, 4, t)).toEqual([{ field: 'value', before: '3', after: '4' }])
    const long = formatAuditValue({ text: 'x'.repeat(500) }, t)!
    expect(long.length).toBe(200)
    expect(long.endsWith('…')).toBe(true)
  })

  it('has nothing to show for an event without before/after', () => {
    expect(describeChanges(null, null, t)).toEqual([])
  })
})

describe('audit action names', () => {
  it('uses the catalogue when it names the action and the code otherwise', () => {
    expect(auditActionLabel('user.roles_changed', t)).toBe('Roles changed')
    expect(auditActionLabel('auditActionLabel.unknown', t)).toBe('auditActionLabel.unknown')
  })
})
