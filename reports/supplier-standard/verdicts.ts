/** Verdicts of the supplier-standard report. Client-safe. */
export type Verdict = 'met' | 'broken' | 'no_data'

export const VERDICT_LABEL: Record<Verdict, string> = { met: 'соблюдён', broken: 'нарушен', no_data: 'нет данных за период' }
