import { Link } from '@remix-run/react'
import type { ReactNode } from 'react'
import { formatBytes } from '#app/components/ui/index'
import { useT } from '#app/utils/i18n'

/** Answers of an ABAD application as a loader sends them (strings, numbers, lists). */
export type AnswersView = Record<string, Record<string, unknown> | undefined>
export type DocumentView = { id: string; slot: string; name: string; type: string; size: number }

const str = (value: unknown) => (value == null ? '' : String(value))
const list = (value: unknown) => (Array.isArray(value) ? value.map(str) : [])

/**
 * What the family answered, step by step, for the review step, the applicant's page and the case
 * manager's page. `editHref` adds "Change" links (the applicant's review step).
 */
export function ApplicationSummary({
  answers,
  documents,
  fileHref,
  editHref,
  headingLevel = 2,
}: {
  answers: AnswersView
  documents: DocumentView[]
  fileHref: (doc: DocumentView) => string
  editHref?: (step: string) => string
  headingLevel?: 2 | 3
}) {
  const t = useT()
  const H = `h${headingLevel}` as const
  const household = answers.household ?? {}
  const business = answers.business ?? {}
  const needs = answers.needs ?? {}
  const members = Array.isArray(household.members) ? (household.members as Record<string, unknown>[]) : []
  const leadIndex = Number(household.leadIndex)
  const none = <span className="muted">{t('apply.summary.none')}</span>
  const section = (step: string, title: string, rows: [string, ReactNode][]) => (
    <section className="summary-section" aria-labelledby={`summary-${step}`}>
      <div className="summary-heading">
        <H id={`summary-${step}`}>{title}</H>
        {editHref ? (
          <Link to={editHref(step)} className="button button-link button-small" aria-label={t('apply.summary.changeStep', { step: title })}>
            {t('apply.summary.change')}
          </Link>
        ) : null}
      </div>
      <dl className="details">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value === '' || value == null ? none : value}</dd>
          </div>
        ))}
      </dl>
    </section>
  )
  return (
    <div className="application-summary stack">
      {section('household', t('apply.step.household'), [
        [
          t('apply.household.members'),
          members.length ? (
            <ul className="plain-list">
              {members.map((member, index) => (
                <li key={index}>
                  {str(member.name)}
                  {member.relation ? ` · ${t(`abad.relation.${str(member.relation)}`)}` : ''}
                  {member.birthYear ? ` · ${str(member.birthYear)}` : ''}
                  {index === leadIndex ? <strong> · {t('apply.household.leads')}</strong> : null}
                </li>
              ))}
            </ul>
          ) : (
            ''
          ),
        ],
        [t('apply.household.womenLed'), household.womenLed === true || household.womenLed === 'on' ? t('apply.yes') : t('apply.no')],
        [t('apply.household.region'), household.region ? t(`abad.region.${str(household.region)}`) : ''],
        [t('apply.household.village'), str(household.village)],
        [t('apply.household.address'), str(household.address)],
        [t('apply.household.phone'), str(household.phone)],
      ])}
      {section('business', t('apply.step.business'), [
        [t('apply.business.category'), business.category ? t(`abad.category.${str(business.category)}`) : ''],
        [t('apply.business.products'), list(business.products).map((p) => t(`abad.product.${p}`)).join(', ')],
        [t('apply.business.productsOther'), str(business.productsOther)],
        [t('apply.business.idea'), str(business.idea) ? <span className="pre-line">{str(business.idea)}</span> : ''],
        [t('apply.business.currentOutput'), str(business.currentOutput)],
        [t('apply.business.experienceYears'), str(business.experienceYears)],
      ])}
      {section('needs', t('apply.step.needs'), [
        [t('apply.needs.needs'), list(needs.needs).map((n) => t(`abad.need.${n}`)).join(', ')],
        [t('apply.needs.note'), str(needs.note)],
      ])}
      {section('documents', t('apply.step.documents'), [
        [
          t('apply.documents.files'),
          documents.length ? (
            <ul className="plain-list">
              {documents.map((doc) => (
                <li key={doc.id}>
                  <a href={fileHref(doc)} target="_blank" rel="noreferrer">
                    {doc.name}
                  </a>{' '}
                  <span className="muted">
                    ({t(`abad.slot.${doc.slot}`)}, {formatBytes(doc.size)})
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            ''
          ),
        ],
      ])}
    </div>
  )
}
