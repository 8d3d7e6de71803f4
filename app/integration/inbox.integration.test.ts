import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openDatabase } from '#db/client.server.ts'
import { listImportBatches } from '#app/models/import-batch.server.ts'
import { sample } from '#test/setup/files.ts'
import { resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { ADAPTERS } from '#app/imports/adapters.ts'
import type { ColumnMapping } from '#app/imports/mapping.ts'
import { saveMapping } from '#app/imports/mappings.server.ts'
import { inboxSetting, newInboxState, scanInbox, setImportInbox } from './inbox.server.ts'

/** Watched folders (ADR 017): complete files only, in arrival order, moved with their reports. */
const t = useTestDatabase()
let dir: string
let world: Awaited<ReturnType<typeof resetWorld>>

beforeEach(async () => {
  world = await resetWorld(t.database)
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-inbox-'))
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

const ls = (...parts: string[]) => fs.readdirSync(path.join(dir, ...parts)).sort()
const read = (...parts: string[]) => fs.readFileSync(path.join(dir, ...parts), 'utf8')

describe('watched folder', () => {
  it('a dropped file is imported after two scans with the same size, moved to done/ beside its reports; the history says «папка»', async () => {
    const state = newInboxState()
    expect(await scanInbox(t.database, dir, state)).toEqual([]) // creates the kinds' folders
    expect(ls()).toEqual(['appeals', 'calls', 'offices', 'visits'])
    fs.copyFileSync(sample('calls.csv'), path.join(dir, 'calls', 'calls.csv'))
    expect(await scanInbox(t.database, dir, state)).toEqual([]) // seen once: maybe still being written
    const [result] = await scanInbox(t.database, dir, state)
    expect(result).toMatchObject({ kind: 'calls', file: 'calls.csv', status: 'done' })
    expect(ls('calls')).toEqual(['.processing', 'done'])
    expect(ls('calls', '.processing')).toEqual([])
    expect(ls('calls', 'done')).toEqual(['calls.csv', 'calls.csv.report.json', 'calls.csv.report.txt'])
    expect(read('calls', 'done', 'calls.csv')).toBe(fs.readFileSync(sample('calls.csv'), 'utf8'))
    const text = read('calls', 'done', 'calls.csv.report.txt')
    expect(text).toContain(`Загрузка №${result!.batchId}: журнал звонков, файл «calls.csv», формат CSV, кодировка utf-8, разделитель «;»`)
    expect(text).toContain('Прочитано строк: 4 = сохранено 4 + отклонено 0')
    expect(JSON.parse(read('calls', 'done', 'calls.csv.report.json'))).toMatchObject({
      id: result!.batchId,
      status: 'done',
      read: 4,
      stored: 4,
      inserted: 4,
      rejected: 0,
      rejections: [],
    })
    const history = await listImportBatches(t.database.db, (await resetOrg()).id, 1)
    expect(history.rows.map((r) => r.source)).toEqual(['folder'])
    // the same file again: nothing changes, and the name in done/ is taken — the import's number goes first
    fs.copyFileSync(sample('calls.csv'), path.join(dir, 'calls', 'calls.csv'))
    await scanInbox(t.database, dir, state)
    const [again] = await scanInbox(t.database, dir, state)
    expect(JSON.parse(read('calls', 'done', `${again!.batchId}-calls.csv.report.json`))).toMatchObject({ status: 'done', read: 4, inserted: 0, unchanged: 4 })
  })

  it('a half-written .part file and a still-growing file are not picked up; once renamed or settled they are', async () => {
    const state = newInboxState()
    await scanInbox(t.database, dir, state)
    const content = fs.readFileSync(sample('visits.csv'))
    fs.writeFileSync(path.join(dir, 'visits', 'visits.csv.part'), content.subarray(0, 100))
    const growing = path.join(dir, 'visits', 'growing.csv')
    fs.writeFileSync(growing, content.subarray(0, 150))
    for (let scan = 0; scan < 3; scan++) {
      expect(await scanInbox(t.database, dir, state)).toEqual([])
      fs.appendFileSync(growing, content.subarray(150 + scan * 10, 160 + scan * 10)) // still being written
    }
    fs.appendFileSync(growing, content.subarray(180))
    fs.writeFileSync(path.join(dir, 'visits', 'visits.csv.part'), content)
    expect(await scanInbox(t.database, dir, state)).toEqual([]) // the growing file's last change was just seen
    expect((await t.database.db.selectFrom('import_batch').select('id').execute()).length).toBe(0)
    fs.renameSync(path.join(dir, 'visits', 'visits.csv.part'), path.join(dir, 'visits', 'visits.csv'))
    const first = await scanInbox(t.database, dir, state)
    expect(first.map((r) => [r.file, r.status])).toEqual([['growing.csv', 'done']])
    const second = await scanInbox(t.database, dir, state)
    expect(second.map((r) => [r.file, r.status])).toEqual([['visits.csv', 'done']])
    expect(JSON.parse(read('visits', 'done', 'visits.csv.report.json'))).toMatchObject({ read: 4, inserted: 0, unchanged: 4 })
  })

  it('a refused file goes to failed/ with its reasons; files are taken in arrival order; a subfolder names the saved mapping', async () => {
    const state = newInboxState()
    await scanInbox(t.database, dir, state)
    const older = path.join(dir, 'calls', 'b-bad.csv')
    fs.writeFileSync(older, 'call_id;direction;started_at;ended_at\n1;наружу;14.03.2025 10:00;14.03.2025 10:01\n')
    fs.utimesSync(older, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000))
    fs.copyFileSync(sample('calls.csv'), path.join(dir, 'calls', 'a-good.csv'))
    fs.mkdirSync(path.join(dir, 'calls', 'naumen'))
    fs.copyFileSync(sample('calls.csv'), path.join(dir, 'calls', 'naumen', 'export.csv'))
    await scanInbox(t.database, dir, state)
    const results = await scanInbox(t.database, dir, state)
    expect(results.map((r) => [r.file, r.status])).toEqual([
      ['b-bad.csv', 'rejected'],
      ['a-good.csv', 'done'],
      ['export.csv', 'rejected'],
    ])
    expect(ls('calls', 'failed')).toEqual(['b-bad.csv', 'b-bad.csv.report.json', 'b-bad.csv.report.txt'])
    expect(read('calls', 'failed', 'b-bad.csv.report.txt')).toMatch(/Статус: отклонён[\s\S]*строка 2, столбец направление: /)
    expect(JSON.parse(read('calls', 'failed', 'b-bad.csv.report.json'))).toMatchObject({
      status: 'rejected',
      read: 1,
      stored: 0,
      rejected: 1,
      rejections: [{ line: 2, column: 'direction', value: 'наружу' }],
    })
    expect(ls('calls', 'naumen', 'failed')).toEqual(['export.csv', 'export.csv.report.json', 'export.csv.report.txt'])
    // no mapping «naumen» saved: refused in Russian, the file kept in failed/
    expect(read('calls', 'naumen', 'failed', 'export.csv.report.txt')).toMatch(/Сопоставление «naumen» для вида «журнал звонков» \(calls\) не найдено/)
  })

  it('a file in <kind>/<mapping>/ is read through the saved mapping of that name (ADR 018)', async () => {
    const org = await resetOrg()
    const builtin = ADAPTERS.find((x) => x.name === 'qsystem')!.mapping!
    const mine: ColumnMapping = {
      ...builtin,
      fields: {
        ...builtin.fields,
        office_code: { constant: 'ЦОП-01' },
        service_kind: { column: 'service', values: { Консультация: 'consultation', касса: 'cashier' }, otherwise: 'other' },
      },
    }
    await saveMapping(t.database, org.id, { name: 'qsystem-cop', mapping: mine }, { userId: null, actor: 'test', ip: null })
    const state = newInboxState()
    await scanInbox(t.database, dir, state)
    fs.mkdirSync(path.join(dir, 'visits', 'qsystem-cop'))
    fs.copyFileSync(sample('qsystem-clients.csv'), path.join(dir, 'visits', 'qsystem-cop', 'clients.csv'))
    await scanInbox(t.database, dir, state)
    const [result] = await scanInbox(t.database, dir, state)
    expect(result).toMatchObject({ file: 'clients.csv', status: 'done' })
    expect(JSON.parse(read('visits', 'qsystem-cop', 'done', 'clients.csv.report.json'))).toMatchObject({ status: 'done', read: 3, inserted: 3, rejected: 0 })
    expect(read('visits', 'qsystem-cop', 'done', 'clients.csv.report.txt')).toContain('сопоставление')
  })

  it('a file left in .processing by a stopped process is imported again; two processes never take one file twice', async () => {
    // the branches the sample appeals name (an unknown branch is refused since branch codes, ADR 022)
    await runFileImport(world.target, {
      kind: 'offices',
      path: sample('offices.csv'),
      fileName: 'offices.csv',
      skipInvalid: false,
      source: 'cli',
      createBranches: true,
    })
    await scanInbox(t.database, dir, newInboxState())
    fs.mkdirSync(path.join(dir, 'calls', '.processing'))
    fs.copyFileSync(sample('calls.csv'), path.join(dir, 'calls', '.processing', 'left.csv'))
    const [left] = await scanInbox(t.database, dir, newInboxState())
    expect(left).toMatchObject({ file: 'left.csv', status: 'done' })
    fs.copyFileSync(sample('appeals.csv'), path.join(dir, 'appeals', 'appeals.csv'))
    const other = await openDatabase({ DATABASE_URL: t.url })
    try {
      const [a, b] = [newInboxState(), newInboxState()]
      await Promise.all([scanInbox(t.database, dir, a), scanInbox(other, dir, b)])
      const results = (await Promise.all([scanInbox(t.database, dir, a), scanInbox(other, dir, b)])).flat()
      expect(results.map((r) => r.file)).toEqual(['appeals.csv'])
    } finally {
      await other.close()
    }
    const batches = await t.database.db.selectFrom('import_batch').select(['kind', 'status']).where('kind', '=', 'appeals').execute()
    expect(batches).toEqual([{ kind: 'appeals', status: 'done' }])
  })

  it('the folder in use: IMPORT_INBOX wins and cannot be changed on the page; the setting must be an existing absolute folder', async () => {
    const org = await resetOrg()
    expect(inboxSetting(org, { IMPORT_INBOX: dir })).toEqual({ dir, fromEnv: true })
    expect(inboxSetting(org, {})).toEqual({ dir: null, fromEnv: false })
    await expect(setImportInbox(t.database, org.id, 'inbox')).rejects.toThrow('Папка загрузки — полный путь на сервере')
    await expect(setImportInbox(t.database, org.id, path.join(dir, 'нет'))).rejects.toThrow(/на сервере нет/)
    await setImportInbox(t.database, org.id, dir)
    expect(inboxSetting(await resetOrg(), {})).toEqual({ dir, fromEnv: false })
  })
})

async function resetOrg() {
  return t.database.db.selectFrom('organisation').selectAll().executeTakeFirstOrThrow()
}
