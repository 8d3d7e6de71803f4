import { Link } from '@remix-run/react'
import { formatChange, formatMetric } from '#app/utils/format.ts'
import { type MetricId, metricCatalog } from '#reports/metrics/catalog.ts'

/** A figure with its catalog label and definition, the year before and the change; the value opens its records. */
export function MetricTile({
  id,
  value,
  before,
  to,
  noData = false,
  noDataBefore = false,
}: {
  id: MetricId
  value: number | null | undefined
  before: number | null | undefined
  to?: string
  /** the figure's log has no record in the period: «нет данных», not 0 */
  noData?: boolean
  /** nor in the period a year before: no comparison */
  noDataBefore?: boolean
}) {
  const m = metricCatalog[id]
  const shown = noData ? 'нет данных' : formatMetric(m.unit, value)
  return (
    <div className="tile" title={m.definition} data-metric={id}>
      <div className="label">{m.label}</div>
      <div className="value">{to && !noData ? <Link to={to}>{shown}</Link> : shown}</div>
      <div className="hint">
        год назад: {noDataBefore ? 'нет данных' : `${formatMetric(m.unit, before)} (${noData ? '—' : formatChange(m.unit, value, before)})`}
      </div>
      <details className="hint">
        <summary>что считается</summary>
        {m.definition}
      </details>
    </div>
  )
}
