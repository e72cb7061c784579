import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { catalogues } from '#app/i18n/index'
import { LOCALES } from '#app/utils/i18n'
import { errorKind } from './error-page'
import { PROGRAMME_LINKS } from '../layout/nav'

/** Every message key the kit and the layout name literally (t('…'), labelKey/descKey: '…'). */
function keysUsedIn(dir: URL) {
  const keys = new Set<string>()
  for (const file of readdirSync(fileURLToPath(dir))) {
    if (!/\.tsx?$/.test(file) || file.endsWith('.test.ts')) continue
    const source = readFileSync(fileURLToPath(new URL(file, dir)), 'utf8')
    for (const match of source.matchAll(/\bt\(\s*'([\w.-]+)'|(?:labelKey|descKey):\s*'([\w.-]+)'/g)) keys.add(match[1] ?? match[2])
  }
  return [...keys]
}

const used = [...keysUsedIn(new URL('./', import.meta.url)), ...keysUsedIn(new URL('../layout/', import.meta.url))]

describe('messages of the kit and the layout', () => {
  it('finds the keys the components use', () => {
    expect(used.length).toBeGreaterThan(40)
    expect(used).toContain('ui.working')
    expect(used).toContain('nav.shifts')
  })

  it.each(LOCALES)('exist in %s', (locale) => {
    const missing = used.filter((key) => !catalogues[locale][key])
    expect(missing).toEqual([])
  })

  it.each(LOCALES)('error page titles exist for every kind of status in %s', (locale) => {
    for (const status of [400, 401, 403, 404, 405, 409, 410, 422, 500, 502, 503]) {
      expect(catalogues[locale][`error.${errorKind(status)}.title`], `status ${status}`).toBeTruthy()
    }
  })

  it('programme links name the two programmes and the boutique', () => {
    expect(PROGRAMME_LINKS.map((link) => catalogues.en[link.labelKey])).toEqual(['ABAD', 'INNOLAND', 'Ethno-boutique'])
  })

  it('keeps the placeholders of a message in every language', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    for (const key of used) {
      const expected = placeholders(catalogues.en[key])
      for (const locale of LOCALES) expect(placeholders(catalogues[locale][key]), `${locale} ${key}`).toEqual(expected)
    }
  })
})

describe('error kinds', () => {
  it('map statuses to a page a person can act on', () => {
    expect(errorKind(401)).toBe(403)
    expect(errorKind(403)).toBe(403)
    expect(errorKind(404)).toBe(404)
    expect(errorKind(422)).toBe(400)
    expect(errorKind(503)).toBe(500)
  })
})
