import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/** The custom properties of app.css's :root, so the check follows the real stylesheet. */
const css = readFileSync(fileURLToPath(new URL('../../styles/app.css', import.meta.url)), 'utf8')
const rootBlock = css.slice(css.indexOf(':root {'), css.indexOf('}', css.indexOf(':root {')))
const vars = Object.fromEntries([...rootBlock.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})\b/g)].map((m) => [m[1], m[2]]))

function colour(name: string) {
  const value = name.startsWith('#') ? name : vars[name]
  if (!value) throw new Error(`no colour --${name} in app.css`)
  return value
}

/** WCAG 2.x relative luminance and contrast ratio. */
function luminance(hex: string) {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

function contrast(a: string, b: string) {
  const [hi, lo] = [luminance(colour(a)), luminance(colour(b))].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}

// [text, background] pairs as the stylesheet uses them
const TEXT_PAIRS: Array<[string, string]> = [
  ['color-text', 'color-bg'],
  ['color-text', 'color-surface'],
  ['color-text', 'color-surface-alt'],
  ['color-muted', 'color-bg'],
  ['color-muted', 'color-surface'],
  ['color-muted', 'color-surface-alt'],
  ['color-link', 'color-bg'],
  ['color-link', 'color-surface'],
  ['color-accent-hover', 'color-surface'],
  ['color-accent-hover', 'color-bg'],
  ['color-accent', 'color-surface'],
  ['color-accent', 'color-surface-alt'],
  ['color-on-accent', 'color-accent'],
  ['color-on-accent', 'color-accent-hover'],
  ['color-accent', 'color-accent-soft'],
  ['color-text', 'color-accent-soft'],
  ['color-muted', 'color-accent-soft'],
  ['#ffffff', 'tone-danger-fg'],
  ['#ffffff', '#7d0f1f'],
  ['#ffffff', 'tone-success-fg'],
  ['#ffffff', 'tone-info-fg'],
  ['color-text', 'tone-neutral-bg'],
  ['color-muted', 'tone-neutral-bg'],
  ['color-text', 'tone-success-bg'],
  ['color-muted', 'tone-success-bg'],
  ['color-text', 'tone-danger-bg'],
  ['color-text', 'tone-info-bg'],
  ['color-muted', '#fffaf8'],
  ['tone-danger-fg', 'color-surface'],
  ['tone-danger-fg', 'color-bg'],
  ...(['neutral', 'info', 'progress', 'success', 'warning', 'danger'] as const).map((tone): [string, string] => [`tone-${tone}-fg`, `tone-${tone}-bg`]),
]

// WCAG 1.4.11: borders of controls and the focus ring need 3:1 against what is around them
const UI_PAIRS: Array<[string, string]> = [
  ['color-border-strong', 'color-surface'],
  ['color-border-strong', 'color-bg'],
  ['color-focus', 'color-bg'],
  ['color-focus', 'color-surface'],
  ['color-accent', 'color-bg'],
  ['tone-danger-fg', 'color-surface'],
]

describe('colour contrast of app.css', () => {
  it('reads the palette from the stylesheet', () => {
    expect(Object.keys(vars).length).toBeGreaterThan(20)
  })

  it.each(TEXT_PAIRS)('text %s on %s is at least 4.5:1 (AA)', (fg, bg) => {
    expect(contrast(fg, bg)).toBeGreaterThanOrEqual(4.5)
  })

  it.each(UI_PAIRS)('control edge %s against %s is at least 3:1', (fg, bg) => {
    expect(contrast(fg, bg)).toBeGreaterThanOrEqual(3)
  })

  it('computes known ratios', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5)
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2)
  })
})
