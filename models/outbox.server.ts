import mongoose, { Schema, type InferSchemaType, type Model, type Types } from 'mongoose'

/** Every mail the platform sends, whether SMTP delivered it or it waits here for the outbox page. */
const outboxSchema = new Schema(
  {
    to: { type: String, required: true, lowercase: true },
    locale: { type: String, enum: ['az', 'en', 'ru'], required: true },
    template: { type: String, required: true },
    subject: { type: String, required: true },
    body: { type: String, required: true },
    status: { type: String, enum: ['stored', 'sent', 'failed'], required: true },
    error: { type: String, default: '' },
  },
  { timestamps: true },
)
outboxSchema.index({ status: 1, createdAt: -1 })
outboxSchema.index({ to: 1, createdAt: -1 })
outboxSchema.index({ createdAt: -1 })

export type OutboxMessage = InferSchemaType<typeof outboxSchema> & { _id: Types.ObjectId; createdAt: Date }
export const OutboxModel = (mongoose.models.Outbox as Model<OutboxMessage>) ?? mongoose.model('Outbox', outboxSchema, 'outbox')

export async function storeOutboxMessage(message: Pick<OutboxMessage, 'to' | 'locale' | 'template' | 'subject' | 'body' | 'status'> & { error?: string }) {
  return OutboxModel.create(message)
}

export async function listOutbox({ to, page = 1, perPage = 20 }: { to?: string; page?: number; perPage?: number }) {
  const filter = to ? { to: { $regex: to.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), $options: 'i' } } : {}
  const [items, total] = await Promise.all([
    OutboxModel.find(filter).sort({ createdAt: -1, _id: -1 }).skip((page - 1) * perPage).limit(perPage).lean<OutboxMessage[]>(),
    OutboxModel.countDocuments(filter),
  ])
  return { items, total, page, perPage }
}

export async function getOutboxMessage(id: string) {
  if (!mongoose.isValidObjectId(id)) return null
  return OutboxModel.findById(id).lean<OutboxMessage>()
}
