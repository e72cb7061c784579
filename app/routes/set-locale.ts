import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { getUser, safeRedirect } from '#app/utils/auth.server'
import { isLocale } from '#app/utils/i18n'
import { localeCookie } from '#app/utils/session.server'
import { updateProfile } from '#models/user.server'

/** The language switcher: remembered in a cookie, and on the account of a signed-in user. */
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData()
  const locale = form.get('locale')
  if (!isLocale(locale)) throw new Response('Unknown language', { status: 400 })
  const user = await getUser(request)
  if (user && user.locale !== locale) await updateProfile(user._id, { locale }, { _id: user._id, name: user.name })
  return redirect(safeRedirect(form.get('redirectTo')), { headers: { 'Set-Cookie': await localeCookie.serialize(locale) } })
}

export async function loader() {
  return redirect('/')
}
