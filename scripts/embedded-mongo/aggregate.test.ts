import { Decimal128, Long, type Document } from 'bson'
import { describe, expect, it } from 'vitest'
import { compilePipeline, runStages, type AggregateEnv } from './aggregate.js'
import { compareValues } from './bson-order.js'
import { MongoError } from './errors.js'
import { evaluate } from './expressions.js'
import { queryValues, splitPath } from './paths.js'

const collections: Record<string, Document[]> = {
  orders: [
    { _id: 1, customer: 'ann', items: [{ sku: 'jam', qty: 2 }, { sku: 'tea', qty: 1 }], total: Decimal128.fromString('10.50'), placed: new Date('2025-03-01T10:00:00Z') },
    { _id: 2, customer: 'bob', items: [{ sku: 'jam', qty: 1 }], total: Decimal128.fromString('4.25'), placed: new Date('2025-03-02T23:30:00Z') },
    { _id: 3, customer: 'ann', items: [], total: Decimal128.fromString('0.25'), placed: new Date('2025-04-01T00:00:00Z') },
    { _id: 4, customer: 'cem', total: Decimal128.fromString('7'), placed: new Date('2025-04-15T12:00:00Z') },
  ],
  customers: [
    { _id: 'ann', name: 'Ann', tags: ['vip'] },
    { _id: 'bob', name: 'Bob', tags: [] },
  ],
  skus: [
    { _id: 'jam', price: 3 },
    { _id: 'tea', price: 4 },
  ],
}

/** Lookups through a filter on every document: what the engine's indexed lookup must agree with. */
const env: AggregateEnv = {
  lookup: (coll, field, values) =>
    (collections[coll] ?? []).filter((d) =>
      queryValues(d, splitPath(field)).some((v) =>
        (Array.isArray(v) ? v : [v]).some((x) => values.some((w) => compareValues(x ?? null, w ?? null) === 0)),
      ),
    ),
  all: (coll) => collections[coll] ?? [],
}

const run = (pipeline: Document[], input = collections.orders!) => runStages(compilePipeline(pipeline, env), input)

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn()
  } catch (e) {
    if (e instanceof MongoError) return e.code
    throw e
  }
  return undefined
}

describe('aggregation stages', () => {
  it('$match, $sort, $skip, $limit', () => {
    expect(run([{ $match: { customer: 'ann' } }, { $sort: { placed: -1 } }, { $skip: 0 }, { $limit: 1 }]).map((d) => d._id)).toEqual([3])
  })

  it('$group puts _id first and sums Decimal128 exactly', () => {
    const out = run([{ $group: { total: { $sum: '$total' }, _id: '$customer', n: { $count: {} } } }, { $sort: { _id: 1 } }])
    expect(Object.keys(out[0]!)).toEqual(['_id', 'total', 'n'])
    expect(out.map((d) => [d._id, String(d.total), d.n])).toEqual([
      ['ann', '10.75', 2],
      ['bob', '4.25', 1],
      ['cem', '7', 1],
    ])
  })

  it('$group accumulators: $avg, $min, $max, $first, $last, $push, $addToSet, $mergeObjects', () => {
    const [g] = run([
      { $unwind: '$items' },
      {
        $group: {
          _id: null,
          avg: { $avg: '$items.qty' },
          min: { $min: '$items.qty' },
          max: { $max: '$items.qty' },
          first: { $first: '$items.sku' },
          last: { $last: '$items.sku' },
          all: { $push: '$items.sku' },
          set: { $addToSet: '$items.sku' },
          merged: { $mergeObjects: { last: '$items.sku' } },
        },
      },
    ])
    expect(g).toMatchObject({ _id: null, min: 1, max: 2, first: 'jam', last: 'jam', all: ['jam', 'tea', 'jam'], merged: { last: 'jam' } })
    expect(Number(g!.avg)).toBeCloseTo(4 / 3)
    expect(g!.set).toEqual(['jam', 'tea'])
  })

  it('$project with inclusion, exclusion, computed and nested fields', () => {
    expect(run([{ $match: { _id: 1 } }, { $project: { customer: 1, 'items.sku': 1, n: { $size: '$items' } } }])).toEqual([{ _id: 1, customer: 'ann', items: [{ sku: 'jam' }, { sku: 'tea' }], n: 2 }])
    expect(run([{ $match: { _id: 2 } }, { $project: { items: 0, total: 0, placed: 0 } }])).toEqual([{ _id: 2, customer: 'bob' }])
    expect(codeOf(() => run([{ $project: { a: 1, b: 0 } }]))).toBe(31254)
  })

  it('$addFields/$set, $unset and $replaceRoot/$replaceWith', () => {
    const [d] = run([{ $match: { _id: 2 } }, { $set: { 'meta.day': { $dayOfMonth: '$placed' }, customer: { $toUpper: '$customer' } } }, { $unset: ['items', 'total'] }])
    expect(d).toEqual({ _id: 2, customer: 'BOB', placed: new Date('2025-03-02T23:30:00Z'), meta: { day: 2 } })
    expect(run([{ $match: { _id: 1 } }, { $replaceWith: { $arrayElemAt: ['$items', 1] } }])).toEqual([{ sku: 'tea', qty: 1 }])
    expect(codeOf(() => run([{ $replaceRoot: { newRoot: '$customer' } }]))).toBe(40228)
  })

  it('$unwind with includeArrayIndex and preserveNullAndEmptyArrays', () => {
    expect(run([{ $unwind: { path: '$items', includeArrayIndex: 'i' } }]).map((d) => [d._id, d.i])).toEqual([
      [1, 0],
      [1, 1],
      [2, 0],
    ])
    expect(run([{ $unwind: { path: '$items', preserveNullAndEmptyArrays: true } }]).map((d) => [d._id, d.items?.sku ?? null])).toEqual([
      [1, 'jam'],
      [1, 'tea'],
      [2, 'jam'],
      [3, null],
      [4, null],
    ])
  })

  it('$lookup by local/foreign field, with arrays on the local side and missing values matching nulls', () => {
    const out = run([{ $lookup: { from: 'customers', localField: 'customer', foreignField: '_id', as: 'c' } }, { $project: { names: '$c.name' } }])
    expect(out.map((d) => d.names)).toEqual([['Ann'], ['Bob'], ['Ann'], []])
    const bySku = run([{ $match: { _id: 1 } }, { $lookup: { from: 'skus', localField: 'items.sku', foreignField: '_id', as: 'prices' } }])
    expect(bySku[0]!.prices.map((p: Document) => p._id)).toEqual(['jam', 'tea'])
    const missing = runStages(compilePipeline([{ $lookup: { from: 'orders', localField: 'nothing', foreignField: 'absent', as: 'all' } }], env), [{ _id: 'x' }])
    expect(missing[0]!.all).toHaveLength(4)
  })

  it('$lookup with let and a pipeline, and with localField plus a pipeline', () => {
    const viaLet = run(
      [{ $lookup: { from: 'orders', let: { who: '$_id' }, pipeline: [{ $match: { $expr: { $eq: ['$customer', '$$who'] } } }, { $project: { _id: 1 } }], as: 'o' } }],
      collections.customers,
    )
    expect(viaLet.map((d) => [d._id, d.o.map((o: Document) => o._id)])).toEqual([
      ['ann', [1, 3]],
      ['bob', [2]],
    ])
    const combined = run(
      [{ $lookup: { from: 'orders', localField: '_id', foreignField: 'customer', let: { vip: { $in: ['vip', '$tags'] } }, pipeline: [{ $match: { $expr: { $and: ['$$vip', { $gt: ['$total', 1] }] } } }], as: 'o' } }],
      collections.customers,
    )
    expect(combined.map((d) => [d._id, d.o.map((o: Document) => o._id)])).toEqual([
      ['ann', [1]],
      ['bob', []],
    ])
  })

  it('$facet, $count, $bucket, $sortByCount', () => {
    const [f] = run([{ $facet: { n: [{ $count: 'n' }], customers: [{ $sortByCount: '$customer' }] } }])
    expect(f).toEqual({
      n: [{ n: 4 }],
      customers: [
        { _id: 'ann', count: 2 },
        { _id: expect.any(String), count: 1 },
        { _id: expect.any(String), count: 1 },
      ],
    })
    const buckets = run([{ $bucket: { groupBy: '$total', boundaries: [0, 5, 10], default: 'large', output: { ids: { $push: '$_id' } } } }])
    expect(buckets).toEqual([
      { _id: 0, ids: [2, 3] },
      { _id: 5, ids: [4] },
      { _id: 'large', ids: [1] },
    ])
    expect(codeOf(() => run([{ $bucket: { groupBy: '$total', boundaries: [0, 5] } }]))).toBe(40066)
    expect(run([{ $match: { _id: 99 } }, { $count: 'n' }])).toEqual([])
  })

  it('reports unknown and unsupported stages', () => {
    expect(codeOf(() => run([{ $frobnicate: {} }]))).toBe(40324)
    expect(() => run([{ $out: 'x' }])).toThrow(/not supported by the embedded engine; set MONGODB_URI/)
    expect(codeOf(() => run([{ $match: {}, $limit: 1 }]))).toBe(40323)
  })
})

describe('expressions', () => {
  const doc = { a: 5, b: null, s: 'Şəki', arr: [1, 2, 3, 4], when: new Date('2025-01-31T22:30:00Z'), l: Long.fromNumber(10) }
  const ev = (e: unknown) => evaluate(e, doc)

  it('arithmetic keeps numeric types and propagates null', () => {
    expect(ev({ $add: ['$a', '$l'] })).toEqual(Long.fromNumber(15))
    expect(ev({ $add: ['$a', '$b'] })).toBeNull()
    expect(ev({ $subtract: ['$when', 1000] })).toEqual(new Date('2025-01-31T22:29:59Z'))
    expect(Number(ev({ $divide: ['$a', 2] }))).toBe(2.5)
    expect(Number(ev({ $round: [2.5] }))).toBe(2)
    expect(Number(ev({ $round: [3.5] }))).toBe(4)
    expect(() => ev({ $divide: ['$a', 0] })).toThrow(MongoError)
  })

  it('conditionals, comparisons and missing values', () => {
    expect(ev({ $cond: [{ $gt: ['$a', 3] }, 'big', 'small'] })).toBe('big')
    expect(ev({ $ifNull: ['$b', '$missing', 'default'] })).toBe('default')
    expect(ev({ $switch: { branches: [{ case: { $eq: ['$a', 1] }, then: 'one' }], default: 'other' } })).toBe('other')
    expect(ev({ $eq: ['$missing', null] })).toBe(false)
    expect(ev({ $lt: ['$missing', null] })).toBe(true)
  })

  it('strings and arrays', () => {
    expect(ev({ $concat: ['$s', '-', { $toLower: '$s' }] })).toBe('Şəki-şəki')
    expect(ev({ $strLenCP: '$s' })).toBe(4)
    expect(ev({ $substrCP: ['$s', 1, 2] })).toBe('əki'.slice(0, 2))
    expect(ev({ $split: ['a,b', ','] })).toEqual(['a', 'b'])
    expect(ev({ $filter: { input: '$arr', as: 'x', cond: { $gt: ['$$x', 2] } } })).toEqual([3, 4])
    expect(ev({ $map: { input: '$arr', in: { $multiply: ['$$this', 10] } } })).toEqual([10, 20, 30, 40])
    expect(ev({ $reduce: { input: '$arr', initialValue: 0, in: { $add: ['$$value', '$$this'] } } })).toBe(10)
    expect(ev({ $slice: ['$arr', -2] })).toEqual([3, 4])
    expect(ev({ $in: [2, '$arr'] })).toBe(true)
    expect(ev({ $setUnion: [[1, 2], [2, 3]] })).toEqual([1, 2, 3])
    expect(ev({ $arrayToObject: [[['k', 'v']]] })).toEqual({ k: 'v' })
  })

  it('dates with time zones', () => {
    expect(ev({ $dateToString: { date: '$when', format: '%Y-%m-%d %H:%M' } })).toBe('2025-01-31 22:30')
    expect(ev({ $dateToString: { date: '$when', format: '%Y-%m-%d %H:%M', timezone: 'Asia/Baku' } })).toBe('2025-02-01 02:30')
    expect(ev({ $month: { date: '$when', timezone: '+04:00' } })).toBe(2)
    expect(ev({ $dateAdd: { startDate: '$when', unit: 'month', amount: 1 } })).toEqual(new Date('2025-02-28T22:30:00Z'))
    expect(String(ev({ $dateDiff: { startDate: new Date('2025-01-01'), endDate: '$when', unit: 'day' } }))).toBe('30')
    expect(ev({ $dateTrunc: { date: '$when', unit: 'day', timezone: 'Asia/Baku' } })).toEqual(new Date('2025-01-31T20:00:00Z'))
  })

  it('type conversion', () => {
    expect(ev({ $toString: '$a' })).toBe('5')
    expect(ev({ $toInt: '42' })).toBe(42)
    expect(ev({ $type: '$l' })).toBe('long')
    expect(ev({ $type: '$missing' })).toBe('missing')
    expect(ev({ $convert: { input: 'x', to: 'int', onError: -1 } })).toBe(-1)
  })

  it('rejects unknown operators and flags unsupported ones', () => {
    expect(() => ev({ $nope: 1 })).toThrow(MongoError)
    expect(() => ev({ $function: {} })).toThrow(/set MONGODB_URI/)
  })
})
