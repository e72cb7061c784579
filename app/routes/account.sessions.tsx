import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Card, ConfirmDialog, DataTable, DateTime, PageHeader, StatusBadge, type Column } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { sessionHandle } from '#app/utils/account.server'
import { getCurrent, logout, requireAbility, requireUser } from '#app/utils/auth.server'
import { makeT, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { describeUserAgent } from '#app/utils/user-agent'
import { recordAudit } from '#models/audit.server'
import { deleteUserSession, deleteUserSessions, listUserSessions } from '#models/auth-session.server'

async function currentOrLogin(request: Request) {
  const user = await requireUser(request)
  const current = await getCurrent(request)
  return { user, sessionId: current!.sessionId }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, sessionId } = await currentOrLogin(request)
  requireAbility(user, 'read', asSubject('AuthSession', { userId: user._id }))
  const sessions = await listUserSessions(user._id)
  return {
    sessions: sessions.map((session) => ({
      handle: sessionHandle(String(session._id)),
      current: session._id === sessionId,
      device: describeUserAgent(session.userAgent),
      ip: session.ip || '—',
      lastSeenAt: (session.lastSeenAt ?? session.createdAt ?? new Date()).toISOString(),
      createdAt: (session.createdAt ?? new Date()).toISOString(),
    })),
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, sessionId } = await currentOrLogin(request)
  const t = makeT(await getLocale(request))
  const formData = await request.formData()
  const actor = { _id: user._id, name: user.name }
  switch (formData.get('intent')) {
    case 'end': {
      const handle = String(formData.get('session') ?? '')
      // only the user's own sessions are searched, so a handle of someone else's matches nothing
      const target = (await listUserSessions(user._id)).find((session) => sessionHandle(String(session._id)) === handle)
      if (!target) return redirectWithToast('/account/sessions', t('sessions.notFound'), 'info')
      requireAbility(user, 'delete', asSubject('AuthSession', { userId: user._id }))
      if (target._id === sessionId) {
        const setCookie = await logout(request)
        return redirectWithToast('/login', t('auth.logout.done'), 'info', { headers: { 'Set-Cookie': setCookie } })
      }
      await deleteUserSession(user._id, String(target._id))
      await recordAudit({ actor, action: 'user.sessions_ended', subject: { type: 'User', id: user._id }, after: { count: 1 } })
      return redirectWithToast('/account/sessions', t('sessions.ended'))
    }
    case 'end-others': {
      requireAbility(user, 'delete', asSubject('AuthSession', { userId: user._id }))
      const count = await deleteUserSessions(user._id, sessionId)
      if (count) await recordAudit({ actor, action: 'user.sessions_ended', subject: { type: 'User', id: user._id }, after: { count } })
      return redirectWithToast('/account/sessions', t('sessions.othersEnded', { count }))
    }
    default:
      throw new Response('Unknown intent', { status: 400 })
  }
}

type SessionRow = Awaited<ReturnType<typeof loader>>['sessions'][number]

export default function SessionsPage() {
  const t = useT()
  const { sessions } = useLoaderData<typeof loader>()
  const columns: Column<SessionRow>[] = [
    {
      key: 'device',
      header: t('sessions.device'),
      rowHeader: true,
      cell: (row) => (
        <>
          {row.device ? t('sessions.deviceOn', row.device) : t('sessions.unknownDevice')}
          {row.current ? (
            <>
              {' '}
              <StatusBadge status="active" label={t('sessions.thisDevice')} />
            </>
          ) : null}
        </>
      ),
    },
    { key: 'ip', header: t('sessions.ip'), cell: (row) => row.ip },
    { key: 'lastSeen', header: t('sessions.lastSeen'), cell: (row) => <DateTime value={row.lastSeenAt} /> },
    { key: 'started', header: t('sessions.started'), cell: (row) => <DateTime value={row.createdAt} /> },
    {
      key: 'actions',
      header: t('sessions.actions'),
      cell: (row) => (
        <ConfirmDialog label={t('sessions.end')} message={t('sessions.endConfirm')} name="intent" value="end" size="small">
          <input type="hidden" name="session" value={row.handle} />
        </ConfirmDialog>
      ),
    },
  ]
  return (
    <div className="stack">
      <PageHeader title={t('sessions.title')} description={t('sessions.intro')} />
      <DataTable caption={t('sessions.caption')} hideCaption columns={columns} rows={sessions} rowKey={(row) => row.handle} />
      <Card>
        <div className="cluster">
          {sessions.length > 1 ? <ConfirmDialog label={t('sessions.endOthers')} message={t('sessions.endOthersConfirm')} name="intent" value="end-others" variant="secondary" /> : null}
          <ConfirmDialog label={t('sessions.everywhere')} message={t('sessions.everywhereConfirm')} action="/logout" name="everywhere" value="1" />
        </div>
      </Card>
      <p>
        <Link to="/account">{t('sessions.backToAccount')}</Link>
      </p>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'sessions.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
