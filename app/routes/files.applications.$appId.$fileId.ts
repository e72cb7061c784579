import type { LoaderFunctionArgs } from '@remix-run/node'
import { asSubject } from '#app/utils/abilities'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { serveUpload } from '#app/utils/uploads.server'
import { getApplication } from '#models/application.server'

/** An application's document, only for the applicant's family and the ABAD staff who may read it. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const app = await getApplication(params.appId)
  const file = app?.documents.find((doc) => doc.id === params.fileId)
  if (!app || !file) throw new Response('Not found', { status: 404 })
  requireAbility(user, 'read', asSubject('ApplicationDocument', { applicantId: app.applicantId, familyId: app.familyId, kind: app.kind, region: app.region, status: app.status }))
  return serveUpload(file, { download: new URL(request.url).searchParams.has('download') })
}
