import { cachedView } from '#app/utils/view-cache.server.ts'
import { type LogKind, periodCoverage, periodWarnings } from '#reports/appendix-7/coverage.server.ts'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { ShareBars, StackedBars, TrendLine, WIDE } from '#app/components/charts.tsx'
import { Breakdown, figureLink } from '#app/components/breakdown.tsx'
import { DownloadLink } from '#app/components/download-link.tsx'
import { Definitions } from '#app/components/metric-text.tsx'
import { MetricTile } from '#app/components/metric-tile.tsx'
import { HeatMap, NormTiles, WorstList } from '#app/components/cockpit.tsx'
import { SavedViews } from '#app/components/saved-views.tsx'
import { ViewFilter } from '#app/components/view-filter.tsx'
import { formatDuration } from '#reports/format.ts'
import { filterOptions, viewContext } from '#app/utils/view.server.ts'
import { listSavedViews, savedViewAction } from '#app/models/saved-view.server.ts'
import type { MetricId } from '#reports/metrics/catalog.ts'
import { BREAKDOWN_COLUMNS, DASHBOARD_METRICS, DASHBOARD_TILES } from '#reports/metrics/dashboard-layout.ts'
import { buildCockpit } from '#reports/cockpit/cockpit.server.ts'
import { COMPARE_LABEL, readCompare, withComparison } from '#reports/cockpit/compare.ts'
import { contradictions } from '#reports/cockpit/filters.ts'
import { LOST_METRICS, lostCallsOfView } from '#reports/callbacks/callbacks.server.ts'
import { periodLabel, viewQuery } from '#reports/metrics/view.ts'
import { appealForm } from '#reports/vocabulary.ts'

export const meta: MetaFunction = () => [{ title: 'Показатели — Качество обслуживания' }]

const WEEKDAYS = ['пн', 'вт', 'ср', 'чт', 'пт', 'сб', 'вс']

// everything this page shows comes from watched data (saved views too: migration 0014 watches them), so whole
// pages may be answered from the page cache (ADR 023)
export const handle = { pageCache: true }

export async function loader({ request }: LoaderFunctionArgs) {
  const ctx = await viewContext(request, 'dashboard._index.tsx')
  const search = new URL(request.url).searchParams
  const compare = readCompare(search)
  const view = withComparison(ctx.view, compare, ctx.org.time_zone)
  const query = viewQuery(view, { compare: compare === 'year' ? 'year' : undefined })
  const base = {
    query,
    compare,
    periodText: periodLabel(view),
    previousText: `${view.previous.from.split('-').reverse().join('.')} — ${view.previous.to.split('-').reverse().join('.')}`,
    view: { kind: view.kind, year: view.year, quarter: view.quarter, month: view.month, from: view.period.from, to: view.period.to, filter: view.filter },
    options: filterOptions(ctx),
    saved: await listSavedViews(ctx.database.db, ctx.user.id),
  }
  // a choice that contradicts itself (an office of another branch) says so instead of showing zeros
  const conflicts = contradictions(view.filter, ctx.officeBranch, ctx.offices, ctx.branches)
  if (conflicts.length) return { ...base, conflicts, cockpit: null, coverage: null, lost: null, lostMetrics: LOST_METRICS }
  // as of now: kept until the data changes or the next deadline passes (view-cache.server.ts)
  const { cockpit, coverage, lost } = await cachedView(
    ctx.database,
    { view: 'cockpit', scope: ctx.scope, params: { view, compare }, asOfNow: true, periodEnd: view.period.end },
    async () => {
      // lost calls called back (issue 18): the period and the comparison period, in the branch chosen (if any); the XLSX has the same block
      const [cockpit, current, previous, lost] = await Promise.all([
        buildCockpit(ctx.database.db, ctx.scope, view, ctx.asOf, ctx.params, ctx.offices),
        periodCoverage(ctx.database.db, ctx.scope, view.period, ctx.asOf, ctx.org.time_zone),
        periodCoverage(ctx.database.db, ctx.scope, view.previous, ctx.asOf, ctx.org.time_zone),
        lostCallsOfView(ctx.database.db, ctx.org.id, ctx.scope, view, ctx.asOf),
      ])
      // a log without records in the period (or the comparison period) is «нет данных», never 0; so are
      // surveys without a single answer or invitation
      const noData = Object.fromEntries(current.map((c) => [c.log, !c.any])) as Record<LogKind | 'surveys', boolean>
      const noDataBefore = Object.fromEntries(previous.map((c) => [c.log, !c.any])) as Record<LogKind | 'surveys', boolean>
      const s = cockpit.dashboard.surveys
      noData.surveys = !s.current['surveys.responses'] && !s.current['surveys.invitations']
      noDataBefore.surveys = !s.previous['surveys.responses'] && !s.previous['surveys.invitations']
      const warnings = periodWarnings(current, previous).map((w) => (compare === 'prior' ? w.replace('за тот же период год назад', 'за предыдущий период') : w))
      return { cockpit, lost, coverage: { noData, noDataBefore, warnings } }
    },
  )
  return { ...base, conflicts, cockpit, coverage, lost, lostMetrics: LOST_METRICS }
}

export async function action(args: ActionFunctionArgs) {
  return savedViewAction(args, '/dashboard')
}

export default function Dashboard() {
  const { cockpit, coverage, lost, lostMetrics, conflicts, query, compare, periodText, previousText, view, options, saved } = useLoaderData<typeof loader>()
  const link = figureLink(query)
  const compareLabel = COMPARE_LABEL[compare].short
  const header = (
    <>
      <h1>Показатели качества обслуживания</h1>
      <ViewFilter view={view} options={options} compare={compare} />
      <SavedViews saved={saved} query={query} />
    </>
  )
  if (!cockpit || !coverage || !lost) {
    return (
      <>
        {header}
        <div className="notice bad" data-testid="contradiction">
          {conflicts.map((c) => (
            <p key={c}>{c}</p>
          ))}
        </div>
      </>
    )
  }
  const data = cockpit.dashboard
  const logOf = (id: MetricId) => id.split('.')[0] as LogKind | 'surveys'
  const tile = (id: MetricId, block: { current: Partial<Record<MetricId, number | null>>; previous: Partial<Record<MetricId, number | null>> }) => (
    <MetricTile
      key={id}
      id={id}
      value={block.current[id]}
      before={block.previous[id]}
      to={link(id, {}) ?? undefined}
      noData={coverage.noData[logOf(id)] ?? false}
      noDataBefore={coverage.noDataBefore[logOf(id)] ?? false}
      compareLabel={compareLabel}
    />
  )
  const p = data.params
  return (
    <>
      {header}
      <p className="muted">
        {periodText}; сравнение — {COMPARE_LABEL[compare].option} ({previousText}). Сроки ответа — по состоянию на текущий момент.{' '}
        <DownloadLink href={`/dashboard.xlsx?${query}`} testId="download">
          Скачать XLSX
        </DownloadLink>
      </p>

      {coverage.warnings.length > 0 && (
        <div className="notice warn compact" data-testid="coverage-warnings">
          <ul>
            {coverage.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}

      <section aria-labelledby="norms-title" data-testid="cockpit-norms">
        <h2 id="norms-title">Нормативы за период — сначала нарушенные</h2>
        <NormTiles norms={cockpit.norms} from={view.from} to={view.to} compareLabel={compareLabel} />
        <div className="tiles compact" data-testid="cockpit-scores">
          {(['calls.abandoned_share', 'calls.callbacks_in_time_share', 'surveys.csat', 'surveys.nps', 'surveys.ces'] as const)
            .filter((id) => !id.startsWith('calls.') || !data.calls.notApplicable)
            .map((id) => tile(id, id.startsWith('calls.') ? data.calls : data.surveys))}
        </div>
      </section>

      <section className="worst" data-testid="cockpit-worst">
        <WorstList
          title="Офисы: доля ожидания в пределах норматива"
          rows={cockpit.worstOffices}
          metric="visits.within_wait_norm_share"
          linkFor={(row) => link('visits.within_wait_norm_share', row.link)}
          testId="worst-offices"
          empty={data.visits.notApplicable ?? 'Нет посещений за период.'}
        />
        <WorstList
          title="Линии: уровень обслуживания"
          rows={cockpit.worstLines}
          metric="calls.service_level"
          linkFor={(row) => link('calls.service_level', row.link)}
          testId="worst-lines"
          empty={data.calls.notApplicable ?? 'Нет звонков за период.'}
        />
      </section>

      <h2>Обращения</h2>
      <div className="tiles" data-testid="appeal-tiles">
        {DASHBOARD_TILES.appeals.map((id) => tile(id, data.appeals))}
      </div>
      <div className="charts">
        <TrendLine
          id="chart-on-time"
          title="Доля ответов в срок (норматив — все в срок)"
          data={data.series.onTimeShare}
          unit="share"
          norm={100}
          normLabel="норматив 100 %"
          width={WIDE}
        />
        <StackedBars
          id="chart-appeals-by-form"
          title="Поступило обращений по формам обслуживания"
          data={data.series.appealsByForm}
          series={Object.entries(appealForm).map(([key, term]) => ({ key, label: term.label }))}
        />
        <StackedBars id="chart-appeals-by-topic" title="Поступило обращений по темам" data={cockpit.appealsByTopic} series={cockpit.topics} />
      </div>
      <details className="tables">
        <summary>Таблицы: обращения по формам и темам</summary>
        <Breakdown caption="По формам обслуживания" metrics={BREAKDOWN_COLUMNS.appeals} rows={data.appeals.byForm} linkFor={link} testId="appeals-by-form" />
        <Breakdown caption="По темам" metrics={BREAKDOWN_COLUMNS.appeals} rows={data.appeals.byTopic} linkFor={link} testId="appeals-by-topic" />
      </details>

      <h2>Телефонные линии</h2>
      {data.calls.notApplicable ? (
        <p className="muted" data-testid="calls-na">
          {data.calls.notApplicable}
        </p>
      ) : (
        <>
          <div className="tiles" data-testid="call-tiles">
            {DASHBOARD_TILES.calls.map((id) => tile(id, data.calls))}
          </div>
          <h3>Потерянные звонки: перезвонили ли абоненту</h3>
          <p className="muted">
            Норматив перезвона: {lost.norm} от окончания потерянного звонка ({lost.source}).{' '}
            <Link to={`/calls/lost?from=${view.from}&to=${view.to}`}>Журнал потерянных звонков с исходами</Link>
          </p>
          <div className="tiles" data-testid="lost-tiles">
            {lostMetrics.map((id) => (
              <MetricTile
                key={id}
                id={id}
                value={lost.current[id]}
                before={lost.previous[id]}
                to={`/calls/lost?from=${view.from}&to=${view.to}`}
                noData={coverage.noData.calls ?? false}
                noDataBefore={coverage.noDataBefore.calls ?? false}
              />
            ))}
          </div>
          <div className="charts">
            <TrendLine
              id="chart-service-level"
              title={`Уровень обслуживания (ответ за ${formatDuration(p.serviceLevelSeconds)})`}
              data={data.series.serviceLevel}
              unit="share"
              width={WIDE}
            />
            {cockpit.hours ? (
              <>
                <ShareBars
                  id="chart-calls-by-hour"
                  title="Когда теряем звонки: по часам суток"
                  width={WIDE}
                  data={cockpit.hours.byHour.map((h) => ({ label: String(h.hour), sl: h.serviceLevel, lost: h.abandonedShare }))}
                  series={[
                    { key: 'sl', label: 'уровень обслуживания', color: '#2563eb' },
                    { key: 'lost', label: 'доля потерянных', color: '#dc2626' },
                  ]}
                />
                <ShareBars
                  id="chart-calls-by-weekday"
                  title="По дням недели"
                  data={cockpit.hours.byWeekday.map((d) => ({ label: WEEKDAYS[d.weekday - 1]!, sl: d.serviceLevel, lost: d.abandonedShare }))}
                  series={[
                    { key: 'sl', label: 'уровень обслуживания', color: '#2563eb' },
                    { key: 'lost', label: 'доля потерянных', color: '#dc2626' },
                  ]}
                />
              </>
            ) : null}
          </div>
          <p className="muted">
            Порог короткого сброса: {formatDuration(p.shortAbandonSeconds)}; порог уровня обслуживания: {formatDuration(p.serviceLevelSeconds)} (
            {p.serviceLevelSource === 'organisation'
              ? 'настройка организации'
              : p.serviceLevelSource === 'rule'
                ? 'из правила ответа на звонок'
                : 'по умолчанию'}
            ); норматив перезвона: {p.callbackSeconds === null ? 'не задан' : formatDuration(p.callbackSeconds)}. Часы и дни недели — по местному времени начала
            звонка.
          </p>
          <details className="tables">
            <summary>Таблицы: звонки по категориям и линиям</summary>
            <Breakdown
              caption="По категориям приложения 4"
              metrics={BREAKDOWN_COLUMNS.calls}
              rows={data.calls.byCategory}
              linkFor={link}
              testId="calls-by-category"
            />
            <Breakdown caption="По линиям" metrics={BREAKDOWN_COLUMNS.callLines} rows={data.calls.byLine} linkFor={link} testId="calls-by-line" />
          </details>
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
            <TrendLine
              id="chart-visit-wait"
              title="Среднее ожидание в очереди"
              data={data.series.visitWait}
              unit="minutes"
              norm={data.waitNormMinutes}
              width={WIDE}
            />
          </div>
          <HeatMap heat={cockpit.heat} linkFor={(office, kind) => link('visits.within_wait_norm_share', { office, serviceKind: kind })} />
          <details className="tables">
            <summary>Таблица: офисы и услуги</summary>
            <Breakdown caption="По офисам и услугам" metrics={BREAKDOWN_COLUMNS.visits} rows={data.visits.byOffice} linkFor={link} testId="visits-by-office" />
          </details>
        </>
      )}

      <h2>Оценки потребителей</h2>
      <p className="muted">
        Анкеты <Link to={`/surveys?${query}`}>опросов</Link> за тот же период и с теми же фильтрами — рядом с показателями обслуживания той же формы и того же
        офиса.
      </p>
      <div className="tiles" data-testid="survey-tiles">
        {DASHBOARD_TILES.surveys.map((id) => tile(id, data.surveys))}
      </div>
      <details className="tables">
        <summary>Таблицы: оценки по формам и офисам</summary>
        <Breakdown
          caption="Оценки и обслуживание по формам"
          metrics={BREAKDOWN_COLUMNS.surveyForms}
          rows={data.surveys.byForm}
          linkFor={link}
          testId="surveys-by-form"
        />
        <Breakdown
          caption="Оценки и обслуживание по офисам"
          metrics={BREAKDOWN_COLUMNS.surveyOffices}
          rows={data.surveys.byOffice}
          linkFor={link}
          testId="surveys-by-office"
        />
      </details>

      <details>
        <summary>
          <h2 style={{ display: 'inline' }}>Определения</h2>
        </summary>
        <Definitions ids={DASHBOARD_METRICS} />
      </details>
    </>
  )
}
