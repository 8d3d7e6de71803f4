/**
 * Branch and office codes edited on the «Организация» page (ADR 027): through the route's action as Remix calls
 * it, on a real database — validation in Russian, an office code renamed in its records, an audit row each.
 */
import { sql } from 'kysely'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { createUser } from '#app/models/user.server.ts'
import { startSession } from '#app/utils/auth.server.ts'
import * as settings from '#app/routes/admin.settings.tsx'

const t = useTestDatabase()
let world: TestWorld
let cookie: string
const BASE = 'http://localhost'

beforeEach(async () => {
  ;(globalThis as { __sqReady?: Promise<unknown> }).__sqReady = Promise.resolve(t.database)
  world = await resetWorld(t.database)
  const user = await createUser(t.database.db, world.org.id, {
    login: 'admin-codes',
    fullName: 'Администратор',
    password: 'пароль-для-теста-1',
    roles: ['admin'],
    allBranches: true,
    branchIds: [],
  })
  cookie = (await startSession(new Request(`${BASE}/login`), user, '/')).headers.get('Set-Cookie')!.split(';')[0]!
  const db = t.database.db
  const north = await db.insertInto('branch').values({ org_id: world.org.id, name: 'Северные ЭС', code: 'СЭС' }).returning('id').executeTakeFirstOrThrow()
  await db.insertInto('branch').values({ org_id: world.org.id, name: 'Городские ЭС', code: 'ГЭС' }).execute()
  await db.insertInto('office').values({ org_id: world.org.id, office_code: 'ЦОП-01', name: 'Центральный офис', branch_id: north.id }).execute()
  await db.insertInto('office').values({ org_id: world.org.id, office_code: 'ПОП-02', name: 'Пункт 2', branch_id: north.id }).execute()
  await db
    .insertInto('visit')
    .values([
      { org_id: world.org.id, ticket_id: 'T1', office_code: 'ЦОП-01', service_kind: 'other', issued_at: new Date('2025-03-14T06:00:00Z') },
      { org_id: world.org.id, ticket_id: 'T2', office_code: 'ПОП-02', service_kind: 'other', issued_at: new Date('2025-03-14T06:00:00Z') },
    ])
    .execute()
})

async function change(intent: 'branch-code' | 'office-code', id: string, code: string) {
  const request = new Request(`${BASE}/admin/settings`, {
    method: 'POST',
    body: new URLSearchParams({ intent, id, code }),
    headers: { Cookie: cookie, Origin: BASE, 'Content-Type': 'application/x-www-form-urlencoded' },
  })
  const result = await settings.action({ request, params: {}, context: { ip: '127.0.0.1' } } as never)
  // a refusal comes as `data(…, { status: 400 })`
  const body = (result as { data?: unknown }).data ?? result
  return { status: (result as { init?: { status?: number } }).init?.status ?? 200, code: (body as { code: { message: string } }).code }
}

const branchId = async (name: string) => String((await t.database.db.selectFrom('branch').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id)
const audits = async () =>
  (
    await sql<{
      action: string
      object: string
      details: unknown
    }>`select action, object, details from audit_event where action like '%.code' order by id`.execute(t.database.db)
  ).rows

describe('branch and office codes on the «Организация» page', () => {
  it('a branch code: saved and audited; one taken by another branch (case and «ё» aside), empty or malformed is refused', async () => {
    const north = await branchId('Северные ЭС')
    expect(await change('branch-code', north, ' сэс-1 ')).toEqual({ status: 200, code: expect.objectContaining({ message: 'Код изменён: «СЭС» → «сэс-1».' }) })
    expect((await change('branch-code', north, 'гэс')).code.message).toBe(
      'Код «гэс» уже у филиала «Городские ЭС»: коды филиалов не повторяются (регистр и «ё» не различаются).',
    )
    expect(await change('branch-code', north, '  ')).toMatchObject({ status: 400, code: { message: 'Код филиала «Северные ЭС»: код не может быть пустым.' } })
    expect((await change('branch-code', north, '-СЭС')).code.message).toMatch(/^Код филиала «Северные ЭС»: «-СЭС» — код из букв и цифр/)
    expect((await change('branch-code', north, 'сэс-1')).code.message).toBe('Код не изменился.')
    expect(await t.database.db.selectFrom('branch').select('code').where('id', '=', north).executeTakeFirstOrThrow()).toEqual({ code: 'сэс-1' })
    expect(await audits()).toEqual([{ action: 'branch.code', object: 'филиал «Северные ЭС»', details: { before: 'СЭС', after: 'сэс-1' } }])
  })

  it('an office code: renamed in the office and its visits, audited; a taken code or one a rule names is refused', async () => {
    expect((await change('office-code', 'ЦОП-01', 'ПОП-02')).code.message).toBe('Код «ПОП-02» уже у офиса «Пункт 2»: коды офисов не повторяются.')
    await t.database.db
      .insertInto('deadline_rule')
      .values({
        org_id: world.org.id,
        code: 'wait_pop',
        name: 'Ожидание в ПОП-02',
        applies_to: 'visits',
        filter: JSON.stringify({ office_code: ['ПОП-02'] }),
        start_field: 'issued_at',
        stop_field: 'called_at',
        amount: 15,
        unit: 'minutes',
      } as never)
      .execute()
    expect((await change('office-code', 'ПОП-02', 'ПОП-22')).code.message).toBe(
      'Код «ПОП-02» назван в условии правил сроков: «Ожидание в ПОП-02». Сначала измените условие правил, затем код офиса.',
    )
    expect((await change('office-code', 'ЦОП-01', 'ЦОП-1')).code.message).toBe('Код изменён: «ЦОП-01» → «ЦОП-1».')
    const visits = await t.database.db.selectFrom('visit').select(['ticket_id', 'office_code']).orderBy('ticket_id').execute()
    expect(visits).toEqual([
      { ticket_id: 'T1', office_code: 'ЦОП-1' },
      { ticket_id: 'T2', office_code: 'ПОП-02' },
    ])
    expect((await t.database.db.selectFrom('office').select('office_code').orderBy('office_code').execute()).map((o) => o.office_code)).toEqual([
      'ПОП-02',
      'ЦОП-1',
    ])
    expect(await audits()).toEqual([{ action: 'office.code', object: 'офис «Центральный офис»', details: { before: 'ЦОП-01', after: 'ЦОП-1' } }])
  })

  it('the page lists each branch with its code and offices', async () => {
    const loaded = (await settings.loader({
      request: new Request(`${BASE}/admin/settings`, { headers: { Cookie: cookie } }),
      params: {},
      context: {},
    } as never)) as {
      branches: unknown
    }
    expect(loaded.branches).toEqual([
      { id: expect.any(String), name: 'Городские ЭС', code: 'ГЭС', offices: [] },
      {
        id: expect.any(String),
        name: 'Северные ЭС',
        code: 'СЭС',
        offices: [
          { code: 'ПОП-02', name: 'Пункт 2' },
          { code: 'ЦОП-01', name: 'Центральный офис' },
        ],
      },
    ])
  })
})
