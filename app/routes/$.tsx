import { RouteErrorBoundary } from '#app/components/route-error-boundary'

/**
 * Any URL no route claims. Throwing here (instead of letting Remix answer) runs the root loader
 * first, so the 404 page has the visitor's language and navigation.
 */
export async function loader() {
  throw new Response('Not found', { status: 404 })
}

export default function NotFound() {
  return null
}

export const ErrorBoundary = RouteErrorBoundary
