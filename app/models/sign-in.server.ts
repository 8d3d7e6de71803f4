/**
 * Sign-in throttling kept in PostgreSQL (ADR 014), so that every server process counts the same attempts.
 * An attempt is *reserved* before the password is checked: the counts are read and the attempt written in
 * one short transaction under a table lock, so parallel attempts are counted one after another and never
 * all pass the check at once. A reserved attempt counts as a failure until it is known to have succeeded.
 *
 * The limits are meant to cost the attacker, not the person attacked:
 * - per login **and** address: 5 failures in 15 minutes block that pair only — the user signs in from
 *   his own computer as usual;
 * - per address: 20 failures in 15 minutes block the address for every login;
 * - per login from all addresses (an attack spread over many addresses): after 10 failures no lock-out, but a
 *   growing pause between attempts (1 s, 2 s, 4 s … at most a minute); one address alone cannot start it (its
 *   5 come first), and an address this user signed in from during the last 30 days is never paused;
 * - an administrator can lift a user's limits on the user's page.
 */
import { sql } from 'kysely'
import type { Db } from '#db/client.server.ts'
import type { Organisation } from '#db/schema.ts'
import { inTransaction } from '#db/transaction.server.ts'
import { addressKey } from '#app/utils/address.server.ts'
import { type AuditEntry, recordAudit } from './audit.server.ts'
import { type SessionUser, verifyLogin } from './user.server.ts'

export const SIGN_IN_LIMITS = {
  windowMs: 15 * 60_000,
  perLoginAndAddress: 5,
  perAddress: 20,
  /** failures of a login (all addresses) in the window before the pause starts */
  pauseAfter: 10,
  maxPauseMs: 60_000,
  knownAddressDays: 30,
} as const

export const loginKey = (login: string): string => login.trim().toLowerCase()

export type Reservation = { ok: true; id: string } | { ok: false; waitMs: number; reason: 'login-and-address' | 'address' | 'login-pause' }

type Counts = {
  pair: number
  pair_first: Date | null
  address: number
  address_first: Date | null
  login: number
  login_last: Date | null
  known: boolean
}

/** Reserves a sign-in attempt, or says how long to wait. */
export async function reserveSignIn(db: Db, login: string, ip: string, now = new Date(), limits = SIGN_IN_LIMITS): Promise<Reservation> {
  const key = loginKey(login)
  const address = addressKey(ip)
  return db.transaction().execute(async (trx) => {
    // one reservation at a time across every process: the counts below then include every attempt before
    await sql`lock table sign_in_attempt in share row exclusive mode`.execute(trx)
    const since = new Date(now.getTime() - limits.windowMs)
    const known = new Date(now.getTime() - limits.knownAddressDays * 86_400_000)
    const { rows } = await sql<Counts>`
      select
        count(*) filter (where login_key = ${key} and address = ${address} and at > ${since} and outcome <> 'succeeded')::int as pair,
        min(at) filter (where login_key = ${key} and address = ${address} and at > ${since} and outcome <> 'succeeded') as pair_first,
        count(*) filter (where address = ${address} and at > ${since} and outcome <> 'succeeded')::int as address,
        min(at) filter (where address = ${address} and at > ${since} and outcome <> 'succeeded') as address_first,
        count(*) filter (where login_key = ${key} and at > ${since} and outcome <> 'succeeded')::int as login,
        max(at) filter (where login_key = ${key} and at > ${since} and outcome <> 'succeeded') as login_last,
        coalesce(bool_or(login_key = ${key} and address = ${address} and outcome = 'succeeded' and at > ${known}), false) as known
      from sign_in_attempt
      where (login_key = ${key} or address = ${address}) and at > ${known < since ? known : since}`.execute(trx)
    const c = rows[0]!
    const t = now.getTime()
    const until = (first: Date | null) => (first ? new Date(first).getTime() + limits.windowMs - t : limits.windowMs)
    if (c.pair >= limits.perLoginAndAddress) return { ok: false, waitMs: Math.max(1000, until(c.pair_first)), reason: 'login-and-address' } as const
    if (c.address >= limits.perAddress) return { ok: false, waitMs: Math.max(1000, until(c.address_first)), reason: 'address' } as const
    if (!c.known && c.login >= limits.pauseAfter && c.login_last) {
      const pause = Math.min(limits.maxPauseMs, 1000 * 2 ** (c.login - limits.pauseAfter))
      const wait = new Date(c.login_last).getTime() + pause - t
      if (wait > 0) return { ok: false, waitMs: wait, reason: 'login-pause' } as const
    }
    const row = await trx.insertInto('sign_in_attempt').values({ login_key: key, address, at: now }).returning('id').executeTakeFirstOrThrow()
    // forget attempts older than the longest memory now and then
    if (Math.random() < 0.01) await trx.deleteFrom('sign_in_attempt').where('at', '<', known).execute()
    return { ok: true, id: row.id } as const
  })
}

/** The reserved attempt failed: it keeps counting. */
export async function signInFailed(db: Db, reservationId: string): Promise<void> {
  await db.updateTable('sign_in_attempt').set({ outcome: 'failed' }).where('id', '=', reservationId).execute()
}

/** The reserved attempt succeeded: this login's failures from this address are forgotten (not the address's). */
export async function signInSucceeded(db: Db, reservationId: string, login: string, ip: string): Promise<void> {
  const address = addressKey(ip)
  await inTransaction(db, async (trx) => {
    await trx.updateTable('sign_in_attempt').set({ outcome: 'succeeded' }).where('id', '=', reservationId).execute()
    await trx
      .deleteFrom('sign_in_attempt')
      .where('login_key', '=', loginKey(login))
      .where('address', '=', address)
      .where('outcome', '<>', 'succeeded')
      .execute()
  })
}

/** An administrator lifts every limit on a login: its failures from every address are forgotten. */
export async function clearSignInLimits(db: Db, login: string): Promise<number> {
  const result = await db.deleteFrom('sign_in_attempt').where('login_key', '=', loginKey(login)).where('outcome', '<>', 'succeeded').executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Failures of a login in the current window (the user's page shows them to the administrator). */
export async function recentSignInFailures(db: Db, login: string, now = new Date(), limits = SIGN_IN_LIMITS): Promise<number> {
  const row = await db
    .selectFrom('sign_in_attempt')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('login_key', '=', loginKey(login))
    .where('outcome', '<>', 'succeeded')
    .where('at', '>', new Date(now.getTime() - limits.windowMs))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The Russian message for a refused attempt. */
export function blockedMessage(r: Extract<Reservation, { ok: false }>): string {
  if (r.reason === 'login-pause') {
    return `Слишком много неудачных попыток входа в эту учётную запись. Повторите через ${Math.max(1, Math.ceil(r.waitMs / 1000))} с.`
  }
  return `Слишком много неудачных попыток входа. Повторите через ${Math.max(1, Math.ceil(r.waitMs / 60_000))} мин.`
}

/**
 * Who tries to sign in: not a user yet — the organisation, the login typed and the client's address. The
 * audit rows of a sign-in are built here once (ADR 025): a failed or refused attempt names the login tried
 * (`—` when none was typed) and no user; a sign-in names its user.
 */
export interface Visitor {
  org: Pick<Organisation, 'id'>
  login: string
  ip: string
}

const visitorEntry = (visitor: Visitor, action: string): AuditEntry => ({ orgId: visitor.org.id, actor: visitor.login || '—', action, ip: visitor.ip })

export type SignInOutcome =
  { ok: true; user: SessionUser } | { ok: false; reason: 'blocked'; message: string; retryAfterSeconds: number } | { ok: false; reason: 'wrong' }

/**
 * The sign-in command: the attempt is reserved (and counted) in its own short transaction *before* the
 * password is checked — it must be committed, so parallel attempts cannot all pass; then the attempt's
 * outcome and its audit row are written together in one transaction (a failure counts and is audited, or
 * neither). A refused attempt (too many failures) writes only its audit row.
 */
export async function signIn(db: Db, visitor: Visitor, password: string, now = new Date()): Promise<SignInOutcome> {
  const reservation = await reserveSignIn(db, visitor.login, visitor.ip, now)
  if (!reservation.ok) {
    await recordAudit(db, visitorEntry(visitor, 'login.blocked'))
    return { ok: false, reason: 'blocked', message: blockedMessage(reservation), retryAfterSeconds: Math.ceil(reservation.waitMs / 1000) }
  }
  const user = visitor.login && password ? await verifyLogin(db, visitor.org.id, visitor.login, password) : undefined
  if (!user) {
    await inTransaction(db, async (tx) => {
      await signInFailed(tx, reservation.id)
      await recordAudit(tx, visitorEntry(visitor, 'login.failed'))
    })
    return { ok: false, reason: 'wrong' }
  }
  await inTransaction(db, async (tx) => {
    await signInSucceeded(tx, reservation.id, visitor.login, visitor.ip)
    await recordAudit(tx, { orgId: visitor.org.id, userId: user.id, actor: user.login, action: 'login', ip: visitor.ip })
  })
  return { ok: true, user }
}
