/**
 * The UI kit. Import from '#app/components/ui/index'. The conventions, in short:
 *
 * - Forms: `const result = useActionData<typeof action>()`, then
 *   `<Form method="post" ref={useFocusFirstError(result?.errors, result?.formError)}>`,
 *   `<FormError error={result?.formError} />`, fields with `error={result?.errors?.email}`, and a
 *   `<Button>` that shows "working" and disables itself while its own submission runs.
 * - Lists: the loader reads `readSort(url.searchParams, ['name', 'createdAt'], fallback)` and
 *   `readPage(url.searchParams)` (+ `pageWindow(page, size)` for skip/limit); the page renders
 *   `<DataTable sort={sort} …/>` and `<Pager page total pageSize />`. Their links keep every other
 *   URL param, so filters survive sorting and paging.
 * - Destructive actions: `<ConfirmDialog label message name="intent" value="cancel">` with hidden
 *   inputs as children; without JavaScript it is a plain submit button.
 * - Statuses: `<StatusBadge status="in_review" />` reads `status.<value>` from the catalogue.
 * - Dates and money: `<DateTime value />`, `<Money qepik />`, in the place's zone (Asia/Baku).
 * - Calendars: days are `YYYY-MM-DD` keys in the place's zone; `weekOf(day)` gives a week for
 *   `<WeekCalendar>`, counts per day feed `<MonthCalendar>`.
 */
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
