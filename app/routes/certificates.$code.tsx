import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, DateTime, PageHeader } from '#app/components/ui/index'
import { pickText, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import trainingStyles from '#app/styles/training.css'
import { verifyCertificate } from '#models/certificate.server'
import { connectDb } from '#models/db.server'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: trainingStyles }]

/**
 * Public verification: anyone with a code learns whether it is valid, expired or revoked, and whose
 * it is by name — nothing else about the holder. An unknown code is an answer, not an error page.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await connectDb()
  const locale = await getLocale(request)
  const result = await verifyCertificate(params.code ?? '')
  const body =
    result.status === 'not_found'
      ? { status: 'not_found' as const, code: (params.code ?? '').slice(0, 40) }
      : {
          status: result.status,
          code: result.code,
          holderName: result.holderName,
          course: pickText(result.courseTitle, locale),
          issuedAt: result.issuedAt,
          expiresAt: result.expiresAt,
          revokedAt: result.revokedAt,
        }
  return data(body, { status: result.status === 'not_found' ? 404 : 200, headers: { 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' } })
}

export default function VerifyCertificatePage() {
  const t = useT()
  const result = useLoaderData<typeof loader>()
  return (
    <div className="stack narrow training">
      <PageHeader title={t('certificate.verify.title')} description={t('certificate.verify.intro')} />
      <section className={`verify-result verify-${result.status}`} aria-live="polite" data-testid="verify-result" data-status={result.status}>
        <h2>{t(`certificate.verify.${result.status}`)}</h2>
        <p>
          {t('certificate.code')}: <code>{result.code}</code>
        </p>
        {'holderName' in result ? (
          <dl className="certificate-meta">
            <div>
              <dt>{t('certificate.holder')}</dt>
              <dd>{result.holderName}</dd>
            </div>
            <div>
              <dt>{t('certificate.course')}</dt>
              <dd>{result.course}</dd>
            </div>
            <div>
              <dt>{t('certificate.issued')}</dt>
              <dd>
                <DateTime value={result.issuedAt!} dateOnly />
              </dd>
            </div>
            <div>
              <dt>{t('certificate.expires')}</dt>
              <dd>{result.expiresAt ? <DateTime value={result.expiresAt} dateOnly /> : t('certificate.noExpiry')}</dd>
            </div>
            {result.revokedAt ? (
              <div>
                <dt>{t('certificate.revokedOn')}</dt>
                <dd>
                  <DateTime value={result.revokedAt} dateOnly />
                </dd>
              </div>
            ) : null}
          </dl>
        ) : (
          <p>{t('certificate.verify.notFoundHint')}</p>
        )}
      </section>
      <Form method="get" action="/certificates" className="inline-form">
        <label className="field-label" htmlFor="verify-code">
          {t('certificate.verify.another')}
        </label>
        <input id="verify-code" name="code" className="input" autoComplete="off" maxLength={40} placeholder="ABAD-CERT-XXXX-XXXX" />
        <Button type="submit" variant="secondary">
          {t('certificate.verify.check')}
        </Button>
      </Form>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => [...pageTitle(matches, 'certificate.verify.title'), { name: 'robots', content: 'noindex' }]

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
