import { connect, type Socket } from 'node:net'
import { BSON } from 'bson'
import { MongoClient } from 'mongodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnEngine, type EngineProcess } from './spawn-engine.js'

const OP_MSG = 2013
const OP_QUERY = 2004

let engine: EngineProcess
let port: number

beforeAll(async () => {
  engine = await spawnEngine(['--port', '0', '--memory'])
  port = Number(new URL(engine.uri).port)
})

afterAll(async () => {
  await engine?.kill()
})

/** A small deterministic generator, so that a failing case can be replayed from its seed. */
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

function header(length: number, opCode: number, requestId = 1): Buffer {
  const h = Buffer.alloc(16)
  h.writeInt32LE(length, 0)
  h.writeInt32LE(requestId, 4)
  h.writeInt32LE(0, 8)
  h.writeInt32LE(opCode, 12)
  return h
}

function opMsg(body: Buffer, flags = 0): Buffer {
  const rest = Buffer.concat([Buffer.alloc(4), Buffer.from([0]), body])
  rest.writeUInt32LE(flags, 0)
  return Buffer.concat([header(16 + rest.length, OP_MSG), rest])
}

const validHello = () => opMsg(Buffer.from(BSON.serialize({ hello: 1, $db: 'admin' })))

interface Outcome {
  closed: boolean
  reply: Buffer
}

/**
 * Sends bytes on a fresh connection and watches it. With `endAfter`, our side is half-closed once
 * the bytes are out, as a client that gives up would do; without it, only the server can close it.
 */
function send(bytes: Buffer, { endAfter = false, waitMs = 2000 } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: '127.0.0.1', port })
    const chunks: Buffer[] = []
    let done = false
    const finish = (closed: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ closed, reply: Buffer.concat(chunks) })
    }
    const timer = setTimeout(() => finish(false), waitMs)
    socket.on('data', (c) => chunks.push(c))
    socket.on('error', () => finish(true))
    socket.on('close', () => finish(true))
    socket.on('connect', () => {
      socket.write(bytes)
      if (endAfter) socket.end()
    })
  })
}

describe('the wire protocol under malformed input', () => {
  it('answers a well-formed hello on a raw socket (the harness itself works)', async () => {
    const { reply } = await send(validHello(), { endAfter: true })
    expect(reply.length).toBeGreaterThan(16)
    expect(reply.readInt32LE(0)).toBe(reply.length)
  })

  it('closes connections that send impossible frames, at once', async () => {
    // documents whose own length is right but whose content is not BSON
    const absurdStringLength = Buffer.from([13, 0, 0, 0, 0x02, 0x61, 0, 0xff, 0xff, 0xff, 0x7f, 0x62, 0])
    const unknownElementType = Buffer.from([12, 0, 0, 0, 0x1d, 0x61, 0, 1, 2, 3, 4, 0])
    const cases: Record<string, Buffer> = {
      'length above 48 MB': Buffer.concat([header(49_000_000, OP_MSG), Buffer.alloc(64)]),
      'negative length': Buffer.concat([header(-5, OP_MSG), Buffer.alloc(16)]),
      'length shorter than a header': Buffer.concat([header(8, OP_MSG), Buffer.alloc(32)]),
      'unknown opcode': Buffer.concat([header(16 + 24, 4242), Buffer.alloc(24)]),
      'OP_MSG with a string running past its document': opMsg(absurdStringLength),
      'OP_MSG with an unknown BSON element type': opMsg(unknownElementType),
      'OP_MSG with an unknown section kind': (() => {
        const m = validHello()
        m[20] = 9
        return m
      })(),
      'OP_MSG whose document overruns the frame': (() => {
        const m = validHello()
        m.writeInt32LE(4096, 21)
        return m
      })(),
      'OP_QUERY without a collection name terminator': Buffer.concat([header(16 + 12, OP_QUERY), Buffer.alloc(4), Buffer.from('admin.$cmd')]),
    }
    const outcomes = await Promise.all(
      Object.entries(cases).map(async ([name, bytes]) => [name, (await send(bytes)).closed] as const),
    )
    expect(Object.fromEntries(outcomes)).toEqual(Object.fromEntries(Object.keys(cases).map((name) => [name, true])))
  })

  it('survives random and mutated frames while a driver client keeps working', async () => {
    const client = new MongoClient(engine.uri, { serverSelectionTimeoutMS: 3000 })
    await client.connect()
    const things = client.db('fuzz').collection<{ _id: number; n: number }>('things')
    let clientRounds = 0
    let fuzzing = true
    const steadyClient = (async () => {
      for (let i = 0; fuzzing; i++) {
        await things.insertOne({ _id: i, n: i * 2 })
        const back = await things.findOne({ _id: i })
        expect(back).toEqual({ _id: i, n: i * 2 })
        clientRounds++
      }
    })()

    const next = random(20260401)
    const pick = (n: number) => Math.floor(next() * n)
    const template = opMsg(Buffer.from(BSON.serialize({ insert: 'things', documents: [{ _id: 'x', a: [1, 'two', { three: 3 }] }], $db: 'fuzz' })))
    const makeCase = (): Buffer => {
      switch (pick(5)) {
        case 0:
          return Buffer.from(Array.from({ length: 1 + pick(300) }, () => pick(256)))
        case 1:
          return template.subarray(0, pick(template.length))
        case 2: {
          const m = Buffer.from(template)
          for (let flips = 1 + pick(6); flips > 0; flips--) m[16 + pick(m.length - 16)] = pick(256)
          return m
        }
        case 3: {
          const m = Buffer.from(template)
          m.writeInt32LE(pick(2) ? pick(0x7fffffff) : -pick(0x7fffffff), 0)
          return m
        }
        default: {
          // a consistent header around random flags, sections and bytes
          const body = Buffer.from(Array.from({ length: 5 + pick(200) }, () => pick(256)))
          body[4] = pick(3)
          return Buffer.concat([header(16 + body.length, pick(4) ? OP_MSG : OP_QUERY), body])
        }
      }
    }
    const started = Date.now()
    let sent = 0
    while (sent < 480 && Date.now() - started < 3000) {
      const batch = Array.from({ length: 12 }, makeCase)
      const outcomes = await Promise.all(batch.map((bytes) => send(bytes, { endAfter: true })))
      // every connection ends, whatever the server made of the bytes, and it is still running
      expect(outcomes.every((o) => o.closed)).toBe(true)
      expect(engine.child.exitCode).toBeNull()
      sent += batch.length
    }
    fuzzing = false
    await steadyClient
    expect(sent).toBeGreaterThanOrEqual(96)
    expect(clientRounds).toBeGreaterThan(20)
    expect(await client.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 })
    expect((await send(validHello(), { endAfter: true })).reply.length).toBeGreaterThan(16)
    await client.close()
    expect(engine.stderr()).not.toMatch(/uncaught|unhandled/i)
  })
})
