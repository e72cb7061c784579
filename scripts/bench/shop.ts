import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import os, { tmpdir } from 'node:os'
import { join } from 'node:path'
import readline from 'node:readline'
import { spawnEmbeddedDb, withDatabase } from '../lib/embedded-db'

/*
 * npm run bench:shop — the storefront under load, against a production build with 10,000 products
 * (the catalogue's generator) in the embedded engine. autocannon, 50 connections, 10 s per target, one after the
 * other in one run: a bare resource route of the same server (the framework's ceiling), the
 * listing with filters, product pages, and search. One JSON line per figure on stdout; a summary
 * with the targets of issue 8 on stderr.
 *
 * SKIP_BUILD=1 reuses the existing build; BENCH_PRODUCTS changes the catalogue size; BENCH_UNCACHED=1
 * measures the same pages again with the shared page cache off (extra `uncached_*` lines).
 */

type Result = {
  requests: { average: number; total: number }
  latency: { p50: number; p99: number; average: number }
  non2xx: number
  errors: number
  timeouts: number
}
type Autocannon = (options: Record<string, unknown>, callback: (error: Error | null, result: Result) => void) => unknown

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon
const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 10_000)
const CONNECTIONS = 50
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)

function note(message: string) {
  process.stderr.write(`bench:shop: ${message}\n`)
}

function report(metric: string, value: number, unit: string) {
  process.stdout.write(`${JSON.stringify({ metric, value: Math.round(value * 1000) / 1000, unit })}\n`)
}

function run(url: string, paths: string[], seconds = SECONDS, connections = CONNECTIONS) {
  return new Promise<Result>((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration: seconds,
        // each connection walks through the paths in turn: many products, filters and queries, not one cached page
        requests: paths.map((path) => ({ method: 'GET', path })),
        headers: { 'Accept-Language': 'az' },
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    )
  })
}

async function startServer(env: Record<string, string>) {
  // BENCH_CPU_PROFILE=DIR writes a CPU profile of each server run there (to see where a page's time goes)
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : []
  const child: ChildProcess = spawn(process.execPath, [...profile, '--import', 'tsx', 'scripts/start.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  process.once('exit', () => child.kill('SIGKILL'))
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the app did not start within 120 s')), 120_000)
    child.once('exit', (code) => reject(new Error(`the app exited with code ${code}`)))
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /running on (http:\/\/\S+)/.exec(line)
      if (match) {
        clearTimeout(timer)
        resolve(match[1].replace('localhost', '127.0.0.1'))
      }
    })
  })
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref()
    })
  return { base, stop }
}

async function main() {
  if (process.env.SKIP_BUILD !== '1') {
    note('building (remix build)…')
    const build = spawnSync(process.execPath, ['node_modules/@remix-run/dev/dist/cli.js', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] })
    if (build.status !== 0) throw new Error('remix build failed')
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-shop-'))
  const db = await spawnEmbeddedDb({ memory: true })
  const uri = withDatabase(db.uri, 'bench_shop')
  let server: Awaited<ReturnType<typeof startServer>> | null = null as Awaited<ReturnType<typeof startServer>> | null
  try {
    process.env.MONGODB_URI = uri
    process.env.DATA_DIR = dataDir
    const { connectDb, disconnectDb } = await import('#models/db.server')
    await connectDb(uri)
    const { prepareBenchShop } = await import('./shop-data')
    const started = Date.now()
    const sample = await prepareBenchShop(PRODUCTS)
    note(`generated ${sample.products} products (${sample.listed} listed) from ${sample.families} families in ${Math.round((Date.now() - started) / 1000)} s`)
    await disconnectDb()

    const serverEnv = {
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      MONGODB_URI: uri,
      DATA_DIR: dataDir,
      SKIP_SEED: '1',
      BENCH: '1',
      SESSION_SECRET: 'bench-session-secret-0123456789',
      STRIPE_SECRET_KEY: '',
      SMTP_URL: '',
    }
    const targets = {
      bare: ['/bench/bare'],
      listing: sample.listingPaths,
      product: sample.productPaths,
      search: sample.searchPaths,
    }
    const measure = async (label: string, env: Record<string, string>) => {
      server = await startServer(env)
      note(`${label}: server at ${server.base}`)
      const base = server.base
      const quiet = async () => {
        // measure only once the bare route answers at once again: what a warm-up left queued is done
        for (let calm = 0, waited = 0; calm < 3 && waited < 60; waited += 1) {
          const started = Date.now()
          await fetch(`${base}/bench/bare`).then((response) => response.arrayBuffer())
          calm = Date.now() - started < 50 ? calm + 1 : 0
          await new Promise((resolve) => setTimeout(resolve, 500))
        }
      }
      const results: Record<string, Result> = {}
      for (const [name, paths] of Object.entries(targets)) {
        // each page type in its steady state: every URL once, a short warm-up under load, then the measurement
        for (let start = 0; start < paths.length; start += 8) {
          await Promise.all(paths.slice(start, start + 8).map((path) => fetch(`${base}${path}`, { headers: { 'Accept-Language': 'az' } }).then((response) => response.arrayBuffer())))
        }
        await run(base, paths, 3, 10)
        await quiet()
        note(`${label} ${name}: ${paths.length} distinct URLs, ${CONNECTIONS} connections, ${SECONDS} s`)
        results[name] = await run(base, paths)
      }
      await server.stop()
      server = null
      return results
    }

    const results = await measure('bench', serverEnv)
    const bare = results.bare.requests.average
    report('bare_req_per_s', bare, 'req/s')
    let non2xx = results.bare.non2xx + results.bare.errors + results.bare.timeouts
    const summary: string[] = [`machine load average ${os.loadavg().map((value) => value.toFixed(1)).join(' ')} (2 cores)`, `bare route: ${Math.round(bare)} req/s`]
    for (const [name, target] of [
      ['listing', 0.5],
      ['product', 0.5],
      ['search', 0.3],
    ] as const) {
      const result = results[name]
      const ratio = result.requests.average / bare
      report(`${name}_req_per_s`, result.requests.average, 'req/s')
      report(`${name}_p50_ms`, result.latency.p50, 'ms')
      report(`${name}_p99_ms`, result.latency.p99, 'ms')
      report(`${name}_ratio_to_bare`, ratio, 'ratio')
      non2xx += result.non2xx + result.errors + result.timeouts
      const met = ratio >= target && (name === 'search' || result.latency.p99 <= 400)
      summary.push(
        `${name}: ${Math.round(result.requests.average)} req/s (${Math.round(ratio * 100)}% of bare, target ≥ ${target * 100}%), p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms${name === 'search' ? '' : ' (target ≤ 400)'} — ${met ? 'met' : 'NOT met'}`,
      )
    }
    report('non_2xx', non2xx, 'count')
    summary.push(`non-2xx responses and errors: ${non2xx} (target 0)`)

    // the same pages rendered for every request (no shared page cache): what a signed-in shopper, or a cache miss, costs
    if (process.env.BENCH_UNCACHED === '1') {
      const uncached = await measure('uncached', { ...serverEnv, PAGE_CACHE: '0' })
      const base = uncached.bare.requests.average
      summary.push(`without the page cache: bare ${Math.round(base)} req/s`)
      for (const name of ['listing', 'product', 'search']) {
        const result = uncached[name]
        report(`uncached_${name}_req_per_s`, result.requests.average, 'req/s')
        report(`uncached_${name}_p99_ms`, result.latency.p99, 'ms')
        report(`uncached_${name}_ratio_to_bare`, result.requests.average / base, 'ratio')
        summary.push(`  ${name}: ${Math.round(result.requests.average)} req/s (${Math.round((100 * result.requests.average) / base)}% of bare), p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`)
      }
    }
    note(`\n  ${summary.join('\n  ')}`)
  } finally {
    await server?.stop()
    await db.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
process.exit(0)
