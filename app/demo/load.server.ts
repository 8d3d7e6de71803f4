import { sql } from 'kysely'
import type { Database } from '#db/client.server.ts'
import type { Organisation } from '#db/schema.ts'
import { type ImportReport, runRowImport } from '#app/imports/pipeline.server.ts'
import { savePhoneLines } from '#app/models/phone-line.server.ts'
import { InputError } from '#reports/errors.ts'
import { createUser } from '#app/models/user.server.ts'
import { DEMO_USERS } from './users.ts'
import { DEMO_YEAR, DEMO_ZONE, demoAppeals, demoCalls, demoOfficeRows, demoVisits, makeDemoCalendar } from './generate.ts'
import { demoReportInputs } from './report-inputs.ts'
import { loadDemoSurveys } from './surveys.server.ts'

export const DEMO_ORGANISATION_NAME = 'АО «Региональная сетевая компания» (демо)'

/** The tables that hold an organisation's data, children first. */
const DATA_TABLES = ['queue_log_event', 'queue_log_pending', 'appeal', 'call', 'visit', 'office', 'import_batch', 'branch'] as const

export async function hasData(database: Database, orgId: string): Promise<boolean> {
  for (const table of DATA_TABLES) {
    const row = await database.db.selectFrom(table).select('org_id').where('org_id', '=', orgId).limit(1).executeTakeFirst()
    if (row) return true
  }
  return false
}

/**
 * Re-creates the demo organisation: removes the organisation's logs and loads a year of generated
 * offices, appeals, calls and visits through the import pipeline's stage-and-merge. Refuses to wipe
 * an organisation that is not a demo and holds data, unless `force`.
 */
export async function loadDemo(
  database: Database,
  org: Organisation,
  options: { force?: boolean; log?: (line: string) => void } = {},
): Promise<ImportReport[]> {
  const log = options.log ?? (() => {})
  if (!org.is_demo && !options.force && (await hasData(database, org.id))) {
    throw new InputError(
      `В организации «${org.name}» уже есть данные, и это не демонстрационная организация. ` +
        'Демо-данные заменили бы их; если это действительно нужно, повторите с --force.',
    )
  }
  await database.db.transaction().execute(async (tx) => {
    // surveys first: their links and answers refer to appeals, calls and visits
    await tx.deleteFrom('survey').where('org_id', '=', org.id).execute()
    for (const table of DATA_TABLES) await tx.deleteFrom(table).where('org_id', '=', org.id).execute()
    for (const table of ['report_snapshot', 'report_input'] as const) await tx.deleteFrom(table).where('org_id', '=', org.id).execute()
    await tx
      .deleteFrom('app_user')
      .where('org_id', '=', org.id)
      .where(
        'login',
        'in',
        DEMO_USERS.map((u) => u.login),
      )
      .execute()
    await tx
      .updateTable('organisation')
      .set({ name: DEMO_ORGANISATION_NAME, time_zone: DEMO_ZONE, regime: 'network', is_demo: true, updated_at: new Date() })
      .where('id', '=', org.id)
      .execute()
  })
  // dates as text: pg would turn a `date` into midnight of the process zone
  const days = await database.db
    .selectFrom('calendar_day')
    .select([sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'), 'kind'])
    .where('org_id', 'is', null)
    .execute()
  const holidays = new Set(days.filter((d) => d.kind === 'holiday' || d.kind === 'nonworking_decree').map((d) => d.day))
  const workingWeekends = new Set(days.filter((d) => d.kind === 'working_weekend').map((d) => d.day))
  const calendar = makeDemoCalendar(holidays, workingWeekends)
  const target = { database, orgId: org.id, zone: DEMO_ZONE }
  const reports: ImportReport[] = []
  for (const [kind, name, rows] of [
    ['offices', 'демо: офисы', demoOfficeRows()],
    ['appeals', `демо: обращения ${DEMO_YEAR}`, demoAppeals(calendar)],
    ['calls', `демо: звонки ${DEMO_YEAR}`, demoCalls(calendar)],
    ['visits', `демо: талоны очереди ${DEMO_YEAR}`, demoVisits(calendar)],
  ] as const) {
    const report = await runRowImport(target, kind, name, rows)
    log(`${name}: ${report.stored.toLocaleString('ru-RU')} записей за ${(report.durationMs / 1000).toFixed(1)} с`)
    reports.push(report)
  }
  // the branches' own phone lines: their calls belong to them (the hotline stays organisation-wide)
  await savePhoneLines(database.db, org.id, 'Северные ЭС; Северные электрические сети\nЮжные ЭС; Южные электрические сети')
  await database.db
    .insertInto('report_input')
    .values(
      demoReportInputs(DEMO_YEAR).map((i) => ({ org_id: org.id, report_id: 'appendix-7', year: i.year, table_code: i.table, data: JSON.stringify(i.data) })),
    )
    .execute()
  const surveys = await loadDemoSurveys(database.db, org.id, DEMO_ZONE, DEMO_YEAR)
  log(`демо: опросы — ${surveys.surveys}, анкет ${surveys.responses.toLocaleString('ru-RU')}`)
  const branches = await database.db.selectFrom('branch').select(['id', 'name']).where('org_id', '=', org.id).execute()
  for (const u of DEMO_USERS) {
    const branch = branches.find((b) => b.name === u.branch)
    await createUser(database.db, org.id, {
      login: u.login,
      fullName: u.fullName,
      password: u.password,
      roles: u.roles,
      allBranches: !u.branch,
      branchIds: branch ? [branch.id] : [],
    })
  }
  log(`демо: пользователи ${DEMO_USERS.map((u) => u.login).join(', ')} (пароли — в README и на странице входа)`)
  return reports
}
