import { Link, useLocation } from '@remix-run/react'
import { formatNumber, useLocale, useT } from '#app/utils/i18n'
import { pageCount, pageHref } from './url'

/** Previous/next links that keep every other URL param (filters, sort); page 1 has no `page` param. */
export function Pager({ page, pageSize, total }: { page: number; pageSize: number; total: number }) {
  const t = useT()
  const locale = useLocale()
  const location = useLocation()
  const pages = pageCount(total, pageSize)
  const current = Math.min(Math.max(1, page), pages)
  return (
    <nav className="pager" aria-label={t('ui.pager.label')}>
      <p className="pager-status">
        <span>{t('table.page', { page: formatNumber(current, locale), pages: formatNumber(pages, locale) })}</span>
        <span className="pager-total">{t('table.total', { count: formatNumber(total, locale) })}</span>
      </p>
      {pages > 1 ? (
        <ul className="pager-links">
          <li>
            {current > 1 ? (
              <Link to={pageHref(location.search, current - 1)} rel="prev" className="button button-secondary button-small">
                <span aria-hidden="true">← </span>
                {t('table.prev')}
              </Link>
            ) : (
              <span className="button button-secondary button-small is-disabled" aria-disabled="true">
                <span aria-hidden="true">← </span>
                {t('table.prev')}
              </span>
            )}
          </li>
          <li>
            {current < pages ? (
              <Link to={pageHref(location.search, current + 1)} rel="next" className="button button-secondary button-small">
                {t('table.next')}
                <span aria-hidden="true"> →</span>
              </Link>
            ) : (
              <span className="button button-secondary button-small is-disabled" aria-disabled="true">
                {t('table.next')}
                <span aria-hidden="true"> →</span>
              </span>
            )}
          </li>
        </ul>
      ) : null}
    </nav>
  )
}
