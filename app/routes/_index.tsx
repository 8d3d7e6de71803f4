import { cachedView } from '#app/utils/view-cache.server.ts'
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { missingCalendarYears } from '#app/models/calendar.server.ts'
import { getDataOverview } from '#app/models/overview.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { getScope, requireRouteAccess } from '#app/utils/auth.server.ts'
import { formatCount, formatDateTime, formatMonth } from '#app/utils/format.ts'
import { labelOf, regime } from '#reports/vocabulary.ts'
import { zoneLabel } from '#app/utils/zones.ts'

export const meta: MetaFunction = () => [{ title: 'Обзор данных — Качество обслуживания' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRouteAccess(request, '_index.tsx')
  const { database, org } = await getAppContext()
  const scope = getScope(user)
  // one scan of the logs per data generation (view-cache.server.ts); the calendar is data too
  const { overview, missingYears } = await cachedView(database, { view: 'overview', scope, params: { zone: org.time_zone, year: new Date().getUTCFullYear() } }, async () => ({
    overview: await getDataOverview(database.db, scope, org.time_zone),
    missingYears: await missingCalendarYears(database.db, org.id, org.time_zone),
  }))
  return { org: { name: org.name, zone: org.time_zone, regime: org.regime, isDemo: org.is_demo }, overview, missingYears }
}

const LOG_TITLES = {
  appeals: { title: 'Обращения', hint: 'по дате поступления' },
  calls: { title: 'Звонки', hint: 'по началу звонка' },
  visits: { title: 'Посещения офисов', hint: 'по выдаче талона' },
} as const

export default function Overview() {
  const { org, overview, missingYears } = useLoaderData<typeof loader>()
  const empty = overview.logs.every((l) => l.total === 0)
  return (
    <>
      <h1>{org.name}</h1>
      <p className="muted">
        {labelOf(regime, org.regime)} · часовой пояс {zoneLabel(org.zone)}
        {org.isDemo ? ' · демонстрационные данные' : ''}
      </p>
      {missingYears.length ? (
        <p className="notice warn" data-testid="calendar-warning">
          В производственном календаре нет {missingYears.join(' и ')} года: сроки в рабочих днях для этих дат считаются по
          пн–пт без праздников. Администратор может добавить год на странице «Календарь».
        </p>
      ) : null}
      {overview.scoped ? (
        <p className="notice warn" data-testid="scope-note">
          Показаны данные ваших филиалов: {overview.scopeBranches.join(', ') || 'ни одного филиала не назначено'}. Звонки
          без филиала видны только пользователям со всей организацией.
        </p>
      ) : null}
      <div className="tiles">
        {overview.logs.map((log) => (
          <div className="tile" key={log.log} data-log={log.log}>
            <div className="label">{LOG_TITLES[log.log].title}</div>
            <div className="value">{formatCount(log.total)}</div>
            <div className="hint">
              {log.total ? `с ${formatDateTime(log.first, org.zone)} по ${formatDateTime(log.last, org.zone)}` : 'нет данных'}
            </div>
          </div>
        ))}
        <div className="tile">
          <div className="label">Офисы обслуживания</div>
          <div className="value">{formatCount(overview.offices)}</div>
          <div className="hint">филиалов: {formatCount(overview.branches)}</div>
        </div>
      </div>
      {overview.pendingCalls > 0 ? (
        <p className="notice warn">
          Звонков из журнала queue_log, ожидающих окончания в следующем файле: {formatCount(overview.pendingCalls)}.
        </p>
      ) : null}
      {empty ? (
        <p className="notice warn">
          Данных пока нет. <Link to="/imports">Загрузите</Link> журнал обращений, звонков или очереди.
        </p>
      ) : (
        <>
          <h2>По месяцам</h2>
          <p className="muted">Месяц определяется по местному времени организации ({zoneLabel(org.zone)}).</p>
          <table>
            <thead>
              <tr>
                <th>Месяц</th>
                <th className="num">Обращения</th>
                <th className="num">Звонки</th>
                <th className="num">Посещения</th>
              </tr>
            </thead>
            <tbody>
              {overview.months.map((m) => (
                <tr key={m.month}>
                  <td>{formatMonth(m.month)}</td>
                  <td className="num">{formatCount(m.appeals)}</td>
                  <td className="num">{formatCount(m.calls)}</td>
                  <td className="num">{formatCount(m.visits)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  )
}
