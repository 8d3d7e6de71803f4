import type { LoaderFunctionArgs } from '@remix-run/node'
import { recordAudit } from '#app/models/audit.server.ts'
import { reportRequest } from '#app/utils/report-view.server.ts'
import { fileResponse } from '#app/utils/view.server.ts'
import { REPORT_CONTENT_TYPE, runReport } from '#reports/registry.server.ts'

/** Appendix 7 as XLSX or ODS for the page's year and moment: the checks run first and go into the file. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const format = params.format
  if (format !== 'xlsx' && format !== 'ods' && format !== 'pdf') throw new Response('Формат файла — xlsx, ods или pdf.', { status: 404 })
  const rr = await reportRequest(request, 'reports.appendix-7.download.$format.ts')
  const run = await runReport(rr.database, rr.scope, 'appendix-7', { year: rr.year, asOf: rr.asOf, format, by: `${rr.user.fullName} (${rr.user.login})` })
  await recordAudit(rr.database.db, {
    orgId: rr.org.id,
    userId: rr.user.id,
    actor: rr.user.login,
    action: 'report.download',
    object: 'appendix-7',
    details: { year: rr.year, format, failedChecks: run.failedChecks },
    ip: context?.ip,
  })
  return fileResponse(run.stream, run.fileName, REPORT_CONTENT_TYPE[format])
}
