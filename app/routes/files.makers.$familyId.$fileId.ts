import type { LoaderFunctionArgs } from '@remix-run/node'
import { asSubject } from '#app/utils/abilities'
import { getUser, requireAbility } from '#app/utils/auth.server'
import { serveUpload } from '#app/utils/uploads.server'
import { getFamily } from '#models/family.server'

/** A maker page's photo: public once the family published the page, otherwise only for the family and staff. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const family = await getFamily(params.familyId ?? '')
  const photo = family?.makerPage?.photo
  if (!family || !photo || photo !== params.fileId) throw new Response('Not found', { status: 404 })
  if (!family.makerPage?.published) {
    const user = await getUser(request)
    if (!user) throw new Response('Not found', { status: 404 })
    requireAbility(user, 'read', asSubject('Family', family))
  }
  const type = family.makerPage?.photoType || 'image/jpeg'
  return serveUpload({ id: photo, name: `maker.${type.split('/')[1]}`, type })
}
