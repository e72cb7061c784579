/**
 * Boutique constants shared by the server and the browser (order statuses, delivery and payment
 * methods, Baku districts for courier delivery). The order model is server-only.
 */
export const SHOP_SORTS = ['relevance', 'newest', 'price_asc', 'price_desc'] as const
export type ShopSort = (typeof SHOP_SORTS)[number]
export const SHOP_PAGE_SIZE = 24
/** Most units of one product per cart line. */
export const MAX_LINE_QTY = 50
/** What a SKU looks like (as the catalogue writes them). */
export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9-]{2,31}$/

export const ORDER_STATUSES = ['placed', 'awaiting_payment', 'paid', 'packed', 'shipped', 'ready_for_pickup', 'delivered', 'cancelled', 'refunded'] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

export const DELIVERY_METHODS = ['courier', 'pickup'] as const
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number]

export const PAYMENT_METHODS = ['stripe', 'cash_on_delivery', 'pay_at_pickup'] as const
export type PaymentMethod = (typeof PAYMENT_METHODS)[number]

export const PAYMENT_STATUSES = ['pending', 'paid', 'refunded', 'flagged'] as const
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number]

/** Courier delivery is within Baku: the address names one of the city's districts. */
export const BAKU_DISTRICTS = ['Binagadi', 'Garadagh', 'Khatai', 'Khazar', 'Narimanov', 'Nasimi', 'Nizami', 'Pirallahi', 'Sabail', 'Sabunchu', 'Surakhani', 'Yasamal'] as const
export type BakuDistrict = (typeof BAKU_DISTRICTS)[number]

export const ORDER_NUMBER_PATTERN = /^B-\d{4}-\d{6,}$/

/** The pay-later method that goes with a delivery method. */
export function offlinePaymentFor(method: DeliveryMethod): PaymentMethod {
  return method === 'courier' ? 'cash_on_delivery' : 'pay_at_pickup'
}

export function paymentFits(method: DeliveryMethod, payment: PaymentMethod) {
  return payment === 'stripe' || payment === offlinePaymentFor(method)
}

/** Colours of the order statuses in badges (the words carry the meaning). */
export const ORDER_TONES: Record<OrderStatus, 'neutral' | 'info' | 'progress' | 'success' | 'warning' | 'danger'> = {
  placed: 'info',
  awaiting_payment: 'warning',
  paid: 'progress',
  packed: 'progress',
  shipped: 'progress',
  ready_for_pickup: 'progress',
  delivered: 'success',
  cancelled: 'neutral',
  refunded: 'neutral',
}

/** The steps a shopper sees for a delivery method, in order. */
export function orderSteps(method: DeliveryMethod, payment: PaymentMethod): OrderStatus[] {
  const start: OrderStatus[] = payment === 'stripe' ? ['awaiting_payment', 'paid'] : ['placed']
  return [...start, 'packed', method === 'courier' ? 'shipped' : 'ready_for_pickup', 'delivered']
}
