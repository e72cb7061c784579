import crypto from 'node:crypto'
import mongoose, { Schema, type Model, type Types } from 'mongoose'
import { recordAudit, type Actor } from './audit.server'
import { CourseModel, type Course } from './course.server'
import { holderName, type Holder } from './holder.server'

/**
 * Proof that a holder completed a course. The code is what a factory, a buyer or an inspector
 * types into /certificates/CODE; it is random (not a sequence) so codes cannot be enumerated.
 */
const certificateSchema = new Schema(
  {
    code: { type: String, required: true },
    holder: {
      kind: { type: String, enum: ['family', 'startup', 'user'], required: true },
      id: { type: Schema.Types.ObjectId, required: true },
    },
    holderName: { type: String, default: '' },
    courseId: { type: Schema.Types.ObjectId, ref: 'Course', required: true },
    courseTitle: { az: { type: String, default: '' }, en: { type: String, default: '' }, ru: { type: String, default: '' } },
    runId: { type: Schema.Types.ObjectId, ref: 'Resource', default: null },
    /** one certificate per enrolment, however often the completion is evaluated */
    enrolmentId: { type: Schema.Types.ObjectId, default: undefined },
    issuedAt: { type: Date, required: true },
    expiresAt: { type: Date, default: null },
    issuerId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    issuerName: { type: String, default: '' },
    revokedAt: { type: Date, default: null },
    revokeReason: { type: String, default: '' },
    revokedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { timestamps: true },
)
certificateSchema.index({ code: 1 }, { unique: true })
certificateSchema.index({ enrolmentId: 1 }, { unique: true, sparse: true })
certificateSchema.index({ 'holder.id': 1, courseId: 1 })

export type Certificate = {
  _id: Types.ObjectId
  code: string
  holder: { kind: 'family' | 'startup' | 'user'; id: Types.ObjectId }
  holderName: string
  courseId: Types.ObjectId
  courseTitle: { az: string; en: string; ru: string }
  runId: Types.ObjectId | null
  enrolmentId?: Types.ObjectId
  issuedAt: Date
  expiresAt: Date | null
  issuerId: Types.ObjectId | null
  issuerName: string
  revokedAt: Date | null
  revokeReason: string
}
export const CertificateModel =
  (mongoose.models.Certificate as Model<Certificate>) ?? mongoose.model<Certificate>('Certificate', certificateSchema, 'certificates')

// no 0/O, 1/I/L: a code read aloud over the phone or off a printed page is typed right
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'

export function newCertificateCode() {
  const bytes = crypto.randomBytes(8)
  const chars = Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length])
  return `ABAD-CERT-${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`
}

export function normaliseCode(raw: string) {
  return raw.trim().toUpperCase().replace(/\s+/g, '')
}

export function addMonths(date: Date, months: number) {
  const result = new Date(date)
  const day = result.getUTCDate()
  result.setUTCDate(1)
  result.setUTCMonth(result.getUTCMonth() + months)
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate()
  result.setUTCDate(Math.min(day, lastDay))
  return result
}

export async function issueCertificate(
  input: { holder: Holder; courseId: Types.ObjectId | string; runId?: Types.ObjectId | string | null; enrolmentId?: Types.ObjectId | string; issuedAt?: Date },
  actor: Actor,
) {
  if (input.enrolmentId) {
    const existing = await CertificateModel.findOne({ enrolmentId: input.enrolmentId }).lean<Certificate>()
    if (existing) return existing
  }
  const course = await CourseModel.findById(input.courseId).select('title certificateValidityMonths').lean<Pick<Course, 'title' | 'certificateValidityMonths'>>()
  if (!course) throw new Error('course not found')
  const issuedAt = input.issuedAt ?? new Date()
  const expiresAt = course.certificateValidityMonths > 0 ? addMonths(issuedAt, course.certificateValidityMonths) : null
  const name = await holderName(input.holder)
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const certificate = await CertificateModel.create({
        code: newCertificateCode(),
        holder: input.holder,
        holderName: name,
        courseId: input.courseId,
        courseTitle: course.title,
        runId: input.runId ?? null,
        enrolmentId: input.enrolmentId,
        issuedAt,
        expiresAt,
        issuerId: actor?._id ?? null,
        issuerName: actor?.name ?? '',
      })
      await recordAudit({ actor, action: 'certificate.issued', subject: { type: 'Certificate', id: certificate._id }, after: { code: certificate.code, courseId: String(input.courseId), expiresAt } })
      return certificate.toObject() as Certificate
    } catch (error) {
      const dup = error as { code?: number; keyPattern?: Record<string, unknown>; message?: string }
      if (dup.code !== 11000) throw error
      // a concurrent evaluation of the same enrolment won: return its certificate
      if (input.enrolmentId && (dup.keyPattern?.enrolmentId || /enrolmentId/.test(dup.message ?? ''))) {
        const existing = await CertificateModel.findOne({ enrolmentId: input.enrolmentId }).lean<Certificate>()
        if (existing) return existing
      }
    }
  }
  throw new Error('could not draw a unique certificate code')
}

export type VerifyResult =
  | { status: 'not_found' }
  | { status: 'valid' | 'expired' | 'revoked'; code: string; holderName: string; courseTitle: Certificate['courseTitle']; issuedAt: Date; expiresAt: Date | null; revokedAt: Date | null }

/** What the public verification page may show: status, holder's name, course and dates — nothing else. */
export async function verifyCertificate(rawCode: string, at = new Date()): Promise<VerifyResult> {
  const code = normaliseCode(rawCode)
  if (!/^[A-Z0-9-]{4,40}$/.test(code)) return { status: 'not_found' }
  const cert = await CertificateModel.findOne({ code }).select('code holderName courseTitle issuedAt expiresAt revokedAt').lean<Certificate>()
  if (!cert) return { status: 'not_found' }
  return {
    status: certificateState(cert, at),
    code: cert.code,
    holderName: cert.holderName,
    courseTitle: cert.courseTitle,
    issuedAt: cert.issuedAt,
    expiresAt: cert.expiresAt,
    revokedAt: cert.revokedAt,
  }
}

export function certificateState(cert: Pick<Certificate, 'revokedAt' | 'expiresAt'>, at = new Date()): 'valid' | 'expired' | 'revoked' {
  if (cert.revokedAt) return 'revoked'
  if (cert.expiresAt && new Date(cert.expiresAt).getTime() <= at.getTime()) return 'expired'
  return 'valid'
}

export async function getCertificateByCode(rawCode: string) {
  return CertificateModel.findOne({ code: normaliseCode(rawCode) }).lean<Certificate>()
}

export async function listHolderCertificates(holder: Holder) {
  return CertificateModel.find({ 'holder.kind': holder.kind, 'holder.id': holder.id }).sort({ issuedAt: -1 }).lean<Certificate[]>()
}

export async function listRunCertificates(runId: string | Types.ObjectId) {
  return CertificateModel.find({ runId }).lean<Certificate[]>()
}

/** The factory's question: may this holder use a line that needs course X, on the day of the shift? */
export async function hasValidCertificate(holder: Holder, courseId: Types.ObjectId | string, at = new Date()) {
  return (await certificateStanding(holder, courseId, at)).status === 'valid'
}

export async function certificateStanding(holder: Holder, courseId: Types.ObjectId | string, at = new Date()) {
  const certs = await CertificateModel.find({ 'holder.kind': holder.kind, 'holder.id': holder.id, courseId, issuedAt: { $lte: at } })
    .select('code expiresAt revokedAt issuedAt')
    .lean<Certificate[]>()
  const valid = certs.find((cert) => certificateState(cert, at) === 'valid')
  if (valid) return { status: 'valid' as const, code: valid.code, expiresAt: valid.expiresAt }
  const expired = certs.filter((cert) => certificateState(cert, at) === 'expired').sort((a, b) => +new Date(b.expiresAt!) - +new Date(a.expiresAt!))[0]
  if (expired) return { status: 'expired' as const, code: expired.code, expiresAt: expired.expiresAt }
  return { status: 'missing' as const }
}

export type PrerequisiteRefusal = { reason: 'prerequisite_missing' | 'certificate_expired'; details: { courseId: string; course: Course['title']; expiredAt?: Date | null } }

/** The first unmet prerequisite of a resource for a holder at a time, or null when all are met. */
export async function checkPrerequisites(holder: Holder, prerequisites: { certificateOfCourseId: Types.ObjectId | string }[], at: Date): Promise<PrerequisiteRefusal | null> {
  for (const prerequisite of prerequisites) {
    const standing = await certificateStanding(holder, prerequisite.certificateOfCourseId, at)
    if (standing.status === 'valid') continue
    const course = await CourseModel.findById(prerequisite.certificateOfCourseId).select('title').lean<Pick<Course, 'title'>>()
    const title = course?.title ?? { az: '', en: '', ru: '' }
    return standing.status === 'expired'
      ? { reason: 'certificate_expired', details: { courseId: String(prerequisite.certificateOfCourseId), course: title, expiredAt: standing.expiresAt } }
      : { reason: 'prerequisite_missing', details: { courseId: String(prerequisite.certificateOfCourseId), course: title } }
  }
  return null
}

export type RevokeResult = { ok: true; certificate: Certificate } | { ok: false; reason: 'not_found' | 'already_revoked' | 'reason_required' }

export async function revokeCertificate(rawCode: string, reason: string, actor: Actor): Promise<RevokeResult> {
  if (!reason.trim()) return { ok: false, reason: 'reason_required' }
  const code = normaliseCode(rawCode)
  const revokedAt = new Date()
  const cert = await CertificateModel.findOneAndUpdate(
    { code, revokedAt: null },
    { $set: { revokedAt, revokeReason: reason.trim(), revokedBy: actor?._id ?? null } },
    { returnDocument: 'after' },
  ).lean<Certificate>()
  if (!cert) return (await CertificateModel.exists({ code })) ? { ok: false, reason: 'already_revoked' } : { ok: false, reason: 'not_found' }
  await recordAudit({ actor, action: 'certificate.revoked', subject: { type: 'Certificate', id: cert._id }, before: { revokedAt: null }, after: { revokedAt }, reason: reason.trim() })
  return { ok: true, certificate: cert }
}
