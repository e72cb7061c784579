import mongoose, { Schema, type InferSchemaType, type Model, type Types } from 'mongoose'

/**
 * A household accepted into ABAD. Created when a case manager accepts its application; several
 * user accounts (users.familyId) act for it.
 */
const familySchema = new Schema(
  {
    name: { type: String, required: true, trim: true },
    region: { type: String, required: true },
    village: { type: String, default: '' },
    address: { type: String, default: '' },
    phone: { type: String, default: '' },
    members: {
      type: [
        {
          _id: false,
          userId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
          name: { type: String, required: true },
          role: { type: String, default: 'member' },
          isLead: { type: Boolean, default: false },
        },
      ],
      default: [],
    },
    womenLed: { type: Boolean, default: false },
    businessKind: { type: String, enum: ['food', 'craft'], default: 'food' },
    products: { type: [String], default: [] },
    status: { type: String, enum: ['active', 'suspended', 'left'], default: 'active' },
    applicationId: { type: Schema.Types.ObjectId, ref: 'Application', default: null },
    acceptedAt: { type: Date, default: () => new Date() },
    makerPage: {
      published: { type: Boolean, default: false },
      slug: { type: String, default: undefined },
      story: { az: { type: String, default: '' }, en: { type: String, default: '' }, ru: { type: String, default: '' } },
      photo: { type: String, default: '' },
    },
  },
  { timestamps: true },
)
familySchema.index({ 'makerPage.slug': 1 }, { unique: true, sparse: true })
familySchema.index({ region: 1, status: 1 })
familySchema.index({ 'members.userId': 1 })

export type Family = InferSchemaType<typeof familySchema> & { _id: Types.ObjectId }
export const FamilyModel = (mongoose.models.Family as Model<Family>) ?? mongoose.model('Family', familySchema, 'families')

export async function getFamily(id: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(id)) return null
  return FamilyModel.findById(id).lean<Family>()
}

/** Only an active (accepted, not suspended) family may enrol, book and sell. */
export async function isActiveFamily(id: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(id)) return false
  return Boolean(await FamilyModel.exists({ _id: id, status: 'active' }))
}
