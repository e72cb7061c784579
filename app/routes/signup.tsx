import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { getUser, startSession } from '#app/utils/auth.server'
import { parseWith } from '#app/utils/form.server'
import { LOCALES, LOCALE_NAMES, makeT, useLocale, useT } from '#app/utils/i18n'
import { absoluteUrl, sendMail } from '#app/utils/mail.server'
import { getLocale, localeCookie } from '#app/utils/session.server'
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
  const next = role === 'family' ? '/apply/abad' : '/account'
  return redirectWithToast(next, makeT(profile.locale)('auth.signup.welcome'), 'success', { headers })
}

const ROLE_LABEL = { family: 'auth.signup.as.family', founder: 'auth.signup.as.founder', retailer: 'auth.signup.as.retailer', shopper: 'auth.signup.as.shopper' } as const

export default function SignupPage() {
  const t = useT()
  const locale = useLocale()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const pending = navigation.state !== 'idle' && navigation.formAction === '/signup'
  const errors: Record<string, string> = actionData?.errors ?? {}
  const describe = (name: string) => (errors[name] ? `${name}-error` : undefined)
  const error = (name: string) => (errors[name] ? <p id={`${name}-error`} className="field-error">{errors[name]}</p> : null)
  return (
    <div className="narrow">
      <h1>{t('auth.signup.title')}</h1>
      <Form method="post" noValidate className="stack">
        <fieldset className="field" aria-describedby={describe('role')}>
          <legend>{t('auth.signup.as')}</legend>
          {SELF_SIGNUP_ROLES.map((role, index) => (
            <label key={role} className="choice">
              <input type="radio" name="role" value={role} defaultChecked={index === 0} /> {t(ROLE_LABEL[role])}
            </label>
          ))}
          {error('role')}
        </fieldset>
        <div className="field">
          <label htmlFor="name">{t('auth.field.name')}</label>
          <input id="name" name="name" autoComplete="name" required aria-invalid={errors.name ? true : undefined} aria-describedby={describe('name')} />
          {error('name')}
        </div>
        <div className="field">
          <label htmlFor="email">{t('auth.field.email')}</label>
          <input id="email" name="email" type="email" autoComplete="email" required aria-invalid={errors.email ? true : undefined} aria-describedby={describe('email')} />
          {error('email')}
        </div>
        <div className="field">
          <label htmlFor="phone">
            {t('auth.field.phone')} <span className="optional">({t('form.optional')})</span>
          </label>
          <input id="phone" name="phone" type="tel" autoComplete="tel" aria-invalid={errors.phone ? true : undefined} aria-describedby={describe('phone')} />
          {error('phone')}
        </div>
        <div className="field">
          <label htmlFor="locale">{t('auth.field.locale')}</label>
          <select id="locale" name="locale" defaultValue={locale}>
            {LOCALES.map((code) => (
              <option key={code} value={code}>
                {LOCALE_NAMES[code]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="password">{t('auth.field.password')}</label>
          <p id="password-hint" className="hint">
            {t('auth.field.passwordHint')}
          </p>
          <input id="password" name="password" type="password" autoComplete="new-password" required aria-invalid={errors.password ? true : undefined} aria-describedby={['password-hint', describe('password')].filter(Boolean).join(' ')} />
          {error('password')}
        </div>
        <button type="submit" className="button" disabled={pending} aria-busy={pending || undefined}>
          {pending ? t('auth.signup.pending') : t('auth.signup.submit')}
        </button>
      </Form>
      <p>
        {t('auth.signup.haveAccount')} <Link to="/login">{t('nav.login')}</Link>
      </p>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Sign up · ABAD · INNOLAND' }]
