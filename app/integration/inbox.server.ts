/**
 * Watched folders (ADR 017): `IMPORT_INBOX=<dir>` (or the organisation's setting) — a file dropped into
 * `<dir>/<kind>/` is imported through the same pipeline as an upload, once it is complete: a `.part` name is
 * never taken (rename it when written), and any other file only when its size and time are the same on two
 * scans in a row. Files of a kind are taken in arrival order (modification time, then name), one at a time
 * per kind across every server process (a PostgreSQL advisory lock per organisation and kind). A taken file is
 * moved to `.processing/` first (no second taker, and a crash leaves it there to be imported again — the
 * import's transaction died with its process), then to `done/` or `failed/` beside `<name>.report.txt`
 * (the Russian report, as the CLI prints it) and `<name>.report.json` (the API's JSON).
 * `<dir>/<kind>/<mapping>/` holds files read through the saved column mapping of that name (ADR 018).
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Database } from '#db/client.server.ts'
import { kyselyOn } from '#db/connection.server.ts'
import { lockOf, tryLockSession, unlockSession } from '#db/locks.server.ts'
import { IMPORT_KINDS, type ImportKind } from '#app/imports/kinds.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { formatReportText } from '#app/imports/report-text.ts'
import { getOrganisation } from '#app/models/organisation.server.ts'
import { InputError } from '#reports/errors.ts'
import { apiImportOf } from './api.server.ts'

/** The actor of folder imports in the audit log and the history («папка»). */
export const FOLDER_ACTOR = 'папка'
const SPECIAL = new Set(['done', 'failed', '.processing'])

export interface InboxSetting {
  /** the folder in use, or null: no watched folder */
  dir: string | null
  /** IMPORT_INBOX is set: the page shows it and cannot change it */
  fromEnv: boolean
}

export function inboxSetting(org: { import_inbox: string | null }, env: Record<string, string | undefined> = process.env): InboxSetting {
  if (env.IMPORT_INBOX) return { dir: path.resolve(env.IMPORT_INBOX), fromEnv: true }
  return { dir: org.import_inbox ? path.resolve(org.import_inbox) : null, fromEnv: false }
}

/** The organisation's folder (the settings page): an existing absolute folder, or empty for none. */
export async function setImportInbox(database: Database, orgId: string, value: string): Promise<string | null> {
  const dir = value.trim()
  if (dir === '') {
    await database.db.updateTable('organisation').set({ import_inbox: null }).where('id', '=', orgId).execute()
    return null
  }
  if (!path.isAbsolute(dir)) throw new InputError(`Папка загрузки — полный путь на сервере (например, /srv/sq/inbox), а не «${dir}».`)
  const stat = await fs.stat(dir).catch(() => undefined)
  if (!stat?.isDirectory()) throw new InputError(`Папки «${dir}» на сервере нет: создайте её (с правом записи для сервера) и сохраните снова.`)
  await database.db
    .updateTable('organisation')
    .set({ import_inbox: path.resolve(dir) })
    .where('id', '=', orgId)
    .execute()
  return path.resolve(dir)
}

/** What one process remembers between scans: the size and time of each file it saw. */
export interface InboxState {
  seen: Map<string, string>
}
export const newInboxState = (): InboxState => ({ seen: new Map() })

export interface InboxResult {
  kind: ImportKind
  file: string
  status: 'done' | 'rejected' | 'failed'
  batchId: string | null
  movedTo: string
}

interface Options {
  skipInvalid?: boolean
  log?: (line: string) => void
}

/** One scan of the folder: notes new and growing files, imports the complete ones. */
export async function scanInbox(database: Database, dir: string, state: InboxState, options: Options = {}): Promise<InboxResult[]> {
  const org = await getOrganisation(database.db)
  const results = await Promise.all(IMPORT_KINDS.map((kind) => scanKind(database, org, dir, kind, state, options)))
  return results.flat()
}

async function filesOf(folder: string): Promise<{ name: string; key: string; mtimeMs: number }[]> {
  const entries = await fs.readdir(folder, { withFileTypes: true }).catch(() => [])
  const files: { name: string; key: string; mtimeMs: number }[] = []
  for (const entry of entries) {
    if (!entry.isFile() || entry.name.startsWith('.') || entry.name.endsWith('.part')) continue
    const stat = await fs.stat(path.join(folder, entry.name)).catch(() => undefined)
    if (stat) files.push({ name: entry.name, key: `${stat.size}:${stat.mtimeMs}`, mtimeMs: stat.mtimeMs })
  }
  return files.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name))
}

async function scanKind(
  database: Database,
  org: { id: string; time_zone: string },
  dir: string,
  kind: ImportKind,
  state: InboxState,
  options: Options,
): Promise<InboxResult[]> {
  const kindDir = path.join(dir, kind)
  await fs.mkdir(kindDir, { recursive: true })
  const folders: { folder: string; mapping: string | null }[] = [{ folder: kindDir, mapping: null }]
  for (const entry of await fs.readdir(kindDir, { withFileTypes: true })) {
    if (entry.isDirectory() && !SPECIAL.has(entry.name) && !entry.name.startsWith('.'))
      folders.push({ folder: path.join(kindDir, entry.name), mapping: entry.name })
  }
  // complete files: the same size and time as on the previous scan
  const ready: { folder: string; mapping: string | null; name: string; mtimeMs: number }[] = []
  for (const { folder, mapping } of folders) {
    for (const file of await filesOf(folder)) {
      const at = path.join(folder, file.name)
      if (state.seen.get(at) === file.key) ready.push({ folder, mapping, name: file.name, mtimeMs: file.mtimeMs })
      state.seen.set(at, file.key)
    }
  }
  const orphans: { folder: string; mapping: string | null; name: string }[] = []
  for (const { folder, mapping } of folders) {
    for (const file of await filesOf(path.join(folder, '.processing'))) orphans.push({ folder, mapping, name: file.name })
  }
  if (!ready.length && !orphans.length) return []
  ready.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name))

  const client = await database.pool.connect()
  const results: InboxResult[] = []
  try {
    const held = kyselyOn(client)
    if (!(await tryLockSession(held, lockOf.inbox(org.id, kind)))) return [] // another process is importing this kind's files
    try {
      // left in .processing by a process that stopped mid-import: nothing of it was stored, import it again
      for (const o of orphans)
        results.push(await importOne(database, org, kind, o.folder, o.mapping, path.join(o.folder, '.processing', o.name), o.name, options))
      for (const r of ready) {
        const from = path.join(r.folder, r.name)
        const processing = path.join(r.folder, '.processing', r.name)
        await fs.mkdir(path.dirname(processing), { recursive: true })
        try {
          await fs.rename(from, processing)
        } catch {
          continue // gone meanwhile
        }
        state.seen.delete(from)
        results.push(await importOne(database, org, kind, r.folder, r.mapping, processing, r.name, options))
      }
    } finally {
      await unlockSession(held, lockOf.inbox(org.id, kind))
    }
  } finally {
    client.release()
  }
  return results
}

/** A free name in `folder`: the file's own, else prefixed with the import's number. */
async function freeName(folder: string, name: string, batchId: string | null): Promise<string> {
  const taken = async (n: string) => Boolean(await fs.stat(path.join(folder, n)).catch(() => undefined))
  if (!(await taken(name))) return name
  const prefix = batchId ?? new Date().toISOString().replace(/[:.]/g, '-')
  return `${prefix}-${name}`
}

async function importOne(
  database: Database,
  org: { id: string; time_zone: string },
  kind: ImportKind,
  folder: string,
  mapping: string | null,
  file: string,
  name: string,
  options: Options,
): Promise<InboxResult> {
  let status: InboxResult['status']
  let batchId: string | null = null
  // a subfolder's name is the saved column mapping (ADR 018) its files are read through
  const report = await runFileImport(
    { database, orgId: org.id, zone: org.time_zone },
    {
      kind,
      path: file,
      fileName: name,
      skipInvalid: options.skipInvalid ?? false,
      source: 'folder',
      userId: null,
      actor: FOLDER_ACTOR,
      ip: null,
      mapping: mapping ?? undefined,
    },
  )
  status = report.status
  batchId = report.batchId
  const text = formatReportText(report, { withValues: true })
  const json = await apiImportOf(database, org.id, report.batchId)
  const target = path.join(folder, status === 'done' ? 'done' : 'failed')
  await fs.mkdir(target, { recursive: true })
  const finalName = await freeName(target, name, batchId)
  await fs.writeFile(path.join(target, `${finalName}.report.txt`), `${text}\n`)
  await fs.writeFile(path.join(target, `${finalName}.report.json`), `${JSON.stringify(json, null, 2)}\n`)
  await fs.rename(file, path.join(target, finalName))
  options.log?.(`Папка загрузки: ${kind}/${name} → ${path.relative(path.dirname(folder), path.join(target, finalName))} (${status})`)
  return { kind, file: name, status, batchId, movedTo: path.join(target, finalName) }
}

const watcher = globalThis as unknown as { __sqInboxWatcher?: { stop(): void } }

/**
 * The server's watcher: every INBOX_SCAN_SECONDS (5 by default) a scan of the folder in use (IMPORT_INBOX or
 * the organisation's setting; none — nothing to do). Several server processes may watch one folder.
 */
export function startInboxWatcher(database: Database, env: Record<string, string | undefined> = process.env): void {
  if (watcher.__sqInboxWatcher) return
  const state = newInboxState()
  const seconds = Math.max(1, Number(env.INBOX_SCAN_SECONDS) || 5)
  let busy = false
  let reported = ''
  const tick = async () => {
    if (busy) return
    busy = true
    try {
      const { dir } = inboxSetting(await getOrganisation(database.db), env)
      if (!dir) return
      const stat = await fs.stat(dir).catch(() => undefined)
      if (!stat?.isDirectory()) {
        if (reported !== dir) console.error(`Папка загрузки «${dir}» не найдена: файлы из неё не загружаются.`)
        reported = dir
        return
      }
      reported = ''
      await scanInbox(database, dir, state, { skipInvalid: env.IMPORT_INBOX_SKIP_INVALID === '1', log: (line) => console.log(line) })
    } catch (error) {
      console.error(`Папка загрузки: ${(error as Error).message}`)
    } finally {
      busy = false
    }
  }
  const timer = setInterval(() => void tick(), seconds * 1000)
  timer.unref()
  watcher.__sqInboxWatcher = { stop: () => clearInterval(timer) }
}
