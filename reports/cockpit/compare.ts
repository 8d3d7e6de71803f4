/**
 * What the cockpit compares a period with, and how a comparison is said. Client-safe.
 *
 * - «предыдущий период» (the default): the month, quarter or year just before; for chosen days, as many days
 *   just before them;
 * - «год назад»: the same days a year before (view.ts, `yearBefore`).
 *
 * A comparison never shows a number that was not measured: when the comparison period has no records of
 * the figure's log (or no value at all), it says «нет данных», never «0 (—)».
 */
import { type Period, periodOf } from '#reports/metrics/period.ts'
import type { View } from '#reports/metrics/view.ts'
import { dayNumber, dayText } from '#reports/time/days.ts'

export type CompareWith = 'prior' | 'year'

export const COMPARE_LABEL: Record<CompareWith, { option: string; short: string }> = {
  prior: { option: 'с предыдущим периодом', short: 'пред. период' },
  year: { option: 'с тем же периодом год назад', short: 'год назад' },
}

export function readCompare(params: URLSearchParams): CompareWith {
  return params.get('compare') === 'year' ? 'year' : 'prior'
}

const pad = (n: number) => String(n).padStart(2, '0')
const lastDay = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate()

/** The local days of the period just before the view's: the previous month, quarter, year, or as many days. */
export function priorDays(view: Pick<View, 'kind' | 'year' | 'quarter' | 'month' | 'period'>): { from: string; to: string } {
  if (view.kind === 'year') return { from: `${view.year - 1}-01-01`, to: `${view.year - 1}-12-31` }
  if (view.kind === 'quarter') {
    const [y, q] = view.quarter === 1 ? [view.year - 1, 4] : [view.year, view.quarter - 1]
    return { from: `${y}-${pad(q * 3 - 2)}-01`, to: `${y}-${pad(q * 3)}-${pad(lastDay(y, q * 3))}` }
  }
  if (view.kind === 'month') {
    const [y, m] = view.month === 1 ? [view.year - 1, 12] : [view.year, view.month - 1]
    return { from: `${y}-${pad(m)}-01`, to: `${y}-${pad(m)}-${pad(lastDay(y, m))}` }
  }
  const days = dayNumber(view.period.to) - dayNumber(view.period.from) + 1
  return { from: dayText(dayNumber(view.period.from) - days), to: dayText(dayNumber(view.period.from) - 1) }
}

/** The view with its comparison period chosen: every figure «before» (tiles, file, norms) reads `previous`. */
export function withComparison<V extends View>(view: V, compare: CompareWith, zone: string): V {
  if (compare === 'year') return view
  const { from, to } = priorDays(view)
  return { ...view, previous: periodOf(from, to, zone) as Period }
}

export type Trend = 'better' | 'worse' | 'same' | 'none'

/**
 * The direction of a change for a figure where higher or lower is better. `none` when either side was not
 * measured (no data, no value) or the figure has no better direction.
 */
export function trendOf(better: 'higher' | 'lower' | 'neither', value: number | null | undefined, before: number | null | undefined): Trend {
  if (value === null || value === undefined || before === null || before === undefined || better === 'neither') return 'none'
  if (Math.abs(value - before) < 1e-9) return 'same'
  return value > before === (better === 'higher') ? 'better' : 'worse'
}

export const TREND_MARK: Record<Trend, string> = { better: '▲ лучше', worse: '▼ хуже', same: '= без изменений', none: '' }

/** Whether a «before» value may be shown: not when its log had no record in the comparison period, nor without a value («нет данных»). */
export function beforeMeasured(before: number | null | undefined, noDataBefore: boolean): before is number {
  return !noDataBefore && before !== null && before !== undefined
}
