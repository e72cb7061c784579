/**
 * Search text normalisation shared by the server (what is stored in `searchKeys`) and the browser
 * (type-ahead). Works the same on the embedded engine and on MongoDB because nothing here needs a
 * server-side text index: matching is equality on stored tokens.
 *
 * Azerbaijani letters are folded so a query typed on a keyboard without them still matches
 * ("seki" finds "Şəki"); the common English-style spellings (sh, ch, gh, kh) fold to the same key.
 * Cyrillic is kept (only ё → е).
 */

const LETTER_FOLDS: Record<string, string> = {
  ə: 'e',
  ı: 'i',
  ğ: 'g',
  ö: 'o',
  ü: 'u',
  ş: 's',
  ç: 'c',
  ё: 'е',
  ß: 'ss',
  æ: 'ae',
  ø: 'o',
}

const DIGRAPHS: [RegExp, string][] = [
  [/sh/g, 's'],
  [/ch/g, 'c'],
  [/gh/g, 'g'],
  [/kh/g, 'x'],
]

/** The shortest prefix stored for type-ahead: one letter would match almost everything. */
export const MIN_PREFIX = 2
/** Long words are indexed whole, and their prefixes only up to this length. */
const MAX_PREFIX = 15

/** Lower-cases and folds one piece of text; punctuation is kept (tokenise splits on it). */
export function normalise(text: string): string {
  return (
    text
      .toLocaleLowerCase('az')
      .normalize('NFD')
      // diacritics on Latin letters go (ö, ü, ş, ç, and İ's dot); Cyrillic ones stay (й)
      .replace(/([a-z])[\u0300-\u036f]+/g, '$1')
      .normalize('NFC')
      .replace(/[əığöüşçёßæø]/g, (letter) => LETTER_FOLDS[letter] ?? letter)
  )
}

/** Folded words of a text, in order, duplicates kept. */
export function tokenise(text: string | null | undefined): string[] {
  if (!text) return []
  return normalise(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map(foldDigraphs)
}

function foldDigraphs(token: string) {
  if (!/[a-z]/.test(token)) return token
  let out = token
  for (const [pattern, replacement] of DIGRAPHS) out = out.replace(pattern, replacement)
  return out
}

/** Query words: unique, and a lone letter dropped unless it is all the user typed. */
export function queryTokens(query: string | null | undefined): string[] {
  const tokens = [...new Set(tokenise(query))]
  const useful = tokens.filter((token) => token.length >= MIN_PREFIX || /\p{N}/u.test(token))
  return (useful.length ? useful : tokens).slice(0, 8)
}

export type SearchField = { text: string | null | undefined; prefixes?: boolean }

/**
 * The keys stored with a record: every folded word, and for the fields marked `prefixes`
 * (titles, names, places) every prefix of two letters or more, so a half-typed word finds them.
 */
export function buildSearchKeys(fields: readonly SearchField[], limit = 600): string[] {
  const keys = new Set<string>()
  for (const field of fields) {
    for (const token of tokenise(field.text)) {
      if (keys.size >= limit) return [...keys]
      keys.add(token)
      if (!field.prefixes) continue
      for (let length = MIN_PREFIX; length < Math.min(token.length, MAX_PREFIX + 1); length++) keys.add(token.slice(0, length))
    }
  }
  return [...keys]
}

export type RankFields = { title: readonly (string | null | undefined)[]; description: readonly (string | null | undefined)[]; other: readonly (string | null | undefined)[] }

/**
 * Relevance of one record for the query words: a match in a title beats one in a description,
 * which beats one elsewhere (maker, region, story); whole words beat prefixes; the whole phrase in a
 * title gets a bonus.
 */
export function rankScore(query: readonly string[], fields: RankFields): number {
  if (query.length === 0) return 0
  return rankScoreOfTokens(query, rankTokens(fields))
}

export type RankTokens = { title: readonly string[]; description: readonly string[]; other: readonly string[]; titlePhrases: readonly string[] }

/** The folded words of a record's fields, once: a caller ranking the same records again (the storefront's index) keeps them. */
export function rankTokens(fields: RankFields): RankTokens {
  return {
    title: fields.title.flatMap((text) => tokenise(text)),
    description: fields.description.flatMap((text) => tokenise(text)),
    other: fields.other.flatMap((text) => tokenise(text)),
    titlePhrases: fields.title.map((text) => tokenise(text).join(' ')),
  }
}

/** `rankScore` on fields already folded with `rankTokens`. */
export function rankScoreOfTokens(query: readonly string[], tokens: RankTokens): number {
  if (query.length === 0) return 0
  let score = 0
  for (const word of query) {
    score += Math.max(weight(word, tokens.title, 10), weight(word, tokens.description, 4), weight(word, tokens.other, 1))
  }
  const phrase = query.join(' ')
  if (query.length > 1 && tokens.titlePhrases.some((text) => text.includes(phrase))) score += 5
  return score
}

function weight(word: string, tokens: readonly string[], base: number) {
  if (tokens.includes(word)) return base * 1.5
  if (tokens.some((token) => token.startsWith(word))) return base
  return 0
}
