import type { LoaderFunctionArgs } from '@remix-run/node'
import { baseUrlOf } from '#app/utils/shop.server'
import { connectDb } from '#models/db.server'
import { sitemapEntries } from '#models/storefront.server'

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[char]!)

/** The boutique's public pages for search engines: the shop, every listed product, every published maker. */
export async function loader({ request }: LoaderFunctionArgs) {
  await connectDb()
  const base = baseUrlOf(request)
  const { products, makers } = await sitemapEntries()
  const url = (path: string, lastmod?: Date) => `  <url><loc>${escapeXml(`${base}${path}`)}</loc>${lastmod ? `<lastmod>${lastmod.toISOString().slice(0, 10)}</lastmod>` : ''}</url>`
  const body = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    url('/'),
    url('/shop'),
    ...products.map((product) => url(`/shop/${product.slug}`, product.updatedAt)),
    ...makers.map((maker) => url(`/makers/${maker.slug}`)),
    '</urlset>',
    '',
  ].join('\n')
  return new Response(body, { headers: { 'Content-Type': 'application/xml; charset=utf-8', 'Cache-Control': 'public, max-age=3600' } })
}
