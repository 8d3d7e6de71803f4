import { narrowScope } from '#reports/cockpit/cockpit.server.ts'
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { Pager } from '#app/components/pager.tsx'
import { readNormFilter, withoutPage } from '#reports/cockpit/norm-filter.ts'
import { normConditions } from '#reports/cockpit/norms.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { getScope, requireRouteAccess } from '#app/utils/auth.server.ts'
import { deadlineQuery } from '#app/utils/deadline-params.ts'
import { deadlineParamsFor } from '#app/utils/deadline-view.server.ts'
import { formatCount, formatDateTime } from '#reports/format.ts'
import { pageParam } from '#app/utils/page-param.ts'
import { RECORDS_PAGE_SIZE, listAppealsForDeadlines } from '#reports/deadlines/compliance.server.ts'
import { type Outcome, dueAt } from '#reports/deadlines/engine.ts'
import { loadWorkCalendar } from '#reports/deadlines/rules.server.ts'
import { appealForm, appealTopic, labelOf } from '#reports/vocabulary.ts'

export const meta: MetaFunction = () => [{ title: 'Обращения по срокам — Качество обслуживания' }]

const OUTCOMES: Record<Outcome | 'at_risk', string> = {
  on_time: 'ответ в срок',
  late: 'ответ с нарушением срока',
  overdue: 'без ответа, срок истёк',
  open: 'срок ещё не истёк',
  at_risk: 'на подходе к сроку',
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRouteAccess(request, 'deadlines.records.tsx')
  // a drill-down from the cockpit of one branch lists that branch's records (reports/cockpit)
  const scope = narrowScope(getScope(user), new URL(request.url).searchParams.get('branch'))
  const { database, org } = await getAppContext()
  const url = new URL(request.url)
  const params = await deadlineParamsFor(request, database.db, scope, org.time_zone)
  const asked = url.searchParams.get('outcome') ?? ''
  const outcome = asked in OUTCOMES ? (asked as Outcome | 'at_risk') : undefined
  const ruleId = /^\d{1,18}$/.test(url.searchParams.get('rule') ?? '') ? url.searchParams.get('rule')! : undefined
  const atRiskUntil =
    outcome === 'at_risk'
      ? dueAt({ amount: params.days, unit: 'working_days' }, params.asOf, await loadWorkCalendar(database.db, org.id), org.time_zone).due
      : undefined
  const page = pageParam(request)
  // a drill-down from a filtered cockpit lists the appeals of the same filters
  const narrowed = readNormFilter(url.searchParams, 'appeals')
  const { rows, total } = await listAppealsForDeadlines(
    database.db,
    scope,
    {
      asOf: params.asOf,
      ruleId,
      period: params.period,
      outcome: outcome === 'at_risk' ? undefined : outcome,
      atRiskUntil,
      where: normConditions('appeals', scope, narrowed.filter, narrowed.narrowing),
    },
    page,
  )
  return {
    filterWords: narrowed.words,
    query: withoutPage(url.searchParams),
    rows,
    total,
    page,
    pageSize: RECORDS_PAGE_SIZE,
    zone: org.time_zone,
    outcome: outcome ? OUTCOMES[outcome] : 'все со сроком в периоде',
    back: deadlineQuery(params),
    params: { from: params.period.from, to: params.period.to, asOfShown: formatDateTime(params.asOf, org.time_zone) },
  }
}

export default function DeadlineRecords() {
  const { rows, total, page, pageSize, zone, outcome, back, params, filterWords, query } = useLoaderData<typeof loader>()
  return (
    <>
      <p>
        <Link to={`/deadlines?${back}`}>← Сроки</Link>
      </p>
      <h1>Обращения: {outcome}</h1>
      <p className="muted">
        Срок истёк с {params.from.split('-').reverse().join('.')} по {params.to.split('-').reverse().join('.')}, по состоянию на {params.asOfShown}.
        {filterWords.length ? ` Фильтр — ${filterWords.join(', ')}.` : ''} Всего: <strong data-testid="total">{formatCount(total)}</strong>
      </p>
      <table data-testid="records">
        <thead>
          <tr>
            <th>Рег. номер</th>
            <th>Поступило</th>
            <th>Форма</th>
            <th>Тема</th>
            <th>Филиал</th>
            <th>Правило</th>
            <th>Срок</th>
            <th>Ответ</th>
            <th>Итог</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td>{r.regNumber}</td>
              <td>{formatDateTime(r.receivedAt, zone)}</td>
              <td>{labelOf(appealForm, r.form)}</td>
              <td>{labelOf(appealTopic, r.topic)}</td>
              <td>{r.branch ?? '—'}</td>
              <td>{r.rule}</td>
              <td>
                {formatDateTime(r.dueAt, zone)}
                {r.calendarGap ? ' *' : ''}
              </td>
              <td>{formatDateTime(r.answeredAt, zone)}</td>
              <td>{OUTCOME_LABELS[r.outcome]}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.some((r) => r.calendarGap) ? <p className="muted">* срок считался по пн–пт: даты вне загруженного производственного календаря.</p> : null}
      <Pager page={page} total={total} pageSize={pageSize} query={query} />
    </>
  )
}

const OUTCOME_LABELS: Record<string, string> = OUTCOMES
