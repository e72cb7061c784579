import type { LoaderFunctionArgs } from '@remix-run/node'
import { baseUrlOf } from '#app/utils/shop.server'

/** Crawlers may read the public pages; carts, checkout, orders, accounts and staff pages are nobody's business. */
export async function loader({ request }: LoaderFunctionArgs) {
  const lines = [
    'User-agent: *',
    'Allow: /',
    'Disallow: /cart',
    'Disallow: /checkout',
    'Disallow: /orders',
    'Disallow: /account',
    'Disallow: /admin',
    'Disallow: /api/',
    'Disallow: /files/',
    'Disallow: /shop?*q=',
    '',
    `Sitemap: ${baseUrlOf(request)}/sitemap.xml`,
    '',
  ]
  return new Response(lines.join('\n'), { headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'public, max-age=86400' } })
}
