/**
 * Loader and action tests of the fattest routes, called as Remix calls them (a Request with the session
 * cookie), on a real database: guard → parse → query or command → respond.
 */
import { sql } from 'kysely'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { createUser } from '#app/models/user.server.ts'
import { startSession } from '#app/utils/auth.server.ts'
import * as appendix7 from '#app/routes/reports.appendix-7._index.tsx'
import * as registers from '#app/routes/registers.$domain._index.tsx'
import * as policies from '#app/routes/reports.policies.tsx'

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
const post = (path: string, who: string, form: Record<string, string>) =>
  new Request(`${BASE}${path}`, {
    method: 'POST',
    body: new URLSearchParams(form),
    headers: { Cookie: cookies[who]!, Origin: BASE, 'Content-Type': 'application/x-www-form-urlencoded' },
  })
const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: { ip: '127.0.0.1' } })

async function thrown(promise: Promise<unknown>): Promise<Response> {
  try {
    await promise
  } catch (error) {
    if (error instanceof Response) return error
    throw error
  }
  throw new Error('expected a Response to be thrown')
}

beforeAll(async () => {
  ;(globalThis as { __sqReady?: Promise<unknown> }).__sqReady = Promise.resolve(t.database)
  world = await resetWorld(t.database)
  const db = t.database.db
  await db
    .insertInto('appeal')
    .values([
      {
        org_id: world.org.id,
        reg_number: 'a1',
        received_at: new Date('2025-03-03T10:00:00+03:00'),
        form: 'post',
        topic: 'other',
        complaint_topic: 'power_quality',
      },
      { org_id: world.org.id, reg_number: 'a2', received_at: new Date('2025-03-04T10:00:00+03:00'), form: 'phone', topic: 'metering' },
      {
        org_id: world.org.id,
        reg_number: 'a3',
        received_at: new Date('2025-05-04T10:00:00+03:00'),
        form: 'phone',
        topic: 'metering',
        applicant_name: 'Иванов Иван',
      },
    ])
    .execute()
  cookies.reporting = await signIn('reporter', ['reporting'])
  cookies.operator = await signIn('operator', ['operator'])
  cookies.quality = await signIn('quality', ['quality'])
  cookies.management = await signIn('management', ['management'])
  cookies.admin = await signIn('admin', ['admin'])
})

afterAll(() => {
  delete (globalThis as { __sqReady?: unknown }).__sqReady
})

describe('reports.appendix-7._index', () => {
  it('loader: the tables and checks of the asked year; a role without the report gets 403, a stranger the login page', async () => {
    const data = await appendix7.loader(args(get('/reports/appendix-7?year=2025&asOf=2026-01-31', 'reporting')) as never)
    expect(data).toMatchObject({ year: 2025, asOf: '2026-01-31', orgWide: true, canFreeze: true })
    expect(data.tables.map((x) => x.code)).toContain('4.1')
    expect(data.checks.length).toBeGreaterThan(0)
    expect((await thrown(appendix7.loader(args(get('/reports/appendix-7', 'operator')) as never))).status).toBe(403)
    const anonymous = await thrown(appendix7.loader(args(new Request(`${BASE}/reports/appendix-7`)) as never))
    expect([anonymous.status, anonymous.headers.get('Location')]).toEqual([302, '/login?redirectTo=%2Freports%2Fappendix-7'])
  })

  it('action: freezes one snapshot and one audit record per form, also when the form is sent twice; refuses what it does not know', async () => {
    const form = { intent: 'freeze', key: 'freeze-key-1' }
    const first = (await appendix7.action(args(post('/reports/appendix-7?year=2025', 'reporting', form)) as never)) as Response
    expect(first.status).toBe(302)
    const location = first.headers.get('Location')!
    expect(location).toMatch(/^\/reports\/appendix-7\/snapshots\/\d+$/)
    const again = (await appendix7.action(args(post('/reports/appendix-7?year=2025', 'reporting', form)) as never)) as Response
    expect(again.headers.get('Location')).toBe(location)
    const audits = await sql<{ n: string }>`select count(*) as n from audit_event where action = 'report.freeze'`.execute(t.database.db)
    expect(Number(audits.rows[0]!.n)).toBe(1)
    expect((await thrown(appendix7.action(args(post('/reports/appendix-7?year=2025', 'reporting', { intent: 'drop' })) as never))).status).toBe(400)
    // «quality» reads the report but may not freeze it
    expect((await thrown(appendix7.action(args(post('/reports/appendix-7?year=2025', 'quality', form)) as never))).status).toBe(403)
  })
})

describe('registers.$domain._index', () => {
  it('loader: a figure opens its records with the count from the rollups; personal data masked for a role that may not see it', async () => {
    const data = await registers.loader(
      args(get('/registers/appeals?period=month&year=2025&month=3&metric=appeals.complaints', 'quality'), { domain: 'appeals' }) as never,
    )
    expect(JSON.parse(JSON.stringify(data))).toMatchObject({ total: 1 })
    const all = await registers.loader(args(get('/registers/appeals?year=2025', 'management'), { domain: 'appeals' }) as never)
    expect(JSON.parse(JSON.stringify(all)).total).toBe(3)
    expect(JSON.stringify(all)).not.toContain('Иванов Иван')
    expect(JSON.stringify(all)).toContain('И••••••••ан')
    // the quality service works with the consumers: it sees the name
    const open = await registers.loader(args(get('/registers/appeals?year=2025', 'quality'), { domain: 'appeals' }) as never)
    expect(JSON.stringify(open)).toContain('Иванов Иван')
    expect((await thrown(registers.loader(args(get('/registers/nothing', 'quality'), { domain: 'nothing' }) as never))).status).toBe(404)
  })
})

describe('reports.policies', () => {
  it('action: a refused form is a 400 with the fields named, and nothing is saved; a good one is saved', async () => {
    const form = { rows: '0', officeVisits: 'all', dynamics: 'ratio', decimals: '1' }
    const refused = (await policies.action(args(post('/reports/policies', 'admin', { ...form, decimals: '-3' })) as never)) as unknown as {
      type: string
      data: { errors: string[]; saved: boolean }
      init: { status: number }
    }
    expect(refused.init.status).toBe(400)
    expect(refused.data.saved).toBe(false)
    expect(refused.data.errors.join(' ')).toMatch(/decimals/)
    const stored = async () =>
      (await t.database.db.selectFrom('organisation').select('report_policies').where('id', '=', world.org.id).executeTakeFirstOrThrow()).report_policies
    expect(await stored()).toBeNull()
    expect((await thrown(policies.action(args(post('/reports/policies', 'reporting', form)) as never))).status).toBe(403)
  })
})
