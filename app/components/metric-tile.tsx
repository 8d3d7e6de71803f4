import { Link } from '@remix-run/react'
import { formatChange, formatMetric } from '#reports/format.ts'
import { type MetricId, metricCatalog } from '#reports/metrics/catalog.ts'
import { TREND_MARK, beforeMeasured, trendOf } from '#reports/cockpit/compare.ts'

/**
 * A figure with its catalog label and definition, the comparison period's value and the change; the value
 * opens its records. A comparison period without records of the figure's log, or without a value, reads
 * «нет данных» — never «0 (—)».
 */
export function MetricTile({
  id,
  value,
  before,
  to,
  noData = false,
  noDataBefore = false,
  compareLabel = 'год назад',
}: {
  id: MetricId
  value: number | null | undefined
  before: number | null | undefined
  to?: string
  /** the figure's log has no record in the period: «нет данных», not 0 */
  noData?: boolean
  /** nor in the comparison period: no comparison */
  noDataBefore?: boolean
  /** «год назад», «пред. период» */
  compareLabel?: string
}) {
  const m = metricCatalog[id]
  const shown = noData ? 'нет данных' : formatMetric(m.unit, value)
  const measured = beforeMeasured(before, noDataBefore)
  const change = measured && !noData ? formatChange(m.unit, value, before) : '—'
  const trend = measured && !noData ? trendOf(m.better, value, before) : 'none'
  return (
    <div className={`tile trend-${trend}`} title={m.definition} data-metric={id}>
      <div className="label">{m.label}</div>
      <div className="value">{to && !noData ? <Link to={to}>{shown}</Link> : shown}</div>
      <div className="hint" data-testid="compare">
        {compareLabel}: {measured ? `${formatMetric(m.unit, before)}${change === '—' ? '' : ` (${change})`}` : 'нет данных'}
        {trend !== 'none' && trend !== 'same' ? <span className={`trend ${trend}`}> {TREND_MARK[trend]}</span> : null}
      </div>
      <details className="hint">
        <summary>что считается</summary>
        {m.definition}
      </details>
    </div>
  )
}
