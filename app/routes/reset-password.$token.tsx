import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, FormError, TextField, useFocusFirstError } from '#app/components/ui/index'
import { setPasswordWithToken, userForToken } from '#app/utils/account.server'
import { startSession } from '#app/utils/auth.server'
import { invalid, parseWith, refuse } from '#app/utils/form.server'
import { isLocale, makeT, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { NewPasswordSchema } from '#app/utils/password-schema'
import { getLocale, localeCookie } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { connectDb } from '#models/db.server'

export async function loader({ params }: LoaderFunctionArgs) {
  await connectDb()
  const user = await userForToken('reset', params.token)
  // 410: the link existed once but is used or expired; the page says what to do next
  if (!user || user.status === 'disabled') return data({ valid: false as const, email: null }, { status: 410 })
  return { valid: true as const, email: user.email }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const t = makeT(await getLocale(request))
  const form = parseWith(NewPasswordSchema, await request.formData(), t)
  // a bad password does not use up the link
  if (!form.ok) return invalid(form.errors)
  await connectDb()
  const result = await setPasswordWithToken('reset', params.token ?? '', form.data.password)
  if (!result.ok) return refuse(t('reset.invalid.body'), 410)
  const { user } = result
  const userT = makeT(isLocale(user.locale) ? user.locale : 'az')
  if (user.status !== 'active') return redirectWithToast('/login', userT('reset.done'))
  const headers = new Headers()
  headers.append('Set-Cookie', await startSession(request, user))
  headers.append('Set-Cookie', await localeCookie.serialize(user.locale))
  return redirectWithToast('/account', userT('reset.done'), 'success', { headers })
}

export default function ResetPasswordPage() {
  const t = useT()
  const { valid, email } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors: Record<string, string> = actionData?.errors ?? {}
  const formError = actionData && 'formError' in actionData ? (actionData.formError as string) : null
  const formRef = useFocusFirstError(errors, formError)
  if (!valid || formError) return <InvalidLink />
  return (
    <div className="narrow stack">
      <h1>{t('reset.title')}</h1>
      <p>{t('reset.intro', { email: email ?? '' })}</p>
      <Form method="post" noValidate className="stack" ref={formRef}>
        <FormError error={formError} />
        <input type="text" name="username" autoComplete="username" value={email ?? ''} readOnly hidden />
        <TextField
          name="password"
          type="password"
          label={t('reset.password')}
          hint={t('auth.field.passwordHint')}
          autoComplete="new-password"
          required
          error={errors.password}
        />
        <TextField name="confirm" type="password" label={t('reset.confirm')} autoComplete="new-password" required error={errors.confirm} />
        <Button type="submit" pendingLabel={t('reset.pending')}>
          {t('reset.submit')}
        </Button>
      </Form>
    </div>
  )
}

function InvalidLink() {
  const t = useT()
  return (
    <div className="narrow stack" data-testid="reset-invalid">
      <h1>{t('reset.invalid.title')}</h1>
      <p>{t('reset.invalid.body')}</p>
      <p>
        <Link className="button button-primary" to="/forgot-password">
          {t('reset.requestNew')}
        </Link>
      </p>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'reset.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
