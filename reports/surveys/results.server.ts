/**
 * Survey results for a view (period and the dashboards' filters): the catalog's survey figures with the
 * year before, breakdowns by survey, office, form of service and delivery, the CSAT series, each question's
 * distribution and the free-text answers. Every figure comes from `surveySums` through `figureOf`, as on the
 * dashboards; a question's own CSAT/NPS/CES is the same formula over that question's answers.
 */
import { type RawBuilder, sql } from 'kysely'
import { columnsOf } from '#db/columns.ts'
import type { Db } from '#db/client.server.ts'
import { type KeysetPosition, afterPosition, keysetPages } from '#db/keyset.server.ts'
import type { Scope } from '#db/scope.server.ts'
import type { MetricId } from '#reports/metrics/catalog.ts'
import type { BreakdownRow, Figures } from '#reports/metrics/dashboard-view.server.ts'
import { type SurveySums, bucketsOf, figuresOf, groupBy, surveyConditions, surveySums, surveysConducted, totalOf } from '#reports/metrics/dashboard.server.ts'
import type { View } from '#reports/metrics/view.ts'
import { appealForm, labelOf } from '#reports/vocabulary.ts'
import { DELIVERIES, type Question, SCALES } from './questions.ts'

export interface SurveyResults {
  current: Figures
  previous: Figures
  conducted: number
  bySurvey: BreakdownRow[]
  byOffice: BreakdownRow[]
  byForm: BreakdownRow[]
  byDelivery: BreakdownRow[]
  series: { bucket: string; value: number | null }[]
}

const and = (c: RawBuilder<boolean>[]) => sql<boolean>`${sql.join(c, sql` and `)}`

/** Rows of a breakdown in label order, with «не указано» for responses that carry no such key. */
function rowsOf(groups: Map<string, SurveySums>, key: string, label: (code: string) => string): BreakdownRow[] {
  return [...groups.entries()]
    .map(([code, sums]) => ({
      link: code === 'none' ? {} : { [key]: code },
      label: code === 'none' ? 'не указано' : label(code),
      figures: figuresOf('surveys', sums),
    }))
    .sort((a, b) => (a.label === 'не указано' ? 1 : b.label === 'не указано' ? -1 : a.label.localeCompare(b.label, 'ru')))
}

export async function buildSurveyResults(
  db: Db,
  scope: Scope,
  view: View,
  names: { offices: Map<string, string>; surveys?: Map<string, string> },
  surveyId?: string,
): Promise<SurveyResults> {
  const [now, before] = await Promise.all([
    surveySums(db, scope, view.period, view.filter, view.narrowing, surveyId),
    surveySums(db, scope, view.previous, view.filter, view.narrowing, surveyId),
  ])
  const byBucket = groupBy('surveys', now, (g) => g.key.bucket ?? '')
  return {
    current: figuresOf('surveys', totalOf('surveys', now)),
    previous: figuresOf('surveys', totalOf('surveys', before)),
    conducted: surveysConducted(now),
    bySurvey: rowsOf(
      groupBy('surveys', now, (g) => g.key.survey ?? 'none'),
      'survey',
      (id) => names.surveys?.get(id) ?? `Опрос ${id}`,
    ),
    byOffice: rowsOf(
      groupBy('surveys', now, (g) => g.key.office ?? 'none'),
      'office',
      (code) => names.offices.get(code) ?? code,
    ),
    byForm: rowsOf(
      groupBy('surveys', now, (g) => g.key.form ?? 'none'),
      'form',
      (code) => labelOf(appealForm, code),
    ),
    byDelivery: rowsOf(
      groupBy('surveys', now, (g) => g.key.delivery ?? 'none'),
      'delivery',
      (code) => DELIVERIES[code as keyof typeof DELIVERIES] ?? code,
    ),
    series: bucketsOf(view.period).map((bucket) => {
      const s = byBucket.get(bucket)
      return { bucket, value: s ? figuresOf('surveys', s)['surveys.csat'] : null }
    }),
  }
}

// ---------------------------------------------------------------------------------------------- questions

export interface QuestionSummary {
  id: string
  kind: Question['kind']
  text: string
  required: boolean
  /** responses of the view that answered this question */
  answered: number
  /** one bar per scale point or option, in order */
  bars: { label: string; count: number }[]
  /** the question's own figure: CSAT and the mean for 1–5, NPS for 0–10, CES for 1–7 */
  figures: Partial<Record<MetricId, number | null>>
}

/** The sums one scale question's answers give, so its figure is the catalog formula, not a second one. */
export function scaleSums(kind: 'csat' | 'nps' | 'ces', counts: ReadonlyMap<number, number>): SurveySums {
  const s = totalOf('surveys', [])
  for (const [score, n] of counts) {
    if (kind === 'csat') {
      s.csatAnswers += n
      s.csatSum += score * n
      if (score >= 4) s.csatSatisfied += n
    } else if (kind === 'nps') {
      s.npsAnswers += n
      if (score >= 9) s.promoters += n
      if (score <= 6) s.detractors += n
    } else {
      s.cesAnswers += n
      s.cesSum += score * n
    }
  }
  return s
}

const QUESTION_FIGURES = { csat: ['surveys.csat', 'surveys.csat_mean'], nps: ['surveys.nps'], ces: ['surveys.ces'] } as const

/** Responses `r`, their answers `a`, links `i` and appeals `ap`. */
const sr = columnsOf('survey_response', 'r')
const sa = columnsOf('survey_answer', 'a')
const si = columnsOf('survey_invitation', 'i')
const sap = columnsOf('appeal', 'ap')

function responsesWhere(scope: Scope, view: View, surveyId: string): RawBuilder<boolean> {
  return and([
    sql<boolean>`${sr('submitted_at')} >= ${view.period.start} and ${sr('submitted_at')} < ${view.period.end}`,
    ...surveyConditions(scope, view.filter, view.narrowing, surveyId),
  ])
}

export async function questionSummaries(db: Db, scope: Scope, view: View, survey: { id: string; questions: readonly Question[] }): Promise<QuestionSummary[]> {
  const where = responsesWhere(scope, view, survey.id)
  const [answered, scores, choices] = await Promise.all([
    sql<{
      question_id: string
      n: string
    }>`select ${sa('question_id')}, count(*) as n from survey_answer a join survey_response r on ${sr('id')} = ${sa('response_id')} where ${where} group by 1`.execute(
      db,
    ),
    sql<{ question_id: string; score: number; n: string }>`
      select ${sa('question_id')}, ${sa('score')}, count(*) as n from survey_answer a join survey_response r on ${sr('id')} = ${sa('response_id')} where ${where} and ${sa('score')} is not null group by 1, 2`.execute(
      db,
    ),
    sql<{ question_id: string; choice: number; n: string }>`
      select ${sa('question_id')}, c.choice, count(*) as n from survey_answer a join survey_response r on ${sr('id')} = ${sa('response_id')} cross join unnest(${sa('choices')}) as c(choice)
      where ${where} group by 1, 2`.execute(db),
  ])
  const count = new Map(answered.rows.map((r) => [r.question_id, Number(r.n)]))
  const per = (rows: readonly { question_id: string; n: string }[], value: (r: never) => number) => {
    const out = new Map<string, Map<number, number>>()
    for (const r of rows) {
      const m = out.get(r.question_id) ?? new Map<number, number>()
      m.set(value(r as never), Number(r.n))
      out.set(r.question_id, m)
    }
    return out
  }
  const scoreCounts = per(scores.rows, (r: { score: number }) => Number(r.score))
  const choiceCounts = per(choices.rows, (r: { choice: number }) => Number(r.choice))
  return survey.questions.map((q) => {
    const base = { id: q.id, kind: q.kind, text: q.text, required: q.required, answered: count.get(q.id) ?? 0 }
    if (q.kind === 'csat' || q.kind === 'nps' || q.kind === 'ces') {
      const { min, max, labels } = SCALES[q.kind]
      const counts = scoreCounts.get(q.id) ?? new Map<number, number>()
      const bars = Array.from({ length: max - min + 1 }, (_, i) => min + i).map((v) => ({
        label: labels[v] ? `${v} — ${labels[v]}` : String(v),
        count: counts.get(v) ?? 0,
      }))
      const all = figuresOf('surveys', scaleSums(q.kind, counts))
      const figures = Object.fromEntries(QUESTION_FIGURES[q.kind].map((id) => [id, all[id]]))
      return { ...base, bars, figures }
    }
    if (q.kind === 'single' || q.kind === 'multi') {
      const counts = choiceCounts.get(q.id) ?? new Map<number, number>()
      return { ...base, bars: (q.options ?? []).map((label, i) => ({ label, count: counts.get(i) ?? 0 })), figures: {} }
    }
    return { ...base, bars: [], figures: {} }
  })
}

export interface TextAnswer {
  submittedAt: Date
  questionId: string
  text: string
  officeCode: string | null
  form: string | null
}

/** Free-text answers of the view, newest first, a page at a time, with the total. */
export async function textAnswers(
  db: Db,
  scope: Scope,
  view: View,
  surveyId: string,
  page: number,
  pageSize: number,
): Promise<{ rows: TextAnswer[]; total: number }> {
  const where = responsesWhere(scope, view, surveyId)
  const [rows, total] = await Promise.all([
    sql<{ submitted_at: Date; question_id: string; text: string; office_code: string | null; form: string | null }>`
      select ${sr('submitted_at')}, ${sa('question_id')}, ${sa('text')}, ${sr('office_code')}, ${sr('form')} from survey_answer a join survey_response r on ${sr('id')} = ${sa('response_id')}
      where ${where} and ${sa('text')} is not null order by ${sr('submitted_at')} desc, ${sr('id')} desc, ${sa('question_id')} limit ${pageSize} offset ${(page - 1) * pageSize}`.execute(
      db,
    ),
    sql<{
      n: string
    }>`select count(*) as n from survey_answer a join survey_response r on ${sr('id')} = ${sa('response_id')} where ${where} and ${sa('text')} is not null`.execute(
      db,
    ),
  ])
  return {
    rows: rows.rows.map((r) => ({ submittedAt: r.submitted_at, questionId: r.question_id, text: r.text, officeCode: r.office_code, form: r.form })),
    total: Number(total.rows[0]?.n ?? 0),
  }
}

export interface ResponseRow {
  id: string
  submittedAt: Date
  collectedBy: string
  delivery: string | null
  officeCode: string | null
  form: string | null
  topic: string | null
  regNumber: string | null
  answers: Record<string, { score: number | null; choices: number[] | null; text: string | null }>
}

/** Every response of the view with its answers, oldest first, in keyset pages (a file of any size). */
export async function* responsePages(db: Db, scope: Scope, view: View, surveyId: string, pageSize = 2000): AsyncGenerator<ResponseRow[]> {
  const where = responsesWhere(scope, view, surveyId)
  const fetch = async (after: KeysetPosition | undefined) => {
    const rows = await sql<{
      id: string
      submitted_at: Date
      collected_by: string
      delivery: string | null
      office_code: string | null
      form: string | null
      topic: string | null
      reg_number: string | null
      answers: ResponseRow['answers'] | null
    }>`
      select ${sr('id')}, ${sr('submitted_at')}, ${sr('collected_by')}, ${si('delivery')}, ${sr('office_code')}, ${sr('form')}, ${sr('topic')}, ${sap('reg_number')},
        (select jsonb_object_agg(${sa('question_id')}, jsonb_build_object('score', ${sa('score')}, 'choices', ${sa('choices')}, 'text', ${sa('text')})) from survey_answer a where ${sa('response_id')} = ${sr('id')}) as answers
      from survey_response r left join survey_invitation i on ${si('id')} = ${sr('invitation_id')} left join appeal ap on ${sap('id')} = ${sr('appeal_id')}
      where ${where} ${afterPosition(sr('submitted_at'), after)}
      order by ${sr('submitted_at')}, ${sr('id')} limit ${pageSize}`.execute(db)
    return rows.rows.map((r) => ({
      id: r.id,
      submittedAt: r.submitted_at,
      collectedBy: r.collected_by,
      delivery: r.delivery,
      officeCode: r.office_code,
      form: r.form,
      topic: r.topic,
      regNumber: r.reg_number,
      answers: r.answers ?? {},
    }))
  }
  yield* keysetPages(fetch, (r) => ({ at: r.submittedAt, id: r.id }), pageSize)
}

/** An answer as words: the score, the chosen options' labels, or the text. */
export function answerText(q: Question, a: { score: number | null; choices: number[] | null; text: string | null } | undefined): string | number | null {
  if (!a) return null
  if (a.score !== null) return a.score
  if (a.choices) return a.choices.map((i) => q.options?.[i] ?? `вариант ${i + 1}`).join('; ')
  return a.text
}
