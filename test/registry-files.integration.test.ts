/**
 * The files that became registry modules in issue 19 §6 (a survey's summary and answers, a batch of links,
 * the work list, a frozen Appendix 7, an import's rejections), called as Remix calls the routes: every
 * report of the registry follows its page's roles at `/files/…`; personal data only to roles that may see
 * it; another branch's snapshot is refused and a batch lists only the user's branches; the older addresses
 * answer the same file; one audit row per download, built once (ADR 025).
 */
import ExcelJS from 'exceljs'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { createUser } from '#app/models/user.server.ts'
import { createBatch, getSurvey, saveSurvey } from '#app/models/survey.server.ts'
import { ROLES, hasAnyRole, routeAccess, type RouteId } from '#app/utils/access.ts'
import { startSession } from '#app/utils/auth.server.ts'
import { REPORTS } from '#reports/registry.server.ts'
import * as files from '#app/routes/files.$report.$format.ts'
import * as worklistFile from '#app/routes/worklist[.xlsx].ts'
import * as batchFile from '#app/routes/surveys.$surveyId.batches.$batchId[.xlsx].ts'
import * as surveyFile from '#app/routes/surveys.$surveyId.download.$file.ts'
import * as snapshotFile from '#app/routes/reports.appendix-7.snapshots.$snapshotId.file.ts'
import * as rejectionsFile from '#app/routes/imports.$batchId.rejections[.csv].ts'

const t = useTestDatabase()
let world: TestWorld
const cookies: Record<string, string> = {}
const BASE = 'http://localhost'
let branchA: string
let surveyId: string
let batchId: string
let snapshotId: string
let importId: string

async function signIn(login: string, roles: string[], branch?: string): Promise<string> {
  const user = await createUser(t.database.db, world.org.id, {
    login,
    fullName: `Тест ${login}`,
    password: 'пароль-для-теста-1',
    roles,
    allBranches: !branch,
    branchIds: branch ? [branch] : [],
  })
  const response = await startSession(new Request(`${BASE}/login`), user, '/')
  return response.headers.get('Set-Cookie')!.split(';')[0]!
}
const get = (path: string, who: string) => new Request(`${BASE}${path}`, { headers: { Cookie: cookies[who]! } })
const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: { ip: '10.1.2.3' } }) as never

/** The loader's answer, thrown or returned. */
async function answer(promise: unknown): Promise<Response> {
  try {
    return (await promise) as Response
  } catch (error) {
    if (error instanceof Response) return error
    throw error
  }
}
const file = (report: string, format: string, query: string, who: string) =>
  answer(files.loader(args(get(`/files/${report}/${format}?${query}`, who), { report, format })))

async function sheets(response: Response): Promise<Record<string, unknown[]>> {
  expect(response.status).toBe(200)
  const book = new ExcelJS.Workbook()
  await book.xlsx.load((await response.arrayBuffer()) as ArrayBuffer)
  return Object.fromEntries(
    book.worksheets.map((w) => [
      w.name,
      (w.getSheetValues() as unknown[][]).filter((r) => r && !['Сформирован', 'По состоянию на', 'Срок на подходе', 'Сроки оценены на'].includes(String(r[1]))),
    ]),
  )
}

beforeAll(async () => {
  ;(globalThis as { __sqReady?: Promise<unknown> }).__sqReady = Promise.resolve(t.database)
  world = await resetWorld(t.database)
  const db = t.database.db
  branchA = (await db.insertInto('branch').values({ org_id: world.org.id, name: 'Филиал А' }).returning('id').executeTakeFirstOrThrow()).id
  const branchB = (await db.insertInto('branch').values({ org_id: world.org.id, name: 'Филиал Б' }).returning('id').executeTakeFirstOrThrow()).id
  const soon = new Date(Date.now() + 3_600_000)
  const appeal = (reg: string, branch: string, phone: string, name: string) => ({
    org_id: world.org.id,
    reg_number: reg,
    received_at: new Date('2025-05-20T10:00:00+03:00'),
    answered_at: new Date('2025-06-02T10:00:00+03:00'),
    form: 'post',
    topic: 'other',
    branch_id: branch,
    phone,
    applicant_name: name,
  })
  await db
    .insertInto('appeal')
    .values([
      appeal('А-1', branchA, '+79120000001', 'Иванов Иван'),
      appeal('Б-1', branchB, '+79120000002', 'Петров Пётр'),
      // on the work list: not answered, due within the hour
      { ...appeal('А-2', branchA, '+79120000003', 'Сидорова Анна'), answered_at: null, due_at: soon, received_at: new Date(Date.now() - 86_400_000) },
    ])
    .execute()
  cookies.quality = await signIn('quality', ['quality'])
  cookies.management = await signIn('management', ['management'])
  cookies.branch = await signIn('branch.quality', ['quality'], branchA)
  for (const role of ROLES) cookies[`role-${role}`] = await signIn(`role.${role}`, [role])
  const officer = await db.selectFrom('app_user').select('id').where('login', '=', 'quality').executeTakeFirstOrThrow()
  surveyId = await saveSurvey(db, world.org.id, officer.id, null, {
    title: 'Оценка обслуживания',
    intro: null,
    subjectKind: 'organisation',
    subjectCode: null,
    opensOn: '2025-01-01',
    closesOn: '2025-12-31',
    questions: [{ id: 'q1', kind: 'csat', text: 'Оцените обслуживание', required: true }],
  })
  const survey = (await getSurvey(db, world.org.id, surveyId))!
  const batch = await createBatch(
    db,
    survey,
    'Europe/Moscow',
    { closedFrom: '2025-06-01', closedTo: '2025-06-30', size: 10, delivery: 'sms', validDays: 30 },
    { id: officer.id, name: 'Тест quality', scope: { orgId: world.org.id, branches: 'all' } },
  )
  batchId = String(batch.id)
  snapshotId = (
    await db
      .insertInto('report_snapshot')
      .values({
        org_id: world.org.id,
        report_id: 'appendix-7',
        year: 2025,
        as_of: new Date('2026-01-10T09:00:00Z'),
        template_version: 'test',
        figures: '{}',
        checks: '[]',
        file_name: 'Приложение7_2025_Тест.xlsx',
        file: Buffer.from('frozen bytes'),
        file_sha256: 'x',
        frozen_by_name: 'Тест',
        scope_branches: null,
        pdf: null,
        published_html: '<p>Публикация</p>',
      } as never)
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  importId = (
    await db
      .insertInto('import_batch')
      .values({ org_id: world.org.id, kind: 'appeals', file_name: 'a.csv', status: 'done', rows_read: 1, rows_rejected: 1 } as never)
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  await db
    .insertInto('import_rejection')
    .values({ batch_id: importId, seq: 1, line: 2, column_name: 'reg_number', value: 'x;y', reason: 'Пустой номер' } as never)
    .execute()
})

afterAll(() => {
  delete (globalThis as { __sqReady?: unknown }).__sqReady
})

describe('/files/<отчёт>/<формат>: every report of the registry × every role', () => {
  it('a role the report’s page refuses gets 403; the others are let in (a missing subject is then 404, never 403)', async () => {
    const table: string[] = []
    for (const report of REPORTS) {
      const format = report.formats[0]!
      for (const role of ROLES) {
        // nothing asked for: refused by role first, then «no such survey / batch / snapshot / parameter»
        const response = await file(report.id, format, 'year=2025&period=month&month=3&survey=999999&batch=999999&snapshot=999999', `role-${role}`)
        const allowed = hasAnyRole([role], routeAccess[report.page as RouteId])
        table.push(`${report.id} ${role} ${allowed ? 'allowed' : 'refused'}`)
        if (allowed) expect([200, 400, 404], `${report.id} × ${role}`).toContain(response.status)
        else expect(response.status, `${report.id} × ${role}`).toBe(403)
        await response.arrayBuffer()
      }
    }
    // the moved files keep the old routes' rules
    expect(table).toContain('survey-batch management refused')
    expect(table).toContain('survey-batch quality allowed')
    expect(table).toContain('worklist operator refused')
    expect(table).toContain('appendix-7-snapshot operator refused')
    expect(table).toContain('survey-summary operator allowed')
  })
})

describe('the moved files', () => {
  it('the work list: names and phones masked for a role without personal data; the older address is the same file', async () => {
    const full = await sheets(await file('worklist', 'xlsx', 'days=3', 'quality'))
    const masked = await sheets(await file('worklist', 'xlsx', 'days=3', 'management'))
    expect(JSON.stringify(full['Обращения'])).toContain('Сидорова Анна')
    expect(JSON.stringify(masked['Обращения'])).not.toContain('Сидорова Анна')
    expect(JSON.stringify(masked['Обращения'])).not.toContain('+79120000003')
    expect(JSON.stringify(masked['О файле'])).toContain('скрыты (роль без доступа к персональным данным)')
    const older = await answer(worklistFile.loader(args(get('/worklist.xlsx?days=3', 'management'))))
    expect(older.headers.get('Content-Disposition')).toMatch(/^attachment; filename="Spisok-del_\d{4}-\d{2}-\d{2}\.xlsx"/)
    expect(await sheets(older)).toEqual(masked)
  })

  it('a batch of links: a branch user gets only the links of his branch; phones for roles with personal data', async () => {
    const query = `survey=${surveyId}&batch=${batchId}`
    const all = await sheets(await file('survey-batch', 'xlsx', query, 'quality'))
    const branch = await sheets(await file('survey-batch', 'xlsx', query, 'branch'))
    expect(all['Ссылки']!.length - 1).toBe(2)
    expect(branch['Ссылки']!.length - 1).toBe(1)
    expect(JSON.stringify(branch['Ссылки'])).toContain('+79120000001')
    expect(JSON.stringify(branch['Ссылки'])).not.toContain('+79120000002')
    const older = await answer(batchFile.loader(args(get(`/surveys/${surveyId}/batches/${batchId}.xlsx`, 'branch'), { surveyId, batchId })))
    expect(await sheets(older)).toEqual(branch)
    const missing = await file('survey-batch', 'xlsx', `survey=${surveyId}&batch=999999`, 'quality')
    expect([missing.status, await missing.text()]).toEqual([404, 'Такого выпуска ссылок нет.'])
  })

  it('a survey’s summary and answers at both addresses; the answers’ name by the scheme', async () => {
    const summary = await file('survey-summary', 'xlsx', `survey=${surveyId}&year=2025`, 'management')
    expect(summary.headers.get('Content-Disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent(`Опрос-итоги_2025-01-01_2025-12-31_№${surveyId}.xlsx`)}`,
    )
    const older = await answer(surveyFile.loader(args(get(`/surveys/${surveyId}/download/summary?year=2025`, 'management'), { surveyId, file: 'summary' })))
    expect(await sheets(older)).toEqual(await sheets(summary))
    const answers = await file('survey-answers', 'xlsx', `survey=${surveyId}&year=2025`, 'quality')
    expect(Object.keys(await sheets(answers))).toEqual(['Анкеты', 'О файле'])
    const none = await answer(
      Promise.resolve().then(() => surveyFile.loader(args(get(`/surveys/${surveyId}/download/other`, 'quality'), { surveyId, file: 'other' }))),
    )
    expect(none.status).toBe(404)
  })

  it('a frozen Appendix 7: byte for byte under its frozen name; an organisation-wide snapshot is refused to a branch user', async () => {
    const frozen = await file('appendix-7-snapshot', 'xlsx', `snapshot=${snapshotId}`, 'management')
    expect(frozen.headers.get('Content-Disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('Приложение7_2025_Тест.xlsx')}`)
    expect(Buffer.from(await frozen.arrayBuffer()).toString()).toBe('frozen bytes')
    const html = await answer(snapshotFile.loader(args(get(`/reports/appendix-7/snapshots/${snapshotId}/file?kind=html`, 'management'), { snapshotId })))
    expect([html.headers.get('Content-Type'), await html.text()]).toEqual(['text/html; charset=utf-8', '<p>Публикация</p>'])
    const branch = await file('appendix-7-snapshot', 'xlsx', `snapshot=${snapshotId}`, 'branch')
    expect([branch.status, await branch.text()]).toEqual([404, 'Зафиксированный отчёт не найден.'])
    const noPdf = await file('appendix-7-snapshot', 'pdf', `snapshot=${snapshotId}`, 'management')
    expect([noPdf.status, await noPdf.text()]).toEqual([404, 'Такого файла у этого отчёта нет.'])
    const noPublished = await answer(
      snapshotFile.loader(args(get(`/reports/appendix-7/snapshots/${snapshotId}/file?kind=published`, 'management'), { snapshotId })),
    )
    expect(noPublished.status).toBe(404)
  })

  it('an import’s rejections: CSV with BOM at both addresses; refused to a branch user', async () => {
    const csv = await file('import-rejections', 'csv', `batch=${importId}`, 'management')
    expect(csv.headers.get('Content-Type')).toBe('text/csv; charset=utf-8')
    const text = Buffer.from(await csv.arrayBuffer()).toString('utf8')
    expect(text.startsWith('\uFEFFСтрока;Столбец;Значение;Причина\r\n2;')).toBe(true)
    const older = await answer(rejectionsFile.loader(args(get(`/imports/${importId}/rejections.csv`, 'management'), { batchId: importId })))
    expect(Buffer.from(await older.arrayBuffer()).toString('utf8')).toBe(text)
    expect((await file('import-rejections', 'csv', `batch=${importId}`, 'branch')).status).toBe(403)
  })

  it('one audit row per download, with the actor’s address, as the old routes wrote it', async () => {
    const db = t.database.db
    await db.deleteFrom('audit_event').execute()
    await (await file('worklist', 'xlsx', 'days=3', 'management')).arrayBuffer()
    await (await file('survey-batch', 'xlsx', `survey=${surveyId}&batch=${batchId}`, 'quality')).arrayBuffer()
    await (await file('appendix-7-snapshot', 'html', `snapshot=${snapshotId}`, 'management')).arrayBuffer()
    const rows = await db.selectFrom('audit_event').select(['actor', 'action', 'object', 'details', 'ip']).orderBy('id').execute()
    expect(rows.map((r) => [r.actor, r.action, r.object, r.ip])).toEqual([
      ['management', 'export', 'список дел', '10.1.2.3'],
      ['quality', 'export', 'ссылки опроса: Оценка обслуживания', '10.1.2.3'],
      ['management', 'report.download', 'appendix-7', '10.1.2.3'],
    ])
    expect(rows[0]!.details).toEqual({ report: 'worklist', format: 'xlsx', days: 3 })
    expect(rows[1]!.details).toEqual({ report: 'survey-batch', format: 'xlsx', survey: surveyId, batch: batchId, links: 2, personalData: true })
    expect(rows[2]!.details).toEqual({ report: 'appendix-7-snapshot', format: 'html', snapshot: snapshotId, kind: 'html' })
  })
})
