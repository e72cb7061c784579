import type { BrandingRequest } from '#models/branding.server'
import { getUserById } from '#models/user.server'
import { absoluteUrl, sendMail } from './mail.server'

type BrandingEvent = 'proposed' | 'commented' | 'changesRequested' | 'familyApproved' | 'leadApproved' | 'assigned'

/** Who hears about a step: the family's requester about design work, the designer about the family's answers. */
const TO_FAMILY: readonly BrandingEvent[] = ['proposed', 'leadApproved']

export async function notifyBranding(branding: BrandingRequest, event: BrandingEvent, request: Request) {
  const toFamily = TO_FAMILY.includes(event)
  const recipientId = toFamily ? branding.requestedBy : branding.designerId
  if (!recipientId) return
  const recipient = await getUserById(recipientId)
  if (!recipient || recipient.status !== 'active') return
  const path = toFamily ? `/family/branding/${branding._id}` : `/design/${branding._id}`
  await sendMail({
    to: recipient.email,
    locale: recipient.locale ?? 'az',
    template: `branding.${event}`,
    params: { name: recipient.name, ref: branding.ref, title: branding.title, url: absoluteUrl(request, path) },
  })
}
