import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useLoaderData } from '@remix-run/react'
import { RouteErrorBoundary } from '#app/components/route-error-boundary'
import { Button, ButtonLink, PageHeader } from '#app/components/ui/index'
import { requireUser } from '#app/utils/auth.server'
import { makeT, useT } from '#app/utils/i18n'
import { pageTitle } from '#app/utils/meta'
import { getLocale } from '#app/utils/session.server'
import { redirectWithToast } from '#app/utils/toast.server'
import { getInvitingFamily, linkUserToFamily, markMemberJoined } from '#models/family.server'
import { consumeToken, peekToken } from '#models/token.server'

/**
 * An adult who already had an account joins the household that invited them. (A new address gets
 * an account invitation instead: /accept-invite.) They must be signed in as the invited account.
 */
async function inspect(request: Request, token: string | undefined) {
  const user = await requireUser(request)
  const found = token ? await peekToken('invite', token) : null
  if (!found) return { user, state: 'invalid' as const, family: null }
  if (String(found.userId) !== String(user._id)) return { user, state: 'other_account' as const, family: null }
  const family = await getInvitingFamily(user._id)
  if (!family || (user.familyId && String(user.familyId) !== String(family._id))) return { user, state: 'invalid' as const, family: null }
  return { user, state: 'ok' as const, family }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { state, family } = await inspect(request, params.token)
  const status = state === 'ok' ? 200 : state === 'invalid' ? 410 : 403
  return data({ state, family: family ? { name: family.name, region: family.region } : null }, { status })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, state, family } = await inspect(request, params.token)
  const t = makeT(await getLocale(request))
  if (state !== 'ok' || !family) return data({ state, family: null }, { status: state === 'invalid' ? 410 : 403 })
  // the token is used once: a second click finds it used and changes nothing
  if (!(await consumeToken('invite', params.token ?? ''))) return data({ state: 'invalid' as const, family: null }, { status: 410 })
  const actor = { _id: user._id, name: user.name }
  if (!(await linkUserToFamily(user._id, family._id, actor))) return data({ state: 'invalid' as const, family: null }, { status: 409 })
  await markMemberJoined(family._id, user._id, actor)
  return redirectWithToast('/family', t('family.join.done', { family: family.name }))
}

export default function JoinFamilyPage() {
  const t = useT()
  const { state, family } = useLoaderData<typeof loader>()
  return (
    <div className="narrow stack">
      <PageHeader title={t('family.join.title')} />
      {state === 'ok' && family ? (
        <Form method="post" className="stack">
          <p>{t('family.join.intro', { family: family.name, region: t(`abad.region.${family.region}`) })}</p>
          <Button type="submit">{t('family.join.submit')}</Button>
        </Form>
      ) : (
        <>
          <p role="alert">{t(state === 'other_account' ? 'family.join.otherAccount' : 'family.join.invalid')}</p>
          <ButtonLink to="/" variant="secondary">
            {t('error.back')}
          </ButtonLink>
        </>
      )}
    </div>
  )
}

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, 'family.join.title')

export function ErrorBoundary() {
  return <RouteErrorBoundary />
}
