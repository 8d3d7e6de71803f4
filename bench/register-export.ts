/**
 * `npx tsx bench/register-export.ts [--calls 200000] [--smoke]`: rows per second of the calls register as XLSX
 * (the register export of /registers/calls/export.xlsx: every record of a year, streamed from PostgreSQL into
 * the file), and the process's peak memory. Calls are generated in SQL (bench/generate.ts) into a fresh
 * database on BENCH_DATABASE_URL (without it, a throwaway embedded server, common.ts). The file goes to a
 * counting sink, so only the database read and the writing are measured (ADR 026).
 */
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { benchServer, freshDatabase } from './common.ts'
import { yearGenerator } from './generate.ts'
import { getOrganisation } from '#app/models/organisation.server.ts'
import { registerWorkbook } from '#reports/metrics/exports.server.ts'
import { REGISTERS, type RecordContext } from '#reports/metrics/records.server.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import { readView } from '#reports/metrics/view.ts'

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '200000' }, smoke: { type: 'boolean', default: false }, runs: { type: 'string', default: '3' } },
})
const CALLS = values.smoke ? 2000 : Number(values.calls)
const RUNS = values.smoke ? 1 : Number(values.runs)

const server = await benchServer()
try {
  const database = await freshDatabase(server.url, 'bench_register_export')
  const org = await getOrganisation(database.db)
  const gen = yearGenerator(database.db, org.id, { calls: CALLS, appeals: 0, visits: 0 })
  await gen.branchesAndOffices()
  for (let from = 1; from <= CALLS; from += 100_000) await gen.calls(from, Math.min(CALLS, from + 99_999))
  await sql`analyze call`.execute(database.db)
  const { params } = await refreshRollups(database, org.id)
  const view = readView(new URLSearchParams('period=year&year=2025'), org.time_zone, 2025)
  const records: RecordContext = {
    scope: { orgId: org.id, branches: 'all' },
    period: view.period,
    filter: {},
    narrowing: {},
    asOf: new Date(),
    zone: org.time_zone,
    params,
  }
  let peak = 0
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100)
  const rates: number[] = []
  for (let run = 0; run < RUNS; run++) {
    let bytes = 0
    let rows = 0
    const started = performance.now()
    await pipeline(
      registerWorkbook(database.db, { register: REGISTERS.calls, records, personalData: false, about: [['Отчёт', 'замер']], onRows: (n) => (rows = n) }),
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          bytes += chunk.length
          done()
        },
      }),
    )
    const seconds = (performance.now() - started) / 1000
    rates.push(rows / seconds)
    console.log(`прогон ${run + 1}: ${rows} строк за ${seconds.toFixed(1)} с — ${Math.round(rows / seconds)} строк/с, файл ${(bytes / 1e6).toFixed(1)} МБ`)
  }
  clearInterval(timer)
  rates.sort((a, b) => a - b)
  console.log(`медиана: ${Math.round(rates[Math.floor(rates.length / 2)]!)} строк/с; пик памяти процесса ${Math.round(peak / 1e6)} МБ; ${CALLS} звонков`)
  await database.close?.()
} finally {
  await server.stop()
}
process.exit(0)
