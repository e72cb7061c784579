import { isRouteErrorResponse, useRouteError } from '@remix-run/react'
import { ErrorPage } from '#app/components/ui/error-page'
import { useT } from '#app/utils/i18n'

/** What a route's ErrorBoundary renders: the kit's error page in the user's language, inside the layout. */
export function RouteErrorBoundary() {
  const error = useRouteError()
  const t = useT()
  const status = isRouteErrorResponse(error) ? error.status : 500
  return <ErrorPage status={status} t={t} />
}
