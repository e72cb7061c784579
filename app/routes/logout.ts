import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { logout } from '#app/utils/auth.server'
import { makeT } from '#app/utils/i18n'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData()
  const everywhere = form.get('everywhere') === '1'
  const t = makeT(await getLocale(request))
  const setCookie = await logout(request, { everywhere })
  return redirectWithToast('/', t(everywhere ? 'auth.logout.everywhereDone' : 'auth.logout.done'), 'info', { headers: { 'Set-Cookie': setCookie } })
}

export async function loader() {
  return redirect('/')
}
