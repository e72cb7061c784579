import { Types } from 'mongoose'
import { CATEGORY_KEYS, CRAFT_CATEGORY_KEYS } from '#app/utils/catalogue'
import { FamilyModel } from '#models/family.server'
import { LotModel } from '#models/lot.server'
import { ean13CheckDigit, ProductModel, productSearchKeys, REGION_NAMES } from '#models/product.server'

/**
 * The benchmark's shop: N listed products from a few hundred families in every region, one lot per
 * food product (some sold out), counted pieces for crafts; written in bulk. Deterministic, so two
 * runs measure the same catalogue. Returns the URLs the benchmark cycles through.
 */

function random(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const FRUITS: [string, string, string][] = [
  ['Heyva', 'Quince', 'Айва'],
  ['Əzgil', 'Medlar', 'Мушмула'],
  ['Qoz', 'Walnut', 'Орех'],
  ['Zoğal', 'Cornel', 'Кизил'],
  ['Ərik', 'Apricot', 'Абрикос'],
  ['Nar', 'Pomegranate', 'Гранат'],
  ['Albalı', 'Sour cherry', 'Вишня'],
  ['Gilas', 'Cherry', 'Черешня'],
  ['Fındıq', 'Hazelnut', 'Фундук'],
  ['Tut', 'Mulberry', 'Шелковица'],
  ['Kəklikotu', 'Thyme', 'Чабрец'],
  ['Qızılgül', 'Rose', 'Роза'],
]
const KINDS: Record<string, [string, string, string]> = {
  jam: ['mürəbbəsi', 'jam', 'варенье'],
  cheese: ['pendiri', 'cheese', 'сыр'],
  sausage: ['kolbasası', 'sausage', 'колбаса'],
  dried_fruit: ['qurusu', 'dried', 'сушёный'],
  tea: ['çayı', 'tea', 'чай'],
  flour: ['unu', 'flour', 'мука'],
  pickles: ['turşusu', 'pickle', 'соленье'],
  beverages: ['şərbəti', 'sherbet', 'шербет'],
  carpets: ['naxışlı xalça', 'patterned rug', 'ковёр с узором'],
  woodwork: ['oyma qutu', 'carved box', 'резная шкатулка'],
  souvenirs: ['suvenir', 'souvenir', 'сувенир'],
}
const REGIONS = Object.keys(REGION_NAMES)

export async function seedBenchCatalogue(count: number) {
  const next = random(20_260_101)
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]
  const families = Array.from({ length: Math.max(20, Math.round(count / 25)) }, (_, index) => {
    const published = index % 4 === 0
    return {
      _id: new Types.ObjectId(),
      name: `Ailə ${index + 1}`,
      region: REGIONS[index % REGIONS.length],
      womenLed: next() < 0.35,
      businessKind: 'food',
      status: 'active',
      members: [],
      makerPage: published
        ? { published: true, slug: `aile-${index + 1}`, story: { az: 'Bağımızdan süfrənizə.', en: 'From our orchard to your table.', ru: 'Из нашего сада к вашему столу.' }, photo: '', photoType: '', publishedAt: new Date() }
        : { published: false, story: { az: '', en: '', ru: '' }, photo: '', photoType: '', publishedAt: null },
    }
  })
  for (let start = 0; start < families.length; start += 1000) await FamilyModel.insertMany(families.slice(start, start + 1000), { lean: true })

  const now = Date.now()
  let lots = 0
  const slugs: string[] = []
  for (let start = 0; start < count; start += 1000) {
    const products = []
    const lotDocs = []
    for (let index = start; index < Math.min(count, start + 1000); index++) {
      const family = families[index % families.length]
      const category = pick(CATEGORY_KEYS)
      const craft = (CRAFT_CATEGORY_KEYS as readonly string[]).includes(category)
      const [fruitAz, fruitEn, fruitRu] = pick(FRUITS)
      const [kindAz, kindEn, kindRu] = KINDS[category]
      const title = { az: `${fruitAz} ${kindAz} ${index + 1}`, en: `${fruitEn} ${kindEn} ${index + 1}`, ru: `${kindRu} «${fruitRu}» ${index + 1}` }
      const slug = `${fruitEn.toLowerCase().replace(/\s+/g, '-')}-${kindEn.toLowerCase().replace(/\s+/g, '-')}-${index + 1}`
      const sku = `BN-${String(index + 1).padStart(6, '0')}`
      const body = `2${String(index + 1).padStart(11, '0')}`
      const price = craft ? 1500 + Math.floor(next() * 60_000) : 300 + Math.floor(next() * 4000)
      const id = new Types.ObjectId()
      const product = {
        _id: id,
        slug,
        familyId: family._id,
        brandId: new Types.ObjectId(),
        kind: craft ? 'craft' : 'food',
        category,
        title,
        shortDescription: { az: `Ev üsulu ilə, ${REGION_NAMES[family.region].az}`, en: `Made the home way in ${family.region}`, ru: `По-домашнему, ${REGION_NAMES[family.region].ru}` },
        description: { az: 'Ailəmizin reseptinə görə hazırlanır.', en: 'Made to our family’s recipe.', ru: 'По семейному рецепту.' },
        story: { az: 'Üç nəsildir bu işlə məşğuluq.', en: 'Three generations of our family have done this.', ru: 'Три поколения нашей семьи занимаются этим.' },
        images: [{ id: (index + 1).toString(16).padStart(32, '0'), width: 640, height: 640, alt: title }],
        variants: [
          {
            sku,
            label: craft ? { az: '1 ədəd', en: '1 piece', ru: '1 шт.' } : { az: '370 q', en: '370 g', ru: '370 г' },
            barcode: `${body}${ean13CheckDigit(body)}`,
            retailPrice: price,
            wholesalePrice: Math.round(price * 0.7),
            craftStock: craft ? Math.floor(next() * 4) : 0,
          },
        ],
        food: craft ? undefined : { ingredients: { az: 'meyvə, şəkər', en: 'fruit, sugar', ru: 'фрукты, сахар' }, allergens: [], shelfLifeDays: 365, storage: { az: 'Sərin yerdə', en: 'Keep cool', ru: 'Хранить в прохладе' } },
        craft: craft ? { materials: { az: 'yun', en: 'wool', ru: 'шерсть' }, dimensions: '120 × 80 cm', oneOfAKind: true } : undefined,
        status: 'listed',
        listedAt: new Date(now - Math.floor(next() * 365) * 86_400_000),
        createdAt: new Date(now - 400 * 86_400_000),
        updatedAt: new Date(now - 86_400_000),
        makerName: family.name,
        region: family.region,
        history: [],
        priceHistory: [],
        searchKeys: [] as string[],
      }
      product.searchKeys = productSearchKeys(product as never)
      products.push(product)
      if (index % 97 === 0) slugs.push(slug)
      if (!craft) {
        lots += 1
        lotDocs.push({
          code: `BEN-${category.slice(0, 3).toUpperCase()}-20260101-${String(index + 1).padStart(5, '0')}`,
          batchId: new Types.ObjectId(),
          productId: id,
          sku,
          productName: title,
          unit: 'jar',
          familyId: family._id,
          factoryCode: 'BEN',
          lineCode: category.slice(0, 3).toUpperCase(),
          producedOn: new Date(now - 30 * 86_400_000),
          bestBefore: new Date(now + 300 * 86_400_000),
          qtyProduced: 60,
          // about one in ten sold out
          qtyAvailable: next() < 0.1 ? 0 : 1 + Math.floor(next() * 59),
          status: 'available',
        })
      }
    }
    await ProductModel.insertMany(products, { lean: true })
    if (lotDocs.length) await LotModel.insertMany(lotDocs, { lean: true })
  }
  const categories = ['jam', 'cheese', 'tea', 'dried_fruit', 'carpets', 'pickles']
  const listingPaths = categories.flatMap((category, index) => [
    `/shop?category=${category}&stock=in&sort=price_asc`,
    `/shop?category=${category}&region=${REGIONS[index % REGIONS.length]}&sort=newest&page=2`,
    `/shop?category=${category}&min=5&max=40&women=1`,
  ])
  const searchPaths = ['heyva', 'qoz murebbesi', 'zogal', 'erik qurusu', 'nar serbeti', 'findiq', 'keklikotu cayi', 'xalca', 'seki', 'quba', 'walnut jam', 'варенье']
    .map((q) => `/shop?${new URLSearchParams({ q })}`)
  return {
    families: families.length,
    lots,
    listingPaths,
    productPaths: slugs.map((slug) => `/shop/${slug}`),
    searchPaths,
  }
}
