import { Form } from '@remix-run/react'
import { Button, Card, FileField, TextField, useFocusFirstError } from '#app/components/ui/index'
import { useT } from '#app/utils/i18n'
import { MAX_PRODUCT_IMAGES } from '#app/utils/catalogue'

type Photo = { id: string; src: string; srcSet: string; alt: string; width: number; height: number }

/** The product's photos with their alt texts; the family adds (one at a time, with alt text in az and en) and removes them while the product is theirs to edit. */
export function ProductPhotos({ images, editable, errors, maxMb }: { images: Photo[]; editable: boolean; errors?: Record<string, string>; maxMb: number }) {
  const t = useT()
  const formRef = useFocusFirstError(errors)
  return (
    <Card title={t('catalogue.photos.title')}>
      {images.length ? (
        <ul className="photo-grid" data-testid="product-photos">
          {images.map((image) => (
            <li key={image.id} className="photo-item">
              <img src={image.src} srcSet={image.srcSet} sizes="(max-width: 40rem) 50vw, 200px" alt={image.alt} width={200} height={Math.round((200 * image.height) / Math.max(1, image.width))} loading="lazy" />
              {editable ? (
                <Form method="post">
                  <input type="hidden" name="imageId" value={image.id} />
                  <Button type="submit" name="intent" value="removePhoto" variant="secondary" size="small">
                    {t('catalogue.photos.remove')}
                  </Button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('catalogue.photos.none')}</p>
      )}
      {editable && images.length < MAX_PRODUCT_IMAGES ? (
        <Form method="post" encType="multipart/form-data" className="stack" noValidate ref={formRef} data-testid="photo-form">
          <FileField name="photo" label={t('catalogue.photos.file')} accept="image/jpeg,image/png,image/webp" maxSize={maxMb * 1024 * 1024} required error={errors?.photo} />
          <TextField name="alt.az" label={t('catalogue.photos.alt', { lang: 'az' })} hint={t('catalogue.photos.altHint')} required maxLength={200} error={errors?.['alt.az']} />
          <TextField name="alt.en" label={t('catalogue.photos.alt', { lang: 'en' })} required maxLength={200} error={errors?.['alt.en']} />
          <TextField name="alt.ru" label={t('catalogue.photos.alt', { lang: 'ru' })} maxLength={200} />
          <div>
            <Button type="submit" name="intent" value="addPhoto">
              {t('catalogue.photos.add')}
            </Button>
          </div>
        </Form>
      ) : null}
    </Card>
  )
}
