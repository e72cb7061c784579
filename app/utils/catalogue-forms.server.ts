import { z } from 'zod'
import { ALLERGENS, CATEGORIES, isValidEan13, SKU_PATTERN, type ListingProblem, type ProductInput } from '#models/product.server'
import { getFamily } from '#models/family.server'
import { asSubject } from './abilities'
import { requireAbility, requireUser } from './auth.server'
import { invalid, parseWith, refuse, type FieldErrors } from './form.server'
import type { T } from './i18n'
import { readMultipart, UploadError, type ReceivedFile, type UploadType } from './uploads.server'

/**
 * Form parsing for the catalogue and branding pages. Field names are dotted paths
 * (`title.az`, `variants.0.retailPrice`), so an error's path is the name of the field it belongs to.
 */

/** `a.b.0.c` keys → nested objects and arrays; repeated keys (checkboxes) stay arrays. */
export function nestForm(form: FormData) {
  const out: Record<string, unknown> = {}
  for (const key of new Set(form.keys())) {
    const values = form.getAll(key).filter((value): value is string => typeof value === 'string')
    const value = values.length > 1 || key.endsWith('[]') ? values : (values[0] ?? '')
    const path = key.replace(/\[\]$/, '').split('.')
    let cursor: Record<string, unknown> = out
    path.forEach((part, index) => {
      if (index === path.length - 1) cursor[part] = value
      else cursor = (cursor[part] ??= {}) as Record<string, unknown>
    })
  }
  return out
}

/** "12.50", "12,5", "12" → qəpik; a negative, a word or a third decimal is not a price. */
export function parseMoney(text: string): number | null {
  const match = /^(\d{1,7})(?:[.,](\d{1,2}))?$/.exec(text.trim())
  if (!match) return null
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'))
}

export function formatMoneyInput(qepik: number | null | undefined) {
  if (qepik == null) return ''
  return `${Math.floor(qepik / 100)}.${String(qepik % 100).padStart(2, '0')}`
}

const text = (max: number) => z.string().trim().max(max).default('')
const texts = (max: number) => z.object({ az: text(max), en: text(max), ru: text(max) }).prefault({})

const money = z
  .string()
  .trim()
  .min(1, 'form.required')
  .refine((value) => parseMoney(value) !== null, 'catalogue.form.invalidPrice')
  .transform((value) => parseMoney(value)!)

const VariantSchema = z
  .object({
    sku: z
      .string()
      .trim()
      .toUpperCase()
      .refine((value) => value === '' || SKU_PATTERN.test(value), 'catalogue.form.invalidSku')
      .default(''),
    label: texts(40),
    barcode: z
      .string()
      .trim()
      .refine((value) => value === '' || isValidEan13(value), 'catalogue.form.invalidBarcode')
      .default(''),
    retailPrice: money.refine((value) => value > 0, 'catalogue.form.invalidPrice'),
    wholesalePrice: money,
  })
  .refine((variant) => variant.wholesalePrice <= variant.retailPrice, { path: ['wholesalePrice'], message: 'catalogue.form.wholesaleAboveRetail' })

const optionalNumber = (max: number, integer = false) =>
  z
    .string()
    .trim()
    .default('')
    .refine((value) => value === '' || (/^\d+([.,]\d+)?$/.test(value) && Number(value.replace(',', '.')) <= max && (!integer || /^\d+$/.test(value))), 'form.invalidNumber')
    .transform((value) => (value === '' ? null : Number(value.replace(',', '.'))))

export const ProductFormSchema = z
  .object({
    category: z.enum(CATEGORIES, { message: 'form.required' }),
    brandId: z.string().trim().default(''),
    title: z.object({ az: text(120).pipe(z.string().min(1, 'form.required')), en: text(120), ru: text(120) }),
    shortDescription: texts(240),
    description: texts(4000),
    story: texts(4000),
    variants: z.array(VariantSchema).min(1, 'catalogue.form.variantRequired').max(10),
    food: z
      .object({
        ingredients: texts(1000),
        allergens: z.array(z.enum(ALLERGENS)).default([]),
        shelfLifeDays: optionalNumber(3650, true),
        storage: texts(400),
        nutrition: z
          .object({ energyKcal: optionalNumber(1000), fat: optionalNumber(100), carbohydrates: optionalNumber(100), protein: optionalNumber(100), salt: optionalNumber(100) })
          .prefault({}),
      })
      .prefault({}),
    craft: z.object({ materials: texts(400), dimensions: text(120), oneOfAKind: z.string().optional() }).prefault({}),
  })
  .transform(
    (form): ProductInput => ({
      category: form.category,
      brandId: form.brandId || null,
      title: form.title,
      shortDescription: form.shortDescription,
      description: form.description,
      story: form.story,
      variants: form.variants.map((variant) => ({ ...variant, sku: variant.sku || null, barcode: variant.barcode || null })),
      food: { ...form.food, shelfLifeDays: form.food.shelfLifeDays },
      craft: { materials: form.craft.materials, dimensions: form.craft.dimensions, oneOfAKind: form.craft.oneOfAKind === 'on' },
    }),
  )

/** Variant rows the person left entirely empty are not variants. */
function dropEmptyRows(values: Record<string, unknown>) {
  const rows = values.variants
  if (rows && typeof rows === 'object') {
    const list = Object.entries(rows as Record<string, Record<string, unknown>>)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, row]) => row)
      .filter((row) => row.remove !== 'on')
      .filter((row) => ['sku', 'barcode', 'retailPrice', 'wholesalePrice'].some((key) => String(row[key] ?? '').trim()) || Object.values((row.label as Record<string, string>) ?? {}).some((value) => value.trim()))
    values.variants = list
  } else values.variants = []
  const food = values.food as Record<string, unknown> | undefined
  if (food && typeof food.allergens === 'string') food.allergens = food.allergens ? [food.allergens] : []
  return values
}

export function parseProductForm(form: FormData, t: T) {
  return parseWith(ProductFormSchema, dropEmptyRows(nestForm(form)), t)
}

/** The form's message for each missing piece, in the order the form shows them. */
export function problemMessages(problems: readonly ListingProblem[], t: T) {
  return problems.map((problem) => ({ problem, message: t(`catalogue.missing.${problem}`) }))
}

export type ImageUploadResult = { ok: true; fields: FormData; files: ReceivedFile[] } | { ok: false; errors: FieldErrors; status: number }

const UPLOAD_MESSAGES: Record<string, string> = {
  too_large: 'catalogue.upload.tooLarge',
  wrong_type: 'catalogue.upload.wrongType',
  empty: 'catalogue.upload.empty',
  too_many: 'catalogue.upload.tooMany',
  not_multipart: 'catalogue.upload.wrongType',
  unreadable: 'catalogue.upload.unreadable',
}

export function uploadMessage(code: string, t: T, maxMb: number) {
  return t(UPLOAD_MESSAGES[code] ?? 'catalogue.upload.wrongType', { max: maxMb })
}

/** Reads a multipart form with photos (and PDFs where allowed); a refused file is an error on its field. */
export async function readArtworkForm(
  request: Request,
  { fileFields, allowPdf = false, maxFiles = 3, t, maxMb }: { fileFields: readonly string[]; allowPdf?: boolean; maxFiles?: number; t: T; maxMb: number },
): Promise<ImageUploadResult> {
  const allowed: UploadType[] = allowPdf ? ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] : ['image/jpeg', 'image/png', 'image/webp']
  try {
    const { fields, files } = await readMultipart(request, { fileFields, allowed, maxFiles })
    return { ok: true, fields, files }
  } catch (error) {
    if (error instanceof UploadError) return { ok: false, errors: { [error.field ?? fileFields[0]]: uploadMessage(error.code, t, maxMb) }, status: error.status }
    throw error
  }
}

/** A member of an accepted family, acting for it; anyone else gets a 403. */
export async function requireFamilyMember(request: Request) {
  const user = await requireUser(request)
  if (!user.familyId) throw new Response('Forbidden', { status: 403 })
  requireAbility(user, 'create', asSubject('Product', { familyId: user.familyId }))
  const family = await getFamily(user.familyId)
  if (!family || family.status !== 'active') throw new Response('Forbidden', { status: 403 })
  return { user, family, familyId: String(family._id) }
}

/** A refused product write: a duplicate SKU or barcode lands on its field with a clear sentence. */
export function writeRefusal(result: { reason: string; field?: string }, t: T) {
  switch (result.reason) {
    case 'duplicate_sku':
      return invalid({ [result.field ?? 'variants.0.sku']: t('catalogue.form.duplicateSku') }, { formError: t('catalogue.form.duplicateSku') }, 409)
    case 'duplicate_sku_in_product':
      return invalid({ [result.field ?? 'variants.0.sku']: t('catalogue.form.skuTwice') })
    case 'duplicate_barcode':
      return invalid({ [result.field ?? 'variants.0.barcode']: t('catalogue.form.duplicateBarcode') }, { formError: t('catalogue.form.duplicateBarcode') }, 409)
    case 'invalid_barcode':
      return invalid({ [result.field ?? 'variants.0.barcode']: t('catalogue.form.invalidBarcode') })
    case 'brand':
      return invalid({ brandId: t('catalogue.form.brandNotYours') })
    case 'not_editable':
      return refuse(t('catalogue.form.notEditable'), 409)
    default:
      throw new Response('Not found', { status: 404 })
  }
}
