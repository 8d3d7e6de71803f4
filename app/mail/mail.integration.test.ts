import { metricCatalog } from '#reports/metrics/catalog.ts'
import ExcelJS from 'exceljs'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { sql } from 'kysely'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { tmpFile } from '#test/setup/files.ts'
import { freePort } from '#test/setup/net.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { createUser, listBranches } from '#app/models/user.server.ts'
import { buildDashboard } from '#reports/metrics/dashboard-view.server.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import { readView } from '#reports/metrics/view.ts'
import { mailConfig, mailOffReason } from './config.server.ts'
import { runMail } from './run.server.ts'
import { addSubscription, setOwnEmail, unsubscribeByToken } from './subscriptions.server.ts'

const t = useTestDatabase()
let world: TestWorld

/** A real SMTP server (smtp-server, from the nodemailer project) that keeps what it received. */
class Inbox {
  messages: ParsedMail[] = []
  envelopes: string[][] = []
  refuse = new Map<string, { code: number; text: string }>()
  server?: SMTPServer
  constructor(readonly port: number) {}
  start() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onRcptTo: (address, _session, callback) => {
        const r = this.refuse.get(address.address)
        if (r) return callback(Object.assign(new Error(r.text), { responseCode: r.code }))
        callback()
      },
      onData: (stream, session, callback) => {
        simpleParser(stream).then((m) => {
          this.messages.push(m)
          this.envelopes.push(session.envelope.rcptTo.map((r) => r.address))
          callback()
        }, callback)
      },
    })
    return new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve))
  }
  stop() {
    return new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }
  to(address: string) {
    return this.messages.filter((_, i) => this.envelopes[i]!.includes(address))
  }
}

let inbox: Inbox
const MSK = 'Europe/Moscow'
const at = (text: string) => new Date(`${text}+03:00`)

/**
 * Appeals (30 calendar days), Moscow time:
 *   A1 01.03 Городские ЭС, Иванов — due 31.03 24:00, no answer: overdue on 01.04
 *   A2 01.03 Северные ЭС, Петров — overdue too, but not in the Городские officer's branch
 *   A3 05.03 Городские ЭС, Сидоров — due 04.04 24:00: within 3 working days on 01.04
 *   A4 31.03 Городские ЭС, answered — counted on the dashboard of 31.03 only
 * Calls: a lost call on 31.03 from 8 (912) 000-00-01 never called back (no branch: organisation-wide only).
 */
const APPEALS = [
  'reg_number;received_at;form;topic;branch;answered_at;applicant_name',
  'A1;01.03.2025 09:00;почта;прочее;Городские ЭС;;Иванов Иван Иванович',
  'A2;01.03.2025 09:00;почта;прочее;Северные ЭС;;Петров Пётр Петрович',
  'A3;05.03.2025 09:00;почта;прочее;Городские ЭС;;Сидоров Сидор Сидорович',
  'A4;31.03.2025 10:00;почта;прочее;Городские ЭС;31.03.2025 15:00;Кузнецов Кузьма',
].join('\n')
const CALLS = ['call_id;direction;started_at;answered_at;ended_at;caller_phone', 'L1;in;31.03.2025 15:00:00;;31.03.2025 15:02:00;8 (912) 000-00-01'].join('\n')

let config: NonNullable<ReturnType<typeof mailConfig>>
const ids: Record<string, string> = {}

beforeAll(async () => {
  inbox = new Inbox(await freePort())
  await inbox.start()
  config = mailConfig({
    SMTP_URL: `smtp://127.0.0.1:${inbox.port}`,
    MAIL_FROM: 'Качество обслуживания <noreply@example.ru>',
    APP_URL: 'https://sq.example.ru',
  })!
  world = await resetWorld(t.database)
  const db = t.database.db
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
  const city = (await listBranches(db, world.org.id)).find((b) => b.name === 'Городские ЭС')!
  const users = {
    quality: await createUser(db, world.org.id, {
      login: 'quality',
      fullName: 'Качество Всей Организации',
      password: 'пароль-для-теста',
      roles: ['quality'],
      allBranches: true,
      branchIds: [],
    }),
    branch: await createUser(db, world.org.id, {
      login: 'branch',
      fullName: 'Руководитель Городских',
      password: 'пароль-для-теста',
      roles: ['management'],
      allBranches: false,
      branchIds: [city.id],
    }),
    admin: await createUser(db, world.org.id, {
      login: 'admin2',
      fullName: 'Администратор',
      password: 'пароль-для-теста',
      roles: ['admin'],
      allBranches: true,
      branchIds: [],
    }),
  }
  await setOwnEmail(db, users.quality.id, 'quality@example.ru')
  await setOwnEmail(db, users.branch.id, 'Branch@Example.ru')
  await setOwnEmail(db, users.admin.id, 'admin@example.ru')
  ids.alertQuality = await addSubscription(db, users.quality, {
    kind: 'alert',
    view: '',
    format: '',
    frequency: '',
    localTime: '09:00',
    dueDays: 3,
    addresses: '',
  })
  ids.alertBranch = await addSubscription(db, users.branch, {
    kind: 'alert',
    view: '',
    format: '',
    frequency: '',
    localTime: '09:00',
    dueDays: 3,
    addresses: '',
  })
  ids.delivery = await addSubscription(db, users.admin, {
    kind: 'delivery',
    view: 'dashboard',
    format: 'xlsx',
    frequency: 'daily',
    localTime: '08:30',
    dueDays: 0,
    addresses: 'boss@example.ru',
  })
  await expect(
    addSubscription(db, users.branch, {
      kind: 'delivery',
      view: 'dashboard',
      format: 'xlsx',
      frequency: 'daily',
      localTime: '08:30',
      dueDays: 0,
      addresses: 'x@example.ru',
    }),
  ).rejects.toThrow('Внешние адреса добавляет только администратор')
  await expect(
    addSubscription(db, users.branch, {
      kind: 'delivery',
      view: 'register:calls',
      format: 'pdf',
      frequency: 'daily',
      localTime: '08:30',
      dueDays: 0,
      addresses: '',
    }),
  ).rejects.toThrow('только в формате XLSX')
})

afterAll(async () => {
  await inbox?.stop()
})

const log = () =>
  sql<{
    slot_key: string
    address: string
    status: string
    attempts: number
    smtp_response: string | null
    subject: string
  }>`select slot_key, address, status, attempts, smtp_response, subject from mail_send order by id`
    .execute(t.database.db)
    .then((r) => r.rows)

describe('e-mail: alerts and deliveries', () => {
  it('says why it is off without SMTP_URL and MAIL_FROM', () => {
    expect(mailConfig({})).toBeNull()
    expect(mailOffReason({})).toContain('Почта не настроена')
    expect(mailOffReason({ SMTP_URL: 'smtp://mail:25' })).toContain('MAIL_FROM')
    expect(mailOffReason({ SMTP_URL: 'http://mail', MAIL_FROM: 'a@b.ru' })).toContain('не читается')
  })

  it('sends nothing before the set time', async () => {
    const r = await runMail(t.database, { asOf: at('2025-04-01T08:29:00'), config })
    expect(r).toMatchObject({ planned: 0, sent: 0 })
    expect(inbox.messages).toHaveLength(0)
  })

  it('sends each alert digest in its scope and the delivery with the dashboard file at the set time', async () => {
    const r = await runMail(t.database, { asOf: at('2025-04-01T09:00:00'), config })
    expect(r).toMatchObject({ planned: 4, sent: 4, retried: 0, failed: 0 })
    expect(inbox.messages).toHaveLength(4)

    const [quality] = inbox.to('quality@example.ru')
    expect(quality!.subject).toBe('Список дел на 01.04.2025: просрочено 2, срок на подходе 1, не перезвонили 1, ошибок загрузки 0')
    expect(quality!.text).toContain('A1')
    expect(quality!.text).toContain('A2')
    expect(quality!.text).toContain('Иванов Иван Иванович') // the quality role sees personal data
    expect(quality!.text).toContain('+7 912 000-00-01')
    expect(quality!.text).toContain('https://sq.example.ru/mail/unsubscribe/')

    const [branch] = inbox.to('branch@example.ru')
    expect(branch!.subject).toBe('Список дел на 01.04.2025: просрочено 1, срок на подходе 1, не перезвонили 0, ошибок загрузки 0')
    expect(branch!.text).toContain('A1')
    expect(branch!.text).not.toContain('A2') // another branch
    expect(branch!.text).not.toContain('Северные')
    expect(branch!.text).not.toContain('Иванов Иван') // management: masked
    expect(branch!.text).toContain('И••••••••ич')

    const boss = inbox.to('boss@example.ru')
    const admin = inbox.to('admin@example.ru')
    expect(boss).toHaveLength(1)
    expect(admin).toHaveLength(1)
    expect(boss[0]!.subject).toBe('Показатели качества обслуживания за 31.03.2025')
    expect(boss[0]!.headerLines.find((h) => h.key === 'list-unsubscribe')?.line).toContain('https://sq.example.ru/mail/unsubscribe/')
    const file = boss[0]!.attachments[0]!
    expect(file.filename).toBe('Показатели_2025-03-31.xlsx') // the registry's scheme (ADR 026)
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(file.content as unknown as ArrayBuffer)
    const sheet = book.getWorksheet('Показатели')!
    const figures: Record<string, unknown> = {}
    // rows are named by the catalog's label (the file has no code column)
    const idOf = new Map<string, string>(Object.entries(metricCatalog).map(([id, m]) => [m.label, id]))
    sheet.eachRow((row) => (figures[idOf.get(String(row.getCell(2).value)) ?? String(row.getCell(2).value)] = row.getCell(3).value))
    // the screen's figures for the same period and scope
    const { params } = await refreshRollups(t.database, world.org.id)
    const view = readView(new URLSearchParams({ period: 'custom', from: '2025-03-31', to: '2025-03-31' }), MSK, 2025)
    const screen = await buildDashboard(t.database.db, { orgId: world.org.id, branches: 'all' }, view, at('2025-04-01T00:00:00'), params, new Map())
    expect(figures['appeals.received']).toBe(1)
    expect(figures['appeals.received']).toBe(screen.appeals.current['appeals.received'])
    expect(figures['calls.offered']).toBe(screen.calls.current['calls.offered'])
    expect(figures['calls.offered']).toBe(1)
    const about: Record<string, unknown> = {}
    book.getWorksheet('О файле')!.eachRow((row) => (about[String(row.getCell(1).value)] = row.getCell(2).value))
    expect(about['По состоянию на']).toBe('01.04.2025 00:00')
  })

  it('sends nothing twice: a second run (or a restarted process) finds the slots taken', async () => {
    const r = await runMail(t.database, { asOf: at('2025-04-01T09:05:00'), config })
    expect(r).toMatchObject({ planned: 0, sent: 0 })
    expect(inbox.messages).toHaveLength(4)
    expect((await log()).filter((l) => l.status === 'sent')).toHaveLength(4)
  })

  it('an unsubscribed address gets nothing more; the others go on', async () => {
    const link = inbox.to('boss@example.ru')[0]!.text!.match(/\/mail\/unsubscribe\/(\S+)/)![1]!
    expect(await unsubscribeByToken(t.database.db, `${link.slice(0, -3)}abc`)).toBeNull() // forged
    expect(await unsubscribeByToken(t.database.db, link)).toMatchObject({ address: 'boss@example.ru' })
    const r = await runMail(t.database, { asOf: at('2025-04-02T08:30:00'), config })
    expect(r).toMatchObject({ planned: 1, sent: 1 })
    expect(inbox.to('boss@example.ru')).toHaveLength(1)
    expect(inbox.to('admin@example.ru')).toHaveLength(2)
  })

  it('retries with backoff while the server is down, logs its answer, and sends once it is back', async () => {
    await inbox.stop()
    const down = await runMail(t.database, { asOf: at('2025-04-02T09:00:00'), config })
    expect(down).toMatchObject({ planned: 2, sent: 0, retried: 2 })
    let rows = (await log()).filter((l) => l.slot_key.startsWith('alert:') && l.slot_key.endsWith('2025-04-02'))
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ['retry', 1],
      ['retry', 1],
    ])
    expect(rows[0]!.smtp_response).toMatch(/ECONNREFUSED/)
    // not before the backoff (1 minute)
    await inbox.start()
    expect(await runMail(t.database, { asOf: at('2025-04-02T09:00:30'), config })).toMatchObject({ sent: 0 })
    expect(await runMail(t.database, { asOf: at('2025-04-02T09:01:00'), config })).toMatchObject({ sent: 2 })
    rows = (await log()).filter((l) => l.slot_key.startsWith('alert:') && l.slot_key.endsWith('2025-04-02'))
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 2],
      ['sent', 2],
    ])
    expect(rows[0]!.smtp_response).toMatch(/^250/)
  })

  it('a refusal is logged: 4xx is retried, 5xx is final', async () => {
    inbox.refuse.set('quality@example.ru', { code: 451, text: 'Try again later' })
    inbox.refuse.set('branch@example.ru', { code: 550, text: 'No such user' })
    const r = await runMail(t.database, { asOf: at('2025-04-03T09:00:00'), config })
    expect(r).toMatchObject({ planned: 3, sent: 1, retried: 1, failed: 1 }) // the two alerts and the admin's daily delivery
    const rows = (await log()).filter((l) => l.slot_key.endsWith('2025-04-03'))
    expect(rows.find((l) => l.address === 'quality@example.ru')).toMatchObject({ status: 'retry' })
    expect(rows.find((l) => l.address === 'quality@example.ru')!.smtp_response).toContain('451')
    expect(rows.find((l) => l.address === 'branch@example.ru')).toMatchObject({ status: 'failed' })
    expect(rows.find((l) => l.address === 'branch@example.ru')!.smtp_response).toContain('550')
    inbox.refuse.clear()
  })

  it('sends no alert on a day off, and none when the list is empty', async () => {
    // Saturday 05.04.2025: only the daily delivery is planned; the alert refused with 451 on 03.04 goes now
    expect(await runMail(t.database, { asOf: at('2025-04-05T09:00:00'), config })).toMatchObject({ planned: 1, sent: 2 })
    expect((await log()).find((l) => l.address === 'quality@example.ru' && l.slot_key.endsWith('2025-04-03'))).toMatchObject({ status: 'sent', attempts: 2 })
    expect((await log()).filter((l) => l.slot_key.startsWith('alert:') && l.slot_key.endsWith('2025-04-05'))).toHaveLength(0)
    await sql`update appeal set answered_at = '2025-04-04T10:00:00+03' where org_id = ${world.org.id} and answered_at is null`.execute(t.database.db)
    const before = inbox.to('branch@example.ru').length
    const r = await runMail(t.database, { asOf: at('2025-04-07T09:00:00'), config })
    expect(r.empty).toBeGreaterThanOrEqual(1)
    expect(inbox.to('branch@example.ru')).toHaveLength(before)
    const row = (await log()).find((l) => l.address === 'branch@example.ru' && l.slot_key.endsWith('2025-04-07'))!
    expect(row).toMatchObject({ status: 'empty', smtp_response: 'список пуст — письмо не отправлялось' })
  })
})
