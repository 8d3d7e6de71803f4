import { sql } from 'kysely'
import { updateOrganisation } from '#app/models/organisation.server.ts'
import { seedRulePresets } from '#reports/deadlines/rules.server.ts'
import { callSums, figuresOf, totalOf, visitSums } from '#reports/metrics/dashboard.server.ts'
import { REGISTERS, registerTotal } from '#reports/metrics/records.server.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import { readView } from '#reports/metrics/view.ts'
import { sample, tmpFile } from '#test/setup/files.ts'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { ADAPTERS } from './adapters.ts'
import { findMapping, saveMapping } from './mappings.server.ts'
import type { ColumnMapping } from './mapping.ts'
import { type FileImportRequest, type ImportReport, runFileImport } from './pipeline.server.ts'

const t = useTestDatabase()
let world: TestWorld
const who = { userId: null, actor: 'test', ip: null }

beforeEach(async () => {
  world = await resetWorld(t.database)
  // the thresholds the hand-computed figures below use: service level 20 s, short abandon under 5 s
  await updateOrganisation(t.database.db, world.org.id, { serviceLevelSeconds: 20, shortAbandonSeconds: 5 })
})

const march = () => readView(new URLSearchParams('period=month&year=2025&month=3'), 'Europe/Moscow', 2025)
const everything = () => ({ orgId: world.org.id, branches: 'all' as const })

/** The catalog's call figures of March 2025, from the rollups as the dashboard reads them. */
async function callFigures() {
  await refreshRollups(t.database, world.org.id)
  const f = figuresOf('calls', totalOf('calls', await callSums(t.database.db, everything(), march().period, march().filter)))
  const pick = [
    'calls.offered',
    'calls.answered',
    'calls.abandoned',
    'calls.answered_in_sl',
    'calls.service_level',
    'calls.mean_wait',
    'calls.mean_handling',
  ] as const
  return Object.fromEntries(pick.map((id) => [id.slice(6), f[id]]))
}

async function visitFigures() {
  await refreshRollups(t.database, world.org.id)
  const f = figuresOf('visits', totalOf('visits', await visitSums(t.database.db, everything(), march().period, march().filter, 'office')))
  const pick = ['visits.total', 'visits.served', 'visits.no_shows', 'visits.mean_wait', 'visits.mean_service'] as const
  return Object.fromEntries(pick.map((id) => [id.slice(7), f[id]]))
}

async function load(kind: FileImportRequest['kind'], path: string, options: Partial<FileImportRequest> = {}): Promise<ImportReport> {
  const report = await runFileImport(world.target, { kind, path, fileName: path.split('/').pop()!, skipInvalid: false, source: 'cli', ...options })
  expect(report.read).toBe(report.stored + report.rejected)
  return report
}

/** The calls as stored, with waiting and talk seconds computed by the database (hand-computed below). */
async function calls() {
  const rows = await sql<{
    call_id: string
    direction: string
    line: string | null
    agent: string | null
    answered: boolean
    wait: number | null
    talk: number
    caller_phone: string | null
  }>`
    select call_id, direction, line, agent, answered_at is not null as answered, caller_phone,
      extract(epoch from answered_at - started_at)::int as wait, extract(epoch from ended_at - coalesce(answered_at, ended_at))::int as talk
    from call order by started_at`.execute(t.database.db)
  return rows.rows
}

async function visits() {
  const rows = await sql<{ ticket_id: string; office_code: string; service_kind: string; wait: number | null; service: number | null; agent: string | null }>`
    select ticket_id, office_code, service_kind, agent, extract(epoch from called_at - issued_at)::int as wait,
      extract(epoch from service_ended_at - called_at)::int as service
    from visit order by issued_at, ticket_id`.execute(t.database.db)
  return rows.rows
}

describe('Asterisk CDR', () => {
  // Master.csv: 5 rows, 4 calls — the queue call 1741932000.1 has a transfer row of the same uniqueid
  const master = [
    { call_id: '1741932000.1', direction: 'in', line: 'support', agent: 'SIP/101', answered: true, wait: 20, talk: 400, caller_phone: '79161111111' },
    { call_id: '1741932600.3', direction: 'in', line: 'support', agent: null, answered: false, wait: null, talk: 0, caller_phone: '79162222222' },
    { call_id: '1741935600.4', direction: 'out', line: '84951234567', agent: 'SIP/101', answered: true, wait: 15, talk: 105, caller_phone: '101' },
    { call_id: '1741939200.6', direction: 'in', line: '8002', agent: null, answered: false, wait: null, talk: 0, caller_phone: '79163333333' },
  ]

  it('Master.csv without a header: one call per uniqueid, queue calls by lastapp=Queue, told from the content', async () => {
    const report = await load('calls', sample('Master.csv'))
    expect(report).toMatchObject({ status: 'done', format: 'csv', adapter: 'asterisk_cdr', read: 4, inserted: 4, rejected: 0 })
    expect(report.warnings.join(' ')).toMatch(/строк CDR прочитано 5, собрано звонков 4.*queue_log/)
    expect(await calls()).toEqual(master.map((c) => expect.objectContaining(c)))
    const first = await t.database.db.selectFrom('call').selectAll().where('call_id', '=', '1741932000.1').executeTakeFirstOrThrow()
    // 09:00 Moscow = 06:00 UTC; the transfer row's end (09:07) ends the call
    expect(first).toMatchObject({
      started_at: new Date('2025-03-14T06:00:00Z'),
      answered_at: new Date('2025-03-14T06:00:20Z'),
      ended_at: new Date('2025-03-14T06:07:00Z'),
    })
    // again: nothing changes
    expect(await load('calls', sample('Master.csv'))).toMatchObject({ status: 'done', read: 4, inserted: 0, updated: 0, unchanged: 4 })
    const batch = await t.database.db.selectFrom('import_batch').select(['adapter', 'format']).orderBy('id').executeTakeFirstOrThrow()
    expect(batch).toEqual({ adapter: 'asterisk_cdr', format: 'csv' })
    // 3 incoming: 1 answered, 2 lost (90 s and 30 s, not short); a CDR gives no queue wait (ADR 027): no waiting figures;
    // the talk is 09:00:20 → 09:07:00 = 400 s
    expect(await callFigures()).toEqual({
      offered: 3,
      answered: 1,
      abandoned: 2,
      answered_in_sl: 0,
      service_level: null,
      mean_wait: null,
      mean_handling: 400,
    })
    expect((await t.database.db.selectFrom('call').select('wait_known').distinct().execute()).map((c) => c.wait_known)).toEqual([false])
  })

  it('canonical and CDR calls together: waiting figures of the canonical calls only, counts of answered and lost of both', async () => {
    await load('calls', sample('calls.csv'))
    // calls.csv alone: 3 incoming (waits 12 s and 5 s, one lost after 70 s), talks 258 s and 295 s
    expect(await callFigures()).toEqual({
      offered: 3,
      answered: 2,
      abandoned: 1,
      answered_in_sl: 2,
      service_level: 2 / 3,
      mean_wait: 8.5,
      mean_handling: 276.5,
    })
    await load('calls', sample('Master.csv'))
    // + Master.csv: 3 incoming, 1 answered (its 20 s from the start of the call is no queue wait), 2 lost.
    // Counting the CDR call would give 3 within 20 s of 6 (0.5) and a mean wait of (12 + 5 + 20) / 3 ≈ 12.3 s.
    expect(await callFigures()).toEqual({
      offered: 6,
      answered: 3,
      abandoned: 3,
      answered_in_sl: 2,
      service_level: 2 / 3,
      mean_wait: 8.5,
      mean_handling: (258 + 295 + 400) / 3,
    })
    // the mean wait opens the records it is taken over: the two canonical answered calls
    const { params } = await refreshRollups(t.database, world.org.id)
    const ctx = {
      scope: everything(),
      period: march().period,
      filter: march().filter,
      narrowing: {},
      zone: 'Europe/Moscow',
      asOf: new Date('2025-04-01'),
      params,
    }
    expect(await registerTotal(t.database.db, REGISTERS.calls, { ...ctx, metric: 'calls.mean_wait' })).toBe(2)
    expect(await registerTotal(t.database.db, REGISTERS.calls, { ...ctx, metric: 'calls.answered' })).toBe(3)
    // a call loaded again in the canonical layout has its wait known again (the file's wait, 10 s)
    const again =
      'call_id;direction;line;started_at;answered_at;ended_at\n1741932000.1;in;support;14.03.2025 09:00:00;14.03.2025 09:00:10;14.03.2025 09:07:00\n'
    expect(await load('calls', tmpFile('again.csv', again))).toMatchObject({ status: 'done', updated: 1 })
    expect(await callFigures()).toMatchObject({ offered: 6, answered: 3, answered_in_sl: 3, service_level: 3 / 4, mean_wait: (12 + 5 + 10) / 3 })
  })

  it('the cdr table with a header: rows of one linkedid are one call; answer = calldate + duration − billsec', async () => {
    const report = await load('calls', sample('cdr-table.csv'))
    expect(report).toMatchObject({ status: 'done', adapter: 'asterisk_cdr', read: 3, inserted: 3 })
    const stored = await calls()
    expect(stored.map((c) => [c.call_id, c.line, c.agent, c.answered, c.wait, c.talk])).toEqual([
      // 09:00:00 + 300 s − 280 s = 09:00:20; the linked transfer row ends at 09:05 + 120 s = 09:07:00
      ['1741932000.1', 'support', 'SIP/101', true, 20, 400],
      ['1741932600.3', 'support', null, false, null, 0],
      ['1741939200.6', '8002', null, false, null, 0],
    ])
    expect(await callFigures()).toEqual({ offered: 3, answered: 1, abandoned: 2, answered_in_sl: 0, service_level: null, mean_wait: null, mean_handling: 400 })
  })

  it('a bad CDR row is refused with its own line number; skip-invalid stores the others', async () => {
    const text = (await import('node:fs')).readFileSync(sample('Master.csv'), 'utf8').replace('"2025-03-14 11:00:00"', '"2025-02-30 11:00:00"')
    const file = tmpFile('Master.csv', text)
    const refused = await load('calls', file)
    expect(refused).toMatchObject({ status: 'rejected', read: 4, stored: 0, rejected: 4, invalid: 1 })
    expect(refused.rejections).toEqual([{ line: 5, column: 'start', value: '2025-02-30 11:00:00', reason: 'такой даты нет: «2025-02-30 11:00:00»' }])
    expect(await load('calls', file, { skipInvalid: true })).toMatchObject({ status: 'done', read: 4, inserted: 3, rejected: 1 })
  })

  it('format=asterisk_cdr on a file that is not a CDR is refused in Russian; a CDR loaded as visits is named', async () => {
    expect((await load('calls', sample('calls.csv'), { format: 'asterisk_cdr' })).message).toMatch(/Выбран формат «Asterisk CDR», но файл на него не похож/)
    expect((await load('visits', sample('Master.csv'))).message).toMatch(/загружается как «журнал звонков» \(calls\)/)
    expect((await load('calls', sample('Master.csv'), { format: 'avaya' })).message).toMatch(/Неизвестный формат «avaya»/)
  })
})

describe('built-in mappings of the phone systems', () => {
  it('3CX: UTC times, final-type = Queue is not answered, historyId the key', async () => {
    const report = await load('calls', sample('3cx-calls.csv'))
    expect(report).toMatchObject({ status: 'done', adapter: '3cx', read: 3, inserted: 3 })
    expect(report.unknownColumns).toContain('reason-terminated')
    expect((await calls()).map((c) => [c.call_id, c.direction, c.agent, c.answered, c.wait, c.talk])).toEqual([
      ['1001', 'in', '101', true, 15, 250],
      ['1002', 'in', '800', false, null, 0],
      ['1003', 'out', '101', true, 20, 160],
    ])
    const first = await t.database.db.selectFrom('call').select('started_at').where('call_id', '=', '1001').executeTakeFirstOrThrow()
    expect(first.started_at).toEqual(new Date('2025-03-14T06:00:00Z')) // UTC in the file, not Moscow
    // 2 incoming: 1 answered (talk 06:00:15 → 06:04:25 = 250 s), 1 lost after 120 s; 3CX gives no queue wait (ADR 027)
    expect(await callFigures()).toEqual({ offered: 2, answered: 1, abandoned: 1, answered_in_sl: 0, service_level: null, mean_wait: null, mean_handling: 250 })
  })

  it('Naumen: the wait runs from enqueued_time; a call that never queued starts at call_init_time', async () => {
    const report = await load('calls', sample('naumen-calls.csv'))
    expect(report).toMatchObject({ status: 'done', adapter: 'naumen', read: 3, inserted: 3 })
    expect((await calls()).map((c) => [c.call_id.slice(-1), c.direction, c.agent, c.answered, c.wait, c.talk])).toEqual([
      ['1', 'in', 'ivanov', true, 20, 250],
      ['2', 'in', null, false, null, 0],
      ['3', 'in', null, false, null, 0],
    ])
    const third = await t.database.db.selectFrom('call').select('started_at').where('call_id', 'like', '%_3').executeTakeFirstOrThrow()
    expect(third.started_at).toEqual(new Date('2025-03-14T06:20:00Z'))
    // 3 incoming: 1 answered 20 s after enqueueing (within 20 s), lost after 120 s and 45 s; SL 1 / 3
    expect(await callFigures()).toEqual({ offered: 3, answered: 1, abandoned: 2, answered_in_sl: 1, service_level: 1 / 3, mean_wait: 20, mean_handling: 250 })
  })

  it('Oktell: answer = DateTimeStart + LenQueue, end = answer + LenTime, CallResult 13 not answered', async () => {
    const report = await load('calls', sample('oktell-effort.csv'))
    expect(report).toMatchObject({ status: 'done', adapter: 'oktell', read: 3, inserted: 3 })
    expect((await calls()).map((c) => [c.call_id.slice(-1), c.direction, c.answered, c.wait, c.talk])).toEqual([
      ['1', 'in', true, 25, 240],
      ['2', 'in', false, null, 0],
      ['3', 'out', true, 0, 180],
    ])
    const second = await t.database.db.selectFrom('call').select(['started_at', 'ended_at']).where('call_id', 'like', '%2').executeTakeFirstOrThrow()
    expect(second.ended_at.getTime() - second.started_at.getTime()).toBe(60_000)
    // 2 incoming: 1 answered after 25 s in the queue (over 20 s), 1 lost after 60 s; SL 0 / 2
    expect(await callFigures()).toEqual({ offered: 2, answered: 1, abandoned: 1, answered_in_sl: 0, service_level: 0, mean_wait: 25, mean_handling: 240 })
  })
})

describe('office queues', () => {
  it('Qmatic: branch_key is the office, end = call + transaction_time, no call = no-show', async () => {
    const report = await load('visits', sample('qmatic-visits.csv'))
    expect(report).toMatchObject({ status: 'done', adapter: 'qmatic', read: 3, inserted: 3 })
    expect(await visits()).toEqual([
      { ticket_id: '900001', office_code: 'ЦОП-01', service_kind: 'other', agent: '17', wait: 240, service: 300 },
      { ticket_id: '900002', office_code: 'ЦОП-01', service_kind: 'other', agent: '18', wait: 630, service: 90 },
      { ticket_id: '900003', office_code: 'ЦОП-01', service_kind: 'other', agent: null, wait: null, service: null },
    ])
    // waits 240 s and 630 s, services 300 s and 90 s; one no-show
    expect(await visitFigures()).toEqual({ total: 3, served: 2, no_shows: 1, mean_wait: 435, mean_service: 195 })
  })

  it('QSystem: the built-in mapping asks for the office code; a saved copy with it and the services loads', async () => {
    const refused = await load('visits', sample('qsystem-clients.csv'))
    expect(refused).toMatchObject({ status: 'rejected', adapter: 'qsystem', stored: 0 })
    expect(refused.message).toMatch(/не задаёт обязательные столбцы: office_code \(код_офиса\).*Сохраните своё сопоставление/)

    const builtin = ADAPTERS.find((a) => a.name === 'qsystem')!.mapping!
    const mine: ColumnMapping = {
      ...builtin,
      fields: {
        ...builtin.fields,
        office_code: { constant: 'ЦОП-01' },
        service_kind: { column: 'service', values: { Консультация: 'consultation', касса: 'cashier' }, otherwise: 'other' },
      },
    }
    await saveMapping(t.database, world.org.id, { name: 'QSystem ЦОП-01', mapping: mine }, who)
    const report = await load('visits', sample('qsystem-clients.csv'), { mapping: 'qsystem цоп-01' })
    expect(report).toMatchObject({ status: 'done', adapter: null, mapping: 'QSystem ЦОП-01', read: 3, inserted: 3 })
    // waits 8, 2 and 20 minutes: the mean is 10 minutes
    expect((await visits()).map((v) => [v.ticket_id, v.office_code, v.service_kind, v.wait, v.service])).toEqual([
      ['Консультация-1-2025-03-14 09:00:00', 'ЦОП-01', 'consultation', 480, 420],
      ['Касса-2-2025-03-14 09:01:00', 'ЦОП-01', 'cashier', 120, 180],
      ['Консультация-1-2025-03-15 09:00:00', 'ЦОП-01', 'consultation', 1200, 600],
    ])
    // services 7, 3 and 10 minutes: 400 s
    expect(await visitFigures()).toEqual({ total: 3, served: 3, no_shows: 0, mean_wait: 600, mean_service: 400 })
  })
})

describe('column mappings', () => {
  // a CRM's register: its own headers, «Физ. лицо», dates as ДД/ММ/ГГГГ, no form column (a constant)
  const crm = [
    'Номер;Дата регистрации;Тип заявителя;Тема;Канал;Ответ',
    'CRM-1;26/12/2025 10:00:00;Физ. лицо;Качество электроэнергии;Светлая страна;',
    'CRM-2;26/12/2025 11:00:00;Юр. лицо;Техприсоединение;Личный кабинет;09/01/2026 12:00:00',
    'CRM-3;31/02/2025 11:00:00;Физ. лицо;Тема без соответствия;Личный кабинет;',
  ].join('\n')
  const mapping: ColumnMapping = {
    kind: 'appeals',
    headers: ['Номер', 'Дата регистрации', 'Тип заявителя', 'Тема', 'Канал', 'Ответ'],
    fields: {
      reg_number: { column: 'Номер' },
      received_at: { column: 'Дата регистрации', date: 'DD/MM/YYYY HH:mm:ss' },
      form: { constant: 'internet' },
      consumer_type: { column: 'Тип заявителя', values: { 'Физ. лицо': 'individual', 'Юр. лицо': 'legal' } },
      topic: { column: 'Тема', values: { 'Качество электроэнергии': 'transmission', Техприсоединение: 'connection' } },
      channel: { column: 'Канал' },
      answered_at: { column: 'Ответ', date: 'DD/MM/YYYY HH:mm:ss' },
    },
  }

  it('a saved mapping reads the file with the same checks and line numbers; «Светлая страна» takes its 8 working days', async () => {
    await seedRulePresets(t.database.db, world.org.id, 'network')
    await saveMapping(t.database, world.org.id, { name: 'CRM', mapping }, who)
    expect(await findMapping(t.database, world.org.id, 'appeals', ' crm ')).toMatchObject({ name: 'CRM' })
    expect(await findMapping(t.database, world.org.id, 'calls', 'CRM')).toBeUndefined()
    const file = tmpFile('crm.csv', crm)

    const refused = await load('appeals', file, { mapping: 'CRM' })
    expect(refused).toMatchObject({ status: 'rejected', mapping: 'CRM', read: 3, rejected: 3, invalid: 1 })
    expect(refused.rejections).toEqual([
      { line: 4, column: 'received_at', value: '31/02/2025 11:00:00', reason: 'такой даты нет: «31/02/2025 11:00:00» (столбец «Дата регистрации»)' },
      {
        line: 4,
        column: 'topic',
        value: 'Тема без соответствия',
        reason: expect.stringMatching(/^неизвестное значение темы обращения «Тема без соответствия»; допустимо: transmission/),
      },
    ])

    const report = await load('appeals', file, { mapping: 'CRM', skipInvalid: true })
    expect(report).toMatchObject({ status: 'done', read: 3, inserted: 2, rejected: 1 })
    const rows = await t.database.db
      .selectFrom('appeal')
      .leftJoin('deadline_rule', 'deadline_rule.id', 'appeal.deadline_rule_id')
      .select(['reg_number', 'form', 'consumer_type', 'topic', 'received_at', 'answered_at', 'due_at', 'deadline_rule.code as rule'])
      .orderBy('reg_number')
      .execute()
    expect(rows).toEqual([
      // 26.12.2025 (Fri) + 8 working days: 29, 30 December, then 12–16 and 19 January (31.12–11.01 are days off) → 19.01.2026 24:00 Moscow
      {
        reg_number: 'CRM-1',
        form: 'internet',
        consumer_type: 'individual',
        topic: 'transmission',
        received_at: new Date('2025-12-26T07:00:00Z'),
        answered_at: null,
        due_at: new Date('2026-01-19T21:00:00Z'),
        rule: 'network_appeal_svetlaya_strana',
      },
      {
        reg_number: 'CRM-2',
        form: 'internet',
        consumer_type: 'legal',
        topic: 'connection',
        received_at: new Date('2025-12-26T08:00:00Z'),
        answered_at: new Date('2026-01-09T09:00:00Z'),
        due_at: expect.any(Date),
        rule: 'network_appeal_written',
      },
    ])
    const audit = await t.database.db
      .selectFrom('audit_event')
      .select(['action', 'details'])
      .where('action', 'in', ['import', 'mapping.save'])
      .orderBy('id')
      .execute()
    expect(audit.map((a) => a.action)).toEqual(['mapping.save', 'import', 'import'])
    expect(audit[2]!.details).toMatchObject({ mapping: 'CRM', read: 3, stored: 2, rejected: 1 })
  })

  it('a file whose headers fit a saved mapping is offered it when loaded without one; an unknown name lists the saved ones', async () => {
    await saveMapping(t.database, world.org.id, { name: 'CRM', mapping }, who)
    const file = tmpFile('crm.csv', crm)
    const plain = await load('appeals', file)
    expect(plain.status).toBe('rejected')
    expect(plain.message).toMatch(/В файле нет обязательных столбцов.*подходят к сохранённому сопоставлению «CRM»: выберите его/)
    expect((await load('appeals', file, { mapping: 'ЦРМ' })).message).toBe(
      'Сопоставление «ЦРМ» для вида «журнал обращений» (appeals) не найдено. Сохранённые: «CRM».',
    )
  })

  it('a mapping that reads a column the file lacks refuses the file before any row', async () => {
    await saveMapping(t.database, world.org.id, { name: 'CRM', mapping }, who)
    const report = await load('appeals', tmpFile('crm.csv', crm.replace('Канал', 'Источник')), { mapping: 'CRM' })
    expect(report).toMatchObject({ status: 'rejected', read: 0 })
    expect(report.message).toBe('В файле нет столбцов, которые читает сопоставление «CRM»: «Канал».')
  })
})

describe('the templates of the format guide', () => {
  it('each kind’s CSV template imports as it is: one row stored', async () => {
    const { templateCsv } = await import('./format-guide.ts')
    // issue 16: a branch the organisation lacks is refused; the templates name «Городские ЭС»
    await t.database.db.insertInto('branch').values({ org_id: world.org.id, name: 'Городские ЭС' }).execute()
    for (const kind of ['offices', 'appeals', 'calls', 'visits'] as const) {
      const report = await load(kind, tmpFile(`${kind}.csv`, templateCsv(kind)))
      expect(report).toMatchObject({ status: 'done', read: 1, inserted: 1, rejected: 0, unknownColumns: [] })
    }
  })
})
