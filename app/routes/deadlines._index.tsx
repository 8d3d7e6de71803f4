import { cachedView } from '#app/utils/view-cache.server.ts'
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { getScope, requireRouteAccess } from '#app/utils/auth.server.ts'
import { deadlineQuery } from '#app/utils/deadline-params.ts'
import { deadlineParamsFor } from '#app/utils/deadline-view.server.ts'
import { formatCount, formatDateTime, formatDuration } from '#reports/format.ts'
import { termText } from '#app/utils/deadline-labels.ts'
import { Definitions, MetricTh } from '#app/components/metric-text.tsx'
import { appealComplianceOfView, listAppealsForDeadlines } from '#reports/deadlines/compliance.server.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import { computeNormFigures, loadNormRules } from '#reports/deadlines/norms.server.ts'
import { dueAt } from '#reports/deadlines/engine.ts'
import { loadWorkCalendar } from '#reports/deadlines/rules.server.ts'
import { type MetricId, metricCatalog } from '#reports/metrics/catalog.ts'

export const meta: MetaFunction = () => [{ title: 'Сроки — Качество обслуживания' }]

// everything this page shows comes from watched data: whole pages may be answered from the page cache (ADR 023)
export const handle = { pageCache: true }

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRouteAccess(request, 'deadlines._index.tsx')
  const scope = getScope(user)
  const { database, org } = await getAppContext()
  const params = await deadlineParamsFor(request, database.db, scope, org.time_zone)
  // kept per data generation; «as of now» until the next deadline passes (view-cache.server.ts)
  const { rules, norms, atRisk } = await cachedView(
    database,
    { view: 'deadlines', scope, params: { period: params.period, asOf: params.asOfText, days: params.days }, asOfNow: params.asOfText === null },
    async () => {
      const calendar = await loadWorkCalendar(database.db, org.id)
      const atRiskUntil = dueAt({ amount: params.days, unit: 'working_days' }, params.asOf, calendar, org.time_zone).due
      await refreshRollups(database, org.id)
      const [rules, atRisk] = await Promise.all([
        appealComplianceOfView(database.db, scope, params.period, params.asOf, org.time_zone),
        listAppealsForDeadlines(database.db, scope, { asOf: params.asOf, atRiskUntil }, 1),
      ])
      const norms = []
      for (const rule of await loadNormRules(database.db, org.id)) {
        const f = await computeNormFigures(database.db, scope, params.period, params.asOf, rule)
        norms.push({
          id: rule.id,
          code: rule.code,
          name: rule.name,
          appliesTo: rule.appliesTo,
          amount: rule.amount,
          unit: rule.unit,
          isAverage: rule.isAverage,
          missingStop: rule.missingStop,
          records: f.records,
          within: f.within,
          beyond: f.beyond,
          missing: f.missing,
          withinShare: f.withinShare,
          meanSeconds: f.meanSeconds,
          meanMet: f.meanMet,
        })
      }
      return { rules, norms, atRisk }
    },
  )
  return {
    rules,
    norms,
    atRisk: atRisk.total,
    query: deadlineQuery(params),
    params: { from: params.period.from, to: params.period.to, asOf: params.asOfText, asOfShown: formatDateTime(params.asOf, org.time_zone), days: params.days },
  }
}

const COLUMNS: { id: MetricId; key: 'dueInPeriod' | 'onTime' | 'late' | 'overdue' | 'open'; outcome?: string }[] = [
  { id: 'appeals.due_in_period', key: 'dueInPeriod' },
  { id: 'appeals.on_time', key: 'onTime', outcome: 'on_time' },
  { id: 'appeals.late', key: 'late', outcome: 'late' },
  { id: 'appeals.overdue', key: 'overdue', outcome: 'overdue' },
  { id: 'appeals.open', key: 'open', outcome: 'open' },
]

const NORM_COLUMNS = [
  'norms.records',
  'norms.within',
  'norms.beyond',
  'norms.missing',
  'norms.within_share',
  'norms.mean',
] as const satisfies readonly MetricId[]

export default function Deadlines() {
  const { rules, norms, atRisk, query, params } = useLoaderData<typeof loader>()
  const share = metricCatalog['appeals.on_time_share']
  const risk = metricCatalog['appeals.at_risk']
  return (
    <>
      <h1>Сроки ответа на обращения</h1>
      <Form method="get" className="card" style={{ display: 'flex', gap: '1rem', flexWrap: 'wrap', alignItems: 'end' }}>
        <label>
          Срок истёк с <input type="date" name="from" defaultValue={params.from} />
        </label>
        <label>
          по <input type="date" name="to" defaultValue={params.to} />
        </label>
        <label>
          По состоянию на (конец дня; пусто — сейчас) <input type="date" name="asOf" defaultValue={params.asOf ?? ''} />
        </label>
        <label>
          «На подходе»: рабочих дней <input type="number" name="days" min={1} max={30} defaultValue={params.days} style={{ width: '4rem' }} />
        </label>
        <button type="submit">Показать</button>
      </Form>
      <p className="muted">По состоянию на {params.asOfShown}.</p>
      <div className="tiles">
        <Link className="tile" to={`/deadlines/records?${query}&outcome=at_risk`} title={risk.definition} data-testid="at-risk">
          <div className="label">
            {risk.label} ({params.days} раб. дн.)
          </div>
          <div className="value">{formatCount(atRisk)}</div>
          <div className="hint">{risk.definition}</div>
        </Link>
      </div>
      <table data-testid="compliance">
        <thead>
          <tr>
            <th>Правило</th>
            {COLUMNS.map((c) => (
              <MetricTh key={c.id} id={c.id} />
            ))}
            <th className="num" title={share.definition}>
              {share.label}
            </th>
          </tr>
        </thead>
        <tbody>
          {rules.length === 0 ? (
            <tr>
              <td colSpan={COLUMNS.length + 2} className="muted">
                В этом периоде ни у одного обращения не истёк срок.
              </td>
            </tr>
          ) : null}
          {rules.map((r) => (
            <tr key={r.ruleId} data-rule={r.code}>
              <td>{r.name}</td>
              {COLUMNS.map((c) => (
                <td key={c.id} className="num">
                  <Link to={`/deadlines/records?${query}&rule=${r.ruleId}${c.outcome ? `&outcome=${c.outcome}` : ''}`}>{formatCount(r[c.key])}</Link>
                </td>
              ))}
              <td className="num">{r.onTimeShare === null ? '—' : `${(r.onTimeShare * 100).toLocaleString('ru-RU', { maximumFractionDigits: 1 })} %`}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Нормативы звонков и посещений</h2>
      <p className="muted">Записи, чьё начальное событие (начало звонка, выдача талона) попало в период.</p>
      <table data-testid="norms">
        <thead>
          <tr>
            <th>Норматив</th>
            {NORM_COLUMNS.map((id) => (
              <MetricTh key={id} id={id} />
            ))}
          </tr>
        </thead>
        <tbody>
          {norms.map((n) => (
            <tr key={n.id} data-rule={n.code}>
              <td>
                {n.name}
                <div className="muted">
                  {n.isAverage ? 'в среднем ' : ''}не более {termText(n.amount, n.unit, true)}
                </div>
              </td>
              <td className="num">
                <Link to={`/deadlines/norms/${n.id}?${query}`}>{formatCount(n.records)}</Link>
              </td>
              {(['within', 'beyond', 'missing'] as const).map((k) => (
                <td key={k} className="num">
                  <Link to={`/deadlines/norms/${n.id}?${query}&outcome=${k}`}>{formatCount(n[k])}</Link>
                  {k === 'missing' && n.missingStop === 'exclude' && n.missing ? <div className="muted">не оцениваются</div> : null}
                </td>
              ))}
              <td className="num">{n.withinShare === null ? '—' : `${(n.withinShare * 100).toLocaleString('ru-RU', { maximumFractionDigits: 1 })} %`}</td>
              <td className="num">
                {formatDuration(n.meanSeconds)}
                {n.isAverage && n.meanMet !== null ? (
                  <div className={n.meanMet ? 'status-done' : 'status-rejected'}>{n.meanMet ? 'соблюдён' : 'не соблюдён'}</div>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Определения</h2>
      {/* the figures of this page (the catalog also holds the dashboard's) */}
      <Definitions ids={[...COLUMNS.map((c) => c.id), 'appeals.on_time_share', 'appeals.at_risk', ...NORM_COLUMNS]} />
    </>
  )
}
