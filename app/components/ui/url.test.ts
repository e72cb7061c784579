import { describe, expect, it } from 'vitest'
import { ariaSort, nextSort, pageCount, pageHref, pageWindow, readPage, readSort, sortHref, withParams } from './url'

describe('sort links', () => {
  it('keep the filters, flip the current column and go back to page 1', () => {
    const search = '?q=jam&region=sheki&sort=name&dir=asc&page=4'
    const href = new URLSearchParams(sortHref(search, { key: 'name', dir: 'asc' }, 'name'))
    expect(href.get('q')).toBe('jam')
    expect(href.get('region')).toBe('sheki')
    expect(href.get('sort')).toBe('name')
    expect(href.get('dir')).toBe('desc')
    expect(href.has('page')).toBe(false)
  })

  it('start another column ascending', () => {
    expect(nextSort({ key: 'name', dir: 'desc' }, 'createdAt')).toEqual({ key: 'createdAt', dir: 'asc' })
    expect(nextSort({ key: 'name', dir: 'desc' }, 'name')).toEqual({ key: 'name', dir: 'asc' })
    expect(nextSort(null, 'name')).toEqual({ key: 'name', dir: 'asc' })
    expect(sortHref('', null, 'email')).toBe('?sort=email&dir=asc')
  })

  it('tell assistive technology which column is sorted and how', () => {
    expect(ariaSort({ key: 'name', dir: 'asc' }, 'name')).toBe('ascending')
    expect(ariaSort({ key: 'name', dir: 'desc' }, 'name')).toBe('descending')
    expect(ariaSort({ key: 'name', dir: 'desc' }, 'email')).toBe('none')
  })

  it('are read back by the loader only for allowed columns', () => {
    const fallback = { key: 'createdAt', dir: 'desc' } as const
    expect(readSort('?sort=email&dir=desc', ['email', 'name'], fallback)).toEqual({ key: 'email', dir: 'desc' })
    expect(readSort('?sort=email&dir=sideways', ['email'], fallback)).toEqual({ key: 'email', dir: 'asc' })
    // a column the page does not offer (e.g. a hidden field) never reaches the query
    expect(readSort('?sort=passwordHash&dir=asc', ['email', 'name'], fallback)).toEqual(fallback)
    expect(readSort(new URLSearchParams(), ['email'], fallback)).toEqual(fallback)
  })
})

describe('page links', () => {
  it('keep every other param and drop page for the first page', () => {
    const search = new URLSearchParams('q=tea&sort=name&dir=desc&page=3')
    expect(pageHref(search, 4)).toBe('?q=tea&sort=name&dir=desc&page=4')
    expect(pageHref(search, 1)).toBe('?q=tea&sort=name&dir=desc')
    expect(pageHref('', 1)).toBe('?')
  })

  it('read any junk as page 1 and clamp past the end', () => {
    expect(readPage('?page=2')).toBe(2)
    expect(readPage('?page=0')).toBe(1)
    expect(readPage('?page=-3')).toBe(1)
    expect(readPage('?page=2.5')).toBe(1)
    expect(readPage('?page=abc')).toBe(1)
    expect(readPage('')).toBe(1)
    expect(readPage('?page=99', 5)).toBe(5)
  })

  it('count pages and the window of a page', () => {
    expect(pageCount(0, 20)).toBe(1)
    expect(pageCount(20, 20)).toBe(1)
    expect(pageCount(21, 20)).toBe(2)
    expect(pageCount(5, 0)).toBe(1)
    expect(pageWindow(3, 20)).toEqual({ skip: 40, limit: 20 })
    expect(pageWindow(0, 20)).toEqual({ skip: 0, limit: 20 })
  })

  it('withParams sets, replaces and removes params', () => {
    expect(withParams('?a=1&b=2', { b: 3, c: 'x y', a: null })).toBe('?b=3&c=x+y')
    expect(withParams('?a=1', { a: '' })).toBe('?')
  })
})
