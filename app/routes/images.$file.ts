import fs from 'node:fs/promises'
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getEnv } from '#app/utils/env.server'
import { resolveLocalImageFile } from '#app/utils/images.server'

/**
 * Images of the local store. Names are content hashes, so a name always means the same bytes:
 * browsers and proxies may keep them for a year without asking again.
 */
export async function loader({ params, request }: LoaderFunctionArgs) {
  const target = resolveLocalImageFile(getEnv().DATA_DIR, params.file ?? '')
  if (!target) throw new Response('Not found', { status: 404 })
  const etag = `"${params.file}"`
  const headers = {
    'Content-Type': target.contentType,
    'Cache-Control': 'public, max-age=31536000, immutable',
    ETag: etag,
    'X-Content-Type-Options': 'nosniff',
  }
  if (request.headers.get('If-None-Match') === etag) return new Response(null, { status: 304, headers })
  const body = await fs.readFile(target.file).catch(() => null)
  if (!body) throw new Response('Not found', { status: 404, headers: { 'Cache-Control': 'no-store' } })
  return new Response(body, { headers: { ...headers, 'Content-Length': String(body.byteLength) } })
}
