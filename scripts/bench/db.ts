import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { BSON, Int32, MongoClient, ObjectId, type Document } from 'mongodb'
import { spawnEngine, type EngineProcess } from '../embedded-mongo/spawn-engine.js'

/*
 * npm run bench:db — the embedded engine in its own process (the CLI, as `npm run db` runs it),
 * 100,000 product-like documents, indexes as the platform declares them. One JSON line per figure
 * on stdout; a human summary with the targets of issue 2 on stderr.
 */

const PRODUCTS = 100_000
const BATCH = 1000
const ORDERS = 2000
const ROUNDS = 1000
/** unmeasured rounds before each figure: the engine's JIT compiles the path and its collector is done with the load's garbage */
const WARMUP = 500

const CATEGORIES = ['jam', 'cheese', 'sausage', 'dried-fruit', 'tea', 'flour', 'pickles', 'beverages', 'carpets', 'woodwork', 'souvenirs', 'honey']
const REGIONS = ['baku', 'sheki', 'shamakhi', 'ganja', 'lankaran']
const STATUSES = ['draft', 'in_review', 'listed', 'listed', 'listed', 'delisted']
const WORDS = ['apricot', 'quince', 'walnut', 'cornel', 'fig', 'mulberry', 'pomegranate', 'cherry', 'plum', 'rose', 'thyme', 'hazelnut']

interface Figure {
  metric: string
  value: number
  unit: string
  target: string
  met: boolean
}
const figures: Figure[] = []

function report(metric: string, value: number, unit: string, target: number, higherIsBetter = false) {
  const rounded = Math.round(value * 1000) / 1000
  process.stdout.write(`${JSON.stringify({ metric, value: rounded, unit })}\n`)
  figures.push({ metric, value: rounded, unit, target: `${higherIsBetter ? '≥' : '≤'} ${target}`, met: higherIsBetter ? value >= target : value <= target })
}

function note(message: string) {
  process.stderr.write(`bench:db: ${message}\n`)
}

/** Deterministic, so two runs measure the same data. */
function random(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const next = random(42)
const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)]
const phrase = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ')

const familyIds = Array.from({ length: 2000 }, () => new ObjectId())
const productIds: ObjectId[] = []

function product(i: number): Document {
  const _id = new ObjectId()
  productIds.push(_id)
  return {
    _id,
    slug: `product-${i}`,
    familyId: pick(familyIds),
    category: pick(CATEGORIES),
    region: pick(REGIONS),
    price: new Int32(100 + Math.floor(next() * 20_000)),
    status: pick(STATUSES),
    createdAt: new Date(Date.UTC(2025, 0, 1) + Math.floor(next() * 365 * 86_400_000)),
    title: { az: `${phrase(3)} ${i}`, en: `${phrase(3)} ${i}` },
    description: { az: phrase(2 + Math.floor(next() * 9)), en: phrase(2 + Math.floor(next() * 9)) },
    variants: [{ sku: `SKU-${i}-A`, retailPrice: new Int32(500 + (i % 3000)), wholesalePrice: new Int32(400 + (i % 2500)) }],
    searchKeys: [pick(WORDS), pick(WORDS)],
  }
}

async function p50(label: string, run: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await run(i)
  const times: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now()
    await run(i)
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  const median = times[Math.floor(times.length / 2)]
  note(`${label}: p50 ${median.toFixed(3)} ms, p90 ${times[Math.floor(times.length * 0.9)].toFixed(3)} ms`)
  return median
}

function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1])
  return kb / 1024
}

/** CPU time of a process's main thread: what the figures would cost on an idle machine. */
function mainThreadCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) * (1000 / 100)
}

function check(condition: boolean, what: string) {
  if (!condition) throw new Error(`benchmark sanity check failed: ${what}`)
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-db-'))
  const loadBefore = loadavg()[0]
  let engine: EngineProcess | undefined
  let client: MongoClient | undefined
  try {
    engine = await spawnEngine(['--port', '0', '--data', dataDir], { timeoutMs: 60_000 })
    note(`engine PID ${engine.pid} at ${engine.uri}, data in ${dataDir}`)
    client = await MongoClient.connect(engine.uri)
    const db = client.db('bench')
    const products = db.collection('products')
    const orders = db.collection<{ _id: number; number: string; productSlug: string; qty: number }>('orders')

    await products.createIndexes([
      { key: { slug: 1 }, name: 'slug_1', unique: true },
      { key: { category: 1, price: 1 }, name: 'category_1_price_1' },
      { key: { status: 1, category: 1 }, name: 'status_1_category_1' },
      { key: { familyId: 1 }, name: 'familyId_1' },
    ])

    const batches = Array.from({ length: PRODUCTS / BATCH }, (_, b) => Array.from({ length: BATCH }, (_, k) => product(b * BATCH + k)))
    const sizes = batches[0].map((d) => BSON.calculateObjectSize(d))
    note(`document size ${Math.min(...sizes)}–${Math.max(...sizes)} bytes of BSON`)
    const loadStart = performance.now()
    const loadCpuStart = mainThreadCpuMs(engine.pid)
    for (const batch of batches) await products.insertMany(batch, { ordered: true })
    const loadSeconds = (performance.now() - loadStart) / 1000
    note(`insertMany used ${(mainThreadCpuMs(engine.pid) - loadCpuStart).toFixed(0)} ms of the engine's main-thread CPU for ${PRODUCTS} documents`)
    report('insertMany_docs_per_s', PRODUCTS / loadSeconds, 'docs/s', 30_000, true)
    check((await products.estimatedDocumentCount()) === PRODUCTS, 'all products stored')

    await orders.insertMany(
      Array.from({ length: ORDERS }, (_, i) => ({ _id: i, number: `ORD-${i}`, productSlug: `product-${(i * 37) % PRODUCTS}`, qty: 1 + (i % 5) })),
    )

    const findById = await p50('findOne by _id', async (i) => {
      const id = productIds[(i * 7919) % PRODUCTS]
      const doc = await products.findOne({ _id: id })
      check(doc?._id.equals(id) === true, 'findOne by _id finds it')
    })
    report('findOne_id_p50_ms', findById, 'ms', 1)

    const findBySlug = await p50('findOne by unique slug', async (i) => {
      const slug = `product-${(i * 104_729) % PRODUCTS}`
      const doc = await products.findOne({ slug })
      check(doc?.slug === slug, 'findOne by slug finds it')
    })
    report('findOne_unique_p50_ms', findBySlug, 'ms', 1)

    const sortLimit = await p50('find category sorted by price, limit 20', async (i) => {
      const docs = await products.find({ category: CATEGORIES[i % CATEGORIES.length] }).sort({ price: 1 }).limit(20).toArray()
      check(docs.length === 20 && docs[0].price <= docs[19].price, 'sorted page of 20')
    })
    report('indexed_sort_limit20_p50_ms', sortLimit, 'ms', 2)

    const expectedCount = await products.countDocuments({ status: 'listed', category: 'tea' })
    const count = await p50('countDocuments status+category', async (i) => {
      const n = await products.countDocuments({ status: 'listed', category: CATEGORIES[i % CATEGORIES.length] })
      check(n > 0, 'count finds listed products')
    })
    check(expectedCount > 1000, 'count covers thousands of documents')
    report('count_indexed_p50_ms', count, 'ms', 3)

    const lookup = await p50('$lookup of 20 orders into products by slug', async (i) => {
      const from = (i * 20) % (ORDERS - 20)
      const rows = await orders
        .aggregate([
          { $match: { _id: { $gte: from, $lt: from + 20 } } },
          { $lookup: { from: 'products', localField: 'productSlug', foreignField: 'slug', as: 'product' } },
        ])
        .toArray()
      check(rows.length === 20 && rows.every((r) => r.product.length === 1 && r.product[0].slug === r.productSlug), 'each order joined to its product')
    })
    report('lookup20_p50_ms', lookup, 'ms', 5)

    const rss = residentMb(engine.pid)

    await client.close()
    client = undefined
    const exitCode = await engine.stop()
    check(exitCode === 0, `engine stopped cleanly (exit ${exitCode})`)
    const reopenStart = performance.now()
    engine = await spawnEngine(['--port', '0', '--data', dataDir], { timeoutMs: 60_000 })
    client = await MongoClient.connect(engine.uri)
    await client.db('admin').command({ ping: 1 })
    const reopenMs = performance.now() - reopenStart
    check((await client.db('bench').collection('products').estimatedDocumentCount()) === PRODUCTS, 'all products back after reopen')
    report('reopen_100k_ms', reopenMs, 'ms', 2000)
    report('rss_100k_mb', rss, 'MB', 400)
    note(`reopen used ${mainThreadCpuMs(engine.pid).toFixed(0)} ms of the engine's main-thread CPU; RSS after reopen ${residentMb(engine.pid).toFixed(0)} MB`)
  } finally {
    await client?.close()
    await engine?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }

  const width = Math.max(...figures.map((f) => f.metric.length))
  note(`summary (targets from issue 2; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after, on ${availableParallelism()} cores):`)
  for (const f of figures) note(`  ${f.met ? 'ok  ' : 'MISS'} ${f.metric.padEnd(width)} ${String(f.value).padStart(10)} ${f.unit.padEnd(6)} target ${f.target}`)
  const missed = figures.filter((f) => !f.met).length
  note(missed === 0 ? 'all targets met' : `${missed} target(s) missed`)
}

await main()
