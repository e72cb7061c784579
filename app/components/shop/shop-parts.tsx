import { Form, Link } from '@remix-run/react'
import { Button } from '#app/components/ui/index'
import { useT } from '#app/utils/i18n'
import type { CardView, ImageView } from '#app/utils/shop.server'

/** A responsive product photo: the browser picks the variant for its width from `srcSet`. */
export function ProductImage({ image, sizes, eager = false, className }: { image: ImageView | null; sizes: string; eager?: boolean; className?: string }) {
  if (!image) return <div className={`product-photo product-photo-empty ${className ?? ''}`} aria-hidden="true" />
  return (
    <img
      className={`product-photo ${className ?? ''}`}
      src={image.src}
      srcSet={image.srcSet}
      sizes={sizes}
      width={image.width}
      height={image.height}
      alt={image.alt}
      loading={eager ? 'eager' : 'lazy'}
      decoding="async"
    />
  )
}

export function StockNote({ inStock }: { inStock: boolean }) {
  const t = useT()
  return <span className={inStock ? 'stock stock-in' : 'stock stock-out'}>{inStock ? t('shop.stock.in') : t('shop.stock.out')}</span>
}

const CARD_SIZES = '(min-width: 64rem) 14rem, (min-width: 40rem) 30vw, 45vw'

/** A product in a grid; with one variant in stock it can go into the cart from here (a plain form, no JavaScript needed). */
export function ProductCard({ card, returnTo, eager = false }: { card: CardView; returnTo: string; eager?: boolean }) {
  const t = useT()
  return (
    <li className="product-card" data-testid="product-card">
      <Link to={`/shop/${card.slug}`} className="product-card-image" tabIndex={-1} aria-hidden="true">
        <ProductImage image={card.image} sizes={CARD_SIZES} eager={eager} />
      </Link>
      <div className="product-card-body">
        <h3 className="product-card-title">
          <Link to={`/shop/${card.slug}`}>{card.title}</Link>
        </h3>
        {card.maker ? (
          <p className="product-card-maker">
            {card.maker.name} · {card.maker.region}
            {card.maker.womenLed ? <span className="women-led"> · {t('shop.womenLed.short')}</span> : null}
          </p>
        ) : null}
        <p className="product-card-price">
          {card.manyPrices ? t('shop.card.from') + ' ' : null}
          <span className="money">{card.priceText}</span>
          {card.label ? <span className="muted"> · {card.label}</span> : null}
        </p>
        <p>
          <StockNote inStock={card.inStock} />
        </p>
      </div>
      {card.quickSku ? (
        <Form method="post" action="/cart" className="product-card-add">
          <input type="hidden" name="intent" value="add" />
          <input type="hidden" name="sku" value={card.quickSku} />
          <input type="hidden" name="qty" value="1" />
          <input type="hidden" name="returnTo" value={returnTo} />
          <Button variant="secondary" size="small">
            {t('shop.card.add')}
            <span className="visually-hidden"> {card.title}</span>
          </Button>
        </Form>
      ) : null}
    </li>
  )
}

export function ProductGrid({ cards, returnTo, eagerCount = 0 }: { cards: readonly CardView[]; returnTo: string; eagerCount?: number }) {
  return (
    <ul className="product-grid">
      {cards.map((card, index) => (
        <ProductCard key={card.id} card={card} returnTo={returnTo} eager={index < eagerCount} />
      ))}
    </ul>
  )
}

/** The boutique's own links: shop, cart with its count, the shopper's orders. */
export function ShopNav({ cartCount, signedIn }: { cartCount: number; signedIn: boolean }) {
  const t = useT()
  return (
    <nav className="shop-nav" aria-label={t('shop.nav.label')}>
      <Link to="/shop" className="shop-nav-home">
        {t('shop.nav.shop')}
      </Link>
      <span className="shop-nav-links">
        {signedIn ? <Link to="/orders">{t('shop.nav.orders')}</Link> : null}
        <Link to="/cart" data-testid="cart-link">
          {t('shop.nav.cart')} <span className="cart-count">({cartCount})</span>
        </Link>
      </span>
    </nav>
  )
}
