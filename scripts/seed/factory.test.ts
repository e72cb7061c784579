import { describe, expect, it } from 'vitest'
import { BatchModel } from '#models/batch.server'
import { BookingModel } from '#models/booking.server'
import { familyLineStandings, listFactories, listUnclosedShifts } from '#models/factory.server'
import { LOT_CODE_PATTERN, LotModel } from '#models/lot.server'
import { SlotModel } from '#models/slot.server'
import { UserModel } from '#models/user.server'
import { seedAccounts } from './accounts'
import { seedApplications } from './applications'
import { seedFactory } from './factory'
import { SECOND_DEMO_FAMILY_EMAIL, seedTraining } from './training'

describe('factory seed', () => {
  it('builds the Guba factory and Balakan centre with lines, shifts, batches and lots for the demo families', async () => {
    await seedAccounts()
    await seedApplications()
    await seedTraining()
    await seedFactory()

    const factories = await listFactories()
    const codes = Object.fromEntries(factories.map((f) => [f.region, f.lines.map((l) => l.code).sort()]))
    expect(codes.Guba).toEqual(['DAIRY', 'DRY', 'JAM'])
    expect(codes.Balakan).toEqual(['DRY', 'LOOM', 'WOOD'])
    expect(await SlotModel.countDocuments({ kind: 'line', startsAt: { $gt: new Date(Date.now() + 21 * 86_400_000) } })).toBeGreaterThan(20)

    const demo = (await UserModel.findOne({ email: 'family@demo.abad.az' }).lean())!
    const lots = await LotModel.find({ familyId: demo.familyId }).lean()
    expect(lots.every((lot) => LOT_CODE_PATTERN.test(lot.code) && lot.code.startsWith('GUB-JAM-'))).toBe(true)
    expect(lots.map((l) => l.status).sort()).toEqual(['available', 'available', 'available', 'expired', 'quarantined'])
    expect(await BatchModel.countDocuments({ familyId: demo.familyId })).toBe(5)
    expect(await BookingModel.countDocuments({ 'holder.id': demo.familyId, kind: 'line', status: 'no_show' })).toBe(1)
    expect(await BookingModel.countDocuments({ 'holder.id': demo.familyId, kind: 'line', status: 'confirmed', startsAt: { $gt: new Date() } })).toBeGreaterThanOrEqual(1)

    // the technician has a shift that started and is still open, with the demo family booked and not checked in
    const technician = (await UserModel.findOne({ email: 'technician@demo.abad.az' }).lean())!
    const startOfTomorrow = new Date(Date.now() + 86_400_000)
    const open = await listUnclosedShifts({ before: startOfTomorrow, staffId: technician._id, days: 8 })
    const waiting = open.flatMap((s) => s.bookings).filter((b) => String(b.holder.id) === String(demo.familyId) && b.status === 'confirmed')
    expect(waiting).toHaveLength(1)

    // the second demo family may not use the jam line: the browser test shows why
    const second = (await UserModel.findOne({ email: SECOND_DEMO_FAMILY_EMAIL }).lean())!
    const standings = await familyLineStandings(second.familyId!)
    expect(standings.find((s) => s.line.code === 'JAM')?.standing.ok).toBe(false)
    expect(standings.some((s) => s.line.code === 'DRY' && s.standing.ok)).toBe(true)
    expect(await LotModel.countDocuments({ familyId: second.familyId, status: 'available' })).toBe(2)
  }, 300_000)
})
