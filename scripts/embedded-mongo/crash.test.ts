import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MongoClient, MongoServerError } from 'mongodb'
import { afterEach, describe, expect, it } from 'vitest'
import { runEngineToExit, spawnEngine, type EngineProcess } from './spawn-engine.js'

interface Item {
  _id: string
  slug: string
  worker: number
  v: number
}

const dirs: string[] = []
const engines: EngineProcess[] = []
const clients: MongoClient[] = []

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'engine-crash-'))
  dirs.push(dir)
  return dir
}

async function start(dir: string) {
  const engine = await spawnEngine(['--port', '0', '--data', dir])
  engines.push(engine)
  // No retries: a write that the driver silently re-sent to the restarted engine would blur what was acknowledged.
  const client = new MongoClient(engine.uri, { retryWrites: false, retryReads: false, serverSelectionTimeoutMS: 3000 })
  clients.push(client)
  await client.connect()
  return { engine, client, items: client.db('crash').collection<Item>('items') }
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close(true).catch(() => undefined)))
  await Promise.all(engines.splice(0).map((e) => e.kill()))
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const newestJournal = (dir: string) =>
  join(dir, readdirSync(dir).filter((f) => /^journal-\d+\.journal$/.test(f)).sort().at(-1)!)

// Each test starts engine processes two or three times; a busy machine needs the headroom.
describe('the engine process with a data directory', { timeout: 90_000 }, () => {
  it('keeps every acknowledged write through kill -9 mid-load, and nothing that was never sent', async () => {
    const dir = tempDir()
    const { engine, items } = await start(dir)
    await items.createIndex({ slug: 1 }, { unique: true })

    const sentInserts = new Set<string>()
    const ackedInserts = new Set<string>()
    const ackedList: string[] = []
    const sentIncs = new Map<string, number>()
    const ackedIncs = new Map<string, number>()
    const bump = (m: Map<string, number>, id: string) => m.set(id, (m.get(id) ?? 0) + 1)
    let killing = false
    // Killed straight from an acknowledgement: the moment a write that was replied to too early is most likely lost.
    const killAfterEnoughAcks = () => {
      if (killing || ackedInserts.size < 1000) return
      killing = true
      engine.child.kill('SIGKILL')
    }

    const worker = async (w: number) => {
      for (let i = 0; !killing; i++) {
        try {
          if (i % 5 === 4) {
            const batch = Array.from({ length: 10 }, (_, k) => ({ _id: `w${w}-${i}-${k}`, slug: `s-w${w}-${i}-${k}`, worker: w, v: 0 }))
            batch.forEach((d) => sentInserts.add(d._id))
            await items.insertMany(batch)
            batch.forEach((d) => (ackedInserts.add(d._id), ackedList.push(d._id)))
            killAfterEnoughAcks()
          } else if (i % 3 === 2 && ackedList.length > 0) {
            const id = ackedList[(i * 7919 + w) % ackedList.length]
            bump(sentIncs, id)
            await items.updateOne({ _id: id }, { $inc: { v: 1 } })
            bump(ackedIncs, id)
          } else {
            const doc = { _id: `w${w}-${i}`, slug: `s-w${w}-${i}`, worker: w, v: 0 }
            sentInserts.add(doc._id)
            await items.insertOne(doc)
            ackedInserts.add(doc._id)
            ackedList.push(doc._id)
            killAfterEnoughAcks()
          }
        } catch (err) {
          if (killing) return
          throw err
        }
      }
    }
    await Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)))
    await engine.kill()
    expect(engine.child.signalCode).toBe('SIGKILL')
    expect(ackedInserts.size).toBeGreaterThanOrEqual(1000)

    const restarted = await start(dir)
    expect(restarted.engine.stderr()).toMatch(/taking over the lock .* no longer running/)
    const docs = await restarted.items.find().toArray()
    const present = new Set(docs.map((d) => d._id))
    const lost = [...ackedInserts].filter((id) => !present.has(id))
    const invented = docs.filter((d) => !sentInserts.has(d._id))
    expect(lost).toEqual([])
    expect(invented).toEqual([])
    for (const d of docs) {
      expect(d.slug).toBe(`s-${d._id}`)
      expect(d.v).toBeGreaterThanOrEqual(ackedIncs.get(d._id) ?? 0)
      expect(d.v).toBeLessThanOrEqual(sentIncs.get(d._id) ?? 0)
    }
    const duplicate = restarted.items.insertOne({ _id: 'again', slug: docs[0].slug, worker: 0, v: 0 })
    await expect(duplicate).rejects.toSatisfy((e) => e instanceof MongoServerError && e.code === 11000)
  })

  it('refuses a second engine on the same directory and stops cleanly on SIGTERM', async () => {
    const dir = tempDir()
    const first = await start(dir)
    expect(first.engine.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/)
    await first.items.insertOne({ _id: 'kept', slug: 'kept', worker: 0, v: 1 })

    const second = await runEngineToExit(['--port', '0', '--data', dir])
    expect(second.code).toBe(1)
    expect(second.stdout).toBe('')
    expect(second.stderr).toContain(dir)
    expect(second.stderr).toContain(`PID ${first.engine.pid}`)
    expect(await first.items.countDocuments()).toBe(1)

    await first.client.close()
    expect(await first.engine.stop()).toBe(0)
    expect(first.engine.stdout()).toBe(`${first.engine.uri}\n`)

    const again = await start(dir)
    expect(again.engine.stderr()).not.toMatch(/taking over|warning/)
    expect(await again.items.findOne({ _id: 'kept' })).toEqual({ _id: 'kept', slug: 'kept', worker: 0, v: 1 })
  })

  it('drops a torn journal tail with a warning and keeps serving', async () => {
    const dir = tempDir()
    const first = await start(dir)
    await first.items.insertMany([1, 2, 3].map((n) => ({ _id: `d${n}`, slug: `d${n}`, worker: 0, v: n })))
    await first.engine.kill()
    // half a frame: a length promising more bytes than follow, as a write cut short by power loss leaves
    const torn = Buffer.alloc(37, 0xab)
    torn.writeUInt32LE(4096, 0)
    appendFileSync(newestJournal(dir), torn)

    const second = await start(dir)
    expect(second.engine.stderr()).toMatch(/warning: journal .* torn or damaged .* dropped the last 37 bytes/)
    expect(await second.items.find().sort({ _id: 1 }).toArray()).toEqual(
      [1, 2, 3].map((n) => ({ _id: `d${n}`, slug: `d${n}`, worker: 0, v: n })),
    )
    await second.items.insertOne({ _id: 'd4', slug: 'd4', worker: 0, v: 4 })
    await second.client.close()
    expect(await second.engine.stop()).toBe(0)

    const third = await start(dir)
    expect(third.engine.stderr()).not.toMatch(/warning/)
    expect(await third.items.countDocuments()).toBe(4)
  })
})
