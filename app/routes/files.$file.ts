import fs from 'node:fs/promises'
import type { LoaderFunctionArgs } from '@remix-run/node'
import { requireUser } from '#app/utils/auth.server'
import { getEnv } from '#app/utils/env.server'
import { resolveLocalDocumentFile } from '#app/utils/images.server'

/**
 * PDF artwork of the local store (branding proposals). Only for signed-in people: the name is an
 * unguessable content hash that only the pages of a request show.
 */
export async function loader({ params, request }: LoaderFunctionArgs) {
  await requireUser(request)
  const target = resolveLocalDocumentFile(getEnv().DATA_DIR, params.file ?? '')
  if (!target) throw new Response('Not found', { status: 404 })
  const body = await fs.readFile(target.file).catch(() => null)
  if (!body) throw new Response('Not found', { status: 404 })
  return new Response(body, {
    headers: {
      'Content-Type': target.contentType,
      'Content-Length': String(body.byteLength),
      'Content-Disposition': `inline; filename="${params.file}"`,
      'Cache-Control': 'private, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
    },
  })
}
