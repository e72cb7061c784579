import mongoose, { Schema, type InferSchemaType, type Model, type Types } from 'mongoose'
import type { Actor } from './audit.server'

export const MOVEMENT_KINDS = ['produced', 'reserved', 'released', 'sold', 'written_off'] as const
export type MovementKind = (typeof MOVEMENT_KINDS)[number]

/**
 * The lot ledger: every change of a lot's quantities, with who and why. `key` is unique, so the
 * same reservation, release or sale is recorded once however often a caller retries.
 */
const lotMovementSchema = new Schema(
  {
    key: { type: String, required: true },
    lotId: { type: Schema.Types.ObjectId, ref: 'Lot', required: true },
    lotCode: { type: String, required: true },
    sku: { type: String, required: true },
    kind: { type: String, enum: MOVEMENT_KINDS, required: true },
    qty: { type: Number, required: true, min: 0 },
    orderId: { type: Schema.Types.ObjectId, default: null },
    by: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    byName: { type: String, default: '' },
    reason: { type: String, default: '' },
    at: { type: Date, required: true, default: () => new Date() },
  },
  { versionKey: false },
)
lotMovementSchema.index({ key: 1 }, { unique: true })
lotMovementSchema.index({ lotId: 1, at: 1 })
lotMovementSchema.index({ orderId: 1 })

export type LotMovement = InferSchemaType<typeof lotMovementSchema> & { _id: Types.ObjectId }
export const LotMovementModel =
  (mongoose.models.LotMovement as Model<LotMovement>) ?? mongoose.model('LotMovement', lotMovementSchema, 'lotMovements')

export type MovementInput = {
  key: string
  lotId: Types.ObjectId
  lotCode: string
  sku: string
  kind: MovementKind
  qty: number
  orderId?: Types.ObjectId | null
  by?: Actor
  reason?: string
  at?: Date
}

/** Writes the movement unless one with the same key exists (a retry); returns whether it was new. */
export async function recordMovement(input: MovementInput) {
  const doc = {
    key: input.key,
    lotId: input.lotId,
    lotCode: input.lotCode,
    sku: input.sku,
    kind: input.kind,
    qty: input.qty,
    orderId: input.orderId ?? null,
    by: input.by?._id ?? null,
    byName: input.by?.name ?? '',
    reason: input.reason ?? '',
    at: input.at ?? new Date(),
  }
  try {
    const result = await LotMovementModel.updateOne({ key: input.key }, { $setOnInsert: doc }, { upsert: true })
    return result.upsertedCount === 1
  } catch (error) {
    // two retries racing on the same key: the other one wrote it
    if ((error as { code?: number }).code === 11000) return false
    throw error
  }
}

export async function listLotMovements(lotId: Types.ObjectId | string) {
  return LotMovementModel.find({ lotId }).select('kind qty orderId byName reason at').sort({ at: 1, _id: 1 }).lean()
}

export async function listOrderMovements(orderId: Types.ObjectId | string, kind?: MovementKind) {
  return LotMovementModel.find({ orderId, ...(kind ? { kind } : {}) }).select('lotId lotCode sku kind qty at').sort({ at: 1, _id: 1 }).lean()
}
