import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { sample } from '#test/setup/files.ts'
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

  it('refuses a line without a branch, an unknown branch, a repeated line — saying which line', async () => {
    await expect(savePhoneLines(t.database.db, world.org.id, 'Линия 1')).rejects.toThrow(
      new InputError('Строка 1: нужно «линия; филиал», через точку с запятой.'),
    )
    await expect(savePhoneLines(t.database.db, world.org.id, '\nЛиния 1; Нет такого')).rejects.toThrow(/^Строка 2: филиала «Нет такого» нет/)
    await expect(savePhoneLines(t.database.db, world.org.id, 'Л; Северные ЭС\nЛ; Северные ЭС')).rejects.toThrow('Строка 2: линия «Л» уже указана выше.')
    expect(await listPhoneLines(t.database.db, world.org.id)).toEqual([])
  })
})
