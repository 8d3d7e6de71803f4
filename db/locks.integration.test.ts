import pg from 'pg'
import { sql } from 'kysely'
import { kyselyOn } from './connection.server.ts'
import { type LockKey, lockOf, lockSession, lockTransaction, tryLockSession, unlockSession } from './locks.server.ts'
import { useTestDatabase } from '#test/setup/database.ts'

/** Advisory locks through kysely on a held connection (ADR 024): the same keys as the raw SQL before them. */
describe('advisory locks', () => {
  const t = useTestDatabase()

  /** Whether another session could take the lock written as the code before ADR 024 wrote it (and gives it back at once). */
  async function freeForOthers(text: string, values: unknown[]): Promise<boolean> {
    const other = new pg.Client({ connectionString: t.url })
    await other.connect()
    try {
      const got = (await other.query<{ ok: boolean }>(`select pg_try_advisory_lock(${text}) as ok`, values)).rows[0]!.ok
      if (got) await other.query(`select pg_advisory_unlock(${text})`, values)
      return got
    } finally {
      await other.end()
    }
  }

  const before: [string, LockKey, string, unknown[]][] = [
    ['batch', lockOf.batch('42'), 'hashtextextended($1::text, 7301)', ['sq-batch:42']],
    ['inbox', lockOf.inbox('7', 'calls'), 'hashtextextended($1::text, 7302)', ['sq-inbox:7:calls']],
    ['mail', lockOf.mail(), `hashtextextended('sq-mail', 0)`, []],
    ['import', lockOf.import('7', 'visits'), 'hashtextextended($1, 0)', ['sq-import:7:visits']],
  ]

  it.each(before)(
    'the %s lock has the key it always had: a process of the older code and one of this code exclude each other',
    async (_, lock, text, values) => {
      const client = await t.database.pool.connect()
      try {
        const held = kyselyOn(client)
        expect(await tryLockSession(held, lock)).toBe(true)
        expect(await freeForOthers(text, values)).toBe(false)
        await unlockSession(held, lock)
        expect(await freeForOthers(text, values)).toBe(true)
      } finally {
        client.release()
      }
    },
  )

  it('a session lock outlives the transaction it was taken in; a transaction lock ends with it; statements on the held connection run in its transaction', async () => {
    const client = await t.database.pool.connect()
    try {
      const held = kyselyOn(client)
      const trx = await held.startTransaction().execute()
      await lockSession(held, lockOf.batch('43'))
      await lockTransaction(held, lockOf.import('7', 'calls'))
      await sql`create temp table lock_probe (n int)`.execute(held) // through the held kysely: inside trx
      await trx.rollback().execute()
      expect(await freeForOthers('hashtextextended($1::text, 7301)', ['sq-batch:43'])).toBe(false)
      expect(await freeForOthers('hashtextextended($1, 0)', ['sq-import:7:calls'])).toBe(true)
      const probe = await sql<{ n: string | null }>`select to_regclass('pg_temp.lock_probe')::text as n`.execute(held)
      expect(probe.rows[0]!.n).toBeNull() // rolled back with the transaction
      await unlockSession(held, lockOf.batch('43'))
      expect(await freeForOthers('hashtextextended($1::text, 7301)', ['sq-batch:43'])).toBe(true)
    } finally {
      client.release()
    }
  })

  it('a session lock is refused, at compile time, on the pool (its next statement may run on another connection)', async () => {
    const lock = lockOf.mail()
    // @ts-expect-error — the pool's kysely is not a held connection: tsc fails if session locks stop asking for one
    const onPool = () => tryLockSession(t.database.db, lock)
    expect(typeof onPool).toBe('function')
  })
})
