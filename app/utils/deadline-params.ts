import { type Period, endOfLocalDay, isDateText, periodOf } from '#reports/metrics/period.ts'

export interface DeadlineParams {
  period: Period
  /** the moment the figures are judged at: the end of the chosen day, or now */
  asOf: Date
  asOfText: string | null
  /** «на подходе»: due within this many working days */
  days: number
}

/** Reads `from`, `to`, `asOf`, `days` from a URL; anything unreadable falls back to the defaults. */
export function readDeadlineParams(url: URL, zone: string, defaultYear: number, now = new Date()): DeadlineParams {
  const p = url.searchParams
  const from = isDateText(p.get('from')) ? p.get('from')! : `${defaultYear}-01-01`
  const toRaw = isDateText(p.get('to')) ? p.get('to')! : `${defaultYear}-12-31`
  const to = toRaw < from ? from : toRaw
  const asOfText = isDateText(p.get('asOf')) ? p.get('asOf') : null
  const asOf = asOfText ? endOfLocalDay(asOfText, zone) : now
  const days = Math.min(30, Math.max(1, Math.floor(Number(p.get('days')) || 3)))
  return { period: periodOf(from, to, zone), asOf, asOfText, days }
}

/** The query string of the same view, for links to records. */
export function deadlineQuery(params: DeadlineParams, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ from: params.period.from, to: params.period.to, days: String(params.days), ...extra })
  if (params.asOfText) q.set('asOf', params.asOfText)
  return q.toString()
}
