import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { z } from 'zod'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, DateTime, FormError, StatusBadge, TextArea, useHydrated } from '#app/components/ui/index'
import { abilityFor, requireAbility, requireUser } from '#app/utils/auth.server'
import { parseWith } from '#app/utils/form.server'
import { makeT, pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import trainingStyles from '#app/styles/training.css'
import { CERTIFICATE_TONES } from '#app/components/training/certificate-tones'
import { certificateState, getCertificateByCode, revokeCertificate } from '#models/certificate.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: trainingStyles }]

/** The certificate as a page to print on A4: the holder's family and staff see it; staff may revoke it. */
async function load(request: Request, code: string) {
  const user = await requireUser(request)
  const cert = await getCertificateByCode(code)
  if (!cert) throw new Response('Not found', { status: 404 })
  const own = cert.holder.kind === 'family' && String(cert.holder.id) === String(user.familyId ?? '')
  const canRevoke = abilityFor(user).can('revoke', 'Certificate')
  if (!own && !canRevoke && !user.roles.includes('trainer')) throw new Response('Forbidden', { status: 403 })
  return { user, cert, canRevoke }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { cert, canRevoke } = await load(request, params.code ?? '')
  const locale = await getLocale(request)
  const url = new URL(request.url)
  return {
    code: cert.code,
    holderName: cert.holderName,
    course: pickText(cert.courseTitle, locale),
    issuedAt: cert.issuedAt,
    expiresAt: cert.expiresAt,
    issuerName: cert.issuerName,
    state: certificateState(cert),
    revokeReason: cert.revokeReason,
    verifyUrl: `${url.origin}/certificates/${cert.code}`,
    canRevoke,
  }
}

const RevokeSchema = z.object({ reason: z.string().trim().min(3, 'form.tooShort').max(500, 'form.tooLong') })

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, cert } = await load(request, params.code ?? '')
  requireAbility(user, 'revoke', 'Certificate')
  const t = makeT(await getLocale(request))
  const form = parseWith(RevokeSchema, await request.formData(), t)
  if (!form.ok) return data({ errors: form.errors, formError: null as string | null }, { status: 400 })
  const result = await revokeCertificate(cert.code, form.data.reason, { _id: user._id, name: user.name })
  if (!result.ok) return data({ errors: {} as Record<string, string>, formError: t(`certificate.revoke.${result.reason}`) }, { status: 409 })
  return redirectWithToast(`/family/certificates/${cert.code}`, t('certificate.revoke.done'))
}

export default function CertificatePrintPage() {
  const t = useT()
  const cert = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const hydrated = useHydrated()
  return (
    <div className="stack training">
      <p className="no-print">
        <Link to="/family/training">{t('training.family.title')}</Link>
        {hydrated ? (
          <>
            {' · '}
            <button type="button" className="button button-secondary button-small" onClick={() => window.print()}>
              {t('certificate.print')}
            </button>
          </>
        ) : null}
      </p>
      {cert.state !== 'valid' ? (
        <p className="no-print">
          <StatusBadge status={cert.state} label={t(`certificate.state.${cert.state}`)} tone={CERTIFICATE_TONES[cert.state]} /> {cert.revokeReason}
        </p>
      ) : null}
      <article className="certificate" aria-labelledby="certificate-title" data-testid="certificate">
        <p className="eyebrow">ABAD</p>
        <h1 id="certificate-title">{t('certificate.title')}</h1>
        <p>{t('certificate.awardedTo')}</p>
        <p className="certificate-holder">{cert.holderName}</p>
        <p>{t('certificate.forCompleting')}</p>
        <p className="certificate-course">{cert.course}</p>
        <dl className="certificate-meta">
          <div>
            <dt>{t('certificate.issued')}</dt>
            <dd>
              <DateTime value={cert.issuedAt} dateOnly />
            </dd>
          </div>
          <div>
            <dt>{t('certificate.expires')}</dt>
            <dd>{cert.expiresAt ? <DateTime value={cert.expiresAt} dateOnly /> : t('certificate.noExpiry')}</dd>
          </div>
          <div>
            <dt>{t('certificate.issuer')}</dt>
            <dd>{cert.issuerName || 'ABAD'}</dd>
          </div>
          <div>
            <dt>{t('certificate.code')}</dt>
            <dd className="certificate-code" data-testid="certificate-code">
              {cert.code}
            </dd>
          </div>
        </dl>
        <p className="muted">
          {t('certificate.verifyAt')} {cert.verifyUrl}
        </p>
      </article>
      {cert.canRevoke && cert.state !== 'revoked' ? (
        <section className="card no-print" aria-labelledby="revoke-title">
          <h2 id="revoke-title" className="card-title">
            {t('certificate.revoke.title')}
          </h2>
          <Form method="post" className="stack">
            <FormError error={result?.formError} />
            <TextArea name="reason" label={t('certificate.revoke.reason')} required rows={2} maxLength={500} error={result?.errors?.reason} />
            <Button type="submit" variant="danger">
              {t('certificate.revoke.submit')}
            </Button>
          </Form>
        </section>
      ) : null}
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'certificate.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
