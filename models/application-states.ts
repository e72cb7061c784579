/**
 * The application states and list options, without the database: the pages render them in the
 * browser too (a `.server` module is not shipped there).
 */
export const APPLICATION_KINDS = ['abad', 'innoland'] as const
export type ApplicationKind = (typeof APPLICATION_KINDS)[number]
export const APPLICATION_STATUSES = ['draft', 'submitted', 'in_review', 'accepted', 'rejected', 'waitlisted'] as const
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number]
export const DECISION_OUTCOMES = ['accepted', 'rejected', 'waitlisted'] as const
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number]
/** Statuses in which a decision is still owed: these count against the decision target. */
export const UNDECIDED_STATUSES = ['submitted', 'in_review'] as const satisfies readonly ApplicationStatus[]
export const QUEUE_SORTS = ['submittedAt', 'ref', 'region', 'status', 'assigneeName', 'applicantName'] as const
export type QueueSort = (typeof QUEUE_SORTS)[number]
export const QUEUE_AGES = ['overdue', 'due_soon', 'on_time'] as const
