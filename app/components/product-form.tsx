import { Form } from '@remix-run/react'
import { useState, type ReactNode } from 'react'
import { Button, CheckboxField, CheckboxGroup, FormError, SelectField, TextArea, TextField, useFocusFirstError } from '#app/components/ui/index'
import { useT } from '#app/utils/i18n'
import { ALLERGEN_KEYS, CATEGORY_KEYS, CRAFT_CATEGORY_KEYS } from '#app/utils/catalogue'

type Texts = { az: string; en: string; ru: string }
const EMPTY: Texts = { az: '', en: '', ru: '' }

export type ProductFormValues = {
  category: string
  brandId: string
  title: Texts
  shortDescription: Texts
  description: Texts
  story: Texts
  variants: { sku: string; label: Texts; barcode: string; retailPrice: string; wholesalePrice: string }[]
  food: { ingredients: Texts; allergens: string[]; shelfLifeDays: string; storage: Texts; nutrition: Record<'energyKcal' | 'fat' | 'carbohydrates' | 'protein' | 'salt', string> }
  craft: { materials: Texts; dimensions: string; oneOfAKind: boolean }
}

export const EMPTY_PRODUCT: ProductFormValues = {
  category: '',
  brandId: '',
  title: EMPTY,
  shortDescription: EMPTY,
  description: EMPTY,
  story: EMPTY,
  variants: [],
  food: { ingredients: EMPTY, allergens: [], shelfLifeDays: '', storage: EMPTY, nutrition: { energyKcal: '', fat: '', carbohydrates: '', protein: '', salt: '' } },
  craft: { materials: EMPTY, dimensions: '', oneOfAKind: false },
}

const LANGS = ['az', 'en', 'ru'] as const

/**
 * The family's product form: texts per language (az and en are needed before review), variants
 * with prices in manat, and the food or craft details for the chosen category. Without JavaScript
 * both detail sections show; the server keeps only the one the category needs.
 */
export function ProductForm({
  values,
  brands,
  errors = {},
  formError,
  submitLabel,
  intent = 'save',
  children,
}: {
  values: ProductFormValues
  brands: { id: string; name: string }[]
  errors?: Record<string, string>
  formError?: string | null
  submitLabel: string
  intent?: string
  children?: ReactNode
}) {
  const t = useT()
  const formRef = useFocusFirstError(errors, formError)
  const [category, setCategory] = useState(values.category)
  const craft = (CRAFT_CATEGORY_KEYS as readonly string[]).includes(category)
  const rows = [...values.variants]
  if (rows.length < 10) rows.push({ sku: '', label: EMPTY, barcode: '', retailPrice: '', wholesalePrice: '' })
  const e = (name: string) => errors[name]
  return (
    <Form method="post" className="stack product-form" noValidate ref={formRef} data-testid="product-form">
      <FormError error={formError} />
      <fieldset className="stack">
        <legend>{t('catalogue.form.basics')}</legend>
        <SelectField
          name="category"
          label={t('catalogue.field.category')}
          required
          placeholder={t('catalogue.form.choose')}
          defaultValue={values.category}
          onChange={(event) => setCategory(event.currentTarget.value)}
          error={e('category')}
          options={CATEGORY_KEYS.map((key) => ({ value: key, label: t(`catalogue.category.${key}`) }))}
        />
        <SelectField
          name="brandId"
          label={t('catalogue.field.brand')}
          hint={brands.length ? t('catalogue.form.brandHint') : t('catalogue.form.noBrandYet')}
          placeholder={t('catalogue.form.noBrand')}
          defaultValue={values.brandId}
          error={e('brandId')}
          options={brands.map((brand) => ({ value: brand.id, label: brand.name }))}
        />
      </fieldset>

      {LANGS.map((lang) => (
        <fieldset key={lang} className="stack" lang={lang}>
          <legend>
            {t(`catalogue.form.texts.${lang}`)} {lang === 'ru' ? <span className="muted">({t('form.optional')})</span> : null}
          </legend>
          <TextField name={`title.${lang}`} label={t('catalogue.field.title')} defaultValue={values.title[lang]} required={lang === 'az'} maxLength={120} error={e(`title.${lang}`)} />
          <TextField name={`shortDescription.${lang}`} label={t('catalogue.field.shortDescription')} defaultValue={values.shortDescription[lang]} maxLength={240} error={e(`shortDescription.${lang}`)} />
          <TextArea name={`description.${lang}`} label={t('catalogue.field.description')} defaultValue={values.description[lang]} rows={4} error={e(`description.${lang}`)} />
          <TextArea name={`story.${lang}`} label={t('catalogue.field.story')} defaultValue={values.story[lang]} rows={3} error={e(`story.${lang}`)} />
        </fieldset>
      ))}

      <fieldset className="stack">
        <legend>{t('catalogue.form.variants')}</legend>
        <p className="field-hint">{t('catalogue.form.variantsHint')}</p>
        {e('variants') ? <p className="field-error">{e('variants')}</p> : null}
        {rows.map((row, index) => (
          <div key={index} className="variant-row card" data-testid={`variant-${index}`}>
            <p className="card-title">{t('catalogue.form.variantN', { n: index + 1 })}</p>
            <div className="grid-3">
              <TextField name={`variants.${index}.sku`} label={t('catalogue.field.sku')} hint={t('catalogue.form.skuHint')} defaultValue={row.sku} maxLength={32} error={e(`variants.${index}.sku`)} />
              <TextField
                name={`variants.${index}.barcode`}
                label={t('catalogue.field.barcode')}
                hint={t('catalogue.form.barcodeHint')}
                defaultValue={row.barcode}
                inputMode="numeric"
                maxLength={13}
                error={e(`variants.${index}.barcode`)}
              />
              <TextField name={`variants.${index}.label.az`} label={t('catalogue.field.size', { lang: 'az' })} defaultValue={row.label.az} maxLength={40} error={e(`variants.${index}.label.az`)} />
              <TextField name={`variants.${index}.label.en`} label={t('catalogue.field.size', { lang: 'en' })} defaultValue={row.label.en} maxLength={40} />
              <TextField name={`variants.${index}.label.ru`} label={t('catalogue.field.size', { lang: 'ru' })} defaultValue={row.label.ru} maxLength={40} />
              <TextField
                name={`variants.${index}.retailPrice`}
                label={t('catalogue.field.retailPrice')}
                hint={t('catalogue.form.priceHint')}
                defaultValue={row.retailPrice}
                inputMode="decimal"
                error={e(`variants.${index}.retailPrice`)}
              />
              <TextField
                name={`variants.${index}.wholesalePrice`}
                label={t('catalogue.field.wholesalePrice')}
                hint={t('catalogue.form.priceHint')}
                defaultValue={row.wholesalePrice}
                inputMode="decimal"
                error={e(`variants.${index}.wholesalePrice`)}
              />
            </div>
            {index < values.variants.length ? <CheckboxField name={`variants.${index}.remove`} label={t('catalogue.form.removeVariant')} /> : null}
          </div>
        ))}
      </fieldset>

      {!craft || !category ? (
        <fieldset className="stack" data-testid="food-details">
          <legend>{t('catalogue.form.food')}</legend>
          {LANGS.map((lang) => (
            <TextArea key={lang} name={`food.ingredients.${lang}`} label={t('catalogue.field.ingredients', { lang })} defaultValue={values.food.ingredients[lang]} rows={2} error={e(`food.ingredients.${lang}`)} />
          ))}
          <CheckboxGroup
            name="food.allergens[]"
            label={t('catalogue.field.allergens')}
            inline
            defaultValue={values.food.allergens}
            options={ALLERGEN_KEYS.map((key) => ({ value: key, label: t(`catalogue.allergen.${key}`) }))}
          />
          <TextField name="food.shelfLifeDays" label={t('catalogue.field.shelfLifeDays')} defaultValue={values.food.shelfLifeDays} inputMode="numeric" error={e('food.shelfLifeDays')} />
          {LANGS.map((lang) => (
            <TextField key={lang} name={`food.storage.${lang}`} label={t('catalogue.field.storage', { lang })} defaultValue={values.food.storage[lang]} error={e(`food.storage.${lang}`)} />
          ))}
          <fieldset className="grid-3">
            <legend>
              {t('catalogue.field.nutrition')} <span className="muted">({t('form.optional')})</span>
            </legend>
            {(['energyKcal', 'fat', 'carbohydrates', 'protein', 'salt'] as const).map((key) => (
              <TextField key={key} name={`food.nutrition.${key}`} label={t(`catalogue.nutrition.${key}`)} defaultValue={values.food.nutrition[key]} inputMode="decimal" error={e(`food.nutrition.${key}`)} />
            ))}
          </fieldset>
        </fieldset>
      ) : null}
      {craft || !category ? (
        <fieldset className="stack" data-testid="craft-details">
          <legend>{t('catalogue.form.craft')}</legend>
          {LANGS.map((lang) => (
            <TextField key={lang} name={`craft.materials.${lang}`} label={t('catalogue.field.materials', { lang })} defaultValue={values.craft.materials[lang]} error={e(`craft.materials.${lang}`)} />
          ))}
          <TextField name="craft.dimensions" label={t('catalogue.field.dimensions')} defaultValue={values.craft.dimensions} error={e('craft.dimensions')} />
          <CheckboxField name="craft.oneOfAKind" label={t('catalogue.field.oneOfAKind')} defaultChecked={values.craft.oneOfAKind} />
        </fieldset>
      ) : null}

      <div className="form-actions">
        <Button type="submit" name="intent" value={intent}>
          {submitLabel}
        </Button>
        {children}
      </div>
    </Form>
  )
}
