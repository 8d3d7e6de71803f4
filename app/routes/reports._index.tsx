import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'
import { type RouteId, hasAnyRole, routeAccess } from '#app/utils/access.ts'
import { labelOf, regime } from '#reports/vocabulary.ts'
import { REPORTS } from '#reports/registry.server.ts'

export const meta: MetaFunction = () => [{ title: 'Отчёты — Качество обслуживания' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRouteAccess(request, 'reports._index.tsx')
  const { org } = await getAppContext()
  // the cards come from the report registry (reports/registry.server.ts): a new report with a card shows here by itself
  const cards = REPORTS.flatMap((r) => ('card' in r && r.card ? [{ id: r.id, title: r.title, href: r.card.href, text: r.card.text, formats: r.formats }] : []))
  // every other file of the registry the user may download, and where (the same list as `npm run cli -- report`)
  const files = REPORTS.flatMap((r) =>
    !('card' in r && r.card) && hasAnyRole(user.roles, routeAccess[r.page as RouteId])
      ? [{ id: r.id, title: r.title, from: 'from' in r ? (r.from ?? '') : '', formats: r.formats }]
      : [],
  )
  return { regime: org.regime, regimeLabel: labelOf(regime, org.regime), cards, files }
}

export default function Reports() {
  const { regime, regimeLabel, cards, files } = useLoaderData<typeof loader>()
  return (
    <>
      <h1>Отчёты для регулятора</h1>
      <p className="muted">Режим организации: {regimeLabel}.</p>
      <ul className="cards">
        {cards.map((c) => (
          <li key={c.id} className="card" data-report={c.id}>
            <h2>
              <Link to={c.href}>{c.title}</Link>
            </h2>
            <p>
              {c.text}
              {c.id === 'supplier-standard' && regime === 'network'
                ? ' У организации режим «сетевая организация»: нормативы гарантирующего поставщика обычно выключены.'
                : ''}
            </p>
            <p className="muted">Файлы: {c.formats.map((f) => f.toUpperCase()).join(', ')}.</p>
          </li>
        ))}
        <li className="card">
          <h2>
            <Link to="/reports/policies">Правила классификации для отчётов</Link>
          </h2>
          <p>Как считать формы обслуживания по каналам, повторные обращения, звонки и посетителей в Приложении 7; формула динамики.</p>
        </li>
      </ul>
      <h2>Другие файлы</h2>
      <p className="muted">Скачиваются со своих страниц, с теми же отбором и правами доступа, что и страница.</p>
      <table data-testid="registry-files">
        <thead>
          <tr>
            <th>Файл</th>
            <th>Где скачать</th>
            <th>Форматы</th>
          </tr>
        </thead>
        <tbody>
          {files.map((f) => (
            <tr key={f.id} data-report={f.id}>
              <td>{f.title}</td>
              <td>{f.from}</td>
              <td>{f.formats.map((x) => x.toUpperCase()).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
