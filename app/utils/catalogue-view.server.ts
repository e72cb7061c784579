import type { ProductFormValues } from '#app/components/product-form'
import { stateDurations, type Brand, type BrandingRequest, type BrandingVersion } from '#models/branding.server'
import type { Product, ProductImage, ProductListItem } from '#models/product.server'
import { formatMoneyInput } from './catalogue-forms.server'
import { pickText, type Locale } from './i18n'
import { documentUrl, imageUrl, srcSet } from './images.server'

/** What pages receive: plain strings and numbers, URLs drawn here (the image service is server-only). */

export function imageView(image: ProductImage, locale: Locale, width = 320) {
  return {
    id: image.id,
    src: imageUrl(image.id, { width }),
    srcSet: srcSet(image.id, { width: image.width }),
    width: image.width,
    height: image.height,
    alt: pickText(image.alt, locale),
    altTexts: image.alt,
  }
}

export type ImageView = ReturnType<typeof imageView>

export function productRow(product: ProductListItem, locale: Locale, stock?: number) {
  const cover = product.images?.[0]
  return {
    id: String(product._id),
    slug: product.slug,
    title: pickText(product.title, locale),
    category: product.category,
    kind: product.kind,
    status: product.status,
    makerName: product.makerName,
    region: product.region,
    familyId: String(product.familyId),
    image: cover ? imageView(cover, locale, 160) : null,
    prices: product.variants.map((variant) => variant.retailPrice),
    skus: product.variants.map((variant) => variant.sku),
    stock: stock ?? (product.kind === 'craft' ? product.variants.reduce((sum, variant) => sum + (variant.craftStock ?? 0), 0) : 0),
    updatedAt: new Date(product.updatedAt).toISOString(),
  }
}

export type ProductRow = ReturnType<typeof productRow>

export function brandView(brand: Pick<Brand, '_id' | 'name' | 'logo' | 'colours' | 'approvedAt' | 'labelTemplate'>) {
  const logo = brand.logo?.id && brand.logo.kind === 'image' ? { src: imageUrl(brand.logo.id, { width: 320 }), srcSet: srcSet(brand.logo.id, { width: brand.logo.width ?? undefined }) } : null
  const label = brand.labelTemplate?.id
    ? brand.labelTemplate.kind === 'pdf'
      ? { kind: 'pdf' as const, href: documentUrl(brand.labelTemplate.id) }
      : { kind: 'image' as const, href: imageUrl(brand.labelTemplate.id, { width: 1280 }) }
    : null
  return { id: String(brand._id), name: brand.name, colours: brand.colours ?? [], approvedAt: brand.approvedAt ? new Date(brand.approvedAt).toISOString() : null, logo, label }
}

const texts = (value: Partial<Record<Locale, string>> | null | undefined) => ({ az: value?.az ?? '', en: value?.en ?? '', ru: value?.ru ?? '' })
const num = (value: number | null | undefined) => (value == null ? '' : String(value))

export function productFormValues(product: Product): ProductFormValues {
  return {
    category: product.category,
    brandId: product.brandId ? String(product.brandId) : '',
    title: texts(product.title),
    shortDescription: texts(product.shortDescription),
    description: texts(product.description),
    story: texts(product.story),
    variants: product.variants.map((variant) => ({
      sku: variant.sku,
      label: texts(variant.label),
      barcode: variant.barcode,
      retailPrice: formatMoneyInput(variant.retailPrice),
      wholesalePrice: formatMoneyInput(variant.wholesalePrice),
    })),
    food: {
      ingredients: texts(product.food?.ingredients),
      allergens: [...(product.food?.allergens ?? [])],
      shelfLifeDays: num(product.food?.shelfLifeDays),
      storage: texts(product.food?.storage),
      nutrition: {
        energyKcal: num(product.food?.nutrition?.energyKcal),
        fat: num(product.food?.nutrition?.fat),
        carbohydrates: num(product.food?.nutrition?.carbohydrates),
        protein: num(product.food?.nutrition?.protein),
        salt: num(product.food?.nutrition?.salt),
      },
    },
    craft: { materials: texts(product.craft?.materials), dimensions: product.craft?.dimensions ?? '', oneOfAKind: Boolean(product.craft?.oneOfAKind) },
  }
}

/** The history a page shows (status changes and reviews), oldest first. */
export function historyView(history: { status: string; at: Date; byName?: string | null; note?: string | null }[]) {
  return history.map((entry) => ({ status: entry.status, at: new Date(entry.at).toISOString(), byName: entry.byName ?? '', note: entry.note ?? '' }))
}

export function brandingRequestView(request: BrandingRequest, locale: Locale, now = new Date()) {
  const durations = stateDurations(request, now)
  const fileView = (file: BrandingVersion['files'][number]) =>
    file.kind === 'pdf'
      ? { role: file.role, kind: 'pdf' as const, href: documentUrl(file.id), src: '', srcSet: '' }
      : { role: file.role, kind: 'image' as const, href: imageUrl(file.id, { width: 1280 }), src: imageUrl(file.id, { width: 640 }), srcSet: srcSet(file.id, { width: file.width ?? undefined }) }
  return {
    id: String(request._id),
    ref: request.ref,
    title: request.title,
    familyId: String(request.familyId),
    familyName: request.familyName ?? '',
    brief: { story: request.brief?.story ?? '', audience: request.brief?.audience ?? '', colours: request.brief?.colours ?? '', examples: request.brief?.examples ?? '' },
    productsText: request.productsText ?? '',
    deadline: request.deadline ? new Date(request.deadline).toISOString() : null,
    status: request.status,
    designerId: request.designerId ? String(request.designerId) : null,
    designerName: request.designerName ?? '',
    approvedVersion: request.approvedVersion ?? null,
    brandId: request.brandId ? String(request.brandId) : null,
    latestVersion: request.versionCount ?? 0,
    durations: Object.entries(durations).map(([status, ms]) => ({ status, ms: ms ?? 0 })),
    versions: [...request.versions]
      .sort((a, b) => b.n - a.n)
      .map((version) => ({
        n: version.n,
        brandName: version.brandName,
        colours: version.colours ?? [],
        note: version.note ?? '',
        at: new Date(version.at).toISOString(),
        uploadedByName: version.uploadedByName ?? '',
        files: version.files.map(fileView),
        comments: request.comments
          .filter((comment) => comment.versionN === version.n)
          .map((comment) => ({ authorName: comment.authorName ?? '', side: comment.side, kind: comment.kind ?? 'comment', body: comment.body ?? '', at: new Date(comment.at).toISOString() })),
      })),
    generalComments: request.comments
      .filter((comment) => !comment.versionN)
      .map((comment) => ({ authorName: comment.authorName ?? '', side: comment.side, kind: comment.kind ?? 'comment', body: comment.body ?? '', at: new Date(comment.at).toISOString() })),
    history: historyView(request.history),
    createdAt: new Date(request.createdAt).toISOString(),
  }
}

export type BrandingRequestView = ReturnType<typeof brandingRequestView>
