import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { FillBar } from '#app/components/training/fill-bar'
import { Button, ButtonLink, Card, CheckboxField, DataTable, DateTime, FormError, PageHeader, SelectField, TextArea, TextField, useFocusFirstError, type Column } from '#app/components/ui/index'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { parseWith, type FieldErrors } from '#app/utils/form.server'
import { makeT, pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import trainingStyles from '#app/styles/training.css'
import { createCourse, DuplicateCourseCodeError, listCourses } from '#models/course.server'
import { COURSE_TOPICS } from '#models/training-constants'
import { listPlaces } from '#models/place.server'
import { createRun, listRuns, listTrainers } from '#models/training.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: trainingStyles }]

async function requireStaff(request: Request) {
  const user = await requireUser(request)
  requireAbility(user, 'create', 'Course')
  return user
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireStaff(request)
  const locale = await getLocale(request)
  const [courses, runs, places, trainers] = await Promise.all([listCourses(), listRuns(), listPlaces(), listTrainers()])
  return {
    courses: courses.map((c) => ({ id: String(c._id), code: c.code, title: pickText(c.title, locale), topic: c.topic, sessions: c.sessionsCount, rule: c.passRule, validity: c.certificateValidityMonths })),
    runs: runs.map((s) => ({
      id: String(s.run._id),
      code: s.run.code,
      title: pickText(s.course.title, locale),
      place: pickText(s.place?.name, locale),
      firstStart: s.firstStart,
      sessions: s.sessions.length,
      capacity: s.run.capacity,
      free: s.free,
      waiting: s.waiting,
    })),
    places: places.map((p) => ({ value: String(p._id), label: pickText(p.name, locale) })),
    trainers: trainers.map((u) => ({ value: String(u._id), label: u.name })),
  }
}

const CourseSchema = z.object({
  intent: z.literal('course'),
  code: z.string().trim().min(2, 'form.tooShort').max(40, 'form.tooLong').regex(/^[A-Za-z0-9-]+$/, 'training.admin.codeFormat'),
  titleAz: z.string().trim().min(2, 'form.tooShort').max(140, 'form.tooLong'),
  titleEn: z.string().trim().min(2, 'form.tooShort').max(140, 'form.tooLong'),
  titleRu: z.string().trim().max(140, 'form.tooLong').default(''),
  descriptionAz: z.string().trim().max(2000, 'form.tooLong').default(''),
  descriptionEn: z.string().trim().max(2000, 'form.tooLong').default(''),
  topic: z.enum(COURSE_TOPICS, { message: 'form.required' }),
  sessionsCount: z.coerce.number().int().min(1).max(60),
  minAttendancePct: z.coerce.number().int().min(0).max(100),
  requiresPass: z.literal('on').optional(),
  certificateValidityMonths: z.coerce.number().int().min(0).max(120),
  trainerId: z.string().max(40).default(''),
  visitingExpert: z.string().trim().max(140, 'form.tooLong').default(''),
  qualifiesForLines: z.string().trim().max(200, 'form.tooLong').default(''),
})

const RunSchema = z.object({
  intent: z.literal('run'),
  courseId: z.string().min(1, 'form.required').max(40),
  placeId: z.string().min(1, 'form.required').max(40),
  capacity: z.coerce.number().int().min(1).max(500),
  trainerId: z.string().max(40).default(''),
  cancelCutoffHours: z.coerce.number().int().min(0).max(720),
})

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireStaff(request)
  const t = makeT(await getLocale(request))
  const form = await request.formData()
  const actor = { _id: user._id, name: user.name }
  switch (form.get('intent')) {
    case 'course': {
      const parsed = parseWith(CourseSchema, form, t)
      if (!parsed.ok) return data({ intent: 'course', errors: parsed.errors, formError: t('form.invalid') }, { status: 400 })
      const input = parsed.data
      try {
        await createCourse(
          {
            code: input.code.toUpperCase(),
            title: { az: input.titleAz, en: input.titleEn, ru: input.titleRu },
            description: { az: input.descriptionAz, en: input.descriptionEn, ru: '' },
            topic: input.topic,
            sessionsCount: input.sessionsCount,
            passRule: { minAttendancePct: input.minAttendancePct, requiresPass: input.requiresPass === 'on' },
            certificateValidityMonths: input.certificateValidityMonths,
            trainerId: input.trainerId || null,
            visitingExpert: input.visitingExpert,
            qualifiesForLines: input.qualifiesForLines.split(',').map((s) => s.trim()).filter(Boolean),
          },
          actor,
        )
      } catch (error) {
        if (error instanceof DuplicateCourseCodeError) return data({ intent: 'course', errors: { code: t('training.admin.codeTaken') } as FieldErrors, formError: null }, { status: 409 })
        throw error
      }
      return redirectWithToast('/admin/training', t('training.admin.courseCreated'))
    }
    case 'run': {
      const parsed = parseWith(RunSchema, form, t)
      if (!parsed.ok) return data({ intent: 'run', errors: parsed.errors, formError: t('form.invalid') }, { status: 400 })
      const created = await createRun({ ...parsed.data, trainerId: parsed.data.trainerId || null }, actor)
      if (!created.ok) return data({ intent: 'run', errors: {} as FieldErrors, formError: t('booking.reason.not_found') }, { status: 404 })
      return redirectWithToast(`/admin/training/runs/${created.run._id}`, t('training.admin.runCreated'))
    }
    default:
      return data({ intent: '', errors: {} as FieldErrors, formError: t('form.invalid') }, { status: 400 })
  }
}

type RunRow = ReturnType<typeof useLoaderData<typeof loader>>['runs'][number]
type CourseRow = ReturnType<typeof useLoaderData<typeof loader>>['courses'][number]

export default function AdminTrainingPage() {
  const t = useT()
  const { courses, runs, places, trainers } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const courseErrors: FieldErrors = result?.intent === 'course' ? result.errors : {}
  const runErrors: FieldErrors = result?.intent === 'run' ? result.errors : {}
  const courseRef = useFocusFirstError(courseErrors, result?.intent === 'course' ? result.formError : null)
  const runRef = useFocusFirstError(runErrors, result?.intent === 'run' ? result.formError : null)
  const runColumns: Column<RunRow>[] = [
    { key: 'title', header: t('training.admin.col.course'), rowHeader: true, cell: (r) => <Link to={`/admin/training/runs/${r.id}`}>{r.title}</Link> },
    { key: 'code', header: t('training.admin.col.code'), cell: (r) => r.code },
    { key: 'place', header: t('training.admin.col.place'), cell: (r) => r.place },
    { key: 'start', header: t('training.admin.col.start'), cell: (r) => (r.firstStart ? <DateTime value={r.firstStart} /> : '—') },
    { key: 'sessions', header: t('training.admin.col.sessions'), align: 'end', cell: (r) => r.sessions },
    { key: 'fill', header: t('training.admin.col.fill'), cell: (r) => <FillBar free={r.free} capacity={r.capacity} waiting={r.waiting} /> },
  ]
  const courseColumns: Column<CourseRow>[] = [
    { key: 'code', header: t('training.admin.col.code'), rowHeader: true, cell: (c) => c.code },
    { key: 'title', header: t('training.admin.col.course'), cell: (c) => c.title },
    { key: 'topic', header: t('training.admin.col.topic'), cell: (c) => t(`training.topic.${c.topic}`) },
    { key: 'sessions', header: t('training.admin.col.sessions'), align: 'end', cell: (c) => c.sessions },
    { key: 'rule', header: t('training.admin.col.rule'), cell: (c) => `${c.rule.minAttendancePct}%${c.rule.requiresPass ? ` + ${t('training.admin.exam')}` : ''}` },
    { key: 'validity', header: t('training.admin.col.validity'), align: 'end', cell: (c) => (c.validity ? t('training.admin.months', { months: c.validity }) : '∞') },
  ]
  return (
    <div className="stack training">
      <PageHeader title={t('training.admin.title')} description={t('training.admin.intro')} actions={<ButtonLink to="/admin/training/calendar" variant="secondary">{t('training.calendar.title')}</ButtonLink>} />
      <DataTable caption={t('training.admin.runs')} columns={runColumns} rows={runs} rowKey={(r) => r.id} />
      <Card title={t('training.admin.newRun')}>
        <Form method="post" className="stack" ref={runRef} noValidate>
          <input type="hidden" name="intent" value="run" />
          <FormError error={result?.intent === 'run' ? result.formError : null} />
          <SelectField name="courseId" label={t('training.admin.course')} required placeholder="—" options={courses.map((c) => ({ value: c.id, label: `${c.title} (${c.code})` }))} error={runErrors.courseId} />
          <SelectField name="placeId" label={t('training.admin.place')} required placeholder="—" options={places} error={runErrors.placeId} />
          <TextField name="capacity" type="number" min={1} max={500} label={t('training.admin.capacity')} required defaultValue="12" error={runErrors.capacity} />
          <SelectField name="trainerId" label={t('training.admin.trainer')} placeholder={t('training.admin.courseTrainer')} options={trainers} error={runErrors.trainerId} />
          <TextField name="cancelCutoffHours" type="number" min={0} max={720} label={t('training.admin.cutoff')} hint={t('training.admin.cutoffHint')} defaultValue="24" error={runErrors.cancelCutoffHours} />
          <Button type="submit">{t('training.admin.createRun')}</Button>
        </Form>
      </Card>
      <DataTable caption={t('training.admin.courses')} columns={courseColumns} rows={courses} rowKey={(c) => c.id} />
      <Card title={t('training.admin.newCourse')}>
        <Form method="post" className="stack" ref={courseRef} noValidate>
          <input type="hidden" name="intent" value="course" />
          <FormError error={result?.intent === 'course' ? result.formError : null} />
          <TextField name="code" label={t('training.admin.code')} hint={t('training.admin.codeHint')} required maxLength={40} error={courseErrors.code} />
          <TextField name="titleAz" label={t('training.admin.titleAz')} required maxLength={140} error={courseErrors.titleAz} lang="az" />
          <TextField name="titleEn" label={t('training.admin.titleEn')} required maxLength={140} error={courseErrors.titleEn} lang="en" />
          <TextField name="titleRu" label={t('training.admin.titleRu')} maxLength={140} error={courseErrors.titleRu} lang="ru" />
          <TextArea name="descriptionAz" label={t('training.admin.descriptionAz')} rows={3} maxLength={2000} error={courseErrors.descriptionAz} lang="az" />
          <TextArea name="descriptionEn" label={t('training.admin.descriptionEn')} rows={3} maxLength={2000} error={courseErrors.descriptionEn} lang="en" />
          <SelectField name="topic" label={t('training.admin.topic')} required placeholder="—" options={COURSE_TOPICS.map((topic) => ({ value: topic, label: t(`training.topic.${topic}`) }))} error={courseErrors.topic} />
          <TextField name="sessionsCount" type="number" min={1} max={60} label={t('training.admin.sessionsCount')} required defaultValue="4" error={courseErrors.sessionsCount} />
          <TextField name="minAttendancePct" type="number" min={0} max={100} label={t('training.admin.minAttendance')} required defaultValue="80" error={courseErrors.minAttendancePct} />
          <CheckboxField name="requiresPass" label={t('training.admin.requiresPass')} defaultChecked />
          <TextField name="certificateValidityMonths" type="number" min={0} max={120} label={t('training.admin.validity')} hint={t('training.admin.validityHint')} required defaultValue="24" error={courseErrors.certificateValidityMonths} />
          <SelectField name="trainerId" label={t('training.admin.trainer')} placeholder="—" options={trainers} error={courseErrors.trainerId} />
          <TextField name="visitingExpert" label={t('training.admin.expert')} maxLength={140} error={courseErrors.visitingExpert} />
          <TextField name="qualifiesForLines" label={t('training.admin.lines')} hint={t('training.admin.linesHint')} maxLength={200} error={courseErrors.qualifiesForLines} />
          <Button type="submit">{t('training.admin.createCourse')}</Button>
        </Form>
      </Card>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'training.admin.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
