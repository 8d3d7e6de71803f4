/**
 * The record card (issue 16): an appeal's term judged by the engine, in words, with the federal calendar's
 * May holidays counted; the survey answers tied to the record, contacts redacted for roles without
 * personal data.
 */
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { redactContacts } from '#app/utils/survey-view.server.ts'
import { recordSurveyAnswers, recordTerm } from './record-card.server.ts'

const t = useTestDatabase()
let world: TestWorld
let appealId: string
let loose: string

beforeEach(async () => {
  world = await resetWorld(t.database)
  const db = t.database.db
  const rule = await db
    .insertInto('deadline_rule')
    .values({
      org_id: world.org.id,
      code: 'written',
      name: 'Письменные обращения',
      applies_to: 'appeals',
      filter: '{}',
      start_field: 'received_at',
      stop_field: 'answered_at',
      amount: 10,
      unit: 'working_days',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  // the term's last day is Monday 12 May 2025 (stored as 00:00 on the 13th)
  const base = { org_id: world.org.id, form: 'post', topic: 'other', received_at: new Date('2025-04-28T10:00:00+03:00') }
  appealId = (
    await db
      .insertInto('appeal')
      .values({ ...base, reg_number: 'A-1', deadline_rule_id: rule.id, due_at: new Date('2025-05-13T00:00:00+03:00') })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  loose = (
    await db
      .insertInto('appeal')
      .values({ ...base, reg_number: 'A-2' })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
})

describe('the term on a record card', () => {
  it('says how the appeal stands against its term, counting working days by the production calendar', async () => {
    const at = (text: string) => new Date(text)
    // 7 May: Wednesday; 8–11 May are days off in 2025; 12 May is the last day — two working days left, not four weekdays
    expect(await recordTerm(t.database, world.org, appealId, at('2025-05-07T10:00:00+03:00'))).toEqual({
      outcome: 'open',
      verdict: 'Срок идёт: осталось 2 рабочих дня, последний день включительно',
      rule: 'Письменные обращения — 10 рабочих дней',
      received: '28.04.2025 10:00',
      due: '12.05.2025 включительно',
      answered: '',
      calendarGap: false,
    })
    expect((await recordTerm(t.database, world.org, appealId, at('2025-05-12T18:00:00+03:00')))!.verdict).toBe(
      'Срок идёт: осталось 1 рабочий день, последний день включительно',
    )
    expect((await recordTerm(t.database, world.org, appealId, at('2025-05-15T10:00:00+03:00')))!.verdict).toBe('Просрочено: ответа нет, срок истёк 3 дня назад')
    await t.database.db
      .updateTable('appeal')
      .set({ answered_at: at('2025-05-14T09:00:00+03:00') })
      .where('id', '=', appealId)
      .execute()
    const late = (await recordTerm(t.database, world.org, appealId, at('2025-05-20T10:00:00+03:00')))!
    expect([late.outcome, late.verdict, late.answered]).toEqual(['late', 'Ответ дан с нарушением срока: на 2 дня позже', '14.05.2025 09:00'])
    // an answer after the moment asked about had not been given yet
    expect((await recordTerm(t.database, world.org, appealId, at('2025-05-13T10:00:00+03:00')))!.outcome).toBe('overdue')
    await t.database.db
      .updateTable('appeal')
      .set({ answered_at: at('2025-05-12T23:59:00+03:00') })
      .where('id', '=', appealId)
      .execute()
    expect((await recordTerm(t.database, world.org, appealId, at('2025-05-20T10:00:00+03:00')))!.verdict).toBe('Ответ дан в срок')
    expect(await recordTerm(t.database, world.org, loose)).toMatchObject({ outcome: 'none', rule: null, due: '' })
  })
})

describe('survey answers on a record card', () => {
  it('lists the answers tied to the record in the survey’s order, free text redacted when the role may not see contacts', async () => {
    const db = t.database.db
    const survey = await db
      .insertInto('survey')
      .values({
        org_id: world.org.id,
        title: 'Качество ответа',
        subject_kind: 'organisation',
        opens_on: '2025-01-01',
        questions: JSON.stringify([
          { id: 'q1', kind: 'csat', text: 'Оцените ответ', required: true },
          { id: 'q2', kind: 'single', text: 'Ответ понятен?', required: false, options: ['да', 'нет'] },
          { id: 'q3', kind: 'text', text: 'Что улучшить?', required: false },
        ]),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const response = await db
      .insertInto('survey_response')
      .values({ org_id: world.org.id, survey_id: survey.id, collected_by: 'phone', appeal_id: appealId, submitted_at: new Date('2025-05-20T12:00:00+03:00') })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('survey_answer')
      .values([
        { response_id: response.id, question_id: 'q3', kind: 'text', score: null, choices: null, text: 'Перезвоните на +7 912 345-67-89' },
        { response_id: response.id, question_id: 'q1', kind: 'csat', score: 4, choices: null, text: null },
        { response_id: response.id, question_id: 'q2', kind: 'single', score: null, choices: [1], text: null },
      ])
      .execute()
    const full = await recordSurveyAnswers(db, world.org, 'appeals', appealId, (s) => s)
    expect(full.map(({ id: _, ...r }) => r)).toEqual([
      {
        survey: 'Качество ответа',
        submitted: '20.05.2025 12:00',
        how: 'оператор по телефону',
        answers: [
          { question: '1. Оцените ответ', answer: '4 из 5 — хорошо' },
          { question: '2. Ответ понятен?', answer: 'нет' },
          { question: '3. Что улучшить?', answer: 'Перезвоните на +7 912 345-67-89' },
        ],
      },
    ])
    const masked = await recordSurveyAnswers(db, world.org, 'appeals', appealId, redactContacts)
    expect(masked[0]!.answers[2]!.answer).toBe('Перезвоните на •••')
    expect(await recordSurveyAnswers(db, world.org, 'appeals', loose, (s) => s)).toEqual([])
    expect(await recordSurveyAnswers(db, world.org, 'calls', appealId, (s) => s)).toEqual([])
  })
})
