/**
 * Which of a view's filters a norm follows (issue 16: the cockpit's norms follow every filter of the view,
 * not only the branch). A norm is measured over its records — appeals, calls or visits — so a filter on a
 * field those records have narrows it (the same conditions as the dashboard's figures, `viewConditions`);
 * a filter on a field they do not have (a call has no office, a visit no form) cannot be applied, and the
 * cockpit says so in words instead of showing the unfiltered value. Client-safe.
 */
import { type Vocabulary, appealForm, appealTopic, callCategory, consumerType, labelOf, serviceKind } from '#reports/vocabulary.ts'
import { FILTER_LABELS, type Narrowing, type ViewFilter, readView } from '#reports/metrics/view.ts'

export type NormDomain = 'appeals' | 'calls' | 'visits'
type FilterKey = keyof ViewFilter | keyof Narrowing

/** The filter keys each kind of record has (what `viewConditions` applies to it). */
export const NORM_FILTER_KEYS: Record<NormDomain, readonly FilterKey[]> = {
  appeals: ['branch', 'office', 'form', 'consumerType', 'topic'],
  calls: ['branch', 'line', 'category', 'direction'],
  visits: ['branch', 'office', 'consumerType', 'serviceKind'],
}

const RECORDS_GENITIVE: Record<NormDomain, string> = { appeals: 'обращений', calls: 'звонков', visits: 'посещений офисов' }

/** The filters of the view a norm of `domain` cannot follow, as a Russian sentence; null when it follows them all. */
export function unfollowedFilters(domain: NormDomain, filter: ViewFilter, narrowing: Narrowing): string | null {
  const set: Record<string, string | undefined> = { ...filter, ...narrowing }
  const missing = (Object.keys(FILTER_LABELS) as FilterKey[]).filter((k) => set[k] && !NORM_FILTER_KEYS[domain].includes(k))
  if (missing.length === 0) return null
  const names = missing.map((k) => `«${FILTER_LABELS[k]}»`).join(', ')
  return `Не считается при фильтре ${names}: у ${RECORDS_GENITIVE[domain]} нет такого признака.`
}

/** The filter keys of a view a norm's drill-down carries (the records list applies the same filters). */
export function normFilterQuery(domain: NormDomain, filter: ViewFilter, narrowing: Narrowing): string {
  const set: Record<string, string | undefined> = { ...filter, ...narrowing }
  const q = new URLSearchParams()
  for (const k of NORM_FILTER_KEYS[domain]) if (set[k]) q.set(k, set[k]!)
  const text = q.toString()
  return text ? `&${text}` : ''
}

const VOCABULARIES: Partial<Record<FilterKey, Vocabulary>> = { form: appealForm, consumerType, topic: appealTopic, category: callCategory, serviceKind }

/** A filter's value in words (a code never reaches the screen; an office and a line are named by their code). */
function valueWords(key: FilterKey, value: string): string {
  if (key === 'direction') return value === 'in' ? 'входящие' : 'исходящие'
  if (value === 'none') return 'не указано'
  const vocabulary = VOCABULARIES[key]
  return vocabulary ? labelOf(vocabulary, value) : value
}

/** The filters a norm's drill-down was opened with (validated as the dashboard reads them), only those its records have. */
export function readNormFilter(params: URLSearchParams, domain: NormDomain): { filter: ViewFilter; narrowing: Narrowing; words: string[] } {
  const view = readView(params, 'UTC', 2000)
  const keys = NORM_FILTER_KEYS[domain]
  const set: Record<string, string | undefined> = { ...view.filter, ...view.narrowing }
  const keep = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && keys.includes(k as FilterKey))) as T
  // the branch narrows the scope itself (narrowScope): not repeated among the words
  const words = keys.filter((k) => k !== 'branch' && set[k]).map((k) => `${FILTER_LABELS[k].toLowerCase()}: ${valueWords(k, set[k]!)}`)
  return { filter: keep(view.filter), narrowing: keep(view.narrowing), words }
}

/** The query of a list page without its page number (the pager adds it). */
export function withoutPage(params: URLSearchParams): string {
  const q = new URLSearchParams(params)
  q.delete('page')
  return q.toString()
}
