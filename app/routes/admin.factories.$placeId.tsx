import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, Card, DateField, EmptyState, FormError, PageHeader, TextField } from '#app/components/ui/index'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { factoryRefusal } from '#app/utils/factory-messages'
import { parseWith } from '#app/utils/form.server'
import { makeT, pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import factoryStyles from '#app/styles/factory.css'
import { localDay } from '#models/factory-days'
import { closeFactoryDay, reopenFactoryDay, updateFactoryDetails } from '#models/factory.server'
import { getPlace } from '#models/place.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: factoryStyles }]

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const

/** Factory staff (who plan the lines) keep the factory's own details: address, hours, closed days. */
async function loadFactory(request: Request, placeId: string) {
  const user = await requireUser(request)
  requireAbility(user, 'update', 'Line')
  const place = await getPlace(placeId)
  if (!place || (place.kind !== 'factory' && place.kind !== 'centre')) throw new Response('Not found', { status: 404 })
  return { user, place }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { place } = await loadFactory(request, params.placeId ?? '')
  const locale = await getLocale(request)
  const today = localDay(new Date())
  return {
    id: String(place._id),
    name: pickText(place.name, locale),
    code: place.code,
    address: place.address,
    hours: WEEKDAYS.map((weekday) => {
      const entry = place.openingHours.find((h) => h.weekday === weekday)
      return { weekday, opens: entry?.opens ?? '', closes: entry?.closes ?? '' }
    }),
    closedDays: [...place.closedDays].filter((entry) => entry.date >= today).sort((a, b) => a.date.localeCompare(b.date)),
    today,
  }
}

const clock = z.union([z.literal(''), z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'form.invalidValue')])
const DetailsSchema = z.object({
  address: z.string().trim().max(300, 'form.tooLong').default(''),
  ...Object.fromEntries(WEEKDAYS.flatMap((weekday) => [[`opens${weekday}`, clock.default('')] as const, [`closes${weekday}`, clock.default('')] as const])),
})
const CloseSchema = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'form.invalidDate'),
  reason: z.string().trim().min(3, 'form.tooShort').max(300, 'form.tooLong'),
})
const ReopenSchema = z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'form.invalidDate') })

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, place } = await loadFactory(request, params.placeId ?? '')
  const locale = await getLocale(request)
  const t = makeT(locale)
  const form = await request.formData()
  const actor = { _id: user._id, name: user.name }
  const here = `/admin/factories/${place._id}`
  const fail = (which: string, errors: Record<string, string>, formError: string, status = 400) => data({ form: which, errors, formError }, { status })
  switch (form.get('intent')) {
    case 'details': {
      const parsed = parseWith(DetailsSchema, form, t)
      if (!parsed.ok) return fail('details', parsed.errors, t('form.invalid'))
      const values = parsed.data as Record<string, string>
      const errors: Record<string, string> = {}
      const openingHours: { weekday: number; opens: string; closes: string }[] = []
      for (const weekday of WEEKDAYS) {
        const opens = values[`opens${weekday}`]
        const closes = values[`closes${weekday}`]
        if (!opens && !closes) continue
        // both times, and closing after opening: a half-filled or reversed day is refused, not guessed
        if (!opens || !closes || closes <= opens) errors[`closes${weekday}`] = t('factory.hours.invalid')
        else openingHours.push({ weekday, opens, closes })
      }
      if (Object.keys(errors).length) return fail('details', errors, t('form.invalid'))
      await updateFactoryDetails(place._id, { address: values.address, openingHours }, actor)
      return redirectWithToast(here, t('factory.details.saved'))
    }
    case 'close': {
      const parsed = parseWith(CloseSchema, form, t)
      if (!parsed.ok) return fail('close', parsed.errors, t('form.invalid'))
      if (parsed.data.date < localDay(new Date())) return fail('close', { date: t('factory.closed.past') }, t('form.invalid'))
      const result = await closeFactoryDay(place._id, parsed.data.date, parsed.data.reason, actor)
      if (!result.ok) return fail('close', {}, factoryRefusal(t, locale, result), 409)
      return redirectWithToast(here, t('factory.closed.done', { shifts: result.shifts, bookings: result.bookings }))
    }
    case 'reopen': {
      const parsed = parseWith(ReopenSchema, form, t)
      if (!parsed.ok) return fail('reopen', parsed.errors, t('form.invalid'))
      await reopenFactoryDay(place._id, parsed.data.date, actor)
      return redirectWithToast(here, t('factory.closed.reopened'))
    }
    default:
      return fail('', {}, t('form.invalid'))
  }
}

export default function FactoryPage() {
  const t = useT()
  const page = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const errorsFor = (which: string): Record<string, string> => (result?.form === which ? result.errors : {})
  const formErrorFor = (which: string) => (result?.form === which ? result.formError : null)
  return (
    <div className="stack factory">
      <PageHeader eyebrow={<Link to="/admin/factories">{t('admin.factories.title')}</Link>} title={`${page.name} (${page.code})`} />

      <Card title={t('factory.details.title')}>
        <Form method="post" className="stack" noValidate data-testid="factory-details">
          <FormError error={formErrorFor('details')} />
          <TextField name="address" label={t('factory.details.address')} defaultValue={page.address} error={errorsFor('details').address} />
          <fieldset className="stack">
            <legend>{t('admin.factories.openingHours')}</legend>
            <p className="muted">{t('factory.hours.hint')}</p>
            {page.hours.map((day) => (
              <div className="row" key={day.weekday}>
                <TextField name={`opens${day.weekday}`} label={`${t(`weekday.${day.weekday}`)} — ${t('factory.hours.opens')}`} type="time" defaultValue={day.opens} error={errorsFor('details')[`opens${day.weekday}`]} />
                <TextField name={`closes${day.weekday}`} label={`${t(`weekday.${day.weekday}`)} — ${t('factory.hours.closes')}`} type="time" defaultValue={day.closes} error={errorsFor('details')[`closes${day.weekday}`]} />
              </div>
            ))}
          </fieldset>
          <div className="form-actions">
            <Button name="intent" value="details">
              {t('factory.details.submit')}
            </Button>
          </div>
        </Form>
      </Card>

      <Card title={t('factory.closed.title')}>
        <Form method="post" className="stack" noValidate data-testid="factory-close">
          <p className="muted">{t('factory.closed.hint')}</p>
          <FormError error={formErrorFor('close')} />
          <div className="row">
            <DateField name="date" label={t('factory.closed.date')} min={page.today} required error={errorsFor('close').date} />
            <TextField name="reason" label={t('factory.closed.reason')} required error={errorsFor('close').reason} />
          </div>
          <div className="form-actions">
            <Button name="intent" value="close" variant="danger">
              {t('factory.closed.submit')}
            </Button>
          </div>
        </Form>
        {page.closedDays.length ? (
          <ul className="stack" data-testid="closed-days">
            {page.closedDays.map((entry) => (
              <li key={entry.date} className="row">
                <span>
                  {entry.date}
                  {entry.reason ? ` — ${entry.reason}` : ''}
                </span>
                <Form method="post">
                  <input type="hidden" name="date" value={entry.date} />
                  <Button name="intent" value="reopen" variant="secondary" size="small">
                    {t('factory.closed.reopen', { date: entry.date })}
                  </Button>
                </Form>
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState title={t('factory.closed.none')} />
        )}
      </Card>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'admin.factories.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
