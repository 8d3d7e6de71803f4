/**
 * What a record card shows beyond its columns (issue 16): an appeal's term judged by the deadline engine
 * (rule, due date, answer, verdict: `recordVerdict` over `deadlineOutcome`), and the survey answers tied to
 * the record (an answer given through a personal link or by phone names its appeal, call or visit). The
 * caller has already checked the record is in the user's scope; free texts pass through `shownText` (contacts
 * redacted for roles without personal data, as on the survey results).
 */
import { sql } from 'kysely'
import type { Database } from '#db/client.server.ts'
import type { Db } from '#db/client.server.ts'
import type { Organisation } from '#db/schema.ts'
import { formatDateTime } from '#reports/format.ts'
import { WORDS, countOf } from '#reports/plural.ts'
import { type RecordVerdict, recordVerdict } from '#reports/deadlines/record-verdict.ts'
import { loadWorkCalendar } from '#reports/deadlines/rules.server.ts'
import { COLLECTED_BY, SCALES, type Question } from '#reports/surveys/questions.ts'
import { dayText, localDayOf } from '#reports/time/days.ts'
import { termText } from '#app/utils/deadline-labels.ts'

export interface RecordTerm {
  outcome: RecordVerdict['outcome'] | 'none'
  /** «Ответ дан в срок», «Просрочено на 3 дня, ответа нет», «Срок идёт: осталось 2 рабочих дня» */
  verdict: string
  /** «Письменные обращения — 30 календарных дней» */
  rule: string | null
  received: string
  due: string
  answered: string
  calendarGap: boolean
}

const DAY_UNITS = new Set(['calendar_days', 'working_days'])

export function verdictText(v: RecordVerdict): string {
  switch (v.outcome) {
    case 'on_time':
      return 'Ответ дан в срок'
    case 'late':
      return v.daysLate ? `Ответ дан с нарушением срока: на ${countOf(v.daysLate, WORDS.day)} позже` : 'Ответ дан с нарушением срока'
    case 'overdue':
      return v.daysLate ? `Просрочено: ответа нет, срок истёк ${countOf(v.daysLate, WORDS.day)} назад` : 'Просрочено: срок истёк сегодня, ответа нет'
    case 'open':
      return v.workingDaysLeft
        ? `Срок идёт: осталось ${countOf(v.workingDaysLeft, WORDS.workingDay)}, последний день включительно`
        : 'Срок идёт: сегодня последний день'
  }
}

/** An appeal's term as of now; null when there is no such appeal in the organisation. */
export async function recordTerm(database: Database, org: Organisation, appealId: string, asOf = new Date()): Promise<RecordTerm | null> {
  const row = await database.db
    .selectFrom('appeal as a')
    .leftJoin('deadline_rule as r', 'r.id', 'a.deadline_rule_id')
    .select(['a.received_at', 'a.due_at', 'a.answered_at', 'a.due_calendar_gap', 'r.name as rule', 'r.amount', 'r.unit'])
    .where('a.org_id', '=', org.id)
    .where('a.id', '=', appealId)
    .executeTakeFirst()
  if (!row) return null
  const zone = org.time_zone
  const rule = row.rule ? `${row.rule} — ${termText(Number(row.amount), row.unit!)}` : null
  const base = { received: formatDateTime(new Date(row.received_at), zone), answered: row.answered_at ? formatDateTime(new Date(row.answered_at), zone) : '' }
  if (!row.due_at) {
    return { ...base, outcome: 'none', verdict: 'Срок не назначен: ни одно правило сроков не подходит к обращению', rule, due: '', calendarGap: false }
  }
  const due = new Date(row.due_at)
  const calendar = await loadWorkCalendar(database.db, org.id)
  const verdict = recordVerdict(due, row.answered_at ? new Date(row.answered_at) : null, asOf, calendar, zone)
  // a day term ends at 24:00 of its last day (stored as 00:00 of the next): the reader sees the last day
  const dueText = DAY_UNITS.has(row.unit ?? '')
    ? `${dayText(localDayOf(new Date(due.getTime() - 1), zone))
        .split('-')
        .reverse()
        .join('.')} включительно`
    : formatDateTime(due, zone)
  return { ...base, outcome: verdict.outcome, verdict: verdictText(verdict), rule, due: dueText, calendarGap: Boolean(row.due_calendar_gap) }
}

export interface RecordSurveyAnswer {
  id: string
  survey: string
  submitted: string
  how: string
  answers: { question: string; answer: string }[]
}

const COLUMN = { appeals: 'appeal_id', calls: 'call_id', visits: 'visit_id' } as const

function answerText(
  q: Question | undefined,
  a: { score: number | null; choices: number[] | null; text: string | null },
  shownText: (t: string) => string,
): string {
  if (a.score !== null) {
    const scale = q && (q.kind === 'csat' || q.kind === 'nps' || q.kind === 'ces') ? SCALES[q.kind] : null
    const label = scale?.labels[a.score]
    return scale ? `${a.score} из ${scale.max}${label ? ` — ${label}` : ''}` : String(a.score)
  }
  if (a.choices) return a.choices.map((i) => q?.options?.[i] ?? `вариант ${i + 1}`).join('; ')
  return a.text ? shownText(a.text) : ''
}

/** The survey answers tied to a record, newest first (at most 10). */
export async function recordSurveyAnswers(
  db: Db,
  org: Organisation,
  domain: keyof typeof COLUMN,
  recordId: string,
  shownText: (text: string) => string,
): Promise<RecordSurveyAnswer[]> {
  const responses = await db
    .selectFrom('survey_response as sr')
    .innerJoin('survey as s', 's.id', 'sr.survey_id')
    .select(['sr.id', 'sr.submitted_at', 'sr.collected_by', 's.title', sql<Question[]>`s.questions`.as('questions')])
    .where('sr.org_id', '=', org.id)
    .where(`sr.${COLUMN[domain]}`, '=', recordId)
    .orderBy('sr.submitted_at', 'desc')
    .orderBy('sr.id', 'desc')
    .limit(10)
    .execute()
  if (responses.length === 0) return []
  const answers = await db
    .selectFrom('survey_answer')
    .select(['response_id', 'question_id', 'score', 'choices', 'text'])
    .where(
      'response_id',
      'in',
      responses.map((r) => r.id),
    )
    .execute()
  return responses.map((r) => {
    const questions = (r.questions ?? []) as Question[]
    const mine = answers.filter((a) => a.response_id === r.id)
    return {
      id: r.id,
      survey: r.title,
      submitted: formatDateTime(new Date(r.submitted_at), org.time_zone),
      how: COLLECTED_BY[r.collected_by],
      // in the survey's question order
      answers: questions
        .map((q, i) => ({ q, i, a: mine.find((a) => a.question_id === q.id) }))
        .filter((x) => x.a)
        .map(({ q, i, a }) => ({ question: `${i + 1}. ${q.text}`, answer: answerText(q, a!, shownText) })),
    }
  })
}
