import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import { SAMPLES, sample, tmpFile, zipFile } from '#test/setup/files.ts'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { type FileImportRequest, type ImportReport, runFileImport } from './pipeline.server.ts'

const t = useTestDatabase()
let world: TestWorld

beforeEach(async () => {
  world = await resetWorld(t.database)
})

async function load(kind: FileImportRequest['kind'], path: string, options: Partial<FileImportRequest> = {}): Promise<ImportReport> {
  const report = await runFileImport(world.target, { kind, path, fileName: path.split('/').pop()!, skipInvalid: false, source: 'cli', ...options })
  // the balance every import must keep
  expect(report.read).toBe(report.stored + report.rejected)
  return report
}

const count = async (table: 'appeal' | 'call' | 'visit' | 'office') =>
  Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(t.database.db)).rows[0]!.n)

describe('imports of the four kinds', () => {
  it('loads offices, appeals, calls and visits; branches come from the row or from the office', async () => {
    expect(await load('offices', sample('offices.csv'), { createBranches: true })).toMatchObject({
      status: 'done',
      read: 2,
      inserted: 2,
      delimiter: ';',
      encoding: 'utf-8',
    })
    expect(await load('appeals', sample('appeals.csv'))).toMatchObject({ status: 'done', read: 3, inserted: 3, delimiter: ',' })
    expect(await load('calls', sample('calls.csv'))).toMatchObject({ status: 'done', read: 4, inserted: 4 })
    expect(await load('visits', sample('visits.csv'))).toMatchObject({ status: 'done', read: 4, inserted: 4 })

    const appeals = await t.database.db
      .selectFrom('appeal')
      .leftJoin('branch', 'branch.id', 'appeal.branch_id')
      .select([
        'reg_number',
        'form',
        'topic',
        'complaint_topic',
        'consumer_type',
        'received_at',
        'answered_at',
        'closure',
        'complaint_settled',
        'measures_done',
        'branch.name as branch',
      ])
      .orderBy('reg_number')
      .execute()
    expect(appeals).toEqual([
      expect.objectContaining({
        reg_number: 'О-2025-0001',
        form: 'in_person',
        topic: 'connection',
        branch: 'Городские ЭС',
        received_at: new Date('2025-03-14T06:05:00Z'),
        answered_at: new Date('2025-03-20T07:00:00Z'),
        closure: 'answered',
      }),
      expect.objectContaining({
        reg_number: 'О-2025-0002',
        form: 'internet',
        topic: 'transmission',
        complaint_topic: 'power_quality',
        consumer_type: 'legal',
        branch: 'Северные ЭС',
        answered_at: null,
      }),
      expect.objectContaining({
        reg_number: 'О-2025-0003',
        form: 'post',
        topic: 'metering',
        branch: 'Северные ЭС',
        received_at: new Date('2025-03-14T21:00:00Z'),
        complaint_settled: true,
        measures_done: 'Заменён прибор учёта;\nпроведена проверка',
      }),
    ])
    const visits = await t.database.db
      .selectFrom('visit')
      .leftJoin('branch', 'branch.id', 'visit.branch_id')
      .select(['ticket_id', 'service_kind', 'called_at', 'branch.name as branch'])
      .orderBy('ticket_id')
      .execute()
    expect(visits.map((v) => [v.ticket_id, v.service_kind, v.branch, v.called_at === null])).toEqual([
      ['ПОП-02-20250314-001', 'metering', 'Северные ЭС', false],
      ['ЦОП-01-20250314-001', 'consultation', 'Городские ЭС', false],
      ['ЦОП-01-20250314-002', 'cashier', 'Городские ЭС', false],
      ['ЦОП-01-20250314-003', 'contract', 'Городские ЭС', true],
    ])
    const night = await t.database.db.selectFrom('call').selectAll().where('call_id', '=', '1741932003.12').executeTakeFirstOrThrow()
    expect(night).toMatchObject({ direction: 'in', category: '4.2', callback_required: true, callback_at: new Date('2025-03-15T07:00:00Z') })
  })

  it('reads Windows-1251 with «;» and Russian headers without mojibake', async () => {
    const report = await load('appeals', sample('appeals-cp1251.csv'), { createBranches: true })
    expect(report).toMatchObject({ status: 'done', encoding: 'windows-1251', delimiter: ';', inserted: 2 })
    const row = await t.database.db.selectFrom('appeal').selectAll().where('reg_number', '=', 'О-2025-0101').executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      applicant_name: 'Сидоров Пётр Ильич',
      form: 'in_person',
      topic: 'service',
      complaint_topic: 'service',
      account_number: '1234567890',
    })
  })

  it('visits loaded before their offices take the office branch once the offices arrive', async () => {
    const visits = await load('visits', sample('visits.csv'))
    expect(visits.warnings[0]).toMatch(/Коды офисов, которых нет в справочнике офисов: ПОП-02, ЦОП-01/)
    await load('offices', sample('offices.csv'), { createBranches: true })
    const branches = await sql<{ name: string | null }>`select b.name from visit v left join branch b on b.id = v.branch_id order by v.ticket_id`.execute(
      t.database.db,
    )
    expect(branches.rows.map((r) => r.name)).toEqual(['Северные ЭС', 'Городские ЭС', 'Городские ЭС', 'Городские ЭС'])
  })

  it('reads local times in the organisation zone (Yekaterinburg)', async () => {
    world = await resetWorld(t.database, 'Asia/Yekaterinburg')
    await load('calls', sample('calls.csv'))
    const call = await t.database.db.selectFrom('call').select('started_at').where('call_id', '=', '1741932001.10').executeTakeFirstOrThrow()
    expect(call.started_at).toEqual(new Date('2025-03-14T04:00:00Z'))
  })
})

describe('re-import by natural key', () => {
  it('the same file twice changes nothing; a changed row is updated', async () => {
    await load('calls', sample('calls.csv'))
    const before = await t.database.db.selectFrom('call').select(['call_id', 'updated_at']).orderBy('call_id').execute()
    expect(await load('calls', sample('calls.csv'))).toMatchObject({ status: 'done', read: 4, inserted: 0, updated: 0, unchanged: 4 })
    expect(await t.database.db.selectFrom('call').select(['call_id', 'updated_at']).orderBy('call_id').execute()).toEqual(before)

    const changed = tmpFile(
      'calls.csv',
      'call_id;direction;started_at;ended_at;agent\n1741932002.11;in;14.03.2025 09:01:00;14.03.2025 09:02:10;оператор 9\n1741932099.99;out;16.03.2025 09:00;16.03.2025 09:01\n',
    )
    expect(await load('calls', changed)).toMatchObject({ status: 'done', read: 2, inserted: 1, updated: 1, unchanged: 0 })
    expect(await count('call')).toBe(5)
  })
})

describe('bad rows', () => {
  const badAppeals = [
    'рег_номер;дата_поступления;форма;тема;дата_ответа',
    'О-1;14.03.2025 09:00;почта;прочее;',
    'О-2;31.02.2025 09:00;почта;прочее;',
    'О-3;14.03.2025 09:00;голубиная;прочее;13.03.2025',
    'О-1;15.03.2025 09:00;почта;прочее;',
    'О-4;16.03.2025 09:00;телефон;передача;',
  ].join('\r\n')

  it('by default refuse the whole file, store nothing, and list every bad line with column, value and reason', async () => {
    const report = await load('appeals', tmpFile('bad.csv', badAppeals))
    expect(report).toMatchObject({ status: 'rejected', read: 5, stored: 0, rejected: 5, invalid: 3 })
    expect(report.rejections).toEqual([
      { line: 3, column: 'received_at', value: '31.02.2025 09:00', reason: 'такой даты нет: «31.02.2025 09:00»' },
      { line: 4, column: 'form', value: 'голубиная', reason: expect.stringMatching(/^неизвестное значение формы обслуживания «голубиная»/) },
      { line: 4, column: 'answered_at', value: '13.03.2025', reason: 'дата ответа раньше даты поступления' },
      { line: 5, column: 'reg_number', value: 'О-1', reason: 'регистрационный номер «О-1» уже встречается в строке 2' },
    ])
    expect(report.message).toMatch(/Файл отклонён: ошибок в строках — 3\. Ничего не сохранено/)
    expect(await count('appeal')).toBe(0)
    const batch = await t.database.db.selectFrom('import_batch').selectAll().where('id', '=', report.batchId).executeTakeFirstOrThrow()
    expect(batch).toMatchObject({ status: 'rejected', rows_read: 5, rows_rejected: 5, rows_invalid: 3 })
    expect(await t.database.db.selectFrom('import_rejection').select('line').where('batch_id', '=', report.batchId).execute()).toHaveLength(4)
  })

  it('with «skip invalid rows» store the valid rows and report the rest', async () => {
    const report = await load('appeals', tmpFile('bad.csv', badAppeals), { skipInvalid: true })
    expect(report).toMatchObject({ status: 'done', read: 5, inserted: 2, stored: 2, rejected: 3, invalid: 3 })
    expect((await t.database.db.selectFrom('appeal').select('reg_number').orderBy('reg_number').execute()).map((r) => r.reg_number)).toEqual(['О-1', 'О-4'])
  })

  it('counts lines as the file has them, also after a quoted line break with CRLF', async () => {
    const file = tmpFile(
      'crlf.csv',
      'reg_number;received_at;form;topic;measures_done\r\nО-1;14.03.2025;почта;прочее;"строка 1\r\nстрока 2"\r\n\r\nО-2;99.03.2025;почта;прочее;\r\n',
    )
    const report = await load('appeals', file)
    expect(report.rejections.map((r) => r.line)).toEqual([5])
  })

  it('lists unknown columns and ignores them', async () => {
    const report = await load(
      'calls',
      tmpFile('extra.csv', 'call_id,direction,started_at,ended_at,Комментарий,цвет\n1,in,2025-03-14 10:00,2025-03-14 10:01,привет,синий\n'),
    )
    expect(report).toMatchObject({ status: 'done', inserted: 1, unknownColumns: ['Комментарий', 'цвет'] })
  })
})

describe('merging batch by batch', () => {
  const rows = [
    'call_id;direction;started_at;ended_at;agent',
    'A;in;14.03.2025 10:00;14.03.2025 10:01;первый',
    'B;in;14.03.2025 10:00;14.03.2025 10:01;',
    'C;in;14.03.2025 10:00;14.03.2025 10:01;',
    'D;in;14.03.2025 10:00;14.03.2025 10:01;',
    'A;in;14.03.2025 11:00;14.03.2025 11:01;повтор',
    'E;in;14.03.2025 10:00;14.03.2025 10:01;',
  ]

  it('keeps the first line of a key that repeats in a later batch, and counts exactly', async () => {
    const report = await load('calls', tmpFile('dup.csv', rows.join('\n')), { skipInvalid: true, batchRows: 2 })
    expect(report).toMatchObject({ status: 'done', read: 6, inserted: 5, updated: 0, unchanged: 0, rejected: 1 })
    expect(report.rejections).toEqual([{ line: 6, column: 'call_id', value: 'A', reason: 'идентификатор звонка «A» уже встречается в строке 2' }])
    expect((await t.database.db.selectFrom('call').select('agent').where('call_id', '=', 'A').executeTakeFirstOrThrow()).agent).toBe('первый')
  })

  it('rolls back batches already merged when a later batch holds a bad row', async () => {
    const bad = [...rows.slice(0, 5), 'F;in;14.03.2025 10:00;14.03.2025 09:00;'].join('\n')
    expect(await load('calls', tmpFile('late-bad.csv', bad), { batchRows: 2 })).toMatchObject({ status: 'rejected', stored: 0, rejected: 5 })
    expect(await count('call')).toBe(0)
  })

  it('re-imports across batches: unchanged and updated rows are told apart', async () => {
    await load('calls', tmpFile('a.csv', rows.slice(0, 5).join('\n')), { batchRows: 2 })
    const changed = [rows[0], rows[1], rows[2]!.replace(';\n', ';x'), rows[3], rows[4]!.replace(/;$/, ';новый')].join('\n')
    expect(await load('calls', tmpFile('b.csv', changed), { batchRows: 2 })).toMatchObject({ status: 'done', read: 4, inserted: 0, updated: 1, unchanged: 3 })
  })
})

describe('new calls copied straight into the table, known ones merged', () => {
  const header = 'call_id;direction;started_at;ended_at;agent'
  const call = (id: string, agent = '') => `${id};in;14.03.2025 10:00;14.03.2025 10:01;${agent}`

  it('one batch holding new, known, changed and repeated keys counts each exactly and keeps the first line', async () => {
    await load('calls', tmpFile('known.csv', [header, call('K1'), call('K2'), call('K3')].join('\n')))
    const mixed = [header, call('N1', 'новый'), call('K1'), call('K2', 'изменён'), call('N1', 'повтор'), call('N2'), call('K2', 'повтор')]
    const report = await load('calls', tmpFile('mixed.csv', mixed.join('\n')), { skipInvalid: true })
    expect(report).toMatchObject({ status: 'done', read: 6, inserted: 2, updated: 1, unchanged: 1, rejected: 2 })
    expect(report.rejections.map((r) => [r.line, r.value])).toEqual([
      [5, 'N1'],
      [7, 'K2'],
    ])
    const agents = await t.database.db.selectFrom('call').select(['call_id', 'agent']).orderBy('call_id').execute()
    expect(agents.map((r) => [r.call_id, r.agent])).toEqual([
      ['K1', null],
      ['K2', 'изменён'],
      ['K3', null],
      ['N1', 'новый'],
      ['N2', null],
    ])
    // the instants of a copied row and of a merged one are the file's, in the organisation's zone (Moscow)
    const instants = await t.database.db.selectFrom('call').select(['call_id', 'started_at', 'ended_at']).where('call_id', 'in', ['N1', 'K2']).execute()
    for (const r of instants)
      expect([r.call_id, r.started_at.toISOString(), r.ended_at.toISOString()]).toEqual([r.call_id, '2025-03-14T07:00:00.000Z', '2025-03-14T07:01:00.000Z'])
  })

  it('batches of new keys go in whole; the first batch with a known key is undone and checked, and so is every later one', async () => {
    await load('calls', tmpFile('known.csv', [header, call('K1'), call('K2')].join('\n')))
    // batches of two: [N1 N2] new, [N3 K1*] holds a changed known key, [N4 N5] new again, [K2 N6] an unchanged known key
    const file = [header, call('N1'), call('N2'), call('N3'), call('K1', 'изменён'), call('N4'), call('N5'), call('K2'), call('N6')]
    const report = await load('calls', tmpFile('later-known.csv', file.join('\n')), { batchRows: 2 })
    expect(report).toMatchObject({ status: 'done', read: 8, inserted: 6, updated: 1, unchanged: 1, rejected: 0 })
    const rows = await t.database.db.selectFrom('call').select(['call_id', 'agent', 'import_batch_id']).orderBy('call_id').execute()
    expect(rows.map((r) => [r.call_id, r.agent])).toEqual([
      ['K1', 'изменён'],
      ['K2', null],
      ['N1', null],
      ['N2', null],
      ['N3', null],
      ['N4', null],
      ['N5', null],
      ['N6', null],
    ])
    // the undone copy of [N3 K1] left nothing behind: N3 is there once, written by this import
    expect(rows.filter((r) => r.call_id.startsWith('N')).every((r) => r.import_batch_id === report.batchId)).toBe(true)
  })
})

describe('bad files end in a clear Russian message and store nothing', () => {
  const refused = async (kind: FileImportRequest['kind'], file: string, message: RegExp) => {
    const report = await load(kind, file)
    expect(report.status).toBe('rejected')
    expect(report.stored).toBe(0)
    expect(report.message).toMatch(message)
    for (const table of ['appeal', 'call', 'visit', 'office'] as const) expect(await count(table)).toBe(0)
  }

  it('an empty file and a file with a header only', async () => {
    await refused('appeals', tmpFile('empty.csv', ''), /^Файл пуст/)
    await refused('appeals', tmpFile('header.csv', 'reg_number;received_at;form;topic\n'), /нет ни одной строки данных/)
  })

  it('the wrong kind of file names the missing columns and the kind it looks like', async () => {
    await refused(
      'appeals',
      sample('calls.csv'),
      /нет обязательных столбцов для вида «журнал обращений»: reg_number \(рег_номер\), received_at \(дата_поступления\), form \(форма\), topic \(тема\)\. Похоже, это файл вида «журнал звонков» \(calls\)/,
    )
    await refused('visits', sample('queue_log.1'), /Это журнал Asterisk queue_log: он загружается как «журнал звонков»/)
  })

  it('a binary file named .csv, an XLS file and a UTF-16 file', async () => {
    await refused('calls', tmpFile('photo.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d])), /двоичные данные/)
    await refused('calls', tmpFile('old.xlsx', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0])), /Excel 97–2003 \(XLS\)/)
    await refused('calls', tmpFile('u16.csv', Buffer.from('\uFEFFcall_id', 'utf16le')), /UTF-16/)
  })

  it('a 100 MB cell is refused at the first megabyte, without reading it into memory', async () => {
    const big = `reg_number;received_at;form;topic;measures_done\nО-1;14.03.2025;почта;прочее;"${'я'.repeat((100 * 1024 * 1024) / 2)}"\n`
    await refused('appeals', tmpFile('big.csv', big), /^Строка 2: запись длиннее 1 МБ/)
  })

  it('an unclosed quote', async () => {
    await refused('appeals', tmpFile('quote.csv', 'reg_number;received_at;form;topic\nО-1;14.03.2025;"почта;прочее\n'), /кавычка открыта и не закрыта/)
  })

  it('a zip bomb named .xlsx, a broken archive and a zip that is no workbook', async () => {
    const bomb = zipFile('bomb.xlsx', { 'xl/workbook.xml': Buffer.from('<workbook/>'), 'xl/worksheets/sheet1.xml': Buffer.alloc(300 * 1024 * 1024) })
    await refused('appeals', bomb, /Архив XLSX подозрителен/)
    await refused('appeals', tmpFile('broken.xlsx', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 7)])), /не является книгой Excel/)
    await refused('appeals', zipFile('docs.xlsx', { 'word/document.xml': Buffer.from('<doc/>') }), /не является книгой Excel/)
  })
})

describe('XLSX', () => {
  it('reads the first worksheet: header aliases, strings, numbers and date cells in the organisation zone', async () => {
    const book = new ExcelJS.Workbook()
    const sheet = book.addWorksheet('Талоны')
    sheet.addRow(['Номер талона', 'код_офиса', 'вид_услуги', 'выдан', 'вызван', 'окончание_обслуживания', 'окно'])
    // exceljs stores a Date as the wall clock in its UTC fields; Excel shows 14.03.2025 09:00
    sheet.addRow(['Т-1', 'ЦОП-01', 'касса', new Date(Date.UTC(2025, 2, 14, 9, 0)), new Date(Date.UTC(2025, 2, 14, 9, 4)), '14.03.2025 09:09', 3])
    sheet.addRow([1001, 'ЦОП-01', 'consultation', '2025-03-14 10:00', null, null, null])
    book.addWorksheet('Другой лист').addRow(['не читается'])
    const file = tmpFile('visits.xlsx', Buffer.from(await book.xlsx.writeBuffer()))
    const report = await load('visits', file)
    expect(report).toMatchObject({ status: 'done', format: 'xlsx', read: 2, inserted: 2 })
    const rows = await t.database.db
      .selectFrom('visit')
      .select(['ticket_id', 'service_kind', 'issued_at', 'called_at', 'service_ended_at', 'window'])
      .orderBy('ticket_id')
      .execute()
    expect(rows).toEqual([
      { ticket_id: '1001', service_kind: 'consultation', issued_at: new Date('2025-03-14T07:00:00Z'), called_at: null, service_ended_at: null, window: null },
      {
        ticket_id: 'Т-1',
        service_kind: 'cashier',
        issued_at: new Date('2025-03-14T06:00:00Z'),
        called_at: new Date('2025-03-14T06:04:00Z'),
        service_ended_at: new Date('2025-03-14T06:09:00Z'),
        window: '3',
      },
    ])
  })

  it('reports bad rows of a workbook with their row numbers', async () => {
    const book = new ExcelJS.Workbook()
    const sheet = book.addWorksheet('Обращения')
    sheet.addRow(['reg_number', 'received_at', 'form', 'topic'])
    sheet.addRow(['О-1', '14.03.2025', 'почта', 'прочее'])
    sheet.addRow(['О-2', '14.03.2025', 'почта', 'неведомая'])
    const report = await load('appeals', tmpFile('appeals.xlsx', Buffer.from(await book.xlsx.writeBuffer())))
    expect(report.status).toBe('rejected')
    expect(report.rejections.map((r) => [r.line, r.column])).toEqual([[3, 'topic']])
  })
})

describe('Asterisk queue_log', () => {
  it('assembles calls and completes a call across files', async () => {
    const first = await load('calls', sample('queue_log.1'))
    expect(first).toMatchObject({ status: 'done', format: 'queue_log', read: 3, inserted: 2, pending: 1, stored: 3 })
    expect(await count('call')).toBe(2)
    const second = await load('calls', sample('queue_log.2'))
    expect(second).toMatchObject({ status: 'done', read: 2, inserted: 2, pending: 0 })
    const calls = await t.database.db
      .selectFrom('call')
      .select(['call_id', 'line', 'agent', 'answered_at', 'started_at', 'ended_at'])
      .orderBy('call_id')
      .execute()
    expect(calls).toEqual([
      {
        call_id: '1741932001.10',
        line: 'hotline',
        agent: 'SIP/101',
        answered_at: new Date(1741932016_000),
        started_at: new Date(1741932001_000),
        ended_at: new Date(1741932200_000),
      },
      { call_id: '1741932002.11', line: 'hotline', agent: null, answered_at: null, started_at: new Date(1741932002_000), ended_at: new Date(1741932040_000) },
      {
        call_id: '1741932300.20',
        line: 'hotline',
        agent: 'SIP/102',
        answered_at: new Date(1741932310_000),
        started_at: new Date(1741932300_000),
        ended_at: new Date(1741932500_000),
      },
      { call_id: '1741932600.30', line: 'hotline', agent: null, answered_at: null, started_at: new Date(1741932600_000), ended_at: new Date(1741932660_000) },
    ])
    expect(await t.database.db.selectFrom('queue_log_pending').selectAll().execute()).toEqual([])
    // the same files again change nothing: the first file's calls are all complete now (events of both files)
    expect(await load('calls', sample('queue_log.1'))).toMatchObject({ inserted: 0, updated: 0, unchanged: 3, pending: 0 })
  })

  it('a refused queue_log leaves the pending calls as they were', async () => {
    await load('calls', sample('queue_log.1'))
    const broken = tmpFile('queue_log.bad', `1741932500|1741932300.20|hotline|SIP/102|COMPLETEAGENT|10|190|1\n17419327OO|ZZZ|hotline|SIP/1|CONNECT|1|x|1\n`)
    const report = await load('calls', broken)
    expect(report).toMatchObject({ status: 'rejected', stored: 0 })
    expect(report.rejections.map((r) => r.line)).toEqual([2])
    expect(
      await t.database.db
        .selectFrom('queue_log_event')
        .select('uniqueid')
        .where('uniqueid', '=', '1741932300.20')
        .where('event', '=', 'COMPLETEAGENT')
        .execute(),
    ).toEqual([])
    expect((await t.database.db.selectFrom('queue_log_pending').select('call_id').execute()).map((r) => r.call_id)).toEqual(['1741932300.20'])
  })
})

it('sample files stay where the README says', () => {
  expect(SAMPLES).toMatch(/test\/files$/)
})
