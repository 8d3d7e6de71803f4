import fs from 'node:fs'
import { spawnSync } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { openDatabase } from '#db/client.server.ts'
import { sample } from '#test/setup/files.ts'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { enqueueImport, makeUploadDir, requeueCreatingBranches, runNextImport, sweepImports } from './jobs.server.ts'
import { holdNewBatch } from './pipeline.server.ts'

/** Imports as jobs (ADR 013): queued, taken once, their files removed on every ending, the dead swept. */
const t = useTestDatabase()
let world: TestWorld
let root: string

beforeEach(async () => {
  world = await resetWorld(t.database)
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-uploads-'))
})
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

/** An upload as acceptUpload leaves it: a folder of its own in the uploads folder. */
function upload(file: string): string {
  const dir = fs.mkdtempSync(path.join(root, 'upload-'))
  const target = path.join(dir, 'upload.bin')
  fs.copyFileSync(file, target)
  return target
}

const job = (kind: 'calls' | 'appeals' | 'offices', fileName: string) => ({ kind, fileName, skipInvalid: false, userId: null, actor: 'test', ip: null })
const batch = (id: string) => t.database.db.selectFrom('import_batch').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

describe('import jobs', () => {
  it('a queued upload is imported by the runner, once, and its file is removed', async () => {
    const file = upload(sample('calls.csv'))
    const id = await enqueueImport(t.database, world.org.id, job('calls', 'calls.csv'), file, fs.statSync(file).size)
    expect((await batch(id)).status).toBe('queued')
    expect(await runNextImport(t.database, root)).toBe(true)
    expect(await batch(id)).toMatchObject({ status: 'done', rows_read: 4, rows_inserted: 4, source: 'web', file_name: 'calls.csv' })
    expect(fs.existsSync(path.dirname(file))).toBe(false)
    expect(await runNextImport(t.database, root)).toBe(false)
  })

  it('a refused file also loses its upload', async () => {
    const bad = path.join(root, 'bad.csv')
    fs.writeFileSync(bad, 'call_id;direction;started_at;ended_at\n1;наружу;14.03.2025 10:00;14.03.2025 10:01\n')
    const file = upload(bad)
    const id = await enqueueImport(t.database, world.org.id, job('calls', 'bad.csv'), file, 10)
    await runNextImport(t.database, root)
    expect((await batch(id)).status).toBe('rejected')
    expect(fs.existsSync(path.dirname(file))).toBe(false)
  })

  it('refused for branches the organisation lacks: the file is kept, and «создать филиалы» imports it again', async () => {
    const file = upload(sample('offices.csv'))
    const id = await enqueueImport(t.database, world.org.id, job('offices', 'offices.csv'), file, fs.statSync(file).size)
    await runNextImport(t.database, root)
    const refused = await batch(id)
    expect(refused).toMatchObject({ status: 'rejected', rows_read: 2, rows_rejected: 2 })
    expect(refused.branch_report).toMatchObject({
      unknown: [
        { value: 'Городские ЭС', lines: [2] },
        { value: 'Северные ЭС', lines: [3] },
      ],
    })
    expect(fs.existsSync(file)).toBe(true)
    const next = await requeueCreatingBranches(t.database, world.org.id, id, { userId: null, actor: 'admin', ip: null })
    expect(next).toBeDefined()
    expect(await requeueCreatingBranches(t.database, world.org.id, id, { userId: null, actor: 'admin', ip: null })).toBeUndefined() // once
    await runNextImport(t.database, root)
    expect(await batch(next!)).toMatchObject({ status: 'done', rows_inserted: 2 })
    expect((await batch(next!)).branch_report).toMatchObject({
      created: [
        { name: 'Городские ЭС', code: 'ГЭС' },
        { name: 'Северные ЭС', code: 'СЭС' },
      ],
    })
    expect(fs.existsSync(path.dirname(file))).toBe(false)
  })

  it('two runners (two processes) racing for two jobs take each exactly once', async () => {
    const first = upload(sample('calls.csv'))
    const second = upload(sample('appeals.csv'))
    const a = await enqueueImport(t.database, world.org.id, job('calls', 'calls.csv'), first, 1)
    const b = await enqueueImport(t.database, world.org.id, { ...job('appeals', 'appeals.csv'), createBranches: true }, second, 1)
    const other = await openDatabase({ DATABASE_URL: t.url })
    try {
      const ran = await Promise.all([runNextImport(t.database, root), runNextImport(other, root)])
      expect(ran).toEqual([true, true])
    } finally {
      await other.close()
    }
    expect((await batch(a)).status).toBe('done')
    expect((await batch(b)).status).toBe('done')
    const audits = await sql<{ n: number }>`select count(*)::int as n from audit_event where action = 'import'`.execute(t.database.db)
    expect(audits.rows[0]!.n).toBe(2)
  })

  it('an import whose process died is marked «прервана» with nothing stored and its file removed; a live one is left alone', async () => {
    // another process registers a running import and holds its lock, as holdNewBatch does (the key as written before db/locks.server.ts)…
    const other = new pg.Client({ connectionString: t.url })
    await other.connect()
    const file = upload(sample('calls.csv'))
    const inserted = await other.query(
      `insert into import_batch (org_id, kind, file_name, source, file_path) values ($1, 'calls', 'calls.csv', 'web', $2) returning id`,
      [world.org.id, file],
    )
    const deadId = String(inserted.rows[0].id)
    await other.query(`select pg_advisory_lock(hashtextextended($1::text, 7301))`, [`sq-batch:${deadId}`])
    const alive = await holdNewBatch(t.database, world.org.id, { kind: 'visits', fileName: 'visits.csv', source: 'cli', skipInvalid: false })
    expect((await sweepImports(t.database, root)).interrupted).toEqual([]) // both alive
    // …and dies: its session ends without a word
    await other.end()
    const dead = { batchId: deadId }
    const swept = await sweepImports(t.database, root)
    expect(swept.interrupted).toEqual([dead.batchId])
    expect(await batch(dead.batchId)).toMatchObject({ status: 'interrupted', rows_inserted: 0, file_path: null })
    expect((await batch(dead.batchId)).message).toMatch(/^Загрузка прервана.*Ничего не сохранено/)
    expect(fs.existsSync(path.dirname(file))).toBe(false)
    expect((await batch(alive.batchId)).status).toBe('running')
    await alive.release()
  })

  it('a slow upload still arriving is kept past 10 minutes; one with nothing arriving, or whose receiving process is gone, is removed', async () => {
    const past = new Date(Date.now() - 3600_000)
    // begun an hour ago by this process, its last bytes just now
    const slow = await makeUploadDir(root)
    fs.writeFileSync(path.join(slow, 'upload.bin'), 'call_id;direction\n')
    fs.utimesSync(slow, past, past)
    // begun an hour ago, nothing since
    const idle = await makeUploadDir(root)
    fs.writeFileSync(path.join(idle, 'upload.bin'), 'call_id;direction\n')
    for (const p of [path.join(idle, 'upload.bin'), path.join(idle, '.owner'), idle]) fs.utimesSync(p, past, past)
    // fresh, but its receiving process has ended (a child that exited)
    const gone = await makeUploadDir(root)
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
    fs.writeFileSync(path.join(gone, '.owner'), JSON.stringify({ pid: Number(child.stdout), host: os.hostname() }))
    const swept = await sweepImports(t.database, root)
    expect(swept.removed).toBe(2)
    expect([fs.existsSync(slow), fs.existsSync(idle), fs.existsSync(gone)]).toEqual([true, false, false])
  })

  it('upload folders nobody owns are removed once they are old; a fresh one (still being received) stays', async () => {
    const old = fs.mkdtempSync(path.join(root, 'upload-'))
    const fresh = fs.mkdtempSync(path.join(root, 'upload-'))
    const past = new Date(Date.now() - 3600_000)
    fs.utimesSync(old, past, past)
    const swept = await sweepImports(t.database, root)
    expect(swept.removed).toBe(1)
    expect(fs.existsSync(old)).toBe(false)
    expect(fs.existsSync(fresh)).toBe(true)
  })
})
