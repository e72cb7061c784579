import { runFactoryJobs } from '#app/utils/factory-jobs.server'
import { connectDb, disconnectDb } from '#models/db.server'

/**
 * Runs the factory's periodic work once (day-before shift reminders, lot expiry) — for a cron
 * job when the server's own scheduler is turned off (FACTORY_JOBS_INTERVAL_MINUTES=0).
 */
await connectDb()
try {
  const done = await runFactoryJobs()
  console.log(`Factory jobs: ${done.reminders} reminders sent, ${done.expired} lots expired.`)
} finally {
  await disconnectDb()
}
