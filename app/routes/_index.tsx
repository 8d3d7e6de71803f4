import { cachedView } from '#app/utils/view-cache.server.ts'
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { missingCalendarYears } from '#app/models/calendar.server.ts'
import { getDataOverview } from '#app/models/overview.server.ts'
import { hasAnyRole, routeAccess } from '#app/utils/access.ts'
import { formatCount, formatDateTime, formatMonth } from '#reports/format.ts'
import { viewContext } from '#app/utils/view.server.ts'
import { todayItems } from '#reports/cockpit/today.server.ts'
import { dueAt } from '#reports/deadlines/engine.ts'
import { loadWorkCalendar } from '#reports/deadlines/rules.server.ts'
import { zoneOffsetMs } from '#reports/time/local-time.ts'
import { labelOf, regime } from '#reports/vocabulary.ts'

export const meta: MetaFunction = () => [{ title: 'Обзор данных — Качество обслуживания' }]

// Everything here comes from watched data, except the week's failed imports (import_batch is not watched: its
// progress is written twice a second). Those are part of an «as of now» view, kept at most a minute (ADR 013),
// and the page cache holds a page no longer than its views (ADR 023): a failed import shows within a minute.
export const handle = { pageCache: true }

/** «на подходе»: due within this many working days (the default of «Сроки») */
const AT_RISK_DAYS = 3

const KIND_TEXT: Record<string, string> = { offices: 'офисы', appeals: 'обращения', calls: 'звонки', visits: 'посещения' }
const STATUS_TEXT: Record<string, string> = { rejected: 'отклонена', failed: 'ошибка', interrupted: 'прервана' }

/** «UTC+3» — the organisation's offset now, for people (the zone's code is a setting, not a text to read). */
function offsetText(zone: string): string {
  const minutes = Math.round(zoneOffsetMs(zone, Date.now()) / 60000)
  const sign = minutes < 0 ? '−' : '+'
  const h = Math.floor(Math.abs(minutes) / 60)
  const m = Math.abs(minutes) % 60
  return `UTC${sign}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`
}

export async function loader({ request }: LoaderFunctionArgs) {
  // the common start of every figure page: access, scope, rollups brought up to date (cached per generation)
  const ctx = await viewContext(request, '_index.tsx')
  const { database, org, scope, user } = ctx
  // one computation per data generation, «as of now» until the next deadline passes (view-cache.server.ts)
  const { overview, missingYears, today } = await cachedView(
    database,
    { view: 'overview', scope, params: { zone: org.time_zone, days: AT_RISK_DAYS }, asOfNow: true },
    async () => {
      const now = new Date()
      const atRiskUntil = dueAt({ amount: AT_RISK_DAYS, unit: 'working_days' }, now, await loadWorkCalendar(database.db, org.id), org.time_zone).due
      const [overview, missingYears, today] = await Promise.all([
        getDataOverview(database.db, scope, org.time_zone),
        missingCalendarYears(database.db, org.id, org.time_zone),
        todayItems(database.db, scope, org.time_zone, now, atRiskUntil),
      ])
      return { overview, missingYears, today }
    },
  )
  // only the links this user may follow (never a link that answers «Недостаточно прав»)
  const may = (route: keyof typeof routeAccess) => hasAnyRole(user.roles, routeAccess[route])
  return {
    org: { name: org.name, offset: offsetText(org.time_zone), regime: org.regime, isDemo: org.is_demo, zone: org.time_zone },
    overview,
    missingYears,
    today,
    may: {
      dashboard: may('dashboard._index.tsx'),
      deadlines: may('deadlines._index.tsx'),
      calls: may('registers.$domain._index.tsx'),
      imports: may('imports._index.tsx'),
      upload: may('imports.upload.ts'),
      calendar: may('calendar._index.tsx'),
      reports: may('reports._index.tsx'),
      surveys: may('surveys._index.tsx'),
    },
  }
}

const LOG_TITLES = {
  appeals: { title: 'Обращения', hint: 'по дате поступления' },
  calls: { title: 'Звонки', hint: 'по началу звонка' },
  visits: { title: 'Посещения офисов', hint: 'по выдаче талона' },
} as const

function Item({
  level,
  label,
  value,
  hint,
  to,
  testId,
}: {
  level: 'attention' | 'watch' | 'ok'
  label: string
  value: string
  hint: string
  to?: string | null
  testId: string
}) {
  return (
    <div className={`item ${level}`} data-testid={testId} data-level={level}>
      <div className="label">{label}</div>
      <div className={/^\d/.test(value) ? 'value' : 'value text'}>{to ? <Link to={to}>{value}</Link> : value}</div>
      <div className="hint">{hint}</div>
    </div>
  )
}

export default function Overview() {
  const { org, overview, missingYears, today, may } = useLoaderData<typeof loader>()
  const empty = overview.logs.every((l) => l.total === 0)
  const yesterday = today.yesterday.split('-').reverse().join('.')
  const lastCall = overview.logs.find((l) => l.log === 'calls')?.last ?? null
  return (
    <>
      <h1>{org.name}</h1>
      <p className="muted">
        {labelOf(regime, org.regime)} · время организации {org.offset}
        {org.isDemo ? ' · демонстрационные данные' : ''}
      </p>
      {overview.scoped ? (
        <p className="notice warn" data-testid="scope-note">
          Показаны данные ваших филиалов: {overview.scopeBranches.join(', ') || 'ни одного филиала не назначено'}. Звонки без филиала видны только пользователям
          со всей организацией.
        </p>
      ) : null}

      <h2>Что посмотреть сегодня</h2>
      <div className="today" data-testid="today">
        <Item
          testId="today-overdue"
          level={today.overdue > 0 ? 'attention' : 'ok'}
          label="Обращения без ответа, срок истёк"
          value={formatCount(today.overdue)}
          hint="на текущий момент, за всё время"
          to={today.overdue > 0 && may.deadlines ? `/deadlines/records?from=2000-01-01&to=${today.today}&outcome=overdue` : null}
        />
        <Item
          testId="today-at-risk"
          level={today.atRisk > 0 ? 'watch' : 'ok'}
          label="На подходе к сроку"
          value={formatCount(today.atRisk)}
          hint={`без ответа, срок в ближайшие ${AT_RISK_DAYS} рабочих дня`}
          to={today.atRisk > 0 && may.deadlines ? `/deadlines/records?outcome=at_risk&days=${AT_RISK_DAYS}` : null}
        />
        <Item
          testId="today-lost-calls"
          level={today.lostYesterday > 0 ? 'watch' : 'ok'}
          label={`Потерянные звонки вчера, ${yesterday}`}
          value={today.offeredYesterday === 0 ? 'звонков не было' : formatCount(today.lostYesterday)}
          hint={
            today.offeredYesterday === 0
              ? lastCall
                ? `последний звонок в журнале — ${formatDateTime(lastCall, org.zone)}`
                : 'журнал звонков пуст'
              : `из ${formatCount(today.offeredYesterday)} поступивших; без коротких сбросов`
          }
          to={
            today.lostYesterday > 0 && may.calls ? `/registers/calls?period=custom&from=${today.yesterday}&to=${today.yesterday}&metric=calls.abandoned` : null
          }
        />
        <Item
          testId="today-imports"
          level={today.failedImports.length ? 'attention' : 'ok'}
          label="Загрузки с ошибкой за неделю"
          value={formatCount(today.failedImports.length)}
          hint={today.failedImports.length ? 'последние — ниже' : 'все загрузки недели завершены'}
          to={today.failedImports.length && may.imports ? '/imports' : null}
        />
        {missingYears.length ? (
          <Item
            testId="calendar-warning"
            level="watch"
            label="Производственный календарь"
            value={`нет ${missingYears.join(' и ')}`}
            hint={
              may.calendar
                ? 'сроки в рабочих днях считаются по пн–пт без праздников — добавьте год'
                : 'сроки в рабочих днях считаются по пн–пт без праздников; год добавляет администратор'
            }
            to={may.calendar ? `/calendar?year=${missingYears[0]}` : null}
          />
        ) : null}
      </div>
      {today.failedImports.length ? (
        <ul className="failed-imports" data-testid="failed-imports">
          {today.failedImports.map((f) => (
            <li key={f.id}>
              {may.imports ? <Link to={`/imports/${f.id}`}>{f.fileName}</Link> : f.fileName} — {KIND_TEXT[f.kind] ?? f.kind}, {STATUS_TEXT[f.status]},{' '}
              {formatDateTime(new Date(f.at), org.zone)}
              {f.message ? <span className="muted"> · {f.message}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}

      <p className="quick-links" data-testid="quick-links">
        {may.dashboard ? <Link to="/dashboard">Показатели и нормативы →</Link> : null}
        {may.deadlines ? <Link to="/deadlines">Сроки ответа →</Link> : null}
        {may.reports ? <Link to="/reports">Отчёты регулятору →</Link> : null}
        {may.surveys ? <Link to="/surveys">Опросы →</Link> : null}
      </p>

      <h2>Загружено</h2>
      <div className="tiles">
        {overview.logs.map((log) => (
          <div className="tile" key={log.log} data-log={log.log}>
            <div className="label">{LOG_TITLES[log.log].title}</div>
            <div className="value">{formatCount(log.total)}</div>
            <div className="hint">{log.total ? `с ${formatDateTime(log.first, org.zone)} по ${formatDateTime(log.last, org.zone)}` : 'нет данных'}</div>
          </div>
        ))}
        <div className="tile">
          <div className="label">Офисы обслуживания</div>
          <div className="value">{formatCount(overview.offices)}</div>
          <div className="hint">филиалов: {formatCount(overview.branches)}</div>
        </div>
      </div>
      {overview.pendingCalls > 0 ? (
        <p className="notice warn">Звонков журнала очереди, которые ждут своего окончания в следующем файле: {formatCount(overview.pendingCalls)}.</p>
      ) : null}
      {empty ? (
        <p className="notice warn">
          Данных пока нет.{' '}
          {may.upload ? (
            <>
              <Link to="/imports">Загрузите</Link> журнал обращений, звонков или очереди.
            </>
          ) : (
            'Журналы загружает оператор или администратор.'
          )}
        </p>
      ) : (
        <details>
          <summary>По месяцам (по местному времени организации)</summary>
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
        </details>
      )}
    </>
  )
}
