/**
 * What figures are computed from: the sums of one domain's records (rollup rows added up), grouped the way
 * a screen breaks them down. Every figure of the catalog is one formula over one of these
 * (`metricCatalog[id].formula`). Client-safe: types and pure functions only.
 */

export interface AppealSums {
  received: number
  complaints: number
  requests: number
  contracts: number
  settled: number
}
export interface DueSums {
  due: number
  onTime: number
  late: number
  overdue: number
  open: number
}
export interface CallSums {
  offered: number
  answeredIn: number
  unansweredIn: number
  shortAbandoned: number
  answeredInSl: number
  waitSum: number
  handleSum: number
  outbound: number
  callbacksPromised: number
  callbacksInTime: number
  /** calls closed as «нет окончания в журнале»: outside every other call figure */
  noEnding: number
  /** queue legs by line (overflow: one call, a leg per queue); a call without legs of its own is one leg */
  legs: number
  legsAnswered: number
  legsOverflowed: number
  legsLost: number
  legWaitSum: number
  /** ADR 027: answered incoming calls whose queue wait is known (Asterisk CDR and 3CX calls have none) */
  waitAnswered: number
  /** incoming calls with a known wait, short abandons aside: the service level's denominator */
  waitJudged: number
  /** answered queue legs of calls with a known wait */
  legsWaitAnswered: number
}
export interface VisitSums {
  visits: number
  served: number
  noShows: number
  completed: number
  waitSum: number
  serviceSum: number
  waitJudged: number
  waitWithin: number
  waitHist: number[]
  serviceHist: number[]
}

/** Survey answers (by submission) and personal links (by creation) of a period. */
export interface SurveySums {
  responses: number
  csatAnswers: number
  csatSatisfied: number
  csatSum: number
  npsAnswers: number
  promoters: number
  detractors: number
  cesAnswers: number
  cesSum: number
  invitations: number
  invitationsAnswered: number
}

/** Sums with the values of what they were grouped by. */
export interface Grouped<T> {
  key: Record<string, string | null>
  sums: T
}

/** The records of one norm (a deadline rule on calls or visits) in a period, as of a moment (deadlines/norms.server.ts). */
export interface NormSums {
  records: number
  within: number
  beyond: number
  missing: number
  /** records without a stop whose norm ran out and which the rule counts as violations */
  missingViolations: number
  /** the mean duration over the records with both events (SQL `avg`), null without any */
  mean: number | null
}

/** The appeals nearing their term: counted, not summed (deadlines/compliance.server.ts). */
export interface AtRiskCount {
  atRisk: number
}

/** Lost calls and whether the caller was reached (callbacks/callbacks.server.ts): counted per call, not summed. */
export interface LostSums {
  lost: number
  callback: number
  ownCall: number
  notReached: number
  noNumber: number
  /** reached, or not reached with the norm elapsed */
  judged: number
  inTime: number
  /** the mean time from the end of the lost call to the reaching answer (SQL `avg`), null without any */
  meanSecondsToReach: number | null
}

/** The inputs of figures, by kind: the summable ones (added up over groups) and the others. */
export interface Sums {
  appeals: AppealSums
  due: DueSums
  calls: CallSums
  visits: VisitSums
  surveys: SurveySums
}
export type SumsKind = keyof Sums

export interface FigureInputs extends Sums {
  /** «Проведено опросов» counts distinct surveys among the groups: it cannot be summed */
  surveyGroups: readonly Grouped<SurveySums>[]
  norms: NormSums
  atRisk: AtRiskCount
  lost: LostSums
}
export type InputKind = keyof FigureInputs

/** Lower bounds (seconds) of the histogram buckets of visit wait and service: 1 min to 30 min, 5 min to 1 h, 15 min to 2 h, then one open bucket. */
export const HIST_BOUNDS: readonly number[] = [
  ...Array.from({ length: 30 }, (_, i) => i * 60),
  ...Array.from({ length: 6 }, (_, i) => 1800 + i * 300),
  ...Array.from({ length: 4 }, (_, i) => 3600 + i * 900),
  7200,
]

export const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null)

/** The value under which `share` of a histogram's records lie, interpolated linearly inside its bucket. */
export function percentile(hist: readonly number[], share: number): number | null {
  const total = hist.reduce((s, n) => s + n, 0)
  if (!total) return null
  const rank = share * total
  let below = 0
  for (let i = 0; i < hist.length; i++) {
    const n = hist[i]!
    if (below + n >= rank && n > 0) {
      const lower = HIST_BOUNDS[i]!
      const upper = HIST_BOUNDS[i + 1]
      if (upper === undefined) return lower // the open bucket: «more than» its lower bound
      return lower + ((rank - below) / n) * (upper - lower)
    }
    below += n
  }
  return HIST_BOUNDS.at(-1)!
}
