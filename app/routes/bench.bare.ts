import { getEnv } from '#app/utils/env.server'

/**
 * The framework's ceiling for `npm run bench:shop`: a resource route of the same server that does
 * nothing. Only there when the server runs with BENCH=1.
 */
export async function loader() {
  if (getEnv().BENCH !== '1') throw new Response('Not found', { status: 404 })
  return new Response('ok', { headers: { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' } })
}
