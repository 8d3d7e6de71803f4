/**
 * Integration tokens of the import API (ADR 017). A secret is 256 random bits (`sq_` + 43 base64url
 * characters), shown once; the table keeps its SHA-256 only — a fast hash is right for a random secret of
 * this length (nothing to guess, nothing to stretch), and one indexed lookup finds the token.
 */
import crypto from 'node:crypto'
import type { Db } from '#db/client.server.ts'
import { IMPORT_KINDS, type ImportKind } from '#app/imports/kinds.ts'
import { InputError } from '#reports/errors.ts'
import { importKind, labelOf } from '#reports/vocabulary.ts'
import { sourceLabel } from '#app/imports/report-text.ts'
import { type Actor, runCommand } from '#app/models/command.server.ts'
import { formatLocalDateTime } from '#reports/time/local-time.ts'
import { recordAudit } from '#app/models/audit.server.ts'

export const TOKEN_PREFIX = 'sq_'

export interface TokenInput {
  name: string
  kinds: string[]
  /** branch names; empty = the whole organisation */
  branches?: string[]
  /** branch ids (the page's checkboxes); used when given */
  branchIds?: string[]
  expiresAt?: Date | null
  createdBy: { id: string | null; login: string }
}

export interface IntegrationToken {
  id: string
  orgId: string
  name: string
  kinds: ImportKind[]
  /** null: every branch */
  branchIds: string[] | null
  prefix: string
  expiresAt: Date | null
  createdAt: Date
  createdByName: string
  revokedAt: Date | null
  revokedByName: string | null
  lastUsedAt: Date | null
}

export const hashSecret = (secret: string) => crypto.createHash('sha256').update(secret, 'utf8').digest('hex')

type Row = {
  id: string
  org_id: string
  name: string
  kinds: string[]
  branch_ids: string[] | null
  prefix: string
  expires_at: Date | null
  created_at: Date
  created_by_name: string
  revoked_at: Date | null
  revoked_by_name: string | null
  last_used_at: Date | null
}
const toToken = (r: Row): IntegrationToken => ({
  id: String(r.id),
  orgId: String(r.org_id),
  name: r.name,
  kinds: r.kinds as ImportKind[],
  branchIds: r.branch_ids === null ? null : r.branch_ids.map(String),
  prefix: r.prefix,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
  createdByName: r.created_by_name,
  revokedAt: r.revoked_at,
  revokedByName: r.revoked_by_name,
  lastUsedAt: r.last_used_at,
})
const COLUMNS = [
  'id',
  'org_id',
  'name',
  'kinds',
  'branch_ids',
  'prefix',
  'expires_at',
  'created_at',
  'created_by_name',
  'revoked_at',
  'revoked_by_name',
  'last_used_at',
] as const

/** Parses `calls,visits` (canonical names or Russian labels of the kinds). */
export function parseKinds(list: string[]): ImportKind[] {
  const kinds: ImportKind[] = []
  for (const raw of list.map((k) => k.trim()).filter(Boolean)) {
    const kind = IMPORT_KINDS.find((k) => k === raw || labelOf(importKind, k).toLowerCase() === raw.toLowerCase())
    if (!kind) throw new InputError(`Неизвестный вид данных «${raw}». Допустимы: ${IMPORT_KINDS.join(', ')}.`, 'kinds')
    if (!kinds.includes(kind)) kinds.push(kind)
  }
  if (!kinds.length) throw new InputError('Укажите хотя бы один вид данных, который токен может загружать.', 'kinds')
  return kinds
}

/** Creates a token; the secret is returned here and never again. */
export async function createToken(db: Db, orgId: string, input: TokenInput): Promise<{ token: IntegrationToken; secret: string }> {
  const name = input.name.trim()
  if (!name) throw new InputError('Укажите название токена (например, «АТС» или «СЭД»).', 'name')
  if (name.length > 100) throw new InputError('Название токена — не длиннее 100 символов.', 'name')
  const kinds = parseKinds(input.kinds)
  const known = await db.selectFrom('branch').select(['id', 'name']).where('org_id', '=', orgId).execute()
  let branchIds: string[] | null = null
  if (input.branchIds?.length) {
    const unknown = input.branchIds.filter((id) => !known.some((b) => String(b.id) === id))
    if (unknown.length) throw new InputError('Выбран филиал, которого нет в организации.', 'branches')
    branchIds = input.branchIds
  } else if (input.branches?.length) {
    const unknown = input.branches.filter((n) => !known.some((b) => b.name === n))
    if (unknown.length)
      throw new InputError(`Нет таких филиалов: ${unknown.join(', ')}. Есть: ${known.map((b) => b.name).join(', ') || 'ни одного'}.`, 'branches')
    branchIds = known.filter((b) => input.branches!.includes(b.name)).map((b) => String(b.id))
  }
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw new InputError('Срок действия токена должен быть в будущем.', 'expires')
  const secret = TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url')
  const row = await db
    .insertInto('integration_token')
    .values({
      org_id: orgId,
      name,
      kinds,
      branch_ids: branchIds,
      secret_hash: hashSecret(secret),
      prefix: secret.slice(0, 8),
      expires_at: input.expiresAt ?? null,
      created_by: input.createdBy.id,
      created_by_name: input.createdBy.login,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow()
  return { token: toToken(row as Row), secret }
}

export async function listTokens(db: Db, orgId: string): Promise<IntegrationToken[]> {
  const rows = await db
    .selectFrom('integration_token')
    .select(COLUMNS)
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute()
  return rows.map((r) => toToken(r as Row))
}

/** Revokes a token of the organisation; a revoked token stays listed (and in the history of its imports). */
export async function revokeToken(db: Db, orgId: string, id: string, by: string): Promise<IntegrationToken> {
  if (!/^\d{1,18}$/.test(id)) throw new InputError(`Нет токена №${id}.`)
  const row = await db
    .updateTable('integration_token')
    .set({ revoked_at: new Date(), revoked_by_name: by })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning(COLUMNS)
    .executeTakeFirst()
  if (!row) {
    const exists = await db.selectFrom('integration_token').select('id').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst()
    throw new InputError(exists ? `Токен №${id} уже отозван.` : `Нет токена №${id}.`)
  }
  return toToken(row as Row)
}

export type TokenCheck =
  | { ok: true; token: IntegrationToken }
  | { ok: false; status: 401; reason: 'missing' | 'unknown' | 'revoked' | 'expired'; message: string; token?: IntegrationToken }

/** The token of an `Authorization: Bearer <secret>` header, or why there is none. */
export async function authenticateToken(db: Db, authorization: string | null, now = new Date()): Promise<TokenCheck> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')
  if (!match) {
    return {
      ok: false,
      status: 401,
      reason: 'missing',
      message: 'Нужен токен интеграции: заголовок «Authorization: Bearer <токен>». Токен выдаёт администратор на странице «Токены интеграции».',
    }
  }
  const secret = match[1]!
  const row =
    secret.startsWith(TOKEN_PREFIX) && secret.length < 200
      ? await db.selectFrom('integration_token').select(COLUMNS).where('secret_hash', '=', hashSecret(secret)).executeTakeFirst()
      : undefined
  if (!row) return { ok: false, status: 401, reason: 'unknown', message: 'Токен не найден: проверьте, что он скопирован целиком.' }
  const token = toToken(row as Row)
  if (token.revokedAt) return { ok: false, status: 401, reason: 'revoked', message: `Токен «${token.name}» отозван администратором.`, token }
  if (token.expiresAt && token.expiresAt.getTime() <= now.getTime()) {
    return { ok: false, status: 401, reason: 'expired', message: `Срок действия токена «${token.name}» истёк.`, token }
  }
  await db.updateTable('integration_token').set({ last_used_at: now }).where('id', '=', token.id).execute()
  return { ok: true, token }
}

/** How the import history names an API import: «API: <token name>». */
export const apiSourceLabel = (tokenName: string | null | undefined) => sourceLabel('api', tokenName)

/** The audit rows of a token's life: what the tokens page, the CLI and the commands all record. */
const createdAudit = (token: IntegrationToken) => ({
  action: 'token.create',
  object: `токен №${token.id}`,
  details: { name: token.name, kinds: token.kinds, branchIds: token.branchIds, expiresAt: token.expiresAt },
})
const revokedAudit = (token: IntegrationToken) => ({ action: 'token.revoke', object: `токен №${token.id}`, details: { name: token.name } })

/** Issues a token as one command (ADR 025): the token and the audit row `token.create` together. */
export function issueTokenCommand(db: Db, actor: Actor, input: Omit<TokenInput, 'createdBy'>): Promise<{ token: IntegrationToken; secret: string }> {
  return runCommand(db, actor, async (tx) => {
    const made = await createToken(tx, actor.org.id, { ...input, createdBy: { id: actor.user.id, login: actor.user.login } })
    return { result: made, audit: createdAudit(made.token) }
  })
}

/** Revokes a token with the audit row `token.revoke`, in one transaction. */
export function revokeTokenCommand(db: Db, actor: Actor, id: string): Promise<IntegrationToken> {
  return runCommand(db, actor, async (tx) => {
    const token = await revokeToken(tx, actor.org.id, id, actor.user.login)
    return { result: token, audit: revokedAudit(token) }
  })
}

/** Issues a token and records `token.create` in one transaction, for a caller without a signed-in actor (`token add`). */
export async function issueToken(db: Db, orgId: string, input: TokenInput, ip: string | null = null): ReturnType<typeof createToken> {
  return db.transaction().execute(async (tx) => {
    const issued = await createToken(tx, orgId, input)
    await recordAudit(tx, { orgId, userId: input.createdBy.id, actor: input.createdBy.login, ip, ...createdAudit(issued.token) })
    return issued
  })
}

/** Revokes a token and records `token.revoke` in one transaction, for a caller without a signed-in actor (`token revoke`). */
export async function withdrawToken(
  db: Db,
  orgId: string,
  id: string,
  by: { id: string | null; login: string },
  ip: string | null = null,
): Promise<IntegrationToken> {
  return db.transaction().execute(async (tx) => {
    const token = await revokeToken(tx, orgId, id, by.login)
    await recordAudit(tx, { orgId, userId: by.id, actor: by.login, ip, ...revokedAudit(token) })
    return token
  })
}

/** How a token is listed (the tokens page and `token list` alike): its state, branch scope and last valid minute. */
export interface TokenListing {
  state: 'действует' | 'истёк' | 'отозван'
  scope: string
  until: string
}

export function tokenListing(token: IntegrationToken, branchNames: ReadonlyMap<string, string>, zone: string, now = new Date()): TokenListing {
  return {
    state: token.revokedAt ? 'отозван' : token.expiresAt && token.expiresAt.getTime() <= now.getTime() ? 'истёк' : 'действует',
    scope: token.branchIds ? token.branchIds.map((id) => branchNames.get(id) ?? id).join(', ') : 'вся организация',
    // the expiry is stored as the end of the chosen day (00:00 of the next): shown as its last minute
    until: token.expiresAt ? formatLocalDateTime(new Date(token.expiresAt.getTime() - 1000), zone) : 'бессрочно',
  }
}
