/**
 * The cockpit's first screen: every norm of the organisation's active deadline rules, its figure for the
 * period and for the comparison period, the verdict and where its records are. No figure is computed here:
 * appeal terms come from the deadline engine (appealComplianceOfView: the «Сроки» page's figures, from the rollup), minute norms of
 * calls and visits from norms.server.ts (computeNormFigures), and the verdict is the supplier standard's
 * (met = no violation, or the mean within an «в среднем» norm; broken otherwise; no data without records).
 */
import type { Db } from '#db/client.server.ts'
import type { Scope } from '#db/scope.server.ts'
import { appealComplianceOfView } from '#reports/deadlines/compliance.server.ts'
import { computeNormFigures, loadNormRules, normVerdict } from '#reports/deadlines/norms.server.ts'
import { viewConditions } from '#reports/metrics/dashboard.server.ts'
import type { Period } from '#reports/metrics/period.ts'
import type { Narrowing, ViewFilter } from '#reports/metrics/view.ts'
import { type NormDomain, normFilterQuery, unfollowedFilters } from './norm-filter.ts'
import { normText } from '#reports/supplier-standard/report.server.ts'
import type { Verdict } from '#reports/supplier-standard/verdicts.ts'

export interface NormSide {
  judged: number
  violations: number
  /** on time ÷ judged (appeals), within ÷ judged (per-record norms) */
  share: number | null
  /** minute norms: the mean duration, seconds */
  meanSeconds: number | null
  verdict: Verdict
  /** appeals: answered after the term, and not answered past it (violations = late + overdue) */
  late?: number
  overdue?: number
}

export interface CockpitNorm {
  ruleId: string
  code: string
  name: string
  domain: 'appeals' | 'calls' | 'visits'
  /** «10 рабочих дн.», «60 с (в среднем)» */
  norm: string
  isAverage: boolean
  normSeconds: number | null
  current: NormSide
  previous: NormSide
  /** the view has a filter this norm's records do not have: why it is not shown (no unfiltered value instead) */
  unfollowed: string | null
  /** the view's filters its drill-down carries (`&office=…`) */
  filterQuery: string
}

/** The view's filters applied to a norm's records, alias `appeal` for appeals and `r` for calls and visits. */
export function normConditions(domain: NormDomain, scope: Scope, filter: ViewFilter, narrowing: Narrowing) {
  return viewConditions(domain, scope, filter, narrowing, domain === 'appeals' ? 'appeal' : 'r')
}

const NOT_MEASURED: NormSide = { judged: 0, violations: 0, share: null, meanSeconds: null, verdict: 'no_data' }

const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600 }

interface RuleRow {
  id: string
  code: string
  name: string
  applies_to: 'appeals' | 'calls' | 'visits'
  amount: string | number
  unit: string
  is_average: boolean
}

async function sideOf(
  db: Db,
  scope: Scope,
  period: Period,
  asOf: Date,
  zone: string,
  rules: RuleRow[],
  filter: ViewFilter,
  narrowing: Narrowing,
): Promise<Map<string, NormSide>> {
  const out = new Map<string, NormSide>()
  const follows = (domain: NormDomain) => unfollowedFilters(domain, filter, narrowing) === null
  const [appeals, minuteRules] = await Promise.all([
    follows('appeals')
      ? appealComplianceOfView(db, scope, period, asOf, zone, filter, narrowing).then((rows) => new Map(rows.map((c) => [c.ruleId, c])))
      : new Map(),
    loadNormRules(db, scope.orgId).then((rows) => new Map(rows.map((r) => [r.id, r]))),
  ])
  // the minute norms' figures at once (each a few round trips)
  const figures = new Map(
    await Promise.all(
      rules
        .filter((rule) => rule.applies_to !== 'appeals' && follows(rule.applies_to) && minuteRules.has(rule.id))
        .map(
          async (rule) =>
            [
              rule.id,
              await computeNormFigures(db, scope, period, asOf, minuteRules.get(rule.id)!, normConditions(rule.applies_to, scope, filter, narrowing)),
            ] as const,
        ),
    ),
  )
  for (const rule of rules) {
    if (!follows(rule.applies_to)) {
      // shown with the reason, never with a value the filter does not narrow
      if (rule.applies_to === 'appeals' || minuteRules.has(rule.id)) out.set(rule.id, NOT_MEASURED)
      continue
    }
    if (rule.applies_to === 'appeals') {
      const c = appeals.get(rule.id)
      const judged = c ? c.onTime + c.late + c.overdue : 0
      const violations = c ? c.late + c.overdue : 0
      out.set(rule.id, {
        judged,
        violations,
        share: c?.onTimeShare ?? null,
        meanSeconds: null,
        verdict: judged === 0 ? 'no_data' : violations ? 'broken' : 'met',
        late: c?.late ?? 0,
        overdue: c?.overdue ?? 0,
      })
      continue
    }
    const f = figures.get(rule.id)
    if (!f) continue // a day term on calls or visits is not measured in minutes («Сроки» says so too)
    const { judged, violations, verdict } = normVerdict(rule.is_average, f)
    out.set(rule.id, { judged, violations, share: f.withinShare, meanSeconds: f.meanSeconds, verdict })
  }
  return out
}

const VERDICT_ORDER: Record<Verdict, number> = { broken: 0, met: 1, no_data: 2 }

/**
 * Every active rule's norm, the worst first: broken before met before no data; among the broken, the lowest
 * share within the norm (or the mean furthest beyond an average norm) first.
 */
export async function cockpitNorms(
  db: Db,
  scope: Scope,
  period: Period,
  previous: Period,
  asOf: Date,
  zone: string,
  filter: ViewFilter = {},
  narrowing: Narrowing = {},
): Promise<CockpitNorm[]> {
  const rules = (await db
    .selectFrom('deadline_rule')
    .select(['id', 'code', 'name', 'applies_to', 'amount', 'unit', 'is_average'])
    .where('org_id', '=', scope.orgId)
    .where('active', '=', true)
    .orderBy('applies_to')
    .orderBy('priority')
    .orderBy('code')
    .execute()) as RuleRow[]
  const [now, before] = await Promise.all([
    sideOf(db, scope, period, asOf, zone, rules, filter, narrowing),
    sideOf(db, scope, previous, asOf, zone, rules, filter, narrowing),
  ])
  const lines: CockpitNorm[] = []
  for (const rule of rules) {
    const current = now.get(rule.id)
    const prior = before.get(rule.id)
    if (!current || !prior) continue
    const normSeconds = rule.applies_to === 'appeals' ? null : Number(rule.amount) * (UNIT_SECONDS[rule.unit] ?? 60)
    lines.push({
      ruleId: rule.id,
      code: rule.code,
      name: rule.name,
      domain: rule.applies_to,
      norm: normText(rule.amount, rule.unit, rule.is_average),
      isAverage: rule.is_average,
      normSeconds,
      current,
      previous: prior,
      unfollowed: unfollowedFilters(rule.applies_to, filter, narrowing),
      filterQuery: normFilterQuery(rule.applies_to, filter, narrowing),
    })
  }
  const badness = (l: CockpitNorm) => (l.isAverage ? -((l.current.meanSeconds ?? 0) / (l.normSeconds ?? 1)) : (l.current.share ?? 1))
  return lines.sort((a, b) => VERDICT_ORDER[a.current.verdict] - VERDICT_ORDER[b.current.verdict] || badness(a) - badness(b))
}
