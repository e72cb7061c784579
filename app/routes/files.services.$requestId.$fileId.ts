import type { LoaderFunctionArgs } from '@remix-run/node'
import { asSubject } from '#app/utils/abilities'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { serveUpload } from '#app/utils/uploads.server'
import { getServiceRequest } from '#models/service-request.server'

/** A file exchanged on a service request: the family and the staff who may read the request. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const serviceRequest = await getServiceRequest(params.requestId)
  const file = serviceRequest?.messages.flatMap((message) => message.files).find((f) => f.id === params.fileId)
  if (!serviceRequest || !file) throw new Response('Not found', { status: 404 })
  requireAbility(user, 'read', asSubject('ServiceRequest', serviceRequest))
  return serveUpload(file, { download: new URL(request.url).searchParams.has('download') })
}
