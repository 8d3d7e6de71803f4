import type { LoaderFunctionArgs } from '@remix-run/node'
import { recordAudit } from '#app/models/audit.server.ts'
import { reportRequest } from '#app/utils/report-view.server.ts'
import { fileResponse } from '#app/utils/view.server.ts'
import { getSnapshot } from '#reports/appendix-7/snapshots.server.ts'
import { CONTENT_TYPE } from '#reports/sheet-writer/writer.server.ts'

/**
 * The frozen files, byte for byte: `?kind=xlsx` (default) the form as frozen, `pdf` the PDF as filed,
 * `html` and `published` the publication (the page and its XLSX, without table 4.9). Only snapshots
 * within the user's scope (issue 14): a branch user gets 404 for an organisation-wide snapshot.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const rr = await reportRequest(request, 'reports.appendix-7.snapshots.$snapshotId.file.ts')
  const snapshot = await getSnapshot(rr.database.db, rr.scope, params.snapshotId ?? '')
  if (!snapshot) throw new Response('Зафиксированный отчёт не найден.', { status: 404 })
  const kind = new URL(request.url).searchParams.get('kind') ?? 'xlsx'
  const base = snapshot.file_name.replace(/\.xlsx$/, '')
  let response: Response
  if (kind === 'xlsx') response = fileResponse(Buffer.from(snapshot.file), snapshot.file_name, CONTENT_TYPE.xlsx)
  else if (kind === 'pdf' && snapshot.pdf) response = fileResponse(Buffer.from(snapshot.pdf), `${base}.pdf`, 'application/pdf')
  else if (kind === 'html' && snapshot.published_html)
    response = fileResponse(Buffer.from(snapshot.published_html, 'utf8'), `${base}_публикация.html`, 'text/html; charset=utf-8')
  else if (kind === 'published' && snapshot.published_file)
    response = fileResponse(Buffer.from(snapshot.published_file), `${base}_публикация.xlsx`, CONTENT_TYPE.xlsx)
  else throw new Response('Такого файла у этого отчёта нет.', { status: 404 })
  await recordAudit(rr.database.db, {
    orgId: rr.org.id,
    userId: rr.user.id,
    actor: rr.user.login,
    action: 'report.download',
    object: 'appendix-7',
    details: { snapshot: snapshot.id, kind },
    ip: context?.ip,
  })
  return response
}
