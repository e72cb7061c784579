import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { requireUser, safeRedirect } from '#app/utils/auth.server'
import { parseWith } from '#app/utils/form.server'
import { makeT } from '#app/utils/i18n'
import { checkRateable } from '#app/utils/rating-touchpoints.server'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { rate } from '#models/rating.server'

/** Only an action: the rating form (app/components/rating-form.tsx) posts here from any page. */
export async function loader(_: LoaderFunctionArgs) {
  throw new Response('Not found', { status: 404 })
}

const RatingSchema = z.object({
  touchpoint: z.string().min(1).max(60),
  subjectId: z.string().min(1).max(60),
  score: z.coerce.number({ message: 'rating.error.score' }).int('rating.error.score').min(1, 'rating.error.score').max(5, 'rating.error.score'),
  comment: z.string().trim().max(1000, 'form.tooLong').default(''),
  redirectTo: z.string().default('/'),
})

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const t = makeT(await getLocale(request))
  const form = parseWith(RatingSchema, await request.formData(), t)
  if (!form.ok) return data({ ok: false as const, errors: form.errors }, { status: 400 })
  const { touchpoint, subjectId, score, comment } = form.data
  const redirectTo = safeRedirect(form.data.redirectTo, '/')
  const rateable = await checkRateable(user, touchpoint, subjectId)
  if (!rateable) return data({ ok: false as const, errors: {}, formError: t('rating.error.notRateable') }, { status: 403 })
  const result = await rate({ touchpoint, subject: { type: rateable.subjectType, id: subjectId }, rater: user, familyId: rateable.familyId, region: rateable.region, score, comment })
  if (!result.ok && result.reason === 'already_rated') return redirectWithToast(redirectTo, t('rating.already'), 'info')
  if (!result.ok) return data({ ok: false as const, errors: { score: t('rating.error.score') } }, { status: 400 })
  return redirectWithToast(redirectTo, t('rating.thanks'))
}
