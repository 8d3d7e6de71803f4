/**
 * Weekly and monthly deliveries and a PDF delivery (issue 18), through a real SMTP server (smtp-server): who
 * gets what, the subject, «по состоянию на» the end of the period, the file under the registry's name —
 * opened and compared with the screen's figures for the same period, scope and moment.
 */
import ExcelJS from 'exceljs'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { tmpFile } from '#test/setup/files.ts'
import { freePort } from '#test/setup/net.ts'
import { hasPoppler, pdfText } from '#test/setup/pdf.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { createUser } from '#app/models/user.server.ts'
import { lostCallFigures, lostCallsOfView, lostCallsSetup, lostFigureValues } from '#reports/callbacks/callbacks.server.ts'
import { metricCatalog } from '#reports/metrics/catalog.ts'
import { buildDashboard } from '#reports/metrics/dashboard-view.server.ts'
import { periodOf } from '#reports/metrics/period.ts'
import { REGISTERS, registerTotal } from '#reports/metrics/records.server.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import { readView } from '#reports/metrics/view.ts'
import { mailConfig } from './config.server.ts'
import { runMail } from './run.server.ts'
import { addSubscription, setOwnEmail } from './subscriptions.server.ts'

const t = useTestDatabase()
let world: TestWorld
const MSK = 'Europe/Moscow'
const at = (text: string) => new Date(`${text}+03:00`)
const messages: { mail: ParsedMail; to: string[] }[] = []
let server: SMTPServer
let config: NonNullable<ReturnType<typeof mailConfig>>

/**
 * March 2025, Moscow time. The week Mon 24.03 – Sun 30.03: appeals W1, W2; calls: an answered one, a lost
 * one never called back (L1), a lost one called back after 30 minutes (L2). Before the week: appeal M1 and
 * lost call L0 on 03.03 (in the month, not in the week). After it: appeal A1 on 31.03 (in the month only).
 */
const APPEALS = [
  'reg_number;received_at;form;topic;branch;answered_at;applicant_name',
  'M1;03.03.2025 09:00;почта;прочее;Городские ЭС;05.03.2025 10:00;Иванов Иван',
  'W1;24.03.2025 09:00;почта;прочее;Городские ЭС;;Петров Пётр',
  'W2;27.03.2025 12:00;интернет;прочее;Городские ЭС;28.03.2025 10:00;Сидоров Сидор',
  'A1;31.03.2025 10:00;почта;прочее;Городские ЭС;;Кузнецов Кузьма',
].join('\n')
const CALLS = [
  'call_id;direction;started_at;answered_at;ended_at;caller_phone',
  'L0;in;03.03.2025 10:00:00;;03.03.2025 10:01:00;8 (912) 000-00-09',
  'A1;in;25.03.2025 10:00:00;25.03.2025 10:00:10;25.03.2025 10:05:00;8 (912) 000-00-01',
  'L1;in;26.03.2025 15:00:00;;26.03.2025 15:02:00;8 (912) 000-00-02',
  'L2;in;27.03.2025 11:00:00;;27.03.2025 11:01:00;8 (912) 000-00-03',
  'C2;out;27.03.2025 11:30:00;27.03.2025 11:30:05;27.03.2025 11:33:00;+7 912 000-00-03',
].join('\n')

const to = (address: string) => messages.filter((m) => m.to.includes(address)).map((m) => m.mail)

async function book(file: Buffer) {
  const b = new ExcelJS.Workbook()
  await b.xlsx.load(file as unknown as ArrayBuffer)
  return b
}

function about(b: ExcelJS.Workbook): Map<string, unknown> {
  const facts = new Map<string, unknown>()
  b.getWorksheet('О файле')!.eachRow((row) => facts.set(String(row.getCell(1).value), row.getCell(2).value))
  return facts
}

beforeAll(async () => {
  const port = await freePort()
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData: (stream, session, callback) => {
      simpleParser(stream).then((mail) => {
        messages.push({ mail, to: session.envelope.rcptTo.map((r) => r.address) })
        callback()
      }, callback)
    },
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  config = mailConfig({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Качество обслуживания <noreply@example.ru>', APP_URL: 'https://sq.example.ru' })!
  world = await resetWorld(t.database)
  for (const [kind, file] of [
    ['appeals', APPEALS],
    ['calls', CALLS],
  ] as const) {
    const report = await runFileImport(world.target, {
      kind,
      path: tmpFile(`${kind}.csv`, file),
      fileName: `${kind}.csv`,
      skipInvalid: false,
      source: 'cli',
      createBranches: true,
    })
    expect(report.status).toBe('done')
  }
  const admin = await createUser(t.database.db, world.org.id, {
    login: 'chief',
    fullName: 'Главный Администратор',
    password: 'пароль-для-теста',
    roles: ['admin'],
    allBranches: true,
    branchIds: [],
  })
  await setOwnEmail(t.database.db, admin.id, 'chief@example.ru')
  const delivery = { kind: 'delivery' as const, dueDays: 0 }
  await addSubscription(t.database.db, admin, {
    ...delivery,
    view: 'dashboard',
    format: 'xlsx',
    frequency: 'weekly',
    localTime: '08:00',
    addresses: 'board@example.ru',
  })
  await addSubscription(t.database.db, admin, {
    ...delivery,
    view: 'register:calls',
    format: 'xlsx',
    frequency: 'monthly',
    localTime: '07:00',
    addresses: 'outside@example.ru',
  })
  await addSubscription(t.database.db, admin, {
    ...delivery,
    view: 'supplier-standard',
    format: 'pdf',
    frequency: 'monthly',
    localTime: '07:30',
    addresses: '',
  })
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('deliveries: weekly, monthly, PDF', () => {
  it('sends no weekly delivery on a Sunday, nor a monthly one before the 1st', async () => {
    expect(await runMail(t.database, { asOf: at('2025-03-30T09:00:00'), config })).toMatchObject({ planned: 0, sent: 0 })
    expect(messages).toHaveLength(0)
  })

  it('on Monday: last week (Mon–Sun) to the subscriber and the external address, as of the end of Sunday; the file is the screen', async () => {
    const r = await runMail(t.database, { asOf: at('2025-03-31T08:00:00'), config })
    expect(r).toMatchObject({ planned: 2, sent: 2, failed: 0 })
    for (const address of ['chief@example.ru', 'board@example.ru']) {
      const [mail, ...more] = to(address)
      expect(more).toHaveLength(0)
      expect(mail!.subject).toBe('Показатели качества обслуживания за 24.03.2025 — 30.03.2025')
      expect(mail!.text).toContain('по состоянию на 31.03.2025 00:00 (Europe/Moscow)')
      const file = mail!.attachments[0]!
      expect(file.filename).toBe('Показатели_2025-03-24_2025-03-30.xlsx')
      const b = await book(file.content)
      const figures = new Map<string, unknown>()
      b.getWorksheet('Показатели')!.eachRow((row) => figures.set(`${row.getCell(1).value}|${row.getCell(2).value}`, row.getCell(3).value))
      const { params } = await refreshRollups(t.database, world.org.id)
      const view = readView(new URLSearchParams({ period: 'custom', from: '2025-03-24', to: '2025-03-30' }), MSK, 2025)
      const asOf = at('2025-03-31T00:00:00')
      const screen = await buildDashboard(t.database.db, { orgId: world.org.id, branches: 'all' }, view, asOf, params, new Map())
      const label = (id: keyof typeof metricCatalog) => metricCatalog[id].label
      expect(figures.get(`Обращения|${label('appeals.received')}`)).toBe(2)
      expect(figures.get(`Обращения|${label('appeals.received')}`)).toBe(screen.appeals.current['appeals.received'])
      expect(figures.get(`Звонки|${label('calls.offered')}`)).toBe(screen.calls.current['calls.offered'])
      const lost = await lostCallsOfView(t.database.db, world.org.id, { orgId: world.org.id, branches: 'all' }, view, asOf)
      expect(lost.current['lost.calls']).toBe(2)
      expect(figures.get(`Перезвоны|${label('lost.calls')}`)).toBe(2)
      expect(figures.get(`Перезвоны|${label('lost.reached_callback')}`)).toBe(lost.current['lost.reached_callback'])
      expect(figures.get(`Перезвоны|${label('lost.not_reached')}`)).toBe(1)
      expect(about(b).get('По состоянию на')).toBe('31.03.2025 00:00')
      expect(about(b).get('Период')).toBe('2025-03-24 — 2025-03-30 (Europe/Moscow)')
    }
  })

  it('on the 1st: last month — the calls register (numbers masked for the external address) and the supplier report as PDF', async () => {
    const r = await runMail(t.database, { asOf: at('2025-04-01T08:00:00'), config })
    expect(r).toMatchObject({ planned: 3, sent: 3, failed: 0 }) // the register to two addresses, the PDF to one
    const total = await registerTotal(t.database.db, REGISTERS.calls, {
      scope: { orgId: world.org.id, branches: 'all' },
      period: periodOf('2025-03-01', '2025-03-31', MSK),
      filter: {},
      narrowing: {},
      asOf: at('2025-04-01T00:00:00'),
      zone: MSK,
      params: (await refreshRollups(t.database, world.org.id)).params,
    })
    expect(total).toBe(5)
    for (const [address, personal] of [
      ['chief@example.ru', true],
      ['outside@example.ru', false],
    ] as const) {
      const mail = to(address).find((m) => m.subject?.startsWith('Журнал звонков'))!
      expect(mail.subject).toBe('Журнал звонков за 01.03.2025 — 31.03.2025')
      expect(mail.text).toContain('по состоянию на 01.04.2025 00:00')
      expect(mail.attachments[0]!.filename).toBe('Звонки_2025-03-01_2025-03-31.xlsx')
      const b = await book(mail.attachments[0]!.content)
      const sheet = b.getWorksheet('Записи')!
      expect(sheet.rowCount - 1).toBe(total)
      const text = JSON.stringify(sheet.getSheetValues())
      if (personal) expect(text).toContain('912')
      expect(text.includes('000-00-02')).toBe(personal)
      expect(about(b).get('Персональные данные')).toBe(personal ? 'показаны' : 'скрыты (маска)')
      expect(about(b).get('По состоянию на')).toBe('01.04.2025 00:00')
    }
    expect(to('outside@example.ru').some((m) => m.subject?.startsWith('Соблюдение'))).toBe(false)
    const [pdfMail] = to('chief@example.ru').filter((m) => m.subject?.startsWith('Соблюдение'))
    expect(pdfMail!.subject).toBe('Соблюдение стандарта гарантирующего поставщика за 01.03.2025 — 31.03.2025')
    const pdf = pdfMail!.attachments[0]!
    expect(pdf.contentType).toBe('application/pdf')
    expect(pdf.filename).toMatch(/^Стандарт-качества_2025_.+\.pdf$/)
    // its text read back by poppler (required under CI, vitest.config.ts)
    if (hasPoppler) {
      const text = pdfText(pdf.content).replace(/\s+/g, ' ')
      expect(text).toContain('По состоянию на 01.04.2025, 00:00.')
      // the year's lost calls as of the end of March, as /calls/lost counts them
      const setup = await lostCallsSetup(t.database.db, world.org.id)
      const year = lostFigureValues(
        await lostCallFigures(t.database.db, {
          scope: { orgId: world.org.id, branches: 'all' },
          period: periodOf('2025-01-01', '2025-12-31', MSK),
          asOf: at('2025-04-01T00:00:00'),
          ...setup,
        }),
      )
      expect(year['lost.calls']).toBe(3)
      expect(text).toMatch(new RegExp(`${metricCatalog['lost.calls'].label} 3 `))
      expect(text).toMatch(new RegExp(`${metricCatalog['lost.not_reached'].label} ${year['lost.not_reached']} `))
    }
  })
})
