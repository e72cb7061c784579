import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useSearchParams } from '@remix-run/react'
import { Button, FormError, PageHeader, TextField, useFocusFirstError } from '#app/components/ui/index'
import { z } from 'zod'
import { getUser, login, safeRedirect } from '#app/utils/auth.server'
import { parseWith } from '#app/utils/form.server'
import { makeT, useT } from '#app/utils/i18n'
import { getLocale, localeCookie } from '#app/utils/session.server'
import { mergeGuestCartAtLogin } from '#app/utils/shop.server'

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
  // a guest's cart joins the account's cart
  const forgetGuestCart = await mergeGuestCartAtLogin(request, result.user._id)
  if (forgetGuestCart) headers.append('Set-Cookie', forgetGuestCart)
  return redirect(safeRedirect(form.data.redirectTo, '/account'), { headers })
}

export default function LoginPage() {
  const t = useT()
  const actionData = useActionData<typeof action>()
  const [params] = useSearchParams()
  const formRef = useFocusFirstError(actionData?.errors, actionData?.formError)
  const errors: Record<string, string> = actionData?.errors ?? {}
  return (
    <div className="narrow">
      <PageHeader title={t('auth.login.title')} />
      <Form id="login-form" ref={formRef} method="post" noValidate className="stack">
        <FormError error={actionData?.formError} />
        <input type="hidden" name="redirectTo" value={params.get('redirectTo') ?? ''} />
        <TextField name="email" type="email" label={t('auth.field.email')} autoComplete="email" required error={errors.email} />
        <TextField name="password" type="password" label={t('auth.field.password')} autoComplete="current-password" required error={errors.password} />
        <Button pendingLabel={t('auth.login.pending')}>{t('auth.login.submit')}</Button>
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

export { RouteErrorBoundary as ErrorBoundary } from '#app/components/route-error-boundary'
