/**
 * `npm run bench [-- --rows 1000000] [--pglite-rows 200000]`
 * Due dates for 1 M appeals; import throughput against a raw COPY of the same rows into the same table,
 * and peak memory.
 * PostgreSQL: BENCH_DATABASE_URL (or DATABASE_URL); without one, a throwaway cluster is started with
 * .ci/start-postgres (needs Debian's postgresql, as CI installs it). Results: printed and bench/out/results.json.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { pipeline } from 'node:stream/promises'
import { openDatabase, type Database } from '#db/client.server.ts'
import { migrateToLatest } from '#db/migrate.ts'
import { getOrganisation } from '#app/models/organisation.server.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { prng } from '#app/demo/generate.ts'
import { benchDueDates } from './deadlines.ts'

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, 'pglite-rows': { type: 'string', default: '200000' } } })
const ROWS = Number(values.rows)
const PGLITE_ROWS = Number(values['pglite-rows'])
const root = path.resolve(import.meta.dirname, '..')
const out = path.join(root, 'bench/out')
fs.mkdirSync(out, { recursive: true })

const HEADER = 'call_id,direction,line,started_at,answered_at,ended_at,agent,category,callback_required,callback_at,caller_phone'

/** N calls as CSV with ISO timestamps (which a raw COPY can read too), deterministic. */
function writeCalls(file: string, rows: number): void {
  const rand = prng(7)
  const fd = fs.openSync(file, 'w')
  let chunk = `${HEADER}\n`
  const t0 = Date.UTC(2025, 0, 1, 5)
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', '+00:00')
  for (let i = 0; i < rows; i++) {
    const start = t0 + Math.floor(i * (365 * 86_400_000) / rows)
    const answered = rand() < 0.9
    const answerAt = start + Math.floor(rand() * 60_000)
    const end = (answered ? answerAt : start) + 20_000 + Math.floor(rand() * 300_000)
    const callback = answered && rand() < 0.05
    chunk += `${1735700000 + i}.${i % 1000},in,Горячая линия 8-800,${iso(start)},${answered ? iso(answerAt) : ''},${iso(end)},${answered ? `оператор ${i % 17}` : ''},${answered ? '1.1' : ''},${callback ? '1' : '0'},${callback ? iso(end + 3_600_000) : ''},+7 916 ${String(i % 10_000_000).padStart(7, '0')}\n`
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk)
      chunk = ''
    }
  }
  fs.writeSync(fd, chunk)
  fs.closeSync(fd)
}

function startThrowawayPostgres(): { url: string; stop(): void } {
  const env = { ...process.env, PGROOT: '/tmp/sq-bench-pg', PGPORT: '55450' }
  const output = execFileSync('bash', [path.join(root, '.ci/start-postgres')], { env, encoding: 'utf8' })
  const url = /DATABASE_URL=(\S+)/.exec(output)?.[1]
  if (!url) throw new Error('could not start PostgreSQL')
  const pgbin = execFileSync('bash', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1'], { encoding: 'utf8' }).trim()
  return { url, stop: () => execFileSync('runuser', ['-u', 'postgres', '--', `${pgbin}/pg_ctl`, '-D', '/tmp/sq-bench-pg/data', '-m', 'fast', 'stop']) }
}

/** Peak resident memory of this process while `work` runs, sampled every 50 ms. */
async function withPeakMemory<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number; peakRssMb: number; baseRssMb: number }> {
  global.gc?.()
  const base = process.memoryUsage().rss
  let peak = base
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
  const started = performance.now()
  try {
    const result = await work()
    peak = Math.max(peak, process.memoryUsage().rss)
    return { result, seconds: (performance.now() - started) / 1000, peakRssMb: peak / 2 ** 20, baseRssMb: base / 2 ** 20 }
  } finally {
    clearInterval(timer)
  }
}

async function importCalls(database: Database, file: string) {
  const org = await getOrganisation(database.db)
  return runFileImport({ database, orgId: org.id, zone: org.time_zone }, { kind: 'calls', path: file, fileName: path.basename(file), skipInvalid: false, source: 'cli' })
}

const fmt = (n: number) => Math.round(n).toLocaleString('ru-RU')
const results: Record<string, unknown> = {
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  date: new Date().toISOString(),
}

// 0. due dates (pure): the deadline engine over the federal production calendar
const dueDates = benchDueDates(1_000_000)
console.log(`Сроки (5 рабочих / 30 календарных дней) для 1 000 000 обращений: ${dueDates.seconds.toFixed(2)} с (цель < 1 с)`)
results.dueDates = { rows: 1_000_000, seconds: Number(dueDates.seconds.toFixed(3)) }

const csv = path.join(out, `calls-${ROWS}.csv`)
if (!fs.existsSync(csv)) {
  console.log(`Генерирую ${fmt(ROWS)} звонков → ${csv}`)
  writeCalls(csv, ROWS)
}
const size = fs.statSync(csv).size
console.log(`Файл: ${(size / 2 ** 20).toFixed(0)} МБ, ${fmt(ROWS)} строк`)

const external = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL
const server = external ? { url: external, stop() {} } : startThrowawayPostgres()
try {
  const admin = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: server.url, max: 1 }) }) })
  await sql`drop database if exists sq_bench with (force)`.execute(admin)
  await sql`create database sq_bench`.execute(admin)
  const url = new URL(server.url)
  url.pathname = '/sq_bench'
  const database = await openDatabase({ DATABASE_URL: url.toString() })
  await migrateToLatest(database.db)
  const org = await getOrganisation(database.db)

  // 1. baseline: a raw COPY of the same file into the same table (same indexes and constraints)
  const client = await database.pool.connect()
  await client.query(`alter table call alter column org_id set default ${Number(org.id)}`)
  const copy = await withPeakMemory(async () => {
    await pipeline(fs.createReadStream(csv), client.query(copyFrom(`copy call (${HEADER}) from stdin with (format csv, header true)`)))
  })
  await client.query('alter table call alter column org_id drop default')
  await client.query('truncate call')
  client.release()
  console.log(`COPY (сырой): ${copy.seconds.toFixed(2)} с, ${fmt(ROWS / copy.seconds)} строк/с`)

  // 2. the import pipeline: detect, parse, validate, stage by COPY, merge by key
  const run = await withPeakMemory(() => importCalls(database, csv))
  if (run.result.status !== 'done' || run.result.inserted !== ROWS) throw new Error(`import failed: ${run.result.message}`)
  console.log(`Импорт: ${run.seconds.toFixed(2)} с, ${fmt(ROWS / run.seconds)} строк/с, пик памяти процесса ${fmt(run.peakRssMb)} МБ (до начала ${fmt(run.baseRssMb)} МБ)`)
  const ratio = copy.seconds / run.seconds
  console.log(`Отношение скорости импорта к сырому COPY: ${ratio.toFixed(2)} (цель ≥ 0,5)`)

  // 3. the same file again: every row unchanged
  const again = await withPeakMemory(() => importCalls(database, csv))
  console.log(`Повторный импорт (без изменений): ${again.seconds.toFixed(2)} с, без изменений ${fmt(again.result.unchanged)}`)
  results.postgres = {
    rows: ROWS,
    fileMb: Math.round(size / 2 ** 20),
    copySeconds: copy.seconds,
    importSeconds: run.seconds,
    importRowsPerSecond: Math.round(ROWS / run.seconds),
    ratioToCopy: Number(ratio.toFixed(2)),
    importPeakRssMb: Math.round(run.peakRssMb),
    reimportSeconds: again.seconds,
  }
  await database.close()
  await sql`drop database if exists sq_bench with (force)`.execute(admin)
  await admin.destroy()
} finally {
  server.stop()
}

// 4. the embedded database: batched INSERTs instead of COPY
const small = path.join(out, `calls-${PGLITE_ROWS}.csv`)
if (!fs.existsSync(small)) writeCalls(small, PGLITE_ROWS)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-bench-pglite-'))
const embedded = await openDatabase({ PGLITE_DIR: path.join(dir, 'pglite') })
await migrateToLatest(embedded.db)
const lite = await withPeakMemory(() => importCalls(embedded, small))
console.log(`PGlite: ${fmt(PGLITE_ROWS)} строк за ${lite.seconds.toFixed(2)} с, ${fmt(PGLITE_ROWS / lite.seconds)} строк/с, пик памяти ${fmt(lite.peakRssMb)} МБ`)
results.pglite = { rows: PGLITE_ROWS, importSeconds: lite.seconds, importRowsPerSecond: Math.round(PGLITE_ROWS / lite.seconds), importPeakRssMb: Math.round(lite.peakRssMb) }
await embedded.close()
fs.rmSync(dir, { recursive: true, force: true })

fs.writeFileSync(path.join(out, 'results.json'), JSON.stringify(results, null, 2))
console.log(`Итоги: ${path.join(out, 'results.json')}`)
