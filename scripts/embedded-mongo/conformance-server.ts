import { startEmbeddedMongo } from './index.js'

/**
 * The server a conformance suite runs against: a fresh embedded engine, or the MongoDB at
 * `CONFORMANCE_MONGODB_URI` (a standalone mongod 7) to check that the suite states MongoDB's
 * real behaviour.
 */
export async function conformanceServer(): Promise<{ uri: string; external: boolean; stop(): Promise<void> }> {
  const external = process.env.CONFORMANCE_MONGODB_URI
  if (external) return { uri: external, external: true, stop: () => Promise.resolve() }
  const engine = await startEmbeddedMongo({ log: () => {} })
  return { uri: engine.uri, external: false, stop: () => engine.stop() }
}

/** A database name no other run or worker uses. */
export function scratchDbName(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
}
