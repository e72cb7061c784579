import { deserialize, serialize, type Document, type Long } from 'bson'
import { normalizeDecoded } from './bson-order.js'
import { decodeBson } from './bson-decode.js'

/** MongoDB wire protocol framing: OP_QUERY (handshake only), OP_REPLY, OP_MSG. */

export const OP_REPLY = 1
export const OP_QUERY = 2004
export const OP_COMPRESSED = 2012
export const OP_MSG = 2013

export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024
export const MAX_MESSAGE_SIZE = 48_000_000
/** a reply document may exceed a stored document by this much (as mongod allows) */
const REPLY_OVERHEAD = 16 * 1024

const FLAG_CHECKSUM_PRESENT = 1
const FLAG_MORE_TO_COME = 2
const KNOWN_MSG_FLAGS = FLAG_CHECKSUM_PRESENT | FLAG_MORE_TO_COME | (1 << 16)

/** A client sent something that is not a valid message: close the connection. */
export class ProtocolError extends Error {}

/** A kind-1 section: the documents, and the bytes each was decoded from. */
export interface DocumentSequence {
  docs: Document[]
  raw: Buffer[]
}

export type Request =
  | { kind: 'query'; requestId: number; collection: string; query: Document }
  | { kind: 'msg'; requestId: number; moreToCome: boolean; body: Document; sequences: Map<string, DocumentSequence> }

const DECODE_OPTIONS = { promoteValues: false, promoteLongs: false, bsonRegExp: true } as const

function decodeWithBson(buf: Uint8Array): Document {
  return normalizeDecoded(deserialize(buf, DECODE_OPTIONS)) as Document
}

/** Decode one BSON document into the engine's value representation. */
export function decodeDocument(buf: Uint8Array): Document {
  return decodeBson(buf, decodeWithBson)
}

export function encodeDocument(doc: Document): Buffer {
  return serialize(doc, { ignoreUndefined: true }) as Buffer
}

function readDocument(buf: Buffer, offset: number, end: number): { doc: Document; next: number; raw: Buffer } {
  if (offset + 5 > end) throw new ProtocolError('truncated document')
  const size = buf.readInt32LE(offset)
  if (size < 5 || offset + size > end) throw new ProtocolError(`invalid document size ${size}`)
  if (size > MAX_BSON_OBJECT_SIZE + REPLY_OVERHEAD) throw new ProtocolError(`document of ${size} bytes exceeds the maximum BSON size`)
  try {
    const raw = buf.subarray(offset, offset + size)
    return { doc: decodeDocument(raw), next: offset + size, raw }
  } catch (e) {
    throw new ProtocolError(`invalid BSON: ${(e as Error).message}`)
  }
}

function readCString(buf: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = buf.indexOf(0, offset)
  if (zero < 0 || zero >= end) throw new ProtocolError('unterminated string')
  return { value: buf.toString('utf8', offset, zero), next: zero + 1 }
}

/** Parse one complete message (header included). */
export function parseMessage(buf: Buffer): Request {
  if (buf.length < 16) throw new ProtocolError('message shorter than its header')
  const length = buf.readInt32LE(0)
  if (length !== buf.length) throw new ProtocolError('message length mismatch')
  const requestId = buf.readInt32LE(4)
  const opCode = buf.readInt32LE(12)
  if (opCode === OP_QUERY) {
    let off = 20
    const name = readCString(buf, off, length)
    off = name.next + 8
    const { doc } = readDocument(buf, off, length)
    return { kind: 'query', requestId, collection: name.value, query: doc }
  }
  if (opCode === OP_MSG) {
    if (length < 21) throw new ProtocolError('OP_MSG without sections')
    const flags = buf.readUInt32LE(16)
    if ((flags & 0xffff & ~KNOWN_MSG_FLAGS) !== 0) throw new ProtocolError(`unknown required OP_MSG flag bits ${flags}`)
    let end = length
    if (flags & FLAG_CHECKSUM_PRESENT) {
      if (length < 25) throw new ProtocolError('OP_MSG too short for its checksum')
      end = length - 4
      const expected = buf.readUInt32LE(end)
      if (crc32c(buf.subarray(0, end)) !== expected) throw new ProtocolError('OP_MSG checksum mismatch')
    }
    let off = 20
    let body: Document | null = null
    const sequences = new Map<string, DocumentSequence>()
    while (off < end) {
      const kind = buf[off]
      off++
      if (kind === 0) {
        if (body) throw new ProtocolError('OP_MSG with more than one body section')
        const r = readDocument(buf, off, end)
        body = r.doc
        off = r.next
      } else if (kind === 1) {
        if (off + 4 > end) throw new ProtocolError('truncated document sequence')
        const size = buf.readInt32LE(off)
        const seqEnd = off + size
        if (size < 5 || seqEnd > end) throw new ProtocolError('invalid document sequence size')
        const id = readCString(buf, off + 4, seqEnd)
        const docs: Document[] = []
        const raw: Buffer[] = []
        let p = id.next
        while (p < seqEnd) {
          const r = readDocument(buf, p, seqEnd)
          docs.push(r.doc)
          raw.push(r.raw)
          p = r.next
        }
        if (sequences.has(id.value)) throw new ProtocolError(`duplicate document sequence ${id.value}`)
        sequences.set(id.value, { docs, raw })
        off = seqEnd
      } else {
        throw new ProtocolError(`unknown OP_MSG section kind ${kind}`)
      }
    }
    if (!body) throw new ProtocolError('OP_MSG without a body section')
    return { kind: 'msg', requestId, moreToCome: (flags & FLAG_MORE_TO_COME) !== 0, body, sequences }
  }
  if (opCode === OP_COMPRESSED) throw new ProtocolError('compressed messages were not negotiated')
  throw new ProtocolError(`unsupported opcode ${opCode}`)
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.allocUnsafe(16)
  h.writeInt32LE(length, 0)
  h.writeInt32LE(requestId, 4)
  h.writeInt32LE(responseTo, 8)
  h.writeInt32LE(opCode, 12)
  return h
}

export function encodeMsg(requestId: number, responseTo: number, body: Buffer): Buffer {
  const flagsAndKind = Buffer.alloc(5)
  return Buffer.concat([header(16 + 5 + body.length, requestId, responseTo, OP_MSG), flagsAndKind, body])
}

export function encodeReply(requestId: number, responseTo: number, body: Buffer): Buffer {
  const fields = Buffer.alloc(20)
  fields.writeInt32LE(1, 16) // numberReturned; responseFlags, cursorID and startingFrom stay 0
  return Buffer.concat([header(16 + 20 + body.length, requestId, responseTo, OP_REPLY), fields, body])
}

function cstring(s: string): Buffer {
  return Buffer.from(s + '\0', 'utf8')
}

/**
 * `{cursor: {<batchName>: [docs], id, ns}, ok: 1}` assembled from already-serialised documents,
 * so a batch is serialised once and its size is known while it is filled.
 */
/** A BSON array of documents that are already BSON: the parts and their total size. */
function documentArray(docs: Uint8Array[]): { parts: Uint8Array[]; size: number } {
  const parts: Uint8Array[] = [Buffer.allocUnsafe(4)]
  let size = 4 + 1
  docs.forEach((d, i) => {
    const key = Buffer.from([0x03, ...Buffer.from(String(i), 'latin1'), 0])
    parts.push(key, d)
    size += key.length + d.length
  })
  ;(parts[0] as Buffer).writeInt32LE(size, 0)
  parts.push(Buffer.from([0]))
  return { parts, size }
}

function stringElement(name: string, value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8')
  const head = cstring(name)
  const out = Buffer.allocUnsafe(1 + head.length + 4 + bytes.length + 1)
  out[0] = 0x02
  head.copy(out, 1)
  out.writeInt32LE(bytes.length + 1, 1 + head.length)
  bytes.copy(out, 1 + head.length + 4)
  out[out.length - 1] = 0
  return out
}

/**
 * `{op: 'insert', ns, docs: [...]}` from documents already in BSON (JournalEntry's `raw`): the
 * same bytes `serialize` would produce for the entry, without encoding the documents again.
 */
export function encodeInsertEntry(ns: string, raw: Uint8Array[]): Buffer {
  const op = stringElement('op', 'insert')
  const nsPart = stringElement('ns', ns)
  const docsKey = Buffer.concat([Buffer.from([0x04]), cstring('docs')])
  const array = documentArray(raw)
  const total = 4 + op.length + nsPart.length + docsKey.length + array.size + 1
  const head = Buffer.allocUnsafe(4)
  head.writeInt32LE(total, 0)
  return Buffer.concat([head, op, nsPart, docsKey, ...array.parts, Buffer.from([0])])
}

export function encodeCursorReply(batchName: string, docs: Buffer[], id: Long, ns: string): Buffer {
  const array = documentArray(docs)

  const idPart = Buffer.allocUnsafe(1 + 3 + 8)
  idPart[0] = 0x12
  idPart.write('id\0', 1, 'latin1')
  idPart.writeInt32LE(id.low, 4)
  idPart.writeInt32LE(id.high, 8)

  const nsBytes = Buffer.from(ns, 'utf8')
  const nsPart = Buffer.allocUnsafe(1 + 3 + 4 + nsBytes.length + 1)
  nsPart[0] = 0x02
  nsPart.write('ns\0', 1, 'latin1')
  nsPart.writeInt32LE(nsBytes.length + 1, 4)
  nsBytes.copy(nsPart, 8)
  nsPart[nsPart.length - 1] = 0

  const batchKey = Buffer.concat([Buffer.from([0x04]), cstring(batchName)])
  const cursorSize = 4 + batchKey.length + array.size + idPart.length + nsPart.length + 1
  const cursorHead = Buffer.allocUnsafe(4)
  cursorHead.writeInt32LE(cursorSize, 0)
  const cursorKey = Buffer.concat([Buffer.from([0x03]), cstring('cursor')])

  const okPart = Buffer.allocUnsafe(1 + 3 + 8)
  okPart[0] = 0x01
  okPart.write('ok\0', 1, 'latin1')
  okPart.writeDoubleLE(1, 4)

  const total = 4 + cursorKey.length + cursorSize + okPart.length + 1
  const head = Buffer.allocUnsafe(4)
  head.writeInt32LE(total, 0)
  return Buffer.concat([
    head,
    cursorKey,
    cursorHead,
    batchKey,
    ...array.parts,
    idPart,
    nsPart,
    Buffer.from([0]),
    okPart,
    Buffer.from([0]),
  ])
}

/** Bytes a batch may hold so that the reply stays within the maximum BSON size. */
export const BATCH_BYTES = MAX_BSON_OBJECT_SIZE

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    let c = i
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1
    t[i] = c >>> 0
  }
  return t
})()

/** CRC-32C (Castagnoli), the checksum OP_MSG uses. */
export function crc32c(buf: Uint8Array): number {
  let crc = 0xffffffff
  for (let i = 0; i < buf.length; i++) crc = CRC_TABLE[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}
