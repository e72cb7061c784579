import mongoose, { Schema, type Model, type Types } from 'mongoose'
import { clockOf, dayKeyOf, isoWeekday, minutesOfClock, type DayKey } from '#app/utils/zoned-time'
import { recordAudit, type Actor } from './audit.server'

export const PLACE_KINDS = ['factory', 'centre', 'hq', 'branch'] as const
export type PlaceKind = (typeof PLACE_KINDS)[number]

const i18nText = { az: { type: String, default: '' }, en: { type: String, default: '' }, ru: { type: String, default: '' } }

/**
 * Where bookable things happen (a factory, a regional centre, the headquarters, a branch). Opening
 * hours are wall-clock times in the place's own zone; closed days are local dates.
 */
const placeSchema = new Schema(
  {
    kind: { type: String, enum: PLACE_KINDS, required: true },
    code: { type: String, required: true, trim: true },
    name: i18nText,
    region: { type: String, required: true },
    address: { type: String, default: '' },
    timezone: { type: String, default: 'Asia/Baku' },
    /** weekday 1 = Monday … 7 = Sunday; several rows for a day = several opening periods; none at all = always open */
    openingHours: {
      type: [{ _id: false, weekday: { type: Number, min: 1, max: 7, required: true }, opens: { type: String, required: true }, closes: { type: String, required: true } }],
      default: [],
    },
    closedDays: { type: [{ _id: false, date: { type: String, required: true }, reason: { type: String, default: '' } }], default: [] },
    status: { type: String, enum: ['active', 'closed'], default: 'active' },
  },
  { timestamps: true },
)
placeSchema.index({ code: 1 }, { unique: true })
placeSchema.index({ kind: 1, region: 1 })

export type Place = {
  _id: Types.ObjectId
  kind: PlaceKind
  code: string
  name: { az: string; en: string; ru: string }
  region: string
  address: string
  timezone: string
  openingHours: { weekday: number; opens: string; closes: string }[]
  closedDays: { date: string; reason: string }[]
  status: 'active' | 'closed'
}
export const PlaceModel = (mongoose.models.Place as Model<Place>) ?? mongoose.model<Place>('Place', placeSchema, 'places')

export const WEEKDAY_HOURS = (opens: string, closes: string, days = [1, 2, 3, 4, 5]) => days.map((weekday) => ({ weekday, opens, closes }))

export async function createPlace(input: Omit<Partial<Place>, '_id'> & Pick<Place, 'kind' | 'code' | 'name' | 'region'>, actor: Actor = null) {
  const place = await PlaceModel.create(input)
  await recordAudit({ actor, action: 'place.created', subject: { type: 'Place', id: place._id }, after: { code: place.code, kind: place.kind } })
  return place.toObject() as Place
}

export async function getPlace(id: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(id)) return null
  return PlaceModel.findById(id).lean<Place>()
}

export async function getPlaceByCode(code: string) {
  return PlaceModel.findOne({ code }).lean<Place>()
}

export async function listPlaces() {
  return PlaceModel.find({ status: 'active' }).select('kind code name region timezone').sort({ code: 1 }).lean<Place[]>()
}

/** Adds a holiday or maintenance day (a local date); adding the same day twice keeps one entry. */
export async function addClosedDay(placeId: string | Types.ObjectId, date: DayKey, reason: string, actor: Actor) {
  const result = await PlaceModel.updateOne({ _id: placeId, 'closedDays.date': { $ne: date } }, { $push: { closedDays: { date, reason } } })
  if (result.modifiedCount) await recordAudit({ actor, action: 'place.closed_day_added', subject: { type: 'Place', id: String(placeId) }, after: { date, reason } })
  return result.modifiedCount === 1
}

export type OpenCheck = { ok: true } | { ok: false; reason: 'closed_day'; details: { date: string; note: string } } | { ok: false; reason: 'outside_opening_hours'; details: { date: string } }

/**
 * Whether a period lies on an open day inside one opening period of the place (local wall time).
 * A period crossing midnight never fits opening hours.
 */
export function checkOpen(place: Pick<Place, 'timezone' | 'openingHours' | 'closedDays'>, startsAt: Date, endsAt: Date): OpenCheck {
  const zone = place.timezone || 'Asia/Baku'
  const day = dayKeyOf(startsAt, zone)
  const closed = place.closedDays.find((entry) => entry.date === day || entry.date === dayKeyOf(new Date(endsAt.getTime() - 1), zone))
  if (closed) return { ok: false, reason: 'closed_day', details: { date: closed.date, note: closed.reason } }
  if (!place.openingHours.length) return { ok: true }
  if (dayKeyOf(new Date(endsAt.getTime() - 1), zone) !== day) return { ok: false, reason: 'outside_opening_hours', details: { date: day } }
  const weekday = isoWeekday(day)
  const from = minutesOfClock(clockOf(startsAt, zone))
  const endClock = clockOf(endsAt, zone)
  const to = endClock === '00:00' ? 24 * 60 : minutesOfClock(endClock)
  const fits = place.openingHours.some((h) => h.weekday === weekday && minutesOfClock(h.opens) <= from && to <= (h.closes === '24:00' ? 1440 : minutesOfClock(h.closes)))
  return fits ? { ok: true } : { ok: false, reason: 'outside_opening_hours', details: { date: day } }
}
