import { CATEGORY_KEYS } from '#app/utils/catalogue'
import { ProductModel, REGION_NAMES } from '#models/product.server'
import { generateProducts } from '#scripts/seed/generate-products'

/**
 * The benchmark's shop: the catalogue's generator (scripts/seed/generate-products.ts) writes the
 * products, their families and brands, and a QC-passed lot for each listed food product. Returns
 * the URLs the benchmark cycles through: many listing filters, about a hundred product pages, and
 * typical searches (typed with and without Azerbaijani letters).
 */
export async function prepareBenchShop(count: number) {
  const generated = await generateProducts({ count })
  const listed = await ProductModel.find({ status: 'listed' }).select('slug').sort({ _id: 1 }).lean<{ slug: string }[]>()
  const step = Math.max(1, Math.floor(listed.length / 100))
  const regions = Object.keys(REGION_NAMES)
  const categories = CATEGORY_KEYS.filter((category) => category !== 'sausage').slice(0, 6)
  const listingPaths = categories.flatMap((category, index) => [
    `/shop?category=${category}&stock=in&sort=price_asc`,
    `/shop?category=${category}&region=${regions[index % regions.length]}&sort=newest&page=2`,
    `/shop?category=${category}&min=5&max=15`,
  ])
  const searchPaths = ['heyva', 'qoz murebbesi', 'zogal', 'ev cayi', 'dag bali', 'xalca', 'seki', 'quba', 'walnut jam', 'варенье', 'kend pendiri', 'nene']
    .map((q) => `/shop?${new URLSearchParams({ q })}`)
  return {
    products: generated.inserted,
    listed: listed.length,
    families: generated.families,
    listingPaths,
    productPaths: listed.filter((_, index) => index % step === 0).slice(0, 100).map((product) => `/shop/${product.slug}`),
    searchPaths,
  }
}
