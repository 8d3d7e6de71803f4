import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { ROLES, routeAccess, hasAnyRole, type RouteId } from '#app/utils/access.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'
import { GETTING_STARTED } from '#app/utils/getting-started.ts'
import { role as roleVocabulary } from '#reports/vocabulary.ts'

export const meta: MetaFunction = () => [{ title: 'С чего начать — Качество обслуживания' }]

/** The route file of a step's page, to tell whether the user may open it. */
const ROUTE_OF: Record<string, RouteId> = {
  '/': '_index.tsx',
  '/dashboard': 'dashboard._index.tsx',
  '/deadlines': 'deadlines._index.tsx',
  '/surveys': 'surveys._index.tsx',
  '/rules': 'rules._index.tsx',
  '/registers/appeals': 'registers.$domain._index.tsx',
  '/reports': 'reports._index.tsx',
  '/reports/appendix-7/inputs': 'reports.appendix-7.inputs.tsx',
  '/imports': 'imports._index.tsx',
  '/admin/settings': 'admin.settings.tsx',
  '/admin/users': 'admin.users._index.tsx',
  '/calendar': 'calendar._index.tsx',
  '/admin/audit': 'admin.audit.tsx',
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRouteAccess(request, 'help.tsx')
  return { roles: user.roles }
}

export default function Help() {
  const { roles } = useLoaderData<typeof loader>()
  // the user's own roles first; the others below, for who works beside them
  const ordered = [...ROLES.filter((r) => roles.includes(r)), ...ROLES.filter((r) => !roles.includes(r))]
  return (
    <>
      <h1>С чего начать</h1>
      <p className="muted">
        Что делать в первый день, по ролям. Ваши роли: {roles.map((r) => roleVocabulary[r].label).join(', ')}. Описание форматов файлов — на странице{' '}
        <a href="/imports/formats">«Форматы файлов»</a>.
      </p>
      {ordered.map((r) => {
        const guide = GETTING_STARTED[r]
        const mine = roles.includes(r)
        return (
          <section key={r} className="card" data-testid={`help-${r}`} data-mine={mine ? 'yes' : 'no'}>
            <h2>
              {guide.title}
              {mine ? ' — ваша роль' : ''}
            </h2>
            <ol>
              {guide.steps.map((s) => {
                const route = ROUTE_OF[s.to]
                const allowed = !route || hasAnyRole(roles, routeAccess[route])
                return (
                  <li key={s.page + s.to}>
                    {allowed ? s.to === '/imports/formats' ? <a href={s.to}>{s.page}</a> : <Link to={s.to}>{s.page}</Link> : <strong>{s.page}</strong>}:{' '}
                    {s.text}
                  </li>
                )
              })}
            </ol>
          </section>
        )
      })}
    </>
  )
}
