import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { sampleImage, samplePdf } from '#tests/factories/applications'
import { getEnv } from './env.server'
import { cleanFileName, deleteUploads, readMultipart, serveUpload, sniffType, storeUploads, uploadExists, UploadError } from './uploads.server'

function multipart(files: { field?: string; name: string; type: string; bytes: Buffer }[], fields: Record<string, string> = {}) {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  for (const file of files) form.append(file.field ?? 'file', new File([new Uint8Array(file.bytes)], file.name, { type: file.type }))
  return new Request('http://localhost/upload', { method: 'POST', body: form })
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    if (error instanceof UploadError) return { code: error.code, status: error.status, field: error.field }
    throw error
  }
  throw new Error('expected a refusal')
}

describe('uploads', () => {
  it('knows a file by its first bytes, not by its name or claimed type', async () => {
    expect(sniffType(await sampleImage('x'))).toBe('image/jpeg')
    expect(sniffType(samplePdf())).toBe('application/pdf')
    expect(sniffType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toBe('image/png')
    expect(sniffType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp')
    expect(sniffType(Buffer.from('GIF89a……'))).toBeNull()
    expect(sniffType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))).toBeNull()
    expect(sniffType(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBeNull()
    expect(sniffType(Buffer.alloc(0))).toBeNull()
  })

  it('keeps a safe display name with the extension of the real type', () => {
    expect(cleanFileName('C:\\Users\\me\\Şəkil "1".jpeg', 'image/jpeg')).toBe('Şəkil 1.jpg')
    expect(cleanFileName('../../etc/passwd', 'application/pdf')).toBe('passwd.pdf')
    expect(cleanFileName('', 'image/png')).toBe('file.png')
  })

  it('reads fields and checked files, and refuses a wrong type or an oversize file before anything is stored', async () => {
    const jpeg = await sampleImage('ok')
    const { fields, files } = await readMultipart(multipart([{ name: 'a.jpg', type: 'image/jpeg', bytes: jpeg }], { intent: 'upload', body: 'Salam' }), { fileFields: ['file'] })
    expect(fields.get('intent')).toBe('upload')
    expect(fields.get('body')).toBe('Salam')
    expect(files.map((f) => [f.name, f.type, f.bytes.length])).toEqual([['a.jpg', 'image/jpeg', jpeg.length]])
    expect(await refusal(readMultipart(multipart([{ name: 'a.jpg', type: 'image/jpeg', bytes: Buffer.from('not really') }]), { fileFields: ['file'] }))).toEqual({
      code: 'wrong_type',
      status: 400,
      field: 'file',
    })
    expect(await refusal(readMultipart(multipart([{ name: 'a.pdf', type: 'application/pdf', bytes: samplePdf() }]), { fileFields: ['file'], allowed: ['image/jpeg'] }))).toMatchObject({ code: 'wrong_type' })
    const big = Buffer.concat([jpeg, Buffer.alloc(2048)])
    expect(await refusal(readMultipart(multipart([{ name: 'big.jpg', type: 'image/jpeg', bytes: big }]), { fileFields: ['file'], maxBytes: 1024 }))).toEqual({ code: 'too_large', status: 413, field: 'file' })
    expect(await refusal(readMultipart(multipart([1, 2, 3].map((n) => ({ name: `${n}.jpg`, type: 'image/jpeg', bytes: jpeg }))), { fileFields: ['file'], maxFiles: 2 }))).toMatchObject({ code: 'too_many' })
    expect(await refusal(readMultipart(new Request('http://localhost/upload', { method: 'POST', body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }), { fileFields: ['file'] }))).toMatchObject({ code: 'not_multipart' })
    // a declared body far beyond the limits is refused without reading it
    const huge = new Request('http://localhost/upload', { method: 'POST', body: 'x', headers: { 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(500 * 1024 * 1024) } })
    expect(await refusal(readMultipart(huge, { fileFields: ['file'] }))).toMatchObject({ code: 'too_large', status: 413 })
  })

  it('stores privately under the data folder and serves with the sniffed type, nosniff and a disposition', async () => {
    const { files } = await readMultipart(multipart([{ name: 'doc.pdf', type: 'application/pdf', bytes: samplePdf() }]), { fileFields: ['file'] })
    const [stored] = await storeUploads(files)
    const file = path.resolve(getEnv().DATA_DIR, 'uploads', stored.id)
    expect(fs.existsSync(file)).toBe(true)
    expect(path.relative(path.resolve('public'), file).startsWith('..')).toBe(true)
    expect(fs.statSync(file).mode & 0o077).toBe(0)
    const response = serveUpload(stored)
    expect(response.headers.get('Content-Type')).toBe('application/pdf')
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(response.headers.get('Content-Disposition')).toBe(`attachment; filename="doc.pdf"; filename*=UTF-8''doc.pdf`)
    expect(Buffer.from(await response.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-')
    await deleteUploads([stored.id])
    expect(uploadExists(stored.id)).toBe(false)
    expect(uploadExists('../../package.json')).toBe(false)
    expect(() => serveUpload({ id: stored.id, name: 'x', type: 'application/pdf' })).toThrow()
  })
})
