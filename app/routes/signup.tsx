import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData } from '@remix-run/react'
import { Button, PageHeader, RadioGroup, SelectField, TextField, useFocusFirstError } from '#app/components/ui/index'
import { z } from 'zod'
import { getUser, startSession } from '#app/utils/auth.server'
import { parseWith } from '#app/utils/form.server'
import { LOCALES, LOCALE_NAMES, makeT, useLocale, useT } from '#app/utils/i18n'
import { absoluteUrl, sendMail } from '#app/utils/mail.server'
import { getLocale, localeCookie } from '#app/utils/session.server'
import { mergeGuestCartAtLogin } from '#app/utils/shop.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { createToken } from '#models/token.server'
import { createUser, DuplicateEmailError } from '#models/user.server'
import { passwordProblem, SELF_SIGNUP_ROLES } from '#models/user-rules'

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) throw redirect('/account')
  return null
}

const SignupSchema = z.object({
  role: z.enum(SELF_SIGNUP_ROLES, { message: 'form.required' }),
  name: z.string().trim().min(2, 'form.tooShort').max(120, 'form.tooLong'),
  email: z.string().trim().min(1, 'form.required').email('form.invalidEmail').max(200),
  phone: z
    .string()
    .trim()
    .max(30)
    .regex(/^[+\d][\d\s()-]{6,}$|^$/, 'form.invalidValue')
    .default(''),
  locale: z.enum(LOCALES),
  password: z
    .string()
    .max(200, 'form.tooLong')
    .superRefine((value, ctx) => {
      const problem = passwordProblem(value)
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    }),
})

export async function action({ request }: ActionFunctionArgs) {
  const t = makeT(await getLocale(request))
  const form = parseWith(SignupSchema, await request.formData(), t)
  if (!form.ok) return data({ errors: form.errors }, { status: 400 })
  const { role, password, ...profile } = form.data
  let user: Awaited<ReturnType<typeof createUser>>
  try {
    user = await createUser({ ...profile, password, roles: [role] })
  } catch (error) {
    if (error instanceof DuplicateEmailError) return data({ errors: { email: t('auth.signup.emailTaken') } }, { status: 409 })
    throw error
  }
  const token = await createToken('verify', user._id)
  await sendMail({ to: user.email, locale: profile.locale, template: 'verify', params: { name: user.name, link: absoluteUrl(request, `/verify-email/${token}`) } })
  const headers = new Headers()
  headers.append('Set-Cookie', await startSession(request, { ...user.toObject(), _id: user._id }))
  headers.append('Set-Cookie', await localeCookie.serialize(profile.locale))
  // a guest's cart becomes the new account's cart
  const forgetGuestCart = await mergeGuestCartAtLogin(request, user._id)
  if (forgetGuestCart) headers.append('Set-Cookie', forgetGuestCart)
  const next = role === 'family' ? '/apply/abad' : '/account'
  return redirectWithToast(next, makeT(profile.locale)('auth.signup.welcome'), 'success', { headers })
}

const ROLE_LABEL = { family: 'auth.signup.as.family', founder: 'auth.signup.as.founder', retailer: 'auth.signup.as.retailer', shopper: 'auth.signup.as.shopper' } as const

export default function SignupPage() {
  const t = useT()
  const locale = useLocale()
  const actionData = useActionData<typeof action>()
  const formRef = useFocusFirstError(actionData?.errors)
  const errors: Record<string, string> = actionData?.errors ?? {}
  return (
    <div className="narrow">
      <PageHeader title={t('auth.signup.title')} />
      <Form id="signup-form" ref={formRef} method="post" noValidate className="stack">
        <RadioGroup
          name="role"
          label={t('auth.signup.as')}
          options={SELF_SIGNUP_ROLES.map((role) => ({ value: role, label: t(ROLE_LABEL[role]) }))}
          defaultValue="family"
          required
          error={errors.role}
        />
        <TextField name="name" label={t('auth.field.name')} autoComplete="name" required error={errors.name} />
        <TextField name="email" type="email" label={t('auth.field.email')} autoComplete="email" required error={errors.email} />
        <TextField name="phone" type="tel" label={t('auth.field.phone')} autoComplete="tel" error={errors.phone} />
        <SelectField
          name="locale"
          label={t('auth.field.locale')}
          defaultValue={locale}
          options={LOCALES.map((code) => ({ value: code, label: LOCALE_NAMES[code] }))}
          error={errors.locale}
        />
        <TextField
          name="password"
          type="password"
          label={t('auth.field.password')}
          hint={t('auth.field.passwordHint')}
          autoComplete="new-password"
          required
          error={errors.password}
        />
        <Button pendingLabel={t('auth.signup.pending')}>{t('auth.signup.submit')}</Button>
      </Form>
      <p>
        {t('auth.signup.haveAccount')} <Link to="/login">{t('nav.login')}</Link>
      </p>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Sign up · ABAD · INNOLAND' }]

export { RouteErrorBoundary as ErrorBoundary } from '#app/components/route-error-boundary'
