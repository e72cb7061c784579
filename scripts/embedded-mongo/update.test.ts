import { Decimal128, Double, Timestamp, type Document } from 'bson'
import { describe, expect, it } from 'vitest'
import { compilePipeline, runStages } from './aggregate.js'
import { deepClone } from './bson-order.js'
import { MongoError } from './errors.js'
import { buildUpsertDocument, compileUpdate } from './update.js'

const env = { lookup: () => [], all: () => [] }
const runPipeline = (docs: Document[], pipeline: Document[]) => runStages(compilePipeline(pipeline, env), docs)

function apply(doc: Document, update: Document | Document[], opts: { filter?: Document; arrayFilters?: Document[] } = {}): Document {
  return compileUpdate(update, opts.arrayFilters, runPipeline).apply(doc, { filter: opts.filter ?? {}, isUpsertInsert: false })
}

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn()
  } catch (e) {
    if (e instanceof MongoError) return e.code
    throw e
  }
  return undefined
}

describe('update operators', () => {
  it('never modifies the stored document', () => {
    const stored = { _id: 1, a: { b: [1, 2] }, n: 1 }
    const before = deepClone(stored)
    apply(stored, { $push: { 'a.b': 3 }, $inc: { n: 1 }, $unset: { 'a.c': 1 } })
    expect(stored).toEqual(before)
  })

  it('adds new fields in lexicographic order, as MongoDB 5+ does', () => {
    expect(Object.keys(apply({ _id: 1 }, { $set: { z: 1, b: 1, a: 1 } }))).toEqual(['_id', 'a', 'b', 'z'])
  })

  it('$push with $each, $position, $sort and $slice works on a missing field', () => {
    expect(apply({ _id: 1 }, { $push: { s: { $each: [5, 1, 3], $sort: -1, $slice: 2 } } }).s).toEqual([5, 3])
    expect(apply({ _id: 1 }, { $push: { s: { $each: [{ n: 2 }, { n: 1 }], $sort: { n: 1 } } } }).s).toEqual([{ n: 1 }, { n: 2 }])
    expect(apply({ _id: 1, s: [1, 2, 3] }, { $push: { s: { $each: ['x'], $position: -1 } } }).s).toEqual([1, 2, 'x', 3])
    expect(apply({ _id: 1, s: [1, 2, 3] }, { $push: { s: { $each: [4], $slice: -2 } } }).s).toEqual([3, 4])
    expect(apply({ _id: 1 }, { $push: { s: { $each: [] } } }).s).toEqual([])
  })

  it('resolves the positional $ from the query', () => {
    const doc = { _id: 1, grades: [{ g: 80, m: 1 }, { g: 85, m: 2 }, { g: 90, m: 3 }] }
    expect(apply(doc, { $set: { 'grades.$.m': 9 } }, { filter: { _id: 1, 'grades.g': { $gte: 85 } } }).grades.map((x: Document) => x.m)).toEqual([1, 9, 3])
    expect(apply(doc, { $inc: { 'grades.$.g': 1 } }, { filter: { grades: { $elemMatch: { g: 90, m: 3 } } } }).grades[2].g).toBe(91)
    expect(codeOf(() => apply(doc, { $set: { 'grades.$.m': 0 } }, { filter: { _id: 1 } }))).toBe(2)
  })

  it('updates all elements with $[] and matching ones with $[id]', () => {
    const doc = { _id: 1, items: [{ q: 1, tags: ['a'] }, { q: 5, tags: ['b'] }] }
    expect(apply(doc, { $mul: { 'items.$[].q': 2 } }).items.map((i: Document) => i.q)).toEqual([2, 10])
    expect(apply(doc, { $push: { 'items.$[big].tags': 'big' } }, { arrayFilters: [{ 'big.q': { $gt: 2 } }] }).items.map((i: Document) => i.tags)).toEqual([['a'], ['b', 'big']])
    expect(apply({ _id: 1, m: [[1, 2], [3]] }, { $set: { 'm.$[].$[x]': 0 } }, { arrayFilters: [{ x: { $gte: 2 } }] }).m).toEqual([[1, 0], [0]])
    expect(codeOf(() => apply(doc, { $set: { 'items.$[nope].q': 1 } }))).toBe(2)
    expect(codeOf(() => apply(doc, { $set: { 'items.$[].q': 1 } }, { arrayFilters: [{ 'unused.q': 1 }] }))).toBe(9)
  })

  it('reports type errors instead of ignoring them', () => {
    expect(codeOf(() => apply({ _id: 1, s: 'x' }, { $inc: { s: 1 } }))).toBe(14)
    expect(codeOf(() => apply({ _id: 1, n: 1 }, { $inc: { n: 'one' } }))).toBe(14)
    expect(codeOf(() => apply({ _id: 1, s: 'x' }, { $addToSet: { s: 1 } }))).toBe(2)
    expect(codeOf(() => apply({ _id: 1, s: 'x' }, { $pop: { s: 1 } }))).toBe(14)
    expect(codeOf(() => apply({ _id: 1, a: 5 }, { $set: { 'a.b': 1 } }))).toBe(28)
  })

  it('refuses conflicting paths, unknown modifiers and a changed _id', () => {
    expect(codeOf(() => apply({ _id: 1 }, { $set: { 'a.b': 1 }, $unset: { a: 1 } }))).toBe(40)
    expect(codeOf(() => apply({ _id: 1 }, { $set: { a: 1 }, $rename: { b: 'a' } }))).toBe(40)
    expect(codeOf(() => apply({ _id: 1 }, { $bogus: { a: 1 } }))).toBe(9)
    expect(codeOf(() => apply({ _id: 1 }, { $set: { _id: 2 } }))).toBe(66)
    expect(apply({ _id: 1 }, { $set: { _id: 1, a: 1 } })).toEqual({ _id: 1, a: 1 })
  })

  it('keeps numeric types: int + double is a double, $mul on a missing field gives 0 of the multiplier type', () => {
    expect(apply({ _id: 1, n: 1 }, { $inc: { n: new Double(1) } }).n).toBeInstanceOf(Double)
    expect(String(apply({ _id: 1, p: Decimal128.fromString('1.10') }, { $inc: { p: Decimal128.fromString('0.05') } }).p)).toBe('1.15')
    expect(apply({ _id: 1 }, { $mul: { z: 3 } }).z).toBe(0)
  })

  it('$min, $max, $rename, $unset, $currentDate, $pull, $pullAll, $bit', () => {
    expect(apply({ _id: 1, lo: 3 }, { $min: { lo: 1 }, $max: { hi: 7 } })).toEqual({ _id: 1, lo: 1, hi: 7 })
    expect(apply({ _id: 1, a: { b: 1 } }, { $rename: { 'a.b': 'c' } })).toEqual({ _id: 1, a: {}, c: 1 })
    expect(apply({ _id: 1, s: [1, 2] }, { $unset: { 's.0': '' } }).s).toEqual([null, 2])
    expect(apply({ _id: 1 }, { $currentDate: { ts: { $type: 'timestamp' } } }).ts).toBeInstanceOf(Timestamp)
    expect(apply({ _id: 1, s: [{ k: 1, v: 'a' }, { k: 2 }] }, { $pull: { s: { k: { $lt: 2 } } } }).s).toEqual([{ k: 2 }])
    expect(apply({ _id: 1, s: ['a', 'b', 'ab'] }, { $pull: { s: /^a/ } as unknown as Document }).s).toEqual(['b'])
    expect(apply({ _id: 1, s: [1, 1.0, 2] }, { $pullAll: { s: [1] } }).s).toEqual([2])
    expect(apply({ _id: 1, f: 0b1010 }, { $bit: { f: { and: 0b0110, or: 0b0001 } } }).f).toBe(0b0011)
  })

  it('replaces a document, keeping _id first', () => {
    expect(Object.keys(apply({ _id: 1, a: 1 }, { b: 2 }))).toEqual(['_id', 'b'])
    expect(codeOf(() => apply({ _id: 1 }, { _id: 2, b: 2 }))).toBe(66)
  })

  it('runs pipeline updates with expressions', () => {
    expect(apply({ _id: 1, a: 2, b: [1, 2, 3] }, [{ $set: { total: { $sum: '$b' }, a: '$$REMOVE' } }])).toEqual({ _id: 1, b: [1, 2, 3], total: 6 })
  })
})

describe('upserts', () => {
  const upsert = (filter: Document, update: Document | Document[]) => buildUpsertDocument(filter, compileUpdate(update, undefined, runPipeline), update)

  it('seeds the new document from equality conditions, then applies the update and $setOnInsert', () => {
    const doc = upsert({ email: 'a@b', $and: [{ region: 'baku' }, { n: { $gte: 1 } }], tier: { $eq: 'gold' }, kind: { $in: ['x'] } }, { $set: { seen: true }, $setOnInsert: { created: 1 } })
    expect(doc).toMatchObject({ email: 'a@b', region: 'baku', tier: 'gold', kind: 'x', seen: true, created: 1 })
    expect(doc).not.toHaveProperty('n')
    expect(Object.keys(doc)[0]).toBe('_id')
  })

  it('takes _id from the query, nested equality paths included', () => {
    expect(upsert({ _id: 'k', 'a.b': 1 }, { $inc: { n: 1 } })).toEqual({ _id: 'k', a: { b: 1 }, n: 1 })
  })

  it('lets the update win over a seeded field', () => {
    expect(upsert({ _id: 1, n: 5 }, { $inc: { n: 1 } })).toEqual({ _id: 1, n: 6 })
  })

  it('uses the replacement document with the query _id', () => {
    expect(upsert({ _id: 3, x: 1 }, { y: 2 })).toEqual({ _id: 3, y: 2 })
  })
})
