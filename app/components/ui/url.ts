/**
 * URL helpers shared by loaders and the table/pager components, so that a sort link, a page link
 * and the loader that reads them agree on one convention: `?sort=<column>&dir=asc|desc&page=<n>`.
 * Every link keeps the other search params (filters, search text) of the current URL.
 */

export type SortDir = 'asc' | 'desc'
export type SortState = { key: string; dir: SortDir }

export const SORT_PARAM = 'sort'
export const DIR_PARAM = 'dir'
export const PAGE_PARAM = 'page'

type SearchLike = string | URLSearchParams

function toParams(search: SearchLike) {
  return new URLSearchParams(typeof search === 'string' ? search : search.toString())
}

/** `?…` with the given params set (null/undefined/'' removes them); keeps every other param. */
export function withParams(search: SearchLike, updates: Record<string, string | number | null | undefined>) {
  const params = toParams(search)
  for (const [name, value] of Object.entries(updates)) {
    if (value == null || value === '') params.delete(name)
    else params.set(name, String(value))
  }
  const text = params.toString()
  return text ? `?${text}` : '?'
}

/** The sort in the URL, if it names an allowed column; otherwise the fallback. */
export function readSort(search: SearchLike, allowed: readonly string[], fallback: SortState): SortState {
  const params = toParams(search)
  const key = params.get(SORT_PARAM)
  if (!key || !allowed.includes(key)) return fallback
  const dir = params.get(DIR_PARAM) === 'desc' ? 'desc' : 'asc'
  return { key, dir }
}

/** Clicking the current sort column flips the direction; another column starts ascending. */
export function nextSort(current: SortState | null | undefined, key: string): SortState {
  if (current && current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' }
  return { key, dir: 'asc' }
}

/** The link of a sortable column header: a new order starts again at page 1. */
export function sortHref(search: SearchLike, current: SortState | null | undefined, key: string) {
  const sort = nextSort(current, key)
  return withParams(search, { [SORT_PARAM]: sort.key, [DIR_PARAM]: sort.dir, [PAGE_PARAM]: null })
}

export function ariaSort(current: SortState | null | undefined, key: string): 'ascending' | 'descending' | 'none' {
  if (!current || current.key !== key) return 'none'
  return current.dir === 'asc' ? 'ascending' : 'descending'
}

export function pageCount(total: number, pageSize: number) {
  if (!(pageSize > 0)) return 1
  return Math.max(1, Math.ceil(Math.max(0, total) / pageSize))
}

/** The 1-based page in the URL; anything that is not a positive whole number is page 1. */
export function readPage(search: SearchLike, pages = Number.POSITIVE_INFINITY) {
  const raw = toParams(search).get(PAGE_PARAM)
  const page = raw && /^\d+$/.test(raw) ? Number(raw) : 1
  return Math.min(Math.max(1, page), Math.max(1, pages))
}

/** Page 1 drops the param so the first page has one canonical URL. */
export function pageHref(search: SearchLike, page: number) {
  return withParams(search, { [PAGE_PARAM]: page > 1 ? page : null })
}

/** `{ skip, limit }` for a list query of the given page. */
export function pageWindow(page: number, pageSize: number) {
  return { skip: (Math.max(1, page) - 1) * pageSize, limit: pageSize }
}
