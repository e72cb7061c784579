import { data, type ActionFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData } from '@remix-run/react'
import { z } from 'zod'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, TextField, useFocusFirstError } from '#app/components/ui/index'
import { requestPasswordReset } from '#app/utils/account.server'
import { invalid, parseWith } from '#app/utils/form.server'
import { makeT, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { connectDb } from '#models/db.server'

const ForgotPasswordSchema = z.object({
  email: z.string().trim().min(1, 'form.required').email('form.invalidEmail').max(200, 'form.tooLong'),
})

export async function action({ request }: ActionFunctionArgs) {
  const t = makeT(await getLocale(request))
  const form = parseWith(ForgotPasswordSchema, await request.formData(), t)
  if (!form.ok) return invalid(form.errors)
  await connectDb()
  await requestPasswordReset(request, form.data.email)
  // the same answer whether or not the address has an account
  return data({ ok: true as const, errors: {} as Record<string, string>, message: t('forgot.sent') })
}

export default function ForgotPasswordPage() {
  const t = useT()
  const actionData = useActionData<typeof action>()
  const errors: Record<string, string> = actionData?.errors ?? {}
  const formRef = useFocusFirstError(errors)
  return (
    <div className="narrow stack">
      <h1>{t('forgot.title')}</h1>
      {actionData?.ok ? (
        <p role="status" className="notice" data-testid="forgot-sent">
          {actionData.message}
        </p>
      ) : (
        <>
          <p>{t('forgot.intro')}</p>
          <Form method="post" noValidate className="stack" ref={formRef}>
            <TextField name="email" type="email" label={t('auth.field.email')} autoComplete="email" required error={errors.email} />
            <Button type="submit" pendingLabel={t('forgot.pending')}>
              {t('forgot.submit')}
            </Button>
          </Form>
        </>
      )}
      <p>
        <Link to="/login">{t('forgot.backToLogin')}</Link>
      </p>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'forgot.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
