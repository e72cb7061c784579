import { describe, expect, it } from 'vitest'
import { makeActiveFamily, makeTrainingCourse } from '#tests/factories/training'
import { addMonths, certificateStanding, hasValidCertificate, issueCertificate, newCertificateCode, revokeCertificate, verifyCertificate } from './certificate.server'

describe('certificates', () => {
  it('draws readable unique codes', () => {
    const codes = new Set(Array.from({ length: 500 }, () => newCertificateCode()))
    expect(codes.size).toBe(500)
    for (const code of codes) expect(code).toMatch(/^ABAD-CERT-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/)
  })

  it('is valid until its expiry, then expired; the factory check follows it', async () => {
    const course = await makeTrainingCourse({ certificateValidityMonths: 12 })
    const { family, holder } = await makeActiveFamily({ name: 'Abbasovlar' })
    const issuedAt = new Date('2026-01-31T10:00:00Z')
    const cert = await issueCertificate({ holder, courseId: course._id, issuedAt }, { _id: family._id, name: 'Nigar Quliyeva' })
    expect(new Date(cert.expiresAt!).toISOString()).toBe('2027-01-31T10:00:00.000Z')
    expect(cert).toMatchObject({ holderName: 'Abbasovlar', issuerName: 'Nigar Quliyeva' })
    expect(await hasValidCertificate(holder, course._id, new Date('2026-06-01'))).toBe(true)
    expect(await hasValidCertificate(holder, course._id, new Date('2027-02-01'))).toBe(false)
    expect(await hasValidCertificate(holder, course._id, new Date('2025-12-01'))).toBe(false)
    expect(await certificateStanding(holder, course._id, new Date('2027-02-01'))).toMatchObject({ status: 'expired' })
    expect(await verifyCertificate(cert.code, new Date('2026-06-01'))).toMatchObject({ status: 'valid', holderName: 'Abbasovlar', courseTitle: { en: course.title.en } })
    expect(await verifyCertificate(cert.code.toLowerCase(), new Date('2027-02-01'))).toMatchObject({ status: 'expired' })
    // month arithmetic keeps the end of a short month
    expect(addMonths(new Date('2026-01-31T00:00:00Z'), 1).toISOString()).toBe('2026-02-28T00:00:00.000Z')
  })

  it('never expires with a validity of 0 months', async () => {
    const course = await makeTrainingCourse({ certificateValidityMonths: 0 })
    const { holder } = await makeActiveFamily()
    const cert = await issueCertificate({ holder, courseId: course._id }, null)
    expect(cert.expiresAt).toBeNull()
    expect(await hasValidCertificate(holder, course._id, new Date('2099-01-01'))).toBe(true)
  })

  it('staff revoke with a reason; verification says revoked; unknown codes are not found', async () => {
    const course = await makeTrainingCourse()
    const { holder } = await makeActiveFamily()
    const cert = await issueCertificate({ holder, courseId: course._id }, null)
    expect(await revokeCertificate(cert.code, '  ', null)).toMatchObject({ ok: false, reason: 'reason_required' })
    expect(await revokeCertificate(cert.code, 'Issued in error', null)).toMatchObject({ ok: true })
    expect(await revokeCertificate(cert.code, 'Again', null)).toMatchObject({ ok: false, reason: 'already_revoked' })
    expect(await verifyCertificate(cert.code)).toMatchObject({ status: 'revoked' })
    expect(await hasValidCertificate(holder, course._id)).toBe(false)
    expect(await verifyCertificate('ABAD-CERT-XXXX-0000')).toEqual({ status: 'not_found' })
    expect(await verifyCertificate('<script>')).toEqual({ status: 'not_found' })
    expect(await revokeCertificate('ABAD-CERT-XXXX-0000', 'x', null)).toMatchObject({ ok: false, reason: 'not_found' })
  })

  it('issues one certificate per enrolment, however often it is asked', async () => {
    const course = await makeTrainingCourse()
    const { holder } = await makeActiveFamily()
    const enrolmentId = new (await import('mongoose')).Types.ObjectId()
    const certs = await Promise.all(Array.from({ length: 4 }, () => issueCertificate({ holder, courseId: course._id, enrolmentId }, null)))
    expect(new Set(certs.map((c) => c.code)).size).toBe(1)
  })
})
