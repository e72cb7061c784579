import { useEffect, useId, useRef, type InputHTMLAttributes, type ReactNode, type RefObject, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react'
import { useT } from '#app/utils/i18n'
import { cx } from './cx'

/** What an action returns for a field: one translated message (or zod's list of them). */
export type FieldError = string | readonly string[] | null | undefined

export function firstError(error: FieldError) {
  if (!error) return undefined
  return typeof error === 'string' ? error : error[0]
}

type FieldFrameProps = {
  id: string
  label: ReactNode
  hint?: ReactNode
  error?: FieldError
  required?: boolean
  className?: string
  children: (describedBy: string | undefined, invalid: boolean) => ReactNode
}

/** Label, control, hint and error wired together: the error is announced with the field. */
function FieldFrame({ id, label, hint, error, required, className, children }: FieldFrameProps) {
  const t = useT()
  const message = firstError(error)
  const hintId = hint ? `${id}-hint` : undefined
  const errorId = message ? `${id}-error` : undefined
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined
  return (
    <div className={cx('field', message && 'field-invalid', className)}>
      <label htmlFor={id} className="field-label">
        {label}
        {required ? <RequiredMark /> : null}
      </label>
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      {children(describedBy, Boolean(message))}
      {message ? (
        <p id={errorId} className="field-error">
          <span className="visually-hidden">{t('ui.errorPrefix')} </span>
          {message}
        </p>
      ) : null}
    </div>
  )
}

function RequiredMark() {
  const t = useT()
  return (
    <span className="field-required">
      <span aria-hidden="true"> *</span>
      <span className="visually-hidden"> ({t('ui.required')})</span>
    </span>
  )
}

type BaseProps = { name: string; label: ReactNode; hint?: ReactNode; error?: FieldError; className?: string }

export type TextFieldProps = BaseProps & Omit<InputHTMLAttributes<HTMLInputElement>, 'name' | 'className'>

export function TextField({ name, label, hint, error, className, id, type = 'text', required, ...input }: TextFieldProps) {
  const autoId = useId()
  const fieldId = id ?? `${name}-${autoId}`
  return (
    <FieldFrame id={fieldId} label={label} hint={hint} error={error} required={required} className={className}>
      {(describedBy, invalid) => (
        <input
          id={fieldId}
          name={name}
          type={type}
          required={required}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          className="input"
          {...input}
        />
      )}
    </FieldFrame>
  )
}

export type TextAreaProps = BaseProps & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'name' | 'className'>

export function TextArea({ name, label, hint, error, className, id, required, rows = 4, ...input }: TextAreaProps) {
  const autoId = useId()
  const fieldId = id ?? `${name}-${autoId}`
  return (
    <FieldFrame id={fieldId} label={label} hint={hint} error={error} required={required} className={className}>
      {(describedBy, invalid) => (
        <textarea
          id={fieldId}
          name={name}
          rows={rows}
          required={required}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          className="input"
          {...input}
        />
      )}
    </FieldFrame>
  )
}

export type Option = { value: string; label: ReactNode; disabled?: boolean; hint?: ReactNode }

export type SelectFieldProps = BaseProps &
  Omit<SelectHTMLAttributes<HTMLSelectElement>, 'name' | 'className'> & {
    options: readonly Option[]
    /** A first, empty choice such as "— choose —". */
    placeholder?: string
  }

export function SelectField({ name, label, hint, error, className, id, options, placeholder, required, ...select }: SelectFieldProps) {
  const autoId = useId()
  const fieldId = id ?? `${name}-${autoId}`
  return (
    <FieldFrame id={fieldId} label={label} hint={hint} error={error} required={required} className={className}>
      {(describedBy, invalid) => (
        <select
          id={fieldId}
          name={name}
          required={required}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          className="input"
          {...select}
        >
          {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
          {options.map((option) => (
            <option key={option.value} value={option.value} disabled={option.disabled}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  )
}

export type DateFieldProps = Omit<TextFieldProps, 'type'> & { withTime?: boolean }

/** A native date (or datetime-local) picker: values are `YYYY-MM-DD` / `YYYY-MM-DDTHH:mm`. */
export function DateField({ withTime, ...props }: DateFieldProps) {
  return <TextField type={withTime ? 'datetime-local' : 'date'} {...props} />
}

export type FileFieldProps = Omit<TextFieldProps, 'type'> & {
  /** e.g. "application/pdf,image/*" or ".pdf,.jpg" */
  accept?: string
  /** In bytes: shown in the hint; the server still checks it. */
  maxSize?: number
}

export function formatBytes(bytes: number) {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`
  return `${bytes} B`
}

export function FileField({ accept, maxSize, hint, ...props }: FileFieldProps) {
  const t = useT()
  const limits = [
    accept ? t('ui.file.accept', { types: accept.split(',').map((type) => type.trim()).join(', ') }) : null,
    maxSize ? t('ui.file.maxSize', { size: formatBytes(maxSize) }) : null,
  ].filter(Boolean)
  const fullHint =
    hint || limits.length ? (
      <>
        {hint}
        {hint && limits.length ? ' ' : null}
        {limits.join(' · ')}
      </>
    ) : undefined
  return <TextField type="file" accept={accept} hint={fullHint} {...props} />
}

export type CheckboxFieldProps = BaseProps & Omit<InputHTMLAttributes<HTMLInputElement>, 'name' | 'className' | 'type'>

export function CheckboxField({ name, label, hint, error, className, id, value = 'on', ...input }: CheckboxFieldProps) {
  const t = useT()
  const autoId = useId()
  const fieldId = id ?? `${name}-${autoId}`
  const message = firstError(error)
  const hintId = hint ? `${fieldId}-hint` : undefined
  const errorId = message ? `${fieldId}-error` : undefined
  return (
    <div className={cx('field field-check', message && 'field-invalid', className)}>
      <input
        id={fieldId}
        type="checkbox"
        name={name}
        value={value}
        aria-invalid={message ? true : undefined}
        aria-describedby={[errorId, hintId].filter(Boolean).join(' ') || undefined}
        {...input}
      />
      <div>
        <label htmlFor={fieldId}>
          {label}
          {input.required ? <RequiredMark /> : null}
        </label>
        {hint ? (
          <p id={hintId} className="field-hint">
            {hint}
          </p>
        ) : null}
        {message ? (
          <p id={errorId} className="field-error">
            <span className="visually-hidden">{t('ui.errorPrefix')} </span>
            {message}
          </p>
        ) : null}
      </div>
    </div>
  )
}

type ChoiceGroupProps = BaseProps & {
  options: readonly Option[]
  required?: boolean
  disabled?: boolean
  inline?: boolean
}

function ChoiceGroup({
  type,
  name,
  label,
  hint,
  error,
  className,
  options,
  required,
  disabled,
  inline,
  checked,
}: ChoiceGroupProps & { type: 'checkbox' | 'radio'; checked: (value: string) => boolean | undefined }) {
  const t = useT()
  const autoId = useId()
  const groupId = `${name}-${autoId}`
  const message = firstError(error)
  const hintId = hint ? `${groupId}-hint` : undefined
  const errorId = message ? `${groupId}-error` : undefined
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined
  return (
    <fieldset
      className={cx('field field-group', inline && 'field-group-inline', message && 'field-invalid', className)}
      aria-describedby={describedBy}
      disabled={disabled}
    >
      <legend className="field-label">
        {label}
        {required ? <RequiredMark /> : null}
      </legend>
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      <div className="choices">
        {options.map((option, index) => {
          const optionId = `${groupId}-${index}`
          return (
            <div className="choice" key={option.value}>
              <input
                id={optionId}
                type={type}
                name={name}
                value={option.value}
                defaultChecked={checked(option.value)}
                disabled={option.disabled}
                required={type === 'radio' ? required : undefined}
                aria-invalid={message ? true : undefined}
                aria-describedby={option.hint ? `${optionId}-hint` : undefined}
              />
              <label htmlFor={optionId}>
                {option.label}
                {option.hint ? (
                  <span id={`${optionId}-hint`} className="field-hint">
                    {option.hint}
                  </span>
                ) : null}
              </label>
            </div>
          )
        })}
      </div>
      {message ? (
        <p id={errorId} className="field-error">
          <span className="visually-hidden">{t('ui.errorPrefix')} </span>
          {message}
        </p>
      ) : null}
    </fieldset>
  )
}

export type CheckboxGroupProps = ChoiceGroupProps & { defaultValue?: readonly string[] }

/** Several values under one name (the server reads them with `formData.getAll(name)`). */
export function CheckboxGroup({ defaultValue, ...props }: CheckboxGroupProps) {
  return <ChoiceGroup type="checkbox" checked={(value) => defaultValue?.includes(value)} {...props} />
}

export type RadioGroupProps = ChoiceGroupProps & { defaultValue?: string }

export function RadioGroup({ defaultValue, ...props }: RadioGroupProps) {
  return <ChoiceGroup type="radio" checked={(value) => defaultValue === value} {...props} />
}

/** The form-level message (a rule, not a field): announced at once, and focusable for the hook. */
export function FormError({ error, id, children }: { error?: string | null; id?: string; children?: ReactNode }) {
  if (!error && !children) return null
  return (
    <div className="form-error" role="alert" id={id} tabIndex={-1} data-form-error="">
      {error ? <p>{error}</p> : null}
      {children}
    </div>
  )
}

/**
 * After a failed submit, moves focus to the first invalid field (or the form error when only the
 * form failed), so keyboard and screen-reader users land where they must act. Pass the `errors`
 * object from the action data; a new object (a new failed submit) refocuses. Attach the returned
 * ref to the form when a page has several forms.
 */
export function useFocusFirstError(
  errors: Record<string, unknown> | null | undefined,
  formError?: string | null,
): RefObject<HTMLFormElement> {
  const formRef = useRef<HTMLFormElement>(null)
  useEffect(() => {
    const hasFieldErrors = errors ? Object.values(errors).some(Boolean) : false
    if (!hasFieldErrors && !formError) return
    const scope: ParentNode = formRef.current ?? document.getElementById('main') ?? document
    const target =
      scope.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      scope.querySelector<HTMLElement>('[data-form-error]') ??
      document.querySelector<HTMLElement>('[data-form-error]')
    target?.focus()
  }, [errors, formError])
  return formRef
}
