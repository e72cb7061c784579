import { data } from '@remix-run/node'
import { pingDb } from '#models/db.server'

/** For load balancers and uptime checks: 200 when the database answers, 503 otherwise. */
export async function loader() {
  const started = Date.now()
  try {
    await pingDb()
    return data({ status: 'ok', database: 'ok', ms: Date.now() - started }, { headers: { 'Cache-Control': 'no-store' } })
  } catch {
    return data({ status: 'error', database: 'unreachable' }, { status: 503, headers: { 'Cache-Control': 'no-store' } })
  }
}
