import crypto from 'node:crypto'
import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useLocation } from '@remix-run/react'
import { z } from 'zod'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, ButtonLink, Card, ConfirmDialog, DateTime, EmptyState, FormError, PageHeader, SelectField, StatusBadge, TextField, WeekCalendar, addDays, startOfWeek, useFocusFirstError, weekOf } from '#app/components/ui/index'
import { requireUser } from '#app/utils/auth.server'
import { factoryRefusal } from '#app/utils/factory-messages'
import { parseWith } from '#app/utils/form.server'
import { formatDate, formatDateTime, makeT, pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import factoryStyles from '#app/styles/factory.css'
import { isDayKey, localDay, startOfLocalDay } from '#models/factory-days'
import { bookShift, cancelShift, getFactorySuspension, listFamilyProductVariants, listFamilyShifts, listFamilyUpcomingShifts, personNameOf, type ShiftPurpose } from '#models/factory.server'
import { LOT_UNITS, MAX_PLANNED_QTY } from '#models/factory-rules'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: factoryStyles }]

async function requireFamily(request: Request) {
  const user = await requireUser(request)
  if (!user.roles.includes('family') || !user.familyId) throw new Response('Forbidden', { status: 403 })
  return { user, familyId: user.familyId }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { familyId } = await requireFamily(request)
  const locale = await getLocale(request)
  const t = makeT(locale)
  const url = new URL(request.url)
  const today = localDay(new Date())
  const weekParam = url.searchParams.get('week')
  const monday = startOfWeek(isDayKey(weekParam) ? weekParam : today)
  const placeFilter = url.searchParams.get('place') ?? ''
  const from = startOfLocalDay(monday)
  const to = startOfLocalDay(addDays(monday, 7))
  const now = new Date()
  const [{ shifts, standings, places }, products, suspension, upcoming] = await Promise.all([
    listFamilyShifts({ familyId, from, to }),
    listFamilyProductVariants(familyId),
    getFactorySuspension(familyId, now),
    listFamilyUpcomingShifts(familyId, now),
  ])
  const lineName = new Map(standings.map((s) => [String(s.line._id), pickText(s.line.name, locale)]))
  const placeName = (id: unknown) => pickText(places.get(String(id))?.name, locale)
  const visible = shifts.filter((s) => !placeFilter || String(s.placeId) === placeFilter)
  const selectedId = url.searchParams.get('shift')
  const selected = visible.find((s) => String(s._id) === selectedId) ?? null
  const technician = selected?.staffId ? await personNameOf(selected.staffId) : ''
  return {
    today,
    monday,
    days: weekOf(monday),
    placeFilter,
    places: [...places.values()].map((p) => ({ id: String(p._id), name: pickText(p.name, locale) })),
    suspension: suspension ? t('shifts.suspended', { count: suspension.noShows, date: formatDate(suspension.until, locale, { dateStyle: 'long' }) }) : null,
    items: visible.map((s) => ({
      id: String(s._id),
      start: s.startsAt,
      end: s.endsAt,
      title: s.line ? pickText(s.line.name, locale) : '',
      detail: placeName(s.placeId),
      capacity: s.capacity,
      filled: s.confirmed,
      mine: s.mine ? { status: s.mine.status, position: s.mine.waitlistPosition } : null,
    })),
    selected: selected
      ? {
          id: String(selected._id),
          startsAt: selected.startsAt,
          endsAt: selected.endsAt,
          line: selected.line ? pickText(selected.line.name, locale) : '',
          place: placeName(selected.placeId),
          equipment: (selected.line?.equipment ?? []).map((e) => pickText(e, locale)),
          capacity: selected.capacity,
          free: selected.free,
          technician,
          past: new Date(selected.startsAt) <= now,
          open: selected.status === 'open',
          mine: selected.mine ? { id: String(selected.mine._id), status: selected.mine.status } : null,
        }
      : null,
    hasProducts: products.length > 0,
    // only what the selected shift's line can make
    products: products
      .filter((p) => !selected?.line?.productCategories.length || selected.line.productCategories.includes(p.category))
      .map((p) => ({ value: p.sku, label: `${pickText(p.name, locale)} (${p.sku})` })),
    upcoming: upcoming.map((b) => {
      const purpose = (b.purpose ?? {}) as Partial<ShiftPurpose>
      return {
        id: String(b._id),
        startsAt: b.startsAt,
        when: formatDateTime(b.startsAt, locale),
        endsAt: b.endsAt,
        status: b.status,
        position: b.waitlistPosition,
        line: lineName.get(String(b.resourceId)) ?? '',
        place: placeName(b.placeId),
        purpose: purpose.sku ? t('shifts.purpose', { product: pickText(purpose.productName, locale), qty: purpose.plannedQty ?? '', unit: purpose.unit ? t(`unit.${purpose.unit}`) : '' }) : '',
        cancellable: b.status === 'confirmed' || b.status === 'waitlisted',
      }
    }),
    otherLines: standings
      .filter((s) => !s.standing.ok)
      .map((s) => ({
        id: String(s.line._id),
        name: pickText(s.line.name, locale),
        place: placeName(s.line.placeId),
        reason: s.standing.ok ? '' : factoryRefusal(t, locale, s.standing.refusal),
      })),
    certifiedCount: standings.filter((s) => s.standing.ok).length,
    formKey: crypto.randomUUID(),
  }
}

const BookSchema = z.object({
  slotId: z.string().min(1, 'form.required'),
  sku: z.string().trim().min(1, 'form.required').max(40),
  plannedQty: z.coerce.number({ message: 'form.invalidNumber' }).int('form.invalidNumber').min(1, 'form.tooSmall').max(MAX_PLANNED_QTY, 'form.tooBig'),
  unit: z.enum(LOT_UNITS),
  formKey: z.string().max(100).optional(),
})

export async function action({ request }: ActionFunctionArgs) {
  const { user, familyId } = await requireFamily(request)
  const locale = await getLocale(request)
  const t = makeT(locale)
  const form = await request.formData()
  const actor = { _id: user._id, name: user.name }
  const back = new URL(request.url)
  const intent = form.get('intent')
  switch (intent) {
    case 'book':
    case 'waitlist': {
      const parsed = parseWith(BookSchema, form, t)
      if (!parsed.ok) return data({ errors: parsed.errors, formError: t('form.invalid'), offerWaitlist: false }, { status: 400 })
      const result = await bookShift({
        slotId: parsed.data.slotId,
        familyId,
        sku: parsed.data.sku,
        plannedQty: parsed.data.plannedQty,
        unit: parsed.data.unit,
        joinWaitlist: intent === 'waitlist',
        idempotencyKey: parsed.data.formKey ? `shift:${String(familyId)}:${parsed.data.formKey}:${intent}` : undefined,
        actor,
      })
      if (!result.ok) {
        const offerWaitlist = result.reason === 'capacity_full' && (result.details as { waitlist?: boolean } | undefined)?.waitlist !== false
        return data({ errors: {} as Record<string, string>, formError: factoryRefusal(t, locale, result), offerWaitlist }, { status: 409 })
      }
      const message = result.booking.status === 'waitlisted' ? t('shifts.waitlisted', { position: result.booking.waitlistPosition ?? '' }) : t('shifts.booked')
      return redirectWithToast(`${back.pathname}${back.search}`, message)
    }
    case 'cancel': {
      const result = await cancelShift({ bookingId: String(form.get('bookingId') ?? ''), familyId, actor })
      if (!result.ok) return data({ errors: {} as Record<string, string>, formError: factoryRefusal(t, locale, result), offerWaitlist: false }, { status: 409 })
      return redirectWithToast(`${back.pathname}${back.search}`, result.lateCancel ? t('shifts.cancelledLate') : t('shifts.cancelled'))
    }
    default:
      return data({ errors: {} as Record<string, string>, formError: t('form.invalid'), offerWaitlist: false }, { status: 400 })
  }
}

export default function FamilyShiftsPage() {
  const t = useT()
  const page = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const location = useLocation()
  const errors: Record<string, string> = result?.errors ?? {}
  const formRef = useFocusFirstError(errors, result?.formError)
  const weekHref = (week: string) => {
    const params = new URLSearchParams(location.search)
    params.set('week', week)
    params.delete('shift')
    return `?${params}`
  }
  const shiftHref = (id: string) => {
    const params = new URLSearchParams(location.search)
    params.set('week', page.monday)
    params.set('shift', id)
    return `?${params}#selected-shift`
  }
  const selected = page.selected
  const full = selected ? selected.free <= 0 : false
  return (
    <div className="stack factory">
      <PageHeader title={t('shifts.title')} description={t('shifts.description')} />
      {page.suspension ? (
        <p className="notice notice-warning" role="status">
          {page.suspension}
        </p>
      ) : null}

      {page.places.length > 1 ? (
        <Form method="get" className="row filter-bar">
          <input type="hidden" name="week" value={page.monday} />
          <SelectField
            name="place"
            label={t('shifts.place')}
            defaultValue={page.placeFilter}
            placeholder={t('shifts.allPlaces')}
            options={page.places.map((p) => ({ value: p.id, label: p.name }))}
          />
          <Button type="submit" variant="secondary" size="small">
            {t('shifts.filter')}
          </Button>
        </Form>
      ) : null}

      {page.certifiedCount === 0 ? <EmptyState title={t('shifts.noLines')} /> : null}

      <WeekCalendar
        label={t('shifts.calendar')}
        days={page.days}
        today={page.today}
        prevHref={weekHref(addDays(page.monday, -7))}
        nextHref={weekHref(addDays(page.monday, 7))}
        items={page.items.map((item) => ({
          id: item.id,
          start: item.start,
          end: item.end,
          title: item.title,
          href: shiftHref(item.id),
          detail: item.detail,
          capacity: item.capacity,
          filled: item.filled,
          highlight: Boolean(item.mine),
          tag: item.mine ? (item.mine.status === 'waitlisted' ? t('shifts.mine.waitlisted', { position: item.mine.position ?? '' }) : t(`shifts.mine.${item.mine.status}`)) : undefined,
        }))}
      />

      <div id="selected-shift">
        <Card title={t('shifts.selected')}>
          {selected ? (
            <div className="stack" data-testid="selected-shift">
              <dl className="facts">
                <div>
                  <dt>{t('shifts.line')}</dt>
                  <dd>
                    {selected.line} · {selected.place}
                  </dd>
                </div>
                <div>
                  <dt>{t('shifts.when')}</dt>
                  <dd>
                    <DateTime value={selected.startsAt} />–<DateTime value={selected.endsAt} options={{ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }} />
                  </dd>
                </div>
                <div>
                  <dt>{t('shifts.capacity')}</dt>
                  <dd>{selected.free > 0 ? t('shifts.free', { free: selected.free }) : t('shifts.full')}</dd>
                </div>
                {selected.technician ? (
                  <div>
                    <dt>{t('shifts.technician')}</dt>
                    <dd>{selected.technician}</dd>
                  </div>
                ) : null}
                {selected.equipment.length ? (
                  <div>
                    <dt>{t('shifts.equipment')}</dt>
                    <dd>{selected.equipment.join(', ')}</dd>
                  </div>
                ) : null}
              </dl>
              {selected.mine ? (
                <p>
                  <StatusBadge status={selected.mine.status} />
                </p>
              ) : selected.past || !selected.open ? (
                <p className="muted">{t('factory.refusal.slot_in_past')}</p>
              ) : page.products.length === 0 ? (
                <EmptyState title={page.hasProducts ? t('shifts.noProductForLine') : t('shifts.noProducts')} action={<ButtonLink to="/family/products/new">{t('shifts.addProduct')}</ButtonLink>} />
              ) : (
                <Form method="post" className="stack" ref={formRef} noValidate aria-describedby={result?.formError ? 'book-error' : undefined}>
                  <FormError id="book-error" error={result?.formError} />
                  <input type="hidden" name="slotId" value={selected.id} />
                  <input type="hidden" name="formKey" value={page.formKey} />
                  <SelectField name="sku" label={t('shifts.field.product')} options={page.products} required error={errors.sku} />
                  <div className="row">
                    <TextField name="plannedQty" label={t('shifts.field.plannedQty')} type="number" inputMode="numeric" min={1} max={5000} step={1} required error={errors.plannedQty} />
                    <SelectField name="unit" label={t('shifts.field.unit')} options={LOT_UNITS.map((u) => ({ value: u, label: t(`unit.${u}`) }))} defaultValue="jar" error={errors.unit} />
                  </div>
                  {full ? <p className="muted">{t('shifts.fullHint')}</p> : null}
                  <div className="form-actions">
                    {!full ? (
                      <Button name="intent" value="book">
                        {t('shifts.book')}
                      </Button>
                    ) : null}
                    {full || result?.offerWaitlist ? (
                      <Button name="intent" value="waitlist" variant={full ? 'primary' : 'secondary'}>
                        {t('shifts.joinWaitlist')}
                      </Button>
                    ) : null}
                  </div>
                </Form>
              )}
            </div>
          ) : (
            <p className="muted">{t('shifts.chooseShift')}</p>
          )}
        </Card>
      </div>

      <Card title={t('shifts.upcoming')}>
        {page.upcoming.length === 0 ? (
          <EmptyState title={t('shifts.noUpcoming')} />
        ) : (
          <ul className="plain-list" data-testid="upcoming-shifts">
            {page.upcoming.map((b) => (
              <li key={b.id} className="list-row">
                <div>
                  <p>
                    <strong>{b.line}</strong> · {b.place}
                  </p>
                  <p>
                    <DateTime value={b.startsAt} /> <StatusBadge status={b.status} label={b.status === 'waitlisted' ? t('shifts.mine.waitlisted', { position: b.position ?? '' }) : undefined} />
                  </p>
                  {b.purpose ? <p className="muted">{b.purpose}</p> : null}
                </div>
                {b.cancellable ? (
                  <ConfirmDialog label={t('shifts.cancel')} message={t('shifts.cancelConfirm', { when: b.when })} name="intent" value="cancel" size="small">
                    <input type="hidden" name="bookingId" value={b.id} />
                  </ConfirmDialog>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </Card>

      {page.otherLines.length ? (
        <Card title={t('shifts.otherLines')}>
          <p className="muted">{t('shifts.otherLinesHint')}</p>
          <ul className="plain-list" data-testid="other-lines">
            {page.otherLines.map((line) => (
              <li key={line.id}>
                <strong>
                  {line.name} · {line.place}
                </strong>
                <p>{line.reason}</p>
              </li>
            ))}
          </ul>
          <p>
            <Link to="/family/training">{t('training.family.title')}</Link>
          </p>
        </Card>
      ) : null}
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'shifts.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
