import type { LoaderFunctionArgs } from '@remix-run/node'
import { recordAudit } from '#app/models/audit.server.ts'
import { reportRequest } from '#app/utils/report-view.server.ts'
import { fileResponse } from '#app/utils/view.server.ts'
import { getSnapshot } from '#reports/appendix-7/snapshots.server.ts'
import { CONTENT_TYPE } from '#reports/export/sheet-writer.server.ts'

/** The frozen file, byte for byte. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const rr = await reportRequest(request, 'reports.appendix-7.snapshots.$snapshotId.file.ts')
  const snapshot = await getSnapshot(rr.database.db, rr.org.id, params.snapshotId ?? '')
  if (!snapshot) throw new Response('Зафиксированный отчёт не найден.', { status: 404 })
  await recordAudit(rr.database.db, { orgId: rr.org.id, userId: rr.user.id, actor: rr.user.login, action: 'report.download', object: 'appendix-7', details: { snapshot: snapshot.id }, ip: context?.ip })
  return fileResponse(Buffer.from(snapshot.file), snapshot.file_name, CONTENT_TYPE.xlsx)
}
