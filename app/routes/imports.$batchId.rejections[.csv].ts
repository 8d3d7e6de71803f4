import type { LoaderFunctionArgs } from '@remix-run/node'
import { findImportBatch, listImportRejections } from '#app/models/import-batch.server.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { csvLine } from '#reports/export/csv.ts'

/** Every itemised rejection of an import as CSV (UTF-8 with BOM, «;»: opens as is in Russian Excel). */
export async function loader({ params }: LoaderFunctionArgs) {
  const { database, org } = await getAppContext()
  const batch = await findImportBatch(database.db, org.id, params.batchId ?? '')
  if (!batch) throw new Response('Такой загрузки нет.', { status: 404 })
  const rows = await listImportRejections(database.db, batch.id, Number.MAX_SAFE_INTEGER)
  const lines = [csvLine(['Строка', 'Столбец', 'Значение', 'Причина'])]
  for (const r of rows) lines.push(csvLine([r.line === null ? '' : String(r.line), r.column ?? '', r.value ?? '', r.reason]))
  return new Response(`\uFEFF${lines.join('\r\n')}\r\n`, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(`ошибки-загрузки-${batch.id}.csv`)}`,
    },
  })
}
