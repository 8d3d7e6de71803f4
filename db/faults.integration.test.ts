import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { openDatabase } from './client.server.ts'
import { stopEmbeddedServer } from './embedded.server.ts'
import { useTestDatabase } from '#test/setup/database.ts'
import { consoleError } from '#test/setup/console-trap.ts'

/** Database faults cost at most the queries in flight (ADR 013). */
describe('a connection the database ends', () => {
  const t = useTestDatabase()

  it('an idle pooled connection terminated by the server is dropped, not thrown at the process; the next query works', async () => {
    const { pool } = t.database
    // the pool reports each dropped connection on the console, once per 10 s at most
    consoleError.mockImplementation(() => {})
    const errors: unknown[] = []
    const onUncaught = (error: unknown) => errors.push(error)
    process.on('uncaughtException', onUncaught)
    try {
      // fill the pool with idle connections, then end them all from another session
      await Promise.all(Array.from({ length: 4 }, () => pool.query('select pg_sleep(0.05)')))
      expect(pool.idleCount).toBeGreaterThan(0)
      const killer = new pg.Client({ connectionString: (pool.options as { connectionString?: string }).connectionString })
      await killer.connect()
      const killed = await killer.query(
        `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and application_name = 'service-quality'`,
      )
      await killer.end()
      expect(killed.rows[0].n).toBeGreaterThan(0)
      await new Promise((resolve) => setTimeout(resolve, 200))
      const again = await pool.query('select 42 as n')
      expect(again.rows[0].n).toBe(42)
      expect(errors).toEqual([])
      expect(consoleError.mock.calls.flat().join('\n')).toMatch(/База данных закрыла соединение \(57P01\)/)
    } finally {
      process.off('uncaughtException', onUncaught)
    }
  })

  it('a connection terminated while borrowed between two statements is not thrown at the process either', async () => {
    const { db, pool } = t.database
    consoleError.mockImplementation(() => {})
    const errors: unknown[] = []
    const onUncaught = (error: unknown) => errors.push(error)
    process.on('uncaughtException', onUncaught)
    try {
      const failed = await db
        .connection()
        .execute(async (held) => {
          const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(held)
          // another session ends this connection while nobody waits on it (node-postgres then emits 'error' on it)
          await pool.query('select pg_terminate_backend($1)', [rows[0]!.pid])
          await new Promise((resolve) => setTimeout(resolve, 300))
          await sql`select 1`.execute(held)
        })
        .then(
          () => undefined,
          (error: Error) => error,
        )
      expect(failed).toBeInstanceOf(Error) // the borrower's next statement fails…
      expect(errors).toEqual([]) // …and nothing else does
      expect((await sql<{ n: number }>`select 42 as n`.execute(db)).rows[0]!.n).toBe(42)
    } finally {
      process.off('uncaughtException', onUncaught)
    }
  })

  it('a query in flight when its backend is terminated fails alone; the queries after it succeed', async () => {
    const { pool } = t.database
    // observed from the start: its rejection may arrive before the terminating query returns
    const victim = pool.query('select pg_sleep(5)').then(
      () => undefined,
      (error: { code?: string }) => error,
    )
    await new Promise((resolve) => setTimeout(resolve, 200))
    await pool.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query = 'select pg_sleep(5)' and pid <> pg_backend_pid()`,
    )
    expect((await victim)?.code).toBe('57P01')
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.query('select $1::int as n', [i])))
    expect(results.map((r) => r.rows[0].n)).toEqual(Array.from({ length: 20 }, (_, i) => i))
  })
})

describe.runIf(process.env.TEST_DB === 'embedded')('the embedded server stopped under load', () => {
  it('queries fail only while it is down; the next connection starts it again, with the data kept', async () => {
    // connections ended by the stop are reported on the console (db/client.server.ts): expected here
    consoleError.mockImplementation(() => {})
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-fault-'))
    const database = await openDatabase({ DATA_DIR: dir }, { settings: { fsync: 'off' } })
    try {
      await database.pool.query('create table kept (n int)')
      await database.pool.query('insert into kept values (7)')
      let ok = 0
      let failed = 0
      let lastRoundFailed = 0
      const load = (async () => {
        const until = Date.now() + 3000
        while (Date.now() < until) {
          let round = 0
          await Promise.all(
            Array.from({ length: 4 }, () =>
              database.pool.query('select n from kept').then(
                () => ok++,
                () => {
                  failed++
                  round++
                },
              ),
            ),
          )
          lastRoundFailed = round
        }
      })()
      await new Promise((resolve) => setTimeout(resolve, 500))
      const pidFile = path.join(dir, 'postgres', 'postmaster.pid')
      const first = fs.readFileSync(pidFile, 'utf8').split('\n')[0]
      await stopEmbeddedServer(dir)
      await load
      const after = await database.pool.query('select n from kept')
      expect(after.rows).toEqual([{ n: 7 }])
      expect(fs.readFileSync(pidFile, 'utf8').split('\n')[0]).not.toBe(first) // a new server
      expect(ok).toBeGreaterThan(10)
      // only the queries in flight around the stop failed (new connections wait for the restart): the
      // load's last round, after the restart, went through
      expect(failed).toBeLessThanOrEqual(8)
      expect(lastRoundFailed).toBe(0)
    } finally {
      await database.close()
      await stopEmbeddedServer(dir)
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
