import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useEffect, useState } from 'react'
import { ApplicationSummary, type AnswersView } from '#app/components/application-summary'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import {
  Button,
  Card,
  CheckboxField,
  CheckboxGroup,
  FileField,
  FormError,
  PageHeader,
  RadioGroup,
  SelectField,
  TextArea,
  TextField,
  formatBytes,
  useFocusFirstError,
} from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { notifyApplicant } from '#app/utils/application-mail.server'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { getEnv } from '#app/utils/env.server'
import { formToObject, type FieldErrors } from '#app/utils/form.server'
import { makeT, useT, type T } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { deleteUploads, maxUploadBytes, readMultipart, storeUploads, UploadError, type UploadType } from '#app/utils/uploads.server'
import abadStyles from '#app/styles/abad.css'
import {
  ABAD_ANSWER_STEPS,
  ABAD_CRAFT_PRODUCTS,
  ABAD_DOCUMENT_SLOTS,
  ABAD_FOOD_PRODUCTS,
  ABAD_NEEDS,
  ABAD_REGIONS,
  ABAD_RELATIONS,
  ABAD_STEPS,
  ABAD_STEP_SCHEMAS,
  MAX_MEMBERS,
  abadStepInput,
  isAbadStep,
  type AbadAnswerStep,
  type AbadStep,
} from '#models/application-abad'
import {
  addApplicationDocument,
  getOpenApplication,
  removeApplicationDocument,
  saveApplicationStep,
  startApplication,
  submitApplication,
  submitProblems,
  type Application,
} from '#models/application.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: abadStyles }]

/** The person may apply (family or shopper account, not yet part of an accepted household). */
async function requireApplicant(request: Request) {
  const user = await requireUser(request)
  if (user.familyId) throw redirect('/family')
  requireAbility(user, 'create', asSubject('Application', { applicantId: user._id, kind: 'abad' }))
  return user
}

const stepHref = (step: AbadStep) => `/apply/abad?step=${step}`

function firstOpenStep(app: Pick<Application, 'completedSteps' | 'documents'> | null): AbadStep {
  if (!app) return 'household'
  const open = ABAD_ANSWER_STEPS.find((step) => !app.completedSteps.includes(step))
  if (open) return open
  return ABAD_DOCUMENT_SLOTS.every((slot) => app.documents.filter((d) => d.slot === slot.id).length >= slot.min) ? 'review' : 'documents'
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireApplicant(request)
  const t = makeT(await getLocale(request))
  const app = await getOpenApplication('abad', user._id)
  if (app && app.status !== 'draft') throw redirect(`/applications/${app._id}`)
  const asked = new URL(request.url).searchParams.get('step')
  const step: AbadStep = isAbadStep(asked) ? asked : firstOpenStep(app)
  const problems = app && step === 'review' ? submitProblems(app).map((p) => ({ ...p, message: t(p.message) })) : []
  return {
    step,
    userId: String(user._id),
    applicant: { name: user.name, phone: user.phone ?? '' },
    app: app
      ? {
          id: String(app._id),
          rev: app.rev,
          answers: app.answers as AnswersView,
          completedSteps: app.completedSteps,
          documents: app.documents.map((doc) => ({ id: doc.id, slot: doc.slot, name: doc.name, type: doc.type, size: doc.size })),
        }
      : null,
    problems,
    maxBytes: maxUploadBytes(),
  }
}

const UPLOAD_MESSAGES: Record<string, string> = {
  too_large: 'apply.upload.tooLarge',
  wrong_type: 'apply.upload.wrongType',
  empty: 'apply.upload.empty',
  too_many: 'apply.upload.tooMany',
  not_multipart: 'apply.upload.none',
  unknown_slot: 'apply.upload.none',
}

function uploadRefusal(t: T, slot: string, code: string, status = 400) {
  const maxMb = Math.round(maxUploadBytes() / (1024 * 1024))
  return data({ ok: false as const, errors: { [slot]: t(UPLOAD_MESSAGES[code] ?? 'apply.upload.none', { max: maxMb }) } as FieldErrors, formError: null }, { status })
}

function stepErrors(step: AbadAnswerStep, input: Record<string, unknown>, t: T) {
  const result = ABAD_STEP_SCHEMAS[step].safeParse(input)
  if (result.success) return { valid: true as const, data: result.data as Record<string, unknown>, errors: {} as FieldErrors }
  const errors: FieldErrors = {}
  for (const issue of result.error.issues) {
    const field = issue.path.join('.') || 'form'
    if (!errors[field]) errors[field] = /^[a-z][\w-]*(\.[\w-]+)+$/i.test(issue.message) ? t(issue.message, { min: 'minimum' in issue ? Number(issue.minimum) : '', max: 'maximum' in issue ? Number(issue.maximum) : '' }) : t('form.invalidValue')
  }
  return { valid: false as const, data: input, errors }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireApplicant(request)
  const t = makeT(await getLocale(request))
  const url = new URL(request.url)
  const step: AbadStep = isAbadStep(url.searchParams.get('step')) ? (url.searchParams.get('step') as AbadStep) : 'household'
  const applicant = { _id: user._id, name: user.name, email: user.email, locale: user.locale }

  if ((request.headers.get('Content-Type') ?? '').startsWith('multipart/form-data')) {
    // uploads: every file is checked before any is stored, and a stored file that cannot be attached is removed
    const slotId = url.searchParams.get('slot') ?? ''
    const slot = ABAD_DOCUMENT_SLOTS.find((s) => s.id === slotId)
    if (!slot) return uploadRefusal(t, 'form', 'unknown_slot')
    let received
    try {
      received = await readMultipart(request, { fileFields: ['file'], maxFiles: slot.max, allowed: slot.types as readonly UploadType[] })
    } catch (error) {
      if (error instanceof UploadError) return uploadRefusal(t, slot.id, error.code, error.status)
      throw error
    }
    if (!received.files.length) return uploadRefusal(t, slot.id, 'not_multipart')
    const app = await startApplication('abad', applicant)
    if (app.status !== 'draft') throw redirect(`/applications/${app._id}`)
    if (received.files.length > slot.max - app.documents.filter((doc) => doc.slot === slot.id).length) return uploadRefusal(t, slot.id, 'too_many')
    const stored = await storeUploads(received.files)
    for (const [index, file] of stored.entries()) {
      const result = await addApplicationDocument(app._id, user._id, { id: file.id, slot: slot.id, name: file.name, type: file.type, size: file.size })
      if (!result.ok) {
        await deleteUploads(stored.slice(index).map((f) => f.id))
        if (result.reason === 'not_draft') throw redirect(`/applications/${app._id}`)
        return uploadRefusal(t, slot.id, result.reason === 'too_many' ? 'too_many' : result.reason)
      }
    }
    return redirectWithToast(stepHref('documents'), t('apply.upload.done', { count: stored.length }))
  }

  const formData = await request.formData()
  const intent = String(formData.get('intent') ?? 'next')

  if (intent === 'remove-document') {
    const app = await getOpenApplication('abad', user._id)
    if (!app) throw new Response('Not found', { status: 404 })
    const result = await removeApplicationDocument(app._id, user._id, String(formData.get('fileId') ?? ''))
    if (!result.ok && result.reason === 'not_draft') throw redirect(`/applications/${app._id}`)
    if (result.ok) await deleteUploads([result.removed.id])
    return redirectWithToast(stepHref('documents'), t('apply.upload.removed'))
  }

  if (intent === 'submit') {
    const app = await getOpenApplication('abad', user._id)
    if (!app) return data({ ok: false as const, errors: {} as FieldErrors, formError: t('apply.review.incomplete') }, { status: 400 })
    if (app.status !== 'draft') return redirectWithToast(`/applications/${app._id}`, t('apply.submitted', { ref: app.ref ?? '' }))
    if (formData.get('consent') !== 'on') return data({ ok: false as const, errors: { consent: t('apply.review.consentRequired') } as FieldErrors, formError: null }, { status: 400 })
    const result = await submitApplication(app._id, applicant)
    if (!result.ok) {
      if (result.reason === 'incomplete') return data({ ok: false as const, errors: {} as FieldErrors, formError: t('apply.review.incomplete') }, { status: 400 })
      throw new Response('Not found', { status: 404 })
    }
    if (!result.already) await notifyApplicant(request, result.app, 'application_submitted', { days: getEnv().APPLICATION_DECISION_DAYS })
    return redirectWithToast(`/applications/${result.app._id}`, t('apply.submitted', { ref: result.app.ref ?? '' }))
  }

  if (!(ABAD_ANSWER_STEPS as readonly string[]).includes(step)) throw new Response('Unknown step', { status: 400 })
  const answerStep = step as AbadAnswerStep
  const input = abadStepInput(answerStep, formToObject(formData))
  const checked = stepErrors(answerStep, input, t)
  const app = await startApplication('abad', applicant)
  const saved = await saveApplicationStep(app._id, user._id, answerStep, checked.data, checked.valid)
  if (!saved.ok) {
    if (saved.reason === 'not_draft') return redirectWithToast(`/applications/${app._id}`, t('apply.alreadySubmitted'), 'info')
    throw new Response('Not found', { status: 404 })
  }
  const index = ABAD_STEPS.indexOf(answerStep)
  if (intent === 'back') return redirect(stepHref(ABAD_STEPS[Math.max(0, index - 1)]))
  if (!checked.valid) return data({ ok: false as const, errors: checked.errors, formError: t('apply.savedWithErrors') }, { status: 400 })
  if (intent === 'save') return redirectWithToast(stepHref(answerStep), t('apply.draftSaved'))
  return redirect(stepHref(ABAD_STEPS[index + 1]))
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>
type Saved = Record<string, unknown>
const str = (value: unknown) => (value == null ? '' : String(value))

/**
 * Keeps what was typed in this browser until the server has it: a session that expired mid-form
 * sends the person to log in, and the step comes back with their words in it.
 */
function useDraftBackup(formRef: React.RefObject<HTMLFormElement | null>, key: string, rev: number) {
  const [restored, setRestored] = useState(false)
  useEffect(() => {
    const form = formRef.current
    if (!form) return
    try {
      const raw = window.localStorage.getItem(key)
      const backup = raw ? (JSON.parse(raw) as { rev: number; values: [string, string][] }) : null
      if (backup && backup.rev === rev && backup.values.length) {
        const names = new Set(backup.values.map(([name]) => name))
        for (const element of Array.from(form.elements) as HTMLInputElement[]) {
          if (!element.name || !names.has(element.name) || element.type === 'file' || element.type === 'hidden') continue
          const values = backup.values.filter(([name]) => name === element.name).map(([, value]) => value)
          if (element.type === 'checkbox' || element.type === 'radio') element.checked = values.includes(element.value)
          else element.value = values[0] ?? ''
        }
        setRestored(true)
      } else if (backup) window.localStorage.removeItem(key)
    } catch {
      // storage may be full or disabled: the server draft is still there
    }
    const save = () => {
      try {
        const values = [...new FormData(form).entries()].filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'intent')
        window.localStorage.setItem(key, JSON.stringify({ rev, values }))
      } catch {
        // nothing to do: the draft on the server is the fallback
      }
    }
    form.addEventListener('input', save)
    form.addEventListener('change', save)
    return () => {
      form.removeEventListener('input', save)
      form.removeEventListener('change', save)
    }
  }, [formRef, key, rev])
  return restored
}

export default function ApplyAbadPage() {
  const t = useT()
  const loaderData = useLoaderData<typeof loader>()
  const { step, app } = loaderData
  const actionData = useActionData<typeof action>()
  const errors: FieldErrors = actionData?.errors ?? {}
  const formError = actionData?.formError ?? null
  const index = ABAD_STEPS.indexOf(step)
  const done = (s: AbadStep) =>
    s === 'documents'
      ? ABAD_DOCUMENT_SLOTS.every((slot) => (app?.documents ?? []).filter((d) => d.slot === slot.id).length >= slot.min)
      : Boolean(app?.completedSteps.includes(s))
  return (
    <div className="stack apply-page">
      <PageHeader title={t('apply.title')} description={t('apply.intro')} />
      <nav aria-label={t('apply.steps')} className="step-nav">
        <ol>
          {ABAD_STEPS.map((s, i) => (
            <li key={s} className={s === step ? 'is-current' : done(s) ? 'is-done' : undefined}>
              <Link to={stepHref(s)} aria-current={s === step ? 'step' : undefined}>
                <span className="step-number" aria-hidden="true">
                  {done(s) && s !== 'review' ? '✓' : i + 1}
                </span>
                <span>{t(`apply.step.${s}`)}</span>
                {done(s) && s !== 'review' ? <span className="visually-hidden"> ({t('apply.stepDone')})</span> : null}
              </Link>
            </li>
          ))}
        </ol>
      </nav>
      <p className="muted" aria-live="polite">
        {t('apply.stepOf', { step: index + 1, steps: ABAD_STEPS.length })} · {app ? t('apply.draftKept') : t('apply.notStarted')}
      </p>
      {step === 'documents' ? (
        <DocumentsStep data={loaderData} errors={errors} />
      ) : step === 'review' ? (
        <ReviewStep data={loaderData} errors={errors} formError={formError} />
      ) : (
        <AnswerStep key={`${step}-${app?.rev ?? -1}`} step={step as AbadAnswerStep} data={loaderData} errors={errors} formError={formError} />
      )}
    </div>
  )
}

function StepButtons({ step }: { step: AbadStep }) {
  const t = useT()
  return (
    <div className="form-actions">
      <Button type="submit" name="intent" value="next">
        {t('apply.saveNext')}
      </Button>
      <Button type="submit" name="intent" value="save" variant="secondary">
        {t('apply.saveDraft')}
      </Button>
      {step !== 'household' ? (
        <Button type="submit" name="intent" value="back" variant="link">
          {t('apply.back')}
        </Button>
      ) : null}
    </div>
  )
}

function AnswerStep({ step, data, errors, formError }: { step: AbadAnswerStep; data: LoaderData; errors: FieldErrors; formError: string | null }) {
  const t = useT()
  const formRef = useFocusFirstError(errors, formError)
  const saved = (data.app?.answers?.[step] ?? {}) as Saved
  const restored = useDraftBackup(formRef, `abad-draft:${data.userId}:${step}`, data.app?.rev ?? -1)
  return (
    <Form method="post" action={`/apply/abad?step=${step}`} noValidate className="stack" ref={formRef} aria-labelledby="step-title">
      <h2 id="step-title">{t(`apply.step.${step}`)}</h2>
      {restored ? (
        <p className="notice" role="status">
          {t('apply.restored')}
        </p>
      ) : null}
      <FormError error={formError} />
      {step === 'household' ? <HouseholdFields saved={saved} errors={errors} applicant={data.applicant} /> : null}
      {step === 'business' ? <BusinessFields saved={saved} errors={errors} /> : null}
      {step === 'needs' ? <NeedsFields saved={saved} errors={errors} /> : null}
      <StepButtons step={step} />
    </Form>
  )
}

function HouseholdFields({ saved, errors, applicant }: { saved: Saved; errors: FieldErrors; applicant: { name: string; phone: string } }) {
  const t = useT()
  const savedMembers = Array.isArray(saved.members) ? (saved.members as Saved[]) : []
  const members = savedMembers.length ? savedMembers : [{ name: applicant.name, relation: 'self', birthYear: '' }]
  const rows = Math.min(MAX_MEMBERS, Math.max(members.length + 2, 3))
  const leadIndex = saved.leadIndex === undefined || saved.leadIndex === '' ? 0 : Number(saved.leadIndex)
  return (
    <>
      <fieldset className="field-group members" aria-describedby={errors.members || errors.leadIndex ? 'members-error' : 'members-hint'}>
        <legend className="field-label">{t('apply.household.members')}</legend>
        <p id="members-hint" className="field-hint">
          {t('apply.household.membersHint')}
        </p>
        {errors.members || errors.leadIndex ? (
          <p id="members-error" className="field-error">
            {errors.members ?? errors.leadIndex}
          </p>
        ) : null}
        {Array.from({ length: rows }, (_, row) => {
          const member = members[row] ?? {}
          return (
            <fieldset key={row} className="member-row">
              <legend>{t('apply.household.member', { n: row + 1 })}</legend>
              <TextField name={`members.${row}.name`} label={t('apply.household.memberName')} defaultValue={str(member.name)} autoComplete="off" error={errors[`members.${row}.name`]} />
              <SelectField
                name={`members.${row}.relation`}
                label={t('apply.household.relation')}
                defaultValue={str(member.relation) || (row === 0 ? 'self' : '')}
                placeholder={t('apply.choose')}
                options={ABAD_RELATIONS.map((r) => ({ value: r, label: t(`abad.relation.${r}`) }))}
                error={errors[`members.${row}.relation`]}
              />
              <TextField
                name={`members.${row}.birthYear`}
                label={t('apply.household.birthYear')}
                inputMode="numeric"
                defaultValue={str(member.birthYear)}
                error={errors[`members.${row}.birthYear`]}
                className="field-short"
              />
              <div className="choice">
                <input id={`lead-${row}`} type="radio" name="leadIndex" value={row} defaultChecked={row === leadIndex} aria-invalid={errors.leadIndex ? true : undefined} />
                <label htmlFor={`lead-${row}`}>{t('apply.household.thisLeads')}</label>
              </div>
            </fieldset>
          )
        })}
      </fieldset>
      <CheckboxField name="womenLed" label={t('apply.household.womenLed')} hint={t('apply.household.womenLedHint')} defaultChecked={saved.womenLed === true || saved.womenLed === 'on'} />
      <SelectField
        name="region"
        label={t('apply.household.region')}
        required
        defaultValue={str(saved.region)}
        placeholder={t('apply.choose')}
        options={ABAD_REGIONS.map((r) => ({ value: r, label: t(`abad.region.${r}`) }))}
        error={errors.region}
      />
      <TextField name="village" label={t('apply.household.village')} required defaultValue={str(saved.village)} error={errors.village} autoComplete="address-level3" />
      <TextField name="address" label={t('apply.household.address')} required defaultValue={str(saved.address)} error={errors.address} autoComplete="street-address" />
      <TextField name="phone" type="tel" label={t('apply.household.phone')} required defaultValue={str(saved.phone) || applicant.phone} error={errors.phone} autoComplete="tel" />
    </>
  )
}

function BusinessFields({ saved, errors }: { saved: Saved; errors: FieldErrors }) {
  const t = useT()
  const products = Array.isArray(saved.products) ? (saved.products as string[]) : []
  return (
    <>
      <RadioGroup
        name="category"
        label={t('apply.business.category')}
        required
        inline
        defaultValue={str(saved.category)}
        options={[
          { value: 'food', label: t('abad.category.food') },
          { value: 'craft', label: t('abad.category.craft') },
        ]}
        error={errors.category}
      />
      <fieldset className="field-group" aria-describedby={errors.products ? 'products-error' : undefined}>
        <legend className="field-label">{t('apply.business.products')}</legend>
        <CheckboxGroup name="products" label={t('abad.category.food')} inline defaultValue={products} options={ABAD_FOOD_PRODUCTS.map((p) => ({ value: p, label: t(`abad.product.${p}`) }))} />
        <CheckboxGroup name="products" label={t('abad.category.craft')} inline defaultValue={products} options={ABAD_CRAFT_PRODUCTS.map((p) => ({ value: p, label: t(`abad.product.${p}`) }))} />
        {errors.products ? (
          <p id="products-error" className="field-error">
            {errors.products}
          </p>
        ) : null}
      </fieldset>
      <TextField name="productsOther" label={t('apply.business.productsOther')} defaultValue={str(saved.productsOther)} error={errors.productsOther} />
      <TextArea name="idea" label={t('apply.business.idea')} hint={t('apply.business.ideaHint')} required rows={5} maxLength={2000} defaultValue={str(saved.idea)} error={errors.idea} />
      <TextField name="currentOutput" label={t('apply.business.currentOutput')} hint={t('apply.business.currentOutputHint')} required defaultValue={str(saved.currentOutput)} error={errors.currentOutput} />
      <TextField
        name="experienceYears"
        label={t('apply.business.experienceYears')}
        inputMode="numeric"
        required
        defaultValue={str(saved.experienceYears)}
        error={errors.experienceYears}
        className="field-short"
      />
    </>
  )
}

function NeedsFields({ saved, errors }: { saved: Saved; errors: FieldErrors }) {
  const t = useT()
  return (
    <>
      <CheckboxGroup
        name="needs"
        label={t('apply.needs.needs')}
        hint={t('apply.needs.needsHint')}
        required
        defaultValue={Array.isArray(saved.needs) ? (saved.needs as string[]) : []}
        options={ABAD_NEEDS.map((n) => ({ value: n, label: t(`abad.need.${n}`), hint: t(`abad.needHint.${n}`) }))}
        error={errors.needs}
      />
      <TextArea name="note" label={t('apply.needs.note')} rows={3} maxLength={1000} defaultValue={str(saved.note)} error={errors.note} />
    </>
  )
}

function DocumentsStep({ data, errors }: { data: LoaderData; errors: FieldErrors }) {
  const t = useT()
  const navigation = useNavigation()
  const documents = data.app?.documents ?? []
  useFocusFirstError(errors)
  return (
    <div className="stack">
      <h2>{t('apply.step.documents')}</h2>
      <p>{t('apply.documents.intro')}</p>
      {ABAD_DOCUMENT_SLOTS.map((slot) => {
        const mine = documents.filter((doc) => doc.slot === slot.id)
        const full = mine.length >= slot.max
        return (
          <Card key={slot.id} title={t(`abad.slot.${slot.id}`)} level={3}>
            <p className="muted">{t(`abad.slotHint.${slot.id}`, { max: slot.max })}</p>
            {mine.length ? (
              <ul className="file-list" data-testid={`documents-${slot.id}`}>
                {mine.map((doc) => (
                  <li key={doc.id}>
                    {doc.type.startsWith('image/') ? <img src={`/files/applications/${data.app!.id}/${doc.id}`} alt="" className="file-thumb" loading="lazy" /> : null}
                    <a href={`/files/applications/${data.app!.id}/${doc.id}`} target="_blank" rel="noreferrer">
                      {doc.name}
                    </a>
                    <span className="muted"> {formatBytes(doc.size)}</span>
                    <Form method="post" action="/apply/abad?step=documents" className="inline-form">
                      <input type="hidden" name="fileId" value={doc.id} />
                      <Button type="submit" name="intent" value="remove-document" variant="link" size="small" aria-label={t('apply.documents.removeNamed', { name: doc.name })}>
                        {t('apply.documents.remove')}
                      </Button>
                    </Form>
                  </li>
                ))}
              </ul>
            ) : (
              <p>{t('apply.documents.noneYet')}</p>
            )}
            {full ? (
              <p className="muted">{t('apply.documents.full')}</p>
            ) : (
              <Form method="post" action={`/apply/abad?step=documents&slot=${slot.id}`} encType="multipart/form-data" className="stack" noValidate>
                <FileField
                  name="file"
                  id={`file-${slot.id}`}
                  label={t('apply.documents.choose')}
                  accept={slot.types.join(',')}
                  maxSize={data.maxBytes}
                  multiple={slot.max - mine.length > 1}
                  required
                  error={errors[slot.id]}
                />
                <Button type="submit" variant="secondary" pending={navigation.state === 'submitting' && navigation.formAction?.includes(`slot=${slot.id}`)}>
                  {t('apply.documents.upload')}
                </Button>
              </Form>
            )}
          </Card>
        )
      })}
      <FormError error={errors.form} />
      <div className="form-actions">
        <Link className="button button-primary" to="/apply/abad?step=review">
          {t('apply.documents.continue')}
        </Link>
        <Link className="button button-link" to="/apply/abad?step=needs">
          {t('apply.back')}
        </Link>
      </div>
    </div>
  )
}

function ReviewStep({ data, errors, formError }: { data: LoaderData; errors: FieldErrors; formError: string | null }) {
  const t = useT()
  const formRef = useFocusFirstError(errors, formError)
  const app = data.app
  const byStep = new Map<string, typeof data.problems>()
  for (const problem of data.problems) byStep.set(problem.step, [...(byStep.get(problem.step) ?? []), problem])
  return (
    <div className="stack">
      <h2>{t('apply.step.review')}</h2>
      {!app ? (
        <p>{t('apply.review.nothing')}</p>
      ) : (
        <>
          {data.problems.length ? (
            <div className="form-error" role="alert" data-testid="review-problems">
              <p>{t('apply.review.fixFirst')}</p>
              <ul>
                {[...byStep.entries()].map(([step, problems]) => (
                  <li key={step}>
                    <Link to={stepHref(step as AbadStep)}>{t(`apply.step.${step}`)}</Link>: {[...new Set(problems.map((p) => p.message))].join('; ')}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <ApplicationSummary answers={app.answers} documents={app.documents} fileHref={(doc) => `/files/applications/${app.id}/${doc.id}`} editHref={(step) => stepHref(step as AbadStep)} />
          <Form method="post" action="/apply/abad?step=review" className="stack" noValidate ref={formRef}>
            <FormError error={formError} />
            <CheckboxField name="consent" label={t('apply.review.consent')} required error={errors.consent} />
            <p className="muted">{t('apply.review.frozen')}</p>
            <Button type="submit" name="intent" value="submit" disabled={data.problems.length > 0} pendingLabel={t('form.submitting')}>
              {t('apply.review.submit')}
            </Button>
          </Form>
        </>
      )}
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'apply.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
