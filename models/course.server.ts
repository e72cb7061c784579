import mongoose, { Schema, type Model, type Types } from 'mongoose'
import { recordAudit, type Actor } from './audit.server'

import { COURSE_TOPICS, type CourseTopic } from './training-constants'

export { COURSE_TOPICS, type CourseTopic }

const i18nText = { az: { type: String, default: '' }, en: { type: String, default: '' }, ru: { type: String, default: '' } }

/**
 * A course as a catalogue entry. Each time it is given is a run: a booking-engine resource of kind
 * 'course' (ref → this course) whose slots are the run's sessions; see training.server.ts.
 */
const courseSchema = new Schema(
  {
    code: { type: String, required: true, trim: true },
    title: i18nText,
    description: i18nText,
    topic: { type: String, enum: COURSE_TOPICS, required: true },
    trainerId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    visitingExpert: { type: String, default: '' },
    sessionsCount: { type: Number, min: 1, required: true },
    passRule: {
      minAttendancePct: { type: Number, min: 0, max: 100, default: 80 },
      requiresPass: { type: Boolean, default: true },
    },
    certificateValidityMonths: { type: Number, min: 0, default: 24 },
    /** factory line codes this course's certificate opens (e.g. 'jam') */
    qualifiesForLines: { type: [String], default: [] },
    status: { type: String, enum: ['active', 'archived'], default: 'active' },
  },
  { timestamps: true },
)
courseSchema.index({ code: 1 }, { unique: true })
courseSchema.index({ topic: 1, status: 1 })

export type Course = {
  _id: Types.ObjectId
  code: string
  title: { az: string; en: string; ru: string }
  description: { az: string; en: string; ru: string }
  topic: CourseTopic
  trainerId: Types.ObjectId | null
  visitingExpert: string
  sessionsCount: number
  passRule: { minAttendancePct: number; requiresPass: boolean }
  certificateValidityMonths: number
  qualifiesForLines: string[]
  status: 'active' | 'archived'
  createdAt?: Date
}
export const CourseModel = (mongoose.models.Course as Model<Course>) ?? mongoose.model<Course>('Course', courseSchema, 'courses')

export type CourseInput = Omit<Partial<Course>, '_id' | 'trainerId'> &
  Pick<Course, 'code' | 'title' | 'topic' | 'sessionsCount'> & { trainerId?: Types.ObjectId | string | null }

export class DuplicateCourseCodeError extends Error {
  constructor() {
    super('course code already used')
  }
}

export async function createCourse(input: CourseInput, actor: Actor) {
  try {
    const course = await CourseModel.create(input)
    await recordAudit({ actor, action: 'course.created', subject: { type: 'Course', id: course._id }, after: { code: course.code, topic: course.topic, passRule: course.passRule } })
    return course.toObject() as Course
  } catch (error) {
    if ((error as { code?: number }).code === 11000) throw new DuplicateCourseCodeError()
    throw error
  }
}

export async function getCourse(id: string | Types.ObjectId) {
  if (!mongoose.isValidObjectId(id)) return null
  return CourseModel.findById(id).lean<Course>()
}

export async function getCourseByCode(code: string) {
  return CourseModel.findOne({ code }).lean<Course>()
}

export async function listCourses({ includeArchived = false } = {}) {
  return CourseModel.find(includeArchived ? {} : { status: 'active' })
    .sort({ topic: 1, code: 1 })
    .lean<Course[]>()
}

export async function getCourseTitles(ids: (string | Types.ObjectId)[]) {
  const courses = await CourseModel.find({ _id: { $in: ids } }).select('title code').lean<Pick<Course, '_id' | 'title' | 'code'>[]>()
  return new Map(courses.map((course) => [String(course._id), course]))
}
