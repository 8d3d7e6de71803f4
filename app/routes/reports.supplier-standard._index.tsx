import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { formatCount, formatDateTime } from '#reports/format.ts'
import { reportRequest } from '#app/utils/report-view.server.ts'
import { supplierStandardOfYear } from '#reports/supplier-standard/report.server.ts'
import { VERDICT_LABEL } from '#reports/supplier-standard/verdicts.ts'
import { LOST_METRICS } from '#reports/callbacks/callbacks.server.ts'
import { metricCatalog } from '#reports/metrics/catalog.ts'
import { MetricValue } from '#app/components/lost-calls.tsx'

export const meta: MetaFunction = () => [{ title: 'Стандарт качества — Качество обслуживания' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const rr = await reportRequest(request, 'reports.supplier-standard._index.tsx')
  const report = await supplierStandardOfYear(rr.database, rr.scope, rr.year, rr.asOf)
  const period = report.period
  const deadlines = new URLSearchParams({ from: period.from, to: period.to, ...(rr.asOfText ? { asOf: rr.asOfText } : {}) }).toString()
  return {
    year: rr.year,
    asOf: rr.asOfText,
    asOfShown: formatDateTime(rr.asOf, rr.org.time_zone),
    query: rr.query,
    deadlines,
    lines: report.lines.map(({ normFigures: _, ...l }) => l),
    dataWarnings: report.dataWarnings,
    lost: {
      ...report.lostCalls,
      rows: LOST_METRICS.map((id) => ({
        id,
        label: metricCatalog[id].label,
        definition: metricCatalog[id].definition,
        unit: metricCatalog[id].unit,
        value: report.lostCalls.figures[id],
      })),
    },
    period: { from: period.from, to: period.to },
  }
}

export default function SupplierStandard() {
  const d = useLoaderData<typeof loader>()
  return (
    <>
      <h1>Соблюдение стандарта качества обслуживания за {d.year} год</h1>
      <Form method="get" className="card" style={{ display: 'flex', gap: '1rem', flexWrap: 'wrap', alignItems: 'end' }}>
        <label>
          Год <input type="number" name="year" min={2000} max={2100} defaultValue={d.year} style={{ width: '6rem' }} />
        </label>
        <label>
          По состоянию на (конец дня; пусто — сейчас) <input type="date" name="asOf" defaultValue={d.asOf ?? ''} />
        </label>
        <button type="submit">Показать</button>
      </Form>
      <p className="muted">
        Нормативы — действующие правила набора «гарантирующий поставщик» (<Link to="/rules">Правила сроков</Link>), по состоянию на {d.asOfShown}. Нормативы «в
        среднем» оцениваются по среднему значению за период, остальные — по каждой записи.
      </p>
      {d.dataWarnings.length ? (
        <div className="notice warning" data-testid="data-warnings" role="alert">
          <strong>Данные неполные — проверьте журналы до выгрузки.</strong>
          <ul>
            {d.dataWarnings.map((w) => (
              <li key={`${w.log}-${w.year}`}>{w.text}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <p>
        <a href={`/reports/supplier-standard/download/xlsx?${d.query}`} data-testid="download-supplier" download>
          Скачать XLSX
        </a>
        {' · '}
        <a href={`/reports/supplier-standard/download/ods?${d.query}`} download>
          ODS
        </a>
        {' · '}
        <a href={`/reports/supplier-standard/download/pdf?${d.query}`} data-testid="download-supplier-pdf" download>
          PDF для подписи
        </a>
      </p>
      {d.lines.length === 0 ? (
        <p className="notice">Нет действующих нормативов набора «гарантирующий поставщик»: включите их в «Правилах сроков» или смените режим организации.</p>
      ) : (
        <table data-testid="supplier-norms">
          <thead>
            <tr>
              <th>Норматив</th>
              <th>Значение</th>
              <th className="num">Оценено</th>
              <th className="num">В пределах</th>
              <th className="num">Нарушений</th>
              <th className="num">Доля в пределах</th>
              <th className="num">Среднее</th>
              <th>Вердикт</th>
            </tr>
          </thead>
          <tbody>
            {d.lines.map((l) => (
              <tr key={l.ruleId}>
                <td>
                  {l.name}
                  <div className="muted">{l.source}</div>
                </td>
                <td>{l.norm}</td>
                <td className="num">{formatCount(l.judged)}</td>
                <td className="num">{formatCount(l.within)}</td>
                <td className="num">
                  {l.violations ? (
                    <Link
                      to={
                        l.domain === 'appeals'
                          ? `/deadlines/records?${d.deadlines}&rule=${l.ruleId}&outcome=late`
                          : `/deadlines/norms/${l.ruleId}?${d.deadlines}&outcome=beyond`
                      }
                    >
                      {formatCount(l.violations)}
                    </Link>
                  ) : (
                    formatCount(l.violations)
                  )}
                </td>
                <td className="num">{l.withinShare === null ? '–' : `${(l.withinShare * 100).toLocaleString('ru-RU', { maximumFractionDigits: 1 })} %`}</td>
                <td className="num">{l.meanSeconds === null ? '–' : `${(l.meanSeconds / 60).toLocaleString('ru-RU', { maximumFractionDigits: 1 })} мин`}</td>
                <td className={l.verdict === 'broken' ? 'check-failed' : l.verdict === 'met' ? 'check-passed' : 'muted'}>{VERDICT_LABEL[l.verdict]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Потерянные звонки: перезвоны</h2>
      <p className="muted">
        Норматив перезвона: {d.lost.norm} ({d.lost.source}). <Link to={`/calls/lost?from=${d.period.from}&to=${d.period.to}`}>Журнал потерянных звонков</Link>
      </p>
      <table data-testid="supplier-lost">
        <tbody>
          {d.lost.rows.map((r) => (
            <tr key={r.id} title={r.definition}>
              <td>{r.label}</td>
              <td className="num">
                <MetricValue unit={r.unit} value={r.value} />
              </td>
              <td className="muted">{r.definition}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
