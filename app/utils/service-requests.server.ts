import { data } from '@remix-run/node'
import type { ServiceFile, ServiceRequest } from '#models/service-request.server'
import { getUserById } from '#models/user.server'
import type { FieldErrors } from './form.server'
import { translate, type Locale, type T } from './i18n'
import { absoluteUrl, sendMail } from './mail.server'
import { deleteUploads, maxUploadBytes, readMultipart, storeUploads, UploadError } from './uploads.server'

const UPLOAD_KEYS = { too_large: 'apply.upload.tooLarge', wrong_type: 'apply.upload.wrongType', empty: 'apply.upload.empty', too_many: 'apply.upload.tooMany', not_multipart: 'apply.upload.none' } as const

/**
 * Reads a message form (text and up to 4 files). Files are checked before anything is stored; the
 * caller attaches the stored ones or calls `discard` when the message is refused.
 */
export async function readServiceMessage(request: Request, t: T) {
  try {
    const { fields, files } = await readMultipart(request, { fileFields: ['files'], maxFiles: 4 })
    const body = String(fields.get('body') ?? '').trim().slice(0, 4000)
    const stored: ServiceFile[] = await storeUploads(files)
    return { ok: true as const, fields, body, files: stored, discard: () => deleteUploads(stored.map((file) => file.id)) }
  } catch (error) {
    if (!(error instanceof UploadError)) throw error
    const message = t(UPLOAD_KEYS[error.code], { max: Math.round(maxUploadBytes() / (1024 * 1024)) })
    return { ok: false as const, response: data({ ok: false as const, errors: { files: message } as FieldErrors, formError: null as string | null }, { status: error.status }) }
  }
}

/** Mail to the family member who asked, in their language. */
export async function notifyRequester(request: Request, serviceRequest: Pick<ServiceRequest, '_id' | 'number' | 'title' | 'kind' | 'requestedById'>, template: string, params: Record<string, string> = {}) {
  const requester = await getUserById(serviceRequest.requestedById)
  if (!requester) return
  const locale = requester.locale as Locale
  await sendMail({
    to: requester.email,
    locale,
    template,
    params: {
      name: requester.name,
      number: serviceRequest.number,
      title: serviceRequest.title,
      kind: translate(locale, `service.kind.${serviceRequest.kind}`),
      link: absoluteUrl(request, `/family/services/${serviceRequest._id}`),
      ...params,
    },
  })
}

/** Mail to the staff member working on a request when the family writes. */
export async function notifyAssignee(request: Request, serviceRequest: Pick<ServiceRequest, '_id' | 'number' | 'title' | 'assigneeId' | 'familyName'>) {
  if (!serviceRequest.assigneeId) return
  const assignee = await getUserById(serviceRequest.assigneeId)
  if (!assignee) return
  await sendMail({
    to: assignee.email,
    locale: assignee.locale as Locale,
    template: 'service_family_replied',
    params: { name: assignee.name, number: serviceRequest.number, title: serviceRequest.title, family: serviceRequest.familyName, link: absoluteUrl(request, `/admin/services/${serviceRequest._id}`) },
  })
}
