import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, Card, CheckboxField, CheckboxGroup, FileField, FormError, PageHeader, StatusBadge, TextArea, TextField, useFocusFirstError } from '#app/components/ui/index'
import { asSubject } from '#app/utils/abilities'
import { requireAbility, requireUser } from '#app/utils/auth.server'
import { invalid, parseWith, refuse, type FieldErrors } from '#app/utils/form.server'
import { makeT, useT, type T } from '#app/utils/i18n'
import { absoluteUrl, sendMail } from '#app/utils/mail.server'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { IMAGE_TYPES, deleteUploads, maxUploadBytes, readMultipart, storeUploads, UploadError } from '#app/utils/uploads.server'
import abadStyles from '#app/styles/abad.css'
import { ABAD_PRODUCTS } from '#models/application-abad'
import { addInvitedMember, getFamily, listFamilyAccounts, setMakerPage, setMakerPhoto, updateFamilyProfile } from '#models/family.server'
import { renameMaker } from '#models/product.server'
import { createToken } from '#models/token.server'
import { createUser, DuplicateEmailError, getUserByEmail } from '#models/user.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: abadStyles }]

async function requireFamily(request: Request) {
  const user = await requireUser(request)
  if (!user.familyId) throw redirect('/family')
  const family = await getFamily(user.familyId)
  if (!family) throw new Response('Not found', { status: 404 })
  requireAbility(user, 'read', asSubject('Family', family))
  return { user, family }
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, family } = await requireFamily(request)
  const accounts = await listFamilyAccounts(family._id)
  const byId = new Map(accounts.map((account) => [String(account._id), account]))
  const ability = requireAbility(user, 'read', asSubject('Family', family))
  return {
    canEdit: ability.can('update', asSubject('Family', family)),
    canInvite: ability.can('invite', asSubject('Family', family)),
    family: {
      id: String(family._id),
      name: family.name,
      region: family.region,
      village: family.village ?? '',
      address: family.address ?? '',
      phone: family.phone ?? '',
      email: family.email ?? '',
      products: family.products ?? [],
      womenLed: Boolean(family.womenLed),
      members: (family.members ?? []).map((member) => {
        const account = member.userId ? byId.get(String(member.userId)) : undefined
        return {
          name: member.name,
          role: member.role ?? 'member',
          isLead: Boolean(member.isLead),
          account: account ? (account.status === 'invited' || member.invitedAt ? 'invited' : 'active') : 'none',
          email: account?.email ?? member.email ?? '',
          isMe: Boolean(member.userId && String(member.userId) === String(user._id)),
        }
      }),
      maker: {
        published: Boolean(family.makerPage?.published),
        slug: family.makerPage?.slug ?? null,
        story: { az: family.makerPage?.story?.az ?? '', en: family.makerPage?.story?.en ?? '', ru: family.makerPage?.story?.ru ?? '' },
        photo: family.makerPage?.photo ? `/files/makers/${family._id}/${family.makerPage.photo}` : null,
      },
    },
    maxBytes: maxUploadBytes(),
  }
}

const ProfileSchema = z.object({
  name: z.string().trim().min(2, 'form.tooShort').max(120, 'form.tooLong'),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[\d\s()-]{7,20}$/, 'application.error.phone'),
  email: z.union([z.literal(''), z.string().trim().email('form.invalidEmail').max(200)]).default(''),
  village: z.string().trim().max(120, 'form.tooLong').default(''),
  address: z.string().trim().max(300, 'form.tooLong').default(''),
  products: z.preprocess((value) => (value == null ? [] : Array.isArray(value) ? value : [value]), z.array(z.enum(ABAD_PRODUCTS))),
})
const InviteSchema = z.object({
  name: z.string().trim().min(2, 'form.tooShort').max(120, 'form.tooLong'),
  email: z.string().trim().min(1, 'form.required').email('form.invalidEmail').max(200),
})
const story = z.string().trim().max(2000, 'form.tooLong').default('')
const MakerSchema = z.object({ published: z.preprocess((value) => value === 'on', z.boolean()), storyAz: story, storyEn: story, storyRu: story })

function uploadMessage(t: T, error: UploadError) {
  const key = { too_large: 'apply.upload.tooLarge', wrong_type: 'family.maker.photoType', empty: 'apply.upload.empty', too_many: 'apply.upload.tooMany', not_multipart: 'apply.upload.none' }[error.code]
  return t(key, { max: Math.round(maxUploadBytes() / (1024 * 1024)) })
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, family } = await requireFamily(request)
  const t = makeT(await getLocale(request))
  const subject = asSubject('Family', family)
  const actor = { _id: user._id, name: user.name }

  if ((request.headers.get('Content-Type') ?? '').startsWith('multipart/form-data')) {
    requireAbility(user, 'update', subject)
    let received
    try {
      received = await readMultipart(request, { fileFields: ['photo'], maxFiles: 1, allowed: IMAGE_TYPES })
    } catch (error) {
      if (error instanceof UploadError) return data({ ok: false as const, errors: { photo: uploadMessage(t, error) } as FieldErrors, intent: 'photo' }, { status: error.status })
      throw error
    }
    if (!received.files.length) return invalid({ photo: t('apply.upload.none') }, { intent: 'photo' })
    const [stored] = await storeUploads(received.files)
    const result = await setMakerPhoto(family._id, stored, actor)
    if (result?.previous) await deleteUploads([result.previous])
    return redirectWithToast('/family/profile', t('family.maker.photoSaved'))
  }

  const formData = await request.formData()
  const intent = formData.get('intent')
  switch (intent) {
    case 'profile': {
      requireAbility(user, 'update', subject)
      const form = parseWith(ProfileSchema, formData, t)
      if (!form.ok) return invalid(form.errors, { intent })
      await updateFamilyProfile(family._id, form.data, actor)
      // the products show the maker's name and are found by it
      if (form.data.name !== family.name) await renameMaker(family._id, form.data.name)
      return redirectWithToast('/family/profile', t('family.profile.saved'))
    }
    case 'maker': {
      requireAbility(user, 'update', subject)
      const form = parseWith(MakerSchema, formData, t)
      if (!form.ok) return invalid(form.errors, { intent })
      const { published, storyAz, storyEn, storyRu } = form.data
      if (published && !storyAz && !storyEn && !storyRu) return invalid({ storyAz: t('family.maker.storyRequired') }, { intent })
      await setMakerPage(family._id, { published, story: { az: storyAz, en: storyEn, ru: storyRu } }, actor)
      return redirectWithToast('/family/profile', t(published ? 'family.maker.published' : 'family.maker.saved'))
    }
    case 'invite': {
      requireAbility(user, 'invite', subject)
      const form = parseWith(InviteSchema, formData, t)
      if (!form.ok) return invalid(form.errors, { intent })
      const { name, email } = form.data
      const existing = await getUserByEmail(email)
      if (existing?.familyId && String(existing.familyId) === String(family._id)) return invalid({ email: t('family.invite.alreadyMember') }, { intent })
      if (existing?.familyId) return invalid({ email: t('family.invite.otherFamily') }, { intent })
      if (existing && existing.status === 'disabled') return refuse(t('family.invite.disabled'), 409, { intent })
      let invitee = existing
      let template = 'family_invite_existing'
      let path = '/family/join/'
      if (!invitee) {
        try {
          const created = await createUser({ email, name, roles: ['family'], status: 'invited', familyId: family._id, locale: user.locale }, actor)
          invitee = { ...created.toObject(), _id: created._id }
        } catch (error) {
          if (error instanceof DuplicateEmailError) return invalid({ email: t('family.invite.tryAgain') }, { intent })
          throw error
        }
        template = 'family_invite'
        path = '/accept-invite/'
      }
      await addInvitedMember(family._id, { userId: invitee._id, name, email: invitee.email }, actor)
      const token = await createToken('invite', invitee._id)
      await sendMail({
        to: invitee.email,
        locale: invitee.locale ?? user.locale,
        template,
        params: { name, inviter: user.name, family: family.name, link: absoluteUrl(request, `${path}${token}`) },
      })
      return redirectWithToast('/family/profile', t('family.invite.sent', { email: invitee.email }))
    }
    default:
      throw new Response('Unknown intent', { status: 400 })
  }
}

export default function FamilyProfilePage() {
  const t = useT()
  const { family, canEdit, canInvite, maxBytes } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const intent = actionData && 'intent' in actionData ? String(actionData.intent) : null
  const errorsFor = (name: string): FieldErrors => (intent === name ? (actionData?.errors ?? {}) : {})
  const formError = actionData && 'formError' in actionData ? String(actionData.formError) : null
  useFocusFirstError(actionData?.errors, formError)
  const profileErrors = errorsFor('profile')
  const inviteErrors = errorsFor('invite')
  const makerErrors = errorsFor('maker')
  const photoErrors = errorsFor('photo')
  return (
    <div className="stack">
      <PageHeader title={t('family.profile.title')} description={`${family.name} · ${t(`abad.region.${family.region}`)}`} />
      <Card title={t('family.members.title')}>
        <ul className="plain-list members-list" data-testid="members">
          {family.members.map((member, index) => (
            <li key={index}>
              <strong>{member.name}</strong> · {t(`abad.relation.${member.role}`)}
              {member.isLead ? ` · ${t('apply.household.leads')}` : ''}
              {member.isMe ? ` · ${t('family.members.you')}` : ''}{' '}
              {member.account === 'invited' ? <StatusBadge status="pending" label={t('family.members.invited')} /> : null}
              {member.account === 'active' ? <StatusBadge status="active" label={t('family.members.hasAccount')} /> : null}
            </li>
          ))}
        </ul>
        {canInvite ? (
          <Form method="post" className="stack" noValidate aria-labelledby="invite-title">
            <h3 id="invite-title">{t('family.invite.title')}</h3>
            <p className="muted">{t('family.invite.intro')}</p>
            <FormError error={intent === 'invite' ? formError : null} />
            <TextField name="name" label={t('family.invite.name')} required error={inviteErrors.name} />
            <TextField name="email" type="email" label={t('auth.field.email')} required error={inviteErrors.email} />
            <Button type="submit" name="intent" value="invite" variant="secondary">
              {t('family.invite.submit')}
            </Button>
          </Form>
        ) : null}
      </Card>
      <Card title={t('family.contact.title')}>
        <Form method="post" className="stack" noValidate>
          <fieldset disabled={!canEdit} className="stack plain-fieldset">
            <TextField name="name" label={t('family.contact.name')} required defaultValue={family.name} error={profileErrors.name} />
            <TextField name="phone" type="tel" label={t('apply.household.phone')} required defaultValue={family.phone} error={profileErrors.phone} />
            <TextField name="email" type="email" label={t('auth.field.email')} defaultValue={family.email} error={profileErrors.email} />
            <TextField name="village" label={t('apply.household.village')} defaultValue={family.village} error={profileErrors.village} />
            <TextField name="address" label={t('apply.household.address')} defaultValue={family.address} error={profileErrors.address} />
            <CheckboxGroup name="products" label={t('family.contact.products')} inline defaultValue={family.products} options={ABAD_PRODUCTS.map((p) => ({ value: p, label: t(`abad.product.${p}`) }))} error={profileErrors.products} />
            <Button type="submit" name="intent" value="profile">
              {t('form.save')}
            </Button>
          </fieldset>
        </Form>
      </Card>
      <Card title={t('family.maker.title')}>
        <p>{t('family.maker.intro')}</p>
        <p data-testid="maker-state">
          {family.maker.published ? (
            <StatusBadge status="active" label={t('family.maker.isPublished')} />
          ) : (
            <StatusBadge status="draft" label={t('family.maker.isHidden')} />
          )}
          {family.maker.published && family.maker.slug ? (
            <>
              {' '}
              <a href={`/makers/${family.maker.slug}`}>{t('family.maker.view')}</a>
            </>
          ) : null}
        </p>
        <div className="maker-preview">
          {family.maker.photo ? <img src={family.maker.photo} alt={t('family.maker.photoAlt', { name: family.name })} className="maker-photo" /> : null}
          <Form method="post" encType="multipart/form-data" className="stack" noValidate>
            <FileField name="photo" label={t('family.maker.photo')} accept="image/jpeg,image/png,image/webp" maxSize={maxBytes} error={photoErrors.photo} disabled={!canEdit} />
            <Button type="submit" variant="secondary" disabled={!canEdit}>
              {t('family.maker.upload')}
            </Button>
          </Form>
        </div>
        <Form method="post" className="stack" noValidate>
          <fieldset disabled={!canEdit} className="stack plain-fieldset">
            <TextArea name="storyAz" lang="az" label={t('family.maker.story', { language: 'Azərbaycanca' })} rows={4} maxLength={2000} defaultValue={family.maker.story.az} error={makerErrors.storyAz} />
            <TextArea name="storyEn" lang="en" label={t('family.maker.story', { language: 'English' })} rows={4} maxLength={2000} defaultValue={family.maker.story.en} error={makerErrors.storyEn} />
            <TextArea name="storyRu" lang="ru" label={t('family.maker.story', { language: 'Русский' })} rows={4} maxLength={2000} defaultValue={family.maker.story.ru} error={makerErrors.storyRu} />
            <CheckboxField name="published" label={t('family.maker.publish')} hint={t('family.maker.publishHint')} defaultChecked={family.maker.published} />
            <Button type="submit" name="intent" value="maker">
              {t('family.maker.save')}
            </Button>
          </fieldset>
        </Form>
      </Card>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'family.profile.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
