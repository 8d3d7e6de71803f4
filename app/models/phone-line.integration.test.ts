import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { sample, tmpFile } from '#test/setup/files.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { callSums, totalOf } from '#reports/metrics/dashboard.server.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import { readView } from '#reports/metrics/view.ts'
import { InputError } from '#reports/errors.ts'
import { listPhoneLines, savePhoneLines } from './phone-line.server.ts'

const t = useTestDatabase()
let world: TestWorld

beforeEach(async () => {
  world = await resetWorld(t.database)
  for (const [kind, file] of [
    ['offices', 'offices.csv'],
    ['calls', 'calls.csv'],
  ] as const) {
    await runFileImport(world.target, { kind, path: sample(file), fileName: file, skipInvalid: false, createBranches: true, source: 'cli' })
  }
})

const offeredFor = async (branches: 'all' | string[]) => {
  await refreshRollups(t.database, world.org.id)
  const view = readView(new URLSearchParams('period=month&year=2025&month=3'), 'Europe/Moscow', 2025)
  return totalOf('calls', await callSums(t.database.db, { orgId: world.org.id, branches }, view.period, {})).offered
}

describe('phone lines by branch', () => {
  it('a branch sees the calls of its lines, also of calls imported later', async () => {
    const branch = (await t.database.db.selectFrom('branch').select('id').where('name', '=', 'Северные ЭС').executeTakeFirstOrThrow()).id
    const lines = await t.database.db.selectFrom('call').select('line').distinct().where('line', 'is not', null).orderBy('line').execute()
    expect(await offeredFor([branch])).toBe(0)
    await savePhoneLines(t.database.db, world.org.id, `${lines[0]!.line}; северные эс\n`)
    expect(await listPhoneLines(t.database.db, world.org.id)).toEqual([{ line: lines[0]!.line, branch: 'Северные ЭС' }])
    const mine = await t.database.db
      .selectFrom('call')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('line', '=', lines[0]!.line)
      .where('direction', '=', 'in')
      .executeTakeFirstOrThrow()
    expect(await offeredFor([branch])).toBe(Number(mine.n))
    const other = (await t.database.db.selectFrom('branch').select('id').where('name', '!=', 'Северные ЭС').executeTakeFirstOrThrow()).id
    expect(await offeredFor([other])).toBe(0)
    // a re-import keeps the branch; an emptied mapping takes it away
    await runFileImport(world.target, { kind: 'calls', path: sample('calls.csv'), fileName: 'calls.csv', skipInvalid: false, source: 'cli' })
    expect(await offeredFor([branch])).toBe(Number(mine.n))
    await savePhoneLines(t.database.db, world.org.id, '')
    expect(await offeredFor([branch])).toBe(0)
  })

  it('an import gives each call the branch of its line as it merges, and a call moved to an unmapped line loses it', async () => {
    const header = 'call_id;direction;line;started_at;answered_at;ended_at;agent;category;callback_required;callback_at;caller_phone'
    const row = (id: string, line: string) => `${id};in;${line};14.03.2025 09:00:00;14.03.2025 09:00:12;14.03.2025 09:04:30;;;;;`
    await savePhoneLines(t.database.db, world.org.id, 'Линия Север; Северные ЭС\n')
    const branch = (await t.database.db.selectFrom('branch').select('id').where('name', '=', 'Северные ЭС').executeTakeFirstOrThrow()).id
    const run = (name: string, lines: string[]) =>
      runFileImport(world.target, { kind: 'calls', path: tmpFile(name, [header, ...lines].join('\n')), fileName: name, skipInvalid: false, source: 'cli' })
    const branchOf = async (id: string) =>
      (await t.database.db.selectFrom('call').select('branch_id').where('call_id', '=', id).executeTakeFirstOrThrow()).branch_id
    const first = await run('lines-1.csv', [row('pl-1', 'Линия Север'), row('pl-2', 'Линия без филиала')])
    expect([first.inserted, first.updated, first.unchanged]).toEqual([2, 0, 0])
    expect([await branchOf('pl-1'), await branchOf('pl-2')]).toEqual([branch, null])
    // the same file again changes nothing (the branch counts as the row's own value)
    const again = await run('lines-2.csv', [row('pl-1', 'Линия Север'), row('pl-2', 'Линия без филиала')])
    expect([again.inserted, again.updated, again.unchanged]).toEqual([0, 0, 2])
    // the calls swap lines: each takes its new line's branch
    const swapped = await run('lines-3.csv', [row('pl-1', 'Линия без филиала'), row('pl-2', 'Линия Север'), row('pl-3', 'Линия Север')])
    expect([swapped.inserted, swapped.updated, swapped.unchanged]).toEqual([1, 2, 0])
    expect([await branchOf('pl-1'), await branchOf('pl-2'), await branchOf('pl-3')]).toEqual([null, branch, branch])
  })

  it('refuses a line without a branch, an unknown branch, a repeated line — saying which line', async () => {
    await expect(savePhoneLines(t.database.db, world.org.id, 'Линия 1')).rejects.toThrow(
      new InputError('Строка 1: нужно «линия; филиал», через точку с запятой.'),
    )
    await expect(savePhoneLines(t.database.db, world.org.id, '\nЛиния 1; Нет такого')).rejects.toThrow(/^Строка 2: филиала «Нет такого» нет/)
    await expect(savePhoneLines(t.database.db, world.org.id, 'Л; Северные ЭС\nЛ; Северные ЭС')).rejects.toThrow('Строка 2: линия «Л» уже указана выше.')
    expect(await listPhoneLines(t.database.db, world.org.id)).toEqual([])
  })
})
