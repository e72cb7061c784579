import nodemailer from 'nodemailer'
import { storeOutboxMessage } from '#models/outbox.server'
import { getEnv } from './env.server'
import { translate, type Locale, type TParams } from './i18n'

let transport: nodemailer.Transporter | null | undefined

function getTransport() {
  if (transport === undefined) {
    const url = getEnv().SMTP_URL
    transport = url ? nodemailer.createTransport(url) : null
  }
  return transport
}

/**
 * Sends a mail in the recipient's language from the catalogue keys `mail.<template>.subject` and
 * `mail.<template>.body`. Without SMTP the message is kept in the outbox (readable at /admin/outbox).
 */
export async function sendMail({ to, locale, template, params = {} }: { to: string; locale: Locale; template: string; params?: TParams }) {
  const subject = translate(locale, `mail.${template}.subject`, params)
  const body = translate(locale, `mail.${template}.body`, params)
  const smtp = getTransport()
  if (!smtp) return storeOutboxMessage({ to, locale, template, subject, body, status: 'stored' })
  try {
    await smtp.sendMail({ from: getEnv().MAIL_FROM, to, subject, text: body })
    return storeOutboxMessage({ to, locale, template, subject, body, status: 'sent' })
  } catch (error) {
    // the message stays readable in the outbox; the reason is kept without the SMTP credentials
    return storeOutboxMessage({ to, locale, template, subject, body, status: 'failed', error: (error as Error).message.slice(0, 200) })
  }
}

/** Absolute URL for links in mails: APP_URL when set, otherwise the request's own origin. */
export function absoluteUrl(request: Request, path: string) {
  const base = getEnv().APP_URL ?? new URL(request.url).origin
  return new URL(path, base).toString()
}
