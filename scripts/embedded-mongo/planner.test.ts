import type { Document } from 'bson'
import { beforeEach, describe, expect, it } from 'vitest'
import { parseSort, sortComparator } from './aggregate.js'
import { Catalog, prepareForInsert, type Collection } from './catalog.js'
import { countRecords, explainPlan, findRecords } from './planner.js'
import { compileFilter } from './query.js'

const CATEGORIES = ['jam', 'tea', 'cheese', 'honey']
const STATUSES = ['draft', 'listed', 'listed', 'delisted']

function seeded(seed: number) {
  let s = seed
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff
    return s / 0x7fffffff
  }
}

let coll: Collection

beforeEach(() => {
  const catalog = new Catalog()
  coll = catalog.ensureCollection('db', 'products').coll
  coll.createIndex({ key: { slug: 1 }, unique: true })
  coll.createIndex({ key: { category: 1, price: 1 } })
  coll.createIndex({ key: { status: 1, category: 1 } })
  coll.createIndex({ key: { tags: 1 } })
  coll.createIndex({ key: { code: 1 }, sparse: true })
  coll.createIndex({ key: { ref: 1 }, partialFilterExpression: { active: true } })
  const next = seeded(7)
  const docs: Document[] = []
  for (let i = 0; i < 600; i++) {
    const doc: Document = {
      _id: i,
      slug: `p-${i}`,
      category: CATEGORIES[i % 4],
      status: STATUSES[Math.floor(next() * 4)],
      price: Math.floor(next() * 100),
      tags: i % 3 === 0 ? ['a', 'b'] : i % 3 === 1 ? ['b'] : [],
      active: i % 2 === 0,
      ref: i % 50,
    }
    if (i % 5 === 0) doc.code = `c${i % 20}`
    if (i % 7 === 0) doc.price = i % 2 === 0 ? String(doc.price) : null
    docs.push(doc)
  }
  coll.insertMany(docs.map(prepareForInsert), true)
})

function find(filter: Document, opts: { sort?: Document; limit?: number; skip?: number; hint?: unknown } = {}) {
  return findRecords(coll, filter, compileFilter(filter), { sort: opts.sort ? parseSort(opts.sort) : undefined, limit: opts.limit, skip: opts.skip, hint: opts.hint }).map((r) => r.doc)
}

/** The answer without any index: every document, the filter, a stable sort. */
function scan(filter: Document, opts: { sort?: Document; limit?: number; skip?: number } = {}) {
  const match = compileFilter(filter)
  let docs = [...coll.records()].map((r) => r.doc).filter((d) => match(d))
  if (opts.sort) docs = [...docs].sort(sortComparator(parseSort(opts.sort)))
  return docs.slice(opts.skip ?? 0, opts.limit ? (opts.skip ?? 0) + opts.limit : undefined)
}

const sortedIds = (docs: Document[]) => docs.map((d) => d._id as number).sort((a, b) => a - b)

describe('plan choice', () => {
  it('looks documents up by _id directly', () => {
    expect(explainPlan(coll, { _id: 5 })).toMatchObject({ kind: 'idLookup', exact: true })
    expect(explainPlan(coll, { _id: { $in: [1, 2] }, status: 'listed' })).toMatchObject({ kind: 'idLookup', exact: false })
  })

  it('uses the hash of a unique index for equality', () => {
    expect(explainPlan(coll, { slug: 'p-3' })).toMatchObject({ kind: 'hashLookup', index: 'slug_1' })
  })

  it('walks a compound index for equality + sort, so a limit stops early', () => {
    expect(explainPlan(coll, { category: 'tea' }, { sort: parseSort({ price: -1 }), limit: 20 })).toMatchObject({
      kind: 'indexRange',
      index: 'category_1_price_1',
      sorted: true,
    })
  })

  it('uses an index prefix with a range on the next field', () => {
    expect(explainPlan(coll, { category: 'jam', price: { $gte: 10, $lt: 20 } })).toMatchObject({ index: 'category_1_price_1', exact: true })
  })

  it('counts an exact equality on a non-unique index from its ordered entries without visiting documents', () => {
    expect(explainPlan(coll, { status: 'listed', category: 'tea' })).toMatchObject({ kind: 'indexRange', index: 'status_1_category_1', exact: true })
  })

  it('does not trust multikey bounds to count or sort', () => {
    const plan = explainPlan(coll, { tags: { $gt: 'a', $lte: 'b' } }, { sort: parseSort({ tags: 1 }), limit: 5 })
    expect(plan.index).toBe('tags_1')
    expect(plan.exact).toBe(false)
    expect(plan.sorted).toBe(false)
  })

  it('skips a sparse index when documents without the field could match', () => {
    expect(explainPlan(coll, { code: null }).index).not.toBe('code_1')
    expect(explainPlan(coll, { code: 'c5' }).index).toBe('code_1')
  })

  it('uses a partial index only when the query implies its filter', () => {
    expect(explainPlan(coll, { ref: 3 }).index).not.toBe('ref_1')
    expect(explainPlan(coll, { ref: 3, active: true }).index).toBe('ref_1')
  })

  it('unites the indexed branches of an $or, and scans when one branch has no index', () => {
    expect(explainPlan(coll, { $or: [{ slug: 'p-9' }, { category: 'tea', price: { $lt: 5 } }] })).toMatchObject({ kind: 'orUnion', index: 'slug_1,category_1_price_1' })
    expect(explainPlan(coll, { active: true, $and: [{ $or: [{ _id: 1 }, { tags: 'a' }] }] }).kind).toBe('orUnion')
    expect(explainPlan(coll, { $or: [{ slug: 'p-9' }, { price: 3 }] }).kind).toBe('collScan')
  })

  it('scans when no index helps and honours hints', () => {
    expect(explainPlan(coll, { price: 5 }).kind).toBe('collScan')
    expect(explainPlan(coll, { category: 'jam' }, { hint: { $natural: 1 } }).kind).toBe('collScan')
    expect(explainPlan(coll, { price: 5 }, { hint: 'category_1_price_1' }).index).toBe('category_1_price_1')
    expect(() => explainPlan(coll, {}, { hint: 'nope' })).toThrow(/hint provided does not correspond to an existing index/)
  })
})

describe('plans return what a full scan returns', () => {
  const cases: Array<[Document, { sort?: Document; limit?: number; skip?: number }]> = [
    [{ _id: { $in: [3, 1, 999] } }, {}],
    [{ slug: { $in: ['p-1', 'p-2', 'nope'] } }, {}],
    [{ category: 'tea' }, { sort: { price: 1 }, limit: 15 }],
    [{ category: 'tea' }, { sort: { price: -1 }, limit: 15, skip: 4 }],
    [{ category: { $in: ['tea', 'jam'] } }, { sort: { price: 1, _id: 1 }, limit: 30 }],
    [{ category: 'jam', price: { $gt: 20, $lte: 60 } }, {}],
    [{ category: 'jam', price: { $gte: '0' } }, {}],
    [{ category: 'honey', price: null }, {}],
    [{ status: 'listed', category: 'cheese' }, {}],
    [{ status: 'listed' }, { sort: { category: 1, _id: 1 } }],
    [{ tags: 'a' }, {}],
    [{ tags: { $gt: 'a', $lte: 'b' } }, {}],
    [{ tags: { $size: 0 } }, {}],
    [{ code: 'c5' }, {}],
    [{ code: { $exists: false } }, {}],
    [{ ref: 7, active: true }, {}],
    [{ price: { $lt: 10 } }, { sort: { price: 1, _id: 1 }, limit: 10 }],
    [{}, { sort: { slug: -1 }, limit: 3 }],
    [{ $or: [{ slug: 'p-9' }, { price: 3 }] }, {}],
    [{ $or: [{ slug: 'p-9' }, { category: 'tea', price: { $lt: 5 } }, { _id: { $in: [9, 10] } }] }, {}],
    [{ active: true, $and: [{ $or: [{ tags: 'a' }, { slug: 'p-2' }] }] }, { sort: { _id: -1 }, limit: 7 }],
  ]
  /** Documents with equal sort keys may come in any order (as in MongoDB): compare the keys, and the sets when nothing was cut off. */
  function expectSame(filter: Document, opts: { sort?: Document; limit?: number; skip?: number }) {
    const got = find(filter, opts)
    const want = scan(filter, opts)
    expect(got).toHaveLength(want.length)
    if (opts.sort) {
      const keys = Object.keys(opts.sort)
      const sortKeys = (docs: Document[]) => docs.map((d) => keys.map((k) => d[k]))
      expect(sortKeys(got)).toEqual(sortKeys(want))
    }
    if (!opts.limit && !opts.skip) expect(sortedIds(got)).toEqual(sortedIds(want))
    expect(countRecords(coll, filter, compileFilter(filter))).toBe(scan(filter).length)
  }

  it.each(cases)('%j %j', (filter, opts) => expectSame(filter, opts))

  it('stays right while documents change', () => {
    const recs = findRecords(coll, { category: 'tea' }, compileFilter({ category: 'tea' }), { limit: 50 })
    for (const rec of recs) coll.replace(rec, { ...rec.doc, category: 'jam', price: 1000 + Number(rec.doc._id) })
    coll.delete(findRecords(coll, { status: 'draft' }, compileFilter({ status: 'draft' })))
    for (const [filter, opts] of cases) expectSame(filter, opts)
  })
})

describe('contradictory and very large conditions', () => {
  it('finds nothing for bounds that exclude each other, without scanning', () => {
    expect(find({ category: 'tea', price: { $gt: 50, $lt: 10 } })).toEqual([])
    expect(countRecords(coll, { category: { $in: ['tea'] }, status: 'listed', $and: [{ status: 'draft' }] }, compileFilter({ category: { $in: ['tea'] }, status: 'listed', $and: [{ status: 'draft' }] }))).toBe(0)
    expect(find({ _id: 1, $and: [{ _id: 2 }] })).toEqual([])
  })

  it('still uses the _id map for a long $in list (a populate of many documents)', () => {
    const wanted = Array.from({ length: 2000 }, (_, i) => i * 3)
    expect(explainPlan(coll, { _id: { $in: wanted } }).kind).toBe('idLookup')
    expect(find({ _id: { $in: wanted } })).toHaveLength(200)
  })
})

describe('emptying a collection', () => {
  it('leaves every index empty and usable', () => {
    expect(find({ category: 'tea' }, { sort: { price: 1 }, limit: 3 })).toHaveLength(3)
    expect(explainPlan(coll, { tags: { $gt: 'a', $lte: 'b' } }).exact).toBe(false)
    coll.delete(findRecords(coll, {}, compileFilter({})))
    expect(coll.size).toBe(0)
    expect(find({ category: 'tea' }, { sort: { price: 1 }, limit: 3 })).toEqual([])
    coll.insertMany([prepareForInsert({ _id: 1, slug: 'p-1', category: 'tea', price: 5, tags: 'a' })], true)
    expect(find({ category: 'tea' }, { sort: { price: 1 } }).map((d) => d._id)).toEqual([1])
    expect(coll.insertMany([prepareForInsert({ _id: 2, slug: 'p-1' })], true).errors[0]?.error.code).toBe(11000)
    expect(explainPlan(coll, { tags: { $gt: 'a', $lte: 'b' } }).exact).toBe(true)
  })
})
