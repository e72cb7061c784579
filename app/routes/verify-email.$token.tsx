import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { getUser } from '#app/utils/auth.server'
import { useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { connectDb } from '#models/db.server'
import { consumeToken } from '#models/token.server'
import { markEmailVerified } from '#models/user.server'

/**
 * Opening the link confirms the address: a GET with an effect, because that is what a mail link
 * does. A mail scanner that opens it first only confirms what the link was sent for.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await connectDb()
  const signedIn = Boolean(await getUser(request))
  const token = params.token ? await consumeToken('verify', params.token) : null
  if (!token) return data({ verified: false, signedIn }, { status: 410 })
  await markEmailVerified(token.userId)
  return { verified: true, signedIn }
}

export default function VerifyEmailPage() {
  const t = useT()
  const { verified, signedIn } = useLoaderData<typeof loader>()
  return (
    <div className="narrow stack">
      <h1>{t('verify.title')}</h1>
      <p role="status" data-testid={verified ? 'verify-done' : 'verify-invalid'}>
        {verified ? t('verify.done') : t('verify.invalid')}
      </p>
      <p>
        <Link className="button button-primary" to={signedIn ? '/account' : '/login'}>
          {signedIn ? t('verify.toAccount') : t('verify.toLogin')}
        </Link>
      </p>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'verify.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
