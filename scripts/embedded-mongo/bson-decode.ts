import { Binary, BSONRegExp, Code, Decimal128, Double, Long, MaxKey, MinKey, ObjectId, Timestamp, type Document } from 'bson'
import { isInt32Number } from './numbers.js'

/**
 * A BSON decoder that builds the engine's value representation directly (see numbers.ts):
 * no Int32/Double wrapper per number and no second pass. Decoding dominates an insert's cost,
 * so this is about twice as fast as `bson`'s generic deserializer plus normalisation.
 * Rare types (DBPointer, code with scope, symbol, undefined) go through `bson` itself.
 */

export class BsonDecodeError extends Error {}

const FLOAT = new Float64Array(1)
const FLOAT_BYTES = new Uint8Array(FLOAT.buffer)
const ObjectIdFromBytes = ObjectId as unknown as new (source: Uint8Array, offset: number) => ObjectId

function int32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)
}

function double(b: Uint8Array, i: number): number {
  FLOAT_BYTES[0] = b[i]!
  FLOAT_BYTES[1] = b[i + 1]!
  FLOAT_BYTES[2] = b[i + 2]!
  FLOAT_BYTES[3] = b[i + 3]!
  FLOAT_BYTES[4] = b[i + 4]!
  FLOAT_BYTES[5] = b[i + 5]!
  FLOAT_BYTES[6] = b[i + 6]!
  FLOAT_BYTES[7] = b[i + 7]!
  return FLOAT[0]!
}

/**
 * Field names repeat from document to document: look them up by their bytes instead of
 * building (and internalising) a new string for each occurrence.
 */
const NAME_CACHE_SIZE = 4096
const nameCache: Array<{ bytes: Uint8Array; name: string } | undefined> = new Array(NAME_CACHE_SIZE)

function fieldName(b: Uint8Array, start: number, end: number): string {
  const len = end - start
  if (len > 32) return text(b, start, end)
  let h = len
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + b[i]!) | 0
  const slot = (h >>> 0) % NAME_CACHE_SIZE
  const hit = nameCache[slot]
  if (hit && hit.bytes.length === len) {
    let same = true
    for (let i = 0; i < len; i++) {
      if (hit.bytes[i] !== b[start + i]) {
        same = false
        break
      }
    }
    if (same) return hit.name
  }
  const name = text(b, start, end)
  nameCache[slot] = { bytes: Uint8Array.prototype.slice.call(b, start, end), name }
  return name
}

/** Node's own UTF-8 slice (what Buffer#toString calls), without the argument checks. */
type SliceableBuffer = Buffer & { utf8Slice(start: number, end: number): string }

function text(b: Uint8Array, start: number, end: number): string {
  return (b as SliceableBuffer).utf8Slice(start, end)
}

function cstringEnd(b: Uint8Array, i: number, end: number): number {
  while (i < end && b[i] !== 0) i++
  if (i >= end) throw new BsonDecodeError('unterminated field name')
  return i
}

class Rare extends Error {}

/** A copy, so a stored value never keeps a whole network message alive (Buffer#slice would not copy). */
function copyBytes(b: Uint8Array, start: number, end: number): Uint8Array {
  return Uint8Array.prototype.slice.call(b, start, end)
}

function readDocument(b: Uint8Array, start: number, isArray: boolean): Document | unknown[] {
  const size = int32(b, start)
  const end = start + size
  if (size < 5 || end > b.length || b[end - 1] !== 0) throw new BsonDecodeError('invalid document size')
  const out: Document | unknown[] = isArray ? [] : {}
  let i = start + 4
  while (i < end - 1) {
    const type = b[i]!
    const nameEnd = cstringEnd(b, i + 1, end)
    const name = isArray ? '' : fieldName(b, i + 1, nameEnd)
    i = nameEnd + 1
    let value: unknown
    switch (type) {
      case 0x01: {
        if (i + 8 > end) throw new BsonDecodeError('truncated double')
        const x = double(b, i)
        value = isInt32Number(x) ? new Double(x) : x
        i += 8
        break
      }
      case 0x02: {
        const len = int32(b, i)
        if (len < 1 || i + 4 + len > end || b[i + 4 + len - 1] !== 0) throw new BsonDecodeError('invalid string length')
        value = text(b, i + 4, i + 4 + len - 1)
        i += 4 + len
        break
      }
      case 0x03:
      case 0x04: {
        if (i + 5 > end) throw new BsonDecodeError('truncated document')
        const len = int32(b, i)
        if (len < 5 || i + len > end) throw new BsonDecodeError('invalid embedded document size')
        value = readDocument(b, i, type === 0x04)
        i += len
        break
      }
      case 0x05: {
        const len = int32(b, i)
        if (len < 0 || i + 5 + len > end) throw new BsonDecodeError('invalid binary length')
        const sub = b[i + 4]!
        let data = copyBytes(b, i + 5, i + 5 + len)
        if (sub === 2) {
          // the old binary subtype carries its own length prefix
          const inner = int32(data, 0)
          if (inner !== len - 4) throw new BsonDecodeError('invalid old binary length')
          data = data.subarray(4)
        }
        value = new Binary(data, sub)
        i += 5 + len
        break
      }
      case 0x07:
        if (i + 12 > end) throw new BsonDecodeError('truncated ObjectId')
        value = new ObjectIdFromBytes(b, i)
        i += 12
        break
      case 0x08:
        if (b[i] !== 0 && b[i] !== 1) throw new BsonDecodeError('invalid boolean')
        value = b[i] === 1
        i += 1
        break
      case 0x09: {
        if (i + 8 > end) throw new BsonDecodeError('truncated date')
        const lo = int32(b, i) >>> 0
        const hi = int32(b, i + 4)
        value = new Date(hi * 4294967296 + lo)
        i += 8
        break
      }
      case 0x0a:
        value = null
        break
      case 0x0b: {
        const pEnd = cstringEnd(b, i, end)
        const oEnd = cstringEnd(b, pEnd + 1, end)
        value = new BSONRegExp(text(b, i, pEnd), text(b, pEnd + 1, oEnd))
        i = oEnd + 1
        break
      }
      case 0x0d: {
        const len = int32(b, i)
        if (len < 1 || i + 4 + len > end) throw new BsonDecodeError('invalid code length')
        value = new Code(text(b, i + 4, i + 4 + len - 1))
        i += 4 + len
        break
      }
      case 0x10:
        if (i + 4 > end) throw new BsonDecodeError('truncated int32')
        value = int32(b, i)
        i += 4
        break
      case 0x11:
        if (i + 8 > end) throw new BsonDecodeError('truncated timestamp')
        value = new Timestamp({ i: int32(b, i) >>> 0, t: int32(b, i + 4) >>> 0 })
        i += 8
        break
      case 0x12:
        if (i + 8 > end) throw new BsonDecodeError('truncated int64')
        value = Long.fromBits(int32(b, i), int32(b, i + 4))
        i += 8
        break
      case 0x13:
        if (i + 16 > end) throw new BsonDecodeError('truncated decimal128')
        value = new Decimal128(copyBytes(b, i, i + 16))
        i += 16
        break
      case 0xff:
        value = new MinKey()
        break
      case 0x7f:
        value = new MaxKey()
        break
      default:
        throw new Rare()
    }
    if (i > end - 1) throw new BsonDecodeError('field runs past the end of its document')
    if (isArray) (out as unknown[]).push(value)
    else if (name === '__proto__') Object.defineProperty(out, name, { value, writable: true, enumerable: true, configurable: true })
    else (out as Document)[name] = value
  }
  if (i !== end - 1) throw new BsonDecodeError('document does not end where its size says')
  return out
}

/** Decode one BSON document (exactly the bytes given). */
export function decodeBson(bytes: Uint8Array, fallback: (b: Uint8Array) => Document): Document {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (b.length < 5 || int32(b, 0) !== b.length) throw new BsonDecodeError('document size does not match its bytes')
  try {
    return readDocument(b, 0, false) as Document
  } catch (e) {
    if (e instanceof Rare) return fallback(b)
    throw e
  }
}

