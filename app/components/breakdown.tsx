import { Link } from '@remix-run/react'
import { MetricTh } from '#app/components/metric-text.tsx'
import { formatMetric } from '#reports/format.ts'
import { type MetricId, metricCatalog } from '#reports/metrics/catalog.ts'

export type BreakdownTableRow = { link: Record<string, string>; label: string; figures: Partial<Record<MetricId, number | null>> }

/**
 * A row's React key: its codes (office, form, line…), never its label — two offices may share a name
 * («Заречный»), and a key shared by two rows left one of them on screen after filtering.
 */
export function rowKey(row: Pick<BreakdownTableRow, 'link' | 'label'>): string {
  const codes = Object.entries(row.link)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
  return codes || `label:${row.label}`
}

/** Where a figure leads, narrowed to a row (`{}` for a tile): a register's records, or the survey results. */
export type FigureLink = (id: MetricId, narrowing: Record<string, string>) => string | null

/**
 * A breakdown table: a row per group, a column per catalog figure (header hint = its definition), each value
 * opening what it counts. The dashboard and the survey pages use it.
 */
export function Breakdown({
  caption,
  metrics,
  rows,
  linkFor,
  testId,
}: {
  caption: string
  metrics: readonly MetricId[]
  rows: readonly BreakdownTableRow[]
  linkFor: FigureLink
  testId: string
}) {
  return (
    <table data-testid={testId}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th />
          {metrics.map((id) => (
            <MetricTh key={id} id={id} />
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={metrics.length + 1} className="muted">
              Нет записей за период.
            </td>
          </tr>
        ) : null}
        {rows.map((row) => (
          <tr key={rowKey(row)} data-key={rowKey(row)}>
            <td>{row.label}</td>
            {metrics.map((id) => {
              const shown = formatMetric(metricCatalog[id].unit, row.figures[id])
              const to = linkFor(id, row.link)
              return (
                <td key={id} className="num">
                  {to ? <Link to={to}>{shown}</Link> : shown}
                </td>
              )
            })}
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** A query string with keys set (replacing the same keys of the view), for drill-downs. */
export function withParams(query: string, keys: Record<string, string>): string {
  const params = new URLSearchParams(query)
  for (const [k, v] of Object.entries(keys)) params.set(k, v)
  return params.toString()
}

/** The drill-down of the dashboard and the survey pages: service figures open a register, survey figures the survey results. */
export function figureLink(query: string): FigureLink {
  return (id, narrowing) => {
    const domain = id.split('.')[0]
    if (domain === 'surveys') return `/surveys?${withParams(query, narrowing)}`
    return `/registers/${domain}?${query}&${new URLSearchParams({ ...narrowing, metric: id })}`
  }
}
