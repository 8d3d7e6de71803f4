/**
 * The registry's one download path (ADR 026), called as Remix calls it: access by the report's page, the
 * file under the one name scheme (ASCII `filename=` and UTF-8 `filename*=`), one audit record, Russian
 * refusals; the older addresses end in the same place.
 */
import { buffer } from 'node:stream/consumers'
import ExcelJS from 'exceljs'
import { sql } from 'kysely'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { createUser } from '#app/models/user.server.ts'
import { startSession } from '#app/utils/auth.server.ts'
import * as files from '#app/routes/files.$report.$format.ts'
import * as registerExport from '#app/routes/registers.$domain.export[.xlsx].ts'

const t = useTestDatabase()
let world: TestWorld
const cookies: Record<string, string> = {}
const BASE = 'http://localhost'

async function signIn(login: string, roles: string[]): Promise<string> {
  const user = await createUser(t.database.db, world.org.id, {
    login,
    fullName: `Тест ${login}`,
    password: 'пароль-для-теста-1',
    roles,
    allBranches: true,
    branchIds: [],
  })
  const response = await startSession(new Request(`${BASE}/login`), user, '/')
  return response.headers.get('Set-Cookie')!.split(';')[0]!
}
const get = (path: string, who: string) => new Request(`${BASE}${path}`, { headers: { Cookie: cookies[who]! } })
const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: { ip: '127.0.0.1' } }) as never

async function thrown(promise: unknown): Promise<Response> {
  try {
    await promise
  } catch (error) {
    if (error instanceof Response) return error
    throw error
  }
  throw new Error('expected a Response to be thrown')
}

async function body(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer())
}

beforeAll(async () => {
  ;(globalThis as { __sqReady?: Promise<unknown> }).__sqReady = Promise.resolve(t.database)
  world = await resetWorld(t.database)
  await t.database.db
    .insertInto('appeal')
    .values([
      {
        org_id: world.org.id,
        reg_number: 'a1',
        received_at: new Date('2025-03-03T10:00:00+03:00'),
        form: 'post',
        topic: 'other',
        applicant_name: 'Иванов Иван',
      },
      { org_id: world.org.id, reg_number: 'a2', received_at: new Date('2025-03-04T10:00:00+03:00'), form: 'phone', topic: 'metering' },
    ])
    .execute()
  cookies.operator = await signIn('operator', ['operator'])
  cookies.management = await signIn('management', ['management'])
  cookies.quality = await signIn('quality', ['quality'])
})

afterAll(() => {
  delete (globalThis as { __sqReady?: unknown }).__sqReady
})

describe('/files/<отчёт>/<формат>', () => {
  it('a register: the screen view, the name by the scheme in both forms, personal data by role, one audit record', async () => {
    const query = '?period=month&year=2025&month=3&domain=appeals'
    for (const [who, personal] of [
      ['quality', true],
      ['management', false],
    ] as const) {
      const response = (await files.loader(args(get(`/files/register/xlsx${query}`, who), { report: 'register', format: 'xlsx' }))) as Response
      expect(response.status).toBe(200)
      expect(response.headers.get('Content-Type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      expect(response.headers.get('Content-Disposition')).toBe(
        `attachment; filename="Obrashcheniya_2025-03-01_2025-03-31.xlsx"; filename*=UTF-8''${encodeURIComponent('Обращения_2025-03-01_2025-03-31.xlsx')}`,
      )
      const book = new ExcelJS.Workbook()
      await book.xlsx.load((await body(response)) as unknown as ArrayBuffer)
      const rows = book.getWorksheet('Записи')!.rowCount - 1
      expect(rows).toBe(2)
      expect(JSON.stringify(book.getWorksheet('Записи')!.getSheetValues()).includes('Иванов Иван')).toBe(personal)
    }
    const audits = await sql<{
      object: string
      details: { report: string; rows: number }
    }>`select object, details from audit_event where action = 'export'`.execute(t.database.db)
    expect(audits.rows.map((r) => [r.object, r.details.report, r.details.rows])).toEqual([
      ['журнал обращений', 'register-appeals', 2],
      ['журнал обращений', 'register-appeals', 2],
    ])
    // the older address is the same file
    const older = (await registerExport.loader(
      args(get('/registers/appeals/export.xlsx?period=month&year=2025&month=3', 'quality'), { domain: 'appeals' }),
    )) as Response
    expect(older.headers.get('Content-Disposition')).toContain("filename*=UTF-8''" + encodeURIComponent('Обращения_2025-03-01_2025-03-31.xlsx'))
    await body(older)
  })

  it('access is the report page’s: an operator may not have Appendix 7; unknown reports, formats and parameters are refused in Russian', async () => {
    expect((await thrown(files.loader(args(get('/files/appendix-7/xlsx?year=2025', 'operator'), { report: 'appendix-7', format: 'xlsx' })))).status).toBe(403)
    const a7 = (await files.loader(args(get('/files/appendix-7/pdf?year=2025', 'management'), { report: 'appendix-7', format: 'pdf' }))) as Response
    expect(a7.headers.get('Content-Disposition')).toMatch(/^attachment; filename="Prilozhenie7_2025_[A-Za-z0-9._-]+\.pdf"; filename\*=UTF-8''/)
    expect((await body(a7)).subarray(0, 5).toString()).toBe('%PDF-')
    const unknown = await thrown(files.loader(args(get('/files/nothing/xlsx', 'quality'), { report: 'nothing', format: 'xlsx' })))
    expect([unknown.status, await unknown.text()]).toEqual([404, 'Такого отчёта нет.'])
    const format = await thrown(files.loader(args(get('/files/dashboard/pdf', 'quality'), { report: 'dashboard', format: 'pdf' })))
    expect([format.status, await format.text()]).toEqual([404, '«Показатели качества обслуживания» выгружается в XLSX.'])
    const bad = await thrown(files.loader(args(get('/files/register/xlsx?year=2025&domain=nothing', 'quality'), { report: 'register', format: 'xlsx' })))
    expect([bad.status, await bad.text()]).toEqual([400, 'Неверный параметр отчёта «Журнал записей (обращения, звонки, посещения)»: «domain».'])
    const dashboard = (await files.loader(
      args(get('/files/dashboard/xlsx?period=month&year=2025&month=3', 'operator'), { report: 'dashboard', format: 'xlsx' }),
    )) as Response
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(dashboard.headers.get('Content-Disposition')!)![1]!)).toBe('Показатели_2025-03-01_2025-03-31.xlsx')
    const book = new ExcelJS.Workbook()
    await book.xlsx.load((await buffer(dashboard.body as never)) as unknown as ArrayBuffer)
    // the screen's default comparison is the prior period: the column says so
    expect(book.getWorksheet('Показатели')!.getRow(1).getCell(4).value).toBe('Предыдущий период')
  })
})
