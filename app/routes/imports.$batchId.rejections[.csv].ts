import type { LoaderFunctionArgs } from '@remix-run/node'
import { contentDisposition, fileNameOf } from '#reports/registry/file-names.ts'
import { REJECTIONS_FOR_ORGANISATION, findImportBatch, listImportRejections, mayReadRejections } from '#app/models/import-batch.server.ts'
import { recordAudit } from '#app/models/audit.server.ts'
import { canSeePersonalData } from '#app/utils/access.ts'
import { getAppContext } from '#app/utils/app-database.server.ts'
import { requireRouteAccess } from '#app/utils/auth.server.ts'
import { csvLine } from '#reports/export/csv.ts'
import { columnLabel } from '#app/imports/kinds.ts'

/** Every itemised rejection of an import as CSV (UTF-8 with BOM, «;»: opens as is in Russian Excel). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireRouteAccess(request, 'imports.$batchId.rejections[.csv].ts')
  const { database, org } = await getAppContext()
  const batch = await findImportBatch(database.db, org.id, params.batchId ?? '')
  if (!batch) throw new Response('Такой загрузки нет.', { status: 404 })
  if (!mayReadRejections(user)) throw new Response(REJECTIONS_FOR_ORGANISATION, { status: 403 })
  const personalData = canSeePersonalData(user.roles)
  const rows = await listImportRejections(database.db, batch.id, Number.MAX_SAFE_INTEGER, personalData)
  await recordAudit(database.db, {
    orgId: org.id,
    userId: user.id,
    actor: user.login,
    action: 'export',
    object: `ошибки загрузки №${batch.id}`,
    details: { report: 'import-rejections', batchId: batch.id, rows: rows.length, personalData },
    ip: context?.ip,
  })
  const lines = [csvLine(['Строка', 'Столбец', 'Значение', 'Причина'])]
  for (const r of rows) lines.push(csvLine([r.line === null ? '' : String(r.line), r.column ? columnLabel(batch.kind, r.column) : '', r.value ?? '', r.reason]))
  return new Response(`\uFEFF${lines.join('\r\n')}\r\n`, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': contentDisposition(fileNameOf({ what: 'Ошибки-загрузки', detail: `№${batch.id}`, ext: 'csv' })),
    },
  })
}
