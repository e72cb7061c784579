import { accessibleBy } from '@casl/mongoose'
import type { Action, AppAbility, SubjectName } from './abilities'

/**
 * The permission filter for a list query: combine it with the page's own filters under `$and`
 * (never spread it). Kept in a .server module so @casl/mongoose (and mongoose) stay out of the
 * browser bundle when a route imports it.
 */
export function scopeFor(ability: AppAbility, action: Action, type: Exclude<SubjectName, 'all'>) {
  return accessibleBy(ability, action).ofType(type) as Record<string, unknown>
}
