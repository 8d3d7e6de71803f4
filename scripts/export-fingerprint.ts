/**
 * Prints every cell of the files the product exports for the demo organisation (Appendix 7 XLSX and ODS,
 * the supplier report, the dashboard XLSX, the registers and a figure's records), plus every
 * drill-down's total and first page, as JSON — to compare two versions of the code cell for cell:
 *
 *   DATABASE_URL=… npx tsx scripts/export-fingerprint.ts [--load] > before.json
 *
 * `--load` re-creates the demo first. The moment is fixed, so two runs over the same data agree; only the
 * «Сформирован» line (the wall clock) is left out.
 */
import { buffer } from 'node:stream/consumers'
import type { Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import { getDatabase } from '#db/client.server.ts'
import { migrateToLatest } from '#db/migrate.ts'
import { seedFederalCalendar } from '#db/seed/calendar.ts'
import { loadDemo } from '#app/demo/load.server.ts'
import { DEMO_YEAR } from '#app/demo/generate.ts'
import { getOrganisation } from '#app/models/organisation.server.ts'
import { seedRulePresets } from '#reports/deadlines/rules.server.ts'
import { reportContext, runReport } from '#reports/registry.server.ts'
import { buildDashboard } from '#reports/metrics/dashboard-view.server.ts'
import { dashboardWorkbook, registerWorkbook } from '#reports/metrics/exports.server.ts'
import { REGISTERS, type RecordContext, listRecords, recordWhere, registerTotal } from '#reports/metrics/records.server.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import { metricCatalog } from '#reports/metrics/catalog.ts'
import { readView } from '#reports/metrics/view.ts'
import type { Domain } from '#reports/metrics/dashboard.server.ts'

const ASOF = new Date('2026-02-10T09:00:00Z')

async function cells(stream: Readable): Promise<unknown> {
  const book = new ExcelJS.Workbook()
  await book.xlsx.load((await buffer(stream)) as unknown as ArrayBuffer)
  return book.worksheets.map((w) => ({
    name: w.name,
    rows: (w.getSheetValues() as unknown[][])
      .filter((r) => r && !(Array.isArray(r) && r[1] === 'Сформирован'))
      .map((r) => (Array.isArray(r) ? r.map((v) => (v instanceof Date ? v.toISOString() : (v ?? null))) : r)),
  }))
}

const database = await getDatabase()
await migrateToLatest(database.db)
await seedFederalCalendar(database.db)
let org = await getOrganisation(database.db)
await seedRulePresets(database.db, org.id, org.regime)
if (process.argv.includes('--load')) {
  await loadDemo(database, org, { force: true })
  org = await getOrganisation(database.db)
}
const { params } = await refreshRollups(database, org.id)
const scope = { orgId: org.id, branches: 'all' as const }
const out: Record<string, unknown> = {}

for (const id of ['appendix-7', 'supplier-standard'] as const) {
  const ctx = await reportContext(database, scope, { year: DEMO_YEAR, asOf: ASOF, by: 'fingerprint' })
  const run = await runReport(ctx, id, 'xlsx')
  out[`${id}.xlsx`] = await cells(run.stream)
  out[`${id}.summary`] = run.summary
  const ods = await runReport(ctx, id, 'ods')
  out[`${id}.ods.bytes`] = (await buffer(ods.stream)).length
}

const offices = new Map(
  (await database.db.selectFrom('office').select(['office_code', 'name']).where('org_id', '=', org.id).execute()).map((o) => [o.office_code, o.name]),
)
const branch = (await database.db.selectFrom('branch').select('id').where('org_id', '=', org.id).orderBy('name').executeTakeFirstOrThrow()).id
for (const query of [
  `year=${DEMO_YEAR}`,
  `period=quarter&year=${DEMO_YEAR}&quarter=2`,
  `year=${DEMO_YEAR}&branch=${branch}&form=phone`,
  `period=month&year=${DEMO_YEAR}&month=3&topic=connection`,
]) {
  const view = readView(new URLSearchParams(query), org.time_zone, DEMO_YEAR)
  const data = await buildDashboard(database.db, scope, view, ASOF, params, offices)
  out[`dashboard ${query}`] = JSON.parse(JSON.stringify(data))
  out[`dashboard.xlsx ${query}`] = await cells(dashboardWorkbook(data, [['Отчёт', 'проверка']]))
}

const view = readView(new URLSearchParams(`period=quarter&year=${DEMO_YEAR}&quarter=1`), org.time_zone, DEMO_YEAR)
for (const domain of ['appeals', 'calls', 'visits'] as Domain[]) {
  const register = REGISTERS[domain]
  const records: RecordContext = { scope, period: view.period, filter: view.filter, narrowing: {}, asOf: ASOF, zone: org.time_zone, params }
  out[`register.xlsx ${domain}`] = await cells(registerWorkbook(database.db, { register, records, personalData: false, about: [['Отчёт', register.title]] }))
}
for (const metric of ['calls.service_level', 'appeals.overdue', 'visits.mean_service'] as const) {
  const register = REGISTERS[metric.startsWith('calls') ? 'calls' : metric.startsWith('visits') ? 'visits' : 'appeals']
  const records: RecordContext = { scope, period: view.period, filter: view.filter, narrowing: {}, metric, asOf: ASOF, zone: org.time_zone, params }
  out[`register.xlsx ${metric}`] = await cells(registerWorkbook(database.db, { register, records, personalData: true, about: [['Отчёт', register.title]] }))
}
// every figure that opens records: its total, its record count and its first page
for (const metric of Object.keys(metricCatalog)) {
  const domain = metric.split('.')[0] as Domain
  if (!['appeals', 'calls', 'visits'].includes(domain) || metric === 'appeals.at_risk') continue
  const register = REGISTERS[domain]
  for (const narrowing of [{}, { line: 'none' }, { category: 'none' }]) {
    if (domain !== 'calls' && Object.keys(narrowing).length) continue
    const ctx = { scope, period: view.period, filter: view.filter, narrowing, metric, asOf: ASOF, zone: org.time_zone, params } as RecordContext
    const counted = await sql<{ n: string }>`select count(*) as n from ${sql.table(register.table)} r where ${recordWhere(register, ctx)}`.execute(database.db)
    const page = await listRecords(database.db, register, ctx, { sort: register.defaultSort, dir: 'asc', page: 1, size: 20 })
    out[`drill ${metric} ${JSON.stringify(narrowing)}`] = {
      total: await registerTotal(database.db, register, ctx),
      counted: Number(counted.rows[0]!.n),
      page: page.map((r) => r.id),
    }
  }
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n')
await database.close?.()
process.exit(0)
