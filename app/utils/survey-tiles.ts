import { SURVEY_TILES } from '#reports/metrics/dashboard-layout.ts'

/** Tiles that need a question of their kind: no NPS tile for a survey without an NPS question (issue 16). */
const NEEDS: Partial<Record<(typeof SURVEY_TILES)[number], string>> = {
  'surveys.csat': 'csat',
  'surveys.csat_mean': 'csat',
  'surveys.nps': 'nps',
  'surveys.ces': 'ces',
}

/** The survey page's tiles for a survey with these question kinds. Client-safe. */
export function surveyTilesFor(kinds: readonly string[]): (typeof SURVEY_TILES)[number][] {
  return SURVEY_TILES.filter((id) => !NEEDS[id] || kinds.includes(NEEDS[id]!))
}

/** A bar's share of those who answered the question: «42 %», «0,5 %», «—» when nobody answered. */
export function barShare(count: number, answered: number): string {
  if (!answered) return '—'
  const share = (count / answered) * 100
  return `${share.toLocaleString('ru-RU', { maximumFractionDigits: share < 10 ? 1 : 0 })} %`
}
