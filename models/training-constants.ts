/** Values the browser needs too (forms, attendance sheet): kept out of the .server modules. */
export const COURSE_TOPICS = ['jam_preserves', 'confectionery', 'dairy', 'food_hygiene', 'financial_management', 'marketing', 'carpet_weaving', 'other'] as const
export type CourseTopic = (typeof COURSE_TOPICS)[number]

export const ATTENDANCE_MARKS = ['present', 'late', 'excused', 'absent'] as const
export type AttendanceMark = (typeof ATTENDANCE_MARKS)[number]
