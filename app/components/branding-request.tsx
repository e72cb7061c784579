import type { ReactNode } from 'react'
import { Card, DateTime, StatusBadge, Timeline } from '#app/components/ui/index'
import { formatNumber, useLocale, useT, type T } from '#app/utils/i18n'

type Comment = { authorName: string; side: string; kind: string; body: string; at: string }
type ArtworkFile = { role: string; kind: 'image' | 'pdf'; href: string; src: string; srcSet: string }
export type BrandingVersionView = { n: number; brandName: string; colours: string[]; note: string; at: string; uploadedByName: string; files: ArtworkFile[]; comments: Comment[] }
export type BrandingRequestViewProps = {
  ref: string
  title: string
  familyName: string
  brief: { story: string; audience: string; colours: string; examples: string }
  productsText: string
  deadline: string | null
  status: string
  designerName: string
  approvedVersion: number | null
  durations: { status: string; ms: number }[]
  versions: BrandingVersionView[]
  generalComments: Comment[]
  history: { status: string; at: string; byName: string; note: string }[]
}

/** "3 d 4 h", "2 h 10 min", "5 min": how long a request waited in a state. */
export function formatDuration(ms: number, t: T, locale: Parameters<typeof formatNumber>[1]) {
  const minutes = Math.floor(ms / 60_000)
  const days = Math.floor(minutes / 1440)
  const hours = Math.floor((minutes % 1440) / 60)
  const rest = minutes % 60
  if (days > 0) return t('branding.duration.days', { days: formatNumber(days, locale), hours: formatNumber(hours, locale) })
  if (hours > 0) return t('branding.duration.hours', { hours: formatNumber(hours, locale), minutes: formatNumber(rest, locale) })
  return t('branding.duration.minutes', { minutes: formatNumber(rest, locale) })
}

function Comments({ comments }: { comments: Comment[] }) {
  const t = useT()
  if (!comments.length) return null
  return (
    <ul className="comments">
      {comments.map((comment, index) => (
        <li key={index} className={`comment comment-${comment.side}`}>
          <p className="comment-meta">
            <strong>{comment.authorName}</strong> · {t(`branding.side.${comment.side}`)} · <DateTime value={comment.at} />
            {comment.kind !== 'comment' ? <> · {t(`branding.commentKind.${comment.kind}`)}</> : null}
          </p>
          {comment.body ? <p>{comment.body}</p> : null}
        </li>
      ))}
    </ul>
  )
}

/**
 * A branding request as the family, the designers and the leads see it: the brief, every version
 * (newest first) with its artwork and comments, the timeline and the time spent in each state.
 * Each page adds its own actions per version and below.
 */
export function BrandingRequestDetails({ request, versionActions, children }: { request: BrandingRequestViewProps; versionActions?: (version: BrandingVersionView, latest: boolean) => ReactNode; children?: ReactNode }) {
  const t = useT()
  const locale = useLocale()
  return (
    <div className="stack">
      <Card title={t('branding.brief.title')}>
        <dl className="details">
          <div>
            <dt>{t('branding.field.status')}</dt>
            <dd>
              <StatusBadge status={request.status} />
            </dd>
          </div>
          <div>
            <dt>{t('branding.field.family')}</dt>
            <dd>{request.familyName}</dd>
          </div>
          <div>
            <dt>{t('branding.field.story')}</dt>
            <dd>{request.brief.story || '—'}</dd>
          </div>
          <div>
            <dt>{t('branding.field.audience')}</dt>
            <dd>{request.brief.audience || '—'}</dd>
          </div>
          <div>
            <dt>{t('branding.field.colours')}</dt>
            <dd>{request.brief.colours || '—'}</dd>
          </div>
          <div>
            <dt>{t('branding.field.examples')}</dt>
            <dd>{request.brief.examples || '—'}</dd>
          </div>
          <div>
            <dt>{t('branding.field.products')}</dt>
            <dd>{request.productsText || '—'}</dd>
          </div>
          <div>
            <dt>{t('branding.field.deadline')}</dt>
            <dd>{request.deadline ? <DateTime value={request.deadline} dateOnly /> : '—'}</dd>
          </div>
          <div>
            <dt>{t('branding.field.designer')}</dt>
            <dd data-testid="designer-name">{request.designerName || t('branding.unassigned')}</dd>
          </div>
        </dl>
      </Card>

      {children}

      <section className="stack" aria-labelledby="versions-title">
        <h2 id="versions-title">{t('branding.versions.title')}</h2>
        {request.versions.length === 0 ? <p className="muted">{t('branding.versions.none')}</p> : null}
        {request.versions.map((version, index) => (
          <article key={version.n} className="card version" data-testid={`version-${version.n}`} aria-labelledby={`version-${version.n}-title`}>
            <div className="card-header">
              <h3 id={`version-${version.n}-title`} className="card-title">
                {t('branding.versions.n', { n: version.n })} · {version.brandName}
                {request.approvedVersion === version.n ? <> · {t('branding.versions.approved')}</> : null}
              </h3>
            </div>
            <p className="muted">
              {version.uploadedByName} · <DateTime value={version.at} />
            </p>
            {version.note ? <p>{version.note}</p> : null}
            {version.colours.length ? (
              <ul className="swatches" aria-label={t('branding.field.palette')}>
                {version.colours.map((colour) => (
                  <li key={colour}>
                    <span className="swatch" style={{ background: colour }} aria-hidden="true" /> {colour}
                  </li>
                ))}
              </ul>
            ) : null}
            <ul className="photo-grid">
              {version.files.map((file) => (
                <li key={`${file.role}-${file.href}`} className="photo-item">
                  {file.kind === 'image' ? (
                    <a href={file.href}>
                      <img src={file.src} srcSet={file.srcSet} sizes="240px" alt={t('branding.file.alt', { role: t(`branding.role.${file.role}`), n: version.n })} width={240} loading="lazy" />
                    </a>
                  ) : (
                    <a href={file.href} className="file-link">
                      {t('branding.file.pdf', { role: t(`branding.role.${file.role}`) })}
                    </a>
                  )}
                  <p className="muted">{t(`branding.role.${file.role}`)}</p>
                </li>
              ))}
            </ul>
            <Comments comments={version.comments} />
            {versionActions?.(version, index === 0)}
          </article>
        ))}
        <Comments comments={request.generalComments} />
      </section>

      <Card title={t('branding.timeInState')}>
        <dl className="details" data-testid="time-in-state">
          {request.durations.map((entry) => (
            <div key={entry.status}>
              <dt>{t(`status.${entry.status}`)}</dt>
              <dd>{formatDuration(entry.ms, t, locale)}</dd>
            </div>
          ))}
        </dl>
      </Card>

      <Card title={t('branding.timeline')}>
        <Timeline items={request.history.map((entry) => ({ at: entry.at, title: t(`status.${entry.status}`), actor: entry.byName || undefined, note: entry.note || undefined, status: entry.status }))} />
      </Card>
    </div>
  )
}
