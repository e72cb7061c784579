import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { makeT } from '#app/utils/i18n'
import { browsersPerTest, loginAsRole, type Page } from './browser'

const az = makeT('az')

const browser = browsersPerTest()

/** A field by the start of its label: kit labels go on with a required mark. */
const label = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|\\*|$)`)

async function hydrated(page: Page) {
  await page.locator('.site-header.has-js').waitFor()
}

async function picture(caption: string, colour: string) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="100%" height="100%" fill="${colour}"/><text x="50%" y="50%" font-size="64" fill="#fff" text-anchor="middle">${caption}</text></svg>`
  return sharp(Buffer.from(svg)).png().toBuffer()
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')

async function clickAndWait(page: Page, name: string | RegExp, url: string | RegExp) {
  await Promise.all([page.waitForURL(url), page.getByRole('button', { name, exact: typeof name === 'string' }).click()])
}

describe('branding and the catalogue', () => {
  it('a family requests a brand, a designer uploads two versions, the family and the lead approve; the family lists a product that staff find without Azerbaijani letters', async () => {
    const stamp = Date.now().toString(36)
    const line = `Quba bağ ləvazimatı ${stamp}`
    const brandName = `Qırmızı Qəsəbə Əl İşi ${stamp}`

    // the family asks for a brand
    const family = await browser()
    await loginAsRole(family.page, 'family')
    await family.page.goto('/family/branding/new')
    await family.page.getByLabel(label(az('branding.field.title'))).fill(line)
    await family.page.getByLabel(label(az('branding.field.story'))).fill('Üç nəsildir bağımızda meyvə yetişdiririk və taxtadan mətbəx əşyaları düzəldirik.')
    await family.page.getByLabel(label(az('branding.field.colours'))).fill('tünd qırmızı, krem')
    await clickAndWait(family.page, az('branding.new.submit'), /\/family\/branding\/[a-f0-9]{24}$/)
    const requestPath = new URL(family.page.url()).pathname
    const requestId = requestPath.split('/').pop()!

    // a designer takes it from the queue and uploads two versions
    const designer = await browser()
    await loginAsRole(designer.page, 'designer')
    await designer.page.goto('/design')
    const row = designer.page.getByRole('row').filter({ hasText: line })
    await Promise.all([designer.page.waitForURL(`**/design/${requestId}`), row.getByRole('button', { name: az('branding.queue.take') }).click()])
    await hydrated(designer.page)
    const versionForm = designer.page.getByTestId('version-form')
    await versionForm.getByLabel(label(az('branding.upload.brandName'))).fill(brandName)
    await versionForm.getByLabel(label(az('branding.upload.colours'))).fill('#8c2f39, #f4ecd8')
    await versionForm.getByLabel(label(az('branding.role.logo'))).setInputFiles({ name: 'logo-v1.png', mimeType: 'image/png', buffer: await picture('QQ', '#8c2f39') })
    await versionForm.getByLabel(label(az('branding.role.label'))).setInputFiles({ name: 'etiket.pdf', mimeType: 'application/pdf', buffer: PDF })
    await versionForm.getByRole('button', { name: az('branding.upload.submit', { n: 1 }) }).click()
    await designer.page.getByTestId('version-1').waitFor()
    await designer.page.getByTestId('version-form').getByLabel(label(az('branding.role.logo'))).setInputFiles({ name: 'logo-v2.png', mimeType: 'image/png', buffer: await picture('QQ 2', '#6d1f2a') })
    await designer.page.getByTestId('version-form').getByRole('button', { name: az('branding.upload.submit', { n: 2 }) }).click()
    await designer.page.getByTestId('version-2').waitFor()
    // the first version stays, with its PDF label
    await expect.poll(() => designer.page.getByTestId('version-1').getByRole('link', { name: az('branding.file.pdf', { role: az('branding.role.label') }) }).count()).toBe(1)

    // the family sees both and approves the second
    await family.page.goto(requestPath)
    await family.page.getByTestId('version-1').waitFor()
    await family.page.getByTestId('approve-version-2').click()
    await expect.poll(() => family.page.locator('[data-status="approved"]').first().isVisible()).toBe(true)

    // the brand lead gives the final approval
    const lead = await browser()
    await loginAsRole(lead.page, 'designer', true)
    await lead.page.goto(`/design/${requestId}`)
    await lead.page.getByTestId('lead-approve').click()
    await expect.poll(() => lead.page.locator('[data-status="lead_approved"]').first().isVisible()).toBe(true)

    // the family is asked how satisfied it is
    await family.page.goto(requestPath)
    await hydrated(family.page)
    const rating = family.page.getByTestId('rating-form')
    await rating.getByRole('radio', { name: az('rating.score.5') }).check()
    await rating.getByRole('button', { name: az('rating.submit') }).click()
    await expect.poll(() => family.page.getByTestId('rating-form').count()).toBe(0)

    // the family creates a product under the new brand, with a photo, and submits it
    const title = `Taxta mürəbbə qaşığı ${stamp}`
    await family.page.goto('/family/products/new')
    await hydrated(family.page)
    const form = family.page.getByTestId('product-form')
    await form.getByLabel(label(az('catalogue.field.category'))).selectOption('souvenirs')
    await form.getByLabel(label(az('catalogue.field.brand'))).selectOption({ label: brandName })
    const texts = {
      az: { title, short: 'Armud ağacından, əl ilə oyulub', long: 'Mürəbbəni qarışdırmaq və süfrəyə vermək üçün uzun saplı qaşıq.', story: 'Babamızın emalatxanasında hazırlanır.' },
      en: { title: `Wooden jam spoon ${stamp}`, short: 'Carved by hand from pear wood', long: 'A long-handled spoon for stirring and serving jam.', story: 'Made in our grandfather’s workshop.' },
    }
    for (const lang of ['az', 'en'] as const) {
      const group = form.getByRole('group', { name: az(`catalogue.form.texts.${lang}`) })
      await group.getByLabel(label(az('catalogue.field.title'))).fill(texts[lang].title)
      await group.getByLabel(label(az('catalogue.field.shortDescription'))).fill(texts[lang].short)
      await group.getByLabel(label(az('catalogue.field.description'))).fill(texts[lang].long)
      await group.getByLabel(label(az('catalogue.field.story'))).fill(texts[lang].story)
      await form.getByLabel(label(az('catalogue.field.materials', { lang }))).fill(lang === 'az' ? 'armud ağacı' : 'pear wood')
    }
    await form.getByLabel(label(az('catalogue.field.dimensions'))).fill('28 cm')
    const variant = form.getByTestId('variant-0')
    await variant.getByLabel(label(az('catalogue.field.retailPrice'))).fill('18.50')
    await variant.getByLabel(label(az('catalogue.field.wholesalePrice'))).fill('13')
    await clickAndWait(family.page, az('catalogue.new.submit'), /\/family\/products\/[a-f0-9]{24}$/)
    const productPath = new URL(family.page.url()).pathname
    const productId = productPath.split('/').pop()!
    await hydrated(family.page)

    const photoForm = family.page.getByTestId('photo-form')
    await photoForm.getByLabel(label(az('catalogue.photos.file'))).setInputFiles({ name: 'qasiq.png', mimeType: 'image/png', buffer: await picture('Qaşıq', '#7a4b2a') })
    await photoForm.getByLabel(label(az('catalogue.photos.alt', { lang: 'az' }))).fill('Armud ağacından taxta qaşıq')
    await photoForm.getByLabel(label(az('catalogue.photos.alt', { lang: 'en' }))).fill('A pear-wood spoon')
    await photoForm.getByRole('button', { name: az('catalogue.photos.add') }).click()
    await family.page.getByTestId('product-photos').getByRole('img', { name: 'Armud ağacından taxta qaşıq' }).waitFor()
    await family.page.getByTestId('submit-for-review').click()
    await expect.poll(() => family.page.locator('[data-status="submitted"]').first().isVisible()).toBe(true)

    // a sales manager finds it typing without Azerbaijani letters, counts the stock and lists it
    const sales = await browser()
    await loginAsRole(sales.page, 'sales_manager')
    await sales.page.goto('/admin/catalogue')
    await sales.page.getByTestId('catalogue-search').fill(`taxta murebbe qasigi ${stamp}`)
    await sales.page.getByTestId('catalogue-search').press('Enter')
    await sales.page.waitForURL(/q=taxta/)
    const found = sales.page.getByRole('link', { name: title })
    await found.waitFor()
    await Promise.all([sales.page.waitForURL(`**/admin/catalogue/${productId}`), found.click()])
    await expect.poll(() => sales.page.getByTestId('review-missing').textContent()).toContain(az('catalogue.missing.craftStock'))
    await sales.page.getByLabel(label(az('catalogue.stock.pieces'))).fill('4')
    await sales.page.getByRole('button', { name: az('catalogue.stock.save') }).click()
    await expect.poll(() => sales.page.getByTestId('review-missing').count()).toBe(0)
    await sales.page.getByTestId('list-product').click()
    await expect.poll(() => sales.page.locator('[data-status="listed"]').first().isVisible()).toBe(true)

    // the listed product is found by the same search, and the family sees it listed
    await sales.page.goto(`/admin/catalogue?q=${encodeURIComponent('murebbe qasigi')}&status=listed`)
    await sales.page.getByRole('link', { name: title }).waitFor()
    await family.page.goto('/family/products')
    const familyRow = family.page.getByRole('row').filter({ hasText: title })
    await expect.poll(() => familyRow.locator('[data-status="listed"]').count()).toBe(1)
  })
})
