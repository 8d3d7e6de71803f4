/**
 * Everything the cockpit (/dashboard) shows beyond the dashboard's own view: the norms of the active rules
 * (norms.server.ts), the worst offices and lines of the period (the dashboard's breakdown figures, ranked),
 * the office × service heat-map (the dashboard's office rows), calls by hour and weekday (hours.server.ts)
 * and the appeal inflow by topic (the dashboard's appeal sums). Filtered by the same view and scope; cached by
 * the caller through `cachedView`.
 */
import type { Db } from '#db/client.server.ts'
import type { Scope } from '#db/scope.server.ts'
import { type DashboardData, buildDashboard } from '#reports/metrics/dashboard-view.server.ts'
import { appealSums, bucketsOf, groupBy, notApplicable } from '#reports/metrics/dashboard.server.ts'
import type { RollupParams } from '#reports/metrics/rollups.server.ts'
import type { View } from '#reports/metrics/view.ts'
import { appealTopic, labelOf, serviceKind } from '#reports/vocabulary.ts'
import { type CallsByTime, callsByTime } from './hours.server.ts'
import { type CockpitNorm, cockpitNorms } from './norms.server.ts'

export interface Ranked {
  /** the narrowing a drill-down from this row adds (office code, line) — also the row's key */
  link: Record<string, string>
  label: string
  value: number | null
  /** how many records the value is over */
  base: number
}

export interface HeatCell {
  serviceKind: string
  served: number
  meanWait: number | null
  withinShare: number | null
}

export interface CockpitData {
  dashboard: DashboardData
  norms: CockpitNorm[]
  /** offices by share of visits within the wait norm, worst first (offices with served visits only) */
  worstOffices: Ranked[]
  /** lines by service level, worst first (lines with offered calls only) */
  worstLines: Ranked[]
  heat: { services: { code: string; label: string }[]; rows: { office: string; label: string; cells: (HeatCell | null)[] }[] }
  hours: CallsByTime | null
  appealsByTopic: Record<string, number | string>[]
  topics: { key: string; label: string }[]
}

/**
 * The scope of a drill-down from the cockpit narrowed to `?branch=` (the «Сроки» record lists take no view
 * filter): only a branch the user may see; any other is refused, never widened.
 */
export function narrowScope(scope: Scope, branch: string | null): Scope {
  if (!branch) return scope
  if (!/^\d{1,18}$/.test(branch) || (scope.branches !== 'all' && !scope.branches.includes(branch))) {
    throw new Response('Неизвестное значение фильтра: «Филиал». Выберите значение из списка на странице.', {
      status: 400,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    })
  }
  return { orgId: scope.orgId, branches: [branch] }
}

const rank = (rows: Ranked[], worstIsLow: boolean) =>
  rows
    .filter((r) => r.value !== null && r.base > 0)
    .sort((a, b) => (worstIsLow ? a.value! - b.value! : b.value! - a.value!) || a.label.localeCompare(b.label, 'ru'))

export async function buildCockpit(db: Db, scope: Scope, view: View, asOf: Date, params: RollupParams, offices: Map<string, string>): Promise<CockpitData> {
  const { filter, period } = view
  // every part at once: under load each round trip waits its turn on the event loop, so the fewer in a row the better
  const [dashboard, norms, received, hours] = await Promise.all([
    buildDashboard(db, scope, view, asOf, params, offices),
    cockpitNorms(db, scope, period, view.previous, asOf, params.zone, filter, view.narrowing),
    appealSums(db, scope, period, filter),
    notApplicable('calls', filter) ? null : callsByTime(db, { scope, period, filter, narrowing: {}, asOf, zone: params.zone, params }),
  ])

  const worstOffices = rank(
    dashboard.surveys.byOffice.map((r) => ({
      link: r.link,
      label: r.label,
      value: r.figures['visits.within_wait_norm_share'] ?? null,
      base: r.figures['visits.served'] ?? 0,
    })),
    true,
  )
  const worstLines = rank(
    dashboard.calls.byLine.map((r) => ({
      link: r.link,
      label: r.label,
      value: r.figures['calls.service_level'] ?? null,
      base: r.figures['calls.offered'] ?? 0,
    })),
    true,
  )

  // office × service from the dashboard's own office rows (their link holds both codes)
  const services = Object.keys(serviceKind).filter((k) => dashboard.visits.byOffice.some((r) => r.link.serviceKind === k))
  const byOffice = new Map<string, { label: string; cells: Map<string, HeatCell> }>()
  for (const r of dashboard.visits.byOffice) {
    const office = r.link.office!
    const entry = byOffice.get(office) ?? { label: offices.get(office) ?? office, cells: new Map() }
    entry.cells.set(r.link.serviceKind!, {
      serviceKind: r.link.serviceKind!,
      served: r.figures['visits.served'] ?? 0,
      meanWait: r.figures['visits.mean_wait'] ?? null,
      withinShare: r.figures['visits.within_wait_norm_share'] ?? null,
    })
    byOffice.set(office, entry)
  }
  const heatRows = [...byOffice.entries()]
    .map(([office, e]) => ({ office, label: e.label, cells: services.map((s) => e.cells.get(s) ?? null) }))
    .sort((a, b) => a.label.localeCompare(b.label, 'ru') || a.office.localeCompare(b.office))

  const topicBuckets = groupBy('appeals', received, (g) => `${g.key.bucket}\u0000${g.key.topic}`)
  const topicKeys = Object.keys(appealTopic).filter((t) => received.some((g) => g.key.topic === t && g.sums.received > 0))
  const appealsByTopic = bucketsOf(period).map((bucket) => {
    const row: Record<string, number | string> = { bucket }
    for (const t of topicKeys) row[t] = topicBuckets.get(`${bucket}\u0000${t}`)?.received ?? 0
    return row
  })

  return {
    dashboard,
    norms,
    worstOffices,
    worstLines,
    heat: { services: services.map((code) => ({ code, label: labelOf(serviceKind, code) })), rows: heatRows },
    hours,
    appealsByTopic,
    topics: topicKeys.map((key) => ({ key, label: labelOf(appealTopic, key) })),
  }
}
