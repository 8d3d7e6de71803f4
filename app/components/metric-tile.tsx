import { Link } from '@remix-run/react'
import { formatChange, formatMetric } from '#app/utils/format.ts'
import { type MetricId, metricCatalog } from '#reports/metrics/catalog.ts'

/** A figure with its catalog label and definition, the year before and the change; opens its records. */
export function MetricTile({ id, value, before, to }: { id: MetricId; value: number | null | undefined; before: number | null | undefined; to?: string }) {
  const m = metricCatalog[id]
  const body = (
    <>
      <div className="label">{m.label}</div>
      <div className="value">{formatMetric(m.unit, value)}</div>
      <div className="hint">
        год назад: {formatMetric(m.unit, before)} ({formatChange(m.unit, value, before)})
      </div>
      <details className="hint">
        <summary>что считается</summary>
        {m.definition}
      </details>
    </>
  )
  return to ? (
    <Link className="tile" to={to} title={m.definition} data-metric={id}>
      {body}
    </Link>
  ) : (
    <div className="tile" title={m.definition} data-metric={id}>
      {body}
    </div>
  )
}
