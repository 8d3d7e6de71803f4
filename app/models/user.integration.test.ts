import { sql } from 'kysely'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { sample } from '#test/setup/files.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { getDataOverview } from './overview.server.ts'
import { createUser, findSessionUser, getCliUser, hasNoUsers, scopeOf, updateUser, verifyLogin } from './user.server.ts'

const t = useTestDatabase()
let world: TestWorld
beforeEach(async () => {
  world = await resetWorld(t.database)
})

const input = { login: 'petrova', fullName: 'Петрова А. С.', password: 'длинный-пароль', roles: ['quality'], allBranches: true, branchIds: [] }

describe('users', () => {
  it('stores an argon2id hash and checks a password; a wrong password and an unknown login answer alike', async () => {
    await createUser(t.database.db, world.org.id, input)
    const stored = await t.database.db.selectFrom('app_user').select('password_hash').where('login', '=', 'petrova').executeTakeFirstOrThrow()
    expect(stored.password_hash).toMatch(/^\$argon2id\$/)
    expect(await verifyLogin(t.database.db, world.org.id, ' Petrova ', 'длинный-пароль')).toMatchObject({ login: 'petrova', roles: ['quality'] })
    expect(await verifyLogin(t.database.db, world.org.id, 'petrova', 'не тот')).toBeUndefined()
    expect(await verifyLogin(t.database.db, world.org.id, 'nobody', 'длинный-пароль')).toBeUndefined()
  })

  it('a new installation has nobody to sign in (the CLI user does not count) until a user is created', async () => {
    await getCliUser(t.database.db, world.org.id)
    expect(await hasNoUsers(t.database.db, world.org.id)).toBe(true)
    await createUser(t.database.db, world.org.id, input)
    expect(await hasNoUsers(t.database.db, world.org.id)).toBe(false)
  })

  it('refuses bad input in Russian', async () => {
    await expect(createUser(t.database.db, world.org.id, { ...input, password: 'короткий' })).rejects.toThrow('Пароль должен быть не короче 10 символов.')
    await expect(createUser(t.database.db, world.org.id, { ...input, roles: ['boss'] })).rejects.toThrow('Неизвестные роли: boss')
    await expect(createUser(t.database.db, world.org.id, { ...input, login: 'Петрова' })).rejects.toThrow(/Логин: от 2 до 64 латинских/)
    await createUser(t.database.db, world.org.id, input)
    await expect(createUser(t.database.db, world.org.id, { ...input, login: 'PETROVA' })).rejects.toThrow('Пользователь с логином «PETROVA» уже есть.')
  })

  it('a password reset or a disable ends the sessions; the CLI user cannot sign in', async () => {
    const user = await createUser(t.database.db, world.org.id, input)
    await updateUser(t.database.db, world.org.id, user.id, { ...input, password: 'новый-длинный-пароль', disabled: false })
    expect((await findSessionUser(t.database.db, user.id))!.sessionVersion).toBe(user.sessionVersion + 1)
    await updateUser(t.database.db, world.org.id, user.id, { ...input, password: undefined, disabled: true })
    expect(await findSessionUser(t.database.db, user.id)).toBeUndefined()
    expect(await verifyLogin(t.database.db, world.org.id, 'petrova', 'новый-длинный-пароль')).toBeUndefined()
    const cli = await getCliUser(t.database.db, world.org.id)
    expect(await findSessionUser(t.database.db, cli.id)).toBeUndefined()
  })
})

describe('branch scope inside the queries', () => {
  beforeEach(async () => {
    for (const [kind, file] of [
      ['offices', 'offices.csv'],
      ['appeals', 'appeals.csv'],
      ['calls', 'calls.csv'],
      ['visits', 'visits.csv'],
    ] as const) {
      await runFileImport(world.target, { kind, path: sample(file), fileName: file, skipInvalid: false, createBranches: true, source: 'cli' })
    }
  })

  const totals = async (branches: 'all' | string[]) => {
    const overview = await getDataOverview(t.database.db, { orgId: world.org.id, branches }, 'Europe/Moscow')
    return { ...Object.fromEntries(overview.logs.map((l) => [l.log, l.total])), offices: overview.offices, branches: overview.branches }
  }
  const branchId = async (name: string) => (await sql<{ id: string }>`select id from branch where name = ${name}`.execute(t.database.db)).rows[0]!.id

  it('an organisation-wide user sees everything', async () => {
    expect(await totals('all')).toEqual({ appeals: 3, calls: 4, visits: 4, offices: 2, branches: 2 })
  })

  it('a branch user sees her branch only, and no calls (they carry no branch)', async () => {
    expect(await totals([await branchId('Северные ЭС')])).toEqual({ appeals: 2, calls: 0, visits: 1, offices: 1, branches: 1 })
    expect(await totals([await branchId('Городские ЭС')])).toEqual({ appeals: 1, calls: 0, visits: 3, offices: 1, branches: 1 })
  })

  it('deny by default: an empty scope and another organisation see nothing', async () => {
    expect(await totals([])).toEqual({ appeals: 0, calls: 0, visits: 0, offices: 0, branches: 0 })
    const other = await getDataOverview(t.database.db, { orgId: '999999', branches: 'all' }, 'Europe/Moscow')
    expect(other.logs.map((l) => l.total)).toEqual([0, 0, 0])
  })

  it('the scope of a user follows her branches', async () => {
    const user = await createUser(t.database.db, world.org.id, { ...input, allBranches: false, branchIds: [await branchId('Северные ЭС')] })
    expect(scopeOf(user)).toEqual({ orgId: world.org.id, branches: [await branchId('Северные ЭС')] })
  })
})
