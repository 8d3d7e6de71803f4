/**
 * Frozen reports keep their scope (issue 14, finding 1), freezing is idempotent per click, filing happens
 * once and only for the organisation, a corrected report replaces a filed one and says what changed, the
 * publication holds no table 4.9 and no personal field of any appeal; a year without records is «нет
 * данных», not 0; «Сформирован» is on the organisation's clock whatever the server's zone (issue 15).
 */
import { buffer } from 'node:stream/consumers'
import ExcelJS from 'exceljs'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { updateOrganisation } from '#app/models/organisation.server.ts'
import type { Scope } from '#db/scope.server.ts'
import { reportContext, runReport } from '#reports/registry.server.ts'
import { aboutAppendix7, prepareAppendix7, writeAppendix7 } from './build.server.ts'
import { appendix7Context } from './context.server.ts'
import { publicPage, publishSnapshot, setPublicAddress } from './publication.server.ts'
import { fileSnapshot, freezeSnapshot, getSnapshot, latestOfScope, listPublications, listSnapshots } from './snapshots.server.ts'

const t = useTestDatabase()
let world: TestWorld
let userId: string
let north: string
let south: string
const at = (text: string) => new Date(text)
const AS_OF = at('2026-01-15T12:00:00+03:00')
const PERSONAL = {
  applicant_name: 'Иванова Мария Петровна',
  phone: '+79161234567',
  email: 'maria.ivanova@example.ru',
  address: 'г. Тверь, ул. Садовая, д. 17, кв. 4',
  account_number: 'ЛС-00987654',
}

beforeEach(async () => {
  world = await resetWorld(t.database)
  const db = t.database.db
  const org = world.org.id
  await updateOrganisation(db, org, { regime: 'network', timeZone: 'Europe/Moscow' })
  userId = (await db.insertInto('app_user').values({ org_id: org, login: 'rep', full_name: 'Отчётность' }).returning('id').executeTakeFirstOrThrow()).id
  ;[north, south] = (
    await db
      .insertInto('branch')
      .values([
        { org_id: org, name: 'Северные ЭС' },
        { org_id: org, name: 'Южные ЭС' },
      ])
      .returning('id')
      .execute()
  ).map((b) => b.id) as [string, string]
  const appeal = (reg: string, received: string, branch: string, extra: Record<string, unknown> = {}) => ({
    org_id: org,
    reg_number: reg,
    received_at: at(received),
    form: 'post',
    topic: 'transmission',
    branch_id: branch,
    ...PERSONAL,
    ...extra,
  })
  await db
    .insertInto('appeal')
    .values([
      appeal('n1', '2025-02-01T10:00:00+03:00', north, { measures_done: 'Ответ направлен по адресу г. Тверь, ул. Садовая, д. 17' }),
      appeal('n2', '2025-03-01T10:00:00+03:00', north),
      appeal('s1', '2025-04-01T10:00:00+03:00', south),
      appeal('p1', '2024-04-01T10:00:00+03:00', south),
    ])
    .execute()
})

const ALL = (): Scope => ({ orgId: world.org.id, branches: 'all' })
const NORTH = (): Scope => ({ orgId: world.org.id, branches: [north] })

async function freeze(scope: Scope, key?: string) {
  const report = await prepareAppendix7(await appendix7Context(t.database, scope, 2025, AS_OF))
  const file = await buffer(writeAppendix7('xlsx', report, aboutAppendix7(report, [])))
  return freezeSnapshot(t.database.db, report, file, 'prilozhenie-7-2025.xlsx', { id: userId, name: 'Отчётность (rep)' }, { key })
}

describe('the scope of a frozen report', () => {
  it('a branch user neither sees nor opens a snapshot frozen organisation-wide; the list says the scope of each', async () => {
    const org = await freeze(ALL())
    const branch = await freeze(NORTH())
    expect(await getSnapshot(t.database.db, NORTH(), org.id)).toBeUndefined()
    expect((await getSnapshot(t.database.db, NORTH(), branch.id))?.id).toBe(branch.id)
    expect(await getSnapshot(t.database.db, { orgId: world.org.id, branches: [south] }, branch.id)).toBeUndefined()
    expect((await listSnapshots(t.database.db, NORTH(), 2025)).map((s) => [s.id, s.scopeLabel])).toEqual([[branch.id, 'филиал «Северные ЭС»']])
    const all = await listSnapshots(t.database.db, ALL(), 2025)
    expect(all.map((s) => [s.id, s.scopeLabel, s.orgWide])).toEqual([
      [branch.id, 'филиал «Северные ЭС»', false],
      [org.id, 'вся организация', true],
    ])
    // the organisation's page compares with the organisation's snapshot, not the newer one-branch one
    expect((await latestOfScope(t.database.db, ALL(), 2025))?.id).toBe(org.id)
    // the one-branch snapshot holds the branch's figures only
    const rows = (await getSnapshot(t.database.db, ALL(), branch.id))!.figures as { key: string; value: unknown }[]
    expect(rows.find((f) => f.key === '4.9|rows')?.value).toBe(2)
  })

  it("filing the organisation's report needs the organisation-wide scope", async () => {
    const branch = await freeze(NORTH())
    const by = { id: userId, name: 'Отчётность (rep)' }
    await expect(fileSnapshot(t.database.db, ALL(), branch.id, { on: '2026-03-20', number: '123', by })).rejects.toThrow('охватывает не всю организацию')
    const org = await freeze(ALL())
    await expect(fileSnapshot(t.database.db, NORTH(), org.id, { on: '2026-03-20', number: '123', by })).rejects.toThrow('вся организация')
  })
})

describe('freezing and filing', () => {
  it('a double click (the same key, twice at once) makes one snapshot', async () => {
    const key = 'c6a1f1b6-5a3e-4a57-9f0e-2a0c4d8f7e11'
    const [a, b] = await Promise.all([freeze(ALL(), key), freeze(ALL(), key)])
    expect(a.id).toBe(b.id)
    expect([a.created, b.created].sort()).toEqual([false, true])
    expect(await listSnapshots(t.database.db, ALL(), 2025)).toHaveLength(1)
    // another form (another key) is another snapshot
    await freeze(ALL(), 'd7b2e2c7-6b4f-4b68-8a1f-3b1d5e9f8f22')
    expect(await listSnapshots(t.database.db, ALL(), 2025)).toHaveLength(2)
  })

  it('filed once: date, incoming number, who; a second filing is refused, also when racing', async () => {
    const { id } = await freeze(ALL())
    const by = { id: userId, name: 'Отчётность (rep)' }
    const results = await Promise.allSettled([
      fileSnapshot(t.database.db, ALL(), id, { on: '2026-03-20', number: 'Вх-17/2026', by }),
      fileSnapshot(t.database.db, ALL(), id, { on: '2026-03-21', number: 'Вх-18/2026', by }),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(String((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason)).toContain('уже подан')
    const [s] = await listSnapshots(t.database.db, ALL(), 2025)
    expect(s!.filed).toMatchObject({ by: 'Отчётность (rep)' })
    expect(['2026-03-20', '2026-03-21']).toContain(s!.filed!.on)
    await expect(fileSnapshot(t.database.db, ALL(), id, { on: '2026-02-30', number: '1', by })).rejects.toThrow()
  })

  it('a corrected report replaces a filed one and says what changed', async () => {
    const first = await freeze(ALL())
    const by = { id: userId, name: 'Отчётность (rep)' }
    const db = t.database.db
    await db
      .insertInto('appeal')
      .values({ org_id: world.org.id, reg_number: 'late', received_at: at('2025-05-05T10:00:00+03:00'), form: 'post', topic: 'transmission', branch_id: south })
      .execute()
    const report = await prepareAppendix7(await appendix7Context(t.database, ALL(), 2025, AS_OF))
    const file = await buffer(writeAppendix7('xlsx', report, aboutAppendix7(report, [])))
    await expect(freezeSnapshot(db, report, file, 'f.xlsx', by, { replaces: { id: first.id, note: 'добавлено обращение' } })).rejects.toThrow('только поданный')
    await fileSnapshot(db, ALL(), first.id, { on: '2026-03-20', number: '17', by })
    await expect(freezeSnapshot(db, report, file, 'f.xlsx', by, { replaces: { id: first.id, note: ' ' } })).rejects.toThrow('что исправлено')
    const second = await freezeSnapshot(db, report, file, 'f.xlsx', by, { replaces: { id: first.id, note: 'Добавлено обращение, загруженное после подачи' } })
    const list = await listSnapshots(db, ALL(), 2025)
    expect(list.find((s) => s.id === first.id)!.replacedBy).toBe(second.id)
    expect(list.find((s) => s.id === second.id)).toMatchObject({ replaces: first.id, changeNote: 'Добавлено обращение, загруженное после подачи' })
    await expect(freezeSnapshot(db, report, file, 'f.xlsx', by, { replaces: { id: first.id, note: 'ещё раз' } })).rejects.toThrow('уже заменён')
  })
})

describe('publication', () => {
  it('from a filed report: the form without 4.9 and without any personal field; a public address that can be revoked', async () => {
    const db = t.database.db
    const { id } = await freeze(ALL())
    await expect(publishSnapshot(db, ALL(), id, 'rep')).rejects.toThrow('поданный')
    await fileSnapshot(db, ALL(), id, { on: '2026-03-20', number: 'Вх-17', by: { id: userId, name: 'rep' } })
    await publishSnapshot(db, ALL(), id, 'rep')
    await expect(publishSnapshot(db, ALL(), id, 'rep')).rejects.toThrow('уже опубликован')
    const row = (await getSnapshot(db, ALL(), id))!
    const html = row.published_html!
    expect(html).toContain('Таблица 4.1.')
    expect(html).toContain('Информация о качестве обслуживания потребителей услуг Тестовая сетевая компания за 2025 год')
    expect(html).toContain('Представлена 20.03.2026, вх. № Вх-17.')
    expect(html).toContain('не публикуется')
    // no register row, no personal field of any appeal (nor its registration number)
    for (const value of [...Object.values(PERSONAL), 'Садовая', 'n1', 'ЛС-']) expect(html).not.toContain(value)
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(Buffer.from(row.published_file!) as unknown as ArrayBuffer)
    expect(book.worksheets.map((w) => w.name)).not.toContain('4.9')
    const text = book.worksheets.map((w) => w.getSheetValues().flat().join(' ')).join(' ')
    for (const value of [...Object.values(PERSONAL), 'Садовая']) expect(text).not.toContain(value)
    expect(await publicPage(db, 'AAAAAAAAAAAAAAAAAAAAAA')).toBeUndefined()
    const token = (await setPublicAddress(db, ALL(), id, true))!
    expect(await publicPage(db, token)).toBe(html)
    await setPublicAddress(db, ALL(), id, false)
    expect(await publicPage(db, token)).toBeUndefined()
    expect((await listPublications(db, ALL())).map((p) => p.id)).toEqual([id])
    expect(await listPublications(db, NORTH())).toEqual([])
  })
})

describe('no data is not zero', () => {
  it('a year without calls is «нет данных» in 4.3 and a warning; months missing are named', async () => {
    const report = await prepareAppendix7(await appendix7Context(t.database, ALL(), 2025, AS_OF))
    const t43 = report.built.tables.find((x) => x.code === '4.3')!
    expect(t43.body[1]!.slice(2).map((c) => c.v)).toEqual(['нет данных', 'нет данных', '–'])
    const kinds = report.dataWarnings.map((w) => [w.log, w.year, w.kind])
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['calls', 2025, 'none'],
        ['calls', 2024, 'none'],
        ['visits', 2025, 'none'],
        ['appeals', 2025, 'partial'],
        ['appeals', 2024, 'partial'],
      ]),
    )
    expect(report.dataWarnings.find((w) => w.log === 'appeals' && w.year === 2025)!.text).toContain('январь, май, июнь')
    // 4.1 of 2024 has one appeal: counted, not «нет данных»
    expect(
      report.built.tables
        .find((x) => x.code === '4.1')!
        .body[0]!.slice(2, 4)
        .map((c) => c.v),
    ).toEqual([0, 0])
    const book = new ExcelJS.Workbook()
    await book.xlsx.load((await buffer(writeAppendix7('xlsx', report, aboutAppendix7(report, [])))) as unknown as ArrayBuffer)
    const checks = book.getWorksheet('Проверки')!.getColumn(3).values
    expect(checks).toContain('НЕТ ДАННЫХ')
    expect(checks).toContain('НЕПОЛНЫЕ ДАННЫЕ')
    expect(String(book.getWorksheet('4.3')!.getCell('C9').value)).toBe('нет данных')
  })
})

describe('«Сформирован»', () => {
  const zone = process.env.TZ
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ
    else process.env.TZ = zone
  })
  it("is on the organisation's clock, not the server's", async () => {
    process.env.TZ = 'Pacific/Kiritimati' // UTC+14: eleven hours ahead of Moscow
    expect(new Date('2025-01-01T00:00:00Z').getHours()).toBe(14)
    for (const id of ['appendix-7', 'supplier-standard'] as const) {
      const before = new Date()
      const run = await runReport(await reportContext(t.database, ALL(), { year: 2025, asOf: AS_OF, by: 'rep' }), id, 'xlsx')
      const book = new ExcelJS.Workbook()
      await book.xlsx.load((await buffer(run.stream)) as unknown as ArrayBuffer)
      const about = book.getWorksheet('О файле')!
      const row = about.getColumn(1).values.findIndex((v) => v === 'Сформирован')
      const text = String(about.getRow(row).getCell(2).value)
      const moscow = before.toLocaleString('ru-RU', { timeZone: 'Europe/Moscow', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit' })
      const server = before.toLocaleString('ru-RU', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit' })
      expect(text.startsWith(moscow)).toBe(true)
      expect(text.startsWith(server)).toBe(false)
      expect(text).toContain('Europe/Moscow')
    }
  })
})
