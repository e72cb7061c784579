import type { Application, ApplicationKindDef } from './application.server'
import {
  ABAD_APPOINTMENT_KINDS,
  ABAD_CHECKLIST,
  ABAD_DOCUMENT_SLOTS,
  ABAD_NEEDS,
  ABAD_REGIONS,
  ABAD_STEP_SCHEMAS,
  type Business,
  type Household,
} from './application-abad'
import type { Actor } from './audit.server'
import { linkUserToFamily, openFamily, type FamilyMemberInput } from './family.server'

/** ABAD family applications: reviewed by case managers; acceptance opens the family's household. */
export const abadApplication: ApplicationKindDef = {
  kind: 'abad',
  referencePrefix: 'ABAD',
  referenceWidth: 5,
  reviewerRole: 'case_manager',
  steps: Object.entries(ABAD_STEP_SCHEMAS).map(([id, schema]) => ({ id, schema })),
  documentSlots: ABAD_DOCUMENT_SLOTS,
  checklist: ABAD_CHECKLIST,
  appointmentKinds: ABAD_APPOINTMENT_KINDS,
  decisions: { accepted: ['in_review', 'waitlisted'], rejected: ['in_review'], waitlisted: ['in_review'] },
  regionOf(answers) {
    const region = (answers.household as Partial<Household> | undefined)?.region
    return typeof region === 'string' && (ABAD_REGIONS as readonly string[]).includes(region) ? region : null
  },
  needsOf(answers) {
    const needs = (answers.needs as { needs?: unknown } | undefined)?.needs
    return Array.isArray(needs) ? needs.filter((need): need is string => (ABAD_NEEDS as readonly string[]).includes(need)) : []
  },
  async onAccept(app: Application, actor: Actor) {
    if (!app.familyId) throw new Error('an accepted ABAD application carries the id of its family')
    const household = ABAD_STEP_SCHEMAS.household.parse(app.answers.household) as Household
    const business = ABAD_STEP_SCHEMAS.business.parse(app.answers.business) as Business
    const members: FamilyMemberInput[] = household.members.map((member, index) => ({
      name: member.name,
      role: member.relation,
      isLead: index === household.leadIndex,
      userId: null,
    }))
    // the applicant's account is linked to the member of the same name, or joins as a member
    const same = members.find((member) => member.name.trim().toLocaleLowerCase('az') === app.applicantName.trim().toLocaleLowerCase('az'))
    if (same) Object.assign(same, { userId: app.applicantId, email: app.applicantEmail })
    else members.push({ name: app.applicantName, role: 'self', isLead: false, userId: app.applicantId, email: app.applicantEmail })
    const lead = members.find((member) => member.isLead) ?? members[0]
    await openFamily(
      {
        _id: app.familyId,
        applicationId: app._id,
        name: lead.name,
        region: household.region,
        village: household.village,
        address: household.address,
        phone: household.phone,
        email: app.applicantEmail,
        members,
        womenLed: household.womenLed,
        businessKind: business.category,
        products: business.products,
      },
      actor,
    )
    await linkUserToFamily(app.applicantId, app.familyId, actor)
  },
}
