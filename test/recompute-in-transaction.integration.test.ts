/**
 * Measurement behind ADR 025 (run by hand: `RECOMPUTE_BENCH=200000 npx vitest run --project embedded
 * test/recompute-in-transaction.integration.test.ts`): the due dates of N appeals counted again on the pool
 * (page by page, each page its own statement, as before) and inside one command's transaction.
 */
import { sql } from 'kysely'
import { resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { recomputeAppealDueDates } from '#reports/deadlines/rules.server.ts'

const N = Number(process.env.RECOMPUTE_BENCH ?? 0)
const t = useTestDatabase()

describe.skipIf(!N)('recomputing every due date: on the pool or in one transaction', () => {
  it(`${N} appeals`, async () => {
    const world = await resetWorld(t.database)
    await sql`insert into appeal (org_id, reg_number, received_at, form, topic)
      select ${world.org.id}, 'b-' || i, timestamp '2024-01-01 09:00' + (i % 700) * interval '1 day' + (i % 480) * interval '1 minute',
        (case when i % 3 = 0 then 'phone' else 'post' end)::text, 'other'
      from generate_series(1, ${N}) i`.execute(t.database.db)
    const db = t.database.db
    const shift = async (days: number) => {
      await db.deleteFrom('calendar_day').where('org_id', '=', world.org.id).execute()
      for (let d = 0; d < days; d++)
        await db
          .insertInto('calendar_day')
          .values({ org_id: world.org.id, day: `2024-03-${String(d + 1).padStart(2, '0')}`, kind: 'holiday', note: null })
          .execute()
    }
    await recomputeAppealDueDates(t.database.db, world.org.id, 'Europe/Moscow') // first fill
    const timings: string[] = []
    for (let round = 0; round < 2; round++) {
      await shift(round + 3)
      let started = performance.now()
      const onPool = await recomputeAppealDueDates(t.database.db, world.org.id, 'Europe/Moscow')
      const poolMs = performance.now() - started
      await shift(round + 5)
      started = performance.now()
      const inTx = await db.transaction().execute((tx) => recomputeAppealDueDates(tx, world.org.id, 'Europe/Moscow'))
      const txMs = performance.now() - started
      timings.push(`pool ${Math.round(poolMs)} ms (${onPool} changed), transaction ${Math.round(txMs)} ms (${inTx} changed)`)
    }
    console.log(`${N} appeals: ${timings.join('; ')}`)
  }, 1_800_000)
})
