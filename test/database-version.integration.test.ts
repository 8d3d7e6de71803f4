import { sql } from 'kysely'
import { useTestDatabase } from '#test/setup/database.ts'

/**
 * Each project runs on the server it claims (ADR 027): `embedded` on the product's PostgreSQL 17, `postgres` on
 * TEST_DATABASE_URL — in CI PostgreSQL 15, the oldest supported (`TEST_PG_MAJOR=15` from .ci/run).
 */
const t = useTestDatabase()

it('runs on the PostgreSQL version of its project', async () => {
  const { v } = (await sql<{ v: string }>`select current_setting('server_version_num') as v`.execute(t.database.db)).rows[0]!
  const major = Math.floor(Number(v) / 10_000)
  if (process.env.TEST_DB === 'postgres') {
    expect(major).toBeGreaterThanOrEqual(15)
    if (process.env.TEST_PG_MAJOR) expect(major).toBe(Number(process.env.TEST_PG_MAJOR))
  } else expect(major).toBe(17)
})
