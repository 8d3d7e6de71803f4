import type { LinksFunction, MetaFunction } from '@remix-run/node'
import { Links, Meta, NavLink, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useRouteError } from '@remix-run/react'
import type { ReactNode } from 'react'
import styles from './styles.css'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: styles },
  { rel: 'icon', href: '/favicon.ico' },
]

export const meta: MetaFunction = () => [{ title: 'Качество обслуживания' }]

export function Layout({ children }: { children: ReactNode }) {
  return (
    <html lang="ru">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <header className="top">
          <a className="brand" href="/">
            Качество обслуживания
          </a>
          <nav>
            <NavLink to="/" end>
              Обзор данных
            </NavLink>
            <NavLink to="/imports">Загрузка данных</NavLink>
          </nav>
        </header>
        <main>{children}</main>
        <ScrollRestoration />
        <Scripts />
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
