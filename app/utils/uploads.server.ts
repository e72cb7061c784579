import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { unstable_parseMultipartFormData, type UploadHandler } from '@remix-run/node'
import { getEnv } from './env.server'

/**
 * Private uploads (identity documents, product photos, files exchanged on a service request):
 * the body is read with a size limit per file, the real type is read from the first bytes (not the
 * name, not the browser's claim), and the file is stored under `${DATA_DIR}/uploads/<random id>`,
 * outside `public/`. They are only ever served through a route that checks the reader's ability.
 */
export const UPLOAD_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const
export type UploadType = (typeof UPLOAD_TYPES)[number]
export const IMAGE_TYPES: readonly UploadType[] = ['image/jpeg', 'image/png', 'image/webp']

export type UploadErrorCode = 'too_large' | 'wrong_type' | 'empty' | 'too_many' | 'not_multipart'

export class UploadError extends Error {
  constructor(
    readonly code: UploadErrorCode,
    readonly field?: string,
  ) {
    super(`upload refused: ${code}`)
  }
  /** 413 for a body that is too big, 400 otherwise. */
  get status() {
    return this.code === 'too_large' ? 413 : 400
  }
}

/** The type a file really has, from its signature; null for anything the platform does not accept. */
export function sniffType(bytes: Uint8Array): UploadType | null {
  const starts = (signature: number[], offset = 0) => signature.every((byte, index) => bytes[offset + index] === byte)
  if (bytes.length >= 3 && starts([0xff, 0xd8, 0xff])) return 'image/jpeg'
  if (bytes.length >= 8 && starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
  if (bytes.length >= 12 && starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp'
  if (bytes.length >= 5 && starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf'
  return null
}

export const EXTENSIONS: Record<UploadType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'application/pdf': 'pdf' }

export function maxUploadBytes() {
  return Math.round(getEnv().UPLOAD_MAX_MB * 1024 * 1024)
}

export type ReceivedFile = { field: string; name: string; bytes: Buffer; type: UploadType }

/** Text fields are small; a form that sends more than this in one field is not one of ours. */
const MAX_FIELD_BYTES = 64 * 1024

/**
 * Reads a multipart form. Every file is checked (size while streaming, type by content) before
 * anything is written, so a refused request leaves nothing behind. Returns the text fields as
 * FormData and the files in memory (at most `maxFiles` × the size limit).
 */
export async function readMultipart(
  request: Request,
  { fileFields, maxFiles = 6, allowed = UPLOAD_TYPES, maxBytes = maxUploadBytes() }: { fileFields: readonly string[]; maxFiles?: number; allowed?: readonly UploadType[]; maxBytes?: number },
): Promise<{ fields: FormData; files: ReceivedFile[] }> {
  const contentType = request.headers.get('Content-Type') ?? ''
  if (!contentType.startsWith('multipart/form-data')) throw new UploadError('not_multipart')
  // a body that cannot fit is refused before it is read
  const declared = Number(request.headers.get('Content-Length') ?? 0)
  if (declared > maxBytes * maxFiles + MAX_FIELD_BYTES * 4) throw new UploadError('too_large', fileFields[0])
  const files: ReceivedFile[] = []
  const handler: UploadHandler = async ({ name, filename, data }) => {
    const isFile = typeof filename === 'string'
    const limit = isFile ? maxBytes : MAX_FIELD_BYTES
    const chunks: Uint8Array[] = []
    let size = 0
    for await (const chunk of data) {
      size += chunk.byteLength
      if (size > limit) throw new UploadError(isFile ? 'too_large' : 'not_multipart', name)
      chunks.push(chunk)
    }
    if (!isFile) return Buffer.concat(chunks).toString('utf8')
    // an empty file input is sent as a part without a name and without bytes
    if (!filename && size === 0) return undefined
    if (!fileFields.includes(name)) return undefined
    if (size === 0) throw new UploadError('empty', name)
    if (files.length >= maxFiles) throw new UploadError('too_many', name)
    const bytes = Buffer.concat(chunks)
    const type = sniffType(bytes)
    if (!type || !allowed.includes(type)) throw new UploadError('wrong_type', name)
    files.push({ field: name, name: cleanFileName(filename ?? '', type), bytes, type })
    return undefined
  }
  try {
    const fields = await unstable_parseMultipartFormData(request, handler)
    return { fields, files }
  } catch (error) {
    if (error instanceof UploadError) throw error
    if (error instanceof TypeError) throw new UploadError('not_multipart')
    throw error
  }
}

/** A file name that is safe to show and to send back in Content-Disposition. */
export function cleanFileName(name: string, type: UploadType) {
  const base = name
    .split(/[/\\]/)
    .pop()!
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f"<>|:*?]/g, '')
    .trim()
    .slice(0, 120)
  const stem = base.replace(/\.[^.]*$/, '') || 'file'
  return `${stem}.${EXTENSIONS[type]}`
}

const ID_PATTERN = /^[a-f0-9]{32}$/

function uploadsDir() {
  return path.resolve(getEnv().DATA_DIR, 'uploads')
}

function uploadPath(id: string) {
  if (!ID_PATTERN.test(id)) throw new Error('not an upload id')
  return path.join(uploadsDir(), id)
}

export type StoredFile = { id: string; name: string; type: UploadType; size: number }

/** Writes a checked file under a new random id; written to a temporary name first, so a crash leaves no half file under a real id. */
export async function storeUpload(file: ReceivedFile): Promise<StoredFile> {
  const id = crypto.randomBytes(16).toString('hex')
  const target = uploadPath(id)
  await fs.promises.mkdir(path.dirname(target), { recursive: true })
  const temporary = `${target}.part`
  await fs.promises.writeFile(temporary, file.bytes, { mode: 0o600 })
  await fs.promises.rename(temporary, target)
  return { id, name: file.name, type: file.type, size: file.bytes.length }
}

/** Stores several files, all or none. */
export async function storeUploads(files: ReceivedFile[]) {
  const stored: StoredFile[] = []
  try {
    for (const file of files) stored.push(await storeUpload(file))
    return stored
  } catch (error) {
    await deleteUploads(stored.map((file) => file.id))
    throw error
  }
}

export async function deleteUploads(ids: string[]) {
  await Promise.all(ids.map((id) => fs.promises.rm(uploadPath(id), { force: true })))
}

export function uploadExists(id: string) {
  return ID_PATTERN.test(id) && fs.existsSync(uploadPath(id))
}

/**
 * The response for an authorised download. Images open inline (previews), PDFs download; the
 * stored type is the one sniffed at upload, and nosniff stops the browser from guessing another.
 */
export function serveUpload(file: { id: string; name: string; type: string; size?: number }, { download = false }: { download?: boolean } = {}) {
  if (!uploadExists(file.id)) throw new Response('Not found', { status: 404 })
  const inline = !download && IMAGE_TYPES.includes(file.type as UploadType)
  const asciiName = file.name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '')
  const disposition = `${inline ? 'inline' : 'attachment'}; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(file.name)}`
  const stream = Readable.toWeb(fs.createReadStream(uploadPath(file.id))) as ReadableStream<Uint8Array>
  return new Response(stream, {
    headers: {
      'Content-Type': file.type,
      'Content-Disposition': disposition,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
      'Content-Security-Policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
      ...(file.size ? { 'Content-Length': String(file.size) } : {}),
    },
  })
}
