/**
 * Everything one dashboard view shows — tiles with the year-before comparison, the breakdown tables and the
 * chart series — built once and used by the screen and by its XLSX file, so the file equals the screen.
 */
import type { Db } from '#db/client.server.ts'
import type { Scope } from '#db/scope.server.ts'
import { appealForm, appealTopic, callCategory, labelOf, serviceKind } from '#reports/vocabulary.ts'
import { type Domain, appealSums, bucketsOf, callSums, dueSums, figuresOf, groupBy, notApplicable, surveySums, totalOf, visitSums } from './dashboard.server.ts'
import type { MetricId } from './catalog.ts'
import type { RollupParams } from './rollups.server.ts'
import type { View } from './view.ts'

export type Figures = Partial<Record<MetricId, number | null>>

export interface BreakdownRow {
  /** the narrowing a drill-down from this row adds */
  link: Record<string, string>
  label: string
  figures: Figures
}

export interface DomainBlock {
  /** null when the domain applies to the filter; otherwise why it does not */
  notApplicable: string | null
  current: Figures
  previous: Figures
}

export interface DashboardData {
  appeals: DomainBlock & { byForm: BreakdownRow[]; byTopic: BreakdownRow[] }
  calls: DomainBlock & { byCategory: BreakdownRow[]; byLine: BreakdownRow[] }
  visits: DomainBlock & { byOffice: BreakdownRow[] }
  /** survey figures, and per form and office beside the service figures of the same form and office */
  surveys: DomainBlock & { byForm: BreakdownRow[]; byOffice: BreakdownRow[] }
  series: {
    buckets: string[]
    appealsByForm: Record<string, number | string>[]
    onTimeShare: { bucket: string; value: number | null }[]
    serviceLevel: { bucket: string; value: number | null }[]
    visitWait: { bucket: string; value: number | null }[]
  }
  /** the wait norm drawn on the visits chart, minutes (the first wait rule without a filter, else the first) */
  waitNormMinutes: number | null
  params: RollupParams
}

/** Appendix 4 codes in their natural order (1.1 … 1.5, 2, …, 11), the rows without a category last. */
function byCategoryCode<T>(map: Map<string, T>): [string, T][] {
  const parts = (code: string) => (code === 'none' ? [Number.POSITIVE_INFINITY] : code.split('.').map(Number))
  return [...map.entries()].sort(([a], [b]) => {
    const [x, y] = [parts(a), parts(b)]
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? -1) !== (y[i] ?? -1)) return (x[i] ?? -1) - (y[i] ?? -1)
    return 0
  })
}

export async function buildDashboard(db: Db, scope: Scope, view: View, asOf: Date, params: RollupParams, offices: Map<string, string>): Promise<DashboardData> {
  const { period, previous, filter } = view
  const na: Record<Domain, string | null> = { appeals: null, calls: notApplicable('calls', filter), visits: notApplicable('visits', filter) }
  const [received, receivedBefore, due, dueBefore, calls, callsBefore, visits, visitsBefore, visitSeries, surveys, surveysBefore] = await Promise.all([
    appealSums(db, scope, period, filter),
    appealSums(db, scope, previous, filter),
    dueSums(db, scope, period, filter, asOf, params.zone),
    dueSums(db, scope, previous, filter, asOf, params.zone),
    na.calls ? [] : callSums(db, scope, period, filter),
    na.calls ? [] : callSums(db, scope, previous, filter),
    na.visits ? [] : visitSums(db, scope, period, filter, 'office'),
    na.visits ? [] : visitSums(db, scope, previous, filter, 'office'),
    na.visits ? [] : visitSums(db, scope, period, filter, 'bucket'),
    surveySums(db, scope, period, filter),
    surveySums(db, scope, previous, filter),
  ])
  const appealFigures = (r: ReturnType<typeof totalOf<'appeals'>>, d: ReturnType<typeof totalOf<'due'>>): Figures => ({
    ...figuresOf('appeals', r),
    ...figuresOf('due', d),
  })

  const formsReceived = groupBy('appeals', received, (g) => g.key.form!)
  const formsDue = groupBy('due', due, (g) => g.key.form!)
  const topicsReceived = groupBy('appeals', received, (g) => g.key.topic!)
  const topicsDue = groupBy('due', due, (g) => g.key.topic!)
  const forms = Object.keys(appealForm)
  const topics = Object.keys(appealTopic)
  const zeroAppeals = () => totalOf('appeals', [])
  const zeroDue = () => totalOf('due', [])

  const categories = groupBy('calls', calls, (g) => g.key.category ?? 'none')
  const lines = groupBy('calls', calls, (g) => g.key.line ?? 'none')
  const officeGroups = groupBy('visits', visits, (g) => `${g.key.office}\u0000${g.key.serviceKind}`)

  const buckets = bucketsOf(period)
  const receivedByBucket = groupBy('appeals', received, (g) => `${g.key.bucket}\u0000${g.key.form}`)
  const dueByBucket = groupBy('due', due, (g) => g.key.bucket!)
  const callsByBucket = groupBy('calls', calls, (g) => g.key.bucket!)
  const visitsByBucket = groupBy('visits', visitSeries, (g) => g.key.bucket!)

  const surveysByForm = groupBy('surveys', surveys, (g) => g.key.form ?? 'none')
  const surveysByOffice = groupBy('surveys', surveys, (g) => g.key.office ?? 'none')
  const visitsByOffice = groupBy('visits', visits, (g) => g.key.office!)
  const zeroSurveys = () => totalOf('surveys', [])
  const surveyOffices = [...new Set([...visitsByOffice.keys(), ...[...surveysByOffice.keys()].filter((o) => o !== 'none')])]

  const waitRule = params.visitWaitNorms.find((n) => Object.keys(n.filter).length === 0) ?? params.visitWaitNorms[0]
  return {
    appeals: {
      notApplicable: null,
      current: appealFigures(totalOf('appeals', received), totalOf('due', due)),
      previous: appealFigures(totalOf('appeals', receivedBefore), totalOf('due', dueBefore)),
      byForm: forms
        .filter((f) => !filter.form || f === filter.form)
        .map((f) => ({
          link: { form: f },
          label: labelOf(appealForm, f),
          figures: appealFigures(formsReceived.get(f) ?? zeroAppeals(), formsDue.get(f) ?? zeroDue()),
        })),
      byTopic: topics.map((t) => ({
        link: { topic: t },
        label: labelOf(appealTopic, t),
        figures: appealFigures(topicsReceived.get(t) ?? zeroAppeals(), topicsDue.get(t) ?? zeroDue()),
      })),
    },
    calls: {
      notApplicable: na.calls,
      current: na.calls ? {} : figuresOf('calls', totalOf('calls', calls)),
      previous: na.calls ? {} : figuresOf('calls', totalOf('calls', callsBefore)),
      byCategory: byCategoryCode(categories).map(([c, s]) => ({
        link: { category: c },
        label: c === 'none' ? 'без категории' : `${c} — ${labelOf(callCategory, c)}`,
        figures: figuresOf('calls', s),
      })),
      byLine: [...lines.entries()]
        .sort(([a], [b]) => a.localeCompare(b, 'ru'))
        .map(([l, s]) => ({ link: { line: l }, label: l === 'none' ? 'линия не указана' : l, figures: figuresOf('calls', s) })),
    },
    visits: {
      notApplicable: na.visits,
      current: na.visits ? {} : figuresOf('visits', totalOf('visits', visits)),
      previous: na.visits ? {} : figuresOf('visits', totalOf('visits', visitsBefore)),
      byOffice: [...officeGroups.entries()]
        .map(([key, s]) => {
          const [office, kind] = key.split('\u0000') as [string, string]
          return {
            link: { office, serviceKind: kind },
            label: `${offices.get(office) ?? office} — ${labelOf(serviceKind, kind)}`,
            figures: figuresOf('visits', s),
          }
        })
        .sort((a, b) => a.label.localeCompare(b.label, 'ru')),
    },
    surveys: {
      notApplicable: null,
      current: figuresOf('surveys', totalOf('surveys', surveys)),
      previous: figuresOf('surveys', totalOf('surveys', surveysBefore)),
      byForm: forms
        .filter((f) => !filter.form || f === filter.form)
        .map((f) => ({
          link: { form: f },
          label: labelOf(appealForm, f),
          figures: {
            ...appealFigures(formsReceived.get(f) ?? zeroAppeals(), formsDue.get(f) ?? zeroDue()),
            ...figuresOf('surveys', surveysByForm.get(f) ?? zeroSurveys()),
          },
        })),
      byOffice: surveyOffices
        .map((office) => ({
          link: { office },
          label: offices.get(office) ?? office,
          figures: {
            ...figuresOf('visits', visitsByOffice.get(office) ?? totalOf('visits', [])),
            ...figuresOf('surveys', surveysByOffice.get(office) ?? zeroSurveys()),
          },
        }))
        .sort((a, b) => a.label.localeCompare(b.label, 'ru')),
    },
    series: {
      buckets,
      appealsByForm: buckets.map((bucket) => {
        const row: Record<string, number | string> = { bucket }
        for (const f of forms) row[f] = receivedByBucket.get(`${bucket}\u0000${f}`)?.received ?? 0
        return row
      }),
      onTimeShare: buckets.map((bucket) => ({ bucket, value: figuresOf('due', dueByBucket.get(bucket) ?? zeroDue())['appeals.on_time_share'] })),
      serviceLevel: buckets.map((bucket) => ({
        bucket,
        value: na.calls ? null : figuresOf('calls', callsByBucket.get(bucket) ?? totalOf('calls', []))['calls.service_level'],
      })),
      visitWait: buckets.map((bucket) => ({
        bucket,
        value: na.visits ? null : figuresOf('visits', visitsByBucket.get(bucket) ?? totalOf('visits', []))['visits.mean_wait'],
      })),
    },
    waitNormMinutes: waitRule ? waitRule.seconds / 60 : null,
    params,
  }
}
