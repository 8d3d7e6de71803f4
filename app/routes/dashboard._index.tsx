import { cachedView } from '#app/utils/view-cache.server.ts'
import { type LogKind, periodCoverage, periodWarnings } from '#reports/appendix-7/coverage.server.ts'
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { StackedBars, TrendLine } from '#app/components/charts.tsx'
import { Breakdown, figureLink } from '#app/components/breakdown.tsx'
import { Definitions } from '#app/components/metric-text.tsx'
import { MetricTile } from '#app/components/metric-tile.tsx'
import { ViewFilter } from '#app/components/view-filter.tsx'
import { formatDuration } from '#app/utils/format.ts'
import { filterOptions, viewContext } from '#app/utils/view.server.ts'
import type { MetricId } from '#reports/metrics/catalog.ts'
import { BREAKDOWN_COLUMNS, DASHBOARD_METRICS, DASHBOARD_TILES } from '#reports/metrics/dashboard-layout.ts'
import { buildDashboard } from '#reports/metrics/dashboard-view.server.ts'
import { periodLabel, viewQuery } from '#reports/metrics/view.ts'
import { appealForm } from '#reports/vocabulary.ts'

export const meta: MetaFunction = () => [{ title: 'Показатели — Качество обслуживания' }]

// everything this page shows comes from watched data: whole pages may be answered from the page cache (ADR 023)
export const handle = { pageCache: true }

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await viewContext(request, 'dashboard._index.tsx')
  const { view } = ctx
  // as of now: kept until the data changes or the next deadline passes (view-cache.server.ts)
  const { data, coverage } = await cachedView(ctx.database, { view: 'dashboard', scope: ctx.scope, params: view, asOfNow: true }, async () => {
    const [data, current, previous] = await Promise.all([
      buildDashboard(ctx.database.db, ctx.scope, view, ctx.asOf, ctx.params, ctx.offices),
      periodCoverage(ctx.database.db, ctx.scope, view.period, ctx.asOf, ctx.org.time_zone),
      periodCoverage(ctx.database.db, ctx.scope, view.previous, ctx.asOf, ctx.org.time_zone),
    ])
    // a log without records in the period (or the year before) is «нет данных», never 0
    const noData = Object.fromEntries(current.map((c) => [c.log, !c.any])) as Record<LogKind, boolean>
    const noDataBefore = Object.fromEntries(previous.map((c) => [c.log, !c.any])) as Record<LogKind, boolean>
    return { data, coverage: { noData, noDataBefore, warnings: periodWarnings(current, previous) } }
  })
  return {
    data,
    coverage,
    query: viewQuery(view),
    periodText: periodLabel(view),
    previousText: `${view.previous.from.split('-').reverse().join('.')} — ${view.previous.to.split('-').reverse().join('.')}`,
    view: { kind: view.kind, year: view.year, quarter: view.quarter, month: view.month, from: view.period.from, to: view.period.to, filter: view.filter },
    options: filterOptions(ctx),
  }
}

export default function Dashboard() {
  const { data, coverage, query, periodText, previousText, view, options } = useLoaderData<typeof loader>()
  const link = figureLink(query)
  const logOf = (id: MetricId) => id.split('.')[0] as LogKind
  const tile = (id: MetricId, block: { current: Partial<Record<MetricId, number | null>>; previous: Partial<Record<MetricId, number | null>> }) => (
    <MetricTile
      key={id}
      id={id}
      value={block.current[id]}
      before={block.previous[id]}
      to={link(id, {}) ?? undefined}
      noData={coverage.noData[logOf(id)] ?? false}
      noDataBefore={coverage.noDataBefore[logOf(id)] ?? false}
    />
  )
  const p = data.params
  return (
    <>
      <h1>Показатели качества обслуживания</h1>
      <ViewFilter view={view} options={options} />
      <p className="muted">
        {periodText}; сравнение — с тем же периодом год назад ({previousText}). Сроки ответа — по состоянию на текущий момент.{' '}
        <a href={`/dashboard.xlsx?${query}`} download data-testid="download">
          Скачать XLSX
        </a>
      </p>

      {coverage.warnings.length > 0 && (
        <div className="notice warn" data-testid="coverage-warnings">
          {coverage.warnings.map((w) => (
            <p key={w}>{w}</p>
          ))}
        </div>
      )}

      <h2>Обращения</h2>
      <div className="tiles" data-testid="appeal-tiles">
        {DASHBOARD_TILES.appeals.map((id) => tile(id, data.appeals))}
      </div>
      <div className="charts">
        <StackedBars
          id="chart-appeals-by-form"
          title="Поступило обращений по формам обслуживания"
          data={data.series.appealsByForm}
          series={Object.entries(appealForm).map(([key, term]) => ({ key, label: term.label }))}
        />
        <TrendLine id="chart-on-time" title="Доля ответов в срок" data={data.series.onTimeShare} unit="share" />
      </div>
      <Breakdown caption="По формам обслуживания" metrics={BREAKDOWN_COLUMNS.appeals} rows={data.appeals.byForm} linkFor={link} testId="appeals-by-form" />
      <Breakdown caption="По темам" metrics={BREAKDOWN_COLUMNS.appeals} rows={data.appeals.byTopic} linkFor={link} testId="appeals-by-topic" />

      <h2>Телефонные линии</h2>
      {data.calls.notApplicable ? (
        <p className="muted" data-testid="calls-na">
          {data.calls.notApplicable}
        </p>
      ) : (
        <>
          <p className="muted">
            Порог короткого сброса: {formatDuration(p.shortAbandonSeconds)}; порог уровня обслуживания: {formatDuration(p.serviceLevelSeconds)}{' '}
            ({p.serviceLevelSource === 'organisation' ? 'настройка организации' : p.serviceLevelSource === 'rule' ? 'из правила ответа на звонок' : 'по умолчанию'}); норматив
            перезвона: {p.callbackSeconds === null ? 'не задан' : formatDuration(p.callbackSeconds)}.
          </p>
          <div className="tiles" data-testid="call-tiles">
            {DASHBOARD_TILES.calls.map(
              (id) => tile(id, data.calls),
            )}
          </div>
          <div className="charts">
            <TrendLine id="chart-service-level" title="Уровень обслуживания" data={data.series.serviceLevel} unit="share" />
          </div>
          <Breakdown caption="По категориям приложения 4" metrics={BREAKDOWN_COLUMNS.calls} rows={data.calls.byCategory} linkFor={link} testId="calls-by-category" />
          <Breakdown caption="По линиям" metrics={BREAKDOWN_COLUMNS.callLines} rows={data.calls.byLine} linkFor={link} testId="calls-by-line" />
        </>
      )}

      <h2>Офисы обслуживания</h2>
      {data.visits.notApplicable ? (
        <p className="muted" data-testid="visits-na">
          {data.visits.notApplicable}
        </p>
      ) : (
        <>
          <div className="tiles" data-testid="visit-tiles">
            {DASHBOARD_TILES.visits.map((id) => tile(id, data.visits))}
          </div>
          <div className="charts">
            <TrendLine id="chart-visit-wait" title="Среднее ожидание в очереди" data={data.series.visitWait} unit="minutes" norm={data.waitNormMinutes} />
          </div>
          <Breakdown caption="По офисам и услугам" metrics={BREAKDOWN_COLUMNS.visits} rows={data.visits.byOffice} linkFor={link} testId="visits-by-office" />
        </>
      )}

      <h2>Оценки потребителей</h2>
      <p className="muted">
        Анкеты <Link to={`/surveys?${query}`}>опросов</Link> за тот же период и с теми же фильтрами — рядом с показателями обслуживания той же формы и того же офиса.
      </p>
      <div className="tiles" data-testid="survey-tiles">
        {DASHBOARD_TILES.surveys.map((id) => tile(id, data.surveys))}
      </div>
      <Breakdown caption="Оценки и обслуживание по формам" metrics={BREAKDOWN_COLUMNS.surveyForms} rows={data.surveys.byForm} linkFor={link} testId="surveys-by-form" />
      <Breakdown caption="Оценки и обслуживание по офисам" metrics={BREAKDOWN_COLUMNS.surveyOffices} rows={data.surveys.byOffice} linkFor={link} testId="surveys-by-office" />

      <h2>Определения</h2>
      <Definitions ids={DASHBOARD_METRICS} />
    </>
  )
}
