import { Types } from 'mongoose'
import { nextSequence } from '#models/counter.server'
import { createLotForBatch, formatLotCode, lotSequenceKey, type LotUnit } from '#models/lot.server'
import { findProductBySku } from '#models/product-lookup.server'

/**
 * A lot as if a batch had passed QC (no booking, shift or batch behind it): for allocation and
 * recall tests that do not need the factory floor.
 */
export async function makeLot(
  overrides: {
    sku?: string
    qty?: number
    bestBefore?: Date | null
    producedOn?: Date
    familyId?: Types.ObjectId
    productId?: Types.ObjectId | null
    unit?: LotUnit
    productName?: { az: string; en: string; ru: string }
    factoryCode?: string
    lineCode?: string
    quarantineReason?: string
  } = {},
) {
  const producedOn = overrides.producedOn ?? new Date(Date.now() - 86_400_000)
  const factoryCode = overrides.factoryCode ?? 'TST'
  const lineCode = overrides.lineCode ?? 'JAM'
  const seq = await nextSequence(lotSequenceKey(factoryCode, lineCode, producedOn))
  // a lot of a catalogue product carries that product's name, as one from a real batch would
  const product = overrides.sku && !overrides.productName ? await findProductBySku(overrides.sku) : null
  return createLotForBatch(
    {
      code: formatLotCode(factoryCode, lineCode, producedOn, seq),
      batchId: new Types.ObjectId(),
      productId: overrides.productId ?? product?.productId ?? null,
      sku: overrides.sku ?? 'TEST-JAM-370',
      productName: overrides.productName ?? product?.name ?? { az: 'Əzgil mürəbbəsi', en: 'Medlar jam', ru: 'Варенье из мушмулы' },
      unit: overrides.unit ?? 'jar',
      familyId: overrides.familyId ?? new Types.ObjectId(),
      placeId: null,
      lineId: null,
      factoryCode,
      lineCode,
      producedOn,
      bestBefore: overrides.bestBefore === undefined ? new Date(Date.now() + 90 * 86_400_000) : overrides.bestBefore,
      qty: overrides.qty ?? 10,
      quarantineReason: overrides.quarantineReason,
    },
    null,
  )
}
