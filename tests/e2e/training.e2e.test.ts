import { describe, expect, it } from 'vitest'
import { makeT } from '#app/utils/i18n'
import { dayKeyOf, wallTime } from '#app/utils/zoned-time'
import { SECOND_DEMO_FAMILY_EMAIL } from '#scripts/seed/training'
import { browsersPerTest, loginAs, loginAsRole, type Page } from './browser'

const az = makeT('az')

const browser = browsersPerTest()

/** A field by the start of its label (kit labels go on with a required mark). */
const label = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`)

async function hydrated(page: Page) {
  await page.locator('.site-header.has-js').waitFor()
}

const pad = (n: number) => String(n).padStart(2, '0')

/** A session starting in about 20 minutes, on Baku's wall clock (where the online classroom is). */
function sessionTimes() {
  const start = new Date(Date.now() + 20 * 60_000)
  const w = wallTime(start, 'Asia/Baku')
  const day = dayKeyOf(start, 'Asia/Baku')
  const startMinutes = w.hour * 60 + w.minute
  const endMinutes = Math.min(startMinutes + 60, 23 * 60 + 59)
  return { day, starts: `${pad(w.hour)}:${pad(w.minute)}`, ends: `${pad(Math.floor(endMinutes / 60))}:${pad(endMinutes % 60)}` }
}

async function confirm(page: Page, name: string) {
  await page.getByRole('button', { name }).first().click()
  await page.getByRole('dialog').getByRole('button', { name }).click()
}

describe('training in the browser', () => {
  it('enrol, fill up, waitlist, cancel and promote, attendance on a phone, certificate and public verification', async () => {
    // staff open a one-session run with a single place, starting shortly
    const admin = await browser()
    await loginAsRole(admin.page, 'admin')
    await admin.page.goto('/admin/training')
    await hydrated(admin.page)
    await admin.page.getByLabel(label(az('training.admin.course'))).first().selectOption({ label: 'Gigiyena: qısa təkrar kursu (HYGIENE-REFRESH)' })
    await admin.page.getByLabel(label(az('training.admin.place'))).selectOption({ label: 'Onlayn sinif' })
    await admin.page.getByLabel(label(az('training.admin.capacity'))).fill('1')
    await admin.page.getByLabel(label(az('training.admin.cutoff'))).fill('0')
    await Promise.all([admin.page.waitForURL(/\/admin\/training\/runs\/\w+$/), admin.page.getByRole('button', { name: az('training.admin.createRun') }).click()])
    const runId = new URL(admin.page.url()).pathname.split('/').pop()!
    const times = sessionTimes()
    const addSession = admin.page.getByTestId('add-session')
    await addSession.getByLabel(label(az('training.admin.day'))).fill(times.day)
    await addSession.getByLabel(label(az('training.admin.starts'))).fill(times.starts)
    await addSession.getByLabel(label(az('training.admin.ends'))).fill(times.ends)
    await addSession.getByRole('button', { name: az('training.admin.addSessionSubmit') }).click()
    await expect.poll(() => admin.page.getByRole('status').first().textContent()).toContain(az('training.admin.sessionAdded'))

    // the first family takes the only place
    const first = await browser()
    await loginAs(first.page, 'family@demo.abad.az')
    await first.page.goto('/family/training')
    await expect.poll(() => first.page.getByTestId(`run-${runId}`).isVisible()).toBe(true)
    await first.page.goto(`/family/training/${runId}`)
    await hydrated(first.page)
    await first.page.getByRole('button', { name: az('training.run.enrol') }).click()
    await expect.poll(() => first.page.getByTestId('enrolment-state').textContent()).toContain(az('status.enrolled'))

    // the second family finds it full and is offered the waitlist
    const second = await browser()
    await loginAs(second.page, SECOND_DEMO_FAMILY_EMAIL)
    await second.page.goto(`/family/training/${runId}`)
    await hydrated(second.page)
    await second.page.getByRole('button', { name: az('training.run.enrol') }).click()
    await second.page.getByText(az('booking.reason.capacity_full')).waitFor()
    await second.page.getByRole('button', { name: az('training.run.joinWaitlist') }).click()
    await expect.poll(() => second.page.getByTestId('enrolment-state').textContent()).toContain(az('status.waitlisted'))

    // the first family cancels: the second is promoted and mailed
    await confirm(first.page, az('training.run.cancel'))
    await expect.poll(() => first.page.getByRole('status').first().textContent()).toContain(az('training.toast.cancelled'))
    await second.page.reload()
    await expect.poll(() => second.page.getByTestId('enrolment-state').textContent()).toContain(az('status.enrolled'))
    await admin.page.goto(`/admin/outbox?to=${encodeURIComponent(SECOND_DEMO_FAMILY_EMAIL)}`)
    await expect.poll(() => admin.page.locator('main').textContent()).toContain('training.promoted')

    // the trainer marks attendance and the result on a phone
    const trainer = await browser({ phone: true })
    await loginAsRole(trainer.page, 'trainer')
    await trainer.page.goto('/trainer')
    await hydrated(trainer.page)
    const sessionLink = trainer.page.getByTestId('trainer-sessions').getByRole('link', { name: /Gigiyena: qısa təkrar kursu/ }).first()
    await Promise.all([trainer.page.waitForURL(/\/trainer\/sessions\/\w+$/), sessionLink.click()])
    const width = await trainer.page.evaluate(() => document.documentElement.scrollWidth)
    expect(width, 'the sheet fits a 360 px screen').toBeLessThanOrEqual(360)
    // one place, so one participant: the promoted family
    const row = trainer.page.getByTestId('attendance-sheet').getByRole('group').first()
    const participant = (await row.locator('legend strong').textContent())!.trim()
    await row.getByLabel(az('attendance.present')).check()
    await trainer.page.getByRole('button', { name: az('training.sheet.save') }).click()
    await expect.poll(() => trainer.page.getByRole('status').first().textContent()).toContain(az('training.sheet.saved'))
    const result = trainer.page.getByTestId('results-form').getByRole('group', { name: participant })
    await result.getByLabel(az('training.sheet.pass')).check()
    await result.getByLabel(az('training.sheet.note')).fill('Əla iş')
    await trainer.page.getByRole('button', { name: az('training.sheet.saveResults') }).click()
    await expect.poll(() => trainer.page.getByRole('status').first().textContent()).toContain(az('training.sheet.resultsSaved'))

    // the family has its certificate; the public page says it is valid
    await second.page.reload()
    await expect.poll(() => second.page.getByTestId('enrolment-state').textContent()).toContain(az('status.completed'))
    // the satisfaction rating after the course, once
    const rating = second.page.getByTestId('rating-form')
    await rating.getByLabel(az('rating.score.5')).check()
    await rating.getByRole('button', { name: az('rating.submit') }).click()
    await expect.poll(() => second.page.getByRole('status').first().textContent()).toContain(az('rating.thanks'))
    expect(await second.page.getByTestId('rating-form').count()).toBe(0)
    await Promise.all([second.page.waitForURL(/\/family\/certificates\//), second.page.getByTestId('certificate-link').click()])
    const code = (await second.page.getByTestId('certificate-code').textContent())!.trim()
    expect(code).toMatch(/^ABAD-CERT-[A-Z0-9]{4}-[A-Z0-9]{4}$/)
    expect(await second.page.getByTestId('certificate').textContent()).toContain(participant)

    const visitor = await browser()
    await visitor.page.goto(`/certificates/${code}`)
    expect(await visitor.page.getByTestId('verify-result').getAttribute('data-status')).toBe('valid')
    expect(await visitor.page.getByTestId('verify-result').textContent()).toContain(az('certificate.verify.valid'))
    const unknown = await visitor.page.goto('/certificates/ABAD-CERT-ZZZZ-ZZZZ')
    expect(unknown?.status()).toBe(404)
    expect(await visitor.page.getByTestId('verify-result').textContent()).toContain(az('certificate.verify.not_found'))
  }, 300_000)
})
