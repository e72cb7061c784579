/**
 * Changes a shopper must see at once: a product listed, delisted, edited or repriced, a lot
 * recalled. Each one bumps a process-wide generation number and tells the listeners (the
 * storefront index refreshes itself). The page cache in front of the app (scripts/lib/page-cache.ts)
 * stores the generation with every page and drops pages from an older one.
 *
 * The number lives on `globalThis` under a registered symbol because the server and the app's
 * build each load their own copy of this module.
 */
const GENERATION = Symbol.for('abad.shop.generation')
const holder = globalThis as unknown as Record<symbol, number | undefined>
const listeners = new Set<() => void>()

export function shopGeneration() {
  return holder[GENERATION] ?? 0
}

/** Pages rendered before now are out of date (the storefront calls this once its index has caught up). */
export function bumpShopGeneration() {
  holder[GENERATION] = shopGeneration() + 1
}

/** Something shoppers see changed: cached pages go, and the listeners catch up. */
export function shopChanged() {
  bumpShopGeneration()
  for (const listener of listeners) listener()
}

export function onShopChange(listener: () => void) {
  listeners.add(listener)
  return () => listeners.delete(listener)
}
