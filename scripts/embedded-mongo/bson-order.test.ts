import { Binary, BSONRegExp, BSONSymbol, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, serialize, Timestamp } from 'bson'
import { describe, expect, it } from 'vitest'
import { compareValues, identical, keyOf } from './bson-order.js'
import { BsonDecodeError } from './bson-decode.js'
import { add, compareNumbers, multiply } from './numbers.js'
import { decodeDocument, encodeDocument } from './wire.js'

describe('BSON comparison order', () => {
  it('orders values of different types as MongoDB does', () => {
    const ascending = [
      new MinKey(),
      null,
      -1,
      'a',
      { a: 1 },
      [1],
      new Binary(Buffer.from([1])),
      new ObjectId('000000000000000000000001'),
      false,
      true,
      new Date(0),
      new Timestamp({ t: 1, i: 0 }),
      new BSONRegExp('a', ''),
      new MaxKey(),
    ]
    for (let i = 0; i < ascending.length; i++) {
      for (let j = 0; j < ascending.length; j++) {
        expect(Math.sign(compareValues(ascending[i], ascending[j])), `${i} vs ${j}`).toBe(Math.sign(i - j))
      }
    }
  })

  it('treats a missing value like null', () => {
    expect(compareValues(undefined, null)).toBe(0)
    expect(compareValues(undefined, 0)).toBeLessThan(0)
  })

  it('compares int32, int64, double and decimal by numeric value', () => {
    expect(compareValues(1, new Double(1))).toBe(0)
    expect(compareValues(Long.fromNumber(2), 1.5)).toBeGreaterThan(0)
    expect(compareValues(Decimal128.fromString('2.50'), 2.5)).toBe(0)
    expect(compareValues(Decimal128.fromString('10'), 9)).toBeGreaterThan(0)
    expect(compareValues(NaN, -Infinity)).toBeLessThan(0)
    expect(compareValues(NaN, NaN)).toBe(0)
  })

  it('keeps int64 precision beyond 2^53', () => {
    const big = Long.fromString('9007199254740993')
    expect(compareNumbers(big, 9007199254740992)).toBeGreaterThan(0)
    expect(compareNumbers(big, Long.fromString('9007199254740993'))).toBe(0)
    expect(keyOf(big)).not.toBe(keyOf(9007199254740992))
  })

  it('compares documents field by field, names and order included', () => {
    expect(compareValues({ a: 1, b: 2 }, { a: 1, b: 3 })).toBeLessThan(0)
    expect(compareValues({ a: 1 }, { b: 1 })).toBeLessThan(0)
    expect(compareValues({ a: 1, b: 1 }, { b: 1, a: 1 })).not.toBe(0)
    expect(compareValues({ a: 1 }, { a: 1, b: 0 })).toBeLessThan(0)
  })

  it('compares strings by code unit, not by locale', () => {
    expect(compareValues('B', 'a')).toBeLessThan(0)
    expect(compareValues('a', 'ab')).toBeLessThan(0)
  })

  it('compares binary data by length, then subtype, then bytes', () => {
    expect(compareValues(new Binary(Buffer.from([9])), new Binary(Buffer.from([1, 1])))).toBeLessThan(0)
    expect(compareValues(new Binary(Buffer.from([1]), 0), new Binary(Buffer.from([1]), 4))).toBeLessThan(0)
  })
})

describe('equality keys', () => {
  it('gives equal numbers of any type the same key', () => {
    const keys = [3, new Double(3), Long.fromNumber(3), Decimal128.fromString('3.000')].map(keyOf)
    expect(new Set(keys).size).toBe(1)
  })

  it('keeps values that MongoDB tells apart apart', () => {
    const values = [null, 0, '0', false, [0], { a: 0 }, new Date(0), new ObjectId('000000000000000000000000'), 'a|b', ['a', 'b'], { 'a|': 'b' }]
    expect(new Set(values.map(keyOf)).size).toBe(values.length)
  })
})

describe('identical', () => {
  it('notices a change of numeric type or of field order', () => {
    expect(identical({ a: 1 }, { a: new Double(1) })).toBe(false)
    expect(identical({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false)
    expect(identical({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toBe(true)
  })
})

describe('arithmetic promotion', () => {
  it('promotes int overflow to long and keeps the widest type', () => {
    const r = add(2147483647, 1)
    expect(r).toBeInstanceOf(Long)
    expect(String(r)).toBe('2147483648')
    expect(add(1, new Double(1))).toBeInstanceOf(Double)
    expect(String(add(Decimal128.fromString('0.1'), Decimal128.fromString('0.2')))).toBe('0.3')
    expect(String(multiply(Long.fromNumber(3), 4))).toBe('12')
    expect(multiply(Long.fromNumber(3), 4)).toBeInstanceOf(Long)
  })
})

describe('BSON decoding', () => {
  it('decodes every common type into the engine representation', () => {
    const oid = new ObjectId()
    const doc = decodeDocument(
      serialize({
        _id: oid,
        i: new Int32(5),
        d: new Double(2),
        f: 2.5,
        l: Long.fromString('-9007199254740993'),
        dec: Decimal128.fromString('1.10'),
        s: 'şəki',
        b: true,
        n: null,
        date: new Date(-1000),
        bin: new Binary(Buffer.from([1, 2]), 4),
        re: new BSONRegExp('^a', 'is'),
        ts: new Timestamp({ t: 5, i: 6 }),
        arr: [1, 'two', { three: 3 }],
        nested: { deeper: { x: [] } },
        min: new MinKey(),
        max: new MaxKey(),
      }),
    )
    expect(doc._id).toEqual(oid)
    expect(doc.i).toBe(5)
    expect(doc.d).toBeInstanceOf(Double)
    expect(doc.f).toBe(2.5)
    expect(String(doc.l)).toBe('-9007199254740993')
    expect(String(doc.dec)).toBe('1.10')
    expect(doc.s).toBe('şəki')
    expect(doc.b).toBe(true)
    expect(doc.n).toBeNull()
    expect(doc.date).toEqual(new Date(-1000))
    expect((doc.bin as Binary).sub_type).toBe(4)
    expect((doc.re as BSONRegExp).options).toBe('is')
    expect((doc.ts as Timestamp).t).toBe(5)
    expect(doc.arr).toEqual([1, 'two', { three: 3 }])
    expect(doc.nested).toEqual({ deeper: { x: [] } })
    expect(doc.min).toBeInstanceOf(MinKey)
    expect(doc.max).toBeInstanceOf(MaxKey)
  })

  it('round-trips through the encoder without changing a type', () => {
    const original = decodeDocument(serialize({ a: new Double(1), b: 1, c: Long.fromNumber(1), d: [new Double(3)] }))
    const again = decodeDocument(encodeDocument(original))
    expect(identical(original, again)).toBe(true)
  })

  it('falls back to bson for rare types', () => {
    const doc = decodeDocument(serialize({ sym: new BSONSymbol('x') }))
    expect(String((doc.sym as BSONSymbol).value)).toBe('x')
  })

  it('rejects malformed documents', () => {
    const good = Buffer.from(serialize({ a: 'text', b: { c: 1 } }))
    const truncated = good.subarray(0, good.length - 3)
    expect(() => decodeDocument(truncated)).toThrow(BsonDecodeError)
    const badString = Buffer.from(good)
    badString.writeInt32LE(1000, 7)
    expect(() => decodeDocument(badString)).toThrow(BsonDecodeError)
    const badType = Buffer.from(good)
    badType[4] = 0x42
    expect(() => decodeDocument(badType)).toThrow()
  })
})
