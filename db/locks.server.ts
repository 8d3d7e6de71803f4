/**
 * Advisory locks (ADR 013, 016, 017, 024): the keys of what one process owns for a while, and the four ways the
 * product takes them. A key is `hashtextextended(name, space)` with the names and spaces the product has always
 * used, so a process of this code and one of the code before it exclude each other.
 * - a running import batch: `sq-batch:<id>`, space 7301, held by the session that runs it (a batch `running`
 *   whose lock nobody holds belongs to a process that died);
 * - one import of a kind per organisation at a time: `sq-import:<org>:<kind>`, space 0, per transaction;
 * - one scan of an inbox folder: `sq-inbox:<org>:<kind>`, space 7302, per session;
 * - one mail run: `sq-mail`, space 0, per session; one rollup refresh per organisation: `sq-rollup:<org>`, per transaction.
 * A session lock belongs to a connection: it is taken on a held one (`kyselyOn(client)`, typed `HeldKysely`),
 * never on the pool, where the next statement may run on another connection.
 */
import { type QueryExecutorProvider, type RawBuilder, sql } from 'kysely'
import type { HeldKysely } from './connection.server.ts'

declare const lockKey: unique symbol
export type LockKey = RawBuilder<string> & { readonly [lockKey]: true }

const key = (name: string, space: number) => sql<string>`hashtextextended(${name}::text, ${sql.lit(space)})` as LockKey

export const lockOf = {
  batch: (batchId: string) => key(`sq-batch:${batchId}`, 7301),
  import: (orgId: string, kind: string) => key(`sq-import:${orgId}:${kind}`, 0),
  inbox: (orgId: string, kind: string) => key(`sq-inbox:${orgId}:${kind}`, 7302),
  mail: () => key('sq-mail', 0),
  rollup: (orgId: string) => key(`sq-rollup:${orgId}`, 0),
}

/** Waits for the session lock `lock` on the held connection (kept across its transactions until unlocked). */
export async function lockSession(db: HeldKysely, lock: LockKey): Promise<void> {
  await sql`select pg_advisory_lock(${lock})`.execute(db)
}

/** Takes the session lock `lock` on the held connection if nobody holds it; whether it did. */
export async function tryLockSession(db: HeldKysely, lock: LockKey): Promise<boolean> {
  return (await sql<{ ok: boolean }>`select pg_try_advisory_lock(${lock}) as ok`.execute(db)).rows[0]!.ok
}

export async function unlockSession(db: HeldKysely, lock: LockKey): Promise<void> {
  await sql`select pg_advisory_unlock(${lock})`.execute(db)
}

/** Waits for `lock` until the end of the current transaction (`db` a transaction, or a held connection inside one — of any tables). */
export async function lockTransaction(db: QueryExecutorProvider, lock: LockKey): Promise<void> {
  await sql`select pg_advisory_xact_lock(${lock})`.execute(db)
}
