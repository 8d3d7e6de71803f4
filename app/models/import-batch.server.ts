import type { Db } from '#db/client.server.ts'
import { PERSONAL_COLUMNS } from '#app/imports/kinds.ts'
import { maskPersonal } from '#app/utils/access.ts'

export const IMPORT_PAGE_SIZE = 25

/**
 * Who may read an import's itemised rejections (the page's table and the CSV): users of the whole
 * organisation only. A rejected row's branch is not known — its office code may be the very error, a call has
 * no branch at all, and one file holds rows of every branch — so, as for other rows without a branch
 * (ADR 008), deny by default. Branch-limited users see the import's totals and its message.
 */
export function mayReadRejections(user: { allBranches: boolean }): boolean {
  return user.allBranches
}

export const REJECTIONS_FOR_ORGANISATION =
  'Построчные ошибки загрузки видят пользователи всей организации: в файле строки всех филиалов, а у отклонённой строки филиал неизвестен.'

/** The history of imports, newest first. */
export async function listImportBatches(db: Db, orgId: string, page: number) {
  const base = db.selectFrom('import_batch').where('import_batch.org_id', '=', orgId)
  const [rows, count] = await Promise.all([
    base
      .leftJoin('integration_token as t', 't.id', 'import_batch.token_id')
      .select('t.name as tokenName')
      .select([
        'import_batch.id',
        'kind',
        'format',
        'source',
        'file_name as fileName',
        'file_size as fileSize',
        'status',
        'rows_read as read',
        'rows_inserted as inserted',
        'rows_updated as updated',
        'rows_unchanged as unchanged',
        'rows_pending as pending',
        'rows_rejected as rejected',
        'rows_invalid as invalid',
        'started_at as startedAt',
        'finished_at as finishedAt',
      ])
      .orderBy('started_at', 'desc')
      .orderBy('import_batch.id', 'desc')
      .limit(IMPORT_PAGE_SIZE)
      .offset((page - 1) * IMPORT_PAGE_SIZE)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow(),
  ])
  return { rows: rows.map((r) => ({ ...r, fileSize: r.fileSize === null ? null : Number(r.fileSize) })), total: Number(count.total) }
}

export async function findImportBatch(db: Db, orgId: string, batchId: string) {
  if (!/^\d{1,18}$/.test(batchId)) return undefined
  const row = await db
    .selectFrom('import_batch')
    .selectAll('import_batch')
    .leftJoin('integration_token as t', 't.id', 'import_batch.token_id')
    .select('t.name as token_name')
    .where('import_batch.org_id', '=', orgId)
    .where('import_batch.id', '=', batchId)
    .executeTakeFirst()
  return row ? { ...row, file_size: row.file_size === null ? null : Number(row.file_size) } : undefined
}

/**
 * Itemised rejections of an import, in file order. Values of personal-data columns are masked unless
 * `personalData` (the caller's role may see them): at the model boundary, so the page and the file agree.
 */
export async function listImportRejections(db: Db, batchId: string, limit: number, personalData: boolean) {
  const rows = await db
    .selectFrom('import_rejection')
    .select(['seq', 'line', 'column_name as column', 'value', 'reason'])
    .where('batch_id', '=', batchId)
    .orderBy('seq')
    .limit(limit)
    .execute()
  if (personalData) return rows
  return rows.map((r) => (r.column !== null && PERSONAL_COLUMNS.has(r.column) ? { ...r, value: maskPersonal(r.value) } : r))
}

export async function countImportRejections(db: Db, batchId: string): Promise<number> {
  const row = await db
    .selectFrom('import_rejection')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('batch_id', '=', batchId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
