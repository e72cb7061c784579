import { Link, useLocation } from '@remix-run/react'
import { useId, type ReactNode } from 'react'
import { useT } from '#app/utils/i18n'
import { cx } from './cx'
import { EmptyState } from './empty-state'
import { ariaSort, sortHref, type SortState } from './url'

export type Column<Row> = {
  /** Also the `sort` URL value when the column is sortable. */
  key: string
  /** Plain text: it is repeated as the cell's label when the table stacks on a phone. */
  header: string
  cell: (row: Row) => ReactNode
  sortable?: boolean
  align?: 'start' | 'end'
  /** The row's heading cell (`<th scope="row">`), usually the name. */
  rowHeader?: boolean
  className?: string
}

export type DataTableProps<Row> = {
  caption: ReactNode
  /** Hide the caption visually (it stays for screen readers) when a heading above says the same. */
  hideCaption?: boolean
  columns: readonly Column<Row>[]
  rows: readonly Row[]
  rowKey: (row: Row) => string
  /** The current sort, as the loader read it (`readSort`). */
  sort?: SortState | null
  empty?: ReactNode
  /** Stack rows as cards under 40rem instead of scrolling sideways. */
  stackOnMobile?: boolean
}

export function DataTable<Row>({ caption, hideCaption, columns, rows, rowKey, sort, empty, stackOnMobile = true }: DataTableProps<Row>) {
  const t = useT()
  const location = useLocation()
  const captionId = useId()
  if (rows.length === 0) return <>{empty ?? <EmptyState />}</>
  return (
    <div className="table-wrap" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table className={cx('data-table', stackOnMobile && 'data-table-stack')}>
        <caption id={captionId} className={cx(hideCaption && 'visually-hidden')}>
          {caption}
        </caption>
        <thead>
          <tr>
            {columns.map((column) => {
              const state = column.sortable ? ariaSort(sort, column.key) : undefined
              return (
                <th key={column.key} scope="col" aria-sort={state} className={cx(column.align === 'end' && 'align-end', column.className)}>
                  {column.sortable ? (
                    <Link to={sortHref(location.search, sort, column.key)} className="sort-link" preventScrollReset>
                      {column.header}
                      <span className={cx('sort-icon', state && `sort-${state}`)} aria-hidden="true" />
                      <span className="visually-hidden">
                        {' '}
                        ({state === 'ascending' ? t('ui.sortedAsc') : state === 'descending' ? t('ui.sortedDesc') : t('ui.sortBy', { column: column.header })})
                      </span>
                    </Link>
                  ) : (
                    column.header
                  )}
                </th>
              )
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((column) => {
                const Cell = column.rowHeader ? 'th' : 'td'
                return (
                  <Cell
                    key={column.key}
                    scope={column.rowHeader ? 'row' : undefined}
                    data-label={column.header}
                    className={cx(column.align === 'end' && 'align-end', column.className)}
                  >
                    {column.cell(row)}
                  </Cell>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
