import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { Types } from 'mongoose'
// @ts-expect-error autocannon ships no type declarations
import autocannon from 'autocannon'

/*
 * npm run bench:booking — HTTP booking requests against the production build: 100 connections,
 * each a different accepted family with its own signed-in session, for 10 s, enrolling in
 * one-session course runs (each enrolment is one booking through the engine; a full run puts the
 * family on its waitlist). Prints one JSON line per figure on stdout, a summary on stderr, and
 * exits non-zero if a slot holds more confirmed bookings than its capacity or a counter is off.
 */

// overridable to look at one request in isolation; the figures use the defaults
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100)
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10)
const RUNS = 20
const CAPACITY = 10
const SECRET = `bench-${crypto.randomBytes(12).toString('hex')}`

function note(message: string) {
  process.stderr.write(`bench:booking: ${message}\n`)
}

function report(metric: string, value: number, unit: string) {
  process.stdout.write(`${JSON.stringify({ metric, value: Math.round(value * 1000) / 1000, unit })}\n`)
}

function buildIfNeeded() {
  if (fs.existsSync('build/index.js') && process.argv[2] !== '--build') return
  note('building the app (remix build)…')
  const result = spawnSync(process.execPath, ['node_modules/@remix-run/dev/dist/cli.js', 'build'], { stdio: ['ignore', 'inherit', 'inherit'] })
  if (result.status !== 0) throw new Error('remix build failed')
}

async function startServer(dataDir: string) {
  const child: ChildProcess = spawn(process.execPath, [...(process.env.BENCH_CPU_PROFILE ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : []), '--import', 'tsx', 'scripts/start.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      EMBEDDED_DB_MEMORY: '1',
      SESSION_SECRET: SECRET,
      SKIP_SEED: '1',
      MONGODB_URI: '',
      SMTP_URL: '',
      DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const found = await new Promise<{ url: string; db: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start within 60 s')), 60_000)
    child.once('exit', (code) => reject(new Error(`the server exited with code ${code}`)))
    let db = ''
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const engine = /Embedded database: (mongodb:\/\/\S+)/.exec(line)
      if (engine) db = engine[1]
      const running = /running on (http:\/\/\S+)/.exec(line)
      if (running) {
        clearTimeout(timer)
        resolve({ url: running[1].replace('localhost', '127.0.0.1'), db })
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
  return { ...found, stop }
}

async function main() {
  buildIfNeeded()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'abad-bench-'))
  const server = await startServer(dataDir)
  try {
    if (!server.db) throw new Error('the server did not print its database address')
    // the same secret as the server, so our cookies are the server's cookies
    process.env.SESSION_SECRET = SECRET
    process.env.NODE_ENV = 'production'
    const { withDatabase } = await import('#scripts/lib/embedded-db')
    const { connectDb, disconnectDb } = await import('#models/db.server')
    await connectDb(withDatabase(server.db, 'abad'))
    const { FamilyModel } = await import('#models/family.server')
    const { UserModel } = await import('#models/user.server')
    const { AuthSessionModel } = await import('#models/auth-session.server')
    const { sessionCookie } = await import('#app/utils/session.server')
    const { createPlace } = await import('#models/place.server')
    const { createCourse } = await import('#models/course.server')
    const { addRunSession, createRun } = await import('#models/training.server')
    const { BookingModel } = await import('#models/booking.server')
    const { SlotModel } = await import('#models/slot.server')

    note(`seeding ${CONNECTIONS} families with sessions and ${RUNS} runs of capacity ${CAPACITY}…`)
    const families = Array.from({ length: CONNECTIONS }, (_, i) => ({ _id: new Types.ObjectId(), name: `Bench ailə ${i + 1}`, region: 'Baku', status: 'active' }))
    await FamilyModel.insertMany(families)
    const users = families.map((family, i) => ({ _id: new Types.ObjectId(), email: `bench${i}@bench.abad.az`, name: `Bench ${i}`, roles: ['family'], familyId: family._id, status: 'active', locale: 'az' }))
    await UserModel.insertMany(users)
    const sessions = users.map((user) => ({ _id: crypto.randomBytes(32).toString('base64url'), userId: user._id, expiresAt: new Date(Date.now() + 86_400_000), lastSeenAt: new Date() }))
    await AuthSessionModel.insertMany(sessions)
    const cookies = await Promise.all(sessions.map(async (s) => (await sessionCookie.serialize(s._id)).split(';')[0]))

    const place = await createPlace({ kind: 'centre', code: 'BENCH', name: { az: 'Bench', en: 'Bench', ru: 'Bench' }, region: 'Baku', openingHours: [], closedDays: [] })
    const course = await createCourse({ code: 'BENCH-COURSE', title: { az: 'Bench', en: 'Bench', ru: 'Bench' }, topic: 'other', sessionsCount: 1 }, null)
    const runIds: string[] = []
    const slotIds: Types.ObjectId[] = []
    for (let i = 0; i < RUNS; i++) {
      const created = await createRun({ courseId: course._id, placeId: place._id, capacity: CAPACITY, cancelCutoffHours: 0 }, null)
      if (!created.ok) throw new Error('could not create a run')
      const startsAt = new Date(Date.now() + (2 * 24 + i) * 3_600_000)
      const session = await addRunSession(created.run._id, { startsAt, endsAt: new Date(startsAt.getTime() + 45 * 60_000) }, null)
      if (!session.ok) throw new Error(`could not add a session: ${session.reason}`)
      runIds.push(String(created.run._id))
      slotIds.push(session.slot._id)
    }

    // warm-up on a run of its own: the first requests load and compile the server's modules
    const warmRun = await createRun({ courseId: course._id, placeId: place._id, capacity: 1000 }, null)
    if (!warmRun.ok) throw new Error('could not create the warm-up run')
    await addRunSession(warmRun.run._id, { startsAt: new Date(Date.now() + 30 * 86_400_000), endsAt: new Date(Date.now() + 30 * 86_400_000 + 3_600_000) }, null)
    let warmer = 0
    await autocannon({
      url: server.url,
      connections: 10,
      duration: 3,
      timeout: 60,
      setupClient(client: { setRequests(requests: unknown[]): void }) {
        const mine = warmer++ % CONNECTIONS
        client.setRequests([
          {
            method: 'POST',
            path: `/family/training/${String(warmRun.run._id)}.data`,
            headers: { cookie: cookies[mine], 'content-type': 'application/x-www-form-urlencoded' },
            body: `intent=enrol&idempotencyKey=warm-${mine}`,
          },
        ])
      },
    })

    note(`${CONNECTIONS} connections for ${DURATION_S} s against ${server.url}…`)
    let holder = 0
    let sequence = 0
    const result = await autocannon({
      url: server.url,
      connections: CONNECTIONS,
      duration: DURATION_S,
      // a slow answer is still an answer: count it rather than drop the connection
      timeout: 60,
      // each connection is one family: its own cookie, walking through the runs in its own order
      setupClient(client: { setRequests(requests: unknown[]): void }) {
        const mine = holder++ % CONNECTIONS
        let step = mine
        client.setRequests([
          {
            method: 'POST',
            path: '/',
            setupRequest(request: { path: string; headers: Record<string, string>; body: string }) {
              const runId = runIds[step++ % RUNS]
              request.path = `/family/training/${runId}.data`
              request.headers = { ...request.headers, cookie: cookies[mine], 'content-type': 'application/x-www-form-urlencoded' }
              request.body = `intent=enrol&joinWaitlist=1&idempotencyKey=bench-${mine}-${sequence++}`
              return request
            },
          },
        ])
      },
    })

    // requests the clients stopped waiting for may still be running: count once the server is quiet
    let previous = -1
    for (let i = 0; i < 60; i++) {
      const pending = await BookingModel.countDocuments({ slotId: { $in: slotIds }, status: 'pending' })
      const total = await BookingModel.countDocuments({ slotId: { $in: slotIds } })
      if (pending === 0 && total === previous) break
      previous = total
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
    const slots = await SlotModel.find({ _id: { $in: slotIds } }).lean()
    let overbooked = 0
    let counterMismatches = 0
    let confirmedTotal = 0
    for (const slot of slots) {
      const real = await BookingModel.countDocuments({ slotId: slot._id, status: 'confirmed' })
      const waiting = await BookingModel.countDocuments({ slotId: slot._id, status: 'waitlisted' })
      confirmedTotal += real
      if (real > slot.capacity || slot.confirmed > slot.capacity) overbooked += 1
      if (real !== slot.confirmed || waiting !== slot.waiting) counterMismatches += 1
    }
    const counterTotal = slots.reduce((sum, slot) => sum + slot.confirmed, 0)
    const waitlisted = await BookingModel.countDocuments({ slotId: { $in: slotIds }, status: 'waitlisted' })

    report('booking_req_per_s', result.requests.average, 'req/s')
    report('booking_p50_ms', result.latency.p50, 'ms')
    report('booking_p99_ms', result.latency.p99, 'ms')
    report('booking_5xx', result['5xx'], 'count')
    report('slot_capacity_total', slots.reduce((sum, slot) => sum + slot.capacity, 0), 'places')
    report('confirmed_total', confirmedTotal, 'bookings')
    report('overbooked_slots', overbooked, 'slots')
    note(
      `${result.requests.total} requests (${result['2xx']} 2xx, ${result.non2xx - result['5xx']} other 3xx/4xx, ${result['5xx']} 5xx, ${result.errors} errors, ${result.timeouts} timeouts); ` +
        `confirmed ${confirmedTotal} (slot counters say ${counterTotal}), waitlisted ${waitlisted}, counter mismatches ${counterMismatches}; load ${os.loadavg()[0].toFixed(1)}`,
    )
    await disconnectDb()
    if (overbooked || counterMismatches || counterTotal !== confirmedTotal || result['5xx']) process.exitCode = 1
  } finally {
    await server.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((error) => {
  note((error as Error).stack ?? String(error))
  process.exit(1)
})
