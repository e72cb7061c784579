import type { Application, Appointment } from '#models/application.server'
import { formatDateTime, translate, type Locale } from './i18n'
import { absoluteUrl, sendMail } from './mail.server'

/**
 * The applicant hears of every change of their application, in their own language, with a link
 * back to its timeline.
 */
export async function notifyApplicant(
  request: Request,
  app: Pick<Application, '_id' | 'ref' | 'applicantEmail' | 'applicantLocale' | 'applicantName'>,
  template: string,
  params: Record<string, string | number> = {},
) {
  const locale = app.applicantLocale as Locale
  return sendMail({
    to: app.applicantEmail,
    locale,
    template,
    params: { name: app.applicantName, ref: app.ref ?? '', link: absoluteUrl(request, `/applications/${app._id}`), ...params },
  })
}

export function appointmentMailParams(appointment: Pick<Appointment, 'kind' | 'at' | 'place' | 'note'>, locale: Locale) {
  return {
    what: translate(locale, `application.appointment.${appointment.kind}`),
    when: formatDateTime(appointment.at, locale),
    place: appointment.place,
    note: appointment.note || '—',
  }
}

/** The message a case manager starts from: the programme's template in the applicant's language. */
export function decisionTemplate(app: Pick<Application, 'applicantName' | 'ref' | 'applicantLocale'>, outcome: string, reason = '{reason}') {
  return translate(app.applicantLocale as Locale, `application.decision.template.${outcome}`, { name: app.applicantName, ref: app.ref ?? '', reason })
}
