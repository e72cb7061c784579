import mongoose, { type Types } from 'mongoose'
import { ApplicationModel, type Application } from './application.server'
import { ServiceRequestModel, unreadCount, type ServiceRequest } from './service-request.server'
import { ratedSubjectIds } from './rating.server'

/**
 * The family's journey at a glance: application → training → factory → branding → selling. The
 * later stages belong to other modules (bookings, certificates, branding, products); they are read
 * here by their collections' documented fields (DESIGN.md), so this page needs none of those
 * modules loaded and shows "not started" until they hold data.
 */
export const JOURNEY_STEPS = ['application', 'training', 'factory', 'branding', 'selling'] as const
export type JourneyStepId = (typeof JOURNEY_STEPS)[number]
export type JourneyState = 'done' | 'current' | 'todo'
export type JourneyStep = { id: JourneyStepId; state: JourneyState; detail: string | null }
export type UpcomingEvent = { kind: string; at: Date; title: string; place: string | null }

const collection = (name: string) => mongoose.connection.db!.collection(name)

async function safely<T>(read: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await read()
  } catch {
    return fallback
  }
}

export async function getFamilyJourney(familyId: Types.ObjectId | string, now = new Date()) {
  const id = new mongoose.Types.ObjectId(String(familyId))
  const holder = { 'holder.id': id }
  const [application, certificates, courseBookings, completedShifts, upcomingShifts, brands, openBranding, listed, drafts] = await Promise.all([
    ApplicationModel.findOne({ familyId: id, status: 'accepted' }).select('ref decidedAt').lean<Application>(),
    safely(() => collection('certificates').countDocuments({ ...holder, revokedAt: null, $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] }), 0),
    safely(() => collection('bookings').countDocuments({ ...holder, kind: 'course', status: { $in: ['pending', 'confirmed', 'waitlisted', 'checked_in', 'completed'] } }), 0),
    safely(() => collection('bookings').countDocuments({ ...holder, kind: 'line', status: { $in: ['checked_in', 'completed'] } }), 0),
    safely(() => collection('bookings').countDocuments({ ...holder, kind: 'line', status: 'confirmed', startsAt: { $gt: now } }), 0),
    safely(() => collection('brands').countDocuments({ familyId: id, status: 'active' }), 0),
    safely(() => collection('brandingRequests').countDocuments({ familyId: id, status: { $in: ['requested', 'in_design', 'proposed', 'changes_requested', 'approved'] } }), 0),
    safely(() => collection('products').countDocuments({ familyId: id, status: 'listed' }), 0),
    safely(() => collection('products').countDocuments({ familyId: id, status: { $in: ['draft', 'submitted', 'changes_requested'] } }), 0),
  ])
  const raw: Record<JourneyStepId, { done: boolean; started: boolean; detail: string | null }> = {
    application: { done: Boolean(application), started: true, detail: application?.ref ?? null },
    training: { done: certificates > 0, started: courseBookings > 0, detail: certificates ? String(certificates) : null },
    factory: { done: completedShifts > 0, started: upcomingShifts > 0, detail: completedShifts ? String(completedShifts) : null },
    branding: { done: brands > 0, started: openBranding > 0, detail: null },
    selling: { done: listed > 0, started: drafts > 0, detail: listed ? String(listed) : null },
  }
  // the first step not done is the one to act on now; everything after it waits
  let currentFound = false
  const steps: JourneyStep[] = JOURNEY_STEPS.map((step) => {
    if (raw[step].done) return { id: step, state: 'done', detail: raw[step].detail }
    if (!currentFound) {
      currentFound = true
      return { id: step, state: 'current', detail: raw[step].detail }
    }
    return { id: step, state: 'todo', detail: raw[step].detail }
  })
  return {
    steps,
    applicationId: application ? String(application._id) : null,
    current: steps.find((step) => step.state === 'current')?.id ?? null,
    started: Object.fromEntries(JOURNEY_STEPS.map((s) => [s, raw[s].started])) as Record<JourneyStepId, boolean> }
}

/** Interviews and visits of the family's applications, and its booked course sessions and shifts, soonest first. */
export async function listUpcomingEvents(familyId: Types.ObjectId | string, { now = new Date(), limit = 6 }: { now?: Date; limit?: number } = {}) {
  const id = new mongoose.Types.ObjectId(String(familyId))
  const [applications, bookings] = await Promise.all([
    ApplicationModel.find({ familyId: id, 'appointments.at': { $gt: now } }).select('appointments ref').lean<Application[]>(),
    safely(
      () =>
        collection('bookings')
          .find({ 'holder.id': id, status: 'confirmed', startsAt: { $gt: now } }, { projection: { kind: 1, startsAt: 1, title: 1, resourceName: 1, placeName: 1 } })
          .sort({ startsAt: 1 })
          .limit(limit)
          .toArray(),
      [],
    ),
  ])
  const events: UpcomingEvent[] = []
  for (const app of applications) {
    for (const appointment of app.appointments) {
      if (new Date(appointment.at) > now) events.push({ kind: appointment.kind, at: new Date(appointment.at), title: app.ref ?? '', place: appointment.place })
    }
  }
  for (const booking of bookings) {
    const name = booking.title ?? booking.resourceName
    events.push({
      kind: String(booking.kind ?? 'booking'),
      at: new Date(booking.startsAt),
      title: typeof name === 'string' ? name : typeof name === 'object' && name ? String((name as Record<string, string>).az ?? '') : '',
      place: typeof booking.placeName === 'string' ? booking.placeName : null,
    })
  }
  return events.sort((a, b) => a.at.getTime() - b.at.getTime()).slice(0, limit)
}

export type PendingRating = { touchpoint: 'application_decision' | 'service_request'; subjectId: string; label: string; href: string }

/** Touchpoints the person has not rated yet: decided applications and closed service requests of the family. */
export async function listPendingRatings(familyId: Types.ObjectId | string, raterId: Types.ObjectId | string, applicantId?: Types.ObjectId | string) {
  const id = new mongoose.Types.ObjectId(String(familyId))
  const or: Record<string, unknown>[] = [{ familyId: id }]
  if (applicantId) or.push({ applicantId: new mongoose.Types.ObjectId(String(applicantId)) })
  const [applications, requests] = await Promise.all([
    ApplicationModel.find({ $or: or, status: { $in: ['accepted', 'rejected', 'waitlisted'] } }).select('ref status').lean<Application[]>(),
    ServiceRequestModel.find({ familyId: id, status: 'closed' }).select('number title').lean<ServiceRequest[]>(),
  ])
  const [ratedApps, ratedRequests] = await Promise.all([
    ratedSubjectIds('application_decision', applications.map((a) => a._id), raterId),
    ratedSubjectIds('service_request', requests.map((r) => r._id), raterId),
  ])
  const pending: PendingRating[] = []
  for (const app of applications) if (!ratedApps.has(String(app._id))) pending.push({ touchpoint: 'application_decision', subjectId: String(app._id), label: app.ref ?? '', href: `/applications/${app._id}` })
  for (const request of requests) if (!ratedRequests.has(String(request._id))) pending.push({ touchpoint: 'service_request', subjectId: String(request._id), label: `${request.number} · ${request.title}`, href: `/family/services/${request._id}` })
  return pending
}

/** Unread staff messages across the family's service requests. */
export async function countUnreadServiceMessages(familyId: Types.ObjectId | string) {
  const requests = await ServiceRequestModel.find({ familyId: new mongoose.Types.ObjectId(String(familyId)) })
    .select('messages.at messages.fromStaff familyReadAt staffReadAt number title status')
    .lean<ServiceRequest[]>()
  return requests
    .map((request) => ({ id: String(request._id), number: request.number, title: request.title, unread: unreadCount(request, 'family') }))
    .filter((row) => row.unread > 0)
}
