import { Catalog } from './catalog.js'
import { openDurability } from './durability.js'
import type { Durability } from './journal-types.js'
import { startServer } from './server.js'

export type { JournalEntry, Durability } from './journal-types.js'
export { decodeDocument, encodeDocument } from './wire.js'

export interface EmbeddedMongoOptions {
  /** 0 (default) picks a free port */
  port?: number
  /** no data dir: everything stays in memory */
  dataDir?: string
  host?: string
  log?: (msg: string) => void
}

export interface EmbeddedMongo {
  uri: string
  port: number
  stop(): Promise<void>
}

const inMemory: Durability = {
  record() {},
  flush: () => Promise.resolve(),
  close: () => Promise.resolve(),
}

/** Start an engine that speaks the MongoDB wire protocol on 127.0.0.1 (or `host`). */
export async function startEmbeddedMongo(opts: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const log = opts.log ?? ((msg: string) => console.error(`[embedded-mongo] ${msg}`))
  const catalog = new Catalog()
  let durability = inMemory
  if (opts.dataDir) durability = await openDurability(opts.dataDir, catalog, log)
  catalog.recorder = (entry) => durability.record(entry)
  const host = opts.host ?? '127.0.0.1'
  let server
  try {
    server = await startServer({ host, port: opts.port ?? 0, catalog, durability, log })
  } catch (e) {
    await durability.close()
    throw e
  }
  let stopped: Promise<void> | null = null
  return {
    uri: `mongodb://${host}:${server.port}/`,
    port: server.port,
    stop() {
      stopped ??= (async () => {
        await server.close()
        await durability.flush()
        await durability.close()
      })()
      return stopped
    },
  }
}
