import type { LoaderFunctionArgs } from '@remix-run/node'
import { readProgress } from '#app/imports/progress.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'

/**
 * Progress of a queued or running import: one read of its row, which the import updates as it goes from
 * another connection (never waits for the import's transaction).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRouteAccess(request, 'imports.$batchId.progress.ts')
  const { database, org } = await getAppContext()
  const batch = await database.db
    .selectFrom('import_batch')
    .select(['id', 'status', 'file_name', 'kind', 'progress'])
    .where('org_id', '=', org.id)
    .where('id', '=', /^\d{1,18}$/.test(params.batchId ?? '') ? params.batchId! : '0')
    .executeTakeFirst()
  const headers = { 'Cache-Control': 'no-store' }
  if (!batch || (batch.status !== 'queued' && batch.status !== 'running')) return Response.json({ running: false }, { headers })
  const progress = readProgress(batch.progress)
  return Response.json(
    {
      running: true,
      batchId: batch.id,
      fileName: batch.file_name,
      kind: batch.kind,
      status: batch.status,
      phase: batch.status === 'queued' ? 'queued' : (progress?.phase ?? 'reading'),
      bytesRead: progress?.bytesRead ?? 0,
      totalBytes: progress?.totalBytes ?? 0,
      rowsRead: progress?.rowsRead ?? 0,
      rowsRejected: progress?.rowsRejected ?? 0,
    },
    { headers },
  )
}
