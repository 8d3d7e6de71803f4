import type { MetricUnit } from '#reports/metrics/catalog.ts'
import { formatMetric } from '#reports/format.ts'

/** A catalog figure's value as the tiles print it. */
export function MetricValue({ unit, value }: { unit: MetricUnit; value: number | null }) {
  return <>{formatMetric(unit, value)}</>
}
