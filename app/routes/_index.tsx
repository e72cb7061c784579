import type { MetaFunction } from '@remix-run/node'
import { Link } from '@remix-run/react'
import { useT } from '#app/utils/i18n'

export const meta: MetaFunction = () => [{ title: 'ABAD · INNOLAND' }, { name: 'description', content: 'ABAD family businesses, INNOLAND start-ups and the ethno-boutique on one platform.' }]

export default function Index() {
  const t = useT()
  return (
    <div className="home">
      <h1>{t('home.title')}</h1>
      <p className="lead">{t('app.tagline')}</p>
      <div className="cards">
        <section className="card" aria-labelledby="abad-title">
          <h2 id="abad-title">{t('home.abad.title')}</h2>
          <p>{t('home.abad.body')}</p>
          <Link className="button" to="/apply/abad">
            {t('home.cta.apply')}
          </Link>
        </section>
        <section className="card" aria-labelledby="innoland-title">
          <h2 id="innoland-title">{t('home.innoland.title')}</h2>
          <p>{t('home.innoland.body')}</p>
        </section>
        <section className="card" aria-labelledby="boutique-title">
          <h2 id="boutique-title">{t('home.boutique.title')}</h2>
          <p>{t('home.boutique.body')}</p>
          <Link className="button secondary" to="/shop">
            {t('home.cta.shop')}
          </Link>
        </section>
      </div>
    </div>
  )
}
