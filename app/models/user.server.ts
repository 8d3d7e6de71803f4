import { hash, verify } from '@node-rs/argon2'
import { sql } from 'kysely'
import type { Db } from '#db/client.server.ts'
import { generationExpression } from '#db/generation.server.ts'
import type { Scope } from '#db/scope.server.ts'
import { MIN_PASSWORD_LENGTH, ROLES, type Role } from '#app/utils/access.ts'
import { InputError } from '#reports/errors.ts'

/** A signed-in user as the app sees them: no password hash. */
export interface SessionUser {
  id: string
  orgId: string
  login: string
  fullName: string
  roles: Role[]
  allBranches: boolean
  branchIds: string[]
  sessionVersion: number
}

export const CLI_LOGIN = 'cli'

/** argon2id with the library's defaults (m = 19 MiB, t = 2, p = 1: OWASP's baseline). */
export const hashPassword = (password: string) => hash(password)

/** Verified against when the login is unknown, so that both answers take as long. */
let dummyHash: Promise<string> | undefined
const getDummyHash = () => (dummyHash ??= hash('не пароль ни одного пользователя'))

function toSessionUser(row: {
  id: string
  org_id: string
  login: string
  full_name: string
  roles: string[]
  all_branches: boolean
  branch_ids: string[]
  session_version: number
}): SessionUser {
  return {
    id: row.id,
    orgId: row.org_id,
    login: row.login,
    fullName: row.full_name,
    roles: row.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r)),
    allBranches: row.all_branches,
    branchIds: row.branch_ids.map(String),
    sessionVersion: row.session_version,
  }
}

const userColumns = ['id', 'org_id', 'login', 'full_name', 'roles', 'all_branches', 'branch_ids', 'session_version'] as const

export async function findSessionUser(db: Db, userId: string): Promise<SessionUser | undefined> {
  if (!/^\d{1,18}$/.test(userId)) return undefined
  const row = await db
    .selectFrom('app_user')
    .select(userColumns)
    .where('id', '=', userId)
    .where('disabled', '=', false)
    .where('is_system', '=', false)
    .executeTakeFirst()
  return row ? toSessionUser(row) : undefined
}

/**
 * The user of a live server-side session, in one query: the session (by the SHA-256 of its id) exists, has
 * not expired and belongs to `userId`; the user is enabled and not a system user. (Every page asks this; two
 * round trips were a third of the cost of a page answered from the page cache.)
 */
export async function findLiveSessionUser(db: Db, userId: string, sessionHash: string, now: Date): Promise<SessionUser | undefined> {
  if (!/^\d{1,18}$/.test(userId)) return undefined
  const row = await liveSessionUserQuery(db, userId, sessionHash, now).executeTakeFirst()
  return row ? toSessionUser(row) : undefined
}

function liveSessionUserQuery(db: Db, userId: string, sessionHash: string, now: Date) {
  return db
    .selectFrom('user_session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select(userColumns.map((c) => `u.${c}` as const))
    .where('s.id_hash', '=', sessionHash)
    .where('s.expires_at', '>', now)
    .where('u.id', '=', userId)
    .where('u.disabled', '=', false)
    .where('u.is_system', '=', false)
}

/**
 * The same, and the data generation (`readGeneration`'s text), in one round trip: the page cache asks both
 * for every page it answers.
 */
export async function findLiveSessionUserAndGeneration(
  db: Db,
  userId: string,
  sessionHash: string,
  now: Date,
): Promise<{ user: SessionUser | undefined; generation: string }> {
  const live = /^\d{1,18}$/.test(userId)
    ? liveSessionUserQuery(db, userId, sessionHash, now)
    : liveSessionUserQuery(db, '0', sessionHash, now).where(sql.lit(false))
  const row = await db
    .selectFrom(generationExpression.as('g'))
    .leftJoin(live.as('x'), (join) => join.onTrue())
    .select(['g.generation', ...userColumns.map((c) => `x.${c}` as const)])
    .executeTakeFirstOrThrow()
  return { user: row.id === null ? undefined : toSessionUser(row as Parameters<typeof toSessionUser>[0]), generation: row.generation }
}

/**
 * Checks a login and password. Unknown login, disabled user and wrong password are one answer
 * (undefined), and an unknown login still costs a hash verification, so timing does not tell them apart.
 */
export async function verifyLogin(db: Db, orgId: string, login: string, password: string): Promise<SessionUser | undefined> {
  const row = await db
    .selectFrom('app_user')
    .select([...userColumns, 'password_hash', 'disabled', 'is_system'])
    .where('org_id', '=', orgId)
    .where(sql`lower(login)`, '=', login.trim().toLowerCase())
    .executeTakeFirst()
  const ok = await verify(row?.password_hash ?? (await getDummyHash()), password).catch(() => false)
  if (!row || !ok || row.disabled || row.is_system || !row.password_hash) return undefined
  await db.updateTable('app_user').set({ last_login_at: new Date() }).where('id', '=', row.id).execute()
  return toSessionUser(row)
}

/** The user's scope for queries: all branches, or the listed ones (an empty list sees no branch rows). */
export function scopeOf(user: SessionUser): Scope {
  return { orgId: user.orgId, branches: user.allBranches ? 'all' : user.branchIds }
}

export interface UserInput {
  login: string
  fullName: string
  password?: string
  roles: readonly string[]
  allBranches: boolean
  branchIds: readonly string[]
}

function checkInput(input: UserInput, passwordRequired: boolean): void {
  if (!/^[a-zA-Z0-9._-]{2,64}$/.test(input.login)) throw new InputError('Логин: от 2 до 64 латинских букв, цифр, точек, дефисов или подчёркиваний.', 'login')
  if (input.fullName.trim() === '') throw new InputError('Укажите имя пользователя.', 'fullName')
  if (input.roles.length === 0) throw new InputError('Назначьте хотя бы одну роль.', 'roles')
  const unknown = input.roles.filter((r) => !(ROLES as readonly string[]).includes(r))
  if (unknown.length) throw new InputError(`Неизвестные роли: ${unknown.join(', ')}. Допустимо: ${ROLES.join(', ')}.`, 'roles')
  if ((passwordRequired || input.password) && (input.password ?? '').length < MIN_PASSWORD_LENGTH) {
    throw new InputError(`Пароль должен быть не короче ${MIN_PASSWORD_LENGTH} символов.`, 'password')
  }
}

export async function createUser(db: Db, orgId: string, input: UserInput): Promise<SessionUser> {
  checkInput(input, true)
  const exists = await db
    .selectFrom('app_user')
    .select('id')
    .where('org_id', '=', orgId)
    .where(sql`lower(login)`, '=', input.login.toLowerCase())
    .executeTakeFirst()
  if (exists) throw new InputError(`Пользователь с логином «${input.login}» уже есть.`, 'login')
  const row = await db
    .insertInto('app_user')
    .values({
      org_id: orgId,
      login: input.login,
      full_name: input.fullName.trim(),
      password_hash: await hashPassword(input.password!),
      roles: [...input.roles],
      all_branches: input.allBranches,
      branch_ids: [...input.branchIds],
    })
    .returning(userColumns)
    .executeTakeFirstOrThrow()
  return toSessionUser(row)
}

/** Changes roles, branches, name or status; a password reset or a disable ends the user's sessions. */
export async function updateUser(db: Db, orgId: string, userId: string, input: Omit<UserInput, 'login'> & { disabled: boolean }): Promise<void> {
  checkInput({ ...input, login: 'placeholder' }, false)
  const endSessions = Boolean(input.password) || input.disabled
  const result = await db
    .updateTable('app_user')
    .set({
      full_name: input.fullName.trim(),
      roles: [...input.roles],
      all_branches: input.allBranches,
      branch_ids: [...input.branchIds],
      disabled: input.disabled,
      ...(input.password ? { password_hash: await hashPassword(input.password) } : {}),
      ...(endSessions ? { session_version: sql<number>`session_version + 1` } : {}),
    })
    .where('org_id', '=', orgId)
    .where('id', '=', userId)
    .where('is_system', '=', false)
    .executeTakeFirst()
  if (Number(result.numUpdatedRows) === 0) throw new InputError('Такого пользователя нет.')
}

export async function listUsers(db: Db, orgId: string) {
  return db
    .selectFrom('app_user')
    .select([
      'id',
      'login',
      'full_name as fullName',
      'roles',
      'all_branches as allBranches',
      'branch_ids as branchIds',
      'disabled',
      'last_login_at as lastLoginAt',
    ])
    .where('org_id', '=', orgId)
    .where('is_system', '=', false)
    .orderBy('login')
    .execute()
}

export async function getUserForEdit(db: Db, orgId: string, userId: string) {
  if (!/^\d{1,18}$/.test(userId)) return undefined
  return db
    .selectFrom('app_user')
    .select(['id', 'login', 'full_name as fullName', 'roles', 'all_branches as allBranches', 'branch_ids as branchIds', 'disabled'])
    .where('org_id', '=', orgId)
    .where('id', '=', userId)
    .where('is_system', '=', false)
    .executeTakeFirst()
}

/** The named system user the CLI acts as: its imports are audited like anyone's. It cannot sign in. */
export async function getCliUser(db: Db, orgId: string): Promise<{ id: string; login: string }> {
  const existing = await db.selectFrom('app_user').select(['id', 'login']).where('org_id', '=', orgId).where('login', '=', CLI_LOGIN).executeTakeFirst()
  if (existing) return existing
  return db
    .insertInto('app_user')
    .values({
      org_id: orgId,
      login: CLI_LOGIN,
      full_name: 'Командная строка (системный пользователь)',
      password_hash: null,
      roles: ['operator'],
      all_branches: true,
      is_system: true,
    })
    .returning(['id', 'login'])
    .executeTakeFirstOrThrow()
}

/** True when nobody can sign in yet (a new installation without demo data). */
export async function hasNoUsers(db: Db, orgId: string): Promise<boolean> {
  const row = await db.selectFrom('app_user').select('id').where('org_id', '=', orgId).where('is_system', '=', false).limit(1).executeTakeFirst()
  return row === undefined
}

export async function listBranches(db: Db, orgId: string) {
  return db.selectFrom('branch').select(['id', 'name']).where('org_id', '=', orgId).orderBy('name').execute()
}
