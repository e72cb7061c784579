export { Button, ButtonLink, type ButtonProps, type ButtonVariant } from './button'
export {
  TextField,
  TextArea,
  SelectField,
  DateField,
  FileField,
  CheckboxField,
  CheckboxGroup,
  RadioGroup,
  FormError,
  useFocusFirstError,
  firstError,
  formatBytes,
  type FieldError,
  type Option,
} from './fields'
export { DataTable, type Column, type DataTableProps } from './data-table'
export { Pager } from './pager'
export { EmptyState } from './empty-state'
export { Toast, type ToastData } from './toast'
export { ConfirmDialog, type ConfirmDialogProps } from './confirm-dialog'
export { StatusBadge, toneFor, type Tone } from './status-badge'
export { Timeline, type TimelineEntry } from './timeline'
export { Money, DateTime } from './format'
export { ErrorPage, errorKind } from './error-page'
export { PageHeader } from './page-header'
export { Card } from './card'
export { TabLinks, type TabLink } from './tabs'
export { WeekCalendar, type CalendarItem, type WeekCalendarProps } from './week-calendar'
export { MonthCalendar, type MonthCalendarProps } from './month-calendar'
export { BarChart, barWidths, type Bar } from './bar-chart'
export { useHydrated } from './use-hydrated'
export { cx } from './cx'
export * from './url'
export { dayKey, weekOf, startOfWeek, addDays, monthGrid, shiftMonth, type DayKey } from './calendar'
