import { sql } from 'kysely'
import type { Db } from './client.server.ts'

/**
 * The data generation (ADR 013): every statement on a table that can change a figure appends a row to
 * `data_change` (statement triggers, migration 0007), so the pair (count, newest id) of the committed rows
 * changes with every commit that changed something — including a transaction that began before another
 * one committed (its row adds to the count). Cheap: the table is kept under a few thousand rows (compacting
 * it moves the generation once, which only costs a recomputation).
 */
/** The generation as text, `count:newest id` (what `readGeneration` returns), for a query that asks it with other things. */
export const generationExpression = sql<{
  generation: string
}>`(select count(*)::text || ':' || coalesce(max(id), 0)::text as generation from data_change)`

export async function readGeneration(db: Db): Promise<string> {
  const row = (await sql<{ n: string; top: string | null }>`select count(*) as n, max(id) as top from data_change`.execute(db)).rows[0]!
  if (Number(row.n) > 5000) await sql`delete from data_change where id < ${Number(row.top) - 100}`.execute(db)
  return `${row.n}:${row.top ?? 0}`
}

/**
 * The next instant after `now` at which a figure computed «as of now» changes by the passage of time
 * alone: the next appeal deadline or callback deadline of the organisation (indexed look-ups), if any.
 */
export async function nextDeadlineAfter(db: Db, orgId: string, now: Date): Promise<Date | null> {
  const row = (
    await sql<{ next: Date | null }>`select least(
      (select min(due_at) from appeal where org_id = ${orgId} and due_at > ${now}),
      (select min(callback_due_at) from call where org_id = ${orgId} and callback_due_at > ${now})
    ) as next`.execute(db)
  ).rows[0]!
  return row.next ? new Date(row.next) : null
}
