import { getFamily } from '#models/family.server'
import { getEnrolment } from '#models/training.server'
import { registerRatingTouchpoint } from './rating-touchpoints.server'

/**
 * The satisfaction rating after a course: only a member of the family whose enrolment finished
 * (completed or failed) rates it. Imported for its effect by the training routes.
 */
registerRatingTouchpoint('course_completion', async (user, subjectId) => {
  const enrolment = await getEnrolment(subjectId)
  if (!enrolment || !['completed', 'failed'].includes(enrolment.status)) return null
  if (enrolment.holder.kind !== 'family' || String(enrolment.holder.id) !== String(user.familyId ?? '')) return null
  const family = await getFamily(enrolment.holder.id)
  return { subjectType: 'Enrolment', familyId: String(enrolment.holder.id), region: family?.region ?? null }
})
