import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import {
  Form,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useMatches,
  useNavigation,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react'
import { type ReactNode, useEffect } from 'react'
import { useNonce } from '#app/components/nonce.tsx'
import { hasAnyRole, routeAccess } from '#app/utils/access.ts'
import { getUser } from '#app/utils/auth.server.ts'
import { labelOf, role } from '#reports/vocabulary.ts'
import styles from './styles.css'

// the root shows only the signed-in user, whom the page cache checks on every answer (ADR 023)
export const handle = { pageCache: true }

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getUser(request)
  return { user: user ? { fullName: user.fullName, login: user.login, roles: user.roles } : null }
}

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: styles },
  { rel: 'icon', href: '/favicon.ico' },
]

export const meta: MetaFunction = () => [{ title: 'Качество обслуживания' }]

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce()
  const data = useRouteLoaderData<typeof loader>('root')
  const user = data?.user ?? null
  // a consumer's survey page (handle `bare`) shows no product header and no menu
  const bare = useMatches().some((m) => (m.handle as { bare?: boolean } | undefined)?.bare)
  // marks the page as interactive: browser tests wait for it before changing a form React will hydrate
  useEffect(() => {
    document.documentElement.dataset.hydrated = 'true'
  }, [])
  const may = (route: keyof typeof routeAccess) => user !== null && hasAnyRole(user.roles, routeAccess[route])
  // the global pending state: while the next page (a filter's «Показать», a link, a form) is on its way the
  // figures on screen belong to the previous request — dimmed and marked, never read as the new ones
  const navigation = useNavigation()
  const pending = navigation.state !== 'idle'
  return (
    <html lang="ru">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className={bare ? 'bare' : undefined}>
        {bare ? null : (
          <header className="top">
            <a className="brand" href="/">
              Качество обслуживания
            </a>
            {user ? (
              <>
                <nav>
                  <NavLink to="/" end>
                    Обзор данных
                  </NavLink>
                  {may('dashboard._index.tsx') ? <NavLink to="/dashboard">Показатели</NavLink> : null}
                  {may('registers.$domain._index.tsx') ? <NavLink to="/registers/appeals">Журналы</NavLink> : null}
                  {may('imports._index.tsx') ? <NavLink to="/imports">Загрузка данных</NavLink> : null}
                  {may('deadlines._index.tsx') ? <NavLink to="/deadlines">Сроки</NavLink> : null}
                  {may('worklist._index.tsx') ? <NavLink to="/worklist">Список дел</NavLink> : null}
                  {may('reports._index.tsx') ? <NavLink to="/reports">Отчёты</NavLink> : null}
                  {may('surveys._index.tsx') ? <NavLink to="/surveys">Опросы</NavLink> : null}
                  {may('rules._index.tsx') ? <NavLink to="/rules">Правила сроков</NavLink> : null}
                  {may('calendar._index.tsx') ? <NavLink to="/calendar">Календарь</NavLink> : null}
                  {may('admin.users._index.tsx') ? <NavLink to="/admin/users">Пользователи</NavLink> : null}
                  {may('admin.settings.tsx') ? <NavLink to="/admin/settings">Организация</NavLink> : null}
                  {may('admin.tokens.tsx') ? <NavLink to="/admin/tokens">Токены</NavLink> : null}
                  {may('admin.audit.tsx') ? <NavLink to="/admin/audit">Журнал аудита</NavLink> : null}
                  {may('mail._index.tsx') ? <NavLink to="/mail">Почта</NavLink> : null}
                </nav>
                <div className="who">
                  <span data-testid="user" title={user.roles.map((r) => labelOf(role, r)).join(', ')}>
                    {user.fullName}
                  </span>
                  <span className="muted roles"> · {user.roles.map((r) => labelOf(role, r)).join(', ')}</span>
                  <Link to="/help" title="С чего начать: что делать в продукте вашей роли">
                    Справка
                  </Link>
                  <Form method="post" action="/logout">
                    <button type="submit" className="link">
                      Выйти
                    </button>
                  </Form>
                </div>
              </>
            ) : null}
          </header>
        )}
        {pending ? (
          <div className="pending-badge" role="status" data-testid="pending">
            {navigation.state === 'submitting' ? 'выполняется…' : 'обновляется…'}
          </div>
        ) : null}
        <main className={pending ? 'pending' : undefined} aria-busy={pending || undefined}>
          {children}
        </main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

export default function App() {
  return <Outlet />
}

export function ErrorBoundary() {
  const error = useRouteError()
  if (isRouteErrorResponse(error)) {
    const title = error.status === 404 ? 'Страница не найдена' : error.status === 403 ? 'Недостаточно прав' : `Ошибка ${error.status}`
    return (
      <section className="error">
        <h1>{title}</h1>
        {typeof error.data === 'string' && error.data ? <p>{error.data}</p> : null}
        <p>
          <a href="/">На главную</a>
        </p>
      </section>
    )
  }
  return (
    <section className="error">
      <h1>Что-то пошло не так</h1>
      <p>Произошла внутренняя ошибка. Попробуйте обновить страницу; если ошибка повторяется, сообщите администратору.</p>
    </section>
  )
}
