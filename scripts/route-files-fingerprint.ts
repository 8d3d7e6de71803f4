/**
 * Prints every cell (XLSX) or the bytes' SHA-256 (PDF, HTML, CSV) of the files the product hands out
 * outside the year and view reports — a survey's summary and answers, a batch of links, the work list, a
 * frozen Appendix 7, an import's rejections — for three users (all branches with personal data, all
 * branches without, one branch with), called as Remix calls the routes, as JSON: to compare two versions
 * of the code cell for cell (issue 19 §6):
 *
 *   DATABASE_URL=… npx tsx scripts/route-files-fingerprint.ts [--load] [--new] > before.json
 *
 * `--load` re-creates the demo first. The batch of links and the frozen snapshot it needs are made on the
 * first run and reused after, so two runs over the same database agree. `--new` asks the same files at
 * their `/files/…` addresses (after issue 19 §6). Lines that hold the wall clock («Сформирован», «По
 * состоянию на», «Срок на подходе», «Сроки оценены на») are left out; the response's status, type and name are kept.
 */
import { createHash } from 'node:crypto'
import ExcelJS from 'exceljs'
import { getDatabase } from '#db/client.server.ts'
import { migrateToLatest } from '#db/migrate.ts'
import { seedFederalCalendar } from '#db/seed/calendar.ts'
import { loadDemo } from '#app/demo/load.server.ts'
import { DEMO_YEAR } from '#app/demo/generate.ts'
import { getOrganisation } from '#app/models/organisation.server.ts'
import { createUser, findSessionUser } from '#app/models/user.server.ts'
import { createBatch, requireSurvey } from '#app/models/survey.server.ts'
import { startSession } from '#app/utils/auth.server.ts'
import { seedRulePresets } from '#reports/deadlines/rules.server.ts'

const database = await getDatabase()
await migrateToLatest(database.db)
await seedFederalCalendar(database.db)
let org = await getOrganisation(database.db)
await seedRulePresets(database.db, org.id, org.regime)
if (process.argv.includes('--load')) {
  await loadDemo(database, org, { force: true })
  org = await getOrganisation(database.db)
}
;(globalThis as { __sqReady?: Promise<unknown> }).__sqReady = Promise.resolve(database)
const db = database.db
const branch = (await db.selectFrom('branch').select('id').where('org_id', '=', org.id).orderBy('name').executeTakeFirstOrThrow()).id

const USERS = { all: ['quality'], masked: ['management'], branch: ['quality'] } as const
const cookies: Record<string, string> = {}
const ids: Record<string, string> = {}
for (const [who, roles] of Object.entries(USERS)) {
  const login = `fp-${who}`
  const existing = await db.selectFrom('app_user').select('id').where('org_id', '=', org.id).where('login', '=', login).executeTakeFirst()
  const user =
    (existing && (await findSessionUser(db, existing.id))) ||
    (await createUser(db, org.id, {
      login,
      fullName: `Отпечаток ${who}`,
      password: 'пароль-отпечатка-1',
      roles: [...roles],
      allBranches: who !== 'branch',
      branchIds: who === 'branch' ? [branch] : [],
    }))
  const response = await startSession(new Request('http://localhost/login'), user as never, '/')
  ids[who] = user.id
  cookies[who] = response.headers.get('Set-Cookie')!.split(';')[0]!
}

const survey = (await db.selectFrom('survey').select('id').where('org_id', '=', org.id).orderBy('id').executeTakeFirstOrThrow()).id
let batch = (await db.selectFrom('survey_batch').select('id').where('survey_id', '=', survey).orderBy('id').executeTakeFirst())?.id
if (!batch) {
  const s = await requireSurvey(db, org.id, survey)
  const input = { closedFrom: `${DEMO_YEAR}-01-01`, closedTo: `${DEMO_YEAR}-12-31`, size: 40, delivery: 'sms' as const, validDays: 30 }
  const made = await createBatch(db, s, org.time_zone, input, { id: ids.all!, name: 'Отпечаток', scope: { orgId: org.id, branches: 'all' } })
  batch = String(made.id)
}
let snapshot = (await db.selectFrom('report_snapshot').select('id').where('org_id', '=', org.id).orderBy('id').executeTakeFirst())?.id
if (!snapshot) {
  const row = await db
    .insertInto('report_snapshot')
    .values({
      org_id: org.id,
      report_id: 'appendix-7',
      year: DEMO_YEAR,
      as_of: new Date('2026-02-10T09:00:00Z'),
      template_version: 'fingerprint',
      figures: '{}',
      checks: '[]',
      file_name: `Приложение7_${DEMO_YEAR}_Отпечаток.xlsx`,
      file: Buffer.from('frozen xlsx bytes'),
      file_sha256: 'x',
      frozen_by_name: 'Отпечаток',
      scope_branches: null,
      pdf: Buffer.from('%PDF frozen'),
      published_html: '<p>Публикация</p>',
      published_file: Buffer.from('published xlsx bytes'),
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow()
  snapshot = row.id
}
const rejected = (await db.selectFrom('import_batch').select('id').where('org_id', '=', org.id).where('rows_rejected', '>', 0).orderBy('id').executeTakeFirst())
  ?.id

const NEW = process.argv.includes('--new')
const view = `year=${DEMO_YEAR}`
// [label, route module, params, query] — the old addresses, and with --new the registry's
const asks: [string, string, Record<string, string>, string][] = NEW
  ? [
      ['survey summary', 'files.$report.$format.ts', { report: 'survey-summary', format: 'xlsx' }, `survey=${survey}&${view}`],
      ['survey answers', 'files.$report.$format.ts', { report: 'survey-answers', format: 'xlsx' }, `survey=${survey}&${view}`],
      ['survey batch', 'files.$report.$format.ts', { report: 'survey-batch', format: 'xlsx' }, `survey=${survey}&batch=${batch}`],
      ['worklist', 'files.$report.$format.ts', { report: 'worklist', format: 'xlsx' }, 'days=5'],
      ['snapshot xlsx', 'files.$report.$format.ts', { report: 'appendix-7-snapshot', format: 'xlsx' }, `snapshot=${snapshot}`],
      ['snapshot pdf', 'files.$report.$format.ts', { report: 'appendix-7-snapshot', format: 'pdf' }, `snapshot=${snapshot}`],
      ['snapshot html', 'files.$report.$format.ts', { report: 'appendix-7-snapshot', format: 'html' }, `snapshot=${snapshot}`],
      ['snapshot published', 'files.$report.$format.ts', { report: 'appendix-7-snapshot', format: 'xlsx' }, `snapshot=${snapshot}&part=publication`],
      ...(rejected
        ? [
            ['rejections', 'files.$report.$format.ts', { report: 'import-rejections', format: 'csv' }, `batch=${rejected}`] as [
              string,
              string,
              Record<string, string>,
              string,
            ],
          ]
        : []),
    ]
  : [
      ['survey summary', 'surveys.$surveyId.download.$file.ts', { surveyId: survey, file: 'summary' }, view],
      ['survey answers', 'surveys.$surveyId.download.$file.ts', { surveyId: survey, file: 'answers' }, view],
      ['survey batch', 'surveys.$surveyId.batches.$batchId[.xlsx].ts', { surveyId: survey, batchId: batch }, ''],
      ['worklist', 'worklist[.xlsx].ts', {}, 'days=5'],
      ['snapshot xlsx', 'reports.appendix-7.snapshots.$snapshotId.file.ts', { snapshotId: snapshot }, ''],
      ['snapshot pdf', 'reports.appendix-7.snapshots.$snapshotId.file.ts', { snapshotId: snapshot }, 'kind=pdf'],
      ['snapshot html', 'reports.appendix-7.snapshots.$snapshotId.file.ts', { snapshotId: snapshot }, 'kind=html'],
      ['snapshot published', 'reports.appendix-7.snapshots.$snapshotId.file.ts', { snapshotId: snapshot }, 'kind=published'],
      ...(rejected
        ? [['rejections', 'imports.$batchId.rejections[.csv].ts', { batchId: rejected }, ''] as [string, string, Record<string, string>, string]]
        : []),
    ]

const CLOCK = new Set(['Сформирован', 'По состоянию на', 'Срок на подходе', 'Сроки оценены на'])
async function print(response: Response): Promise<unknown> {
  const head = { status: response.status, type: response.headers.get('Content-Type'), name: response.headers.get('Content-Disposition') }
  const bytes = Buffer.from(await response.arrayBuffer())
  if (response.status !== 200 || !head.type?.includes('spreadsheetml') || bytes.subarray(0, 2).toString() !== 'PK')
    return { ...head, sha256: createHash('sha256').update(bytes).digest('hex'), text: response.status === 200 ? undefined : bytes.toString('utf8') }
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(bytes as unknown as ArrayBuffer)
  return {
    ...head,
    sheets: book.worksheets.map((w) => ({
      name: w.name,
      rows: (w.getSheetValues() as unknown[][])
        .filter((r) => r && !(Array.isArray(r) && CLOCK.has(String(r[1]))))
        .map((r) => (Array.isArray(r) ? r.map((v) => (v instanceof Date ? v.toISOString() : (v ?? null))) : r)),
    })),
  }
}

const out: Record<string, unknown> = {}
for (const [label, route, params, query] of asks) {
  const module = (await import(`#app/routes/${route}`)) as { loader: (args: never) => Promise<Response> }
  for (const who of Object.keys(USERS)) {
    const request = new Request(`http://localhost/x${query ? `?${query}` : ''}`, { headers: { Cookie: cookies[who]! } })
    let response: Response
    try {
      response = await module.loader({ request, params, context: { ip: '127.0.0.1' } } as never)
    } catch (error) {
      if (!(error instanceof Response)) throw error
      response = error
    }
    out[`${label} ${who}`] = await print(response)
  }
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n')
await database.close?.()
process.exit(0)
