import type { LoaderFunctionArgs } from '@remix-run/node'
import { recordAudit } from '#app/models/audit.server.ts'
import { reportRequest } from '#app/utils/report-view.server.ts'
import { fileResponse } from '#app/utils/view.server.ts'
import { REPORT_CONTENT_TYPE, runReport } from '#reports/registry.server.ts'

/** The supplier-standard compliance report for the page's year and moment. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const format = params.format
  if (format !== 'xlsx' && format !== 'ods' && format !== 'pdf') throw new Response('Формат файла — xlsx, ods или pdf.', { status: 404 })
  const rr = await reportRequest(request, 'reports.supplier-standard.download.$format.ts')
  const run = await runReport(rr.database, rr.scope, 'supplier-standard', {
    year: rr.year,
    asOf: rr.asOf,
    format,
    by: `${rr.user.fullName} (${rr.user.login})`,
  })
  await recordAudit(rr.database.db, {
    orgId: rr.org.id,
    userId: rr.user.id,
    actor: rr.user.login,
    action: 'report.download',
    object: 'supplier-standard',
    details: { year: rr.year, format },
    ip: context?.ip,
  })
  return fileResponse(run.stream, run.fileName, REPORT_CONTENT_TYPE[format])
}
