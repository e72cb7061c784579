import { useId, type ReactNode } from 'react'
import { cx } from './cx'

type HeadingLevel = 2 | 3 | 4

/** A titled box; pass the heading level that keeps the page's outline in order (h2 by default). */
export function Card({
  title,
  level = 2,
  actions,
  footer,
  children,
  className,
  tone,
}: {
  title?: ReactNode
  level?: HeadingLevel
  actions?: ReactNode
  footer?: ReactNode
  children?: ReactNode
  className?: string
  tone?: 'abad' | 'innoland' | 'boutique'
}) {
  const titleId = useId()
  const Heading = `h${level}` as const
  return (
    <section className={cx('card', tone && `card-${tone}`, className)} aria-labelledby={title ? titleId : undefined}>
      {title || actions ? (
        <div className="card-header">
          {title ? (
            <Heading id={titleId} className="card-title">
              {title}
            </Heading>
          ) : null}
          {actions ? <div className="card-actions">{actions}</div> : null}
        </div>
      ) : null}
      {children}
      {footer ? <div className="card-footer">{footer}</div> : null}
    </section>
  )
}
