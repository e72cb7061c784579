import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startEmbeddedMongo } from './index.js'

const USAGE = `usage: npm run db -- [--port N] [--data DIR | --memory]
  --port N     port to listen on, 127.0.0.1 only (default 27017; 0 picks a free port)
  --data DIR   keep the data in DIR (default .data/db)
  --memory     keep nothing on disk
Prints the connection string on stdout once ready; SIGINT or SIGTERM flushes and stops it.`

function fail(message: string): never {
  process.stderr.write(`embedded-mongo: ${message}\n`)
  process.exit(1)
}

function parseOptions() {
  let values
  try {
    ;({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        data: { type: 'string' },
        memory: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`)
  }
  if (values.help) {
    process.stderr.write(`${USAGE}\n`)
    process.exit(0)
  }
  const port = Number(values.port ?? 27017)
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer from 0 to 65535, got ${values.port}`)
  if (values.memory && values.data) fail('--memory and --data exclude each other')
  return { port, dataDir: values.memory ? undefined : resolve(values.data ?? '.data/db') }
}

async function main() {
  const { port, dataDir } = parseOptions()
  // stdout carries exactly one line, the URI, for scripts that start the engine and read it.
  console.log = console.error
  console.info = console.error

  let engine: Awaited<ReturnType<typeof startEmbeddedMongo>>
  try {
    engine = await startEmbeddedMongo({ port, dataDir })
  } catch (err) {
    fail((err as Error).message)
  }
  process.stderr.write(`embedded-mongo: ${dataDir ? `data in ${dataDir}` : 'in memory, nothing is kept'}\n`)
  process.stdout.write(`${engine.uri}\n`)

  let stopping = false
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      // Every acknowledged write is already in the journal, so a forced exit loses nothing.
      process.stderr.write(`embedded-mongo: ${signal} again, exiting without a final snapshot\n`)
      process.exit(1)
    }
    stopping = true
    process.stderr.write(`embedded-mongo: ${signal}, flushing and stopping\n`)
    try {
      await engine.stop()
    } catch (err) {
      fail(`stopping failed: ${(err as Error).message}`)
    }
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

await main()
