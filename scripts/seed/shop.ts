import { storeImage } from '#app/utils/images.server'
import { addToCart, userCartOwner } from '#models/cart.server'
import { LotModel } from '#models/lot.server'
import { deliverOrder, newIdempotencyKey, packOrder, placeOrder, shipOrder, type PlacedOrder } from '#models/order.server'
import { ProductModel, type Category } from '#models/product.server'
import { resetShopCaches } from '#models/storefront.server'
import { UserModel } from '#models/user.server'
import { productPhoto } from '#tests/factories/catalogue'
import { guestCart, makeShopMaker, makeShopProduct } from '#tests/factories/shop'

/**
 * Boutique demo data: a few orders in different states for the order desk and the demo shopper.
 * The catalogue step lists the demo products; when it has listed nothing (a partial seed), a small
 * shelf from three maker families is put up first so the shop can be tried at once.
 */

const text = (az: string, en: string, ru: string) => ({ az, en, ru })

const SHELF: { maker: 0 | 1 | 2; category: Category; price: number; stock: number; title: ReturnType<typeof text>; colour: string }[] = [
  { maker: 0, category: 'jam', price: 900, stock: 30, title: text('Heyva mürəbbəsi', 'Quince jam', 'Айвовое варенье'), colour: '#a86b12' },
  { maker: 0, category: 'jam', price: 1250, stock: 24, title: text('Əzgil mürəbbəsi', 'Medlar jam', 'Варенье из мушмулы'), colour: '#7a3b2e' },
  { maker: 0, category: 'tea', price: 650, stock: 40, title: text('Kəklikotu çayı', 'Thyme tea', 'Чай с чабрецом'), colour: '#3f6b3a' },
  { maker: 1, category: 'jam', price: 1500, stock: 18, title: text('Yaşıl qoz mürəbbəsi', 'Green walnut jam', 'Варенье из зелёных орехов'), colour: '#4b3621' },
  { maker: 1, category: 'dried_fruit', price: 2200, stock: 25, title: text('Qurudulmuş ərik', 'Dried apricots', 'Курага'), colour: '#d08a1d' },
  { maker: 1, category: 'cheese', price: 1800, stock: 12, title: text('Motal pendiri', 'Motal cheese', 'Сыр мотал'), colour: '#8c7f71' },
  { maker: 2, category: 'carpets', price: 45000, stock: 2, title: text('Quba xalçası', 'Guba rug', 'Губинский ковёр'), colour: '#a3192f' },
  { maker: 2, category: 'souvenirs', price: 2500, stock: 15, title: text('Kəlağayı', 'Silk kelaghayi scarf', 'Шёлковый келагаи'), colour: '#5a358c' },
]

async function seedShelf() {
  const makers = [
    await makeShopMaker({
      name: 'Abbasovlar',
      region: 'Guba',
      womenLed: true,
      makerPage: {
        slug: 'abbasovlar-guba',
        story: text(
          'Qubanın Qırmızı Qəsəbəsində üç nəsildir meyvə bişiririk. Heyvanı və əzgili öz bağımızdan yığırıq.',
          'Three generations of our family have cooked fruit in Qırmızı Qəsəbə, Guba. The quinces and medlars come from our own orchard.',
          'Три поколения нашей семьи варят фрукты в Красной Слободе, Губа. Айва и мушмула — из нашего сада.',
        ),
      },
    }),
    await makeShopMaker({ name: 'Halvaçıyevlər', region: 'Sheki', makerPage: { slug: 'halvaciyevler-sheki' } }),
    await makeShopMaker({ name: 'Xalçaçılar', region: 'Guba', womenLed: true, businessKind: 'craft' }),
  ]
  for (const item of SHELF) {
    const photo = await storeImage(await productPhoto(item.title.en, item.colour, 640), { owner: { type: 'Product', id: item.title.en } })
    await makeShopProduct({ maker: makers[item.maker], category: item.category, price: item.price, stock: item.stock, title: item.title, photo })
  }
}

async function demoOrder(skus: string[], options: { owner: string; customer: { userId: unknown; name: string; email: string; phone: string }; courier?: boolean }) {
  for (const sku of skus) await addToCart(options.owner, sku, 1)
  const placed = await placeOrder({
    cartOwner: options.owner,
    idempotencyKey: newIdempotencyKey(),
    customer: { ...options.customer, userId: options.customer.userId ? String(options.customer.userId) : null, locale: 'az' },
    delivery: options.courier ? { method: 'courier', address: 'Nizami küçəsi 41, mənzil 12', district: 'Sabail' } : { method: 'pickup' },
    paymentMethod: options.courier ? 'cash_on_delivery' : 'pay_at_pickup',
  })
  if (!placed.ok) throw new Error(`demo order not placed: ${placed.reason}`)
  return placed.order
}

const picks = (order: PlacedOrder) => new Set(order.lines.flatMap((line, index) => line.lots.map((part) => `${index}:${String(part.lotId)}`)))

export async function seedShop() {
  if (!(await ProductModel.exists({ status: 'listed' }))) await seedShelf()
  const skus = (
    await LotModel.find({ status: 'available', qtyAvailable: { $gte: 5 }, $or: [{ bestBefore: null }, { bestBefore: { $gt: new Date() } }] })
      .select('sku')
      .sort({ bestBefore: -1 })
      .limit(20)
      .lean<{ sku: string }[]>()
  ).map((lot) => lot.sku)
  const listed = new Set((await ProductModel.find({ status: 'listed', 'variants.sku': { $in: skus } }).select('variants.sku').lean()).flatMap((product) => product.variants.map((variant) => variant.sku)))
  const sellable = [...new Set(skus)].filter((sku) => listed.has(sku))
  if (sellable.length < 3) return
  const shopper = await UserModel.findOne({ email: 'shopper@demo.abad.az' }).select('name email phone').lean()
  const sales = await UserModel.findOne({ email: 'sales@demo.abad.az' }).select('name').lean()
  const staff = { _id: sales?._id ?? shopper?._id ?? '', name: sales?.name ?? 'Sales' }
  const base = process.env.APP_URL ?? 'http://localhost:3000'
  if (shopper) {
    const owner = userCartOwner(shopper._id)
    const customer = { userId: shopper._id, name: shopper.name, email: shopper.email, phone: shopper.phone || '+994 50 555 12 34' }
    // delivered a while ago: the shopper's history, the lots' sales
    const delivered = await demoOrder([sellable[0], sellable[1]], { owner, customer, courier: true })
    const packed = await packOrder(delivered, picks(delivered), staff)
    if (packed.ok) {
      const shipped = await shipOrder(packed.order, staff, 'Kuryer: Elvin', base)
      if (shipped.ok) await deliverOrder(shipped.order, staff, { cashReceived: true }, base)
    }
    // waiting at the desk
    await demoOrder([sellable[2]], { owner, customer })
  }
  await demoOrder([sellable[0]], {
    owner: guestCart(),
    customer: { userId: null, name: 'Nərmin Quliyeva', email: 'nermin.guest@example.az', phone: '+994 55 321 54 76' },
    courier: true,
  })
  resetShopCaches()
}
