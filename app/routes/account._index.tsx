import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, Card, PageHeader, SelectField, StatusBadge, TextField, useFocusFirstError } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { sendVerificationMail } from '#app/utils/account.server'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { invalid, parseWith } from '#app/utils/form.server'
import { LOCALES, LOCALE_NAMES, makeT, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale, localeCookie } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { updateProfile } from '#models/user.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  requireAbility(user, 'read', asSubject('User', { _id: user._id }))
  return {
    profile: {
      email: user.email,
      name: user.name,
      phone: user.phone ?? '',
      locale: user.locale,
      roles: [...user.roles],
      lead: Boolean(user.lead),
      region: user.region ?? null,
      emailVerified: Boolean(user.emailVerifiedAt),
    },
  }
}

const ProfileSchema = z.object({
  name: z.string().trim().min(2, 'form.tooShort').max(120, 'form.tooLong'),
  phone: z
    .string()
    .trim()
    .max(30, 'form.tooLong')
    .regex(/^[+\d][\d\s()-]{6,}$|^$/, 'form.invalidValue')
    .default(''),
  locale: z.enum(LOCALES),
})

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const t = makeT(await getLocale(request))
  const formData = await request.formData()
  const self = asSubject('User', { _id: user._id })
  switch (formData.get('intent')) {
    case 'profile': {
      const form = parseWith(ProfileSchema, formData, t)
      if (!form.ok) return invalid(form.errors)
      for (const field of Object.keys(form.data)) requireAbility(user, 'update', self, field)
      await updateProfile(user._id, form.data, { _id: user._id, name: user.name })
      // the page switches to the language just chosen
      const headers = { 'Set-Cookie': await localeCookie.serialize(form.data.locale) }
      return redirectWithToast('/account', makeT(form.data.locale)('account.saved'), 'success', { headers })
    }
    case 'resend-verification': {
      requireAbility(user, 'read', self)
      if (user.emailVerifiedAt) return redirectWithToast('/account', t('account.alreadyVerified'), 'info')
      await sendVerificationMail(request, user)
      return redirectWithToast('/account', t('account.verificationSent', { email: user.email }))
    }
    default:
      throw new Response('Unknown intent', { status: 400 })
  }
}

export default function AccountPage() {
  const t = useT()
  const { profile } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const errors: Record<string, string> = actionData?.errors ?? {}
  const formRef = useFocusFirstError(errors)
  return (
    <div className="stack">
      <PageHeader title={t('account.title')} description={profile.email} />
      <Card title={t('account.profile')}>
        <dl className="details">
          <div>
            <dt>{t('account.email')}</dt>
            <dd>
              <span data-testid="account-email">{profile.email}</span>{' '}
              <StatusBadge
                status={profile.emailVerified ? 'verified' : 'pending'}
                label={profile.emailVerified ? t('account.emailVerified') : t('account.emailUnverified')}
              />
            </dd>
          </div>
          <div>
            <dt>{t('account.roles')}</dt>
            <dd>{profile.roles.map((role) => t(`role.${role}`)).join(', ')}</dd>
          </div>
          {profile.region ? (
            <div>
              <dt>{t('account.region')}</dt>
              <dd>{profile.region}</dd>
            </div>
          ) : null}
        </dl>
        <p className="field-hint">{t('account.emailHint')}</p>
        <Form method="post" noValidate className="stack" ref={formRef} aria-label={t('account.profile')}>
          <input type="hidden" name="intent" value="profile" />
          <TextField name="name" label={t('auth.field.name')} defaultValue={profile.name} autoComplete="name" required error={errors.name} />
          <TextField
            name="phone"
            type="tel"
            label={`${t('auth.field.phone')} (${t('form.optional')})`}
            defaultValue={profile.phone}
            autoComplete="tel"
            error={errors.phone}
          />
          <SelectField
            name="locale"
            label={t('auth.field.locale')}
            defaultValue={profile.locale}
            options={LOCALES.map((code) => ({ value: code, label: LOCALE_NAMES[code] }))}
            error={errors.locale}
          />
          <Button type="submit" pendingLabel={t('form.saving')}>
            {t('form.save')}
          </Button>
        </Form>
      </Card>
      <Card title={t('account.security')}>
        <p>{t('account.sessionsHint')}</p>
        <p>
          <Link to="/account/sessions">{t('account.sessionsLink')}</Link>
        </p>
        {profile.emailVerified ? null : (
          <Form method="post">
            <input type="hidden" name="intent" value="resend-verification" />
            <Button type="submit" variant="secondary">
              {t('account.resendVerification')}
            </Button>
          </Form>
        )}
      </Card>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'account.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
