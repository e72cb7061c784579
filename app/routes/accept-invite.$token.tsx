import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, TextField, useFocusFirstError } from '#app/components/ui/index'
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
  const user = await userForToken('invite', params.token)
  if (!user || user.status !== 'invited') return data({ valid: false as const, name: '', email: '', role: '' }, { status: 410 })
  return { valid: true as const, name: user.name, email: user.email, role: user.roles[0] ?? '' }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const t = makeT(await getLocale(request))
  const form = parseWith(NewPasswordSchema, await request.formData(), t)
  if (!form.ok) return invalid(form.errors)
  await connectDb()
  const result = await setPasswordWithToken('invite', params.token ?? '', form.data.password)
  if (!result.ok || result.user.status !== 'active') return refuse(t('invite.accept.invalid.body'), 410)
  const { user } = result
  const headers = new Headers()
  headers.append('Set-Cookie', await startSession(request, user))
  headers.append('Set-Cookie', await localeCookie.serialize(user.locale))
  return redirectWithToast('/account', makeT(isLocale(user.locale) ? user.locale : 'az')('invite.accept.done'), 'success', { headers })
}

export default function AcceptInvitePage() {
  const t = useT()
  const invite = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors: Record<string, string> = actionData?.errors ?? {}
  const refused = Boolean(actionData && 'formError' in actionData)
  const formRef = useFocusFirstError(errors)
  if (!invite.valid || refused) {
    return (
      <div className="narrow stack" data-testid="invite-invalid">
        <h1>{t('invite.accept.invalid.title')}</h1>
        <p role={refused ? 'alert' : undefined}>{t('invite.accept.invalid.body')}</p>
      </div>
    )
  }
  return (
    <div className="narrow stack">
      <h1>{t('invite.accept.title')}</h1>
      <p>{t('invite.accept.intro', { name: invite.name, role: invite.role ? t(`role.${invite.role}`) : '' })}</p>
      <Form method="post" noValidate className="stack" ref={formRef}>
        <TextField name="email" label={t('auth.field.email')} value={invite.email} readOnly autoComplete="username" />
        <TextField
          name="password"
          type="password"
          label={t('auth.field.password')}
          hint={t('auth.field.passwordHint')}
          autoComplete="new-password"
          required
          error={errors.password}
        />
        <TextField name="confirm" type="password" label={t('reset.confirm')} autoComplete="new-password" required error={errors.confirm} />
        <Button type="submit" pendingLabel={t('invite.accept.pending')}>
          {t('invite.accept.submit')}
        </Button>
      </Form>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'invite.accept.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
