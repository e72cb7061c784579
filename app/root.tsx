import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useLoaderData, useRouteError, useRouteLoaderData } from '@remix-run/react'
import { AppShell } from '#app/components/layout/app-shell'
import { ErrorPage } from '#app/components/ui/error-page'
import { useNonce } from '#app/utils/nonce'
import { getUser } from '#app/utils/auth.server'
import { getLocale } from '#app/utils/session.server'
import { popToast } from '#app/utils/toast.server'
import { DEFAULT_LOCALE, makeT, type Locale } from '#app/utils/i18n'
import stylesUrl from '#app/styles/app.css'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesUrl },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

export async function loader({ request }: LoaderFunctionArgs) {
  const [locale, user, { toast, setCookie }] = await Promise.all([getLocale(request), getUser(request), popToast(request)])
  return data(
    {
      locale,
      toast,
      user: user
        ? {
            _id: String(user._id),
            name: user.name,
            email: user.email,
            roles: user.roles,
            lead: Boolean(user.lead),
            familyId: user.familyId ? String(user.familyId) : null,
            startupId: user.startupId ? String(user.startupId) : null,
            retailerId: user.retailerId ? String(user.retailerId) : null,
            region: user.region ?? null,
            status: user.status,
          }
        : null,
    },
    setCookie ? { headers: { 'Set-Cookie': setCookie } } : undefined,
  )
}

export type RootLoaderData = Awaited<ReturnType<typeof loader>>['data']

export const meta: MetaFunction = () => [{ title: 'ABAD · INNOLAND' }]

export function Layout({ children }: { children: React.ReactNode }) {
  const root = useRouteLoaderData('root') as RootLoaderData | undefined
  const nonce = useNonce()
  const locale: Locale = root?.locale ?? DEFAULT_LOCALE
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

export default function App() {
  const { user, toast, locale } = useLoaderData<typeof loader>()
  return (
    <AppShell user={user} toast={toast} locale={locale}>
      <Outlet />
    </AppShell>
  )
}

export function ErrorBoundary() {
  const error = useRouteError()
  const root = useRouteLoaderData('root') as RootLoaderData | undefined
  const locale = root?.locale ?? DEFAULT_LOCALE
  const t = makeT(locale)
  const status = isRouteErrorResponse(error) ? error.status : 500
  return (
    <AppShell user={root?.user ?? null} toast={null} locale={locale}>
      <ErrorPage status={status} t={t} />
    </AppShell>
  )
}
