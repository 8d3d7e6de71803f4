/**
 * What the benchmarks share: where PostgreSQL is (BENCH_DATABASE_URL, or a throwaway embedded server), a
 * fresh database on it, the median, and the memory and CPU of a process tree read from /proc.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { type Database, openDatabase } from '#db/client.server.ts'
import { ensureEmbeddedServer, stopEmbeddedServer } from '#db/embedded.server.ts'
import { migrateToLatest } from '#db/migrate.ts'

export const root = path.resolve(import.meta.dirname, '..')

/** Settings of a throwaway benchmark server: nothing in it must survive a crash (as CI's cluster). */
export const BENCH_SERVER_SETTINGS = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: 200 }

export interface BenchServer {
  /** An admin URL (its `postgres` database, or the database of BENCH_DATABASE_URL). */
  url: string
  /** The embedded server's data folder; undefined for BENCH_DATABASE_URL. */
  dataDir?: string
  stop(): Promise<void>
}

const cleanups = new Set<() => Promise<void> | void>()
let exiting = false
/** Runs `fn` once when the process ends by SIGINT/SIGTERM (Ctrl+C) as well as at `stop()`. */
export function onInterrupt(fn: () => Promise<void> | void): () => void {
  cleanups.add(fn)
  return () => cleanups.delete(fn)
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (exiting) return
    exiting = true
    console.error(`\nПрервано (${signal}): останавливаю запущенные серверы и удаляю временные папки…`)
    for (const fn of [...cleanups].reverse()) await Promise.resolve(fn()).catch(() => {})
    process.exit(130)
  })
}

/**
 * The PostgreSQL the benchmark runs on: BENCH_DATABASE_URL when set, otherwise the product's embedded
 * PostgreSQL 17 (from npm) started in a temporary folder with fsync off — only Node is needed. `stop()`
 * stops that server and removes the folder.
 */
export async function benchServer(): Promise<BenchServer> {
  const given = process.env.BENCH_DATABASE_URL
  if (given) return { url: given, stop: async () => {} }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-bench-pg-'))
  const remove = async () => {
    await stopEmbeddedServer(dir)
    fs.rmSync(dir, { recursive: true, force: true })
  }
  const forget = onInterrupt(remove)
  try {
    const server = await ensureEmbeddedServer({ dir, database: 'postgres', settings: BENCH_SERVER_SETTINGS })
    return {
      url: server.url,
      dataDir: dir,
      stop: async () => {
        forget()
        await remove()
      },
    }
  } catch (error) {
    forget()
    await remove()
    throw error
  }
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** The value at fraction `p` (0…1) of the sorted numbers (nearest rank). */
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return Number.NaN
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
}

/** The same server, another database (keeps `?host=` of a Unix-socket URL). */
export function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

/** Database `name` on the server at `serverUrl`, dropped if it exists, created and migrated. */
export async function freshDatabase(serverUrl: string, name: string): Promise<Database> {
  const admin = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: serverUrl, max: 1 }) }) })
  await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin)
  await sql`create database ${sql.id(name)}`.execute(admin)
  await admin.destroy()
  const database = await openDatabase({ DATABASE_URL: withDatabase(serverUrl, name) })
  await migrateToLatest(database.db)
  return database
}

/** A folder for the benchmark's files: bench/out, or a temporary one in smoke mode (removed by the caller). */
export function outputDir(smoke: boolean): { dir: string; remove(): void } {
  if (!smoke) {
    const dir = path.join(root, 'bench/out')
    fs.mkdirSync(dir, { recursive: true })
    return { dir, remove() {} }
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-bench-out-'))
  const forget = onInterrupt(() => fs.rmSync(dir, { recursive: true, force: true }))
  return {
    dir,
    remove() {
      forget()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} ГБ, Node ${process.version}`
}

// ---- /proc: memory and CPU of the product's processes ----

const PAGE_KB = 4

function readStat(pid: number): { ppid: number; ticks: number; childTicks: number; rssKb: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the command may contain spaces and parentheses: the fields start after the last ')'
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
    // fields[0] is field 3 (state): ppid = 4, utime = 14, stime = 15, cutime = 16, cstime = 17, rss = 24
    return {
      ppid: Number(fields[1]),
      ticks: Number(fields[11]) + Number(fields[12]),
      childTicks: Number(fields[13]) + Number(fields[14]),
      rssKb: Number(fields[21]) * PAGE_KB,
    }
  } catch {
    return undefined
  }
}

/** Proportional set size (shared pages divided among the processes that map them), in kB. */
function readPssKb(pid: number): number | undefined {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))
    return match ? Number(match[1]) : undefined
  } catch {
    return undefined
  }
}

/** The postmaster's PID from `<dataDir>/postgres/postmaster.pid`, when it runs. */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0])
    return pid > 0 && readStat(pid) ? pid : undefined
  } catch {
    return undefined
  }
}

/** The postmaster and its children (backends, checkpointer, walwriter, …), found by their parent PID. */
export function postgresPids(dataDir: string): number[] {
  const master = postmasterPid(dataDir)
  if (!master) return []
  const pids = [master]
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid) || pid === master) continue
    if (readStat(pid)?.ppid === master) pids.push(pid)
  }
  return pids
}

export interface ProcessSample {
  rssMb: number
  pssMb: number
  processes: number
}

/** Summed RSS and PSS of the processes. */
export function sampleMemory(pids: number[]): ProcessSample {
  let rss = 0
  let pss = 0
  let processes = 0
  for (const pid of pids) {
    const stat = readStat(pid)
    if (!stat) continue
    processes++
    rss += stat.rssKb
    pss += readPssKb(pid) ?? stat.rssKb
  }
  return { rssMb: rss / 1024, pssMb: pss / 1024, processes }
}

const TICKS_PER_SECOND = 100 // USER_HZ on Linux

/** CPU seconds used so far by the processes; with `withReaped`, also by their children that have ended (the postmaster's backends). */
export function cpuSeconds(pids: number[], withReaped: number[] = []): number {
  let ticks = 0
  for (const pid of pids) ticks += readStat(pid)?.ticks ?? 0
  for (const pid of withReaped) ticks += readStat(pid)?.childTicks ?? 0
  return ticks / TICKS_PER_SECOND
}

/**
 * Samples the memory of the processes `pids()` names every `everyMs` until `stop()`, keeping the peaks
 * (of the sum, per group).
 */
export function memorySampler(groups: () => Record<string, number[]>, everyMs = 250) {
  const peak: Record<string, ProcessSample> = {}
  let peakTotal: ProcessSample = { rssMb: 0, pssMb: 0, processes: 0 }
  const take = () => {
    let total: ProcessSample = { rssMb: 0, pssMb: 0, processes: 0 }
    for (const [name, pids] of Object.entries(groups())) {
      const s = sampleMemory(pids)
      const p = peak[name]
      if (!p || s.rssMb > p.rssMb) peak[name] = s
      total = { rssMb: total.rssMb + s.rssMb, pssMb: total.pssMb + s.pssMb, processes: total.processes + s.processes }
    }
    if (total.rssMb > peakTotal.rssMb) peakTotal = total
  }
  take()
  const timer = setInterval(take, everyMs)
  return {
    stop() {
      clearInterval(timer)
      take()
      return { total: peakTotal, groups: peak }
    },
  }
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('ru-RU', { maximumFractionDigits: digits, minimumFractionDigits: digits })
