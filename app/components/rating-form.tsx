import { useFetcher } from '@remix-run/react'
import { useId } from 'react'
import { Button, FormError, TextArea } from '#app/components/ui/index'
import { useT } from '#app/utils/i18n'

export type RatingActionData = { ok: false; errors: Record<string, string>; formError?: string }

/**
 * "How satisfied are you?" after a touchpoint (an application decision, a closed service request,
 * a course, a brand). Posts to /ratings, which checks that this person may rate this subject and
 * stores it once; `redirectTo` is where the person lands afterwards. Works without JavaScript.
 */
export function RatingForm({
  touchpoint,
  subjectId,
  redirectTo,
  title,
  level = 2,
}: {
  touchpoint: string
  subjectId: string
  redirectTo: string
  title?: string
  level?: 2 | 3
}) {
  const t = useT()
  const fetcher = useFetcher<RatingActionData>()
  const id = useId()
  const errors = fetcher.data?.errors ?? {}
  const Heading = `h${level}` as const
  const scoreError = errors.score ? `${id}-score-error` : undefined
  return (
    <section className="card rating-card" aria-labelledby={`${id}-title`} data-testid="rating-form">
      <Heading id={`${id}-title`} className="card-title">
        {title ?? t('rating.title')}
      </Heading>
      <fetcher.Form method="post" action="/ratings" className="stack" noValidate>
        <input type="hidden" name="touchpoint" value={touchpoint} />
        <input type="hidden" name="subjectId" value={subjectId} />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <FormError error={fetcher.data?.formError} />
        <fieldset className="field field-group rating-scale" aria-describedby={scoreError}>
          <legend className="field-label">{t('rating.question')}</legend>
          <div className="rating-choices">
            {[1, 2, 3, 4, 5].map((score) => (
              <span className="rating-choice" key={score}>
                <input id={`${id}-${score}`} type="radio" name="score" value={score} required aria-invalid={errors.score ? true : undefined} />
                <label htmlFor={`${id}-${score}`}>
                  <span aria-hidden="true">{score}</span>
                  <span className="visually-hidden">{t(`rating.score.${score}`)}</span>
                  <span className="rating-word" aria-hidden="true">
                    {t(`rating.score.${score}`)}
                  </span>
                </label>
              </span>
            ))}
          </div>
          {errors.score ? (
            <p id={scoreError} className="field-error">
              {errors.score}
            </p>
          ) : null}
        </fieldset>
        <TextArea name="comment" label={t('rating.comment')} hint={t('rating.commentHint')} rows={3} maxLength={1000} error={errors.comment} />
        <Button type="submit" pending={fetcher.state !== 'idle'}>
          {t('rating.submit')}
        </Button>
      </fetcher.Form>
    </section>
  )
}
