/** Support-service kinds, states and outcomes, without the database (the pages render them in the browser too). */
export const SERVICE_KINDS = ['business_plan', 'accounting', 'legal', 'marketing'] as const
export type ServiceKind = (typeof SERVICE_KINDS)[number]
/** the staff role that handles each kind (abilities say the same) */
export const SERVICE_HANDLER_ROLE: Record<ServiceKind, 'case_manager' | 'sales_manager'> = {
  business_plan: 'case_manager',
  accounting: 'case_manager',
  legal: 'case_manager',
  marketing: 'sales_manager',
}
export const SERVICE_STATUSES = ['requested', 'in_progress', 'closed', 'cancelled'] as const
export type ServiceStatus = (typeof SERVICE_STATUSES)[number]
export const OPEN_SERVICE_STATUSES = ['requested', 'in_progress'] as const satisfies readonly ServiceStatus[]
export const SERVICE_RESOLUTIONS = ['resolved', 'partly_resolved', 'referred', 'not_possible'] as const
export const SERVICE_QUEUE_SORTS = ['openedAt', 'number', 'kind', 'status', 'familyName', 'region'] as const
