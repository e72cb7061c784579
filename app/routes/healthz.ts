import { pingDb } from '#models/db.server'

/** For load balancers and uptime checks: 200 when the database answers, 503 otherwise. */
export async function loader() {
  const started = Date.now()
  const headers = { 'Cache-Control': 'no-store' }
  try {
    await pingDb()
    return Response.json({ status: 'ok', database: 'ok', ms: Date.now() - started }, { headers })
  } catch {
    return Response.json({ status: 'error', database: 'unreachable' }, { status: 503, headers })
  }
}
