import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, ButtonLink, Card, ConfirmDialog, DateField, DateTime, EmptyState, FormError, PageHeader, RadioGroup, StatusBadge } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { abilityFor, hasRole, requireUser } from '#app/utils/auth.server'
import { factoryRefusal } from '#app/utils/factory-messages'
import { formatDate, makeT, pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import factoryStyles from '#app/styles/factory.css'
import { listBatchesForSlots } from '#models/batch.server'
import { isDayKey, localDay, startOfLocalDay } from '#models/factory-days'
import { checkInFamily, closeShift, familyNameOf, getFloorSlot, getShiftBookingSlot, listFloorShifts, listUnclosedShifts, markFamilyNoShow, personNameOf, type FloorShift, type ShiftPurpose } from '#models/factory.server'
import type { Slot } from '#models/slot.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: factoryStyles }]

async function requireFloorStaff(request: Request) {
  const user = await requireUser(request)
  if (!hasRole(user, 'technician', 'admin')) throw new Response('Forbidden', { status: 403 })
  return user
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireFloorStaff(request)
  const locale = await getLocale(request)
  const t = makeT(locale)
  const url = new URL(request.url)
  const today = localDay(new Date())
  const dayParam = url.searchParams.get('day')
  const day = isDayKey(dayParam) ? dayParam : today
  const scope = url.searchParams.get('scope') === 'all' || (!url.searchParams.get('scope') && !hasRole(user, 'technician')) ? 'all' : 'mine'
  const [shifts, unclosed] = await Promise.all([
    listFloorShifts({ day, staffId: scope === 'mine' ? user._id : null }),
    day === today ? listUnclosedShifts({ before: startOfLocalDay(today), staffId: scope === 'mine' ? user._id : null }) : [],
  ])
  const batches = await listBatchesForSlots([...shifts, ...unclosed].map((s) => s._id))
  const ability = abilityFor(user)
  const view = (shift: FloorShift) => {
    const mayAct = ability.can('check_in', asSubject('Slot', { staffId: shift.staffId }))
    return {
      id: String(shift._id),
      startsAt: shift.startsAt,
      endsAt: shift.endsAt,
      status: shift.status,
      line: shift.line ? pickText(shift.line.name, locale) : '',
      place: shift.place ? pickText(shift.place.name, locale) : '',
      technician: shift.technicianName || t('floor.nobody'),
      capacity: shift.capacity,
      confirmed: shift.confirmed,
      mayAct,
      started: new Date(shift.startsAt) <= new Date(),
      families: shift.bookings
        .filter((b) => b.status !== 'waitlisted')
        .map((b) => {
          const purpose = (b.purpose ?? {}) as Partial<ShiftPurpose>
          return {
            bookingId: String(b._id),
            family: b.familyName,
            status: b.status,
            checkedIn: b.checkedInAt ? t('floor.checkedInAt', { time: formatDate(b.checkedInAt, locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }) }) : '',
            plan: purpose.sku ? t('shifts.purpose', { product: pickText(purpose.productName, locale), qty: purpose.plannedQty ?? '', unit: purpose.unit ? t(`unit.${purpose.unit}`) : '' }) : '',
            batches: batches
              .filter((batch) => String(batch.bookingId) === String(b._id))
              .map((batch) => ({ id: String(batch._id), lotCode: batch.lotCode ?? '', product: pickText(batch.productName, locale), qty: batch.qty, unit: batch.unit, status: batch.status })),
          }
        }),
      waitlist: shift.bookings.filter((b) => b.status === 'waitlisted').map((b) => ({ bookingId: String(b._id), family: b.familyName, position: b.waitlistPosition })),
    }
  }
  return {
    day,
    today,
    scope,
    dayLabel: formatDate(`${day}T12:00:00Z`, locale, { dateStyle: 'full' }, 'UTC'),
    shifts: shifts.map(view),
    unclosed: unclosed.map(view),
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireFloorStaff(request)
  const locale = await getLocale(request)
  const t = makeT(locale)
  const form = await request.formData()
  const actor = { _id: user._id, name: user.name }
  const back = new URL(request.url)
  const here = `${back.pathname}${back.search}`
  const intent = String(form.get('intent') ?? '')

  // every action is on one shift: only its technician (or an admin) may act on it
  let slot: Pick<Slot, '_id' | 'staffId'> | null = null
  let bookingId = ''
  if (intent === 'closeShift') {
    slot = await getFloorSlot(String(form.get('slotId') ?? ''))
  } else {
    bookingId = String(form.get('bookingId') ?? '')
    slot = (await getShiftBookingSlot(bookingId))?.slot ?? null
  }
  if (!slot) throw new Response('Not found', { status: 404 })
  if (!abilityFor(user).can('check_in', asSubject('Slot', { staffId: slot.staffId }))) {
    return data({ formError: t('floor.notYourShift', { name: (await personNameOf(slot.staffId)) || t('floor.nobody') }) }, { status: 403 })
  }
  const familyName = async () => {
    const booking = await getShiftBookingSlot(bookingId)
    return familyNameOf(booking?.booking.holder.id)
  }
  switch (intent) {
    case 'checkIn':
    case 'late': {
      const result = await checkInFamily(bookingId, actor, { late: intent === 'late' })
      if (!result.ok) return data({ formError: factoryRefusal(t, locale, result) }, { status: 409 })
      return redirectWithToast(here, t('floor.checkedIn', { family: await familyName() }))
    }
    case 'noShow':
    case 'excused': {
      const result = await markFamilyNoShow(bookingId, actor, { excused: intent === 'excused' })
      if (!result.ok) return data({ formError: factoryRefusal(t, locale, result) }, { status: 409 })
      return redirectWithToast(here, t('floor.markedNoShow', { family: await familyName() }))
    }
    case 'closeShift': {
      const result = await closeShift(String(slot._id), actor)
      if (!result.ok) return data({ formError: factoryRefusal(t, locale, result) }, { status: 409 })
      return redirectWithToast(here, t('floor.closed'))
    }
    default:
      return data({ formError: t('form.invalid') }, { status: 400 })
  }
}

export default function FactoryTodayPage() {
  const t = useT()
  const page = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  return (
    <div className="stack factory">
      <PageHeader title={t('floor.title')} description={t('floor.description')} />
      <Form method="get" className="row filter-bar">
        <DateField name="day" label={t('floor.day')} defaultValue={page.day} />
        <RadioGroup
          name="scope"
          label={t('floor.show')}
          inline
          defaultValue={page.scope}
          options={[
            { value: 'mine', label: t('floor.mine') },
            { value: 'all', label: t('floor.all') },
          ]}
        />
        <Button type="submit" variant="secondary" size="small">
          {t('floor.show')}
        </Button>
      </Form>
      <h2>{page.dayLabel}</h2>
      <FormError error={result?.formError} />
      {page.shifts.length === 0 ? <EmptyState title={t('floor.none')} /> : null}
      {page.shifts.map((shift) => (
        <ShiftCard key={shift.id} shift={shift} />
      ))}
      {page.unclosed.length ? (
        <section className="stack" aria-labelledby="unclosed-title">
          <h2 id="unclosed-title">{t('floor.unclosed')}</h2>
          <p className="muted">{t('floor.unclosedHint')}</p>
          {page.unclosed.map((shift) => (
            <ShiftCard key={shift.id} shift={shift} withDay />
          ))}
        </section>
      ) : null}
    </div>
  )
}

type ShiftView = Awaited<ReturnType<typeof loader>>['shifts'][number]

function ShiftCard({ shift, withDay = false }: { shift: ShiftView; withDay?: boolean }) {
  const t = useT()
  const time = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as const
  return (
    <Card
      className="floor-shift"
      title={
        <>
          {shift.line} · <DateTime value={shift.startsAt} options={withDay ? { dateStyle: 'medium', timeStyle: 'short' } : time} />–
          <DateTime value={shift.endsAt} options={time} /> <small>{shift.place}</small>
        </>
      }
      actions={shift.status === 'open' && shift.mayAct && shift.started ? (
        <ConfirmDialog label={t('floor.closeShift')} message={t('floor.closeShiftConfirm')} name="intent" value="closeShift" variant="secondary" size="small">
          <input type="hidden" name="slotId" value={shift.id} />
        </ConfirmDialog>
      ) : shift.status !== 'open' ? (
        <StatusBadge status={shift.status} />
      ) : null}
    >
      <p className="muted">
        {t('shifts.technician')}: {shift.technician} · {t('line.booked', { confirmed: shift.confirmed, capacity: shift.capacity })}
      </p>
      {shift.families.length === 0 ? (
        <p className="muted">{t('floor.noFamilies')}</p>
      ) : (
        <ul className="floor-families" data-testid={`shift-${shift.id}`}>
          {shift.families.map((f) => (
            <li key={f.bookingId} className="floor-family" data-testid="floor-family">
              <div className="floor-family-head">
                <strong>{f.family}</strong>
                <span>
                  <StatusBadge status={f.status} />{' '}
                  {f.checkedIn ? <span className="muted">{f.checkedIn}</span> : null}
                </span>
              </div>
              {f.plan ? (
                <p>
                  {t('floor.plan')}: {f.plan}
                </p>
              ) : null}
              {shift.mayAct && shift.status === 'open' ? (
                <div className="floor-family-actions">
                  {f.status !== 'checked_in' ? (
                    <Form method="post">
                      <input type="hidden" name="bookingId" value={f.bookingId} />
                      <Button name="intent" value="checkIn" size="small" aria-label={`${t('floor.checkIn')}: ${f.family}`}>
                        {t('floor.checkIn')}
                      </Button>{' '}
                      <Button name="intent" value="late" size="small" variant="secondary">
                        {t('floor.checkInLate')}
                      </Button>
                    </Form>
                  ) : null}
                  {f.status !== 'no_show' ? (
                    <Form method="post">
                      <input type="hidden" name="bookingId" value={f.bookingId} />
                      <Button name="intent" value="noShow" size="small" variant="secondary">
                        {t('floor.noShow')}
                      </Button>{' '}
                      <Button name="intent" value="excused" size="small" variant="link">
                        {t('floor.noShowExcused')}
                      </Button>
                    </Form>
                  ) : null}
                </div>
              ) : null}
              {shift.mayAct && (f.status === 'checked_in' || f.status === 'completed') ? (
                <p>
                  <ButtonLink to={`/factory/bookings/${f.bookingId}/batch`} size="small">
                    {t('floor.recordBatch')}
                  </ButtonLink>
                </p>
              ) : null}
              {f.batches.length ? (
                <ul className="plain-list">
                  {f.batches.map((batch) => (
                    <li key={batch.id}>
                      <Link to={`/factory/batches/${batch.id}`}>{batch.lotCode}</Link> · {batch.product} · {batch.qty} {t(`unit.${batch.unit}`)} <StatusBadge status={batch.status} />
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {shift.waitlist.length ? (
        <p className="muted">
          {t('floor.waitlist')}: {shift.waitlist.map((w) => `${w.position ?? ''}. ${w.family}`).join(', ')}
        </p>
      ) : null}
    </Card>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'floor.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
