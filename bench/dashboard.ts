/**
 * `npm run bench:dashboard [-- --calls 10000000 --appeals 1000000 --visits 1000000]`
 * The dashboard's server time (rollup check + every figure, table and series of a year view, with the
 * year-before comparison) and a register page (page 1 of a year of calls, with its total), on PostgreSQL:
 * first with 100 k calls, then with the full number, to see how it grows. Rows are generated in SQL.
 * PostgreSQL: BENCH_DATABASE_URL (or DATABASE_URL); without one, a throwaway cluster via .ci/start-postgres.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { freshDatabase, median, root, serverUrl } from './common.ts'
import { type Database, openDatabase } from '#db/client.server.ts'
import { getOrganisation, updateOrganisation } from '#app/models/organisation.server.ts'
import { buildDashboard } from '#reports/metrics/dashboard-view.server.ts'
import { REGISTERS, type RecordContext, listRecords, registerTotal } from '#reports/metrics/records.server.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import { readView } from '#reports/metrics/view.ts'

const { values } = parseArgs({ options: { calls: { type: 'string', default: '10000000' }, appeals: { type: 'string', default: '1000000' }, visits: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '15' }, 'measure-only': { type: 'boolean', default: false } } })
const CALLS = Number(values.calls)
const APPEALS = Number(values.appeals)
const VISITS = Number(values.visits)
const RUNS = Number(values.runs)
const FIRST_CALLS = Math.min(100_000, CALLS)


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
    await Promise.all([listRecords(database.db, REGISTERS.calls, ctx, { sort: 'started_at', dir: 'desc', page: 1, size: 25 }), registerTotal(database.db, REGISTERS.calls, ctx)])
    reg.push(performance.now() - t)
  }
  return { dashboard: median(dash), register: median(reg) }
}

/** `--measure-only`: time the existing bench database again (e.g. on a quiet machine), generating nothing. */
async function measureOnly() {
  const url = new URL(serverUrl())
  url.pathname = '/sq_bench_dashboard'
  const database = await openDatabase({ DATABASE_URL: url.toString() })
  const org = await getOrganisation(database.db)
  const { dashboard, register } = await timeViews(database, org.id, org.time_zone)
  const calls = await database.db.selectFrom('call').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  console.log(`показатели (${Number(calls.n).toLocaleString('ru-RU')} звонков): медиана ${dashboard.toFixed(0)} мс; журнал звонков, стр. 1: ${register.toFixed(0)} мс`)
  await database.close()
}

async function main() {
  if (values['measure-only']) return measureOnly()
  const database = await freshDatabase(serverUrl(), 'sq_bench_dashboard')
  const org = await updateOrganisation(database.db, (await getOrganisation(database.db)).id, { regime: 'both', timeZone: 'Europe/Moscow' })
  const db = database.db
  const results: Record<string, unknown> = { machine: `${os.cpus().length} × ${os.cpus()[0]?.model}, ${Math.round(os.totalmem() / 2 ** 30)} GB`, calls: CALLS, appeals: APPEALS, visits: VISITS }
  const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const t = performance.now()
    const value = await work()
    const ms = Math.round(performance.now() - t)
    results[label] = ms
    console.log(`${label}: ${ms.toLocaleString('ru-RU')} мс`)
    return value
  }

  await sql`insert into branch (org_id, name) select ${org.id}, 'Филиал ' || g from generate_series(1, 3) g`.execute(db)
  await sql`insert into office (org_id, office_code, name, branch_id)
    select ${org.id}, 'O' || g, 'Офис ' || g, (select id from branch where org_id = ${org.id} order by id offset (g % 3) limit 1) from generate_series(1, 30) g`.execute(db)
  const year = sql`timestamptz '2025-01-01 00:00+03'`
  const spread = (n: number) => sql.raw(`(interval '365 days' * (((g::bigint * 7919) % ${n})::float8 / ${n}))`)
  await timed('генерация обращений', () =>
    sql`insert into appeal (org_id, reg_number, received_at, form, topic, complaint_topic, request_type, consumer_type, office_code, branch_id, due_at, answered_at)
      select ${org.id}, 'B-' || g, ${year} + ${spread(APPEALS)},
        (array['in_person','phone','internet','post','other'])[1 + g % 5], (array['transmission','connection','metering','service','maintenance','other'])[1 + g % 6],
        case when g % 13 = 0 then 'service' end, case when g % 5 = 0 then 'connection' end, (array['individual','legal','entrepreneur'])[1 + g % 3],
        'O' || (1 + g % 30), (select id from branch where org_id = ${org.id} order by id offset (g % 3) limit 1),
        ${year} + ${spread(APPEALS)} + interval '30 days', case when g % 17 <> 0 then ${year} + ${spread(APPEALS)} + interval '1 day' * (g % 35) end
      from generate_series(1, ${APPEALS}) g`.execute(db),
  )
  await timed('генерация посещений', () =>
    sql`insert into visit (org_id, ticket_id, office_code, branch_id, service_kind, issued_at, called_at, service_ended_at, consumer_type)
      select ${org.id}, 'T-' || g, 'O' || (1 + g % 30), (select id from branch where org_id = ${org.id} order by id offset ((1 + g % 30) % 3) limit 1),
        (array['consultation','cashier','contract','connection','metering','other'])[1 + g % 6], ${year} + ${spread(VISITS)},
        case when g % 20 <> 0 then ${year} + ${spread(VISITS)} + interval '1 second' * (g % 2700) end,
        case when g % 20 <> 0 then ${year} + ${spread(VISITS)} + interval '1 second' * (g % 2700 + 300 + g % 900) end,
        (array['individual','legal','entrepreneur'])[1 + g % 3]
      from generate_series(1, ${VISITS}) g`.execute(db),
  )
  const addCalls = (from: number, to: number) =>
    sql`insert into call (org_id, call_id, direction, line, branch_id, started_at, answered_at, ended_at, category, callback_required, callback_at)
      select ${org.id}, 'C-' || g, case when g % 10 = 0 then 'out' else 'in' end, 'Линия ' || (g % 10),
        -- a call's branch is its line's (phone lines by branch), as the importer assigns it
        (select id from branch where org_id = ${org.id} order by id offset ((g % 10) % 3) limit 1),
        ${year} + ${spread(CALLS)},
        case when g % 7 <> 0 then ${year} + ${spread(CALLS)} + interval '1 second' * (g % 60) end,
        ${year} + ${spread(CALLS)} + interval '1 second' * (g % 60 + 30 + g % 400),
        (array['1.1','1.2','1.3','1.4','1.5','2','3','4','4.1','4.2','5','6','7','8','9','10','11'])[1 + g % 17],
        g % 25 = 0, case when g % 25 = 0 then ${year} + ${spread(CALLS)} + interval '1 minute' * (g % 300) end
      from generate_series(${from}::int, ${to}::int) g`.execute(db)
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
  const rows = await sql<{ table: string; n: string }>`select 'call_day' as table, count(*) as n from call_day union all select 'visit_day', count(*) from visit_day union all select 'appeal_day', count(*) from appeal_day union all select 'appeal_due_day', count(*) from appeal_due_day`.execute(db)
  results.rollupRows = Object.fromEntries(rows.rows.map((r) => [r.table, Number(r.n)]))
  console.log('строк в сводных таблицах:', results.rollupRows)
  await database.close()
  fs.mkdirSync(path.join(root, 'bench/out'), { recursive: true })
  fs.writeFileSync(path.join(root, 'bench/out/dashboard.json'), JSON.stringify(results, null, 2))
}

await main()
