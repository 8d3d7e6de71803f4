import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { getScope, requireRouteAccess } from '#app/utils/auth.server.ts'
import { canSeePersonalData } from '#app/utils/access.ts'
import { cachedView } from '#app/utils/view-cache.server.ts'
import { formatDuration } from '#reports/format.ts'
import {
  LOST_METRICS,
  LOST_OUTCOME_LABEL,
  LOST_PAGE,
  type LostOutcome,
  listLostCalls,
  lostCallFigures,
  lostCallsSetup,
  lostFigureValues,
  normText,
} from '#reports/callbacks/callbacks.server.ts'
import { formatPhone, maskPhone } from '#reports/callbacks/phone.ts'
import { metricCatalog } from '#reports/metrics/catalog.ts'
import { isDateText, periodOf } from '#reports/metrics/period.ts'
import { formatLocalDateTime } from '#reports/time/local-time.ts'
import { MetricValue } from '#app/components/lost-calls.tsx'
import { DownloadLink } from '#app/components/download-link.tsx'
import { dayText, localDayOf } from '#reports/time/days.ts'

export const meta: MetaFunction = () => [{ title: 'Потерянные звонки и перезвоны — Качество обслуживания' }]

const OUTCOMES = Object.keys(LOST_OUTCOME_LABEL) as LostOutcome[]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRouteAccess(request, 'calls.lost.tsx')
  const scope = getScope(user)
  const { database, org } = await getAppContext()
  const search = new URL(request.url).searchParams
  const today = localDayOf(new Date(), org.time_zone)
  const from = isDateText(search.get('from')) ? search.get('from')! : dayText(today - 29)
  const rawTo = isDateText(search.get('to')) ? search.get('to')! : dayText(today)
  const to = rawTo < from ? from : rawTo
  const outcomeParam = search.get('outcome') ?? ''
  const outcome = (OUTCOMES as string[]).includes(outcomeParam) ? (outcomeParam as LostOutcome) : undefined
  const page = Math.max(1, Math.min(10_000, Number(search.get('page')) || 1))
  const personalData = canSeePersonalData(user.roles)
  const asOf = new Date()
  const data = await cachedView(database, { view: 'lost-calls', scope, params: { from, to, outcome, page, personalData }, asOfNow: true }, async () => {
    const setup = await lostCallsSetup(database.db, org.id)
    const q = { scope, period: periodOf(from, to, org.time_zone), asOf, ...setup }
    const [figures, rows] = await Promise.all([
      lostCallFigures(database.db, q),
      listLostCalls(database.db, { ...q, outcome }, { offset: (page - 1) * LOST_PAGE, limit: LOST_PAGE + 1, newestFirst: true }),
    ])
    return { figures, rows, norm: normText(setup.norm), source: setup.norm.source, shortAbandon: setup.shortAbandonSeconds }
  })
  const when = (d: Date | null) => (d ? formatLocalDateTime(d, org.time_zone) : '')
  const values = lostFigureValues(data.figures)
  return {
    from,
    to,
    outcome: outcome ?? '',
    page,
    hasNext: data.rows.length > LOST_PAGE,
    norm: data.norm,
    source: data.source,
    shortAbandon: data.shortAbandon,
    asOf: when(asOf),
    tiles: LOST_METRICS.map((id) => ({
      id,
      label: metricCatalog[id].label,
      definition: metricCatalog[id].definition,
      unit: metricCatalog[id].unit,
      value: values[id],
    })),
    rows: data.rows.slice(0, LOST_PAGE).map((r) => ({
      id: r.id,
      callId: r.callId,
      startedAt: when(r.startedAt),
      endedAt: when(r.endedAt),
      line: r.line ?? '',
      phone: personalData ? formatPhone(r.phone) : maskPhone(r.phone),
      outcome: LOST_OUTCOME_LABEL[r.outcome],
      reachedAt: when(r.reachedAt),
      reachedId: r.reachedId,
      reachedCallId: r.reachedCallId,
      dueAt: when(r.dueAt),
      inTime: r.inTime === null ? '' : r.inTime ? 'да' : 'нет',
      toReach: r.secondsToReach === null ? '' : formatDuration(r.secondsToReach),
    })),
    outcomes: OUTCOMES.map((o) => ({ code: o, label: LOST_OUTCOME_LABEL[o] })),
  }
}

export default function LostCalls() {
  const d = useLoaderData<typeof loader>()
  const query = (page: number) => `?from=${d.from}&to=${d.to}${d.outcome ? `&outcome=${d.outcome}` : ''}&page=${page}`
  return (
    <>
      <h1>Потерянные звонки и перезвоны</h1>
      <Form method="get" className="card" style={{ display: 'flex', gap: '1rem', flexWrap: 'wrap', alignItems: 'end' }}>
        <label>
          Звонки с <input type="date" name="from" defaultValue={d.from} />
        </label>
        <label>
          по <input type="date" name="to" defaultValue={d.to} />
        </label>
        <label>
          Исход
          <select name="outcome" defaultValue={d.outcome}>
            <option value="">все</option>
            {d.outcomes.map((o) => (
              <option key={o.code} value={o.code}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Показать</button>
        <DownloadLink href={`/files/lost-calls/xlsx?period=custom&from=${d.from}&to=${d.to}${d.outcome ? `&outcome=${d.outcome}` : ''}`} testId="lost-xlsx">
          Скачать XLSX
        </DownloadLink>
      </Form>
      <p className="muted">
        По состоянию на {d.asOf}. Норматив перезвона: {d.norm} от окончания потерянного звонка ({d.source}). Короткие сбросы (меньше {d.shortAbandon} с) не
        учитываются.
      </p>
      <div className="tiles" data-testid="lost-figures">
        {d.tiles.map((t) => (
          <div key={t.id} className="tile" title={t.definition} data-metric={t.id}>
            <div className="label">{t.label}</div>
            <div className="value">
              <MetricValue unit={t.unit} value={t.value} />
            </div>
            <div className="hint">{t.definition}</div>
          </div>
        ))}
      </div>
      <table data-testid="lost-register">
        <thead>
          <tr>
            <th>Звонок</th>
            <th>Начало</th>
            <th>Окончание</th>
            <th>Линия</th>
            <th>Номер</th>
            <th>Исход</th>
            <th>Связались</th>
            <th>Через</th>
            <th>Связаться до</th>
            <th>Вовремя</th>
          </tr>
        </thead>
        <tbody>
          {d.rows.length === 0 ? (
            <tr>
              <td colSpan={10} className="muted">
                Нет потерянных звонков в этом периоде.
              </td>
            </tr>
          ) : null}
          {d.rows.map((r) => (
            <tr key={r.id}>
              <td>
                <Link to={`/registers/calls/${r.id}`}>{r.callId}</Link>
              </td>
              <td>{r.startedAt}</td>
              <td>{r.endedAt}</td>
              <td>{r.line}</td>
              <td>{r.phone}</td>
              <td>{r.outcome}</td>
              <td>{r.reachedId ? <Link to={`/registers/calls/${r.reachedId}`}>{r.reachedAt}</Link> : ''}</td>
              <td>{r.toReach}</td>
              <td>{r.dueAt}</td>
              <td>{r.inTime}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {d.page > 1 ? <Link to={query(d.page - 1)}>← назад</Link> : null} {d.hasNext ? <Link to={query(d.page + 1)}>дальше →</Link> : null}
      </p>
    </>
  )
}
