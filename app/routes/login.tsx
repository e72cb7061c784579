import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react'
import { z } from 'zod'
import { getUser, login, safeRedirect } from '#app/utils/auth.server'
import { parseWith } from '#app/utils/form.server'
import { makeT, useT } from '#app/utils/i18n'
import { getLocale, localeCookie } from '#app/utils/session.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request)
  if (user) throw redirect(safeRedirect(new URL(request.url).searchParams.get('redirectTo')))
  return null
}

const LoginSchema = z.object({
  email: z.string().trim().min(1, 'form.required').email('form.invalidEmail').max(200),
  password: z.string().min(1, 'form.required').max(200),
  redirectTo: z.string().optional(),
})

export async function action({ request }: ActionFunctionArgs) {
  const t = makeT(await getLocale(request))
  const form = parseWith(LoginSchema, await request.formData(), t)
  if (!form.ok) return data({ errors: form.errors, formError: null }, { status: 400 })
  const result = await login(request, form.data.email, form.data.password)
  if (!result.ok) {
    const formError = result.reason === 'locked' ? t('auth.login.locked', { minutes: result.minutes }) : t('auth.login.invalid')
    return data({ errors: {} as Record<string, string>, formError }, { status: result.reason === 'locked' ? 429 : 401 })
  }
  const headers = new Headers()
  headers.append('Set-Cookie', result.setCookie)
  // the account's language wins after login
  headers.append('Set-Cookie', await localeCookie.serialize(result.user.locale))
  return redirect(safeRedirect(form.data.redirectTo, '/account'), { headers })
}

export default function LoginPage() {
  const t = useT()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const [params] = useSearchParams()
  const pending = navigation.state !== 'idle' && navigation.formAction?.startsWith('/login')
  const errors: Record<string, string> = actionData?.errors ?? {}
  return (
    <div className="narrow">
      <h1>{t('auth.login.title')}</h1>
      <Form id="login-form" method="post" noValidate className="stack" aria-describedby={actionData?.formError ? 'login-error' : undefined}>
        {actionData?.formError ? (
          <p id="login-error" role="alert" className="form-error">
            {actionData.formError}
          </p>
        ) : null}
        <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? ''} />
        <div className="field">
          <label htmlFor="email">{t('auth.field.email')}</label>
          <input id="email" name="email" type="email" autoComplete="email" required aria-invalid={errors.email ? true : undefined} aria-describedby={errors.email ? 'email-error' : undefined} />
          {errors.email ? <p id="email-error" className="field-error">{errors.email}</p> : null}
        </div>
        <div className="field">
          <label htmlFor="password">{t('auth.field.password')}</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required aria-invalid={errors.password ? true : undefined} aria-describedby={errors.password ? 'password-error' : undefined} />
          {errors.password ? <p id="password-error" className="field-error">{errors.password}</p> : null}
        </div>
        <button type="submit" className="button" disabled={pending} aria-busy={pending || undefined}>
          {pending ? t('auth.login.pending') : t('auth.login.submit')}
        </button>
      </Form>
      <p>
        <Link to="/forgot-password">{t('auth.login.forgot')}</Link>
      </p>
      <p>
        {t('auth.login.noAccount')} <Link to="/signup">{t('nav.signup')}</Link>
      </p>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Log in · ABAD · INNOLAND' }]
