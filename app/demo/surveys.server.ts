/**
 * The demo organisation's surveys (deterministic, a seeded PRNG): an SMS survey after closed appeals (links
 * sent monthly to a sample, about a third answer; late answers score lower), a waiting-hall survey by QR code
 * per office (some offices do worse), and phone surveys by operators. Written in bulk — the same tables the
 * public page and the operator's form fill.
 */
import { type Insertable, sql } from 'kysely'
import type { Db } from '#db/client.server.ts'
import type { SurveyAnswerTable, SurveyResponseTable } from '#db/schema.ts'
import { newToken } from '#app/models/survey.server.ts'
import { periodOf } from '#reports/metrics/period.ts'
import type { Question } from '#reports/surveys/questions.ts'
import { prng } from './generate.ts'

const AFTER_APPEAL: Question[] = [
  { id: 'q1', kind: 'csat', text: 'Оцените, пожалуйста, как был рассмотрен ваш вопрос', required: true },
  { id: 'q2', kind: 'ces', text: 'Насколько легко было решить ваш вопрос?', required: false },
  { id: 'q3', kind: 'nps', text: 'Насколько вероятно, что вы порекомендуете обращаться к нам знакомым?', required: false },
  { id: 'q4', kind: 'multi', text: 'Что было хорошо?', required: false, options: ['вежливость', 'понятный ответ', 'быстрый ответ', 'вопрос решён'] },
  { id: 'q5', kind: 'text', text: 'Что нам стоит улучшить?', required: false },
]
const IN_OFFICE: Question[] = [
  { id: 'q1', kind: 'csat', text: 'Оцените обслуживание в нашем офисе', required: true },
  { id: 'q2', kind: 'single', text: 'Сколько вы ждали приёма?', required: false, options: ['до 10 минут', '10–20 минут', '20–30 минут', 'больше 30 минут'] },
  { id: 'q3', kind: 'text', text: 'Ваши пожелания', required: false },
]
const REMARKS = [
  'Долго ждал ответа, хотелось бы быстрее.',
  'Всё объяснили, спасибо специалисту.',
  'Не смог дозвониться с первого раза.',
  'Ответ пришёл по почте, но без подробностей.',
  'Удобно, что можно подать заявку в личном кабинете.',
  'В офисе душно, мало мест для ожидания.',
  'Спасибо за вежливость!',
  'Сделайте уведомления по SMS о ходе рассмотрения.',
]
/** Offices where the demo's visitors are less pleased (mean CSAT shifted down). */
const WORSE_OFFICES: Record<string, number> = { 'ЦОП-01': -0.6, 'ПОП-05': -1.0 }

type Rand = () => number
const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.round(v)))
const normalish = (rand: Rand) => (rand() + rand() + rand() - 1.5) * 1.4

/** A response as the demo writes it, with its answers (the tables' own insert types). */
type Resp = Omit<Insertable<SurveyResponseTable>, 'org_id'> & { answers: Omit<Insertable<SurveyAnswerTable>, 'response_id'>[] }

function score(rand: Rand, mean: number, kind: 'csat' | 'nps' | 'ces'): number {
  const [lo, hi, scale] = kind === 'csat' ? [1, 5, 1] : kind === 'nps' ? [0, 10, 2.2] : [1, 7, 1.5]
  return clamp(mean * scale + normalish(rand) * scale, lo, hi)
}

async function insertResponses(db: Db, orgId: string, rows: Resp[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500)
    const ids = await db
      .insertInto('survey_response')
      .values(chunk.map(({ answers: _, ...r }) => ({ ...r, org_id: orgId })))
      .returning('id')
      .execute()
    const answers = chunk.flatMap((r, k) => r.answers.map((a) => ({ ...a, response_id: ids[k]!.id })))
    if (answers.length) await db.insertInto('survey_answer').values(answers).execute()
  }
}

export async function loadDemoSurveys(db: Db, orgId: string, zone: string, year: number): Promise<{ surveys: number; responses: number }> {
  const rand = prng(year * 7 + 11)
  const [afterAppeal, inOffice] = await db
    .insertInto('survey')
    .values([
      {
        org_id: orgId,
        title: 'Оценка рассмотрения обращения',
        intro: 'Вы недавно обращались к нам. Оцените, пожалуйста, как был рассмотрен ваш вопрос — это займёт минуту.',
        subject_kind: 'organisation',
        opens_on: `${year}-01-01`,
        closes_on: `${year + 1}-03-31`,
        questions: JSON.stringify(AFTER_APPEAL),
      },
      {
        org_id: orgId,
        title: 'Обслуживание в офисе',
        intro: 'Оцените, пожалуйста, ваш визит в наш офис.',
        subject_kind: 'form',
        subject_code: 'in_person',
        opens_on: `${year}-01-01`,
        closes_on: null,
        questions: JSON.stringify(IN_OFFICE),
      },
    ])
    .returning('id')
    .execute()
  const responses: Resp[] = []

  // 1. after closed appeals: each month a batch of SMS links to 150 appeals closed in it, about a third answer
  const appeals = await sql<{
    id: string
    answered_at: Date
    late: boolean
    form: string
    topic: string
    office_code: string | null
    branch_id: string | null
    consumer_type: string | null
  }>`
    select id, answered_at, (due_at is not null and answered_at > due_at) as late, form, topic, office_code, branch_id, consumer_type
    from appeal where org_id = ${orgId} and answered_at is not null and coalesce(phone, '') <> '' order by answered_at, id`.execute(db)
  for (let month = 1; month <= 12; month++) {
    const from = `${year}-${String(month).padStart(2, '0')}-01`
    const to = `${year}-${String(month).padStart(2, '0')}-${new Date(Date.UTC(year, month, 0)).getUTCDate()}`
    const period = periodOf(from, to, zone)
    const closed = appeals.rows.filter((a) => a.answered_at >= period.start && a.answered_at < period.end)
    const sample = closed.filter(() => rand() < 150 / Math.max(150, closed.length)).slice(0, 150)
    if (!sample.length) continue
    const sentAt = new Date(period.end.getTime() + 2 * 3600_000)
    const batch = await db
      .insertInto('survey_batch')
      .values({
        org_id: orgId,
        survey_id: afterAppeal!.id,
        delivery: 'sms',
        closed_from: from,
        closed_to: to,
        requested: 150,
        eligible: closed.length,
        created: sample.length,
        expires_at: new Date(sentAt.getTime() + 30 * 86_400_000),
        created_by_name: 'Отдел качества (демо)',
        created_at: sentAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const links = await db
      .insertInto('survey_invitation')
      .values(
        sample.map((a) => ({
          org_id: orgId,
          survey_id: afterAppeal!.id,
          token: newToken(),
          single_use: true,
          delivery: 'sms' as const,
          batch_id: batch.id,
          appeal_id: a.id,
          branch_id: a.branch_id,
          office_code: a.office_code,
          form: a.form,
          topic: a.topic,
          consumer_type: a.consumer_type,
          expires_at: new Date(sentAt.getTime() + 30 * 86_400_000),
          created_at: sentAt,
        })),
      )
      .returning('id')
      .execute()
    sample.forEach((a, k) => {
      if (rand() > 0.33) return
      const mean = (a.late ? 2.9 : 4.3) + (a.form === 'internet' ? 0.2 : 0)
      const submittedAt = new Date(sentAt.getTime() + Math.floor(rand() * 5 * 86_400_000))
      const answers: Resp['answers'] = [{ question_id: 'q1', kind: 'csat', score: score(rand, mean, 'csat'), choices: null, text: null }]
      if (rand() < 0.8) answers.push({ question_id: 'q2', kind: 'ces', score: score(rand, (mean * 1.35) / 1.5, 'ces'), choices: null, text: null })
      if (rand() < 0.7) answers.push({ question_id: 'q3', kind: 'nps', score: score(rand, (mean * 1.85) / 2.2, 'nps'), choices: null, text: null })
      if (rand() < 0.5)
        answers.push({
          question_id: 'q4',
          kind: 'multi',
          score: null,
          choices: [0, 1, 2, 3]
            .filter(() => rand() < (a.late ? 0.25 : 0.55))
            .concat(a.late ? [] : [3])
            .filter((v, i, all) => all.indexOf(v) === i)
            .sort(),
          text: null,
        })
      if (rand() < 0.15) answers.push({ question_id: 'q5', kind: 'text', score: null, choices: null, text: REMARKS[Math.floor(rand() * REMARKS.length)]! })
      responses.push({
        survey_id: afterAppeal!.id,
        invitation_id: links[k]!.id,
        single_use: true,
        collected_by: 'link',
        branch_id: a.branch_id,
        office_code: a.office_code,
        form: a.form,
        topic: a.topic,
        consumer_type: a.consumer_type,
        appeal_id: a.id,
        submitted_at: submittedAt,
        answers: answers.filter((x) => x.kind !== 'multi' || x.choices!.length > 0),
      })
    })
  }

  // 2. the waiting halls: a QR code per office, 15–35 answers a month each
  const offices = await db.selectFrom('office').select(['office_code', 'branch_id']).where('org_id', '=', orgId).orderBy('office_code').execute()
  const qr = await db
    .insertInto('survey_invitation')
    .values(
      offices.map((o) => ({
        org_id: orgId,
        survey_id: inOffice!.id,
        token: newToken(),
        single_use: false,
        delivery: 'qr' as const,
        branch_id: o.branch_id,
        office_code: o.office_code,
        form: 'in_person',
        created_at: new Date(`${year}-01-01T06:00:00Z`),
      })),
    )
    .returning(['id', 'office_code'])
    .execute()
  for (const link of qr) {
    const office = offices.find((o) => o.office_code === link.office_code)!
    for (let month = 0; month < 12; month++) {
      const n = 15 + Math.floor(rand() * 21)
      for (let i = 0; i < n; i++) {
        const mean = 4.2 + (WORSE_OFFICES[office.office_code] ?? 0)
        const day = 1 + Math.floor(rand() * 27)
        const submittedAt = new Date(Date.UTC(year, month, day, 6 + Math.floor(rand() * 8), Math.floor(rand() * 60)))
        const csat = score(rand, mean, 'csat')
        const answers: Resp['answers'] = [{ question_id: 'q1', kind: 'csat', score: csat, choices: null, text: null }]
        if (rand() < 0.7) answers.push({ question_id: 'q2', kind: 'single', score: null, choices: [clamp(4 - csat + normalish(rand) * 0.7, 0, 3)], text: null })
        if (rand() < 0.1) answers.push({ question_id: 'q3', kind: 'text', score: null, choices: null, text: REMARKS[Math.floor(rand() * REMARKS.length)]! })
        responses.push({
          survey_id: inOffice!.id,
          invitation_id: link.id,
          single_use: false,
          collected_by: 'qr',
          branch_id: office.branch_id,
          office_code: office.office_code,
          form: 'in_person',
          topic: null,
          consumer_type: null,
          appeal_id: null,
          submitted_at: submittedAt,
          answers,
        })
      }
    }
  }

  // 3. phone surveys by operators (Appendix 4, item 11): a few a week, not tied to a record
  for (let week = 0; week < 52; week++) {
    for (let i = 0, n = 2 + Math.floor(rand() * 4); i < n; i++) {
      const submittedAt = new Date(Date.UTC(year, 0, 1 + week * 7 + Math.floor(rand() * 5), 7 + Math.floor(rand() * 8)))
      const mean = 4.0
      responses.push({
        survey_id: afterAppeal!.id,
        invitation_id: null,
        single_use: false,
        collected_by: 'phone',
        branch_id: null,
        office_code: null,
        form: 'phone',
        topic: null,
        consumer_type: null,
        appeal_id: null,
        submitted_at: submittedAt,
        answers: [
          { question_id: 'q1', kind: 'csat', score: score(rand, mean, 'csat'), choices: null, text: null },
          { question_id: 'q3', kind: 'nps', score: score(rand, (mean * 1.85) / 2.2, 'nps'), choices: null, text: null },
        ],
      })
    }
  }
  await insertResponses(db, orgId, responses)
  return { surveys: 2, responses: responses.length }
}
