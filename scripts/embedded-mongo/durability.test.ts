import { spawn } from 'node:child_process'
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Binary, Decimal128, Double, EJSON, Int32, Long, ObjectId, Timestamp, type Document } from 'bson'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { DataDirLockedError, openDurability } from './durability.js'
import { FakeCatalog } from './fake-catalog.js'
import type { JournalEntry } from './journal-types.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const dirs: string[] = []

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'durability-test-'))
  dirs.push(dir)
  return dir
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function collectingLog() {
  const lines: string[] = []
  return { lines, log: (m: string) => lines.push(m) }
}

/** Applies and records, as the engine does for each change. */
function write(catalog: FakeCatalog, durability: { record(e: JournalEntry): void }, entries: JournalEntry[]) {
  for (const e of entries) {
    catalog.applyEntry(e)
    durability.record(e)
  }
}

const product = (n: number): Document => ({
  _id: new ObjectId(),
  n: new Int32(n),
  slug: `product-${n}`,
  price: new Double(2),
  big: Long.fromString('9007199254740993'),
  amount: Decimal128.fromString('12.30'),
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, n % 60)),
  nothing: null,
  raw: new Binary(Buffer.from([n % 256, 1, 2]), 0x80),
  ts: new Timestamp({ t: 1, i: n }),
  title: { az: 'Ərik mürəbbəsi', en: 'Apricot jam' },
})

const setup = (ns = 'shop.products'): JournalEntry[] => [
  { op: 'createCollection', ns, options: {} },
  { op: 'createIndexes', ns, specs: [{ key: { slug: 1 }, name: 'slug_1', unique: true }] },
]

/**
 * Runs a separate process that opens the directory, applies and records the entries, waits for
 * the fsync, and then either dies by SIGKILL (a crash) or keeps the directory open until killed.
 */
function runWriter(
  dir: string,
  phases: JournalEntry[][],
  opts: { hold?: boolean; compactAtBytes?: number } = {},
): Promise<{ stderr: string; child: ReturnType<typeof spawn> }> {
  const script = `
    import { EJSON } from 'bson'
    import { readdirSync } from 'node:fs'
    import { openDurability } from ${JSON.stringify(join(here, 'durability.ts'))}
    import { FakeCatalog } from ${JSON.stringify(join(here, 'fake-catalog.ts'))}
    const [dir, phasesJson, hold, compactAt] = process.argv.slice(1)
    const catalog = new FakeCatalog()
    const d = await openDurability(dir, catalog, (m) => process.stderr.write(m + '\\n'), { compactAtBytes: Number(compactAt) })
    const phases = EJSON.parse(phasesJson, { relaxed: false })
    for (const [i, phase] of phases.entries()) {
      for (const e of phase) { catalog.applyEntry(e); d.record(e) }
      await d.flush()
      if (i < phases.length - 1) {
        // let the snapshot that the threshold triggered finish before the next phase
        while (!readdirSync(dir).some((f) => f.startsWith('snapshot-') && f.endsWith('.bson')) ||
               readdirSync(dir).some((f) => f.startsWith('journal-00000001'))) await new Promise((r) => setTimeout(r, 5))
      }
    }
    if (hold === 'hold') { process.stdout.write('ready\\n'); setInterval(() => {}, 1000) }
    else process.kill(process.pid, 'SIGKILL')
  `
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
      dir,
      EJSON.stringify(phases, { relaxed: false }),
      opts.hold ? 'hold' : 'crash',
      String(opts.compactAtBytes ?? 64 * 1024 * 1024),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let stderr = ''
  child.stderr.on('data', (c) => (stderr += c))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    if (opts.hold) {
      child.stdout.on('data', (c) => String(c).includes('ready') && resolve({ stderr, child }))
      child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)))
    } else {
      child.on('exit', (code, signal) =>
        signal === 'SIGKILL' ? resolve({ stderr, child }) : reject(new Error(`writer failed (${code}): ${stderr}`)),
      )
    }
  })
}

const journalFiles = (dir: string) => readdirSync(dir).filter((f) => /^journal-\d+\.journal$/.test(f)).sort()

describe('durability', { timeout: 60_000 }, () => {
  it('restores every BSON type after a clean close, from a snapshot', async () => {
    const dir = tempDir()
    const catalog = new FakeCatalog()
    const d = await openDurability(dir, catalog, () => {})
    write(catalog, d, [...setup(), { op: 'insert', ns: 'shop.products', docs: [1, 2, 3].map(product) }])
    await d.flush()
    await d.close()
    expect(readdirSync(dir).some((f) => f.startsWith('snapshot-'))).toBe(true)
    expect(existsSync(join(dir, 'mongod.lock'))).toBe(false)

    const reopened = new FakeCatalog()
    const again = await openDurability(dir, reopened, () => {})
    await again.close()
    expect(reopened.dump()).toBe(catalog.dump())
    expect(reopened.dump()).toContain('"$numberDouble":"2.0"')
    expect(reopened.dump()).toContain('"$numberLong":"9007199254740993"')
  })

  it('brings back every flushed write after a crash, and takes over the dead process lock', async () => {
    const dir = tempDir()
    const expected = new FakeCatalog()
    const first = product(1)
    const entries: JournalEntry[] = [
      ...setup(),
      { op: 'insert', ns: 'shop.products', docs: [first, product(2)] },
      { op: 'replace', ns: 'shop.products', doc: { ...first, slug: 'renamed' } },
      { op: 'createCollection', ns: 'shop.orders', options: { validator: { total: { $gte: 0 } } } },
      { op: 'insert', ns: 'shop.orders', docs: [{ _id: 1, total: 5 }] },
      { op: 'delete', ns: 'shop.orders', ids: [1] },
      { op: 'dropIndexes', ns: 'shop.products', names: ['slug_1'] },
    ]
    for (const e of entries) expected.applyEntry(e)
    await runWriter(dir, [entries])
    expect(readFileSync(join(dir, 'mongod.lock'), 'utf8')).toMatch(/"pid":\d+/)

    const { lines, log } = collectingLog()
    const restored = new FakeCatalog()
    const d = await openDurability(dir, restored, log)
    await d.close()
    expect(restored.dump()).toBe(expected.dump())
    expect(lines.some((l) => /taking over the lock .* no longer running/.test(l))).toBe(true)
  })

  it('drops a torn tail with a warning, and starts cleanly the next time', async () => {
    const dir = tempDir()
    const expected = new FakeCatalog()
    const entries: JournalEntry[] = [...setup(), { op: 'insert', ns: 'shop.products', docs: [product(1)] }]
    for (const e of entries) expected.applyEntry(e)
    await runWriter(dir, [entries])
    const [journal] = journalFiles(dir)
    const goodLength = statSync(join(dir, journal)).size
    // a frame header promising 500 bytes followed by only a few: a write cut short by the crash
    const torn = Buffer.alloc(20)
    torn.writeUInt32LE(500, 0)
    appendFileSync(join(dir, journal), torn)

    const { lines, log } = collectingLog()
    const restored = new FakeCatalog()
    const d = await openDurability(dir, restored, log)
    expect(restored.dump()).toBe(expected.dump())
    expect(lines.some((l) => /warning: journal .* torn or damaged at byte \d+ .* dropped the last 20 bytes/.test(l))).toBe(true)
    expect(statSync(join(dir, journal)).size).toBe(goodLength)
    write(restored, d, [{ op: 'insert', ns: 'shop.products', docs: [product(2)] }])
    await d.flush()
    await d.close()

    const second = collectingLog()
    const again = new FakeCatalog()
    await (await openDurability(dir, again, second.log)).close()
    expect(again.dump()).toBe(restored.dump())
    expect(second.lines.filter((l) => l.includes('warning'))).toEqual([])
  })

  it('stops replay at a corrupt checksum in the middle of the journal and says so', async () => {
    const dir = tempDir()
    const beforeDamage = new FakeCatalog()
    const head: JournalEntry[] = [...setup(), { op: 'insert', ns: 'shop.products', docs: [product(1)] }]
    for (const e of head) beforeDamage.applyEntry(e)
    const damagedDoc = { _id: 'damaged', slug: 'will-be-corrupted' }
    await runWriter(dir, [
      [
        ...head,
        { op: 'insert', ns: 'shop.products', docs: [damagedDoc] },
        { op: 'insert', ns: 'shop.products', docs: [{ _id: 'after', slug: 'after-the-damage' }] },
      ],
    ])
    const [journal] = journalFiles(dir)
    const bytes = readFileSync(join(dir, journal))
    const at = bytes.indexOf('will-be-corrupted')
    bytes[at] ^= 0xff
    writeFileSync(join(dir, journal), bytes)

    const { lines, log } = collectingLog()
    const restored = new FakeCatalog()
    await (await openDurability(dir, restored, log)).close()
    expect(restored.dump()).toBe(beforeDamage.dump())
    expect(restored.dump()).not.toContain('after-the-damage')
    expect(lines.some((l) => /checksum mismatch after 3 entries/.test(l))).toBe(true)
    expect(readdirSync(dir).some((f) => f.includes('.dropped-'))).toBe(true)
  })

  it('starts from the older state when the newest snapshot is damaged, and refuses when none is left', async () => {
    const dir = tempDir()
    const expected = new FakeCatalog()
    const entries: JournalEntry[] = [...setup(), { op: 'insert', ns: 'shop.products', docs: [product(1)] }]
    for (const e of entries) expected.applyEntry(e)
    await runWriter(dir, [entries])
    // as a crash between renaming a new snapshot into place and deleting the journal it replaces, then bit rot
    writeFileSync(join(dir, 'snapshot-00000002.bson'), Buffer.concat([Buffer.from('EMSNAP01'), Buffer.alloc(40, 7)]))

    const { lines, log } = collectingLog()
    const restored = new FakeCatalog()
    await (await openDurability(dir, restored, log)).close()
    expect(restored.dump()).toBe(expected.dump())
    expect(lines.some((l) => /warning: snapshot snapshot-00000002\.bson is damaged .* starting from an older state/.test(l))).toBe(true)
    expect(readdirSync(dir).some((f) => f.startsWith('snapshot-00000002.bson.damaged-'))).toBe(true)

    const lonely = tempDir()
    writeFileSync(join(lonely, 'snapshot-00000005.bson'), Buffer.concat([Buffer.from('EMSNAP01'), Buffer.alloc(40, 7)]))
    for (let attempt = 0; attempt < 2; attempt++) {
      await expect(openDurability(lonely, new FakeCatalog(), () => {})).rejects.toThrow(
        /snapshot .*snapshot-00000005\.bson is damaged .* no older state can replace it/,
      )
    }
  })

  it('refuses a second engine on the same directory, naming the directory and the PID', async () => {
    const dir = tempDir()
    const first = await openDurability(dir, new FakeCatalog(), () => {})
    await expect(openDurability(dir, new FakeCatalog(), () => {})).rejects.toThrow(DataDirLockedError)
    await first.close()

    const { child } = await runWriter(dir, [setup()], { hold: true })
    try {
      const attempt = openDurability(dir, new FakeCatalog(), () => {})
      await expect(attempt).rejects.toThrow(new RegExp(`${dir}.* in use by another embedded MongoDB engine \\(PID ${child.pid}\\)`))
    } finally {
      child.kill('SIGKILL')
      await new Promise((r) => child.once('exit', r))
    }
    const restored = new FakeCatalog()
    await (await openDurability(dir, restored, () => {})).close()
    expect(restored.collections.has('shop.products')).toBe(true)
  })

  it('replays the journal written after a snapshot on top of it, in order', async () => {
    const dir = tempDir()
    const expected = new FakeCatalog()
    const docs = Array.from({ length: 300 }, (_, i) => product(i))
    const beforeSnapshot: JournalEntry[] = [...setup(), { op: 'insert', ns: 'shop.products', docs }]
    const afterSnapshot: JournalEntry[] = [
      { op: 'replace', ns: 'shop.products', doc: { ...docs[0], slug: 'changed-after-snapshot' } },
      { op: 'delete', ns: 'shop.products', ids: [docs[1]._id] },
      { op: 'insert', ns: 'shop.products', docs: [{ ...product(1000) }] },
      { op: 'dropCollection', ns: 'shop.products' },
      ...setup(),
      { op: 'insert', ns: 'shop.products', docs: [docs[2]] },
      { op: 'createCollection', ns: 'other.things', options: {} },
      { op: 'dropDatabase', db: 'other' },
    ]
    for (const e of [...beforeSnapshot, ...afterSnapshot]) expected.applyEntry(e)
    const { stderr } = await runWriter(dir, [beforeSnapshot, afterSnapshot], { compactAtBytes: 16 * 1024 })
    expect(stderr).toMatch(/snapshot snapshot-00000002\.bson written/)
    expect(journalFiles(dir)).toEqual(['journal-00000002.journal'])

    const restored = new FakeCatalog()
    await (await openDurability(dir, restored, () => {})).close()
    expect(restored.dump()).toBe(expected.dump())
  })

  it('shares one fdatasync among the writes of one tick and resolves flush only after it', async () => {
    const dir = tempDir()
    const catalog = new FakeCatalog()
    const d = await openDurability(dir, catalog, () => {})
    write(catalog, d, setup())
    await d.flush()
    const journal = join(dir, journalFiles(dir)[0])
    const sizeBefore = statSync(journal).size

    const probe = await open(journal, 'r')
    const datasync = vi.spyOn(Object.getPrototypeOf(probe) as FileHandle, 'datasync')
    await probe.close()
    const flushes: Promise<void>[] = []
    for (let i = 0; i < 500; i++) {
      write(catalog, d, [{ op: 'insert', ns: 'shop.products', docs: [{ _id: i, slug: `s${i}` }] }])
      flushes.push(d.flush())
    }
    expect(statSync(journal).size).toBe(sizeBefore)
    await Promise.all(flushes)
    expect(statSync(journal).size).toBeGreaterThan(sizeBefore + 500 * 30)
    expect(datasync).toHaveBeenCalledTimes(1)
    datasync.mockRestore()
    await d.close()
  })

  it('keeps batches larger than bson’s 17 MB scratch buffer intact', async () => {
    const dir = tempDir()
    const catalog = new FakeCatalog()
    const d = await openDurability(dir, catalog, () => {})
    const docs = Array.from({ length: 24 }, (_, i) => ({ _id: i, blob: `${i}`.padEnd(1024 * 1024, 'x') }))
    write(catalog, d, [...setup(), { op: 'insert', ns: 'shop.products', docs }])
    await d.flush()
    await d.close()
    const restored = new FakeCatalog()
    await (await openDurability(dir, restored, () => {})).close()
    expect(restored.collections.get('shop.products')?.docs.size).toBe(24)
    expect(restored.dump()).toBe(catalog.dump())
  })
})
