import { narrowScope } from '#reports/cockpit/cockpit.server.ts'
import { readNormFilter, withoutPage } from '#reports/cockpit/norm-filter.ts'
import { normConditions } from '#reports/cockpit/norms.server.ts'
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { Pager } from '#app/components/pager.tsx'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { getScope, requireRouteAccess } from '#app/utils/auth.server.ts'
import { deadlineQuery } from '#app/utils/deadline-params.ts'
import { deadlineParamsFor } from '#app/utils/deadline-view.server.ts'
import { formatCount, formatDateTime, formatDuration } from '#reports/format.ts'
import { pageParam } from '#app/utils/page-param.ts'
import { NORM_RECORDS_PAGE, type NormOutcome, listNormRecords, loadNormRules } from '#reports/deadlines/norms.server.ts'

export const meta: MetaFunction = () => [{ title: 'Записи по нормативу — Качество обслуживания' }]

const OUTCOMES: Record<NormOutcome, string> = { within: 'в пределах норматива', beyond: 'сверх норматива', missing: 'без конечного события' }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRouteAccess(request, 'deadlines.norms.$ruleId.tsx')
  // a drill-down from the cockpit of one branch lists that branch's records (reports/cockpit)
  const scope = narrowScope(getScope(user), new URL(request.url).searchParams.get('branch'))
  const { database, org } = await getAppContext()
  const rule = (await loadNormRules(database.db, org.id)).find((r) => r.id === params.ruleId)
  if (!rule) throw new Response('Такого норматива нет.', { status: 404 })
  const url = new URL(request.url)
  const deadline = await deadlineParamsFor(request, database.db, scope, org.time_zone)
  const asked = url.searchParams.get('outcome') ?? ''
  const outcome = asked in OUTCOMES ? (asked as NormOutcome) : undefined
  const page = pageParam(request)
  // a drill-down from a filtered cockpit lists the records of the same filters
  const narrowed = readNormFilter(url.searchParams, rule.appliesTo)
  const extra = normConditions(rule.appliesTo, scope, narrowed.filter, narrowed.narrowing)
  const { rows, total } = await listNormRecords(database.db, scope, deadline.period, deadline.asOf, rule, outcome, page, extra)
  return {
    filterWords: narrowed.words,
    query: withoutPage(url.searchParams),
    rule: { name: rule.name, appliesTo: rule.appliesTo },
    rows,
    total,
    page,
    pageSize: NORM_RECORDS_PAGE,
    zone: org.time_zone,
    outcome: outcome ? OUTCOMES[outcome] : 'все',
    back: deadlineQuery(deadline),
  }
}

export default function NormRecords() {
  const { rule, rows, total, page, pageSize, zone, outcome, back, filterWords, query } = useLoaderData<typeof loader>()
  return (
    <>
      <p>
        <Link to={`/deadlines?${back}`}>← Сроки</Link>
      </p>
      <h1>
        {rule.name}: {outcome}
      </h1>
      <p className="muted">
        {filterWords.length ? `Фильтр — ${filterWords.join(', ')}. ` : ''}
        Всего: <strong data-testid="total">{formatCount(total)}</strong>
      </p>
      <table data-testid="records">
        <thead>
          <tr>
            <th>{rule.appliesTo === 'calls' ? 'Звонок' : 'Талон'}</th>
            <th>{rule.appliesTo === 'calls' ? 'Линия' : 'Офис'}</th>
            <th>Начало</th>
            <th>Окончание</th>
            <th className="num">Длительность</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.key}`}>
              <td>{r.key}</td>
              <td>{r.place ?? '—'}</td>
              <td>{formatDateTime(r.start, zone, true)}</td>
              <td>{formatDateTime(r.stop, zone, true)}</td>
              <td className="num">{formatDuration(r.seconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={page} total={total} pageSize={pageSize} query={query} />
    </>
  )
}
