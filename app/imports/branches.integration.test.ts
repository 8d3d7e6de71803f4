import { sql } from 'kysely'
import { sample, tmpFile } from '#test/setup/files.ts'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import * as codes from '#db/migrations/2026_12_01_0016_codes.ts'
import { type FileImportRequest, type ImportReport, runFileImport } from './pipeline.server.ts'
import { branchInitials } from './branches.server.ts'

const t = useTestDatabase()
let world: TestWorld

beforeEach(async () => {
  world = await resetWorld(t.database)
})

async function load(kind: FileImportRequest['kind'], path: string, options: Partial<FileImportRequest> = {}): Promise<ImportReport> {
  const report = await runFileImport(world.target, { kind, path, fileName: path.split('/').pop()!, skipInvalid: false, source: 'cli', ...options })
  expect(report.read).toBe(report.stored + report.rejected)
  return report
}

const branches = async () => (await t.database.db.selectFrom('branch').select(['name', 'code']).orderBy('id').execute()).map((b) => `${b.code} ${b.name}`)
const officeBranches = async () =>
  (
    await sql<{
      office_code: string
      name: string | null
    }>`select o.office_code, b.name from office o left join branch b on b.id = o.branch_id order by o.office_code`.execute(t.database.db)
  ).rows.map((r) => `${r.office_code}: ${r.name ?? '—'}`)
const addBranch = (name: string, code?: string) =>
  t.database.db
    .insertInto('branch')
    .values({ org_id: world.org.id, name, ...(code ? { code } : {}) })
    .execute()
const OFFICE_HEADER = 'код_офиса;наименование;филиал'

describe('branches named by an import (issue 16)', () => {
  it('the repository offices file names branches the organisation lacks: refused with the lines, nothing created', async () => {
    await addBranch('Северные электрические сети', 'СЭС')
    const report = await load('offices', sample('offices.csv'))
    expect(report).toMatchObject({ status: 'rejected', read: 2, stored: 0, rejected: 2, invalid: 2 })
    expect(report.rejections).toEqual([
      { line: 2, column: 'branch', value: 'Городские ЭС', reason: expect.stringMatching(/^филиала «Городские ЭС» нет в справочнике организации/) },
      { line: 3, column: 'branch', value: 'Северные ЭС', reason: expect.stringMatching(/^филиала «Северные ЭС» нет в справочнике организации/) },
    ])
    expect(report.branches.unknown).toEqual([
      { value: 'Городские ЭС', code: null, lines: [2], rows: 1 },
      { value: 'Северные ЭС', code: null, lines: [3], rows: 1 },
    ])
    expect(report.message).toContain('Филиалов нет в справочнике организации: «Городские ЭС» (строка 2); «Северные ЭС» (строка 3).')
    expect(await branches()).toEqual(['СЭС Северные электрические сети'])
    expect(await officeBranches()).toEqual([])
  })

  it('«создать филиалы»: each unknown name once, coded by its initials (or «Ф-<номер>» when taken)', async () => {
    await addBranch('Северные электрические сети', 'СЭС')
    const report = await load('offices', sample('offices.csv'), { createBranches: true })
    expect(report).toMatchObject({ status: 'done', inserted: 2 })
    const made = await t.database.db.selectFrom('branch').select(['id', 'name', 'code']).where('name', '=', 'Северные ЭС').executeTakeFirstOrThrow()
    expect(made.code).toBe(`Ф-${made.id}`) // «СЭС» is the other branch's
    expect(report.branches.created).toEqual([
      { name: 'Городские ЭС', code: 'ГЭС' },
      { name: 'Северные ЭС', code: `Ф-${made.id}` },
    ])
    expect(await officeBranches()).toEqual(['ПОП-02: Северные ЭС', 'ЦОП-01: Городские ЭС'])
  })

  it('a branch is found by its exact name (spaces, case, ё) or by its code, in the old column or the new код_филиала', async () => {
    await addBranch('Северные электрические сети', 'СЭС')
    await addBranch('Городские электрические сети', 'ГЭС')
    const file = tmpFile(
      'o.csv',
      `код_офиса;наименование;филиал;код_филиала\nО-1;Один;  северные   электрические сети ;\nО-2;Два;ГЭС;\nО-3;Три;;сэс\nО-4;Четыре;что угодно;ГЭС\nО-5;Пять;;\n`,
    )
    const report = await load('offices', file)
    expect(report).toMatchObject({ status: 'done', inserted: 5 })
    expect(report.branches).toEqual({ unknown: [], created: [], moves: [] })
    expect(await officeBranches()).toEqual([
      'О-1: Северные электрические сети',
      'О-2: Городские электрические сети',
      'О-3: Северные электрические сети',
      'О-4: Городские электрические сети',
      'О-5: —',
    ])
    // an unknown code alone is refused and named by its code
    const bad = await load('offices', tmpFile('o2.csv', `код_офиса;наименование;код_филиала\nО-9;Девять;ХЭС\n`))
    expect(bad.rejections).toEqual([{ line: 2, column: 'branch_code', value: 'ХЭС', reason: expect.stringMatching(/^филиала с кодом «ХЭС» нет/) }])
  })

  it('an office that changes its branch (or loses it) is reported', async () => {
    await addBranch('Северные электрические сети', 'СЭС')
    await addBranch('Городские электрические сети', 'ГЭС')
    await load('offices', tmpFile('a.csv', `${OFFICE_HEADER}\nЦОП-01;Центральный;ГЭС\nПОП-02;Заречный;СЭС\nПОП-03;Степной;СЭС\n`))
    const again = await load(
      'offices',
      tmpFile('b.csv', `${OFFICE_HEADER}\nЦОП-01;Центральный;СЭС\nПОП-02;Заречный;\nПОП-03;Степной;Северные электрические сети\n`),
    )
    expect(again).toMatchObject({ status: 'done', updated: 2, unchanged: 1 })
    expect(again.branches.moves).toEqual([
      { office: 'ЦОП-01', from: 'Городские электрические сети', to: 'Северные электрические сети' },
      { office: 'ПОП-02', from: 'Северные электрические сети', to: null },
    ])
  })

  it('«пропускать ошибочные строки»: rows of known branches are stored, the others rejected', async () => {
    await addBranch('Северные электрические сети', 'СЭС')
    const report = await load('offices', tmpFile('c.csv', `${OFFICE_HEADER}\nО-1;Один;СЭС\nО-2;Два;Северные ЭС\n`), { skipInvalid: true })
    expect(report).toMatchObject({ status: 'done', inserted: 1, rejected: 1 })
    expect(await officeBranches()).toEqual(['О-1: Северные электрические сети'])
  })

  it('appeals naming an unknown branch are refused too; the office branch still applies', async () => {
    await addBranch('Северные электрические сети', 'СЭС')
    const header = 'reg_number;received_at;form;topic;branch'
    const refused = await load('appeals', tmpFile('ap.csv', `${header}\nП-1;14.03.2025;почта;прочее;СЭС\nП-2;14.03.2025;почта;прочее;Южные ЭС\n`))
    expect(refused.rejections.map((r) => [r.line, r.value])).toEqual([[3, 'Южные ЭС']])
    expect(refused.status).toBe('rejected')
  })

  it('the migration codes existing branches by their initials; a later duplicate gets «Ф-<номер>»; new ones get a code', async () => {
    expect(branchInitials('Северные электрические сети')).toBe('СЭС')
    expect(branchInitials('Северные ЭС')).toBe('СЭС')
    expect(branchInitials('филиал «Ёлкинский»')).toBe('ФЕ')
    await codes.down(t.database.db)
    await sql`insert into branch (org_id, name) values (${world.org.id}, 'Северные электрические сети'), (${world.org.id}, 'Северные ЭС'), (${world.org.id}, 'Южные электрические сети')`.execute(
      t.database.db,
    )
    await codes.up(t.database.db)
    const rows = await t.database.db.selectFrom('branch').select(['id', 'name', 'code']).orderBy('id').execute()
    expect(rows.map((r) => r.code)).toEqual(['СЭС', `Ф-${rows[1]!.id}`, 'ЮЭС'])
    await addBranch('Без кода')
    const plain = await t.database.db.selectFrom('branch').select(['id', 'code']).where('name', '=', 'Без кода').executeTakeFirstOrThrow()
    expect(plain.code).toBe(`Ф-${plain.id}`)
  })
})
