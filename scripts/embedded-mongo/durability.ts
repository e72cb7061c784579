import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  realpathSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { open, readFile, rename, truncate, unlink, writeFile, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { BSON, type Document } from 'bson'
import type { Durability, JournalEntry, JournalTarget } from './journal-types.js'
import { decodeDocument, encodeInsertEntry } from './wire.js'

/*
 * On-disk layout of a data directory:
 *   mongod.lock              PID (and start time) of the engine that owns the directory
 *   snapshot-<gen>.bson      full state as it was when journal <gen> was started
 *   journal-<gen>.journal    every change after that snapshot, appended in apply order
 * Generation 1 starts from an empty state and has no snapshot. Both kinds of file are a magic
 * header followed by frames: u32 LE payload length, u32 LE CRC-32 of the payload, BSON payload.
 * Start-up loads the newest readable snapshot and replays every journal from that generation on.
 */

const LOCK_FILE = 'mongod.lock'
const JOURNAL_MAGIC = Buffer.from('EMJRNL01', 'latin1')
const SNAPSHOT_MAGIC = Buffer.from('EMSNAP01', 'latin1')
const FRAME_HEADER_BYTES = 8
const INSERT_CHUNK_DOCS = 1000
// bson's serialize() writes into a 17 MiB scratch buffer and silently truncates larger documents.
const BSON_SCRATCH_SAFE_BYTES = 16 * 1024 * 1024
const DEFAULT_COMPACT_AT_BYTES = 64 * 1024 * 1024
const COMPACTION_RETRY_MS = 60_000

export interface DurabilityOptions {
  /** journal size that triggers a snapshot; grows to the last snapshot's size for large data sets */
  compactAtBytes?: number
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      pid === process.pid
        ? `data directory ${dir} is already open in this process; stop that engine first or use another data directory`
        : `data directory ${dir} is in use by another embedded MongoDB engine (PID ${pid}); stop that process or start this one with another data directory`,
    )
    this.name = 'DataDirLockedError'
  }
}

export async function openDurability(
  dir: string,
  catalog: JournalTarget,
  log: (m: string) => void,
  options: DurabilityOptions = {},
): Promise<Durability> {
  mkdirSync(dir, { recursive: true })
  const realDir = realpathSync(dir)
  const lock = acquireLock(realDir, log)
  try {
    const state = await recover(realDir, catalog, log)
    const durability = new JournalDurability(realDir, catalog, log, lock, state, options.compactAtBytes ?? DEFAULT_COMPACT_AT_BYTES)
    durability.afterOpen()
    return durability
  } catch (err) {
    lock.release()
    throw err
  }
}

// ---------------------------------------------------------------------------------------------
// Lock file

const locksHeldByThisProcess = new Set<string>()

interface LockOwner {
  pid: number
  start?: string
}

interface HeldLock {
  release(): void
}

function acquireLock(dir: string, log: (m: string) => void): HeldLock {
  const path = join(dir, LOCK_FILE)
  if (locksHeldByThisProcess.has(dir)) throw new DataDirLockedError(dir, process.pid)
  const me: LockOwner = { pid: process.pid, start: processStartTime(process.pid) }
  for (let attempt = 0; attempt < 5; attempt++) {
    // Written aside and hard-linked into place, so a lock file is never seen half-written.
    const temp = join(dir, `${LOCK_FILE}.${process.pid}.${attempt}.tmp`)
    writeDurably(temp, JSON.stringify(me) + '\n')
    try {
      linkSync(temp, path)
      locksHeldByThisProcess.add(dir)
      fsyncDir(dir)
      return {
        release() {
          locksHeldByThisProcess.delete(dir)
          if (readLockOwner(path)?.pid === process.pid) unlinkQuietly(path)
        },
      }
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err
    } finally {
      unlinkQuietly(temp)
    }
    const owner = readLockOwner(path)
    if (owner && owner.pid !== process.pid && isRunning(owner)) throw new DataDirLockedError(dir, owner.pid)
    log(
      owner
        ? `taking over the lock of ${dir}: PID ${owner.pid} that held it is no longer running`
        : `taking over the unreadable lock file ${path}`,
    )
    unlinkQuietly(path)
  }
  throw new Error(`could not lock data directory ${dir}: another process keeps taking it`)
}

function readLockOwner(path: string): LockOwner | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'))
    if (parsed && typeof parsed === 'object' && typeof (parsed as LockOwner).pid === 'number') return parsed as LockOwner
  } catch {
    // missing or garbled: treated as stale
  }
  return undefined
}

function isRunning(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0)
  } catch (err) {
    if (!isErrno(err, 'EPERM')) return false
  }
  // A recycled PID (after a reboot or in a container) belongs to another process start.
  const start = processStartTime(owner.pid)
  return !(owner.start && start && owner.start !== start)
}

function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

// ---------------------------------------------------------------------------------------------
// Frames

function frame(payload: Buffer): Buffer[] {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES)
  header.writeUInt32LE(payload.length, 0)
  header.writeUInt32LE(crc32(payload), 4)
  return [header, payload]
}

/** undefined when the entry does not fit in bson's scratch buffer */
function trySerialize(entry: Document): Buffer | undefined {
  let payload: Buffer
  try {
    payload = asBuffer(BSON.serialize(entry))
  } catch (err) {
    if (err instanceof RangeError) return undefined
    throw err
  }
  if (payload.length >= BSON_SCRATCH_SAFE_BYTES) return undefined
  if (payload.readInt32LE(0) !== payload.length) throw new Error('journal: BSON serialisation produced an inconsistent document')
  return payload
}

function serializeEntry(entry: Document): Buffer {
  const payload = trySerialize(entry)
  if (payload) return payload
  BSON.setInternalBufferSize(BSON.calculateObjectSize(entry) + 1024)
  const large = asBuffer(BSON.serialize(entry))
  if (large.readInt32LE(0) !== large.length) throw new Error('journal: BSON serialisation produced an inconsistent document')
  return large
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * Inserts whose documents were stored exactly as received: their BSON is framed as it came, in
 * frames of at most INSERT_CHUNK_DOCS documents and well inside the size a frame may have.
 */
function encodeRawInsert(ns: string, raw: Uint8Array[]): Buffer[] {
  const frames: Buffer[] = []
  let start = 0
  while (start < raw.length) {
    let end = start
    let bytes = 0
    while (end < raw.length && end - start < INSERT_CHUNK_DOCS && (end === start || bytes + raw[end]!.byteLength < BSON_SCRATCH_SAFE_BYTES / 2)) {
      bytes += raw[end]!.byteLength
      end += 1
    }
    frames.push(...frame(encodeInsertEntry(ns, raw.slice(start, end))))
    start = end
  }
  return frames
}

function encodeEntry(entry: JournalEntry): Buffer[] {
  if (entry.op === 'insert' && entry.raw && entry.raw.length === entry.docs.length) return encodeRawInsert(entry.ns, entry.raw)
  if (entry.op !== 'insert' || entry.docs.length <= 1) return frame(serializeEntry(entry))
  const frames: Buffer[] = []
  const encodeDocs = (docs: Document[]) => {
    const part = { op: 'insert', ns: entry.ns, docs }
    const payload = docs.length > 1 ? trySerialize(part) : serializeEntry(part)
    // Big batches become several frames so that a frame stays well inside bson's scratch buffer.
    if (!payload || (payload.length >= BSON_SCRATCH_SAFE_BYTES / 2 && docs.length > 1)) {
      const half = Math.ceil(docs.length / 2)
      encodeDocs(docs.slice(0, half))
      encodeDocs(docs.slice(half))
    } else {
      frames.push(...frame(payload))
    }
  }
  for (let i = 0; i < entry.docs.length; i += INSERT_CHUNK_DOCS) encodeDocs(entry.docs.slice(i, i + INSERT_CHUNK_DOCS))
  return frames
}

type FrameResult = { ok: true; entry: JournalEntry; next: number } | { ok: false; reason: string }

function readFrame(buf: Buffer, offset: number, checksumVerified = false): FrameResult {
  if (buf.length - offset < FRAME_HEADER_BYTES) return { ok: false, reason: 'incomplete frame header' }
  const length = buf.readUInt32LE(offset)
  const checksum = buf.readUInt32LE(offset + 4)
  const start = offset + FRAME_HEADER_BYTES
  if (length < 5) return { ok: false, reason: `impossible frame length ${length}` }
  if (length > buf.length - start) return { ok: false, reason: `frame of ${length} bytes runs past the end of the file` }
  const payload = buf.subarray(start, start + length)
  if (!checksumVerified && crc32(payload) !== checksum) return { ok: false, reason: 'checksum mismatch' }
  let entry: JournalEntry
  try {
    // The wire decoder's own representation, so replayed documents equal the ones first stored.
    entry = decodeDocument(payload) as JournalEntry
  } catch (err) {
    return { ok: false, reason: `undecodable BSON (${(err as Error).message})` }
  }
  if (typeof entry.op !== 'string') return { ok: false, reason: 'entry without an op' }
  return { ok: true, entry, next: start + length }
}

// ---------------------------------------------------------------------------------------------
// Recovery at open

interface RecoveredState {
  gen: number
  journalBytes: number
  snapshotBytes: number
}

const journalName = (gen: number) => `journal-${String(gen).padStart(8, '0')}.journal`
const snapshotName = (gen: number) => `snapshot-${String(gen).padStart(8, '0')}.bson`

function listGenerations(dir: string) {
  const journals: number[] = []
  const snapshots: number[] = []
  for (const name of readdirSync(dir)) {
    const match = /^(journal|snapshot)-(\d{8})\.(journal|bson)$/.exec(name)
    if (match) (match[1] === 'journal' ? journals : snapshots).push(Number(match[2]))
    else if (/^snapshot-\d{8}\.bson\.tmp$/.test(name)) unlinkQuietly(join(dir, name))
  }
  const ascending = (a: number, b: number) => a - b
  return { journals: journals.sort(ascending), snapshots: snapshots.sort(ascending) }
}

async function recover(
  dir: string,
  catalog: JournalTarget,
  log: (m: string) => void,
): Promise<RecoveredState> {
  const { journals, snapshots } = listGenerations(dir)

  // Candidate starting points, newest first; generation 1 starts from nothing if its journal is there.
  const bases = [...snapshots].reverse()
  if (!snapshots.includes(1) && journals.includes(1)) bases.push(1)
  let base = 1
  let snapshotBytes = 0
  let snapshot: Buffer | undefined
  for (const [i, gen] of bases.entries()) {
    if (!snapshots.includes(gen)) {
      base = gen
      break
    }
    const path = join(dir, snapshotName(gen))
    const buf = await readFile(path)
    const problem = verifySnapshot(buf)
    if (!problem) {
      base = gen
      snapshot = buf
      snapshotBytes = buf.length
      break
    }
    if (i === bases.length - 1)
      throw new Error(
        `snapshot ${path} is damaged (${problem}) and no older state can replace it; ` +
          `restore the data directory from a backup or move it away to start empty`,
      )
    const aside = `${path}.damaged-${Date.now()}`
    await rename(path, aside)
    log(`warning: snapshot ${snapshotName(gen)} is damaged (${problem}); kept as ${aside}, starting from an older state`)
  }
  if (!snapshot && journals.length > 0 && journals[0] !== 1)
    throw new Error(
      `data directory ${dir} has journals from generation ${journals[0]} but no snapshot they start from; ` +
        `restore it from a backup or move it away to start empty`,
    )
  const toReplay = journals.filter((g) => g >= base)
  const missing = toReplay.findIndex((g, i) => g !== base + i)
  if (missing >= 0)
    throw new Error(
      `data directory ${dir} lacks ${journalName(base + missing)} before ${journalName(toReplay[missing])}; ` +
        `acknowledged writes would be missing, so it is not opened: restore it from a backup`,
    )

  if (snapshot) {
    for (let offset = SNAPSHOT_MAGIC.length; offset < snapshot.length; ) {
      const result = readFrame(snapshot, offset, true)
      if (!result.ok) throw new Error(`snapshot ${snapshotName(base)}: ${result.reason} at byte ${offset}`)
      applyOrExplain(catalog, result.entry, snapshotName(base), offset)
      offset = result.next
    }
  }

  let journalBytes = JOURNAL_MAGIC.length
  for (let i = 0; i < toReplay.length; i++) {
    const gen = toReplay[i]
    const path = join(dir, journalName(gen))
    const buf = await readFile(path)
    const end = await replayJournal(buf, path, catalog, log)
    journalBytes = end
    if (end < buf.length && i < toReplay.length - 1) {
      // Later journals continue from a state we no longer have: keep them aside, replay nothing more.
      for (const later of toReplay.slice(i + 1)) {
        const laterPath = join(dir, journalName(later))
        await rename(laterPath, `${laterPath}.dropped-${Date.now()}`)
        log(`warning: ${journalName(later)} follows a damaged journal and was not replayed (kept as ${laterPath}.dropped-*)`)
      }
      toReplay.length = i + 1
      break
    }
  }

  for (const gen of snapshots) if (gen < base) unlinkQuietly(join(dir, snapshotName(gen)))
  for (const gen of journals) if (gen < base) unlinkQuietly(join(dir, journalName(gen)))

  const gen = toReplay.length > 0 ? toReplay[toReplay.length - 1] : base
  return { gen, journalBytes, snapshotBytes }
}

function verifySnapshot(buf: Buffer): string | undefined {
  if (buf.length < SNAPSHOT_MAGIC.length || !buf.subarray(0, SNAPSHOT_MAGIC.length).equals(SNAPSHOT_MAGIC))
    return 'not a snapshot file'
  for (let offset = SNAPSHOT_MAGIC.length; offset < buf.length; ) {
    if (buf.length - offset < FRAME_HEADER_BYTES) return `incomplete frame at byte ${offset}`
    const length = buf.readUInt32LE(offset)
    const start = offset + FRAME_HEADER_BYTES
    if (length > buf.length - start) return `truncated frame at byte ${offset}`
    if (crc32(buf.subarray(start, start + length)) !== buf.readUInt32LE(offset + 4)) return `checksum mismatch at byte ${offset}`
    offset = start + length
  }
  return undefined
}

/** Replays one journal; returns the length of its valid prefix, truncating anything after it. */
async function replayJournal(
  buf: Buffer,
  path: string,
  catalog: JournalTarget,
  log: (m: string) => void,
): Promise<number> {
  if (buf.length < JOURNAL_MAGIC.length || !buf.subarray(0, JOURNAL_MAGIC.length).equals(JOURNAL_MAGIC)) {
    // A crash between creating the file and syncing its header leaves a short or empty file.
    if (buf.length > JOURNAL_MAGIC.length) await keepDroppedBytes(path, buf, 0, log, 'no journal header')
    await writeFile(path, JOURNAL_MAGIC)
    return JOURNAL_MAGIC.length
  }
  let offset = JOURNAL_MAGIC.length
  let entries = 0
  while (offset < buf.length) {
    const result = readFrame(buf, offset)
    if (!result.ok) {
      await keepDroppedBytes(path, buf, offset, log, `${result.reason} after ${entries} entries`)
      await truncate(path, offset)
      return offset
    }
    applyOrExplain(catalog, result.entry, path, offset)
    entries++
    offset = result.next
  }
  return offset
}

async function keepDroppedBytes(path: string, buf: Buffer, offset: number, log: (m: string) => void, reason: string) {
  const aside = `${path}.dropped-${Date.now()}`
  await writeFile(aside, buf.subarray(offset))
  log(
    `warning: journal ${path} is torn or damaged at byte ${offset} of ${buf.length} (${reason}); ` +
      `dropped the last ${buf.length - offset} bytes (writes that were never acknowledged), copy kept in ${aside}`,
  )
}

function applyOrExplain(catalog: JournalTarget, entry: JournalEntry, file: string, offset: number) {
  try {
    catalog.applyEntry(entry)
  } catch (err) {
    throw new Error(`replaying ${file} at byte ${offset} (${entry.op}) failed: ${(err as Error).message}`, { cause: err })
  }
}

// ---------------------------------------------------------------------------------------------
// The running journal

interface Segment {
  gen: number
  buffers: Buffer[]
  lastSeq: number
}

interface Waiter {
  seq: number
  resolve: () => void
  reject: (err: Error) => void
}

class JournalDurability implements Durability {
  private gen: number
  private journalBytes: number
  private snapshotBytes: number
  /** one segment per journal file still being written; a new one starts at each snapshot */
  private readonly segments: Segment[]
  private recordedSeq = 0
  private syncedSeq = 0
  private waiters: Waiter[] = []
  private writing = false
  private drainScheduled = false
  private handle: { gen: number; fh: FileHandle } | undefined
  private compaction: Promise<void> | undefined
  private compactionScheduled = false
  private compactionFailedAt = 0
  private failure: Error | undefined
  private closing = false

  constructor(
    private readonly dir: string,
    private readonly catalog: JournalTarget,
    private readonly log: (m: string) => void,
    private readonly lock: HeldLock,
    state: RecoveredState,
    private readonly compactAtBytes: number,
  ) {
    this.gen = state.gen
    this.journalBytes = state.journalBytes
    this.snapshotBytes = state.snapshotBytes
    this.segments = [{ gen: state.gen, buffers: [], lastSeq: 0 }]
  }

  afterOpen() {
    // A long journal left by a crash is folded into a snapshot so that the next start is fast.
    if (this.journalBytes > this.compactionThreshold()) this.scheduleCompaction()
  }

  record(entry: JournalEntry): void {
    if (this.closing) throw new Error('journal: record() after close()')
    // After a failed write nothing more can be made durable; flush() reports it to every writer.
    if (this.failure) return
    const buffers = encodeEntry(entry)
    const segment = this.segments[this.segments.length - 1]
    for (const b of buffers) {
      segment.buffers.push(b)
      this.journalBytes += b.length
    }
    segment.lastSeq = ++this.recordedSeq
    this.scheduleDrain()
    if (this.journalBytes > this.compactionThreshold()) this.scheduleCompaction()
  }

  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    if (this.syncedSeq >= this.recordedSeq) return Promise.resolve()
    return new Promise((resolve, reject) => this.waiters.push({ seq: this.recordedSeq, resolve, reject }))
  }

  async close(): Promise<void> {
    if (this.closing) return
    this.closing = true
    try {
      await this.compaction
      if (this.journalBytes > JOURNAL_MAGIC.length && !this.failure) await this.compact()
      await this.flush()
    } finally {
      await this.handle?.fh.close()
      this.handle = undefined
      this.lock.release()
    }
  }

  private compactionThreshold() {
    return Math.max(this.compactAtBytes, this.snapshotBytes)
  }

  private scheduleDrain() {
    if (this.drainScheduled || this.writing) return
    this.drainScheduled = true
    // Everything recorded until the event loop comes round shares one write and one fdatasync.
    setImmediate(() => {
      this.drainScheduled = false
      void this.drain()
    })
  }

  private async drain() {
    if (this.writing || this.failure) return
    this.writing = true
    try {
      for (;;) {
        const segment = this.segments[0]
        if (segment.buffers.length > 0) {
          const buffers = segment.buffers
          const upTo = segment.lastSeq
          segment.buffers = []
          const fh = await this.journalHandle(segment.gen)
          await writeAll(fh, buffers.length === 1 ? buffers[0] : Buffer.concat(buffers))
          await fh.datasync()
          this.markSynced(upTo)
        } else if (this.segments.length > 1) {
          if (this.handle?.gen === segment.gen) {
            await this.handle.fh.close()
            this.handle = undefined
          }
          this.segments.shift()
        } else {
          this.markSynced(segment.lastSeq)
          break
        }
      }
    } catch (err) {
      this.fail(err as Error)
    } finally {
      this.writing = false
    }
  }

  private async journalHandle(gen: number): Promise<FileHandle> {
    if (this.handle?.gen === gen) return this.handle.fh
    const path = join(this.dir, journalName(gen))
    const fh = await open(path, 'a')
    if ((await fh.stat()).size === 0) {
      await writeAll(fh, JOURNAL_MAGIC)
      await fh.datasync()
      fsyncDir(this.dir)
    }
    this.handle = { gen, fh }
    return fh
  }

  private markSynced(seq: number) {
    if (seq > this.syncedSeq) this.syncedSeq = seq
    const still: Waiter[] = []
    for (const w of this.waiters) (w.seq <= this.syncedSeq ? w.resolve() : still.push(w))
    this.waiters = still
  }

  private fail(err: Error) {
    this.failure = new Error(`journal write failed, later writes cannot be made durable: ${err.message}`, { cause: err })
    this.log(`error: ${this.failure.message}`)
    for (const w of this.waiters) w.reject(this.failure)
    this.waiters = []
  }

  private scheduleCompaction() {
    if (this.compaction || this.compactionScheduled || this.closing || this.failure) return
    if (Date.now() - this.compactionFailedAt < COMPACTION_RETRY_MS) return
    this.compactionScheduled = true
    // Deferred to a fresh turn of the event loop: no command is half-applied there, so the
    // snapshot matches exactly the entries recorded before the switch to the new journal.
    setImmediate(() => {
      this.compactionScheduled = false
      if (!this.closing) void this.compact()
    })
  }

  private compact(): Promise<void> {
    this.compaction ??= this.writeSnapshot().finally(() => (this.compaction = undefined))
    return this.compaction
  }

  private async writeSnapshot(): Promise<void> {
    // Captured synchronously: the catalog cannot change between this and the journal switch.
    const started = performance.now()
    const chunks: Buffer[] = [SNAPSHOT_MAGIC]
    let bytes = SNAPSHOT_MAGIC.length
    for (const entry of this.catalog.snapshotEntries()) {
      for (const b of encodeEntry(entry)) {
        chunks.push(b)
        bytes += b.length
      }
    }
    const newGen = this.gen + 1
    this.gen = newGen
    this.segments.push({ gen: newGen, buffers: [], lastSeq: this.recordedSeq })
    this.journalBytes = JOURNAL_MAGIC.length
    this.scheduleDrain()

    const finalPath = join(this.dir, snapshotName(newGen))
    const tempPath = `${finalPath}.tmp`
    try {
      const fh = await open(tempPath, 'w')
      try {
        await writeChunked(fh, chunks)
        await fh.sync()
      } finally {
        await fh.close()
      }
      await rename(tempPath, finalPath)
      fsyncDir(this.dir)
      this.snapshotBytes = bytes
    } catch (err) {
      this.compactionFailedAt = Date.now()
      unlinkQuietly(tempPath)
      this.log(`warning: could not write snapshot ${finalPath}: ${(err as Error).message}; the journals are kept`)
      return
    }
    // The snapshot now holds everything the older files did.
    await this.flush().catch(() => undefined)
    for (const name of readdirSync(this.dir)) {
      const match = /^(?:journal|snapshot)-(\d{8})\.(?:journal|bson)$/.exec(name)
      if (match && Number(match[1]) < newGen) await unlink(join(this.dir, name)).catch(() => undefined)
    }
    this.log(`snapshot ${snapshotName(newGen)} written (${(bytes / 1048576).toFixed(1)} MB in ${Math.round(performance.now() - started)} ms)`)
  }
}

// ---------------------------------------------------------------------------------------------
// File helpers

async function writeAll(fh: FileHandle, buf: Buffer) {
  for (let written = 0; written < buf.length; ) {
    const { bytesWritten } = await fh.write(buf, written, buf.length - written, null)
    written += bytesWritten
  }
}

async function writeChunked(fh: FileHandle, chunks: Buffer[]) {
  let batch: Buffer[] = []
  let batchBytes = 0
  for (const chunk of chunks) {
    batch.push(chunk)
    batchBytes += chunk.length
    if (batchBytes >= 4 * 1024 * 1024) {
      await writeAll(fh, Buffer.concat(batch))
      batch = []
      batchBytes = 0
    }
  }
  if (batch.length > 0) await writeAll(fh, Buffer.concat(batch))
}

function writeDurably(path: string, text: string) {
  const fd = openSync(path, 'w')
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

function fsyncDir(dir: string) {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

function unlinkQuietly(path: string) {
  try {
    if (existsSync(path)) unlinkSync(path)
  } catch {
    // already gone
  }
}

function isErrno(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException)?.code === code
}
