import { Link } from '@remix-run/react'
import { useId, type ReactNode } from 'react'
import { formatNumber, useLocale, useT } from '#app/utils/i18n'

export type Bar = { label: string; value: number; href?: string }

/** Bar lengths as percentages of the largest value (or of `max`); negative values count as zero. */
export function barWidths(values: readonly number[], max?: number) {
  const top = max ?? Math.max(0, ...values)
  return values.map((value) => (top > 0 ? Math.min(100, (Math.max(0, value) / top) * 100) : 0))
}

/**
 * Numbers compared as horizontal bars. It is a real table (label, value) with the bars drawn in
 * the value cells, so screen readers, printing and copying all get the data itself.
 */
export function BarChart({
  caption,
  data,
  format,
  max,
  itemHeader,
  valueHeader,
}: {
  caption: ReactNode
  data: readonly Bar[]
  format?: (value: number) => string
  max?: number
  itemHeader?: string
  valueHeader?: string
}) {
  const t = useT()
  const locale = useLocale()
  const captionId = useId()
  const widths = barWidths(
    data.map((bar) => bar.value),
    max,
  )
  const show = format ?? ((value: number) => formatNumber(value, locale))
  return (
    <div className="bar-chart" role="region" aria-labelledby={captionId}>
      <table>
        <caption id={captionId}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{itemHeader ?? t('ui.chart.item')}</th>
            <th scope="col">{valueHeader ?? t('ui.chart.value')}</th>
          </tr>
        </thead>
        <tbody>
          {data.map((bar, index) => (
            <tr key={`${bar.label}-${index}`}>
              <th scope="row">{bar.href ? <Link to={bar.href}>{bar.label}</Link> : bar.label}</th>
              <td>
                <div className="bar-cell">
                  <span className="bar-track" aria-hidden="true">
                    <span className="bar" style={{ width: `${widths[index]}%` }} />
                  </span>
                  <span className="bar-value">{show(bar.value)}</span>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
