/**
 * Loader and action tests of the fattest routes, called as Remix calls them (a Request with the session
 * cookie), on a real database: guard → parse → query or command → respond.
 */
import { sql } from 'kysely'
import { localParts } from '#reports/time/local-time.ts'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { createUser } from '#app/models/user.server.ts'
import { startSession } from '#app/utils/auth.server.ts'
import * as appendix7 from '#app/routes/reports.appendix-7._index.tsx'
import * as registers from '#app/routes/registers.$domain._index.tsx'
import * as policies from '#app/routes/reports.policies.tsx'
import * as calendar from '#app/routes/calendar._index.tsx'
import * as rule from '#app/routes/rules.$ruleId.tsx'
import * as settings from '#app/routes/admin.settings.tsx'
import * as tokens from '#app/routes/admin.tokens.tsx'
import * as users from '#app/routes/admin.users._index.tsx'
import * as inputs from '#app/routes/reports.appendix-7.inputs.tsx'

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

/** What `data(…, { status })` gives back to Remix. */
type Answer<T> = { data: T; init: { status: number } | null }
const refusal = (answer: unknown) => answer as Answer<{ error: string; fieldErrors: Record<string, string> }>
const auditCount = async (action: string) =>
  Number((await sql<{ n: string }>`select count(*) as n from audit_event where action = ${action}`.execute(t.database.db)).rows[0]!.n)

describe('refusals are 400s keyed by field (issue 19 §5)', () => {
  it('calendar: a bad year, a bad date, an unknown intent are 400 with the field named; nothing saved, no audit row', async () => {
    const before = await auditCount('calendar.update')
    const year = refusal(await calendar.action(args(post('/calendar', 'admin', { intent: 'add-year', year: '20x5' })) as never))
    expect(year.init?.status).toBe(400)
    expect(year.data.fieldErrors).toEqual({ year: 'Год — от 2000 до 2099.' })
    expect(year.data.error).toBe('Год: Год — от 2000 до 2099.')
    // the date passes the schema, the model refuses it: keyed by its field too
    const day = refusal(await calendar.action(args(post('/calendar', 'admin', { intent: 'add-day', day: '31.02.2025', kind: 'holiday' })) as never))
    expect([day.init?.status, day.data.fieldErrors]).toEqual([400, { day: 'Нет такой даты: «31.02.2025». Ожидается ДД.ММ.ГГГГ.' }])
    const unknown = refusal(await calendar.action(args(post('/calendar', 'admin', { intent: 'drop-all' })) as never))
    expect([unknown.init?.status, unknown.data.fieldErrors]).toEqual([400, { intent: 'Неизвестное действие.' }])
    expect(await auditCount('calendar.update')).toBe(before)
    expect((await t.database.db.selectFrom('calendar_day').select('id').where('org_id', '=', world.org.id).execute()).length).toBe(0)
  })

  it('calendar: a good form is one command — the day, the due dates counted again and the audit row with the client address', async () => {
    const answer = (await calendar.action(
      args(post('/calendar', 'admin', { intent: 'add-day', day: '14.03.2025', kind: 'holiday', note: 'тест' })) as never,
    )) as {
      error: null
      recomputed: number
    }
    expect(answer.error).toBeNull()
    const row = await t.database.db
      .selectFrom('audit_event')
      .select(['actor', 'ip', 'details'])
      .where('action', '=', 'calendar.update')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    expect(row).toEqual({
      actor: 'admin',
      ip: '127.0.0.1',
      details: { intent: 'add-day', added: '2025-03-14', kind: 'holiday', recomputed: answer.recomputed },
    })
    // the loader reads the year from the URL; an unreadable one is the current year
    const data = await calendar.loader(args(get('/calendar?year=2025', 'admin')) as never)
    expect(data.days.find((d) => d.day === '2025-03-14')).toMatchObject({ kind: 'holiday', note: 'тест' })
    const fallback = await calendar.loader(args(get('/calendar?year=abc', 'admin')) as never)
    expect(fallback.year).toBe(localParts(new Date(), world.org.time_zone).year)
  })

  it('rules: an unreadable term and priority are 400 with both fields; the rule stays as it was', async () => {
    const id = (await t.database.db.selectFrom('deadline_rule').select('id').where('code', '=', 'network_appeal_written').executeTakeFirstOrThrow()).id
    const answer = refusal(
      await rule.action(
        args(post(`/rules/${id}`, 'admin', { name: 'Ответ', amount: 'тридцать', unit: 'calendar_days', priority: '1.5' }), { ruleId: id }) as never,
      ),
    )
    expect(answer.init?.status).toBe(400)
    expect(answer.data.fieldErrors).toEqual({ amount: 'Срок должен быть положительным числом.', priority: 'Приоритет — целое число (меньше — раньше).' })
    expect((await t.database.db.selectFrom('deadline_rule').select('amount').where('id', '=', id).executeTakeFirstOrThrow()).amount).toBe('30')
  })

  it('settings: an out-of-range threshold is a 400 for its field; nothing saved', async () => {
    const form = {
      name: 'Новое имя',
      timeZone: 'Europe/Moscow',
      regime: 'network',
      shortAbandon: '5',
      serviceLevel: '99999',
      lostCallbackAmount: '',
      phoneLines: '',
    }
    const answer = refusal(await settings.action(args(post('/admin/settings', 'admin', form)) as never))
    expect([answer.init?.status, answer.data.fieldErrors]).toEqual([
      400,
      { serviceLevel: 'Целое число секунд от 1 до 3600 (или пусто: из правила ответа на звонок).' },
    ])
    expect((await t.database.db.selectFrom('organisation').select('name').where('id', '=', world.org.id).executeTakeFirstOrThrow()).name).not.toBe('Новое имя')
  })

  it('tokens: a bad expiry date is a 400 for its field; users: a login the model refuses is a 400 with its message', async () => {
    const token = refusal(await tokens.action(args(post('/admin/tokens', 'admin', { name: 'АТС', kinds: 'calls', expires: '31.12.2026' })) as never))
    expect([token.init?.status, token.data.fieldErrors]).toEqual([400, { expires: 'Срок действия — дата в виде ГГГГ-ММ-ДД.' }])
    expect(await auditCount('token.create')).toBe(0)
    const user = refusal(await users.action(args(post('/admin/users', 'admin', { login: 'и', fullName: 'Кто-то', password: 'пароль-для-теста-1' })) as never))
    expect(user.init?.status).toBe(400)
    expect(user.data.error).toMatch(/^Логин: от 2 до 64/)
    expect(await auditCount('user.create')).toBe(0)
  })

  it('Appendix 7 inputs: a form naming no table of the template is a 400 (was 200), and nothing is audited', async () => {
    const answer = (await inputs.action(args(post('/reports/appendix-7/inputs?year=2025', 'reporting', { '9.9::n|1|value': '5' })) as never)) as Answer<{
      errors: string[]
    }>
    expect([answer.init?.status, answer.data.errors]).toEqual([400, ['Форма пуста: нечего сохранять.']])
    expect(await auditCount('report.input')).toBe(0)
  })
})
