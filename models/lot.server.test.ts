import { describe, expect, test } from 'vitest'
import mongoose, { Types } from 'mongoose'
import { makeLot } from '#tests/factories/lots'
import {
  commitSale,
  effectiveLotStatus,
  expireLots,
  formatLotCode,
  getLot,
  listLotRecipients,
  lotCodeParts,
  LotModel,
  recallLot,
  releaseReservation,
  reserveStock,
  stockBySku,
  toCsv,
  writeOffLot,
} from './lot.server'
import { LotMovementModel } from './lot-movement.server'

const DAY = 86_400_000
const inDays = (days: number) => new Date(Date.now() + days * DAY)
const order = () => new Types.ObjectId()

async function ledger(lotId: Types.ObjectId) {
  const moves = await LotMovementModel.find({ lotId }).lean()
  const sum = (kind: string) => moves.filter((m) => m.kind === kind).reduce((s, m) => s + m.qty, 0)
  return { produced: sum('produced'), reserved: sum('reserved'), released: sum('released'), sold: sum('sold'), writtenOff: sum('written_off'), count: moves.length }
}

describe('lot codes', () => {
  test('read factory-line-day-sequence in the factory’s day, padded to three digits', () => {
    // 22:30 UTC on 28 Nov is already 29 Nov in Baku
    expect(formatLotCode('GUB', 'JAM', new Date('2026-11-28T22:30:00Z'), 3)).toBe('GUB-JAM-20261129-003')
    expect(formatLotCode('BAL', 'DRY', new Date('2026-01-05T08:00:00Z'), 1234)).toBe('BAL-DRY-20260105-1234')
  })

  test('take short factory and line parts from the place and line codes', () => {
    expect(lotCodeParts('GUBA-FACTORY', 'jam')).toEqual({ factoryCode: 'GUB', lineCode: 'JAM' })
    expect(lotCodeParts('BAL', 'carpet-looms')).toEqual({ factoryCode: 'BAL', lineCode: 'CARPET' })
  })
})

describe('FEFO reservation', () => {
  test('takes the earliest best-before first and spans lots when one is not enough', async () => {
    const late = await makeLot({ qty: 10, bestBefore: inDays(90) })
    const early = await makeLot({ qty: 4, bestBefore: inDays(10) })
    const middle = await makeLot({ qty: 5, bestBefore: inDays(30) })
    const result = await reserveStock({ sku: 'TEST-JAM-370', qty: 7, orderId: order() })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.allocations.map((a) => [a.code, a.qty])).toEqual([
      [early.code, 4],
      [middle.code, 3],
    ])
    expect((await getLot(early._id))!).toMatchObject({ qtyAvailable: 0, qtyReserved: 4 })
    expect((await getLot(middle._id))!).toMatchObject({ qtyAvailable: 2, qtyReserved: 3 })
    expect(effectiveLotStatus((await getLot(early._id))!)).toBe('reserved')
    expect(effectiveLotStatus((await getLot(middle._id))!)).toBe('reserved_partly')
    expect(effectiveLotStatus((await getLot(late._id))!)).toBe('available')
    expect((await getLot(late._id))!).toMatchObject({ qtyAvailable: 10, qtyReserved: 0 })
    expect((await stockBySku(['TEST-JAM-370'])).get('TEST-JAM-370')).toBe(12)
  })

  test('never allocates a lot past its best-before, a quarantined or a recalled lot', async () => {
    const expired = await makeLot({ qty: 50, bestBefore: inDays(-1) })
    await makeLot({ qty: 50, quarantineReason: 'brix too low' })
    const recalled = await makeLot({ qty: 50, bestBefore: inDays(5) })
    await recallLot({ lotId: recalled._id, reason: 'glass in a jar', actor: null })
    const good = await makeLot({ qty: 3, bestBefore: inDays(60) })
    const result = await reserveStock({ sku: 'TEST-JAM-370', qty: 3, orderId: order() })
    expect(result.ok && result.allocations.map((a) => a.code)).toEqual([good.code])
    expect(effectiveLotStatus((await getLot(expired._id))!)).toBe('expired')
    expect((await stockBySku(['TEST-JAM-370'])).get('TEST-JAM-370')).toBe(0)
  })

  test('an order that cannot be filled gives back everything it took and says how much there was', async () => {
    const a = await makeLot({ qty: 2, bestBefore: inDays(10) })
    const b = await makeLot({ qty: 3, bestBefore: inDays(20) })
    const id = order()
    const result = await reserveStock({ sku: 'TEST-JAM-370', qty: 6, orderId: id })
    expect(result).toEqual({ ok: false, reason: 'insufficient_stock', requested: 6, available: 5 })
    for (const lot of [a, b]) {
      expect((await getLot(lot._id))!).toMatchObject({ qtyAvailable: lot.qtyProduced, qtyReserved: 0 })
      const moves = await ledger(lot._id)
      expect(moves.reserved).toBe(moves.released)
    }
    expect(await LotModel.countDocuments({ 'reservations.orderId': id })).toBe(0)
  })

  test('refuses zero, negative and fractional quantities', async () => {
    await makeLot({ qty: 5 })
    for (const qty of [0, -1, 1.5, Number.NaN]) expect(await reserveStock({ sku: 'TEST-JAM-370', qty, orderId: order() })).toEqual({ ok: false, reason: 'invalid_quantity' })
  })

  test('a retried reservation of the same order reuses what it holds and is counted once', async () => {
    const lot = await makeLot({ qty: 10 })
    const id = order()
    const first = await reserveStock({ sku: 'TEST-JAM-370', qty: 4, orderId: id })
    const again = await reserveStock({ sku: 'TEST-JAM-370', qty: 4, orderId: id })
    expect(again).toEqual(first)
    expect((await getLot(lot._id))!).toMatchObject({ qtyAvailable: 6, qtyReserved: 4 })
    expect((await ledger(lot._id)).reserved).toBe(4)
  })

  test('release gives the units back once, however often it is called', async () => {
    const lot = await makeLot({ qty: 10 })
    const id = order()
    await reserveStock({ sku: 'TEST-JAM-370', qty: 6, orderId: id })
    const first = await releaseReservation(id, { reason: 'payment timed out' })
    const second = await releaseReservation(id)
    expect(first.released.map((r) => r.qty)).toEqual([6])
    expect(second.released).toEqual([])
    expect((await getLot(lot._id))!).toMatchObject({ qtyAvailable: 10, qtyReserved: 0 })
    expect(await ledger(lot._id)).toMatchObject({ reserved: 6, released: 6 })
  })

  test('a sale moves reserved units to sold once and marks an empty lot sold out', async () => {
    const lot = await makeLot({ qty: 5 })
    const id = order()
    await reserveStock({ sku: 'TEST-JAM-370', qty: 5, orderId: id })
    const sale = await commitSale(id)
    const again = await commitSale(id)
    expect(sale).toEqual(again)
    expect(sale.ok && sale.sold.map((s) => [s.code, s.qty])).toEqual([[lot.code, 5]])
    expect((await getLot(lot._id))!).toMatchObject({ qtyAvailable: 0, qtyReserved: 0, qtySold: 5, status: 'sold_out' })
    expect(await ledger(lot._id)).toMatchObject({ produced: 5, reserved: 5, sold: 5 })
  })

  test('a recalled lot is not sold: the order keeps its reservation and learns which lot', async () => {
    const lot = await makeLot({ qty: 5 })
    const id = order()
    await reserveStock({ sku: 'TEST-JAM-370', qty: 2, orderId: id })
    await recallLot({ lotId: lot._id, reason: 'mould found', actor: null })
    expect(await commitSale(id)).toEqual({ ok: false, reason: 'recalled', lots: [lot.code] })
    expect((await getLot(lot._id))!).toMatchObject({ qtySold: 0, qtyReserved: 2 })
  })
})

describe('expiry sweep', () => {
  test('marks only available lots past best-before as expired, once', async () => {
    const past = await makeLot({ qty: 5, bestBefore: inDays(-2) })
    const future = await makeLot({ qty: 5, bestBefore: inDays(2) })
    const craft = await makeLot({ qty: 5, bestBefore: null })
    expect(await expireLots()).toBe(1)
    expect(await expireLots()).toBe(0)
    expect((await getLot(past._id))!.status).toBe('expired')
    expect((await getLot(future._id))!.status).toBe('available')
    expect((await getLot(craft._id))!.status).toBe('available')
  })
})

describe('staff actions', () => {
  test('recall takes the lot off sale at once and cannot be repeated', async () => {
    const lot = await makeLot({ qty: 8 })
    const actor = { _id: new Types.ObjectId(), name: 'Tural Babayev' }
    const first = await recallLot({ lotId: lot._id, reason: 'label misprint', actor })
    expect(first.ok && first.lot).toMatchObject({ status: 'recalled', recall: { reason: 'label misprint', byName: 'Tural Babayev', previousStatus: 'available' } })
    expect(await recallLot({ lotId: lot._id, reason: 'again', actor })).toEqual({ ok: false, reason: 'already_recalled' })
    expect((await reserveStock({ sku: 'TEST-JAM-370', qty: 1, orderId: order() })).ok).toBe(false)
  })

  test('write-off never goes below zero and is in the ledger with its reason', async () => {
    const lot = await makeLot({ qty: 3 })
    expect(await writeOffLot({ lotId: lot._id, qty: 4, reason: 'broken', actor: null })).toEqual({ ok: false, reason: 'not_enough' })
    const done = await writeOffLot({ lotId: lot._id, qty: 3, reason: 'broken jars', actor: null })
    expect(done.ok && done.lot.qtyAvailable).toBe(0)
    expect((await getLot(lot._id))!.status).toBe('sold_out')
    const moves = await LotMovementModel.find({ lotId: lot._id, kind: 'written_off' }).lean()
    expect(moves.map((m) => [m.qty, m.reason])).toEqual([[3, 'broken jars']])
  })
})

describe('recall recipients', () => {
  test('lists every order that received the lot, with its shopper or retailer and quantity, and exports CSV', async () => {
    const lot = await makeLot({ qty: 20 })
    const other = await makeLot({ qty: 20 })
    const db = mongoose.connection.db!
    const retailerId = new Types.ObjectId()
    await db.collection('retailers').insertOne({ _id: retailerId, name: 'Bravo Supermarket' })
    await db.collection('orders').insertMany([
      { number: 'ABAD-2026-00001', trackingToken: 'token-1', idempotencyKey: 'checkout-1', channel: 'boutique', status: 'paid', customer: { name: 'Zəhra Cəfərova', email: 'zehra@example.az', phone: '+994501112233' }, createdAt: inDays(-3), lines: [{ sku: 'TEST-JAM-370', qty: 3, lots: [{ lotId: lot._id, code: lot.code, qty: 2 }, { lotId: other._id, code: other.code, qty: 1 }] }] },
      { number: 'ABAD-2026-00002', trackingToken: 'token-2', idempotencyKey: 'checkout-2', channel: 'retail', status: 'delivered', retailerId, createdAt: inDays(-2), lines: [{ sku: 'TEST-JAM-370', qty: 10, lots: [{ lotId: lot._id, code: lot.code, qty: 10 }] }] },
      { number: 'ABAD-2026-00003', trackingToken: 'token-3', idempotencyKey: 'checkout-3', channel: 'boutique', status: 'paid', customer: { name: 'Other', email: 'o@example.az' }, createdAt: inDays(-1), lines: [{ sku: 'TEST-JAM-370', qty: 1, lots: [{ lotId: other._id, code: other.code, qty: 1 }] }] },
      // gave its units back: cancelled, and refunded before it left the shop
      { number: 'ABAD-2026-00004', trackingToken: 'token-4', idempotencyKey: 'checkout-4', channel: 'boutique', status: 'cancelled', customer: { name: 'Cancelled', email: 'c@example.az' }, createdAt: inDays(-1), history: [{ status: 'placed' }, { status: 'cancelled' }], lines: [{ sku: 'TEST-JAM-370', qty: 1, lots: [{ lotId: lot._id, code: lot.code, qty: 1 }] }] },
      { number: 'ABAD-2026-00005', trackingToken: 'token-5', idempotencyKey: 'checkout-5', channel: 'boutique', status: 'refunded', customer: { name: 'Refunded early', email: 'r@example.az' }, createdAt: inDays(-1), history: [{ status: 'placed' }, { status: 'paid' }, { status: 'refunded' }], lines: [{ sku: 'TEST-JAM-370', qty: 1, lots: [{ lotId: lot._id, code: lot.code, qty: 1 }] }] },
      // refunded after it was delivered: the jar is with the shopper
      { number: 'ABAD-2026-00006', trackingToken: 'token-6', idempotencyKey: 'checkout-6', channel: 'boutique', status: 'refunded', customer: { name: 'Refunded late', email: 'l@example.az' }, createdAt: inDays(0), history: [{ status: 'placed' }, { status: 'delivered' }, { status: 'refunded' }], lines: [{ sku: 'TEST-JAM-370', qty: 1, lots: [{ lotId: lot._id, code: lot.code, qty: 1 }] }] },
    ])
    const rows = await listLotRecipients(lot._id)
    expect(rows.map((r) => [r.number, r.customerName || r.retailerName, r.qty])).toEqual([
      ['ABAD-2026-00001', 'Zəhra Cəfərova', 2],
      ['ABAD-2026-00002', 'Bravo Supermarket', 10],
      ['ABAD-2026-00006', 'Refunded late', 1],
    ])
    const csv = toCsv(['number', 'name', 'phone'], rows.slice(0, 2).map((r) => [r.number, r.customerName, r.customerPhone]))
    expect(csv).toBe("number,name,phone\r\nABAD-2026-00001,Zəhra Cəfərova,'+994501112233\r\nABAD-2026-00002,,\r\n")
  })

  test('CSV quotes commas and quotes', () => {
    expect(toCsv(['a'], [['Aliyev, "Bal" MMC']])).toBe('a\r\n"Aliyev, ""Bal"" MMC"\r\n')
  })
})

describe('concurrency', () => {
  test('100 concurrent single-unit orders against three lots fill them first-expired-first-out, exactly', async () => {
    const first = await makeLot({ qty: 30, bestBefore: inDays(10) })
    const second = await makeLot({ qty: 40, bestBefore: inDays(20) })
    const third = await makeLot({ qty: 50, bestBefore: inDays(30) })
    const results = await Promise.all(Array.from({ length: 100 }, () => reserveStock({ sku: 'TEST-JAM-370', qty: 1, orderId: order() })))
    expect(results.filter((r) => r.ok)).toHaveLength(100)
    const lots = await Promise.all([first, second, third].map((l) => getLot(l._id)))
    expect(lots.map((l) => [l!.qtyAvailable, l!.qtyReserved])).toEqual([
      [0, 30],
      [0, 40],
      [20, 30],
    ])
  }, 180_000)

  test('100 concurrent two-unit orders against 120 units: never negative, every unit accounted for', async () => {
    const lots = [await makeLot({ qty: 30, bestBefore: inDays(10) }), await makeLot({ qty: 40, bestBefore: inDays(20) }), await makeLot({ qty: 50, bestBefore: inDays(30) })]
    const results = await Promise.all(Array.from({ length: 100 }, () => reserveStock({ sku: 'TEST-JAM-370', qty: 2, orderId: order() })))
    const succeeded = results.filter((r) => r.ok)
    const taken = succeeded.reduce((sum, r) => sum + (r.ok ? r.allocations.reduce((s, a) => s + a.qty, 0) : 0), 0)
    expect(taken).toBe(succeeded.length * 2)
    expect(succeeded.length).toBeGreaterThan(0)
    expect(succeeded.length).toBeLessThanOrEqual(60)
    let reserved = 0
    for (const original of lots) {
      const lot = (await getLot(original._id))!
      expect(lot.qtyAvailable).toBeGreaterThanOrEqual(0)
      expect(lot.qtyReserved).toBeGreaterThanOrEqual(0)
      expect(lot.qtyAvailable + lot.qtyReserved).toBe(original.qtyProduced)
      const moves = await ledger(lot._id)
      expect(moves.reserved - moves.released).toBe(lot.qtyReserved)
      reserved += lot.qtyReserved
    }
    expect(reserved).toBe(taken)
    // each successful order holds exactly its two units; a failed one holds nothing
    const held = new Map<string, number>()
    for (const lot of await LotModel.find({}).select('reservations').lean())
      for (const r of lot.reservations) held.set(String(r.orderId), (held.get(String(r.orderId)) ?? 0) + r.qty)
    expect(held.size).toBe(succeeded.length)
    expect([...held.values()].every((qty) => qty === 2)).toBe(true)
  }, 180_000)
})
