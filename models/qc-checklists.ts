/**
 * Quality-control checklists per product category. Limits follow common practice for artisanal
 * food (hot-fill at 85 °C or more, jam at 60 °Brix or more, acid foods at pH 4.6 or less, the
 * cold chain at 6 °C or less); a category without its own list gets the food or craft default.
 * Shared by the server (deciding) and the forms (showing the limits).
 */
export type QcCheck = {
  key: string
  kind: 'number' | 'boolean'
  unit?: '°C' | 'pH' | '°Brix' | '%'
  min?: number
  max?: number
}

const labelling: QcCheck = { key: 'labelling', kind: 'boolean' }
const hygiene: QcCheck = { key: 'hygiene', kind: 'boolean' }
const seal: QcCheck = { key: 'seal', kind: 'boolean' }
const hotFill: QcCheck = { key: 'processTemperature', kind: 'number', unit: '°C', min: 85, max: 121 }
const ambient: QcCheck = { key: 'storageTemperature', kind: 'number', unit: '°C', min: 0, max: 25 }
const chilled: QcCheck = { key: 'storageTemperature', kind: 'number', unit: '°C', min: 0, max: 6 }
const acid: QcCheck = { key: 'ph', kind: 'number', unit: 'pH', min: 2, max: 4.6 }

export const CRAFT_CATEGORIES = ['carpet', 'carpets', 'woodwork', 'souvenir', 'souvenirs', 'textile', 'ceramics', 'craft', 'handicraft', 'jewellery'] as const

const CHECKLISTS: Record<string, QcCheck[]> = {
  jam: [hotFill, { key: 'brix', kind: 'number', unit: '°Brix', min: 60, max: 75 }, acid, ambient, seal, labelling, hygiene],
  preserves: [hotFill, { key: 'brix', kind: 'number', unit: '°Brix', min: 55, max: 75 }, acid, ambient, seal, labelling, hygiene],
  pickles: [hotFill, acid, ambient, seal, labelling, hygiene],
  beverages: [hotFill, { key: 'brix', kind: 'number', unit: '°Brix', min: 5, max: 70 }, acid, ambient, seal, labelling, hygiene],
  cheese: [{ key: 'processTemperature', kind: 'number', unit: '°C', min: 72, max: 95 }, { key: 'ph', kind: 'number', unit: 'pH', min: 4.4, max: 5.8 }, chilled, labelling, hygiene],
  dairy: [{ key: 'processTemperature', kind: 'number', unit: '°C', min: 72, max: 95 }, chilled, seal, labelling, hygiene],
  sausage: [{ key: 'processTemperature', kind: 'number', unit: '°C', min: 70, max: 100 }, chilled, labelling, hygiene],
  dried_fruit: [{ key: 'processTemperature', kind: 'number', unit: '°C', min: 40, max: 70 }, { key: 'moisture', kind: 'number', unit: '%', min: 0, max: 20 }, ambient, labelling, hygiene],
  tea: [{ key: 'processTemperature', kind: 'number', unit: '°C', min: 40, max: 120 }, { key: 'moisture', kind: 'number', unit: '%', min: 0, max: 8 }, ambient, labelling, hygiene],
  flour: [{ key: 'moisture', kind: 'number', unit: '%', min: 0, max: 15 }, ambient, labelling, hygiene],
  bakery: [{ key: 'processTemperature', kind: 'number', unit: '°C', min: 90, max: 250 }, ambient, labelling, hygiene],
  honey: [{ key: 'moisture', kind: 'number', unit: '%', min: 0, max: 20 }, ambient, seal, labelling, hygiene],
  food: [{ key: 'processTemperature', kind: 'number', unit: '°C', min: 0, max: 250 }, ambient, labelling, hygiene],
  craft: [{ key: 'finish', kind: 'boolean' }, { key: 'dimensions', kind: 'boolean' }, labelling],
}

export function productKind(category: string | null | undefined): 'food' | 'craft' {
  return (CRAFT_CATEGORIES as readonly string[]).includes((category ?? '').toLowerCase()) ? 'craft' : 'food'
}

export function checklistFor(category: string | null | undefined): QcCheck[] {
  const key = (category ?? '').toLowerCase().replace(/[\s-]+/g, '_')
  return CHECKLISTS[key] ?? CHECKLISTS[productKind(category)]
}

export type QcValue = number | boolean | null
export type QcEntry = { key: string; value: QcValue; ok: boolean }

/** Each check with its verdict; a missing or out-of-range measurement fails, so "pass" cannot skip one. */
export function evaluateChecks(checks: QcCheck[], values: Record<string, unknown>): QcEntry[] {
  return checks.map((check) => {
    const raw = values[check.key]
    if (check.kind === 'boolean') {
      const value = raw === true || raw === 'on' || raw === 'true' || raw === 'yes'
      return { key: check.key, value, ok: value }
    }
    const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim().replace(',', '.') : ''
    const value = text === '' ? null : Number(text)
    if (value === null || !Number.isFinite(value)) return { key: check.key, value: null, ok: false }
    const ok = (check.min === undefined || value >= check.min) && (check.max === undefined || value <= check.max)
    return { key: check.key, value, ok }
  })
}
