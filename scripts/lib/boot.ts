import path from 'node:path'
import { spawnEmbeddedDb, withDatabase } from './embedded-db'

/**
 * What `npm run dev` and `npm start` share: a database (the embedded engine, persistent in
 * .data/db, unless MONGODB_URI is set), demo data on first run, then the HTTP server.
 */
export async function boot(mode: 'development' | 'production') {
  process.env.NODE_ENV = mode
  let stopDb: (() => Promise<void>) | null = null
  if (!process.env.MONGODB_URI) {
    const memory = process.env.EMBEDDED_DB_MEMORY === '1'
    const dataDir = path.resolve(process.env.DATA_DIR ?? '.data', 'db')
    const db = await spawnEmbeddedDb({ dataDir, memory })
    stopDb = db.stop
    process.env.MONGODB_URI = withDatabase(db.uri, 'abad')
    console.log(`Embedded database: ${db.uri} (${memory ? 'in memory' : dataDir})`)
  }
  const { parseEnv } = await import('#app/utils/env.server')
  const env = parseEnv(process.env)
  const { connectDb } = await import('#models/db.server')
  await connectDb()
  const { seedIfEmpty, DEMO_LOGINS, DEMO_PASSWORD } = await import('../seed')
  const seeded = process.env.SKIP_SEED === '1' ? false : await seedIfEmpty()
  // unpaid online orders give their stock back on time even when nobody opens a page
  const { startShopJobs } = await import('#app/utils/shop-jobs.server')
  const stopShopJobs = startShopJobs()
  // day-before shift reminders and lot expiry, on an interval (FACTORY_JOBS_INTERVAL_MINUTES)
  const { startFactoryJobs } = await import('#app/utils/factory-jobs.server')
  const stopFactoryJobs = startFactoryJobs()
  const { createApp, listen } = await import('../server')
  const app = await createApp({ mode })
  const server = await listen(app, env.PORT, env.HOST).catch(async (error: Error) => {
    console.error(`Cannot listen on ${env.HOST}:${env.PORT}: ${error.message}`)
    await stopDb?.()
    process.exit(1)
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : env.PORT
  console.log(`${seeded ? 'Demo data seeded. ' : ''}ABAD · INNOLAND is running on http://localhost:${port}`)
  if (process.env.SKIP_SEED !== '1') {
    console.log(`Demo logins (password for all: ${DEMO_PASSWORD}):`)
    for (const [role, email] of Object.entries(DEMO_LOGINS)) console.log(`  ${role.padEnd(18)} ${email}`)
  }
  const shutdown = async () => {
    stopShopJobs()
    stopFactoryJobs()
    server.close()
    const { disconnectDb } = await import('#models/db.server')
    await disconnectDb().catch(() => undefined)
    await stopDb?.()
    process.exit(0)
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
  return { port, server }
}
