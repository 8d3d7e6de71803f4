import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { type ControlledTransaction, sql } from 'kysely'
import type { Database } from '#db/client.server.ts'
import { kyselyOn } from '#db/connection.server.ts'
import { lockOf, lockSession, tryLockSession, unlockSession } from '#db/locks.server.ts'
import type { DB } from '#db/schema.ts'
import { getOrganisation } from '#app/models/organisation.server.ts'
import type { ImportKind } from './kinds.ts'
import type { BranchScope } from './branch-scope.server.ts'
import { livenessOf, runFileImport } from './pipeline.server.ts'

/**
 * Imports as jobs (ADR 013). A web upload is stored in the uploads folder and queued as an `import_batch`
 * row (`queued`); a runner in the server process takes queued rows one at a time with
 * `FOR UPDATE SKIP LOCKED` (several server processes share the queue), marks them running and holds the
 * batch's advisory lock in its session while the import runs. A batch that is `running` while nobody holds
 * its lock belongs to a process that died: the sweep marks it «прервана» (its transaction was rolled back
 * with the session, so nothing was stored) and removes its file. Files are removed on every ending.
 */
export interface ImportJob {
  kind: ImportKind
  fileName: string
  skipInvalid: boolean
  /** «создать филиалы»: the branches the file names and the organisation lacks are created (issue 16) */
  createBranches?: boolean
  /** an adapter or `queue_log`/`canonical` (FileImportRequest.format), and a saved mapping's name */
  format?: string
  mapping?: string
  userId: string | null
  actor: string
  ip: string | null
  /** `web` unless told: the import API queues its bodies as `api` (ADR 017) */
  source?: 'web' | 'api'
  tokenId?: string | null
  branchScope?: BranchScope
}

/** Where uploads wait for their import: `UPLOAD_DIR`, else `<DATA_DIR>/uploads`. */
export function uploadRoot(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(env.UPLOAD_DIR || path.join(env.DATA_DIR || 'data', 'uploads'))
}

export async function enqueueImport(database: Database, orgId: string, job: ImportJob, filePath: string, fileSize: number): Promise<string> {
  const row = await database.db
    .insertInto('import_batch')
    .values({
      org_id: orgId,
      kind: job.kind,
      file_name: job.fileName,
      file_size: fileSize,
      source: job.source ?? 'web',
      token_id: job.tokenId ?? null,
      skip_invalid: job.skipInvalid,
      user_id: job.userId,
      status: 'queued',
      file_path: filePath,
      job: JSON.stringify(job),
      progress: JSON.stringify({ phase: 'queued', bytesRead: 0, totalBytes: fileSize, rowsRead: 0, rowsRejected: 0 }),
      format: null,
      encoding: null,
      delimiter: null,
      message: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  kickRunner()
  return row.id
}

/** The folder of an upload (one per upload, inside the uploads folder), removed with everything in it. */
async function removeUpload(filePath: string | null, root: string): Promise<void> {
  if (!filePath) return
  const dir = path.dirname(path.resolve(filePath))
  if (path.dirname(dir) !== root) return // never outside the uploads folder
  await fs.rm(dir, { recursive: true, force: true })
}

/** Takes the oldest queued import, if any, and runs it to its end. Returns whether there was one. */
export async function runNextImport(database: Database, root = uploadRoot()): Promise<boolean> {
  const client = await database.pool.connect()
  const held = kyselyOn(client)
  let claimed: { id: string; file_path: string | null; job: ImportJob } | undefined
  let trx: ControlledTransaction<DB> | undefined
  try {
    trx = await held.startTransaction().execute()
    const found = await trx
      .selectFrom('import_batch')
      .select(['id', 'file_path', 'job'])
      .where('status', '=', 'queued')
      .orderBy('id')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst()
    claimed = found && { ...found, job: found.job as ImportJob }
    if (!claimed) {
      await trx.rollback().execute()
      client.release()
      return false
    }
    await trx
      .updateTable('import_batch')
      .set({ status: 'running', started_at: sql<Date>`now()` })
      .where('id', '=', claimed.id)
      .execute()
    await lockSession(held, lockOf.batch(claimed.id)) // in the transaction (one connection), kept after it
    await trx.commit().execute()
  } catch (error) {
    await trx
      ?.rollback()
      .execute()
      .catch(() => {})
    client.release(error as Error)
    throw error
  }
  const batchId = String(claimed.id)
  let keep = false
  try {
    const org = await getOrganisation(database.db)
    const report = await runFileImport(
      { database, orgId: org.id, zone: org.time_zone },
      { ...claimed.job, path: claimed.file_path ?? '', source: claimed.job.source ?? 'web', liveness: livenessOf(client, batchId) },
    )
    // refused for branches it names and the organisation lacks: the file waits (a day) for «создать филиалы»
    keep = report.status === 'rejected' && report.branches.unknown.length > 0 && !claimed.job.createBranches
  } finally {
    if (!keep) await removeUpload(claimed.file_path, root)
  }
  return true
}

/** How long the file of an import refused for unknown branches waits for «создать филиалы». */
export const KEPT_FOR_BRANCHES_HOURS = 24

/** Whether the refused import `batch` can be run again with «создать филиалы» (its file is still kept). */
export async function mayCreateBranches(batch: {
  status: string
  file_path: string | null
  finished_at: Date | null
  branch_report: unknown
}): Promise<boolean> {
  const report = batch.branch_report as { unknown?: unknown[] } | null
  if (batch.status !== 'rejected' || !batch.file_path || !report?.unknown?.length) return false
  if (!batch.finished_at || Date.now() - batch.finished_at.getTime() > KEPT_FOR_BRANCHES_HOURS * 3600_000) return false
  return fs.stat(batch.file_path).then(
    () => true,
    () => false,
  )
}

/**
 * «Создать филиалы и загрузить снова»: the kept file of a refused import is queued as a new import that creates
 * the branches it names. The refused batch gives its file up (one owner at a time). Returns the new batch id.
 */
export async function requeueCreatingBranches(
  database: Database,
  orgId: string,
  batchId: string,
  who: { userId: string | null; actor: string; ip: string | null },
): Promise<string | undefined> {
  const batch = await database.db.selectFrom('import_batch').selectAll().where('org_id', '=', orgId).where('id', '=', batchId).executeTakeFirst()
  if (!batch || !(await mayCreateBranches(batch))) return undefined
  const taken = await database.db
    .updateTable('import_batch')
    .set({ file_path: null })
    .where('id', '=', batch.id)
    .where('file_path', '=', batch.file_path)
    .executeTakeFirst()
  if (!taken.numUpdatedRows) return undefined // another click took it
  const job = { ...(batch.job as ImportJob), createBranches: true, ...who }
  return enqueueImport(database, orgId, job, batch.file_path!, Number(batch.file_size ?? 0))
}

/** An upload folder no import owns is removed after this long without a byte arriving. */
export const UPLOAD_IDLE_MS = 10 * 60_000
const OWNER_FILE = '.owner'

/**
 * A folder of its own for an upload being received (web form, API body), with the receiving process noted
 * (`.owner`: pid and host), so that the sweep can tell a slow upload still arriving from an abandoned one.
 */
export async function makeUploadDir(root = uploadRoot()): Promise<string> {
  await fs.mkdir(root, { recursive: true })
  const dir = await fs.mkdtemp(path.join(root, 'upload-'))
  await fs.writeFile(path.join(dir, OWNER_FILE), JSON.stringify({ pid: process.pid, host: os.hostname() }))
  return dir
}

/** The receiving process is known to be gone: it ran on this host and no such process exists now. */
async function ownerGone(dir: string): Promise<boolean> {
  const text = await fs.readFile(path.join(dir, OWNER_FILE), 'utf8').catch(() => undefined)
  if (!text) return false
  try {
    const owner = JSON.parse(text) as { pid?: unknown; host?: unknown }
    if (owner.host !== os.hostname() || !Number.isInteger(owner.pid)) return false
    process.kill(owner.pid as number, 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

/** The last time anything arrived in an upload folder: its own mtime or that of a file in it (a file grows as bytes come). */
async function lastProgress(dir: string): Promise<number> {
  let latest = (await fs.stat(dir).catch(() => undefined))?.mtimeMs ?? 0
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    const stat = await fs.stat(path.join(dir, name)).catch(() => undefined)
    if (stat && stat.mtimeMs > latest) latest = stat.mtimeMs
  }
  return latest
}

/**
 * Marks the imports whose process died «прервана» and removes their files, and removes upload folders
 * that no queued or running import owns: when the process receiving them is gone, or when nothing has
 * arrived in them for 10 minutes (an upload being received has no import yet; a slow one keeps writing).
 */
export async function sweepImports(database: Database, root = uploadRoot()): Promise<{ interrupted: string[]; removed: number }> {
  const running = await database.db.selectFrom('import_batch').select(['id', 'file_path']).where('status', '=', 'running').execute()
  const interrupted: string[] = []
  for (const batch of running) {
    const client = await database.pool.connect()
    try {
      const held = kyselyOn(client)
      if (!(await tryLockSession(held, lockOf.batch(batch.id)))) continue // its process is alive
      const marked = await held
        .updateTable('import_batch')
        .set({
          status: 'interrupted',
          finished_at: sql<Date>`now()`,
          progress: null,
          file_path: null,
          rows_inserted: 0,
          rows_updated: 0,
          rows_unchanged: 0,
          rows_pending: 0,
          message: 'Загрузка прервана: процесс, который её выполнял, остановился. Ничего не сохранено — загрузите файл снова.',
        })
        .where('id', '=', batch.id)
        .where('status', '=', 'running')
        .executeTakeFirst()
      await unlockSession(held, lockOf.batch(batch.id))
      if (marked.numUpdatedRows) {
        interrupted.push(String(batch.id))
        await removeUpload(batch.file_path, root)
      }
    } finally {
      client.release()
    }
  }
  let removed = 0
  const waiting = new Date(Date.now() - KEPT_FOR_BRANCHES_HOURS * 3600_000)
  const owned = new Set(
    (
      await database.db
        .selectFrom('import_batch')
        .select('file_path')
        .where('file_path', 'is not', null)
        .where((eb) =>
          eb.or([
            eb('status', 'in', ['queued', 'running']),
            eb.and([eb('status', '=', 'rejected'), eb('branch_report', 'is not', null), eb('finished_at', '>', waiting)]),
          ]),
        )
        .execute()
    ).map((b) => path.dirname(path.resolve(b.file_path!))),
  )
  const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => [])
  for (const entry of entries) {
    const dir = path.join(root, entry.name)
    if (!entry.isDirectory() || owned.has(dir)) continue
    if (Date.now() - (await lastProgress(dir)) < UPLOAD_IDLE_MS && !(await ownerGone(dir))) continue
    await fs.rm(dir, { recursive: true, force: true })
    removed++
  }
  return { interrupted, removed }
}

const runner = globalThis as unknown as { __sqImportRunner?: { kick(): void; stop(): void } }

function kickRunner() {
  runner.__sqImportRunner?.kick()
}

/**
 * The server's import runner: sweeps once, then runs queued imports one after another — at once after an
 * upload, and every 2 s (imports queued by another server process) — sweeping again every minute.
 */
export function startImportRunner(database: Database, root = uploadRoot()): void {
  if (runner.__sqImportRunner) return
  let busy = false
  let again = false
  let lastSweep = 0
  const work = async () => {
    if (busy) {
      again = true
      return
    }
    busy = true
    try {
      do {
        again = false
        if (Date.now() - lastSweep > 60_000) {
          lastSweep = Date.now()
          const swept = await sweepImports(database, root)
          if (swept.interrupted.length) console.log(`Загрузки прерваны (процесс остановился): № ${swept.interrupted.join(', ')}`)
        }
        while (await runNextImport(database, root)) {
          // next
        }
      } while (again)
    } catch (error) {
      console.error(`Очередь загрузок: ${(error as Error).message}`)
    } finally {
      busy = false
    }
  }
  const timer = setInterval(() => void work(), 2000)
  timer.unref()
  runner.__sqImportRunner = { kick: () => void work(), stop: () => clearInterval(timer) }
  void work()
}
