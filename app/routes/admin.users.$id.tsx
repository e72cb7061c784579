import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { ChangeList } from '#app/components/audit-changes'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import {
  Button,
  Card,
  CheckboxField,
  CheckboxGroup,
  ConfirmDialog,
  DateTime,
  FormError,
  PageHeader,
  StatusBadge,
  TextField,
  Timeline,
  useFocusFirstError,
} from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { sendInvitation } from '#app/utils/account.server'
import { auditActionLabel, describeChanges } from '#app/utils/audit-format'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { invalid, parseWith, refuse } from '#app/utils/form.server'
import { LOCALE_NAMES, isLocale, makeT, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { listSubjectHistory } from '#models/audit.server'
import { deleteUserSessions, listUserSessions } from '#models/auth-session.server'
import { ROLES } from '#models/user-rules'
import { getUserById, setUserRoles, setUserStatus } from '#models/user.server'

async function loadTarget(request: Request, id: string | undefined) {
  const admin = await requireUser(request)
  requireAbility(admin, 'manage', 'User')
  const target = id ? await getUserById(id) : null
  if (!target) throw new Response('Not found', { status: 404 })
  requireAbility(admin, 'read', asSubject('User', target))
  return { admin, target }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { target } = await loadTarget(request, params.id)
  const t = makeT(await getLocale(request))
  const [sessions, history] = await Promise.all([listUserSessions(target._id), listSubjectHistory('User', String(target._id))])
  return {
    roles: [...ROLES],
    user: {
      id: String(target._id),
      name: target.name,
      email: target.email,
      phone: target.phone ?? '',
      locale: target.locale,
      roles: [...target.roles],
      lead: Boolean(target.lead),
      region: target.region ?? null,
      status: target.status,
      emailVerified: Boolean(target.emailVerifiedAt),
      createdAt: target.createdAt ? new Date(target.createdAt).toISOString() : null,
    },
    sessionCount: sessions.length,
    history: history.map((event) => ({
      at: new Date(event.at).toISOString(),
      action: event.action,
      actor: event.actorName || t('admin.audit.system'),
      reason: event.reason ?? '',
      changes: describeChanges(event.before, event.after, t),
    })),
  }
}

const asList = (value: unknown) => (value == null || value === '' ? [] : Array.isArray(value) ? value : [value])

const RolesSchema = z.object({
  roles: z.preprocess(asList, z.array(z.enum(ROLES)).min(1, 'admin.user.rolesRequired')),
  lead: z.preprocess((value) => value === 'on', z.boolean()),
  reason: z.string().trim().max(500, 'form.tooLong').default(''),
})
const DisableSchema = z.object({ reason: z.string().trim().min(3, 'form.tooShort').max(500, 'form.tooLong') })
const EnableSchema = z.object({ reason: z.string().trim().max(500, 'form.tooLong').default('') })

export async function action({ request, params }: ActionFunctionArgs) {
  const { admin, target } = await loadTarget(request, params.id)
  const t = makeT(await getLocale(request))
  const formData = await request.formData()
  const id = String(target._id)
  const self = id === String(admin._id)
  const actor = { _id: admin._id, name: admin.name }
  const subject = asSubject('User', target)
  const here = `/admin/users/${id}`
  switch (formData.get('intent')) {
    case 'roles': {
      requireAbility(admin, 'update', subject, 'roles')
      const form = parseWith(RolesSchema, formData, t)
      if (!form.ok) return invalid(form.errors, { intent: 'roles' })
      // an admin who takes away their own admin role could leave the platform with none
      if (self && target.roles.includes('admin') && !form.data.roles.includes('admin')) return refuse(t('admin.user.ownAdmin'), 409, { intent: 'roles' })
      await setUserRoles(id, form.data.roles, form.data.lead, actor, form.data.reason)
      return redirectWithToast(here, t('admin.user.rolesSaved'))
    }
    case 'disable': {
      requireAbility(admin, 'update', subject, 'status')
      const form = parseWith(DisableSchema, formData, t)
      if (!form.ok) return invalid(form.errors, { intent: 'disable' })
      if (self) return refuse(t('admin.user.ownStatus'), 409, { intent: 'disable' })
      await setUserStatus(id, 'disabled', actor, form.data.reason)
      const count = await deleteUserSessions(id)
      return redirectWithToast(here, t('admin.user.disabled', { count }))
    }
    case 'enable': {
      requireAbility(admin, 'update', subject, 'status')
      const form = parseWith(EnableSchema, formData, t)
      if (!form.ok) return invalid(form.errors, { intent: 'enable' })
      await setUserStatus(id, 'active', actor, form.data.reason)
      return redirectWithToast(here, t('admin.user.enabled'))
    }
    case 'resend-invite': {
      requireAbility(admin, 'invite', subject)
      if (target.status !== 'invited') return refuse(t('invite.accept.invalid.title'), 409, { intent: 'resend-invite' })
      await sendInvitation(request, target, actor)
      return redirectWithToast(here, t('admin.user.inviteResent'))
    }
    default:
      throw new Response('Unknown intent', { status: 400 })
  }
}

export default function AdminUserPage() {
  const t = useT()
  const { roles, user, sessionCount, history } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const intent = actionData && 'intent' in actionData ? actionData.intent : null
  const errors: Record<string, string> = actionData?.errors ?? {}
  const formError = actionData && 'formError' in actionData ? (actionData.formError as string) : null
  const rolesErrors = intent === 'roles' ? errors : {}
  const statusErrors = intent === 'disable' || intent === 'enable' ? errors : {}
  // one form fails at a time, so the first invalid field on the page is the one to act on
  useFocusFirstError(errors, formError)
  return (
    <div className="stack">
      <p>
        <Link to="/admin/users">← {t('admin.user.back')}</Link>
      </p>
      <PageHeader title={user.name} description={user.email} eyebrow={<StatusBadge status={user.status} />} />
      <Card title={t('admin.user.details')}>
        <dl className="details">
          <div>
            <dt>{t('admin.user.phone')}</dt>
            <dd>{user.phone || '—'}</dd>
          </div>
          <div>
            <dt>{t('admin.user.locale')}</dt>
            <dd>{isLocale(user.locale) ? LOCALE_NAMES[user.locale] : user.locale}</dd>
          </div>
          <div>
            <dt>{t('admin.user.region')}</dt>
            <dd>{user.region ?? t('admin.user.noRegion')}</dd>
          </div>
          <div>
            <dt>{t('admin.user.emailVerified')}</dt>
            <dd>{user.emailVerified ? t('admin.user.yes') : t('admin.user.no')}</dd>
          </div>
          <div>
            <dt>{t('admin.users.created')}</dt>
            <dd>{user.createdAt ? <DateTime value={user.createdAt} /> : '—'}</dd>
          </div>
          <div>
            <dt>{t('admin.user.sessions')}</dt>
            <dd data-testid="session-count">{sessionCount}</dd>
          </div>
        </dl>
        {user.status === 'invited' ? (
          <Form method="post" className="cluster">
            <p>{t('admin.user.invitedNote')}</p>
            <input type="hidden" name="intent" value="resend-invite" />
            <Button type="submit" variant="secondary" size="small">
              {t('admin.user.resendInvite')}
            </Button>
          </Form>
        ) : null}
      </Card>
      <Card title={t('admin.user.rolesTitle')}>
        <Form method="post" noValidate className="stack" aria-label={t('admin.user.rolesTitle')}>
          <FormError error={intent === 'roles' ? formError : null} />
          <input type="hidden" name="intent" value="roles" />
          <CheckboxGroup
            name="roles"
            label={t('admin.user.rolesLegend')}
            options={roles.map((role) => ({ value: role, label: t(`role.${role}`) }))}
            defaultValue={user.roles}
            error={rolesErrors.roles}
          />
          <CheckboxField name="lead" label={t('admin.user.leadLabel')} hint={t('admin.user.leadHint')} defaultChecked={user.lead} />
          <TextField name="reason" label={t('admin.user.reason')} hint={t('admin.user.reasonHint')} error={rolesErrors.reason} />
          <Button type="submit">{t('admin.user.saveRoles')}</Button>
        </Form>
      </Card>
      <Card title={t('admin.user.statusTitle')}>
        <div>
          <FormError error={intent === 'disable' ? formError : null} />
          {user.status === 'disabled' ? (
            <Form method="post" noValidate className="stack" aria-label={t('admin.user.enable')}>
              <input type="hidden" name="intent" value="enable" />
              <TextField name="reason" label={t('admin.user.reason')} hint={t('admin.user.reasonHint')} error={statusErrors.reason} />
              <Button type="submit">{t('admin.user.enable')}</Button>
            </Form>
          ) : (
            <ConfirmDialog
              label={t('admin.user.disable')}
              message={t('admin.user.disableConfirm')}
              name="intent"
              value="disable"
              formProps={{ noValidate: true, className: 'stack', 'aria-label': t('admin.user.disable') }}
            >
              <p className="field-hint">{t('admin.user.disableHint')}</p>
              <TextField name="reason" label={t('admin.user.reason')} hint={t('admin.user.reasonHint')} required error={statusErrors.reason} />
            </ConfirmDialog>
          )}
        </div>
      </Card>
      <Card
        title={t('admin.user.history')}
        actions={<Link to={`/admin/audit?${new URLSearchParams({ type: 'User', id: user.id })}`}>{t('admin.user.fullAudit')}</Link>}
      >
        <Timeline
          label={t('admin.user.history')}
          items={history.map((event) => ({
            at: event.at,
            title: auditActionLabel(event.action, t),
            actor: event.actor,
            note:
              event.changes.length || event.reason ? (
                <ChangeList changes={event.changes} reason={event.reason} />
              ) : undefined,
          }))}
        />
      </Card>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'admin.users.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
