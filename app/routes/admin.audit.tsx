import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { Pager } from '#app/components/pager.tsx'
import { AUDIT_PAGE_SIZE, listAudit } from '#app/models/audit.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'
import { formatDateTime } from '#app/utils/format.ts'
import { pageParam } from '#app/utils/page-param.ts'

export const meta: MetaFunction = () => [{ title: 'Журнал аудита — Качество обслуживания' }]

const ACTIONS: Record<string, string> = {
  login: 'вход',
  'login.failed': 'неудачный вход',
  'login.blocked': 'вход заблокирован (много попыток)',
  logout: 'выход',
  import: 'загрузка данных',
  export: 'выгрузка файла',
  'user.create': 'создан пользователь',
  'user.update': 'изменён пользователь',
  'settings.update': 'изменены настройки',
  demo: 'пересозданы демо-данные',
  'token.create': 'выпущен токен интеграции',
  'token.revoke': 'отозван токен интеграции',
  'token.use': 'использован токен интеграции (API)',
  'token.refused': 'отказано токену интеграции',
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'admin.audit.tsx')
  const page = pageParam(request)
  const { database, org } = await getAppContext()
  const { rows, total } = await listAudit(database.db, org.id, page)
  return { rows, total, page, pageSize: AUDIT_PAGE_SIZE, zone: org.time_zone }
}

export default function Audit() {
  const { rows, total, page, pageSize, zone } = useLoaderData<typeof loader>()
  return (
    <>
      <h1>Журнал аудита</h1>
      <table data-testid="audit">
        <thead>
          <tr>
            <th>Когда</th>
            <th>Кто</th>
            <th>Действие</th>
            <th>Объект</th>
            <th>Подробности</th>
            <th>Адрес</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.id}>
              <td>{formatDateTime(e.at, zone)}</td>
              <td>{e.actor}</td>
              <td data-action={e.action}>{ACTIONS[e.action] ?? e.action}</td>
              <td>{e.object ?? ''}</td>
              <td>
                <code>{Object.keys(e.details).length ? JSON.stringify(e.details) : ''}</code>
              </td>
              <td>{e.ip ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={page} total={total} pageSize={pageSize} />
    </>
  )
}
