/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest'
import { featureCatalogues, type Catalogue } from './index'

/**
 * Every feature file in this folder, found on disk (not through index.ts), so a file that was
 * written but never registered is caught too.
 */
const files = Object.entries(import.meta.glob<{ default: Catalogue }>(['./*.ts', '!./index.ts', '!./*.test.ts'], { eager: true })).map(
  ([path, module]) => [path.replace('./', ''), module.default] as const,
)
const LANGUAGES = ['az', 'en', 'ru'] as const

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort()

describe('message catalogues', () => {
  it('finds the feature files', () => {
    expect(files.length).toBeGreaterThanOrEqual(4)
  })

  describe.each(files)('%s', (_file, catalogue) => {
    it('has the same keys in az, en and ru', () => {
      const all = new Set(LANGUAGES.flatMap((language) => Object.keys(catalogue[language])))
      const missing = LANGUAGES.flatMap((language) => [...all].filter((key) => !(key in catalogue[language])).map((key) => `${language}: ${key}`))
      expect(missing, 'keys missing in a language').toEqual([])
    })

    it('has no empty message', () => {
      const empty = LANGUAGES.flatMap((language) =>
        Object.entries(catalogue[language])
          .filter(([, text]) => typeof text !== 'string' || text.trim() === '')
          .map(([key]) => `${language}: ${key}`),
      )
      expect(empty, 'empty messages').toEqual([])
    })

    it('uses the same {placeholders} in every language', () => {
      const mismatched = Object.keys(catalogue.en).flatMap((key) => {
        const expected = placeholders(catalogue.en[key])
        return LANGUAGES.filter((language) => key in catalogue[language] && placeholders(catalogue[language][key]).join() !== expected.join()).map(
          (language) => `${language}: ${key} has {${placeholders(catalogue[language][key]).join('}, {')}} but en has {${expected.join('}, {')}}`,
        )
      })
      expect(mismatched, 'placeholders differ between languages').toEqual([])
    })

    it('is registered in index.ts', () => {
      expect(featureCatalogues).toContain(catalogue)
    })
  })

  it('defines each key in one feature file only (a second definition would silently replace the first)', () => {
    const owner = new Map<string, string>()
    const twice: string[] = []
    for (const [file, catalogue] of files) {
      for (const key of LANGUAGES.flatMap((language) => Object.keys(catalogue[language]))) {
        const first = owner.get(key)
        if (first && first !== file) twice.push(`${key}: ${first} and ${file}`)
        owner.set(key, file)
      }
    }
    expect([...new Set(twice)], 'keys defined in two files').toEqual([])
  })
})
