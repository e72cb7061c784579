import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { v2 as cloudinary } from 'cloudinary'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { loader as imageRoute } from '#app/routes/images.$file'
import { parseEnv } from './env.server'
import {
  UploadError,
  cleanImage,
  createCloudinaryImageService,
  createLocalImageService,
  detectFileType,
  localImagePaths,
  parseCloudinaryUrl,
  storeImage,
} from './images.server'

const GPS_TAG = [Buffer.from([0x88, 0x25]), Buffer.from([0x25, 0x88])]
const hasGps = (exif: Buffer | undefined) => Boolean(exif && GPS_TAG.some((tag) => exif.includes(tag)))

/** A phone photo: landscape pixels, "rotate 90°" in EXIF, and the place it was taken. */
function phonePhoto(width = 2000, height = 1000) {
  return sharp({ create: { width, height, channels: 3, background: '#b5452f' } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExifMerge({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '40/1 24/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '49/1 52/1 0/1' } })
    .toBuffer()
}

const png = (width: number, colour: string) => sharp({ create: { width, height: width, channels: 4, background: colour } }).png().toBuffer()

let dataDir: string
beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'abad-images-'))
})
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

describe('upload checks', () => {
  test('the type comes from the bytes, not the name', async () => {
    expect(detectFileType(await phonePhoto(40, 20))).toBe('jpeg')
    expect(detectFileType(await png(8, '#fff'))).toBe('png')
    expect(detectFileType(Buffer.from('%PDF-1.7\n...'))).toBe('pdf')
    expect(detectFileType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBeNull()
    expect(detectFileType(Buffer.from('GIF89a'))).toBeNull()
  })

  test('a text file called photo.jpg, an SVG and a PDF are not images', async () => {
    for (const bytes of [Buffer.from('just some text'), Buffer.from('<svg onload="alert(1)"/>'), Buffer.from('%PDF-1.4 x')]) {
      await expect(cleanImage(bytes)).rejects.toMatchObject({ code: 'wrong_type' })
    }
  })

  test('a 30 MB photo is refused before it is decoded', async () => {
    const big = Buffer.alloc(30 * 1024 * 1024)
    big.set([0xff, 0xd8, 0xff, 0xe0])
    const error = await cleanImage(big, 10 * 1024 * 1024).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UploadError)
    expect(error).toMatchObject({ code: 'too_large' })
  })

  test('a truncated JPEG and an empty file are refused', async () => {
    const photo = await phonePhoto(400, 300)
    await expect(cleanImage(photo.subarray(0, 200))).rejects.toMatchObject({ code: 'unreadable' })
    await expect(cleanImage(Buffer.alloc(0))).rejects.toMatchObject({ code: 'empty' })
  })

  test('the cleaned photo is upright and has no EXIF (no GPS position) left', async () => {
    const photo = await phonePhoto()
    expect(hasGps((await sharp(photo).metadata()).exif)).toBe(true)
    const clean = await cleanImage(photo)
    const meta = await sharp(clean.buffer).metadata()
    expect(meta.exif).toBeUndefined()
    expect(meta.orientation).toBeUndefined()
    expect([clean.width, clean.height]).toEqual([1000, 2000])
  })
})

describe('local store', () => {
  test('keeps a clean original outside public/ and three WebP variants under content-hashed names', async () => {
    const images = createLocalImageService(dataDir)
    const stored = await images.storeImage(await phonePhoto(), { owner: { type: 'Product', id: 'p1' } })
    expect(stored).toMatchObject({ provider: 'local', width: 1000, height: 2000, format: 'jpg' })
    expect(stored.id).toMatch(/^[a-f0-9]{32}$/)

    const dirs = localImagePaths(dataDir)
    const original = fs.readFileSync(path.join(dirs.originals, `${stored.id}.jpg`))
    expect((await sharp(original).metadata()).exif).toBeUndefined()
    expect(original.includes(Buffer.from('40/1'))).toBe(false)

    for (const [width, expected] of [
      [320, 320],
      [640, 640],
      [1280, 1000],
    ]) {
      const variant = await sharp(path.join(dirs.variants, `${stored.id}-${width}.webp`)).metadata()
      expect(variant.format).toBe('webp')
      // never enlarged: the 1280 variant of a 1000 px photo stays 1000 px
      expect(variant.width).toBe(expected)
      expect(variant.exif).toBeUndefined()
    }
    expect(images.imageUrl(stored.id, { width: 500 })).toBe(`/images/${stored.id}-640.webp`)
    expect(images.imageUrl(stored.id, { width: 2000 })).toBe(`/images/${stored.id}-1280.webp`)
    expect(images.srcSet(stored.id, { width: stored.width })).toBe(
      `/images/${stored.id}-320.webp 320w, /images/${stored.id}-640.webp 640w, /images/${stored.id}-1280.webp 1000w`,
    )
  })

  test('a second record never overwrites the first one’s image; the same bytes give the same name', async () => {
    const images = createLocalImageService(dataDir)
    const red = await images.storeImage(await png(300, '#c00'), { owner: { type: 'Product', id: 'a' } })
    const file = path.join(localImagePaths(dataDir).variants, `${red.id}-320.webp`)
    const before = fs.readFileSync(file)
    const blue = await images.storeImage(await png(300, '#00c'), { owner: { type: 'Product', id: 'b' } })
    const again = await images.storeImage(await png(300, '#c00'), { owner: { type: 'Product', id: 'c' } })
    expect(blue.id).not.toBe(red.id)
    expect(again.id).toBe(red.id)
    expect(fs.readFileSync(file).equals(before)).toBe(true)
    expect(fs.readdirSync(localImagePaths(dataDir).variants).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  test('twenty uploads at once all land', async () => {
    const images = createLocalImageService(dataDir)
    const colours = Array.from({ length: 20 }, (_, index) => `#${(index * 12).toString(16).padStart(2, '0')}3366`)
    const stored = await Promise.all(colours.map(async (colour) => images.storeImage(await png(64, colour), { owner: { type: 'Product', id: 'x' } })))
    expect(new Set(stored.map((image) => image.id)).size).toBe(20)
    for (const image of stored) expect(fs.existsSync(path.join(localImagePaths(dataDir).variants, `${image.id}-640.webp`))).toBe(true)
  })

  test('PDF artwork is kept as a document with its own URL', async () => {
    const images = createLocalImageService(dataDir)
    const document = await images.storeDocument(Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF'), { owner: { type: 'BrandingRequest', id: 'r1' } })
    expect(document.id).toMatch(/^[a-f0-9]{32}\.pdf$/)
    expect(images.documentUrl(document.id)).toBe(`/files/${document.id}`)
    await expect(images.storeDocument(Buffer.from('not a pdf'), { owner: { type: 'BrandingRequest', id: 'r1' } })).rejects.toMatchObject({ code: 'wrong_type' })
  })

  test('the /images route serves variants with a year of immutable caching and the right type', async () => {
    const stored = await storeImage(await png(200, '#396'), { owner: { type: 'Product', id: 'route' } })
    const response = await imageRoute({ params: { file: `${stored.id}-320.webp` }, request: new Request(`http://app.test/images/${stored.id}-320.webp`), context: { cspNonce: '' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('image/webp')
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable')
    expect((await sharp(Buffer.from(await response.arrayBuffer())).metadata()).width).toBe(200)

    const original = await imageRoute({ params: { file: `${stored.id}.png` }, request: new Request('http://app.test/'), context: { cspNonce: '' } })
    expect(original.headers.get('Content-Type')).toBe('image/png')

    const cached = await imageRoute({
      params: { file: `${stored.id}-320.webp` },
      request: new Request('http://app.test/', { headers: { 'If-None-Match': `"${stored.id}-320.webp"` } }),
      context: { cspNonce: '' },
    })
    expect(cached.status).toBe(304)

    for (const file of ['../../package.json', `${stored.id}-999.webp`, `${'0'.repeat(32)}-320.webp`, 'x.svg']) {
      const error = await Promise.resolve(imageRoute({ params: { file }, request: new Request('http://app.test/'), context: { cspNonce: '' } })).catch((e: unknown) => e)
      expect((error as Response).status).toBe(404)
    }
  })
})

describe('Cloudinary (at its HTTP boundary)', () => {
  type Received = { url: string; method: string; fields: Record<string, string>; file: Buffer | null }
  const received: Received[] = []
  let server: http.Server
  let prefix: string

  beforeAll(async () => {
    server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const form = await new Request('http://local/', { method: 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body: Buffer.concat(chunks) }).formData()
      const fields: Record<string, string> = {}
      let file: Buffer | null = null
      for (const [key, value] of form.entries()) {
        if (typeof value === 'string') fields[key] = value
        else file = Buffer.from(await value.arrayBuffer())
      }
      received.push({ url: req.url ?? '', method: req.method ?? '', fields, file })
      const meta = file && fields.public_id && !fields.public_id.endsWith('.pdf') ? await sharp(file).metadata() : null
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(
        JSON.stringify({
          public_id: fields.public_id,
          version: 1714000000,
          width: meta?.width,
          height: meta?.height,
          format: meta?.format ?? 'pdf',
          bytes: file?.byteLength ?? 0,
          resource_type: req.url?.includes('/raw/') ? 'raw' : 'image',
        }),
      )
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
    prefix = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const config = () => parseCloudinaryUrl(`cloudinary://123456789012345:s3cr3t-Value@demo-cloud?upload_prefix=${encodeURIComponent(prefix)}`)

  test('CLOUDINARY_URL is read as the console gives it', () => {
    expect(parseCloudinaryUrl('cloudinary://key:secret@my-cloud')).toEqual({ cloud_name: 'my-cloud', api_key: 'key', api_secret: 'secret' })
    expect(() => parseCloudinaryUrl('https://key:secret@my-cloud')).toThrow(/cloudinary:\/\//)
    // a malformed value stops the app at start-up, not at the first upload
    expect(() => parseEnv({ CLOUDINARY_URL: 'my-cloud:key:secret' })).toThrow(/CLOUDINARY_URL must look like/)
    expect(parseEnv({ CLOUDINARY_URL: '' }).CLOUDINARY_URL).toBe('')
  })

  test('an upload is one signed multipart POST with the cleaned photo, a per-owner public id and no overwrite', async () => {
    received.length = 0
    const images = createCloudinaryImageService(config())
    const stored = await images.storeImage(await phonePhoto(1200, 800), { owner: { type: 'Product', id: '665f1c2e9b1d4a0012345678' }, alt: 'Qoz mürəbbəsi' })

    expect(received).toHaveLength(1)
    const [request] = received
    expect(request.method).toBe('POST')
    expect(request.url).toBe('/v1_1/demo-cloud/image/upload')
    const { fields } = request
    expect(fields.api_key).toBe('123456789012345')
    expect(fields.public_id).toMatch(/^abad\/product\/665f1c2e9b1d4a0012345678\/[a-f0-9]{32}$/)
    // the SDK sends booleans as 0/1
    expect(fields.overwrite).toBe('0')
    expect(fields.context).toBe('alt=Qoz mürəbbəsi')
    expect(fields.tags).toBe('owner-product')
    expect(Math.abs(Number(fields.timestamp) - Date.now() / 1000)).toBeLessThan(60)
    expect(fields.api_secret).toBeUndefined()

    // the signature is Cloudinary's: every parameter but the file, the key and the signature itself
    const { signature, api_key: _key, ...signed } = fields
    expect(signature).toBe(cloudinary.utils.api_sign_request(signed, 's3cr3t-Value'))
    expect(signature).toMatch(/^[a-f0-9]{40}$/)

    // what went over the wire is the cleaned, upright photo without EXIF
    const sent = await sharp(request.file!).metadata()
    expect([sent.width, sent.height]).toEqual([800, 1200])
    expect(sent.exif).toBeUndefined()

    expect(stored).toEqual({ id: fields.public_id, width: 800, height: 1200, format: 'jpeg', bytes: request.file!.byteLength, provider: 'cloudinary' })
  })

  test('delivery URLs carry width, crop, f_auto and q_auto, with no analytics tag', () => {
    const images = createCloudinaryImageService(config())
    const id = 'abad/product/p1/0123456789abcdef0123456789abcdef'
    expect(images.imageUrl(id, { width: 640 })).toBe(`https://res.cloudinary.com/demo-cloud/image/upload/c_limit,f_auto,q_auto,w_640/v1/${id}`)
    expect(images.imageUrl(id, { width: 320, height: 320, crop: 'fill' })).toBe(
      `https://res.cloudinary.com/demo-cloud/image/upload/c_fill,f_auto,g_auto,h_320,q_auto,w_320/v1/${id}`,
    )
    expect(images.srcSet(id, { width: 900 }).split(', ')).toEqual([
      `https://res.cloudinary.com/demo-cloud/image/upload/c_limit,f_auto,q_auto,w_320/v1/${id} 320w`,
      `https://res.cloudinary.com/demo-cloud/image/upload/c_limit,f_auto,q_auto,w_640/v1/${id} 640w`,
      `https://res.cloudinary.com/demo-cloud/image/upload/c_limit,f_auto,q_auto,w_1280/v1/${id} 900w`,
    ])
  })

  test('images stored locally before the switch to Cloudinary keep their local URLs', () => {
    const images = createCloudinaryImageService(config(), { local: createLocalImageService(dataDir) })
    const localId = 'a'.repeat(32)
    expect(images.imageUrl(localId, { width: 320 })).toBe(`/images/${localId}-320.webp`)
  })

  test('PDF artwork goes up as a raw file and a wrong type never leaves the machine', async () => {
    received.length = 0
    const images = createCloudinaryImageService(config())
    const document = await images.storeDocument(Buffer.from('%PDF-1.4\n%%EOF'), { owner: { type: 'BrandingRequest', id: 'r9' } })
    expect(received[0].url).toBe('/v1_1/demo-cloud/raw/upload')
    expect(document.id).toMatch(/^abad\/brandingrequest\/r9\/[a-f0-9]{32}\.pdf$/)
    expect(images.documentUrl(document.id)).toBe(`https://res.cloudinary.com/demo-cloud/raw/upload/v1/${document.id}`)

    await expect(images.storeImage(Buffer.from('<svg/>'), { owner: { type: 'Product', id: 'x' } })).rejects.toMatchObject({ code: 'wrong_type' })
    expect(received).toHaveLength(1)
  })
})
