import { localTime, localDay } from '#models/factory-days'
import { sendShiftReminders } from '#models/factory.server'
import { expireLots } from '#models/lot.server'
import { getEnv } from './env.server'

/** Reminders go out in the daytime of the day before, never at midnight. */
export const REMINDER_FROM = '09:00'

/**
 * The factory's periodic work: mail tomorrow's families, and take lots past their best-before
 * off sale for good. Both are idempotent (a reminder is claimed per booking, expiry is a
 * conditional update), so several servers running this at once do each thing once.
 */
export async function runFactoryJobs(now = new Date()) {
  const reminders = now >= localTime(localDay(now), REMINDER_FROM) ? await sendShiftReminders(now) : 0
  const expired = await expireLots(now)
  return { reminders, expired }
}

/**
 * Runs the jobs every FACTORY_JOBS_INTERVAL_MINUTES (0 turns it off) inside the server process;
 * returns the stop function. The timers do not keep the process alive.
 */
export function startFactoryJobs({ intervalMinutes = getEnv().FACTORY_JOBS_INTERVAL_MINUTES, log = console } = {}) {
  if (!intervalMinutes) return () => undefined
  let running = false
  const run = async () => {
    if (running) return
    running = true
    try {
      const done = await runFactoryJobs()
      if (done.reminders || done.expired) log.info(`factory jobs: ${done.reminders} reminders sent, ${done.expired} lots expired`)
    } catch (error) {
      log.error(`factory jobs failed: ${(error as Error).message}`)
    } finally {
      running = false
    }
  }
  const first = setTimeout(run, 10_000)
  const timer = setInterval(run, intervalMinutes * 60_000)
  first.unref()
  timer.unref()
  return () => {
    clearTimeout(first)
    clearInterval(timer)
  }
}
