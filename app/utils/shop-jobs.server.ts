import { sweepExpiredOrders } from '#models/order.server'
import { getEnv } from './env.server'

/**
 * The boutique's periodic work inside the server: unpaid online orders past their hold are
 * cancelled and their stock returns to sale (the pages also sweep lazily when they read orders).
 * The sweep is conditional per order, so several servers running it at once do each thing once.
 * Returns the stop function; the timer does not keep the process alive.
 */
export function startShopJobs({ intervalSeconds = getEnv().RESERVATION_SWEEP_SECONDS, log = console } = {}) {
  if (!intervalSeconds) return () => undefined
  let running = false
  const run = async () => {
    if (running) return
    running = true
    try {
      const done = await sweepExpiredOrders(new Date(), getEnv().APP_URL ?? null)
      if (done.expired || done.abandoned) log.info(`shop jobs: ${done.expired} unpaid orders expired, ${done.abandoned} abandoned placements undone`)
    } catch (error) {
      log.error(`shop jobs failed: ${(error as Error).message}`)
    } finally {
      running = false
    }
  }
  const timer = setInterval(run, intervalSeconds * 1000)
  timer.unref()
  return () => clearInterval(timer)
}
