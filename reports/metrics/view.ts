/**
 * What a dashboard view or a register shows: the period (month, quarter, year or custom days in the
 * organisation's zone), the filters every figure obeys, and the narrower keys a drill-down adds. Read
 * from the URL with defaults for anything unreadable, written back to the URL for links and exports.
 * Client-safe.
 */
import { dayNumber, dayText } from '#reports/time/days.ts'
import { appealForm, appealTopic, callCategory, consumerType, serviceKind } from '#reports/vocabulary.ts'
import { z } from 'zod'
import { type Period, isDateText, periodOf } from './period.ts'

export type PeriodKind = 'year' | 'quarter' | 'month' | 'custom'

export interface ViewFilter {
  branch?: string
  office?: string
  form?: string
  consumerType?: string
}

/** Narrower keys a drill-down from a table cell adds (not on the dashboard's filter bar). */
export interface Narrowing {
  topic?: string
  category?: string
  line?: string
  serviceKind?: string
  direction?: string
}

export interface View {
  kind: PeriodKind
  year: number
  quarter: number
  month: number
  period: Period
  /** the same days a year before (29 February → 28 February) */
  previous: Period
  filter: ViewFilter
  narrowing: Narrowing
}

const ID = /^\d{1,18}$/
const CODE = /^[\p{L}\p{N} ._\-/]{1,80}$/u

function pick<T extends object>(value: string | null, vocabulary: T): string | undefined {
  return value && Object.hasOwn(vocabulary, value) ? value : undefined
}

/** A whole number in a range, read from a search param's text (`Number` rules: '' and null are 0). */
const wholeIn = (min: number, max: number) => z.preprocess((v) => Number(v), z.number().int().min(min).max(max))

export function clampInt(text: string | null, min: number, max: number, fallback: number): number {
  return wholeIn(min, max).catch(fallback).parse(text)
}

/** The period part of a view's search params; anything unreadable falls back (a hand-edited URL). */
const periodParams = (defaultYear: number) =>
  z.object({
    period: z.enum(['year', 'quarter', 'month', 'custom']).catch('year'),
    year: wholeIn(2000, 2100).catch(defaultYear),
    quarter: wholeIn(1, 4).catch(1),
    month: wholeIn(1, 12).catch(1),
    from: z.string().refine(isDateText).optional().catch(undefined),
    to: z.string().refine(isDateText).optional().catch(undefined),
  })

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

const pad = (n: number) => String(n).padStart(2, '0')

/** The same local day a year earlier; 29 February becomes 28 February. */
export function yearBefore(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return `${y - 1}-${pad(m)}-${pad(Math.min(d, lastDayOfMonth(y - 1, m)))}`
}

export function readView(params: URLSearchParams, zone: string, defaultYear: number): View {
  const p = periodParams(defaultYear).parse({
    period: params.get('period'),
    year: params.get('year'),
    quarter: params.get('quarter'),
    month: params.get('month'),
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
  })
  const { year, quarter, month } = p
  const kind: PeriodKind = p.period
  let from: string
  let to: string
  if (kind === 'quarter') {
    from = `${year}-${pad(quarter * 3 - 2)}-01`
    to = `${year}-${pad(quarter * 3)}-${lastDayOfMonth(year, quarter * 3)}`
  } else if (kind === 'month') {
    from = `${year}-${pad(month)}-01`
    to = `${year}-${pad(month)}-${lastDayOfMonth(year, month)}`
  } else if (kind === 'custom' && p.from !== undefined) {
    from = p.from
    const rawTo = p.to ?? from
    to = rawTo < from ? from : rawTo
    // at most ten years: a figure over a century of days is a typo
    if (dayNumber(to) - dayNumber(from) > 3660) to = dayText(dayNumber(from) + 3660)
  } else {
    from = `${year}-01-01`
    to = `${year}-12-31`
  }
  const text = (key: string) => {
    const value = params.get(key)?.trim()
    return value && CODE.test(value) ? value : undefined
  }
  const branch = params.get('branch')
  const filter: ViewFilter = {
    branch: branch && ID.test(branch) ? branch : undefined,
    office: text('office'),
    form: pick(params.get('form'), appealForm),
    consumerType: pick(params.get('consumerType'), consumerType),
  }
  const narrowing: Narrowing = {
    topic: pick(params.get('topic'), appealTopic),
    // `none`: the calls without a category (a breakdown row of its own)
    category: params.get('category') === 'none' ? 'none' : pick(params.get('category'), callCategory),
    line: text('line'),
    serviceKind: pick(params.get('serviceKind'), serviceKind),
    direction: params.get('direction') === 'in' || params.get('direction') === 'out' ? params.get('direction')! : undefined,
  }
  return {
    kind: kind === 'custom' && p.from === undefined ? 'year' : kind,
    year,
    quarter,
    month,
    period: periodOf(from, to, zone),
    previous: periodOf(yearBefore(from), yearBefore(to), zone),
    filter,
    narrowing,
  }
}

/** The filter and narrowing keys of the URL, with the words a message names them by. */
export const FILTER_LABELS = {
  branch: 'Филиал',
  office: 'Офис',
  form: 'Форма обслуживания',
  consumerType: 'Тип потребителя',
  topic: 'Тема',
  category: 'Категория звонка',
  line: 'Линия',
  serviceKind: 'Вид услуги',
  direction: 'Направление',
} as const satisfies Record<keyof ViewFilter | keyof Narrowing, string>

/**
 * The filter keys the URL gives a value that readView cannot read (a mistyped code, a stray NUL or U+FFFD):
 * such a request is an error, never a view without that filter.
 */
export function rejectedFilters(params: URLSearchParams): (keyof typeof FILTER_LABELS)[] {
  const view = readView(params, 'UTC', 2000)
  const read: Record<string, string | undefined> = { ...view.filter, ...view.narrowing }
  return (Object.keys(FILTER_LABELS) as (keyof typeof FILTER_LABELS)[]).filter((key) => {
    const raw = params.get(key)
    return raw !== null && raw.trim() !== '' && read[key] === undefined
  })
}

/** The query string of a view (and extra keys), for links, drill-downs and downloads. */
export function viewQuery(view: View, extra: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams()
  q.set('period', view.kind)
  if (view.kind === 'custom') {
    q.set('from', view.period.from)
    q.set('to', view.period.to)
  } else {
    q.set('year', String(view.year))
    if (view.kind === 'quarter') q.set('quarter', String(view.quarter))
    if (view.kind === 'month') q.set('month', String(view.month))
  }
  for (const [key, value] of Object.entries({ ...view.filter, ...view.narrowing, ...extra })) if (value !== undefined && value !== '') q.set(key, value)
  return q.toString()
}

/** «2025 год», «II квартал 2025», «март 2025», «01.02.2025 — 15.02.2025» */
export function periodLabel(view: Pick<View, 'kind' | 'year' | 'quarter' | 'month' | 'period'>): string {
  const MONTHS = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь']
  if (view.kind === 'year') return `${view.year} год`
  if (view.kind === 'quarter') return `${['I', 'II', 'III', 'IV'][view.quarter - 1]} квартал ${view.year}`
  if (view.kind === 'month') return `${MONTHS[view.month - 1]} ${view.year}`
  const ru = (d: string) => d.split('-').reverse().join('.')
  return `${ru(view.period.from)} — ${ru(view.period.to)}`
}
