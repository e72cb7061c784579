import { data } from '@remix-run/node'
import type { z } from 'zod'
import type { T } from './i18n'

export type FieldErrors = Record<string, string>

/**
 * Parses form input with a zod schema (`XSchema`). Messages in schemas are catalogue keys
 * (`'form.required'`); zod's own messages are mapped to generic keys, so every error reaches the
 * user in their language.
 */
export function parseWith<S extends z.ZodType>(
  schema: S,
  input: FormData | URLSearchParams | Record<string, unknown>,
  t: T,
): { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } {
  const values = input instanceof FormData || input instanceof URLSearchParams ? formToObject(input) : input
  const result = schema.safeParse(values)
  if (result.success) return { ok: true, data: result.data }
  const errors: FieldErrors = {}
  for (const issue of result.error.issues) {
    const field = issue.path.join('.') || 'form'
    if (!errors[field]) errors[field] = messageFor(issue, t)
  }
  return { ok: false, errors }
}

/** Repeated names (checkboxes, multi-selects) become arrays; files are kept as File objects. */
export function formToObject(form: FormData | URLSearchParams) {
  const out: Record<string, unknown> = {}
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key)
    out[key] = all.length > 1 || key.endsWith('[]') ? all : all[0]
  }
  return out
}

function messageFor(issue: z.core.$ZodIssue, t: T): string {
  const message = issue.message
  if (/^[a-z][\w-]*(\.[\w-]+)+$/i.test(message)) {
    const params: Record<string, string | number> = {}
    if ('minimum' in issue) params.min = Number(issue.minimum)
    if ('maximum' in issue) params.max = Number(issue.maximum)
    return t(message, params)
  }
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined || issue.input === '' ? t('form.required') : t('form.invalidValue')
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? t('form.required') : t('form.tooShort', { min: Number(issue.minimum) })
      if (issue.origin === 'array' || issue.origin === 'set') return t('form.chooseAtLeast', { min: Number(issue.minimum) })
      return t('form.tooSmall', { min: Number(issue.minimum) })
    case 'too_big':
      if (issue.origin === 'string') return t('form.tooLong', { max: Number(issue.maximum) })
      return t('form.tooBig', { max: Number(issue.maximum) })
    case 'invalid_format':
      return issue.format === 'email' ? t('form.invalidEmail') : t('form.invalidValue')
    default:
      return t('form.invalidValue')
  }
}

/** 400 with field errors next to the fields and nothing written. */
export function invalid(errors: FieldErrors, extra: Record<string, unknown> = {}, status = 400) {
  return data({ ok: false as const, errors, ...extra }, { status })
}

/** A refusal that belongs to the whole form (a rule, not a field): 4xx with one sentence. */
export function refuse(formError: string, status = 409, extra: Record<string, unknown> = {}) {
  return data({ ok: false as const, errors: {} as FieldErrors, formError, ...extra }, { status })
}
