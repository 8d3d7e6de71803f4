/**
 * `npm run bench:import [-- --rows 1000000 --embedded-rows 200000] [--smoke]`
 * Due dates for 1 M appeals; import throughput against a raw COPY of the same rows into the same table,
 * and peak memory; then the same import of 200 000 calls into the product's embedded default as `npm start`
 * runs it (DATA_DIR in a temporary folder, the server's default settings, fsync on), with the memory of
 * this process and of the embedded PostgreSQL's processes.
 * PostgreSQL for the COPY comparison: BENCH_DATABASE_URL; without it, a throwaway embedded server with
 * fsync off (common.ts). Results: printed and bench/out/results.json.
 * `--smoke`: 2 000 and 1 000 rows, 10 000 due dates; the files in a temporary folder, removed at the end.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { openDatabase, type Database } from '#db/client.server.ts'
import { kyselyOn } from '#db/connection.server.ts'
import { stopEmbeddedServer } from '#db/embedded.server.ts'
import { migrateToLatest } from '#db/migrate.ts'
import { getOrganisation } from '#app/models/organisation.server.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { copyCsv } from '#app/imports/stage.server.ts'
import { benchServer, fmt, freshDatabase, machine, onInterrupt, outputDir, postgresPids, sampleMemory } from './common.ts'
import { CALLS_HEADER as HEADER, writeCalls } from './calls-csv.ts'
import { benchDueDates } from './deadlines.ts'
import { BENCHMARKS, benchArgs, volume } from './options.ts'

const values = benchArgs(BENCHMARKS.run.options)
const SMOKE = values.smoke
const ROWS = Math.max(1, volume(values, 'rows', 2000))
const EMBEDDED_ROWS = Math.max(1, volume(values, 'embedded-rows', 1000))
const DUE_DATES = SMOKE ? 10_000 : 1_000_000
const output = outputDir(SMOKE)
const out = output.dir

/**
 * Peak resident memory of this process while `work` runs, sampled every 50 ms; with `dataDir`, also the
 * peak of the summed RSS of that embedded server's processes (postmaster and children).
 */
async function withPeakMemory<T>(
  work: () => Promise<T>,
  dataDir?: string,
): Promise<{ result: T; seconds: number; peakRssMb: number; baseRssMb: number; postgresPeakRssMb: number }> {
  global.gc?.()
  const base = process.memoryUsage().rss
  let peak = base
  let postgresPeak = 0
  const take = () => {
    peak = Math.max(peak, process.memoryUsage().rss)
    if (dataDir) postgresPeak = Math.max(postgresPeak, sampleMemory(postgresPids(dataDir)).rssMb)
  }
  const timer = setInterval(take, 50)
  const started = performance.now()
  try {
    const result = await work()
    take()
    return { result, seconds: (performance.now() - started) / 1000, peakRssMb: peak / 2 ** 20, baseRssMb: base / 2 ** 20, postgresPeakRssMb: postgresPeak }
  } finally {
    clearInterval(timer)
  }
}

async function importCalls(database: Database, file: string) {
  const org = await getOrganisation(database.db)
  return runFileImport(
    { database, orgId: org.id, zone: org.time_zone },
    { kind: 'calls', path: file, fileName: path.basename(file), skipInvalid: false, source: 'cli' },
  )
}

const results: Record<string, unknown> = {
  machine: machine(),
  smoke: SMOKE,
  date: new Date().toISOString(),
}

// 0. due dates (pure): the deadline engine over the federal production calendar
const dueDates = benchDueDates(DUE_DATES)
console.log(`Сроки (5 рабочих / 30 календарных дней) для ${fmt(DUE_DATES)} обращений: ${dueDates.seconds.toFixed(2)} с (цель для 1 000 000 < 1 с)`)
results.dueDates = { rows: DUE_DATES, seconds: Number(dueDates.seconds.toFixed(3)) }

const csv = path.join(out, `calls-${ROWS}.csv`)
if (!fs.existsSync(csv)) {
  console.log(`Генерирую ${fmt(ROWS)} звонков → ${csv}`)
  writeCalls(csv, ROWS)
}
const size = fs.statSync(csv).size
console.log(`Файл: ${(size / 2 ** 20).toFixed(0)} МБ, ${fmt(ROWS)} строк`)

const server = await benchServer()
try {
  const database = await freshDatabase(server.url, 'sq_bench')
  const org = await getOrganisation(database.db)

  // 1. baseline: a raw COPY of the same file into the same table (same indexes and constraints)
  const client = await database.pool.connect()
  const held = kyselyOn(client)
  await held.schema
    .alterTable('call')
    .alterColumn('org_id', (c) => c.setDefault(Number(org.id)))
    .execute()
  const copy = await withPeakMemory(() => copyCsv(client, 'call', HEADER.split(','), fs.createReadStream(csv)))
  await held.schema
    .alterTable('call')
    .alterColumn('org_id', (c) => c.dropDefault())
    .execute()
  // cascade: the survey tables reference call (an invitation or a response about a call); they are empty here
  await sql`truncate ${sql.table('call')} cascade`.execute(held)
  client.release()
  console.log(`COPY (сырой): ${copy.seconds.toFixed(2)} с, ${fmt(ROWS / copy.seconds)} строк/с`)

  // 2. the import pipeline: detect, parse, validate, stage by COPY, merge by key
  const run = await withPeakMemory(() => importCalls(database, csv))
  if (run.result.status !== 'done' || run.result.inserted !== ROWS) throw new Error(`import failed: ${run.result.message}`)
  console.log(
    `Импорт: ${run.seconds.toFixed(2)} с, ${fmt(ROWS / run.seconds)} строк/с, пик памяти процесса ${fmt(run.peakRssMb)} МБ (до начала ${fmt(run.baseRssMb)} МБ)`,
  )
  const ratio = copy.seconds / run.seconds
  console.log(`Отношение скорости импорта к сырому COPY: ${ratio.toFixed(2)} (цель ≥ 0,6)`)

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
  if (again.result.status !== 'done' || again.result.unchanged !== ROWS)
    throw new Error(`повторный импорт: ожидалось ${ROWS} строк без изменений, получено ${again.result.unchanged} (${again.result.message})`)
  await database.close()
} finally {
  await server.stop()
}

// 4. the product's embedded default, as `npm start` runs it (its own settings: fsync on)
const small = path.join(out, `calls-${EMBEDDED_ROWS}.csv`)
if (!fs.existsSync(small)) writeCalls(small, EMBEDDED_ROWS)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-bench-embedded-'))
const removeDir = async () => {
  await stopEmbeddedServer(dir)
  fs.rmSync(dir, { recursive: true, force: true })
}
const forget = onInterrupt(removeDir)
try {
  const embedded = await openDatabase({ DATA_DIR: dir })
  await migrateToLatest(embedded.db)
  const run = await withPeakMemory(() => importCalls(embedded, small), dir)
  if (run.result.status !== 'done' || run.result.inserted !== EMBEDDED_ROWS) throw new Error(`импорт во встроенную базу не удался: ${run.result.message}`)
  console.log(
    `Встроенная база (PostgreSQL 17, как у npm start): ${fmt(EMBEDDED_ROWS)} строк за ${run.seconds.toFixed(2)} с, ${fmt(EMBEDDED_ROWS / run.seconds)} строк/с; ` +
      `пик памяти: процесс ${fmt(run.peakRssMb)} МБ + PostgreSQL ${fmt(run.postgresPeakRssMb)} МБ (сумма RSS его процессов)`,
  )
  results.embedded = {
    rows: EMBEDDED_ROWS,
    importSeconds: run.seconds,
    importRowsPerSecond: Math.round(EMBEDDED_ROWS / run.seconds),
    importPeakRssMb: Math.round(run.peakRssMb),
    postgresPeakRssMb: Math.round(run.postgresPeakRssMb),
  }
  await embedded.close()
} finally {
  forget()
  await removeDir()
}

fs.writeFileSync(path.join(out, 'results.json'), JSON.stringify(results, null, 2))
console.log(SMOKE ? 'Проверочный прогон (--smoke): итоги не сохраняются.' : `Итоги: ${path.join(out, 'results.json')}`)
output.remove()
