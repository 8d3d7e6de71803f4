/**
 * Keyset pagination for files of any size: pages of a query ordered by (instant, id), each page starting
 * after the last row of the one before — constant memory and no growing OFFSET.
 */
import { type RawBuilder, sql } from 'kysely'

export interface KeysetPosition {
  at: Date
  id: string
}

/** ` and (instant, r.id) > (last seen)`, or nothing on the first page. */
export function afterPosition(instant: RawBuilder<unknown>, after: KeysetPosition | undefined): RawBuilder<unknown> {
  return after ? sql`and (${instant}, r.id) > (${after.at}, ${after.id}::bigint)` : sql``
}

/** Fetches pages until one comes back shorter than `pageSize`. */
export async function* keysetPages<R>(
  fetchPage: (after: KeysetPosition | undefined) => Promise<R[]>,
  position: (row: R) => KeysetPosition,
  pageSize: number,
): AsyncGenerator<R[]> {
  let after: KeysetPosition | undefined
  for (;;) {
    const rows = await fetchPage(after)
    if (rows.length === 0) return
    yield rows
    if (rows.length < pageSize) return
    after = position(rows.at(-1)!)
  }
}
