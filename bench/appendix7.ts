/**
 * `npm run bench:appendix7 [-- --appeals 1000000 --runs 5] [--smoke]`
 * Appendix 7 for a year of N appeals (plus a tenth as many the year before, 250 k visits, 500 k calls) on
 * PostgreSQL: the tables and checks (everything but writing table 4.9), then the whole file as XLSX and as
 * ODS with table 4.9 streamed, and as PDF (4.9 laid out twice: counting pages, then drawing), its rows
 * per second, the process's peak memory while writing and the file's size (`--formats pdf` for one).
 * PostgreSQL: BENCH_DATABASE_URL; without it, a throwaway embedded server (common.ts).
 * `--smoke`: 1 000 appeals (visits and calls in proportion), 1 run; nothing written to bench/out.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { sql } from 'kysely'
import { type BenchServer, benchServer, freshDatabase, machine, median, outputDir, withDatabase } from './common.ts'
import { BENCHMARKS, benchArgs, volume } from './options.ts'
import { openDatabase } from '#db/client.server.ts'
import { getOrganisation, updateOrganisation } from '#app/models/organisation.server.ts'
import { aboutAppendix7, prepareAppendix7, writeAppendix7 } from '#reports/appendix-7/build.server.ts'
import { appendix7Context } from '#reports/appendix-7/context.server.ts'
import { writeAppendix7Pdf } from '#reports/appendix-7/pdf.server.ts'

const values = benchArgs(BENCHMARKS.appendix7.options)
const SMOKE = values.smoke
const APPEALS = volume(values, 'appeals', 1000)
const RUNS = Math.max(1, volume(values, 'runs', 1))
// a year of 1 M appeals comes with 250 k visits and 500 k calls
const VISITS = Math.max(1, Math.round(APPEALS / 4))
const CALLS = Math.max(1, Math.round(APPEALS / 2))
const FORMATS = String(values.formats)
  .split(',')
  .filter((f): f is 'xlsx' | 'ods' | 'pdf' => ['xlsx', 'ods', 'pdf'].includes(f))

async function generate(serverUrl: string) {
  const database = await freshDatabase(serverUrl, 'sq_bench_appendix7')
  const org = await updateOrganisation(database.db, (await getOrganisation(database.db)).id, { regime: 'network', timeZone: 'Europe/Moscow' })
  const db = database.db
  await sql`insert into branch (org_id, name) select ${org.id}, 'Филиал ' || g from generate_series(1, 3) g`.execute(db)
  await sql`insert into office (org_id, office_code, name, office_type, address, branch_id)
    select ${org.id}, 'O' || g, 'Офис ' || g, 'Центр обслуживания потребителей', 'г. Город, ул. Улица, ' || g, (select id from branch where org_id = ${org.id} order by id offset (g % 3) limit 1)
    from generate_series(1, 30) g`.execute(db)
  const appeals = (year: number, n: number, prefix: string) => {
    const start = sql.raw(`timestamptz '${year}-01-01 00:00+03'`)
    const at = sql.raw(`(interval '365 days' * (((g::bigint * 7919) % ${n})::float8 / ${n}))`)
    return sql`insert into appeal (org_id, reg_number, received_at, form, channel, topic, complaint_topic, request_type, contract_concluded, complaint_settled, consumer_type,
        office_code, branch_id, closure, due_at, answered_at, measures_done, measures_planned)
      select ${org.id}, ${prefix} || g, ${start} + ${at},
        (array['in_person','phone','internet','post','other'])[1 + g % 5], case when g % 11 = 0 then 'Личный кабинет' end,
        (array['transmission','connection','metering','service','maintenance','other'])[1 + g % 6],
        case when g % 13 = 0 then (array['transmission_quality','power_quality','connection','metering','service','maintenance','other'])[1 + g % 7] end,
        case when g % 5 = 0 then (array['connection','transmission_contract','metering','other'])[1 + g % 4] end,
        case when g % 5 = 0 and g % 3 = 0 then 'connection' end, g % 13 = 0 and g % 2 = 0,
        (array['individual','legal','entrepreneur'])[1 + g % 3], 'O' || (1 + g % 30), (select id from branch where org_id = ${org.id} order by id offset (g % 3) limit 1),
        case when g % 17 <> 0 then 'answered' end, ${start} + ${at} + interval '30 days',
        case when g % 17 <> 0 then ${start} + ${at} + interval '1 day' * (g % 35) end,
        case when g % 4 = 0 then 'Проведена проверка, потребителю направлен ответ' end, case when g % 9 = 0 then 'Замена прибора учёта' end
      from generate_series(1, ${n}) g`.execute(db)
  }
  let t = performance.now()
  await appeals(2025, APPEALS, 'B-')
  await appeals(2024, Math.round(APPEALS / 10), 'A-')
  const visitsAt = sql.raw(`(interval '365 days' * (((g::bigint * 7919) % ${VISITS})::float8 / ${VISITS}))`)
  await sql`insert into visit (org_id, ticket_id, office_code, branch_id, service_kind, issued_at, called_at, service_ended_at)
    select ${org.id}, 'T-' || g, 'O' || (1 + g % 30), null, 'consultation', timestamptz '2025-01-01 00:00+03' + ${visitsAt},
      timestamptz '2025-01-01 00:00+03' + ${visitsAt} + interval '1 second' * (g % 2700), timestamptz '2025-01-01 00:00+03' + ${visitsAt} + interval '1 second' * (g % 2700 + 600)
    from generate_series(1, ${VISITS}) g`.execute(db)
  const callsAt = sql.raw(`(interval '365 days' * (((g::bigint * 7919) % ${CALLS})::float8 / ${CALLS}))`)
  await sql`insert into call (org_id, call_id, direction, line, started_at, answered_at, ended_at, category)
    select ${org.id}, 'C-' || g, 'in', 'Линия 1', timestamptz '2025-01-01 00:00+03' + ${callsAt},
      case when g % 7 <> 0 then timestamptz '2025-01-01 00:00+03' + ${callsAt} + interval '1 second' * (g % 60) end,
      timestamptz '2025-01-01 00:00+03' + ${callsAt} + interval '1 second' * (g % 60 + 200), (array['2','3','9'])[1 + g % 3]
    from generate_series(1, ${CALLS}) g`.execute(db)
  await sql`analyze`.execute(db)
  console.log(`генерация: ${Math.round(performance.now() - t).toLocaleString('ru-RU')} мс`)
  t = performance.now()
  return { database, orgId: org.id, generatedMs: Math.round(performance.now() - t) }
}

async function main(server: BenchServer) {
  let database
  let orgId: string
  if (values['measure-only']) {
    if (!process.env.BENCH_DATABASE_URL)
      throw new Error('--measure-only меряет базу прошлого прогона: задайте BENCH_DATABASE_URL (временный встроенный сервер удаляется после прогона).')
    database = await openDatabase({ DATABASE_URL: withDatabase(server.url, 'sq_bench_appendix7') })
    orgId = (await getOrganisation(database.db)).id
  } else {
    const made = await generate(server.url)
    database = made.database
    orgId = made.orgId
  }
  const results: Record<string, unknown> = { machine: machine(), smoke: SMOKE, appeals: APPEALS }
  const scope = { orgId, branches: 'all' as const }
  let t = performance.now()
  await appendix7Context(database, scope, 2025, new Date())
  results['сводные таблицы (первое построение или проверка), мс'] = Math.round(performance.now() - t)
  const times: number[] = []
  let report
  for (let i = 0; i < RUNS; i++) {
    t = performance.now()
    report = await prepareAppendix7(await appendix7Context(database, scope, 2025, new Date()))
    times.push(performance.now() - t)
  }
  results['Приложение 7 без 4.9 (таблицы и проверки), медиана, мс'] = Math.round(median(times))
  console.log(`Приложение 7 без таблицы 4.9 (таблицы, проверки, свежесть сводов): медиана ${median(times).toFixed(0)} мс из ${RUNS}`)
  const rows = report!.registerRows
  const failed = report!.checks.filter((c) => !c.passed).map((c) => c.id)
  if (failed.length) console.log(`проверки не пройдены: ${failed.join(', ')}`)
  // the files in a temporary folder, removed however this ends (outputDir registers it for Ctrl+C too)
  const scratch = outputDir(true)
  const dir = scratch.dir
  try {
    for (const format of FORMATS) {
      global.gc?.()
      let peak = process.memoryUsage().rss
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
      t = performance.now()
      const file = path.join(dir, `a7.${format}`)
      const stream =
        format === 'pdf'
          ? writeAppendix7Pdf(report!, { position: 'Генеральный директор', name: 'Иванов И. И.', phone: '' }, 'бенчмарк')
          : writeAppendix7(format, report!, aboutAppendix7(report!, []))
      await pipeline(stream, fs.createWriteStream(file))
      const seconds = (performance.now() - t) / 1000
      clearInterval(sampler)
      const size = fs.statSync(file).size
      // pages of the PDF by poppler's pdfinfo, where installed
      let pages: number | undefined
      if (format === 'pdf') {
        try {
          pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1])
        } catch {
          pages = undefined
        }
      }
      if (process.env.SQ_BENCH_KEEP) fs.copyFileSync(file, path.join(process.env.SQ_BENCH_KEEP, `a7-${APPEALS}.${format}`))
      fs.rmSync(file)
      const rate = Math.round(rows / seconds)
      results[format] = {
        rows,
        seconds: Number(seconds.toFixed(1)),
        rowsPerSecond: rate,
        peakRssMb: Math.round(peak / 2 ** 20),
        fileMb: Math.round(size / 2 ** 20),
        ...(pages ? { pages } : {}),
      }
      console.log(
        `${format.toUpperCase()} целиком (4.9: ${rows.toLocaleString('ru-RU')} строк): ${seconds.toFixed(1)} с, ${rate.toLocaleString('ru-RU')} строк/с, пик памяти процесса ${Math.round(peak / 2 ** 20)} МБ, файл ${Math.round(size / 2 ** 20)} МБ${pages ? `, страниц ${pages.toLocaleString('ru-RU')}` : ''}`,
      )
    }
  } finally {
    scratch.remove()
  }
  await database.close()
  // a benchmark that measured nothing must not pass: table 4.9 lists the year's appeals
  if (!(rows > 0)) throw new Error(`в таблице 4.9 нет строк (обращений за год: ${APPEALS})`)
  const out = outputDir(SMOKE)
  fs.writeFileSync(path.join(out.dir, 'appendix7.json'), JSON.stringify(results, null, 2))
  out.remove()
}

const server = await benchServer()
try {
  await main(server)
} finally {
  await server.stop()
}
