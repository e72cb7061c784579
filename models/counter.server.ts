import mongoose, { Schema, type Model } from 'mongoose'

const counterSchema = new Schema({ _id: { type: String, required: true }, seq: { type: Number, required: true } }, { versionKey: false })

export const CounterModel = (mongoose.models.Counter as Model<{ _id: string; seq: number }>) ?? mongoose.model('Counter', counterSchema, 'counters')

/** Next number of a named sequence: one atomic $inc upsert, so concurrent callers never share a number. */
export async function nextSequence(key: string): Promise<number> {
  const counter = await CounterModel.findOneAndUpdate({ _id: key }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' }).lean()
  return counter!.seq
}

/** e.g. formatReference('ABAD', 2026, 42, 5) → ABAD-2026-00042 */
export function formatReference(prefix: string, year: number, seq: number, width: number) {
  return `${prefix}-${year}-${String(seq).padStart(width, '0')}`
}
