import mongoose, { Schema, type InferSchemaType, type Model, type Types } from 'mongoose'

/**
 * Every payment-provider event the webhook accepted, by the provider's event id (unique): the
 * first delivery inserts it, a replay finds it. `outcome` says what the event did to the order,
 * so staff can see why a payment was flagged or ignored.
 */
export const PAYMENT_EVENT_OUTCOMES = ['processing', 'applied', 'ignored', 'unknown_order', 'amount_mismatch', 'flagged_refunded'] as const
export type PaymentEventOutcome = (typeof PAYMENT_EVENT_OUTCOMES)[number]

const paymentEventSchema = new Schema(
  {
    eventId: { type: String, required: true },
    provider: { type: String, default: 'stripe' },
    type: { type: String, required: true },
    orderId: { type: Schema.Types.ObjectId, ref: 'Order', default: null },
    objectId: { type: String, default: '' },
    outcome: { type: String, enum: PAYMENT_EVENT_OUTCOMES, default: 'processing' },
    note: { type: String, default: '' },
    /** when Stripe created the event (events can arrive out of order) */
    createdAt: { type: Date, required: true },
    receivedAt: { type: Date, required: true },
    processedAt: { type: Date, default: null },
  },
  { versionKey: false },
)
paymentEventSchema.index({ eventId: 1 }, { unique: true })
paymentEventSchema.index({ orderId: 1, createdAt: 1 })

export type PaymentEvent = InferSchemaType<typeof paymentEventSchema> & { _id: Types.ObjectId }
export const PaymentEventModel = (mongoose.models.PaymentEvent as Model<PaymentEvent>) ?? mongoose.model('PaymentEvent', paymentEventSchema, 'paymentEvents')

/**
 * Claims an event for processing. `fresh`: first delivery. `retry`: seen before but never finished
 * (the process died while applying it) — applying it again is safe because every order change is
 * conditional. `duplicate`: already applied; nothing to do.
 */
export async function claimPaymentEvent(input: { eventId: string; type: string; objectId?: string; createdAt: Date }): Promise<'fresh' | 'retry' | 'duplicate'> {
  try {
    await PaymentEventModel.create({ ...input, objectId: input.objectId ?? '', receivedAt: new Date() })
    return 'fresh'
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error
    const seen = await PaymentEventModel.findOne({ eventId: input.eventId }).select('processedAt').lean()
    return seen?.processedAt ? 'duplicate' : 'retry'
  }
}

export async function finishPaymentEvent(eventId: string, result: { outcome: PaymentEventOutcome; orderId?: Types.ObjectId | null; note?: string }) {
  await PaymentEventModel.updateOne(
    { eventId },
    { $set: { outcome: result.outcome, orderId: result.orderId ?? null, note: result.note ?? '', processedAt: new Date() } },
  )
}

export async function listOrderPaymentEvents(orderId: Types.ObjectId | string) {
  return PaymentEventModel.find({ orderId }).select('eventId type outcome note createdAt receivedAt').sort({ createdAt: 1 }).lean()
}
