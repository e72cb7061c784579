import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, Card, ConfirmDialog, DateTime, EmptyState, FormError, PageHeader, StatusBadge } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { refusalMessage } from '#app/utils/booking-messages'
import { makeT, pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import trainingStyles from '#app/styles/training.css'
import { completeSlot } from '#models/booking.server'
import { ATTENDANCE_MARKS, type AttendanceMark } from '#models/training-constants'
import { getAttendanceSheet, recordAttendance, recordResult } from '#models/training.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: trainingStyles }]

async function loadSheet(request: Request, slotId: string) {
  const user = await requireUser(request)
  const sheet = await getAttendanceSheet(slotId)
  if (!sheet) throw new Response('Not found', { status: 404 })
  // a trainer may open only the sessions they run; managers and admins any
  requireAbility(user, 'update', asSubject('Slot', { ...sheet.slot }))
  return { user, sheet }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { sheet } = await loadSheet(request, params.slotId ?? '')
  const locale = await getLocale(request)
  return {
    slot: { id: String(sheet.slot._id), startsAt: sheet.slot.startsAt, endsAt: sheet.slot.endsAt, status: sheet.slot.status },
    title: pickText(sheet.course?.title, locale),
    place: pickText(sheet.place?.name, locale),
    runId: String(sheet.run._id),
    sessionNumber: sheet.sessionNumber,
    sessionsTotal: sheet.sessionsTotal,
    isLast: sheet.isLast,
    requiresPass: sheet.course?.passRule.requiresPass ?? true,
    rows: sheet.rows.map((row) => ({
      bookingId: String(row.booking._id),
      name: row.name,
      status: row.booking.status,
      attendance: row.booking.attendance,
      enrolmentId: row.enrolment ? String(row.enrolment._id) : null,
      enrolmentStatus: row.enrolment?.status ?? null,
      pass: row.enrolment?.result.pass ?? null,
      note: row.enrolment?.result.note ?? '',
    })),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, sheet } = await loadSheet(request, params.slotId ?? '')
  const locale = await getLocale(request)
  const t = makeT(locale)
  const form = await request.formData()
  const actor = { _id: user._id, name: user.name }
  // managers and admins passed the ability check without being the session's trainer
  const staffOverride = String(sheet.slot.staffId) !== String(user._id)
  const here = `/trainer/sessions/${String(sheet.slot._id)}`
  const errors: Record<string, string> = {}
  switch (form.get('intent')) {
    case 'attendance': {
      for (const row of sheet.rows) {
        const mark = form.get(`mark-${String(row.booking._id)}`)
        if (typeof mark !== 'string' || !mark) continue
        if (!(ATTENDANCE_MARKS as readonly string[]).includes(mark)) {
          errors[String(row.booking._id)] = t('form.invalidValue')
          continue
        }
        if (mark === row.booking.attendance) continue
        const result = await recordAttendance({ bookingId: row.booking._id, mark: mark as AttendanceMark, actor, staffOverride })
        if (!result.ok) errors[String(row.booking._id)] = refusalMessage(t, locale, result)
      }
      if (Object.keys(errors).length) return data({ errors, formError: t('training.sheet.someNotSaved') }, { status: 409 })
      return redirectWithToast(here, t('training.sheet.saved'))
    }
    case 'results': {
      const seen = new Set<string>()
      for (const row of sheet.rows) {
        const enrolment = row.enrolment
        if (!enrolment || seen.has(String(enrolment._id))) continue
        seen.add(String(enrolment._id))
        const verdict = form.get(`pass-${String(enrolment._id)}`)
        const note = String(form.get(`note-${String(enrolment._id)}`) ?? '').trim().slice(0, 1000)
        if (verdict !== 'pass' && verdict !== 'fail') continue
        const result = await recordResult({ enrolmentId: enrolment._id, pass: verdict === 'pass', note, actor, staffOverride })
        if (!result.ok) errors[String(row.booking._id)] = refusalMessage(t, locale, result)
      }
      if (Object.keys(errors).length) return data({ errors, formError: t('training.sheet.someNotSaved') }, { status: 409 })
      return redirectWithToast(here, t('training.sheet.resultsSaved'))
    }
    case 'complete': {
      const result = await completeSlot(sheet.slot._id, actor)
      if (!result.ok) return data({ errors, formError: refusalMessage(t, locale, result) }, { status: 409 })
      return redirectWithToast(here, t('training.sheet.closed'))
    }
    default:
      return data({ errors, formError: t('form.invalid') }, { status: 400 })
  }
}

export default function AttendanceSheetPage() {
  const t = useT()
  const sheet = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const errors: Record<string, string> = result?.errors ?? {}
  const open = sheet.slot.status === 'open'
  return (
    <div className="stack training">
      <PageHeader
        eyebrow={<Link to="/trainer">{t('training.trainer.title')}</Link>}
        title={sheet.title}
        description={
          <>
            {t('training.session.nOfTotal', { n: sheet.sessionNumber, total: sheet.sessionsTotal })} · <DateTime value={sheet.slot.startsAt} /> · {sheet.place}
          </>
        }
      />
      <FormError error={result?.formError} />
      <Card title={t('training.sheet.attendance')}>
        {sheet.rows.length ? (
          <Form method="post" className="stack" data-testid="attendance-sheet">
            <input type="hidden" name="intent" value="attendance" />
            <ul className="sheet">
              {sheet.rows.map((row) => (
                <li key={row.bookingId} className="sheet-row">
                  <fieldset aria-describedby={errors[row.bookingId] ? `err-${row.bookingId}` : undefined}>
                    <legend>
                      <strong>{row.name}</strong> {row.attendance ? <StatusBadge status={row.status} label={t(`attendance.${row.attendance}`)} /> : null}
                    </legend>
                    <div className="sheet-marks">
                      {ATTENDANCE_MARKS.map((mark) => (
                        <label key={mark}>
                          <input type="radio" name={`mark-${row.bookingId}`} value={mark} defaultChecked={row.attendance === mark} disabled={!open} aria-invalid={errors[row.bookingId] ? true : undefined} />
                          {t(`attendance.${mark}`)}
                        </label>
                      ))}
                    </div>
                  </fieldset>
                  {errors[row.bookingId] ? (
                    <p id={`err-${row.bookingId}`} className="field-error">
                      {errors[row.bookingId]}
                    </p>
                  ) : null}
                </li>
              ))}
            </ul>
            {open ? (
              <div className="sheet-actions">
                <Button type="submit">{t('training.sheet.save')}</Button>
              </div>
            ) : null}
          </Form>
        ) : (
          <EmptyState title={t('training.sheet.empty')} />
        )}
      </Card>

      {sheet.isLast && sheet.rows.some((r) => r.enrolmentId) ? (
        <Card title={t('training.sheet.results')}>
          <p className="muted">{sheet.requiresPass ? t('training.sheet.resultsHint') : t('training.sheet.resultsHintNoExam')}</p>
          <Form method="post" className="stack" data-testid="results-form">
            <input type="hidden" name="intent" value="results" />
            <ul className="sheet">
              {sheet.rows
                .filter((row) => row.enrolmentId)
                .map((row) => (
                  <li key={row.enrolmentId} className="sheet-row">
                    <fieldset>
                      <legend>
                        <strong>{row.name}</strong> {row.enrolmentStatus && row.enrolmentStatus !== 'active' ? <StatusBadge status={row.enrolmentStatus} /> : null}
                      </legend>
                      <div className="sheet-marks">
                        {(['pass', 'fail'] as const).map((verdict) => (
                          <label key={verdict}>
                            <input type="radio" name={`pass-${row.enrolmentId}`} value={verdict} defaultChecked={row.pass === (verdict === 'pass')} disabled={row.enrolmentStatus === 'completed'} />
                            {t(`training.sheet.${verdict}`)}
                          </label>
                        ))}
                      </div>
                      <label className="field-label" htmlFor={`note-${row.enrolmentId}`}>
                        {t('training.sheet.note')}
                      </label>
                      <textarea id={`note-${row.enrolmentId}`} name={`note-${row.enrolmentId}`} className="input" rows={2} maxLength={1000} defaultValue={row.note} disabled={row.enrolmentStatus === 'completed'} />
                    </fieldset>
                    {errors[row.bookingId] ? <p className="field-error">{errors[row.bookingId]}</p> : null}
                  </li>
                ))}
            </ul>
            <div className="sheet-actions">
              <Button type="submit">{t('training.sheet.saveResults')}</Button>
            </div>
          </Form>
        </Card>
      ) : null}

      {open ? (
        <ConfirmDialog label={t('training.sheet.close')} message={t('training.sheet.closeMessage')} name="intent" value="complete" variant="secondary" />
      ) : (
        <p>
          <StatusBadge status={sheet.slot.status} />
        </p>
      )}
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'training.sheet.pageTitle')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
