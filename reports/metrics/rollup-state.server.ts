/**
 * What a rollup was built with, for readers that use it only when it holds the current data (ADR 032): the
 * parameters its kind was last built with (`paramsOf` in rollups.server.ts), or undefined when it was never
 * built or a change is waiting to be rolled up. No import of rollups.server.ts: its builders use this too.
 */
import { sql } from 'kysely'
import type { Db } from '#db/client.server.ts'
import type { RollupKind } from '#db/schema.ts'

export async function currentRollupParams(db: Db, orgId: string, kind: RollupKind): Promise<Record<string, unknown> | undefined> {
  const row = (
    await sql<{ params: string | null; dirty: boolean }>`
      select (select params from rollup_state where org_id = ${orgId} and kind = ${kind}) as params,
        exists (select 1 from rollup_dirty where org_id = ${orgId} and kind = ${kind}) as dirty`.execute(db)
  ).rows[0]
  return row?.params && !row.dirty ? (JSON.parse(row.params) as Record<string, unknown>) : undefined
}

/** Whether `built` (a part of the parameters) is what the reader wants now, compared as JSON. */
export const sameParams = (built: unknown, wanted: unknown) => JSON.stringify(built ?? null) === JSON.stringify(wanted ?? null)
