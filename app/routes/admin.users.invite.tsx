import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData } from '@remix-run/react'
import { z } from 'zod'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, PageHeader, SelectField, TextField, useFocusFirstError } from '#app/components/ui/index'
import { sendInvitation } from '#app/utils/account.server'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { invalid, parseWith } from '#app/utils/form.server'
import { LOCALES, LOCALE_NAMES, makeT, useLocale, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { REGIONS, STAFF_ROLES } from '#models/user-rules'
import { createUser, DuplicateEmailError } from '#models/user.server'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  requireAbility(user, 'invite', 'User')
  return null
}

const InviteSchema = z.object({
  email: z.string().trim().min(1, 'form.required').email('form.invalidEmail').max(200, 'form.tooLong'),
  name: z.string().trim().min(2, 'form.tooShort').max(120, 'form.tooLong'),
  role: z.enum(STAFF_ROLES, { message: 'form.required' }),
  region: z.union([z.enum(REGIONS), z.literal('')]).default(''),
  locale: z.enum(LOCALES),
})

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireUser(request)
  requireAbility(admin, 'invite', 'User')
  const t = makeT(await getLocale(request))
  const form = parseWith(InviteSchema, await request.formData(), t)
  if (!form.ok) return invalid(form.errors)
  const { email, name, role, region, locale } = form.data
  const actor = { _id: admin._id, name: admin.name }
  let invited: Awaited<ReturnType<typeof createUser>>
  try {
    invited = await createUser({ email, name, locale, roles: [role], region: region || null, status: 'invited' }, actor)
  } catch (error) {
    if (error instanceof DuplicateEmailError) return invalid({ email: t('admin.invite.emailTaken') }, {}, 409)
    throw error
  }
  await sendInvitation(request, invited, actor)
  return redirectWithToast(`/admin/users/${invited._id}`, t('admin.invite.sent', { email: invited.email }))
}

export default function InviteStaffPage() {
  const t = useT()
  const locale = useLocale()
  const actionData = useActionData<typeof action>()
  const errors: Record<string, string> = actionData?.errors ?? {}
  const formRef = useFocusFirstError(errors)
  return (
    <div className="narrow stack">
      <p>
        <Link to="/admin/users">← {t('admin.user.back')}</Link>
      </p>
      <PageHeader title={t('admin.invite.title')} description={t('admin.invite.intro')} />
      <Form method="post" noValidate className="stack" ref={formRef}>
        <TextField name="email" type="email" label={t('auth.field.email')} autoComplete="off" required error={errors.email} />
        <TextField name="name" label={t('auth.field.name')} autoComplete="off" required error={errors.name} />
        <SelectField
          name="role"
          label={t('admin.invite.role')}
          required
          defaultValue="case_manager"
          options={STAFF_ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))}
          error={errors.role}
        />
        <SelectField
          name="region"
          label={t('admin.invite.region')}
          defaultValue=""
          placeholder={t('admin.invite.noRegion')}
          options={REGIONS.map((region) => ({ value: region, label: region }))}
          error={errors.region}
        />
        <SelectField
          name="locale"
          label={t('admin.invite.locale')}
          defaultValue={locale}
          options={LOCALES.map((code) => ({ value: code, label: LOCALE_NAMES[code] }))}
          error={errors.locale}
        />
        <Button type="submit" pendingLabel={t('admin.invite.pending')}>
          {t('admin.invite.submit')}
        </Button>
      </Form>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'admin.invite.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
