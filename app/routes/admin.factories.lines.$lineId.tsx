import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, Card, CheckboxGroup, DataTable, DateField, DateTime, FormError, PageHeader, SelectField, StatusBadge, TextArea, TextField, type Column } from '#app/components/ui/index'
import { CATEGORY_KEYS } from '#app/utils/catalogue'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { factoryRefusal } from '#app/utils/factory-messages'
import { parseWith } from '#app/utils/form.server'
import { makeT, pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import factoryStyles from '#app/styles/factory.css'
import { addLocalDays, localDay, localTime } from '#models/factory-days'
import { listCourses } from '#models/course.server'
import { assignShiftTechnician, closeLineForMaintenance, getLine, listTechnicians, planShifts, setLineQuota, updateLineSettings } from '#models/factory.server'
import { getPlace } from '#models/place.server'
import { listSlots } from '#models/slot.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: factoryStyles }]

async function loadLine(request: Request, lineId: string) {
  const user = await requireUser(request)
  requireAbility(user, 'update', 'Line')
  const line = await getLine(lineId)
  if (!line) throw new Response('Not found', { status: 404 })
  return { user, line }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { line } = await loadLine(request, params.lineId ?? '')
  const locale = await getLocale(request)
  const now = new Date()
  const [place, slots, technicians, courses] = await Promise.all([
    getPlace(line.placeId),
    listSlots({ from: now, to: new Date(now.getTime() + 28 * 86_400_000), resourceIds: [line._id] }),
    listTechnicians(),
    listCourses(),
  ])
  const today = localDay(now)
  return {
    id: String(line._id),
    name: pickText(line.name, locale),
    place: pickText(place?.name, locale),
    capacity: line.capacity,
    quota: { upcoming: line.rules.quotaUpcoming, perWeek: line.rules.quotaPerWeek },
    settings: {
      equipment: line.equipment.map((item) => item.az).join('\n'),
      productCategories: line.productCategories,
      certificates: line.rules.prerequisites.map((rule) => String(rule.certificateOfCourseId)),
    },
    courses: courses.map((course) => ({ value: String(course._id), label: `${pickText(course.title, locale)} (${course.code})` })),
    technicians: technicians.map((u) => ({ value: String(u._id), label: u.name })),
    defaults: { from: addLocalDays(today, 1), to: addLocalDays(today, 28) },
    maintenance: line.maintenance.map((m) => ({ from: m.from, to: m.to, reason: m.reason, cancelled: m.cancelled })),
    shifts: slots.map((slot) => ({
      id: String(slot._id),
      startsAt: slot.startsAt,
      endsAt: slot.endsAt,
      status: slot.status,
      confirmed: slot.confirmed,
      capacity: slot.capacity,
      waiting: slot.waiting,
      staffId: slot.staffId ? String(slot.staffId) : '',
    })),
  }
}

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'form.invalidValue')
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'form.invalidDate')
const PlanSchema = z.object({
  weekdays: z.array(z.coerce.number().int().min(1).max(7)).min(1, 'form.chooseAtLeast'),
  starts: clock,
  ends: clock,
  from: day,
  to: day,
  staffId: z.string().optional(),
})
const AssignSchema = z.object({ slotId: z.string().min(1, 'form.required'), staffId: z.string().min(1, 'form.required') })
const wallTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'form.invalidDate')
const QuotaSchema = z.object({
  quotaUpcoming: z.coerce.number({ message: 'form.invalidNumber' }).int('form.invalidNumber').min(0, 'form.tooSmall').max(50, 'form.tooBig'),
  quotaPerWeek: z.coerce.number({ message: 'form.invalidNumber' }).int('form.invalidNumber').min(0, 'form.tooSmall').max(14, 'form.tooBig'),
})
const SettingsSchema = z.object({
  capacity: z.coerce.number({ message: 'form.invalidNumber' }).int('form.invalidNumber').min(1, 'form.tooSmall').max(100, 'form.tooBig'),
  equipment: z
    .string()
    .max(3000, 'form.tooLong')
    .default('')
    .transform((text) => [...new Set(text.split('\n').map((item) => item.trim()).filter(Boolean))])
    .refine((items) => items.length <= 50 && items.every((item) => item.length <= 120), 'form.tooLong'),
  productCategories: z.array(z.enum(CATEGORY_KEYS, { message: 'form.invalidValue' })).max(CATEGORY_KEYS.length).default([]),
  certificates: z.array(z.string().regex(/^[a-f0-9]{24}$/, 'form.invalidValue')).max(20).default([]),
})
const MaintenanceSchema = z.object({ from: wallTime, to: wallTime, reason: z.string().trim().min(3, 'form.tooShort').max(300, 'form.tooLong') })

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, line } = await loadLine(request, params.lineId ?? '')
  const locale = await getLocale(request)
  const t = makeT(locale)
  const form = await request.formData()
  const actor = { _id: user._id, name: user.name }
  const here = `/admin/factories/lines/${line._id}`
  const fail = (which: string, errors: Record<string, string>, formError: string, status = 400) => data({ form: which, errors, formError }, { status })
  switch (form.get('intent')) {
    case 'plan': {
      const parsed = parseWith(PlanSchema, { ...Object.fromEntries(form), weekdays: form.getAll('weekdays') }, t)
      if (!parsed.ok) return fail('plan', parsed.errors, t('form.invalid'))
      const result = await planShifts(
        { lineId: line._id, weekdays: parsed.data.weekdays, times: [{ starts: parsed.data.starts, ends: parsed.data.ends }], from: parsed.data.from, to: parsed.data.to, staffId: parsed.data.staffId || null },
        actor,
      )
      if (!result.ok) return fail('plan', {}, factoryRefusal(t, locale, result), 409)
      return redirectWithToast(here, t('line.planned', { created: result.created, skipped: result.skipped.length }))
    }
    case 'assign': {
      const parsed = parseWith(AssignSchema, form, t)
      if (!parsed.ok) return fail('assign', parsed.errors, t('form.invalid'))
      const result = await assignShiftTechnician(parsed.data.slotId, parsed.data.staffId, actor)
      if (!result.ok) return fail('assign', {}, factoryRefusal(t, locale, result), 409)
      return redirectWithToast(here, t('line.assigned'))
    }
    case 'quota': {
      const parsed = parseWith(QuotaSchema, form, t)
      if (!parsed.ok) return fail('quota', parsed.errors, t('form.invalid'))
      await setLineQuota(line._id, parsed.data, actor)
      return redirectWithToast(here, t('line.quotaSaved'))
    }
    case 'settings': {
      const parsed = parseWith(SettingsSchema, { ...Object.fromEntries(form), productCategories: form.getAll('productCategories'), certificates: form.getAll('certificates') }, t)
      if (!parsed.ok) return fail('settings', parsed.errors, t('form.invalid'))
      const known = new Set((await listCourses()).map((course) => String(course._id)))
      if (parsed.data.certificates.some((id) => !known.has(id))) return fail('settings', { certificates: t('form.invalidValue') }, t('form.invalid'))
      await updateLineSettings(line._id, { capacity: parsed.data.capacity, equipment: parsed.data.equipment, productCategories: parsed.data.productCategories, certificateCourseIds: parsed.data.certificates }, actor)
      return redirectWithToast(here, t('line.settingsSaved'))
    }
    case 'maintenance': {
      const parsed = parseWith(MaintenanceSchema, form, t)
      if (!parsed.ok) return fail('maintenance', parsed.errors, t('form.invalid'))
      const [fromDay, fromTime] = parsed.data.from.split('T')
      const [toDay, toTime] = parsed.data.to.split('T')
      const result = await closeLineForMaintenance({ lineId: line._id, from: localTime(fromDay, fromTime), to: localTime(toDay, toTime), reason: parsed.data.reason }, actor)
      if (!result.ok) return fail('maintenance', {}, factoryRefusal(t, locale, result), 409)
      return redirectWithToast(here, t('line.maintenanceDone', { shifts: result.shifts, bookings: result.bookings }))
    }
    default:
      return fail('', {}, t('form.invalid'))
  }
}

type ShiftRow = Awaited<ReturnType<typeof loader>>['shifts'][number]

export default function LinePage() {
  const t = useT()
  const page = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const errorsFor = (which: string): Record<string, string> => (result?.form === which ? result.errors : {})
  const formErrorFor = (which: string) => (result?.form === which ? result.formError : null)
  const columns: Column<ShiftRow>[] = [
    {
      key: 'startsAt',
      header: t('shifts.when'),
      rowHeader: true,
      cell: (s) => (
        <>
          <DateTime value={s.startsAt} />–<DateTime value={s.endsAt} options={{ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }} />
        </>
      ),
    },
    { key: 'booked', header: t('shifts.capacity'), cell: (s) => t('line.booked', { confirmed: s.confirmed, capacity: s.capacity }) },
    { key: 'status', header: t('floor.status'), cell: (s) => <StatusBadge status={s.status} /> },
    {
      key: 'staff',
      header: t('line.staff'),
      cell: (s) =>
        s.status === 'open' ? (
          <Form method="post" className="row">
            <input type="hidden" name="slotId" value={s.id} />
            <SelectField name="staffId" label={t('line.staff')} className="visually-hidden-label" defaultValue={s.staffId} placeholder={t('line.noStaff')} options={page.technicians} />
            <Button name="intent" value="assign" size="small" variant="secondary">
              {t('line.assign')}
            </Button>
          </Form>
        ) : (
          (page.technicians.find((tech) => tech.value === s.staffId)?.label ?? '')
        ),
    },
  ]
  return (
    <div className="stack factory">
      <PageHeader eyebrow={<Link to="/admin/factories">{t('admin.factories.title')}</Link>} title={t('line.title', { line: page.name, place: page.place })} />
      <FormError error={formErrorFor('assign')} />
      <Card title={t('line.upcoming')}>
        <DataTable caption={t('line.upcoming')} hideCaption columns={columns} rows={page.shifts} rowKey={(s) => s.id} />
      </Card>

      <Card title={t('line.plan')}>
        <Form method="post" className="stack" noValidate>
          <p className="muted">{t('line.planHint')}</p>
          <FormError error={formErrorFor('plan')} />
          <CheckboxGroup
            name="weekdays"
            label={t('line.weekdays')}
            inline
            defaultValue={['1', '2', '3', '4', '5']}
            options={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: String(d), label: t(`weekday.${d}`) }))}
            error={errorsFor('plan').weekdays}
          />
          <div className="row">
            <TextField name="starts" label={t('line.starts')} type="time" defaultValue="09:00" required error={errorsFor('plan').starts} />
            <TextField name="ends" label={t('line.ends')} type="time" defaultValue="13:00" required error={errorsFor('plan').ends} />
            <DateField name="from" label={t('line.from')} defaultValue={page.defaults.from} required error={errorsFor('plan').from} />
            <DateField name="to" label={t('line.to')} defaultValue={page.defaults.to} required error={errorsFor('plan').to} />
          </div>
          <SelectField name="staffId" label={t('line.staff')} placeholder={t('line.noStaff')} options={page.technicians} />
          <div className="form-actions">
            <Button name="intent" value="plan">
              {t('line.planSubmit')}
            </Button>
          </div>
        </Form>
      </Card>

      <Card title={t('line.settings')}>
        <Form method="post" className="stack" noValidate data-testid="line-settings">
          <p className="muted">{t('line.settingsHint')}</p>
          <FormError error={formErrorFor('settings')} />
          <TextField name="capacity" label={t('line.capacity')} type="number" inputMode="numeric" min={1} max={100} defaultValue={page.capacity} required error={errorsFor('settings').capacity} />
          <TextArea name="equipment" label={t('line.equipment')} hint={t('line.equipmentHint')} rows={4} defaultValue={page.settings.equipment} error={errorsFor('settings').equipment} />
          <CheckboxGroup name="certificates" label={t('line.certificates')} options={page.courses} defaultValue={page.settings.certificates} error={errorsFor('settings').certificates} />
          <CheckboxGroup
            name="productCategories"
            label={t('line.productCategories')}
            options={CATEGORY_KEYS.map((key) => ({ value: key, label: t(`catalogue.category.${key}`) }))}
            defaultValue={page.settings.productCategories}
            error={errorsFor('settings').productCategories}
          />
          <div className="form-actions">
            <Button name="intent" value="settings" variant="secondary">
              {t('line.settingsSubmit')}
            </Button>
          </div>
        </Form>
      </Card>

      <Card title={t('line.quota')}>
        <Form method="post" className="stack" noValidate>
          <FormError error={formErrorFor('quota')} />
          <div className="row">
            <TextField name="quotaUpcoming" label={t('line.quotaUpcoming')} type="number" inputMode="numeric" min={0} max={50} defaultValue={page.quota.upcoming} required error={errorsFor('quota').quotaUpcoming} />
            <TextField name="quotaPerWeek" label={t('line.quotaPerWeek')} type="number" inputMode="numeric" min={0} max={14} defaultValue={page.quota.perWeek} required error={errorsFor('quota').quotaPerWeek} />
          </div>
          <div className="form-actions">
            <Button name="intent" value="quota" variant="secondary">
              {t('line.quotaSubmit')}
            </Button>
          </div>
        </Form>
      </Card>

      <Card title={t('line.maintenance')}>
        <Form method="post" className="stack" noValidate>
          <p className="muted">{t('line.maintenanceHint')}</p>
          <FormError error={formErrorFor('maintenance')} />
          <div className="row">
            <DateField name="from" label={t('line.maintenanceFrom')} withTime required error={errorsFor('maintenance').from} />
            <DateField name="to" label={t('line.maintenanceTo')} withTime required error={errorsFor('maintenance').to} />
          </div>
          <TextField name="reason" label={t('line.maintenanceReason')} required error={errorsFor('maintenance').reason} />
          <div className="form-actions">
            <Button name="intent" value="maintenance" variant="danger">
              {t('line.maintenanceSubmit')}
            </Button>
          </div>
        </Form>
        {page.maintenance.length ? (
          <>
            <h3>{t('line.maintenancePeriods')}</h3>
            <ul>
              {page.maintenance.map((m, i) => (
                <li key={i}>
                  <DateTime value={m.from} /> – <DateTime value={m.to} />: {m.reason}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </Card>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'admin.factories.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
