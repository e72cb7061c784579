import { redirect, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, PageHeader } from '#app/components/ui/index'
import { useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'

/** The form that leads to /certificates/CODE (a QR code or a typed code land there directly). */
export async function loader({ request }: LoaderFunctionArgs) {
  const code = new URL(request.url).searchParams.get('code')?.trim().toUpperCase().replace(/\s+/g, '')
  if (code) throw redirect(`/certificates/${encodeURIComponent(code.slice(0, 40))}`)
  return null
}

export default function CertificateLookupPage() {
  const t = useT()
  return (
    <div className="stack narrow">
      <PageHeader title={t('certificate.verify.title')} description={t('certificate.verify.intro')} />
      <Form method="get" className="stack">
        <div className="field">
          <label className="field-label" htmlFor="code">
            {t('certificate.code')}
          </label>
          <input id="code" name="code" className="input" required autoComplete="off" maxLength={40} placeholder="ABAD-CERT-XXXX-XXXX" />
        </div>
        <Button type="submit">{t('certificate.verify.check')}</Button>
      </Form>
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'certificate.verify.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
