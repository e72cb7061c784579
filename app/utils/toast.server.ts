import { redirect } from '@remix-run/node'
import { toastStorage, type Toast } from './session.server'

export async function redirectWithToast(url: string, message: string, kind: Toast['kind'] = 'success', init: ResponseInit = {}) {
  const session = await toastStorage.getSession()
  session.flash('toast', { kind, message })
  const headers = new Headers(init.headers)
  headers.append('Set-Cookie', await toastStorage.commitSession(session))
  return redirect(url, { ...init, headers })
}

/** Reads (and clears) the toast for this request; the Set-Cookie must go out with the response. */
export async function popToast(request: Request) {
  const session = await toastStorage.getSession(request.headers.get('Cookie'))
  const toast = (session.get('toast') as Toast | undefined) ?? null
  return { toast, setCookie: toast ? await toastStorage.commitSession(session) : null }
}
