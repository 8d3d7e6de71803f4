import { Link } from '@remix-run/react'
import { formatChange, formatMetric } from '#app/utils/format.ts'
import { type MetricId, metricCatalog } from '#reports/metrics/catalog.ts'

/** A figure with its catalog label and definition, the year before and the change; the value opens its records. */
export function MetricTile({ id, value, before, to }: { id: MetricId; value: number | null | undefined; before: number | null | undefined; to?: string }) {
  const m = metricCatalog[id]
  const shown = formatMetric(m.unit, value)
  return (
    <div className="tile" title={m.definition} data-metric={id}>
      <div className="label">{m.label}</div>
      <div className="value">{to ? <Link to={to}>{shown}</Link> : shown}</div>
      <div className="hint">
        год назад: {formatMetric(m.unit, before)} ({formatChange(m.unit, value, before)})
      </div>
      <details className="hint">
        <summary>что считается</summary>
        {m.definition}
      </details>
    </div>
  )
}
