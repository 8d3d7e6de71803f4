import ExcelJS from 'exceljs'
import { buffer } from 'node:stream/consumers'
import { batchWorkbook } from './exports.server.ts'
/**
 * Surveys end to end below the pages: exact scores on hand-made answers, single-use links reused and raced,
 * link states, batches of links for closed appeals, the dashboards' filters and scopes on responses, and
 * questions locked once answered.
 */
import { sql } from 'kysely'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import type { Scope } from '#db/scope.server.ts'
import { InputError } from '#reports/errors.ts'
import { type Survey, batchLinks, createBatch, createLink, getSurvey, officeLinks, resolveLink, saveSurvey, storeResponse } from '#app/models/survey.server.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import { readView } from '#reports/metrics/view.ts'
import { type Answer, type SurveyDefinition, readAnswers } from './questions.ts'
import { buildSurveyResults, questionSummaries, responsePages, textAnswers } from './results.server.ts'

const t = useTestDatabase()
let world: TestWorld
let branchA: string
let branchB: string

const DEFINITION: SurveyDefinition = {
  title: 'Оценка обслуживания',
  intro: null,
  subjectKind: 'organisation',
  subjectCode: null,
  opensOn: '2025-01-01',
  closesOn: '2025-12-31',
  questions: [
    { id: 'q1', kind: 'csat', text: 'Оцените обслуживание', required: true },
    { id: 'q2', kind: 'nps', text: 'Порекомендуете?', required: false },
    { id: 'q3', kind: 'ces', text: 'Легко ли было?', required: false },
    { id: 'q4', kind: 'single', text: 'Как обратились?', required: false, options: ['лично', 'по телефону', 'через сайт'] },
    { id: 'q5', kind: 'multi', text: 'Что понравилось?', required: false, options: ['вежливость', 'скорость', 'результат'] },
    { id: 'q6', kind: 'text', text: 'Что улучшить?', required: false },
  ],
}

const at = (text: string) => new Date(text)
const NOW = at('2025-06-15T12:00:00+03:00')
const all = (): Scope => ({ orgId: world.org.id, branches: 'all' })
/** an organisation-wide officer (no user row) */
const org = () => ({ id: null, scope: all() })
const june = (query = '') => readView(new URLSearchParams(`period=month&year=2025&month=6${query}`), 'Europe/Moscow', 2025)

async function newSurvey(d: Partial<SurveyDefinition> = {}): Promise<Survey> {
  const id = await saveSurvey(t.database.db, world.org.id, null, null, { ...DEFINITION, ...d })
  return (await getSurvey(t.database.db, world.org.id, id))!
}

/** A consumer's form as the page posts it. */
function answersOf(survey: Survey, fields: Record<string, string | string[]>): Answer[] {
  const { answers, errors } = readAnswers(survey.questions, (name) => {
    const v = fields[name]
    return v === undefined ? [] : Array.isArray(v) ? v : [v]
  })
  expect(errors).toEqual({})
  return answers
}

async function answerLink(token: string, fields: Record<string, string | string[]>, submittedAt = NOW) {
  const link = await resolveLink(t.database.db, token, submittedAt)
  if (link.state !== 'ok') throw new Error(`link ${link.state}`)
  return storeResponse(t.database.db, {
    survey: link.survey,
    invitation: link.invitation,
    collectedBy: link.invitation.delivery === 'qr' ? 'qr' : 'link',
    dims: link.invitation.dims,
    answers: answersOf(link.survey, fields),
    submittedAt,
  })
}

beforeEach(async () => {
  world = await resetWorld(t.database)
  const db = t.database.db
  branchA = (await db.insertInto('branch').values({ org_id: world.org.id, name: 'Филиал А' }).returning('id').executeTakeFirstOrThrow()).id
  branchB = (await db.insertInto('branch').values({ org_id: world.org.id, name: 'Филиал Б' }).returning('id').executeTakeFirstOrThrow()).id
  await db
    .insertInto('office')
    .values([
      { org_id: world.org.id, office_code: 'O1', name: 'Офис 1', branch_id: branchA },
      { org_id: world.org.id, office_code: 'O2', name: 'Офис 2', branch_id: branchB },
    ])
    .execute()
  const appeal = (reg: string, form: string, answered: string | null, extra: Record<string, unknown> = {}) => ({
    org_id: world.org.id,
    reg_number: reg,
    received_at: at('2025-05-20T10:00:00+03:00'),
    form,
    topic: 'transmission',
    answered_at: answered ? at(answered) : null,
    ...extra,
  })
  await db
    .insertInto('appeal')
    .values([
      appeal('A1', 'in_person', '2025-06-01T00:00:00+03:00', { phone: '+79990000001', office_code: 'O1', branch_id: branchA, consumer_type: 'individual' }),
      appeal('A2', 'internet', '2025-06-10T12:00:00+03:00', { phone: '+79990000002', email: 'a2@example.ru', branch_id: branchB }),
      appeal('A3', 'phone', '2025-06-30T23:59:00+03:00', { phone: '+79990000003', branch_id: branchA }),
      // closed before the period (31 May 23:59 Moscow), without a phone, not closed
      appeal('A4', 'post', '2025-05-31T23:59:00+03:00', { phone: '+79990000004' }),
      appeal('A5', 'post', '2025-06-05T10:00:00+03:00', { email: 'a5@example.ru' }),
      appeal('A6', 'post', null, { phone: '+79990000006' }),
    ])
    .execute()
})

describe('scores on hand-made answers', () => {
  it('CSAT, its mean, NPS, CES, response rate, distributions and texts are exact', async () => {
    const db = t.database.db
    const survey = await newSurvey()
    const link = (record: string) => createLink(db, survey, { delivery: 'sms', record: { kind: 'appeal', number: record }, validDays: 30 }, org(), NOW)
    const [l1, l2, l3, l4] = [await link('A1'), await link('A2'), await link('A3'), await link('A5')]
    const qr = (await officeLinks(db, survey, org())).find((o) => o.officeCode === 'O2')!.token
    // CSAT 5 4 3 2 5 1 → 3 of 6 satisfied, mean 20/6; NPS 10 9 9 6 7 3 → (3 − 2)/6; CES 7 6 5 2 4 → 24/5
    await answerLink(l1, { q1: '5', q2: '10', q3: '7', q4: '0', q5: ['0', '1'], q6: 'Всё хорошо' })
    await answerLink(l2, { q1: '4', q2: '9', q3: '6', q4: '2', q5: '1' })
    await answerLink(l3, { q1: '3', q2: '9', q3: '5', q4: '1', q6: '  Долго ждал ответа  ' })
    await answerLink(qr, { q1: '2', q2: '6', q3: '2', q4: '0', q5: ['1', '2'] })
    await answerLink(qr, { q1: '5', q2: '7', q3: '4' })
    await storeResponse(db, {
      survey,
      invitation: null,
      collectedBy: 'phone',
      dims: { branchId: null, officeCode: null, form: 'phone', topic: null, consumerType: null, appealId: null, callId: null, visitId: null },
      answers: answersOf(survey, { q1: '1', q2: '3' }),
      submittedAt: NOW,
      enteredBy: null,
    })
    // a response outside the period and one of last June
    await answerLink(l4, { q1: '1' }, at('2025-07-01T00:00:00+03:00'))

    const view = june()
    await refreshRollups(t.database, world.org.id)
    const r = await buildSurveyResults(db, all(), view, {
      offices: new Map([
        ['O1', 'Офис 1'],
        ['O2', 'Офис 2'],
      ]),
    })
    expect(r.current['surveys.responses']).toBe(6)
    expect(r.current['surveys.invitations']).toBe(4)
    // l4 was answered in July: the June links are 4, answered as of now 4
    expect(r.current['surveys.invitations_answered']).toBe(4)
    expect(r.current['surveys.response_rate']).toBe(1)
    expect(r.current['surveys.csat']).toBe(0.5)
    expect(r.current['surveys.csat_mean']).toBeCloseTo(20 / 6, 12)
    expect(r.current['surveys.nps']).toBeCloseTo(((3 - 2) / 6) * 100, 12)
    expect(r.current['surveys.ces']).toBeCloseTo(24 / 5, 12)
    expect(r.conducted).toBe(1)
    expect(r.previous['surveys.responses']).toBe(0)
    expect(r.previous['surveys.csat']).toBeNull()

    // by delivery: 3 by SMS (of 4 links; the fourth answered in July), 2 by QR, 1 by phone
    const delivery = Object.fromEntries(r.byDelivery.map((row) => [row.label, row.figures]))
    expect(delivery['SMS']).toMatchObject({ 'surveys.responses': 3, 'surveys.invitations': 4, 'surveys.response_rate': 1, 'surveys.csat': 2 / 3 })
    expect(delivery['QR-код в офисе']).toMatchObject({ 'surveys.responses': 2, 'surveys.invitations': 0, 'surveys.response_rate': null, 'surveys.csat': 0.5 })
    expect(delivery['телефонный опрос']).toMatchObject({ 'surveys.responses': 1, 'surveys.csat': 0 })
    // by office: A1 was O1's appeal; the QR code is O2's; A2, A3 and the phone answer have no office
    const office = Object.fromEntries(r.byOffice.map((row) => [row.label, row.figures['surveys.responses']]))
    expect(office).toEqual({ 'Офис 1': 1, 'Офис 2': 2, 'не указано': 3 })
    const form = Object.fromEntries(r.byForm.map((row) => [row.label, row.figures['surveys.responses']]))
    // A5's link (post) was made in June and answered in July
    expect(form).toEqual({ очная: 3, интернет: 1, телефон: 2, почта: 0 })

    const questions = await questionSummaries(db, all(), view, survey)
    const q = Object.fromEntries(questions.map((s) => [s.id, s]))
    expect(q.q1!.bars.map((b) => b.count)).toEqual([1, 1, 1, 1, 2])
    expect(q.q1!.figures).toEqual({ 'surveys.csat': 0.5, 'surveys.csat_mean': 20 / 6 })
    expect(q.q2!.bars.map((b) => b.count)).toEqual([0, 0, 0, 1, 0, 0, 1, 1, 0, 2, 1])
    expect(q.q2!.figures['surveys.nps']).toBeCloseTo(100 / 6, 12)
    expect(q.q3!.answered).toBe(5)
    expect(q.q4!.bars).toEqual([
      { label: 'лично', count: 2 },
      { label: 'по телефону', count: 1 },
      { label: 'через сайт', count: 1 },
    ])
    expect(q.q5!.bars.map((b) => b.count)).toEqual([1, 3, 1])
    expect(q.q5!.answered).toBe(3)
    const texts = await textAnswers(db, all(), view, survey.id, 1, 10)
    expect(texts.total).toBe(2)
    expect(texts.rows.map((x) => x.text).sort()).toEqual(['Всё хорошо', 'Долго ждал ответа'])

    // the file's rows: every June response once, with its appeal's number
    const rows = []
    for await (const page of responsePages(db, all(), view, survey.id, 2)) rows.push(...page)
    expect(rows).toHaveLength(6)
    expect(
      rows
        .filter((x) => x.regNumber)
        .map((x) => x.regNumber)
        .sort(),
    ).toEqual(['A1', 'A2', 'A3'])
    expect(rows.find((x) => x.regNumber === 'A1')!.answers.q5).toEqual({ score: null, choices: [0, 1], text: null })
  })

  it('the filters and a branch scope apply to responses and links alike', async () => {
    const db = t.database.db
    const survey = await newSurvey()
    const a1 = await createLink(db, survey, { delivery: 'sms', record: { kind: 'appeal', number: 'A1' }, validDays: 30 }, org(), NOW)
    await createLink(db, survey, { delivery: 'sms', record: { kind: 'appeal', number: 'A2' }, validDays: 30 }, org(), NOW)
    await answerLink(a1, { q1: '5' })
    const branchOnly = { orgId: world.org.id, branches: [branchA] }
    await refreshRollups(t.database, world.org.id)
    const r = await buildSurveyResults(db, branchOnly, june(), { offices: new Map() })
    expect(r.current).toMatchObject({ 'surveys.responses': 1, 'surveys.invitations': 1, 'surveys.response_rate': 1 })
    const internet = await buildSurveyResults(db, all(), june('&form=internet'), { offices: new Map() })
    expect(internet.current).toMatchObject({ 'surveys.responses': 0, 'surveys.invitations': 1, 'surveys.response_rate': 0 })
    const other = await buildSurveyResults(db, { orgId: '999999', branches: 'all' }, june(), { offices: new Map() })
    expect(other.current['surveys.responses']).toBe(0)
  })
})

describe('single-use links', () => {
  it('takes one response; the second submission is refused and stores nothing', async () => {
    const db = t.database.db
    const survey = await newSurvey()
    const token = await createLink(db, survey, { delivery: 'email', validDays: 30 }, org(), NOW)
    expect((await answerLink(token, { q1: '5' })).stored).toBe(true)
    expect((await resolveLink(db, token, NOW)).state).toBe('used')
    // a page opened before the first answer still holds the link: the database refuses the second
    const link = (await resolveLink(db, token, NOW)) as { survey: Survey }
    const second = await storeResponse(db, {
      survey: link.survey,
      invitation: { id: (await db.selectFrom('survey_invitation').select('id').where('token', '=', token).executeTakeFirstOrThrow()).id, singleUse: true },
      collectedBy: 'link',
      dims: { branchId: null, officeCode: null, form: null, topic: null, consumerType: null, appealId: null, callId: null, visitId: null },
      answers: answersOf(survey, { q1: '1' }),
    })
    expect(second).toEqual({ stored: false, reason: 'used' })
    const counts = await sql<{ r: string; a: string }>`select (select count(*) from survey_response) as r, (select count(*) from survey_answer) as a`.execute(
      db,
    )
    expect(counts.rows[0]).toEqual({ r: '1', a: '1' })
  })

  it('of two submissions racing on one link exactly one is stored', async () => {
    const db = t.database.db
    const survey = await newSurvey()
    const token = await createLink(db, survey, { delivery: 'sms', validDays: 30 }, org(), NOW)
    const link = await resolveLink(db, token, NOW)
    if (link.state !== 'ok') throw new Error(link.state)
    const submit = (score: string) =>
      storeResponse(db, {
        survey,
        invitation: link.invitation,
        collectedBy: 'link',
        dims: link.invitation.dims,
        answers: answersOf(survey, { q1: score, q6: `ответ ${score}` }),
      })
    const results = await Promise.all([submit('5'), submit('1'), submit('3'), submit('4')])
    expect(results.filter((r) => r.stored)).toHaveLength(1)
    expect(results.filter((r) => !r.stored)).toEqual([
      { stored: false, reason: 'used' },
      { stored: false, reason: 'used' },
      { stored: false, reason: 'used' },
    ])
    const counts = await sql<{ r: string; a: string }>`select (select count(*) from survey_response) as r, (select count(*) from survey_answer) as a`.execute(
      db,
    )
    expect(counts.rows[0]).toEqual({ r: '1', a: '2' })
  })

  it('a QR code takes many responses; states: expired, not yet open, closed, unknown', async () => {
    const db = t.database.db
    const survey = await newSurvey({ opensOn: '2025-06-01', closesOn: '2025-06-30' })
    const qr = (await officeLinks(db, survey, org()))[0]!.token
    await answerLink(qr, { q1: '5' })
    await answerLink(qr, { q1: '4' })
    expect((await resolveLink(db, qr, NOW)).state).toBe('ok')
    // the same office keeps its code
    expect((await officeLinks(db, survey, org()))[0]!.token).toBe(qr)
    const short = await createLink(db, survey, { delivery: 'sms', validDays: 1 }, org(), NOW)
    expect((await resolveLink(db, short, at('2025-06-16T11:59:00+03:00'))).state).toBe('ok')
    expect((await resolveLink(db, short, at('2025-06-16T12:00:00+03:00'))).state).toBe('expired')
    expect((await resolveLink(db, qr, at('2025-05-31T23:59:59+03:00'))).state).toBe('planned')
    expect((await resolveLink(db, qr, at('2025-06-30T23:59:59+03:00'))).state).toBe('ok')
    expect((await resolveLink(db, qr, at('2025-07-01T00:00:00+03:00'))).state).toBe('closed')
    expect((await resolveLink(db, 'x'.repeat(22), NOW)).state).toBe('unknown')
    expect((await resolveLink(db, '../../etc', NOW)).state).toBe('unknown')
  })
})

describe('a batch of links for the appeals closed in a period', () => {
  it('samples among the closed appeals with the contact the delivery needs, never twice', async () => {
    const db = t.database.db
    const survey = await newSurvey()
    const user = { ...org(), name: 'Тест' }
    const input = { closedFrom: '2025-06-01', closedTo: '2025-06-30', delivery: 'sms' as const, validDays: 14 }
    // June closed with a phone: A1 (00:00 on 1 June), A2, A3 (23:59 on 30 June); A4 closed in May, A5 has no phone, A6 is open
    const first = await createBatch(db, survey, 'Europe/Moscow', { ...input, size: 2 }, user, NOW)
    expect(first).toMatchObject({ eligible: 3, created: 2 })
    const second = await createBatch(db, survey, 'Europe/Moscow', { ...input, size: 5 }, user, NOW)
    expect(second).toMatchObject({ eligible: 1, created: 1 })
    const invited = await db
      .selectFrom('survey_invitation as i')
      .innerJoin('appeal as a', 'a.id', 'i.appeal_id')
      .select(['a.reg_number', 'i.form', 'i.branch_id', 'i.expires_at'])
      .execute()
    expect(invited.map((i) => i.reg_number).sort()).toEqual(['A1', 'A2', 'A3'])
    expect(invited.find((i) => i.reg_number === 'A1')).toMatchObject({ form: 'in_person', branch_id: branchA, expires_at: at('2025-06-29T12:00:00+03:00') })
    // by e-mail: A5 (A2 has an e-mail too, but is already invited to this survey)
    const email = await createBatch(db, survey, 'Europe/Moscow', { ...input, delivery: 'email', size: 10 }, user, NOW)
    expect(email).toMatchObject({ eligible: 1, created: 1 })
    await expect(createBatch(db, survey, 'Europe/Moscow', { ...input, size: 0 }, user, NOW)).rejects.toThrow(InputError)
    await expect(createBatch(db, survey, 'Europe/Moscow', { ...input, closedTo: '2025-05-01' } as never, user, NOW)).rejects.toThrow('конец раньше начала')
    // a survey of one form samples only that form
    const online = await newSurvey({ subjectKind: 'form', subjectCode: 'internet' })
    expect(await createBatch(db, online, 'Europe/Moscow', { ...input, size: 10 }, user, NOW)).toMatchObject({ eligible: 1, created: 1 })
    // an officer of branch A samples branch A's appeals only (A1, A3), and gets branch A's links only in the file
    const another = await newSurvey()
    const officerA = { id: null, name: 'Филиал А', scope: { orgId: world.org.id, branches: [branchA] } }
    const batch = await createBatch(db, another, 'Europe/Moscow', { ...input, size: 10 }, officerA, NOW)
    expect(batch).toMatchObject({ eligible: 2, created: 2 })
    const all3 = await createBatch(db, another, 'Europe/Moscow', { ...input, size: 10 }, user, NOW)
    expect(all3).toMatchObject({ eligible: 1, created: 1 })
    const listed = async (batchId: string, scope: Scope) => {
      const out = []
      for await (const page of batchLinks(db, another.id, batchId, scope)) out.push(...page.map((l) => l.regNumber))
      return out.sort()
    }
    expect(await listed(batch.id, officerA.scope)).toEqual(['A1', 'A3'])
    expect(await listed(all3.id, officerA.scope)).toEqual([])
    expect(await listed(all3.id, all())).toEqual(['A2'])
    // issue 16: the SMS batch file's phone cells are exactly the numbers (text cells, no «'» in front)
    await db.updateTable('appeal').set({ phone: '+7 936 123-45-67' }).where('reg_number', '=', 'A1').execute()
    const file = batchWorkbook(
      another,
      batchLinks(db, another.id, batch.id, officerA.scope),
      (token) => `https://x/s/${token}`,
      'Europe/Moscow',
      (v) => v,
      [['Отчёт', 'тест']],
    )
    const book = new ExcelJS.Workbook()
    await book.xlsx.load((await buffer(file)) as unknown as ArrayBuffer)
    const sheet = book.getWorksheet('Ссылки')!
    const phoneColumn = (sheet.getRow(1).values as unknown[]).indexOf('Телефон')
    const phones = (sheet.getSheetValues().slice(2) as unknown[][]).map((r) => [r[5], r[phoneColumn]]).sort()
    expect(phones).toEqual([
      ['A1', '+7 936 123-45-67'],
      ['A3', '+79990000003'],
    ])
    expect(
      sheet
        .getColumn(phoneColumn)
        .values.slice(2)
        .every((c) => typeof c === 'string' && !c.startsWith("'")),
    ).toBe(true)
  })
})

describe('survey definitions', () => {
  it('questions are locked once answered; the title and period are not', async () => {
    const db = t.database.db
    const survey = await newSurvey()
    const token = await createLink(db, survey, { delivery: 'sms', validDays: 30 }, org(), NOW)
    await answerLink(token, { q1: '5' })
    await expect(saveSurvey(db, world.org.id, null, survey.id, { ...DEFINITION, questions: DEFINITION.questions.slice(1) })).rejects.toThrow(
      'Вопросы изменить нельзя: по опросу получено анкет — 1, ответы относятся к этим вопросам. Создайте копию опроса («Копировать опрос»)',
    )
    await saveSurvey(db, world.org.id, null, survey.id, { ...DEFINITION, title: 'Новое название', closesOn: '2026-01-31' })
    expect(await getSurvey(db, world.org.id, survey.id)).toMatchObject({ title: 'Новое название', closesOn: '2026-01-31', opensOn: '2025-01-01' })
    await expect(saveSurvey(db, world.org.id, null, null, { ...DEFINITION, subjectKind: 'office', subjectCode: 'NOPE' })).rejects.toThrow(
      'нет офиса с кодом «NOPE»',
    )
    await expect(createLink(db, survey, { delivery: 'sms', record: { kind: 'call', number: 'C404' }, validDays: 1 }, org(), NOW)).rejects.toThrow(
      'Звонка с ID «C404» нет в журнале.',
    )
    // another branch's appeal is not found for a branch officer
    const officerB = { id: null, scope: { orgId: world.org.id, branches: [branchB] } }
    await expect(createLink(db, survey, { delivery: 'sms', record: { kind: 'appeal', number: 'A1' }, validDays: 1 }, officerB, NOW)).rejects.toThrow(
      'Обращения с номером «A1» нет в журнале.',
    )
    expect((await officeLinks(db, survey, officerB)).map((o) => o.officeCode)).toEqual(['O2'])
  })
})
