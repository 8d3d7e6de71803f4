/**
 * Appendix 7 on a hand-made pair of years (Moscow) with exact cells: 4.1 by form with the channel policy,
 * 4.2 per office, 4.3 with dynamics, 4.9 row by row, the inputs carried from year to year; the checks
 * failing on purpose-built bad data; the file read back (layout and figures) with exceljs and, where
 * installed, through LibreOffice (XLSX and ODS converted to CSV); freezing and the comparison with it.
 */
import { buffer } from 'node:stream/consumers'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { updateOrganisation } from '#app/models/organisation.server.ts'
import { type Appendix7Report, aboutAppendix7, prepareAppendix7, writeAppendix7 } from './build.server.ts'
import { appendix7Context } from './context.server.ts'
import type { Appendix7Context } from './figures.server.ts'
import { inputTables, parseTableForm, saveTableInput } from './inputs.server.ts'
import { DEFAULT_POLICIES } from './policies.ts'
import { registerRows } from './register.server.ts'
import { diffFigures, freezeSnapshot, getSnapshot } from './snapshots.server.ts'
import { BUILT_IN_TEMPLATE } from './template.ts'
import { writeAppendix7Pdf } from './pdf.server.ts'
import { cellText } from '#reports/sheet-writer/model.ts'
import { hasPoppler, pdfFonts, pdfInfo, pdfPageCount, pdfPages } from '#test/setup/pdf.ts'

const t = useTestDatabase()
let world: TestWorld
let userId: string
const at = (text: string) => new Date(text)
const plus = (text: string, seconds: number) => new Date(at(text).getTime() + seconds * 1000)
const AS_OF = at('2026-01-15T12:00:00+03:00')

async function seed() {
  const db = t.database.db
  const org = world.org.id
  await updateOrganisation(db, org, { regime: 'network', timeZone: 'Europe/Moscow' })
  userId = (await db.insertInto('app_user').values({ org_id: org, login: 'rep', full_name: 'Отчётность' }).returning('id').executeTakeFirstOrThrow()).id
  const other = (await db.insertInto('organisation').values({ name: 'Чужая' }).returning('id').executeTakeFirstOrThrow()).id
  await db
    .insertInto('office')
    .values([
      { org_id: org, office_code: 'O1', name: 'Офис 1', office_type: 'ЦОП', address: 'ул. Ленина, 1', schedule: 'пн–пт 9–18' },
      { org_id: org, office_code: 'O2', name: 'Офис 2', office_type: 'ПОП' },
    ])
    .execute()
  const appeal = (reg: string, received: string, form: string, topic: string, extra: Record<string, unknown> = {}) => ({
    org_id: org,
    reg_number: reg,
    received_at: at(received),
    form,
    topic,
    ...extra,
  })
  await db
    .insertInto('appeal')
    .values([
      // 00:00 on 1 January in Moscow: still 2024 in UTC, 2025 here
      appeal('b1', '2025-01-01T00:00:00+03:00', 'post', 'transmission', {
        complaint_topic: 'transmission_quality',
        complaint_settled: true,
        closure: 'answered',
        due_at: at('2025-01-31T00:00:00+03:00'),
        answered_at: at('2025-01-20T10:00:00+03:00'),
        measures_done: 'Заменён ввод',
      }),
      appeal('b2', '2025-03-10T12:00:00+03:00', 'in_person', 'connection', {
        request_type: 'connection',
        contract_concluded: 'connection',
        office_code: 'O1',
        closure: 'answered',
        due_at: at('2025-04-10T00:00:00+03:00'),
        answered_at: at('2025-04-15T10:00:00+03:00'),
      }),
      // recorded as «прочее», channel «личный кабинет»: the default policy counts it as the Internet form
      appeal('b3', '2025-05-05T09:30:00+03:00', 'other', 'metering', {
        channel: 'личный  Кабинет',
        complaint_topic: 'metering',
        due_at: at('2025-06-05T00:00:00+03:00'),
        measures_planned: '=СУММ(1)',
      }),
      appeal('b4', '2025-12-31T23:59:00+03:00', 'phone', 'service', {
        closure: 'answered',
        due_at: at('2026-01-01T03:59:00+03:00'),
        answered_at: at('2025-12-31T23:59:30+03:00'),
      }),
      appeal('b5', '2025-07-01T01:00:00+03:00', 'phone', 'other', {
        repeat_of: 'b4',
        closure: 'answered',
        due_at: at('2025-07-01T05:00:00+03:00'),
        answered_at: at('2025-07-01T02:00:00+03:00'),
      }),
      appeal('b6', '2026-01-01T00:00:00+03:00', 'post', 'other'),
      appeal('z1', '2024-06-01T12:00:00+03:00', 'post', 'transmission', {
        due_at: at('2024-07-01T00:00:00+03:00'),
        answered_at: at('2024-06-10T12:00:00+03:00'),
      }),
      appeal('z2', '2024-12-31T23:59:59+03:00', 'phone', 'service'),
      { org_id: other, reg_number: 'x1', received_at: at('2025-03-10T12:00:00+03:00'), form: 'post', topic: 'other' },
    ])
    .execute()
  const call = (id: string, direction: 'in' | 'out', started: string, answerAfter: number | null, endAfter: number, category: string | null = null) => ({
    org_id: org,
    call_id: id,
    direction,
    line: 'L1',
    category,
    started_at: at(started),
    answered_at: answerAfter === null ? null : plus(started, answerAfter),
    ended_at: plus(started, endAfter),
  })
  await db
    .insertInto('call')
    .values([
      call('c1', 'in', '2025-02-01T10:00:00+03:00', 30, 330, '2'),
      call('c2', 'in', '2025-02-02T10:00:00+03:00', null, 20),
      call('c3', 'in', '2025-02-03T10:00:00+03:00', 90, 210, '3'),
      call('c4', 'out', '2025-02-04T10:00:00+03:00', 5, 60),
      call('c5', 'in', '2024-02-01T10:00:00+03:00', 60, 180),
    ])
    .execute()
  const visit = (id: string, office: string, issued: string, callAfter: number | null, service: number | null) => ({
    org_id: org,
    ticket_id: id,
    office_code: office,
    service_kind: 'consultation',
    issued_at: at(issued),
    called_at: callAfter === null ? null : plus(issued, callAfter),
    service_ended_at: callAfter === null || service === null ? null : plus(issued, callAfter + service),
  })
  await db
    .insertInto('visit')
    .values([
      visit('v1', 'O1', '2025-03-03T09:00:00+03:00', 300, 600),
      visit('v2', 'O1', '2025-03-03T09:10:00+03:00', 900, 300),
      visit('v3', 'O2', '2025-03-04T10:00:00+03:00', null, null),
    ])
    .execute()
}

beforeEach(async () => {
  world = await resetWorld(t.database)
  await seed()
})

const context = (overrides: Partial<Appendix7Context> = {}) =>
  appendix7Context(t.database, { orgId: world.org.id, branches: 'all' }, 2025, AS_OF).then((c) => ({ ...c, ...overrides }))

function rowsOf(report: Appendix7Report, code: string): (string | number | null)[][] {
  return report.built.tables.find((x) => x.code === code)!.body.map((row) => row.map((c) => c.v))
}

const row41 = (report: Appendix7Report, rowCode: string) =>
  rowsOf(report, '4.1')
    .find((r) => r[0] === rowCode)!
    .slice(2)

describe('Appendix 7 figures', () => {
  it('4.1: every form × year × dynamics, with the channel policy and the local year boundaries', async () => {
    const report = await prepareAppendix7(await context())
    // columns: очная, телефон, интернет, почта, прочее — each N‑1, N, dynamics
    expect(row41(report, '1')).toEqual([0, 1, '–', 1, 2, 100, 0, 1, '–', 1, 1, 0, 0, 0, '–'])
    expect(row41(report, '1.1')).toEqual([0, 0, '–', 0, 0, '–', 0, 0, '–', 1, 1, 0, 0, 0, '–'])
    expect(row41(report, '1.2')).toEqual([0, 1, '–', 0, 0, '–', 0, 0, '–', 0, 0, '–', 0, 0, '–'])
    expect(row41(report, '1.3')).toEqual([0, 0, '–', 0, 0, '–', 0, 1, '–', 0, 0, '–', 0, 0, '–'])
    expect(row41(report, '1.4')).toEqual([0, 0, '–', 1, 1, 0, 0, 0, '–', 0, 0, '–', 0, 0, '–'])
    expect(row41(report, '1.6')).toEqual([0, 0, '–', 0, 1, '–', 0, 0, '–', 0, 0, '–', 0, 0, '–'])
    expect(row41(report, '2')).toEqual([0, 0, '–', 0, 0, '–', 0, 1, '–', 0, 1, '–', 0, 0, '–'])
    expect(row41(report, '2.1')[10]).toBe(1)
    expect(row41(report, '2.4')[7]).toBe(1)
    expect(row41(report, '3')[1]).toBe(1)
    expect(row41(report, '3.1')[1]).toBe(1)
    expect(row41(report, '4')).toEqual([0, 1, '–', 0, 0, '–', 0, 0, '–', 0, 0, '–', 0, 0, '–'])
    expect(row41(report, '5')).toEqual([0, 0, '–', 0, 0, '–', 0, 0, '–', 0, 1, '–', 0, 0, '–'])
  })

  it('4.1: policies change the figures — repeats left out, no channel mapping, ratio dynamics', async () => {
    const ctx = await context()
    const report = await prepareAppendix7({ ...ctx, policies: { ...DEFAULT_POLICIES, countRepeats: false, channelForms: [], dynamics: 'ratio', decimals: 2 } })
    expect(row41(report, '1')).toEqual([0, 1, '–', 1, 1, 1, 0, 0, '–', 1, 1, 1, 0, 1, '–'])
  })

  it('4.2 per office with a total; 4.3 with dynamics and the meter-readings policy', async () => {
    const report = await prepareAppendix7(await context())
    expect(rowsOf(report, '4.2')).toEqual([
      [1, 'Офис 1', 'ЦОП', 'ул. Ленина, 1', '', 'пн–пт 9–18', '', 2, 7.5, 10],
      [2, 'Офис 2', 'ПОП', '', '', '', '', 1, '–', '–'],
      ['Итого по офисам', 3, 7.5, 10],
    ])
    expect(rowsOf(report, '4.3').map((r) => r.slice(2))).toEqual([[''], [1, 3, 200], [1, 2, 100], [1, 1, 0], [2, 3.5, 75]])
    const ctx = await context()
    const noReadings = await prepareAppendix7({ ...ctx, policies: { ...DEFAULT_POLICIES, callsExcludeCategories: ['3'], officeVisits: 'served' } })
    expect(
      rowsOf(noReadings, '4.3')
        .slice(1)
        .map((r) => r[3]),
    ).toEqual([2, 1, 0.5, 5])
    expect(rowsOf(noReadings, '4.2').map((r) => r.at(-3))).toEqual([2, 0, 2])
  })

  it('inputs: this year beside the previous one, kept per year', async () => {
    const table = inputTables(BUILT_IN_TEMPLATE).find((x) => x.code === '1.1')!
    const form = new FormData()
    form.set('n|1|value', '1 250')
    form.set('p|1|value', '1000')
    form.set('n|1.1|value', '12,5')
    const parsed = parseTableForm(table, form)
    expect(parsed.errors).toEqual([])
    await saveTableInput(t.database.db, world.org.id, 2025, table, parsed, userId)
    const report = await prepareAppendix7(await context())
    expect(rowsOf(report, '1.1')[0]).toEqual(['1', 'Количество потребителей, всего, шт.', 1000, 1250, 25])
    expect(rowsOf(report, '1.1')[1]).toEqual(['1.1', 'физические лица, шт.', '–', 12.5, '–'])
    const bad = new FormData()
    bad.set('n|1.2|value', 'много')
    expect(parseTableForm(table, bad).errors).toEqual(['Таблица 1.1, строка 1.2 «юридические лица», отчётный год: «много» — не число.'])
    const phones = inputTables(BUILT_IN_TEMPLATE).find((x) => x.code === '4.3')!
    const p = new FormData()
    p.set('in|phones', '8-800-100-00-00')
    await saveTableInput(t.database.db, world.org.id, 2025, phones, parseTableForm(phones, p), userId)
    expect(rowsOf(await prepareAppendix7(await context()), '4.3')[0]![2]).toBe('8-800-100-00-00')
  })

  it('4.7 from the survey answers of a year that has them, from the typed-in values for a year that has not', async () => {
    const db = t.database.db
    // 2024 was surveyed on paper: typed in
    const table = inputTables(BUILT_IN_TEMPLATE).find((x) => x.code === '4.7')!
    const form = new FormData()
    for (const [row, value] of [
      ['1', '2'],
      ['2', '300'],
      ['3', '4,1'],
      ['4', '80'],
    ])
      form.set(`p|${row}|value`, value!)
    // a typed-in 2025 value is overridden by the answers collected in the product
    form.set('n|2|value', '999')
    await saveTableInput(db, world.org.id, 2025, table, parseTableForm(table, form), userId)
    const survey = (q: string) => ({
      org_id: world.org.id,
      title: `Опрос ${q}`,
      subject_kind: 'organisation' as const,
      opens_on: '2025-01-01',
      questions: JSON.stringify([
        { id: 'q1', kind: 'csat', text: 'Оценка', required: true },
        { id: 'q2', kind: 'nps', text: 'Рекомендация', required: false },
      ]),
    })
    const [s1, s2, s3] = await db
      .insertInto('survey')
      .values([survey('1'), survey('2'), survey('3')])
      .returning('id')
      .execute()
    const answered = async (surveyId: string, when: string, csat: number) => {
      const r = await db
        .insertInto('survey_response')
        .values({ org_id: world.org.id, survey_id: surveyId, collected_by: 'phone', submitted_at: at(when) })
        .returning('id')
        .executeTakeFirstOrThrow()
      await db
        .insertInto('survey_answer')
        .values([
          { response_id: r.id, question_id: 'q1', kind: 'csat', score: csat },
          { response_id: r.id, question_id: 'q2', kind: 'nps', score: 10 },
        ])
        .execute()
    }
    // 2025 in Moscow: 5, 4, 2 in two surveys; the third survey's answer is of 2026 (00:00 on 1 January)
    await answered(s1!.id, '2025-01-01T00:00:00+03:00', 5)
    await answered(s1!.id, '2025-06-01T12:00:00+03:00', 4)
    await answered(s2!.id, '2025-12-31T23:59:59+03:00', 2)
    await answered(s3!.id, '2026-01-01T00:00:00+03:00', 5)
    const report = await prepareAppendix7(await context())
    expect(rowsOf(report, '4.7')).toEqual([
      ['1', 'Проведено опросов, шт.', 2, 2, 0],
      ['2', 'Опрошено потребителей, чел.', 300, 3, -99],
      // (5 + 4 + 2) / 3 = 3.67; satisfied 2 of 3 = 66.7 %
      ['3', 'Средняя оценка качества обслуживания (по пятибалльной шкале), балл', 4.1, 3.67, -10.5],
      ['4', 'Доля потребителей, удовлетворенных качеством обслуживания, %', 80, 66.7, -16.6],
    ])
    expect(report.built.tables.find((x) => x.code === '4.7')!.metrics).toEqual(['surveys.conducted', 'surveys.responses', 'surveys.csat_mean', 'surveys.csat'])
  })
})

describe('the checks', () => {
  it('all pass on consistent data', async () => {
    const report = await prepareAppendix7(await context())
    expect(report.checks.filter((c) => !c.passed)).toEqual([])
    expect(report.registerRows).toBe(5)
    // 4.9 read in pages of two: every row once, in order of receipt
    const pages: string[][] = []
    for await (const page of registerRows(report.ctx, report.built.forms, 2)) pages.push(page.map((r) => r.reg_number))
    expect(pages).toEqual([['b1', 'b2'], ['b3', 'b5'], ['b4']])
  })

  it('fail on purpose-built bad data, each naming its records', async () => {
    const db = t.database.db
    const org = world.org.id
    await db
      .insertInto('appeal')
      .values([
        // closed, but no deadline rule: no outcome in columns 27–29
        { org_id: org, reg_number: 'bad1', received_at: at('2025-08-01T10:00:00+03:00'), form: 'phone', topic: 'other', closure: 'answered' },
        // settled without a complaint; a contract without a request
        {
          org_id: org,
          reg_number: 'bad2',
          received_at: at('2025-08-02T10:00:00+03:00'),
          form: 'phone',
          topic: 'other',
          complaint_settled: true,
          contract_concluded: 'transmission',
        },
        { org_id: org, reg_number: 'bad3', received_at: at('2025-08-03T10:00:00+03:00'), form: 'in_person', topic: 'other' },
        { org_id: org, reg_number: 'bad4', received_at: at('2025-08-04T10:00:00+03:00'), form: 'in_person', topic: 'other' },
        { org_id: org, reg_number: 'bad5', received_at: at('2025-08-05T10:00:00+03:00'), form: 'in_person', topic: 'other' },
      ])
      .execute()
    await sql`delete from call where org_id = ${org}`.execute(db)
    const ctx = await context()
    // a stale rollup: 4.1 and 4.9 disagree
    await sql`delete from appeal_day where org_id = ${org} and form = 'post'`.execute(db)
    const report = await prepareAppendix7(ctx)
    const failed = Object.fromEntries(report.checks.filter((c) => !c.passed).map((c) => [c.id, c.records]))
    expect(failed).toEqual({
      'form-totals': 1,
      'form-and-outcome': 1,
      'settled-complaints': 1,
      'contracts-requests': 1,
      'visits-vs-in-person': 4,
      'calls-vs-phone': 4,
    })
    expect(report.checks.find((c) => c.id === 'form-totals')!.failedForms).toEqual(['post'])
    const { listCheckRecords } = await import('./checks.server.ts')
    const listed = await listCheckRecords(
      ctx,
      report.built.forms,
      report.checks.find((c) => c.id === 'form-and-outcome')!,
      1,
    )
    expect(listed.rows.map((r) => r.reg_number)).toEqual(['bad1'])
    expect(listed.total).toBe(1)
    // the file still downloads and says so
    const book = new ExcelJS.Workbook()
    await book.xlsx.load((await buffer(writeAppendix7('xlsx', report, aboutAppendix7(report, [])))) as unknown as ArrayBuffer)
    const checks = book.getWorksheet('Проверки')!
    const verdicts = checks.getColumn(3).values.slice(2)
    expect(verdicts.filter((v) => v === 'НЕ ПРОЙДЕНА')).toHaveLength(3)
    expect(verdicts.filter((v) => v === 'предупреждение')).toHaveLength(3)
    const about = book.getWorksheet('О файле')!
    const line = (key: string) => about.getColumn(1).values.findIndex((v) => v === key)
    expect(String(about.getRow(line('Проверки согласованности')).getCell(2).value)).toContain('не пройдено: 6 из 9')
  })
})

describe('the file', () => {
  it('layout of 4.1 and 4.9 read back: merges, headers, column numbers, cells', async () => {
    const report = await prepareAppendix7(await context())
    const book = new ExcelJS.Workbook()
    await book.xlsx.load((await buffer(writeAppendix7('xlsx', report, aboutAppendix7(report, [])))) as unknown as ArrayBuffer)
    expect(book.worksheets.map((s) => s.name)).toEqual([...BUILT_IN_TEMPLATE.tables.map((x) => x.code), 'Проверки', 'Определения', 'О файле'])
    const s41 = book.getWorksheet('4.1')!
    const merges = (s41 as unknown as { model: { merges: string[] } }).model.merges
    expect(merges).toEqual(expect.arrayContaining(['A6:A8', 'B6:B8', 'C6:Q6', 'C7:E7', 'F7:H7', 'O7:Q7', 'A1:Q1']))
    expect(s41.getCell('A2').value).toBe('Информация о качестве обслуживания потребителей услуг Тестовая сетевая компания за 2025 год')
    expect(s41.getCell('C6').value).toBe('Формы обслуживания')
    expect(s41.getCell('F7').value).toBe('Заочная форма с использованием телефонной связи')
    expect([s41.getCell('C8').value, s41.getCell('D8').value]).toEqual(['2024 год', '2025 год (текущий)'])
    expect(s41.getRow(9).values).toEqual([undefined, ...Array.from({ length: 17 }, (_, i) => i + 1)])
    expect((s41.getRow(10).values as unknown[]).slice(1)).toEqual([
      '1',
      'Всего обращений потребителей, в том числе:',
      0,
      1,
      '–',
      1,
      2,
      100,
      0,
      1,
      '–',
      1,
      1,
      0,
      0,
      0,
      '–',
    ])
    expect(s41.getCell('C6').font?.bold).toBe(true)
    expect(s41.getCell('C10').border?.top?.style).toBe('thin')
    expect(s41.getColumn(2).width).toBe(52)

    const s49 = book.getWorksheet('4.9')!
    expect((s49 as unknown as { model: { merges: string[] } }).model.merges).toEqual(
      expect.arrayContaining(['E6:I6', 'J6:O6', 'P6:V6', 'W6:Z6', 'AA6:AC6', 'AD6:AE6', 'A6:A7']),
    )
    const data = [9, 10, 11, 12, 13].map((r) => (s49.getRow(r).values as unknown[]).slice(1))
    const flags = (row: unknown[]) => row.map((v, i) => (v === 1 && i >= 4 && i <= 28 ? i + 1 : null)).filter(Boolean)
    expect(data.map((r) => r[1])).toEqual(['b1', 'b2', 'b3', 'b5', 'b4'])
    expect(data[0]!.slice(2, 4)).toEqual(['01.01.2025', '00:00'])
    expect(flags(data[0]!)).toEqual([8, 10, 16, 27]) // почта, передача, жалоба на качество передачи, в срок
    expect(flags(data[1]!)).toEqual([5, 11, 23, 28]) // очное, ТП, заявка на ТП, с нарушением
    expect(flags(data[2]!)).toEqual([7, 12, 19, 29]) // интернет (политика), учет, жалоба на учет, без ответа
    // a text cell, never a formula, and the value as typed (reports/export/formula.ts)
    expect([data[2]![30], s49.getRow(11).getCell(31).type]).toEqual(['=СУММ(1)', ExcelJS.ValueType.String])
    expect(data[0]![29]).toBe('Заменён ввод')
  })

  const soffice = process.env.SQ_SOFFICE
  it.skipIf(!soffice)('opens in LibreOffice without repair: XLSX and ODS converted to CSV give the same figures', async () => {
    const report = await prepareAppendix7(await context())
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-lo-'))
    try {
      for (const format of ['xlsx', 'ods'] as const) {
        const file = path.join(dir, `a7.${format}`)
        fs.writeFileSync(file, await buffer(writeAppendix7(format, report, aboutAppendix7(report, []))))
        const out = path.join(dir, format)
        fs.mkdirSync(out)
        execFileSync(
          soffice!,
          [
            `-env:UserInstallation=file://${dir}/profile`,
            '--headless',
            '--convert-to',
            'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1',
            '--outdir',
            out,
            file,
          ],
          { stdio: 'pipe', timeout: 120_000 },
        )
        const csv = (sheet: string) =>
          fs
            .readFileSync(path.join(out, `a7-${sheet}.csv`), 'utf8')
            .trim()
            .split('\n')
        const t41 = csv('4.1')
        expect(t41[8]).toBe('1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17')
        expect(t41[9]).toBe('1,"Всего обращений потребителей, в том числе:",0,1,–,1,2,100,0,1,–,1,1,0,0,0,–')
        expect(csv('4.3').slice(7)).toEqual([
          '1,"Номера телефонов по вопросам энергоснабжения, горячей линии, центра обработки телефонных вызовов",,,',
          '2,"Общее число телефонных вызовов от потребителей, шт.",1,3,200',
          '3,"Число обработанных (принятых) телефонных вызовов, шт.",1,2,100',
          '4,"Среднее время ожидания ответа потребителем при телефонном вызове, мин",1,1,0',
          '5,"Среднее время обработки телефонного вызова, мин",2,3.5,75',
        ])
        const t49 = csv('4.9')
        expect(t49).toHaveLength(8 + 5)
        const first = Array.from({ length: 31 }, () => '')
        Object.assign(first, { 0: '1', 1: 'b1', 2: '01.01.2025', 3: '00:00', 7: '1', 9: '1', 15: '1', 26: '1', 29: 'Заменён ввод' })
        expect(t49[8]).toBe(first.join(','))
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('printed', () => {
  const soffice = process.env.SQ_SOFFICE
  it.skipIf(!soffice || !hasPoppler)(
    'LibreOffice prints 4.1–4.3 one page wide each, 4.9 over pages with its header and column numbers repeated, A4, «Страница N из M»',
    async () => {
      // 4.9 long enough for a second page
      await t.database.db
        .insertInto('appeal')
        .values(
          Array.from({ length: 150 }, (_, i) => ({
            org_id: world.org.id,
            reg_number: `m${i}`,
            received_at: at(`2025-${String(1 + (i % 12)).padStart(2, '0')}-10T10:00:00+03:00`),
            form: 'post',
            topic: 'other',
            measures_done: i % 2 ? 'Проведена проверка, потребителю направлен ответ с разъяснением порядка' : null,
          })),
        )
        .execute()
      const report = await prepareAppendix7(await context())
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-print-'))
      const pageCounts: Record<string, number> = {}
      try {
        for (const format of ['xlsx', 'ods'] as const) {
          const file = path.join(dir, `a7-${format}.${format}`)
          fs.writeFileSync(file, await buffer(writeAppendix7(format, report, aboutAppendix7(report, []))))
          execFileSync(soffice!, [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'pdf', '--outdir', dir, file], {
            stdio: 'pipe',
            timeout: 120_000,
          })
          const pdf = path.join(dir, `a7-${format}.pdf`)
          const count = pdfPageCount(pdf)
          pageCounts[format] = count
          const pages = pdfPages(pdf, count)
          const size = (page: number) =>
            /size:\s+([\d.]+) x ([\d.]+)/
              .exec(pdfInfo(pdf, page + 1))!
              .slice(1)
              .map(Number)
          const first = (code: string) => pages.findIndex((p) => p.includes(`Таблица ${code}. `))
          const numbers = (n: number) => new RegExp(`^\\s*${Array.from({ length: n }, (_, i) => i + 1).join('\\s+')}\\s*$`, 'm')
          for (const [code, next, columns] of [
            ['4.1', '4.2', 17],
            ['4.2', '4.3', 10],
            ['4.3', '4.4', 5],
          ] as const) {
            const page = first(code)
            expect(page, `${format}: ${code}`).toBeGreaterThan(-1)
            // the whole width on one page: every column number on the page, and the next page is the next table
            expect(pages[page]).toMatch(numbers(columns))
            expect(pages[page + 1]).toContain(`Таблица ${next}. `)
            const [w, h] = size(page)
            expect(Math.round(Math.min(w!, h!))).toBe(595) // A4
          }
          expect(pages[first('4.1')]).toMatch(
            /1\s+Всего обращений потребителей, в том числе:\s+0\s+1\s+–\s+1\s+2\s+100([.,]0)?\s+0\s+1\s+–\s+1\s+151\s+15000([.,]0)?\s+0\s+0\s+–\n/,
          )
          const start = first('4.9')
          const end = pages.findIndex((p, i) => i > start && /Проверк/.test(p.split('\n').slice(0, 4).join(' ')))
          expect(end - start, `${format}: pages of 4.9`).toBeGreaterThanOrEqual(2)
          for (let p = start; p < end; p++) {
            expect(pages[p], `${format}: 4.9, page ${p + 1}`).toMatch(numbers(31))
            expect(pages[p]).toContain('Форма обращения')
            expect(pages[p]).toContain(`Страница ${p + 1} из ${count}`)
            const [w, h] = size(p)
            expect(w!).toBeGreaterThan(h!) // landscape
          }
          // «Идентификационный» is not broken mid-word
          expect(pages[start]).toContain('Идентификационный')
        }
        // the ODS's print areas (every row of the sheet's columns) print no page more than the XLSX's exact ones
        expect(pageCounts.ods).toBe(pageCounts.xlsx)
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    },
  )
})

describe('the PDF', () => {
  // poppler reads the PDF back (required under CI, vitest.config.ts)
  it.skipIf(!hasPoppler)(
    'holds the headings and the figures of the screen as text, 4.9 over pages with its header, «N из M», the signature block',
    async () => {
      await t.database.db
        .insertInto('appeal')
        .values(
          Array.from({ length: 120 }, (_, i) => ({
            org_id: world.org.id,
            reg_number: `m${i}`,
            received_at: at(`2025-${String(1 + (i % 12)).padStart(2, '0')}-10T10:00:00+03:00`),
            form: 'post',
            topic: 'other',
          })),
        )
        .execute()
      const report = await prepareAppendix7(await context())
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-pdf-'))
      try {
        const pdf = path.join(dir, 'a7.pdf')
        fs.writeFileSync(
          pdf,
          await buffer(writeAppendix7Pdf(report, { position: 'Генеральный директор', name: 'Петров Пётр Петрович', phone: '' }, '15.01.2026 12:00:00')),
        )
        const info = pdfInfo(pdf)
        const count = pdfPageCount(pdf, info)
        expect(info).toMatch(/Page size:\s+841\.89 x 595\.2\d pts \(A4\)/)
        // fonts embedded (a subset), with a Unicode map: the Cyrillic text is selectable
        expect(pdfFonts(pdf)).toMatch(/DejaVuSansCondensed\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/)
        const pages = pdfPages(pdf, count)
        const all = pages.join('\n').replace(/[\u00a0\u202f]/g, ' ')
        expect(all).toContain('Информация о качестве обслуживания потребителей услуг Тестовая сетевая компания за 2025 год')
        expect(all).toContain('По состоянию на 15.01.2026, 12:00')
        for (const table of report.built.tables) expect(all).toContain(`Таблица ${table.code}. ${table.title.slice(0, 40)}`)
        pages.forEach((p, i) => {
          expect(p).toContain(`Страница ${i + 1} из ${count}`)
          expect(p).toContain('Тестовая сетевая компания')
          expect(p).toContain('по состоянию на 15.01.2026, 12:00')
        })
        // the figures of the screen, row by row (4.1's first row, 4.3, 4.2's total)
        const line = (cells: readonly { v: unknown }[]) =>
          new RegExp(
            cells
              .map((c) =>
                cellText(c as never)
                  .replace(/[\u00a0\u202f]/g, ' ')
                  .replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
              )
              .filter(Boolean)
              .join('\\s+'),
          )
        const screen = (code: string) => report.built.tables.find((x) => x.code === code)!.body
        expect(all).toMatch(line(screen('4.1')[0]!))
        for (const row of screen('4.3').slice(1)) expect(all).toMatch(line(row.slice(2)))
        expect(all).toMatch(line(screen('4.2').at(-1)!))
        // 4.9: 125 rows over several pages, each with the header and the column numbers
        const register = pages.map((p, i) => [p, i] as const).filter(([p]) => p.includes('Таблица 4.9.'))
        expect(register.length).toBeGreaterThanOrEqual(2)
        for (const [p] of register.slice(1)) expect(p).toContain('(продолжение)')
        for (const [p] of register) {
          expect(p).toMatch(/\b29\s+30\s+31\b/)
          expect(p).toContain('Форма обращения')
          // the narrow columns' header words are set smaller, and what still does not fit is hyphenated
          expect(p).toMatch(/Идентификационный|Идентифи[а-я]*-/)
          expect(p).not.toMatch(/Идентифика\s*\n/)
        }
        expect(all).toMatch(/\n\s*125\s+b4\s/)
        expect(pages.at(-1)).toMatch(/Генеральный директор\s+Петров Пётр Петрович/)
        expect(pages.at(-1)).toContain('(подпись)')
        expect(pages.at(-1)).toContain('(дата)')
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    },
  )
})

describe('freezing', () => {
  it('keeps the exact file and its figures; a later change shows figure by figure', async () => {
    const ctx = await context()
    const report = await prepareAppendix7(ctx)
    const file = await buffer(writeAppendix7('xlsx', report, aboutAppendix7(report, [])))
    const { id } = await freezeSnapshot(t.database.db, report, file, 'prilozhenie-7-2025.xlsx', { id: userId, name: 'Админ' })
    const stored = await getSnapshot(t.database.db, { orgId: world.org.id, branches: 'all' }, id)
    expect(Buffer.from(stored!.file).equals(file)).toBe(true)
    expect(await getSnapshot(t.database.db, { orgId: '999999', branches: 'all' }, id)).toBeUndefined()
    expect(diffFigures(stored!.figures as never, (await prepareAppendix7(ctx)).figures)).toEqual([])
    await t.database.db
      .insertInto('appeal')
      .values({ org_id: world.org.id, reg_number: 'late1', received_at: at('2025-09-01T10:00:00+03:00'), form: 'post', topic: 'transmission' })
      .execute()
    const again = await prepareAppendix7(await context())
    const changes = diffFigures(stored!.figures as never, again.figures)
    expect(changes.map((c) => [c.key, c.before, c.after])).toEqual([
      ['4.1|1|13', 1, 2],
      ['4.1|1|14', 0, 100],
      ['4.1|1.1|13', 1, 2],
      ['4.1|1.1|14', 0, 100],
      ['4.9|rows', 5, 6],
      ['4.9|sum|8', 1, 2],
      ['4.9|sum|10', 1, 2],
    ])
    expect(changes[0]!.label).toBe('Таблица 4.1, строка 1, графа 13 (Письменная форма с использованием почтовой связи, 2025 год)')
  })
})
