/**
 * `npm run bench:dashboard [-- --calls 10000000 --appeals 1000000 --visits 1000000 --runs 15] [--smoke]`
 * The dashboard's server time (rollup check + every figure, table and series of a year view, with the
 * year-before comparison) and a register page (page 1 of a year of calls, with its total), on PostgreSQL:
 * first with 100 k calls, then with the full number, to see how it grows. Rows are generated in SQL
 * (bench/generate.ts). PostgreSQL: BENCH_DATABASE_URL; without it, a throwaway embedded server (common.ts).
 * `--smoke`: 3 000 calls, 1 000 appeals and visits, 2 runs; nothing written to bench/out.
 */
import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import { type BenchServer, benchServer, freshDatabase, machine, median, outputDir, withDatabase } from './common.ts'
import { yearGenerator } from './generate.ts'
import { BENCHMARKS, benchArgs, volume } from './options.ts'
import { type Database, openDatabase } from '#db/client.server.ts'
import { getOrganisation, updateOrganisation } from '#app/models/organisation.server.ts'
import { buildDashboard } from '#reports/metrics/dashboard-view.server.ts'
import { REGISTERS, type RecordContext, listRecords, registerTotal } from '#reports/metrics/records.server.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import { readView } from '#reports/metrics/view.ts'

const values = benchArgs(BENCHMARKS.dashboard.options)
const SMOKE = values.smoke
const CALLS = volume(values, 'calls', 3000)
const APPEALS = volume(values, 'appeals', 1000)
const VISITS = volume(values, 'visits', 1000)
const RUNS = Math.max(1, volume(values, 'runs', 2))
const FIRST_CALLS = Math.min(SMOKE ? 1000 : 100_000, CALLS)

/** Median server time of the year view and of page 1 of the calls register, over RUNS runs. */
async function timeViews(database: Database, orgId: string, zone: string): Promise<{ dashboard: number; register: number }> {
  const view = readView(new URLSearchParams('period=year&year=2025'), zone, 2025)
  const scope = { orgId, branches: 'all' as const }
  const offices = new Map((await database.db.selectFrom('office').select(['office_code', 'name']).execute()).map((o) => [o.office_code, o.name]))
  const dash: number[] = []
  const reg: number[] = []
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now()
    const { params } = await refreshRollups(database, orgId)
    await buildDashboard(database.db, scope, view, new Date(), params, offices)
    dash.push(performance.now() - t)
    t = performance.now()
    const ctx: RecordContext = { scope, period: view.period, filter: {}, narrowing: {}, asOf: new Date(), zone, params }
    await Promise.all([
      listRecords(database.db, REGISTERS.calls, ctx, { sort: 'started_at', dir: 'desc', page: 1, size: 25 }),
      registerTotal(database.db, REGISTERS.calls, ctx),
    ])
    reg.push(performance.now() - t)
  }
  return { dashboard: median(dash), register: median(reg) }
}

/** `--measure-only`: time the existing bench database again (e.g. on a quiet machine), generating nothing. */
async function measureOnly() {
  const given = process.env.BENCH_DATABASE_URL
  if (!given) throw new Error('--measure-only меряет базу прошлого прогона: задайте BENCH_DATABASE_URL (временный встроенный сервер удаляется после прогона).')
  const database = await openDatabase({ DATABASE_URL: withDatabase(given, 'sq_bench_dashboard') })
  const org = await getOrganisation(database.db)
  const { dashboard, register } = await timeViews(database, org.id, org.time_zone)
  const calls = await database.db
    .selectFrom('call')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  console.log(
    `показатели (${Number(calls.n).toLocaleString('ru-RU')} звонков): медиана ${dashboard.toFixed(0)} мс; журнал звонков, стр. 1: ${register.toFixed(0)} мс`,
  )
  await database.close()
}

async function main(server: BenchServer) {
  if (values['measure-only']) return measureOnly()
  const database = await freshDatabase(server.url, 'sq_bench_dashboard')
  const org = await updateOrganisation(database.db, (await getOrganisation(database.db)).id, { regime: 'both', timeZone: 'Europe/Moscow' })
  const db = database.db
  const results: Record<string, unknown> = { machine: machine(), smoke: SMOKE, calls: CALLS, appeals: APPEALS, visits: VISITS }
  const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const t = performance.now()
    const value = await work()
    const ms = Math.round(performance.now() - t)
    results[label] = ms
    console.log(`${label}: ${ms.toLocaleString('ru-RU')} мс`)
    return value
  }

  const generate = yearGenerator(db, org.id, { calls: CALLS, appeals: APPEALS, visits: VISITS })
  await generate.branchesAndOffices()
  await timed('генерация обращений', generate.appeals)
  await timed('генерация посещений', generate.visits)
  const addCalls = generate.calls
  await timed(`генерация звонков: ${FIRST_CALLS.toLocaleString('ru-RU')}`, () => addCalls(1, FIRST_CALLS))
  await sql`analyze`.execute(db)
  await timed('построение сводных таблиц (всё)', () => refreshRollups(database, org.id))
  await sql`analyze`.execute(db)

  const measure = async (label: string) => {
    const { dashboard, register } = await timeViews(database, org.id, org.time_zone)
    results[`показатели, ${label}`] = Math.round(dashboard)
    results[`журнал звонков, ${label}`] = Math.round(register)
    console.log(`показатели (${label}): медиана ${dashboard.toFixed(0)} мс; журнал звонков, стр. 1: ${register.toFixed(0)} мс`)
    return dashboard
  }
  const small = await measure(`${FIRST_CALLS.toLocaleString('ru-RU')} звонков`)
  if (CALLS > FIRST_CALLS) {
    for (let from = FIRST_CALLS + 1; from <= CALLS; from += 2_000_000) {
      const to = Math.min(CALLS, from + 1_999_999)
      await timed(`генерация звонков ${from.toLocaleString('ru-RU')}–${to.toLocaleString('ru-RU')}`, () => addCalls(from, to))
    }
    await sql`analyze`.execute(db)
    await timed('обновление сводных таблиц после загрузки звонков', () => refreshRollups(database, org.id))
    await sql`analyze`.execute(db)
    const large = await measure(`${CALLS.toLocaleString('ru-RU')} звонков`)
    results['рост'] = Number((large / small).toFixed(2))
    console.log(`рост от ${FIRST_CALLS.toLocaleString('ru-RU')} до ${CALLS.toLocaleString('ru-RU')} звонков: ×${(large / small).toFixed(2)}`)
  }
  const rows = await sql<{
    table: string
    n: string
  }>`select 'call_day' as table, count(*) as n from call_day union all select 'visit_day', count(*) from visit_day union all select 'appeal_day', count(*) from appeal_day union all select 'appeal_due_day', count(*) from appeal_due_day`.execute(
    db,
  )
  const rollupRows = Object.fromEntries(rows.rows.map((r) => [r.table, Number(r.n)]))
  results.rollupRows = rollupRows
  console.log('строк в сводных таблицах:', rollupRows)
  // a benchmark that measured nothing must not pass: the generated rows are there and reached the rollups
  const calls = Number((await sql<{ n: string }>`select count(*) as n from call`.execute(db)).rows[0]!.n)
  await database.close()
  if (calls !== CALLS) throw new Error(`в таблице call ${calls} строк вместо ${CALLS}`)
  if (CALLS > 0 && !(rollupRows.call_day! > 0)) throw new Error('сводная таблица call_day пуста после построения')
  const out = outputDir(SMOKE)
  fs.writeFileSync(path.join(out.dir, 'dashboard.json'), JSON.stringify(results, null, 2))
  out.remove()
}

const server = await benchServer()
try {
  await main(server)
} finally {
  await server.stop()
}
