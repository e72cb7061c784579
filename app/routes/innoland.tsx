import type { MetaFunction } from '@remix-run/node'
import { ButtonLink, PageHeader } from '#app/components/ui/index'
import { useT } from '#app/utils/i18n'

const OFFERS = ['innoland.offer.programmes', 'innoland.offer.mentors', 'innoland.offer.desks', 'innoland.offer.events'] as const

export default function InnolandPage() {
  const t = useT()
  return (
    <div className="stack">
      <PageHeader title={t('innoland.page.title')} description={t('innoland.page.lead')} />
      <section aria-labelledby="innoland-offer">
        <h2 id="innoland-offer">{t('innoland.offer.title')}</h2>
        <ul>
          {OFFERS.map((key) => (
            <li key={key}>{t(key)}</li>
          ))}
        </ul>
      </section>
      <p>{t('innoland.soon')}</p>
      <p>
        <ButtonLink to="/signup">{t('innoland.cta.signup')}</ButtonLink>
      </p>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'INNOLAND · ABAD · INNOLAND' }, { name: 'description', content: 'INNOLAND incubation and acceleration centre.' }]
