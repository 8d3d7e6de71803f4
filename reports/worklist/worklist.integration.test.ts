import ExcelJS from 'exceljs'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { tmpFile } from '#test/setup/files.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { listBranches } from '#app/models/user.server.ts'
import { prepareSupplierStandard, writeSupplierStandard } from '#reports/supplier-standard/report.server.ts'
import { yearPeriod } from '#reports/metrics/period.ts'
import { workListFile } from './file.server.ts'
import { buildWorkList } from './worklist.server.ts'

const t = useTestDatabase()
let world: TestWorld
const at = (text: string) => new Date(`${text}+03:00`)

/**
 * As of Tuesday 01.04.2025 10:00, 3 working days (last due day Thursday 03.04 → due 04.04 00:00):
 *   W1 received 01.03 → due 31.03 24:00, no answer: overdue by 1 day (Городские ЭС)
 *   W2 received 03.03 → due 02.04 24:00: 2 working days left (01.04 and 02.04) (Северные ЭС)
 *   W3 received 10.03 → due 09.04 24:00: beyond the horizon
 *   W4 received 01.03, answered: not on the list
 * Calls: a lost call on 31.03 from 8 (912) 000-00-09, nobody reached; a rejected import of calls.
 */
const APPEALS = [
  'reg_number;received_at;form;topic;branch;answered_at;applicant_name',
  'W1;01.03.2025 09:00;почта;прочее;Городские ЭС;;Иванов Иван Иванович',
  'W2;03.03.2025 09:00;почта;прочее;Северные ЭС;;Петров Пётр Петрович',
  'W3;10.03.2025 09:00;почта;прочее;Городские ЭС;;',
  'W4;01.03.2025 09:00;почта;прочее;Городские ЭС;02.03.2025 10:00;',
].join('\n')

async function readBook(stream: NodeJS.ReadableStream) {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array))
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer)
  return book
}

beforeAll(async () => {
  world = await resetWorld(t.database)
  await runFileImport(world.target, {
    kind: 'appeals',
    path: tmpFile('a.csv', APPEALS),
    fileName: 'a.csv',
    skipInvalid: false,
    source: 'cli',
    createBranches: true,
  })
  await runFileImport(world.target, {
    kind: 'calls',
    path: tmpFile('c.csv', 'call_id;direction;started_at;answered_at;ended_at;caller_phone\nQ1;in;31.03.2025 15:00:00;;31.03.2025 15:02:00;8 (912) 000-00-09'),
    fileName: 'c.csv',
    skipInvalid: false,
    source: 'cli',
  })
  const bad = await runFileImport(world.target, {
    kind: 'calls',
    path: tmpFile('bad.csv', 'call_id;direction;started_at;ended_at\nX;sideways;31.03.2025 15:00:00;31.03.2025 15:01:00'),
    fileName: 'bad.csv',
    skipInvalid: false,
    source: 'cli',
  })
  expect(bad.status).toBe('rejected')
  // the imports happened «now»; the list is read as of 01.04.2025: move them to 31.03.2025
  await t.database.db
    .updateTable('import_batch')
    .set({ started_at: at('2025-03-31T16:00:00') })
    .where('org_id', '=', world.org.id)
    .execute()
})

describe('the work list', () => {
  it('lists overdue and due appeals with days, lost calls not reached and failed imports', async () => {
    const list = await buildWorkList(t.database.db, {
      scope: { orgId: world.org.id, branches: 'all' },
      asOf: at('2025-04-01T10:00:00'),
      dueDays: 3,
      personalData: true,
    })
    expect(list.appeals.map((a) => [a.regNumber, a.overdueDays, a.workingDaysLeft, a.branch, a.applicant])).toEqual([
      ['W1', 1, null, 'Городские ЭС', 'Иванов Иван Иванович'],
      ['W2', null, 2, 'Северные ЭС', 'Петров Пётр Петрович'],
    ])
    expect(list.lostCalls.map((c) => [c.callId, c.phone, c.late])).toEqual([['Q1', '+7 912 000-00-09', true]])
    expect(list.imports.map((i) => [i.fileName, i.status])).toEqual([['bad.csv', 'rejected']])
  })

  it('a branch officer sees his branch only, without personal data; the file holds the same rows', async () => {
    const city = (await listBranches(t.database.db, world.org.id)).find((b) => b.name === 'Городские ЭС')!
    const list = await buildWorkList(t.database.db, {
      scope: { orgId: world.org.id, branches: [city.id] },
      asOf: at('2025-04-01T10:00:00'),
      dueDays: 3,
      personalData: false,
    })
    expect(list.appeals.map((a) => [a.regNumber, a.applicant])).toEqual([['W1', 'И••••••••ич']])
    expect(list.lostCalls).toEqual([]) // the call has no branch: organisation-wide users only
    const book = await readBook(workListFile('xlsx', list, [['Отчёт', 'Список дел']], 'Тест'))
    expect(book.worksheets.map((s) => s.name)).toEqual(['Обращения', 'Потерянные звонки', 'Загрузки', 'Определения', 'О файле'])
    const appeals = book.getWorksheet('Обращения')!
    expect(appeals.rowCount).toBe(2)
    expect(appeals.getRow(2).getCell(1).value).toBe('W1')
    expect(appeals.getRow(2).getCell(4).value).toBe(1)
    expect(appeals.getRow(2).getCell(10).value).toBe('И••••••••ич')
    expect(book.getWorksheet('Загрузки')!.getRow(2).getCell(3).value).toBe('bad.csv')
    expect(book.getWorksheet('Обращения')!.pageSetup.orientation).toBe('landscape')
  })

  it('the supplier report carries the lost-call figures on the page and in its file', async () => {
    const report = await prepareSupplierStandard(
      t.database.db,
      { orgId: world.org.id, branches: 'all' },
      { id: world.org.id, name: 'Тест', zone: 'Europe/Moscow' },
      yearPeriod(2025, 'Europe/Moscow'),
      at('2025-04-01T10:00:00'),
    )
    expect(report.lostCalls.figures).toMatchObject({ 'lost.calls': 1, 'lost.not_reached': 1, 'lost.in_time_share': 0 })
    const book = await readBook(writeSupplierStandard('xlsx', report, [['Отчёт', 'тест']]))
    const sheet = book.getWorksheet('Перезвоны')!
    expect(sheet.getRow(2).getCell(1).value).toBe('Потерянные звонки')
    expect(sheet.getRow(2).getCell(2).value).toBe(1)
    expect(sheet.getRow(5).getCell(2).value).toBe(1) // «Не связались»
  })
})
