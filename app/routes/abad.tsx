import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { ButtonLink, PageHeader } from '#app/components/ui/index'
import { getUser } from '#app/utils/auth.server'
import { useT } from '#app/utils/i18n'

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request)
  return { hasFamily: Boolean(user?.familyId) }
}

const STEPS = ['abad.step.apply', 'abad.step.train', 'abad.step.factory', 'abad.step.brand', 'abad.step.sell'] as const

export default function AbadPage() {
  const t = useT()
  const { hasFamily } = useLoaderData<typeof loader>()
  return (
    <div className="stack">
      <PageHeader title={t('abad.page.title')} description={t('abad.page.lead')} />
      <section aria-labelledby="abad-steps">
        <h2 id="abad-steps">{t('abad.steps.title')}</h2>
        <ol className="steps">
          {STEPS.map((key) => (
            <li key={key}>{t(key)}</li>
          ))}
        </ol>
      </section>
      <p>{hasFamily ? <ButtonLink to="/family">{t('abad.cta.family')}</ButtonLink> : <ButtonLink to="/apply/abad">{t('abad.cta.apply')}</ButtonLink>}</p>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'ABAD · INNOLAND' }, { name: 'description', content: 'ABAD: training, factory shifts, branding and sales for family businesses.' }]

export { RouteErrorBoundary as ErrorBoundary } from '#app/components/route-error-boundary'
