import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import http from 'node:http'
import path from 'node:path'
import sharp from 'sharp'
import { v2 as cloudinary } from 'cloudinary'
import { getEnv } from './env.server'

/**
 * One image service for the platform. With CLOUDINARY_URL the files go to Cloudinary (signed
 * upload through the official SDK, transformations in the delivery URL); without it they stay in a
 * local folder (`${DATA_DIR}/images`, never under public/) with WebP variants made by sharp and
 * served by the `/images/:file` resource route. Either way the caller gets an id and asks for URLs.
 *
 * Local ids are content hashes (32 hex digits); Cloudinary ids are public ids with folders, so an
 * id says where it lives and images stored before a switch keep working.
 */

export const VARIANT_WIDTHS = [320, 640, 1280] as const
export const IMAGE_TYPES = ['jpeg', 'png', 'webp', 'avif'] as const
export type ImageType = (typeof IMAGE_TYPES)[number]
export type DocumentType = 'pdf'

export type ImageOwner = { type: string; id: string }
export type StoredImage = { id: string; width: number; height: number; format: string; bytes: number; provider: 'local' | 'cloudinary' }
export type StoredDocument = { id: string; bytes: number; format: DocumentType; provider: 'local' | 'cloudinary' }

export class UploadError extends Error {
  constructor(
    readonly code: 'too_large' | 'wrong_type' | 'unreadable' | 'empty',
    message = code,
  ) {
    super(message)
  }
}

/** Decompression bombs: a small file can claim a gigantic canvas. 40 megapixels covers any camera photo worth selling with. */
const MAX_INPUT_PIXELS = 40_000_000
sharp.cache(false)

/** The real type of a file, read from its first bytes — the name and the browser's claim are not trusted. */
export function detectFileType(buffer: Uint8Array): ImageType | DocumentType | null {
  const b = buffer
  const ascii = (start: number, text: string) => text.split('').every((char, index) => b[start + index] === char.charCodeAt(0))
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg'
  if (b.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((byte, index) => b[index] === byte)) return 'png'
  if (b.length >= 12 && ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp'
  if (b.length >= 12 && ascii(4, 'ftyp') && (ascii(8, 'avif') || ascii(8, 'avis'))) return 'avif'
  if (b.length >= 5 && ascii(0, '%PDF-')) return 'pdf'
  return null
}

export function isImageType(type: string | null): type is ImageType {
  return (IMAGE_TYPES as readonly string[]).includes(type ?? '')
}

export function maxUploadBytes() {
  return Math.round(getEnv().UPLOAD_MAX_MB * 1024 * 1024)
}

/**
 * Checks size and real type, then re-encodes: the stored original is upright (EXIF orientation
 * applied) and carries no metadata at all — no GPS position, no camera serial.
 */
export async function cleanImage(input: Uint8Array, maxBytes = maxUploadBytes()) {
  if (input.byteLength === 0) throw new UploadError('empty')
  if (input.byteLength > maxBytes) throw new UploadError('too_large')
  const type = detectFileType(input)
  if (!isImageType(type)) throw new UploadError('wrong_type')
  try {
    const pipeline = sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).autoOrient()
    const encoded =
      type === 'jpeg' ? pipeline.jpeg({ quality: 88 }) : type === 'png' ? pipeline.png({ compressionLevel: 6 }) : pipeline.webp({ quality: 88 })
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true })
    return { buffer: data, width: info.width, height: info.height, format: info.format === 'jpeg' ? 'jpg' : info.format }
  } catch {
    throw new UploadError('unreadable')
  }
}

export function cleanDocument(input: Uint8Array, maxBytes = maxUploadBytes()) {
  if (input.byteLength === 0) throw new UploadError('empty')
  if (input.byteLength > maxBytes) throw new UploadError('too_large')
  if (detectFileType(input) !== 'pdf') throw new UploadError('wrong_type')
  return Buffer.from(input)
}

const contentHash = (buffer: Uint8Array) => crypto.createHash('sha256').update(buffer).digest('hex').slice(0, 32)
const LOCAL_ID = /^[a-f0-9]{32}$/
const LOCAL_DOC_ID = /^[a-f0-9]{32}\.pdf$/

export type ImageUrlOptions = { width?: number; height?: number; crop?: 'limit' | 'fill' }

export type ImageService = {
  provider: 'local' | 'cloudinary'
  storeImage(buffer: Uint8Array, options: { owner: ImageOwner; alt?: string }): Promise<StoredImage>
  storeDocument(buffer: Uint8Array, options: { owner: ImageOwner; name?: string }): Promise<StoredDocument>
  imageUrl(id: string, options?: ImageUrlOptions): string
  /** `srcset` for a responsive <img>; `width` is the stored image's own width (no variant claims to be larger). */
  srcSet(id: string, options?: { width?: number; crop?: 'limit' | 'fill'; aspect?: number }): string
  documentUrl(id: string): string
}

/* ───────────────────────────── local store ───────────────────────────── */

export function localImagePaths(dataDir: string) {
  const root = path.resolve(dataDir, 'images')
  return { root, originals: path.join(root, 'originals'), variants: path.join(root, 'variants'), documents: path.join(root, 'documents') }
}

/** Writes a file under a name nobody else can take: a temporary file, then a hard link that fails if the name exists. */
async function writeOnce(file: string, data: Uint8Array) {
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`
  await fs.writeFile(temporary, data)
  try {
    await fs.link(temporary, file)
  } catch (error) {
    // the same content under the same hash is already there: nothing to overwrite
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  } finally {
    await fs.unlink(temporary).catch(() => undefined)
  }
}

function pickVariant(width: number | undefined) {
  return VARIANT_WIDTHS.find((variant) => variant >= (width ?? 640)) ?? VARIANT_WIDTHS[VARIANT_WIDTHS.length - 1]
}

function variantEntries(width: number | undefined) {
  const own = width && width > 0 ? width : Infinity
  const entries: { variant: number; descriptor: number }[] = []
  for (const variant of VARIANT_WIDTHS) {
    if (variant <= own) entries.push({ variant, descriptor: variant })
    else {
      // the image is narrower than this variant: the variant holds it at its own size
      if (own !== Infinity) entries.push({ variant, descriptor: own })
      break
    }
  }
  return entries
}

export function createLocalImageService(dataDir: string): ImageService {
  const dirs = localImagePaths(dataDir)
  let ready: Promise<unknown> | undefined
  const ensureDirs = () => (ready ??= Promise.all([dirs.originals, dirs.variants, dirs.documents].map((dir) => fs.mkdir(dir, { recursive: true }))))

  return {
    provider: 'local',
    async storeImage(input) {
      const clean = await cleanImage(input)
      await ensureDirs()
      const id = contentHash(clean.buffer)
      await writeOnce(path.join(dirs.originals, `${id}.${clean.format}`), clean.buffer)
      // decoded once, the three sizes cut from the same pixels; effort 2 halves the encoding time
      // (measured: 60 → 28 ms a variant on this machine) for files a few percent larger
      const decoded = sharp(clean.buffer, { limitInputPixels: MAX_INPUT_PIXELS })
      const variants = await Promise.all(VARIANT_WIDTHS.map((width) => decoded.clone().resize({ width, withoutEnlargement: true }).webp({ quality: 80, effort: 2 }).toBuffer()))
      await Promise.all(variants.map((variant, index) => writeOnce(path.join(dirs.variants, `${id}-${VARIANT_WIDTHS[index]}.webp`), variant)))
      return { id, width: clean.width, height: clean.height, format: clean.format, bytes: clean.buffer.byteLength, provider: 'local' }
    },
    async storeDocument(input) {
      const clean = cleanDocument(input)
      await ensureDirs()
      const id = `${contentHash(clean)}.pdf`
      await writeOnce(path.join(dirs.documents, id), clean)
      return { id, bytes: clean.byteLength, format: 'pdf', provider: 'local' }
    },
    imageUrl(id, options = {}) {
      // a Cloudinary id cannot be drawn without Cloudinary's configuration
      if (!LOCAL_ID.test(id)) return ''
      return `/images/${id}-${pickVariant(options.width)}.webp`
    },
    srcSet(id, options = {}) {
      if (!LOCAL_ID.test(id)) return ''
      return variantEntries(options.width)
        .map(({ variant, descriptor }) => `/images/${id}-${variant}.webp ${descriptor}w`)
        .join(', ')
    },
    documentUrl(id) {
      return `/files/${id}`
    },
  }
}

/** A file name the `/images/:file` route may serve, with its content type; anything else is a 404. */
export function resolveLocalImageFile(dataDir: string, name: string) {
  const dirs = localImagePaths(dataDir)
  const variant = /^([a-f0-9]{32})-(320|640|1280)\.webp$/.exec(name)
  if (variant) return { file: path.join(dirs.variants, name), contentType: 'image/webp' }
  const original = /^([a-f0-9]{32})\.(jpg|png|webp)$/.exec(name)
  if (original) return { file: path.join(dirs.originals, name), contentType: original[2] === 'jpg' ? 'image/jpeg' : `image/${original[2]}` }
  return null
}

export function resolveLocalDocumentFile(dataDir: string, name: string) {
  if (!LOCAL_DOC_ID.test(name)) return null
  return { file: path.join(localImagePaths(dataDir).documents, name), contentType: 'application/pdf' }
}

/* ───────────────────────────── Cloudinary ───────────────────────────── */

export type CloudinaryConfig = {
  cloud_name: string
  api_key: string
  api_secret: string
  upload_prefix?: string
  secure_distribution?: string
  private_cdn?: boolean
}

/** cloudinary://<key>:<secret>@<cloud>[?upload_prefix=…] — the format the Cloudinary console gives. */
export function parseCloudinaryUrl(value: string): CloudinaryConfig {
  const url = new URL(value)
  if (url.protocol !== 'cloudinary:' || !url.hostname || !url.username || !url.password) {
    throw new Error('CLOUDINARY_URL must look like cloudinary://<api_key>:<api_secret>@<cloud_name>')
  }
  const config: CloudinaryConfig = {
    cloud_name: url.hostname,
    api_key: decodeURIComponent(url.username),
    api_secret: decodeURIComponent(url.password),
  }
  if (url.pathname && url.pathname !== '/') {
    config.private_cdn = true
    config.secure_distribution = url.pathname.slice(1)
  }
  const prefix = url.searchParams.get('upload_prefix')
  if (prefix) config.upload_prefix = prefix
  return config
}

const folderFor = (owner: ImageOwner) => `abad/${owner.type.replace(/[^a-z0-9_-]/gi, '').toLowerCase()}/${owner.id.replace(/[^a-z0-9_-]/gi, '')}`

function deliveryOptions(config: CloudinaryConfig) {
  return {
    cloud_name: config.cloud_name,
    secure: true,
    private_cdn: config.private_cdn,
    secure_distribution: config.secure_distribution,
    urlAnalytics: false,
  }
}

export function createCloudinaryImageService(config: CloudinaryConfig, { local }: { local?: ImageService } = {}): ImageService {
  // the SDK picks http or https once, when it is loaded; an http upload_prefix (a local
  // Cloudinary-compatible endpoint) needs an http agent to be reachable at all
  const agent = config.upload_prefix?.startsWith('http:') ? new http.Agent({ keepAlive: false }) : undefined
  const uploadOptions = {
    cloud_name: config.cloud_name,
    api_key: config.api_key,
    api_secret: config.api_secret,
    upload_prefix: config.upload_prefix,
    ...(agent ? { agent } : {}),
  }

  function upload(buffer: Uint8Array, options: Record<string, unknown>) {
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const stream = cloudinary.uploader.upload_stream({ ...uploadOptions, ...options }, (error, result) => {
        if (error || !result) reject(new Error(`Cloudinary upload failed: ${error?.message ?? 'no result'}`))
        else resolve(result as unknown as Record<string, unknown>)
      })
      stream.end(Buffer.from(buffer))
    })
  }

  const transformation = (options: ImageUrlOptions) => [
    {
      width: options.width ?? 640,
      ...(options.height ? { height: options.height } : {}),
      crop: options.crop ?? 'limit',
      ...(options.crop === 'fill' ? { gravity: 'auto' } : {}),
      fetch_format: 'auto',
      quality: 'auto',
    },
  ]

  const service: ImageService = {
    provider: 'cloudinary',
    async storeImage(input, { owner, alt }) {
      const clean = await cleanImage(input)
      const result = await upload(clean.buffer, {
        resource_type: 'image',
        public_id: `${folderFor(owner)}/${contentHash(clean.buffer)}`,
        overwrite: false,
        tags: [`owner-${owner.type.toLowerCase()}`],
        ...(alt ? { context: { alt } } : {}),
      })
      return {
        id: String(result.public_id),
        width: Number(result.width ?? clean.width),
        height: Number(result.height ?? clean.height),
        format: String(result.format ?? clean.format),
        bytes: Number(result.bytes ?? clean.buffer.byteLength),
        provider: 'cloudinary',
      }
    },
    async storeDocument(input, { owner }) {
      const clean = cleanDocument(input)
      const result = await upload(clean, {
        resource_type: 'raw',
        public_id: `${folderFor(owner)}/${contentHash(clean)}.pdf`,
        overwrite: false,
      })
      return { id: String(result.public_id), bytes: Number(result.bytes ?? clean.byteLength), format: 'pdf', provider: 'cloudinary' }
    },
    imageUrl(id, options = {}) {
      if (LOCAL_ID.test(id) && local) return local.imageUrl(id, options)
      return cloudinary.url(id, { ...deliveryOptions(config), transformation: transformation(options) })
    },
    srcSet(id, options = {}) {
      if (LOCAL_ID.test(id) && local) return local.srcSet(id, options)
      return variantEntries(options.width)
        .map(({ variant, descriptor }) => {
          const height = options.aspect ? Math.round(variant * options.aspect) : undefined
          return `${service.imageUrl(id, { width: variant, height, crop: options.crop })} ${descriptor}w`
        })
        .join(', ')
    },
    documentUrl(id) {
      if (LOCAL_DOC_ID.test(id) && local) return local.documentUrl(id)
      return cloudinary.url(id, { ...deliveryOptions(config), resource_type: 'raw' })
    },
  }
  return service
}

/* ───────────────────────────── the app's service ───────────────────────────── */

let service: ImageService | undefined

/** The service the configuration asks for (Cloudinary with CLOUDINARY_URL, otherwise the local folder). */
export function getImageService(): ImageService {
  if (service) return service
  const env = getEnv()
  const local = createLocalImageService(env.DATA_DIR)
  service = env.CLOUDINARY_URL ? createCloudinaryImageService(parseCloudinaryUrl(env.CLOUDINARY_URL), { local }) : local
  return service
}

export function storeImage(buffer: Uint8Array, options: { owner: ImageOwner; alt?: string }) {
  return getImageService().storeImage(buffer, options)
}

export function storeDocument(buffer: Uint8Array, options: { owner: ImageOwner; name?: string }) {
  return getImageService().storeDocument(buffer, options)
}

export function imageUrl(id: string, options?: ImageUrlOptions) {
  return getImageService().imageUrl(id, options)
}

export function srcSet(id: string, options?: { width?: number; crop?: 'limit' | 'fill'; aspect?: number }) {
  return getImageService().srcSet(id, options)
}

export function documentUrl(id: string) {
  return getImageService().documentUrl(id)
}
