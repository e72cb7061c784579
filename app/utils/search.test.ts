import { describe, expect, test } from 'vitest'
import { buildSearchKeys, normalise, queryTokens, rankScore, tokenise } from './search'

describe('search normalisation', () => {
  test('Azerbaijani letters typed or not give the same words', () => {
    expect(tokenise('Şəki')).toEqual(tokenise('seki'))
    expect(tokenise('qoz mürəbbəsi')).toEqual(tokenise('qoz murebbesi'))
    expect(tokenise('QOZ MÜRƏBBƏSİ')).toEqual(['qoz', 'murebbesi'])
    expect(tokenise('Ağdaş çayı İsmayıllı')).toEqual(['agdas', 'cayi', 'ismayilli'])
    // a capital I is a dotless ı in Azerbaijani, and both fold to i
    expect(tokenise('QIZIL')).toEqual(['qizil'])
  })

  test('English-style spellings of the same letters match too', () => {
    expect(tokenise('Sheki')).toEqual(tokenise('Şəki'))
    expect(tokenise('Khachmaz')).toEqual(tokenise('Xaçmaz'))
  })

  test('Russian is kept, with ё read as е', () => {
    expect(tokenise('Варенье из грецких орехов')).toEqual(['варенье', 'из', 'грецких', 'орехов'])
    expect(normalise('Ёлка')).toBe('елка')
    expect(tokenise('йогурт')).toEqual(['йогурт'])
  })

  test('punctuation and spacing split words; lone letters are dropped from a query', () => {
    expect(tokenise('Pendir (motal), 500 q.')).toEqual(['pendir', 'motal', '500', 'q'])
    expect(queryTokens('  qoz,  a mürəbbə qoz ')).toEqual(['qoz', 'murebbe'])
    expect(queryTokens('q')).toEqual(['q'])
    expect(queryTokens('')).toEqual([])
  })

  test('keys hold whole words everywhere and prefixes for the fields that ask for them', () => {
    const keys = buildSearchKeys([{ text: 'Şəki halvası', prefixes: true }, { text: 'Dadlı şirniyyat' }])
    expect(keys).toEqual(expect.arrayContaining(['seki', 'se', 'sek', 'halvasi', 'ha', 'halv', 'dadli', 'sirniyyat']))
    expect(keys).not.toContain('da')
    expect(keys).not.toContain('s')
    expect(new Set(keys).size).toBe(keys.length)
  })

  test('the key list is bounded for very long texts', () => {
    const long = Array.from({ length: 2000 }, (_, index) => `soz${index}`).join(' ')
    expect(buildSearchKeys([{ text: long }], 300)).toHaveLength(300)
  })
})

describe('ranking', () => {
  const base = { title: [] as string[], description: [] as string[], other: [] as string[] }
  test('a title match beats a description match, which beats a match in the maker or region', () => {
    const q = queryTokens('qoz')
    const inTitle = rankScore(q, { ...base, title: ['Qoz mürəbbəsi'] })
    const inDescription = rankScore(q, { ...base, title: ['Əncir mürəbbəsi'], description: ['Qoz ilə'] })
    const inOther = rankScore(q, { ...base, title: ['Əncir mürəbbəsi'], other: ['Qoz kəndi'] })
    expect(inTitle).toBeGreaterThan(inDescription)
    expect(inDescription).toBeGreaterThan(inOther)
    expect(inOther).toBeGreaterThan(0)
  })

  test('a whole word beats a prefix, and the whole phrase in a title gets a bonus', () => {
    expect(rankScore(['qoz'], { ...base, title: ['Qoz'] })).toBeGreaterThan(rankScore(['qoz'], { ...base, title: ['Qozbel'] }))
    const q = queryTokens('qoz murebbesi')
    expect(rankScore(q, { ...base, title: ['Qoz mürəbbəsi'] })).toBeGreaterThan(rankScore(q, { ...base, title: ['Mürəbbəsi qoz'] }))
  })
})
