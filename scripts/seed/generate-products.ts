import { pathToFileURL } from 'node:url'
import mongoose, { Types } from 'mongoose'
import { CATEGORY_KEYS, CRAFT_CATEGORY_KEYS, type CategoryKey } from '#app/utils/catalogue'
import { storeImage } from '#app/utils/images.server'
import { BrandModel } from '#models/branding.server'
import { CounterModel } from '#models/counter.server'
import { FamilyModel } from '#models/family.server'
import { LotModel } from '#models/lot.server'
import { ean13CheckDigit, productRankKeys, productSearchKeys, ProductModel, REGION_NAMES, searchProducts, slugify, type Texts } from '#models/product.server'
import { productPhoto } from '#tests/factories/catalogue'

/**
 * Many products for benchmarks: `count` products from a hundred families, written with insertMany
 * in batches (one round trip per batch, no per-document audit — this is test data, not history).
 * Deterministic names from word lists; SKUs, slugs and barcodes are unique per run (barcodes from a
 * block reserved on the same counter the catalogue uses, so they never collide with real ones).
 *
 *   npx tsx scripts/seed/generate-products.ts [count]     # MONGODB_URI, or an in-memory engine
 */

const FRUITS: Texts[] = [
  { az: 'Heyva', en: 'Quince', ru: 'Айва' },
  { az: 'Əzgil', en: 'Medlar', ru: 'Мушмула' },
  { az: 'Qoz', en: 'Walnut', ru: 'Орех' },
  { az: 'Zoğal', en: 'Cornel', ru: 'Кизил' },
  { az: 'Ərik', en: 'Apricot', ru: 'Абрикос' },
  { az: 'Nar', en: 'Pomegranate', ru: 'Гранат' },
  { az: 'Albalı', en: 'Sour cherry', ru: 'Вишня' },
  { az: 'Fındıq', en: 'Hazelnut', ru: 'Фундук' },
  { az: 'Tut', en: 'Mulberry', ru: 'Шелковица' },
  { az: 'Kəklikotu', en: 'Thyme', ru: 'Чабрец' },
  { az: 'Qızılgül', en: 'Rose', ru: 'Роза' },
  { az: 'Xurma', en: 'Persimmon', ru: 'Хурма' },
  { az: 'Şaftalı', en: 'Peach', ru: 'Персик' },
  { az: 'Üzüm', en: 'Grape', ru: 'Виноград' },
]
const KINDS: Record<CategoryKey, Texts> = {
  jam: { az: 'mürəbbəsi', en: 'jam', ru: 'варенье' },
  cheese: { az: 'pendiri', en: 'cheese', ru: 'сыр' },
  sausage: { az: 'kolbasası', en: 'sausage', ru: 'колбаса' },
  dried_fruit: { az: 'qurusu', en: 'dried', ru: 'сушёный' },
  tea: { az: 'çayı', en: 'tea', ru: 'чай' },
  flour: { az: 'unu', en: 'flour', ru: 'мука' },
  pickles: { az: 'turşusu', en: 'pickle', ru: 'соленье' },
  beverages: { az: 'şərbəti', en: 'sherbet', ru: 'шербет' },
  carpets: { az: 'naxışlı xalça', en: 'patterned rug', ru: 'ковёр с узором' },
  woodwork: { az: 'oyma qutu', en: 'carved box', ru: 'резная шкатулка' },
  souvenirs: { az: 'suvenir', en: 'souvenir', ru: 'сувенир' },
}
const ADJECTIVES: Texts[] = [
  { az: 'Ev', en: 'Homemade', ru: 'Домашний' },
  { az: 'Dağ', en: 'Mountain', ru: 'Горный' },
  { az: 'Kənd', en: 'Village', ru: 'Деревенский' },
  { az: 'Bağ', en: 'Orchard', ru: 'Садовый' },
  { az: 'Nənə', en: 'Grandma’s', ru: 'Бабушкин' },
]
const REGIONS = Object.keys(REGION_NAMES)
const SURNAMES = ['Abbasov', 'Məmmədov', 'Həsənli', 'Quliyev', 'Talıbov', 'Vəliyev', 'Səfərov', 'Kərimov', 'Əhmədov', 'İsmayılov', 'Rəhimov', 'Məlikov']

function random(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Reserves `n` numbers of a sequence in one $inc, so a bulk insert needs no counter call per row. */
async function reserveSequence(key: string, n: number) {
  const counter = await CounterModel.findOneAndUpdate({ _id: key }, { $inc: { seq: n } }, { upsert: true, returnDocument: 'after' }).lean()
  return counter!.seq - n + 1
}

export async function generateProducts({ count = 10_000, batchSize = 1000, families: familyCount = 100, seed = 7 }: { count?: number; batchSize?: number; families?: number; seed?: number } = {}) {
  const started = performance.now()
  const next = random(seed)
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]
  const run = Date.now().toString(36).toUpperCase()
  const now = new Date()

  const families = Array.from({ length: familyCount }, (_, index) => ({
    _id: new Types.ObjectId(),
    name: `${SURNAMES[index % SURNAMES.length]}lar ${index + 1}`,
    region: REGIONS[index % REGIONS.length],
    status: 'active',
    businessKind: index % 4 === 0 ? 'craft' : 'food',
  }))
  await FamilyModel.insertMany(families, { lean: true })
  const brands = families.map((family) => ({
    _id: new Types.ObjectId(),
    familyId: family._id,
    name: `${family.name} brendi`,
    colours: ['#7a3b2e'],
    status: 'active',
    requestId: new Types.ObjectId(),
    approvedAt: now,
  }))
  await BrandModel.insertMany(brands, { lean: true })
  // one real picture shared by every generated product: the rules want a photo, the benchmark does not need sixty thousand files
  const photo = await storeImage(await productPhoto('Bench', '#55606e', 320, 'jpeg'), { owner: { type: 'Product', id: 'bench' } })
  const firstBarcode = await reserveSequence('product:barcode', count)

  let inserted = 0
  for (let offset = 0; offset < count; offset += batchSize) {
    const docs = []
    const lots: Record<string, unknown>[] = []
    for (let index = offset; index < Math.min(count, offset + batchSize); index++) {
      const familyIndex = Math.floor(next() * families.length)
      const family = families[familyIndex]
      const category = families[familyIndex].businessKind === 'craft' ? pick(CRAFT_CATEGORY_KEYS) : pick(CATEGORY_KEYS.filter((key) => !(CRAFT_CATEGORY_KEYS as readonly string[]).includes(key)))
      const kind = (CRAFT_CATEGORY_KEYS as readonly string[]).includes(category) ? 'craft' : 'food'
      const fruit = pick(FRUITS)
      const adjective = pick(ADJECTIVES)
      const title = {
        az: `${adjective.az} ${fruit.az.toLocaleLowerCase('az')} ${KINDS[category].az}`,
        en: `${adjective.en} ${fruit.en.toLowerCase()} ${KINDS[category].en}`,
        ru: `${adjective.ru} ${KINDS[category].ru}: ${fruit.ru.toLowerCase()}`,
      }
      const shortDescription = { az: `${family.name} ailəsindən, ${REGION_NAMES[family.region].az}`, en: `From the ${family.name} family, ${REGION_NAMES[family.region].en}`, ru: `От семьи ${family.name}, ${REGION_NAMES[family.region].ru}` }
      const description = { az: `${title.az}. Əl ilə, kiçik partiyalarla hazırlanır.`, en: `${title.en}. Made by hand in small batches.`, ru: `${title.ru}. Сделано вручную небольшими партиями.` }
      const story = { az: 'Ailəmiz bu işi nəsildən-nəslə ötürür.', en: 'Our family has passed this craft down the generations.', ru: 'Наша семья передаёт это ремесло из поколения в поколение.' }
      const price = 300 + Math.floor(next() * 40) * 50
      const body = `200${String(firstBarcode + index).padStart(9, '0')}`
      const sku = `G${run}-${index}`
      const roll = next()
      const status = roll < 0.8 ? 'listed' : roll < 0.9 ? 'submitted' : 'draft'
      const variants = [{ sku, label: { az: '370 q', en: '370 g', ru: '370 г' }, barcode: `${body}${ean13CheckDigit(body)}`, retailPrice: price, wholesalePrice: Math.round(price * 0.7), craftStock: kind === 'craft' ? Math.floor(next() * 5) : 0 }]
      const doc = {
        _id: new Types.ObjectId(),
        slug: `${slugify(title.en)}-${run.toLowerCase()}-${index}`,
        familyId: family._id,
        brandId: brands[familyIndex]._id,
        kind,
        category,
        title,
        shortDescription,
        description,
        story,
        images: [{ id: photo.id, width: photo.width, height: photo.height, alt: title }],
        variants,
        food: kind === 'food' ? { ingredients: { az: fruit.az, en: fruit.en, ru: fruit.ru }, allergens: [], shelfLifeDays: 365, storage: { az: 'Sərin yerdə', en: 'Keep cool', ru: 'В прохладном месте' }, nutrition: {} } : undefined,
        craft: kind === 'craft' ? { materials: { az: 'yun', en: 'wool', ru: 'шерсть' }, dimensions: '100 × 70 cm', oneOfAKind: false } : undefined,
        status,
        reviewNote: '',
        submittedAt: status === 'draft' ? null : now,
        listedAt: status === 'listed' ? now : null,
        delistedAt: null,
        history: [{ status, at: now, by: null, byName: 'generator', note: '' }],
        priceHistory: [],
        makerName: family.name,
        region: family.region,
        createdBy: null,
        createdAt: now,
        updatedAt: new Date(now.getTime() - index * 1000),
        __v: 0,
      }
      docs.push({ ...doc, searchKeys: productSearchKeys(doc), rankKeys: productRankKeys(doc) })
      // listed food needs a lot that passed QC (rule 6): one per product, as a passed batch would leave
      if (status === 'listed' && kind === 'food') {
        lots.push({
          code: `BEN-${run}-${index}`,
          batchId: new Types.ObjectId(),
          productId: doc._id,
          sku,
          productName: title,
          unit: 'jar',
          familyId: family._id,
          placeId: null,
          lineId: null,
          factoryCode: 'BEN',
          lineCode: 'GEN',
          producedOn: now,
          bestBefore: new Date(now.getTime() + 300 * 86_400_000),
          qtyProduced: 20,
          qtyAvailable: 20,
          qtyReserved: 0,
          qtySold: 0,
          qtyWrittenOff: 0,
          status: 'available',
          reservations: [],
          createdAt: now,
          updatedAt: now,
        })
      }
    }
    // the driver's insertMany: the documents are built typed already, mongoose casting would only cost time
    await ProductModel.collection.insertMany(docs, { ordered: false })
    if (lots.length) await LotModel.collection.insertMany(lots, { ordered: false })
    inserted += docs.length
  }
  return { inserted, families: families.length, ms: Math.round(performance.now() - started) }
}

/** Search latency over the generated catalogue: a few typical queries, each run `rounds` times. */
export async function benchmarkSearch(rounds = 20) {
  const queries = ['seki', 'qoz murebbesi', 'heyva', 'xalca', 'ev cayi', 'walnut jam', 'варенье', 'ko']
  const results: { q: string; total: number; p50: number; p95: number }[] = []
  // one untimed pass: the first query of a fresh process pays for JIT and cold caches
  for (const q of queries) await searchProducts({ q, perPage: 24 }, { status: 'listed' })
  for (const q of queries) {
    const times: number[] = []
    let total = 0
    for (let round = 0; round < rounds; round++) {
      const started = performance.now()
      total = (await searchProducts({ q, perPage: 24 }, { status: 'listed' })).total
      times.push(performance.now() - started)
    }
    times.sort((a, b) => a - b)
    results.push({ q, total, p50: Math.round(times[Math.floor(rounds / 2)] * 10) / 10, p95: Math.round(times[Math.floor(rounds * 0.95)] * 10) / 10 })
  }
  return results
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const count = Number(process.argv[2] ?? 10_000)
  let stopEngine: (() => Promise<void>) | null = null
  let uri = process.env.MONGODB_URI
  if (!uri) {
    const { spawnEmbeddedDb, withDatabase } = await import('#scripts/lib/embedded-db')
    const engine = await spawnEmbeddedDb({ memory: true })
    uri = withDatabase(engine.uri, 'bench')
    stopEngine = engine.stop
  }
  await mongoose.connect(uri)
  await Promise.all([ProductModel.init(), FamilyModel.init(), BrandModel.init(), LotModel.init()])
  const result = await generateProducts({ count })
  console.log(`${result.inserted} products from ${result.families} families in ${result.ms} ms (${Math.round((result.inserted / result.ms) * 1000)}/s)`)
  console.table(await benchmarkSearch())
  await mongoose.disconnect()
  await stopEngine?.()
}
