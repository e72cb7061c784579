import type { SessionUser } from '#models/user.server'
import { getApplication } from '#models/application.server'
import { getServiceRequest } from '#models/service-request.server'
import { getBrandingRequest } from '#models/branding.server'
import { asSubject } from './abilities'
import { abilityFor } from './auth.server'

/**
 * Who may rate what: a touchpoint names a check that finds the subject, makes sure it is finished
 * (decided, closed…) and that the person may read it. Other features add their touchpoints here.
 */
export type Rateable = { subjectType: string; familyId: string | null; region: string | null }
type Check = (user: SessionUser, subjectId: string) => Promise<Rateable | null>

const CHECKS: Record<string, Check> = {
  async application_decision(user, subjectId) {
    const app = await getApplication(subjectId)
    if (!app || !app.decision || !['accepted', 'rejected', 'waitlisted'].includes(app.status)) return null
    if (!abilityFor(user).can('read', asSubject('Application', app))) return null
    // only the people the decision was about rate it, not the staff who can read it
    const own = String(app.applicantId) === String(user._id) || (app.familyId && String(app.familyId) === String(user.familyId ?? ''))
    return own ? { subjectType: 'Application', familyId: app.familyId ? String(app.familyId) : null, region: app.region } : null
  },
  async branding_approval(user, subjectId) {
    const request = await getBrandingRequest(subjectId)
    if (!request || request.status !== 'lead_approved') return null
    // the family the brand was made for rates it, not the designers
    if (String(request.familyId) !== String(user.familyId ?? '')) return null
    if (!abilityFor(user).can('read', asSubject('BrandingRequest', request))) return null
    return { subjectType: 'BrandingRequest', familyId: String(request.familyId), region: null }
  },
  async service_request(user, subjectId) {
    const request = await getServiceRequest(subjectId)
    if (!request || request.status !== 'closed') return null
    if (String(request.familyId) !== String(user.familyId ?? '')) return null
    if (!abilityFor(user).can('read', asSubject('ServiceRequest', request))) return null
    return { subjectType: 'ServiceRequest', familyId: String(request.familyId), region: request.region }
  },
}

export function registerRatingTouchpoint(touchpoint: string, check: Check) {
  CHECKS[touchpoint] = check
}

export async function checkRateable(user: SessionUser, touchpoint: string, subjectId: string) {
  const check = CHECKS[touchpoint]
  if (!check) return null
  return check(user, subjectId)
}
