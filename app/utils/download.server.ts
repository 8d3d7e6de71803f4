/**
 * The one download path of the report registry (reports/registry.server.ts, ADR 026): access by the report's
 * page, the request read as the page reads it (a year and «as of» day, or the dashboard's view), the file
 * streamed under the registry's name, and one audit record. `files.$report.$format.ts` and the older
 * download addresses (kept for bookmarks and links in mails) all end here.
 */
import { recordAudit } from '#app/models/audit.server.ts'
import { InputError } from '#reports/errors.ts'
import { readCompare, withComparison } from '#reports/cockpit/compare.ts'
import { type ReportContext, type ReportFormat, reportOf, runReport } from '#reports/registry.server.ts'
import { type RouteId, canSeePersonalData, routeAccess } from './access.ts'
import { reportRequest } from './report-view.server.ts'
import { aboutFacts, fileResponse, viewContext } from './view.server.ts'

const plain = { 'Content-Type': 'text/plain; charset=utf-8' }

/** What every report's context takes from the page's request, whether it reads a year or the dashboard's view. */
function commonContext(r: {
  database: ReportContext['database']
  scope: ReportContext['scope']
  org: { id: string; name: string; time_zone: string }
  asOf: Date
  user: { fullName: string; login: string; roles: Parameters<typeof canSeePersonalData>[0] }
}) {
  return {
    database: r.database,
    scope: r.scope,
    org: { id: r.org.id, name: r.org.name, zone: r.org.time_zone },
    asOf: r.asOf,
    by: `${r.user.fullName} (${r.user.login})`,
    personalData: canSeePersonalData(r.user.roles),
  }
}

export async function downloadReport(
  request: Request,
  id: string | undefined,
  format: string | undefined,
  options: { ip?: string; extra?: Record<string, string> } = {},
): Promise<Response> {
  const report = id ? reportOf(id) : undefined
  if (!report || !Object.hasOwn(routeAccess, report.page)) throw new Response('Такого отчёта нет.', { status: 404, headers: plain })
  if (!(report.formats as readonly string[]).includes(format ?? ''))
    throw new Response(`«${report.title}» выгружается в ${report.formats.map((f) => f.toUpperCase()).join(', ')}.`, { status: 404, headers: plain })
  const page = report.page as RouteId
  const search = new URL(request.url).searchParams
  let ctx: ReportContext
  let user: { id: string; login: string }
  let orgId: string
  if (report.input === 'year') {
    const rr = await reportRequest(request, page)
    user = rr.user
    orgId = rr.org.id
    ctx = { ...commonContext(rr), year: rr.year }
  } else {
    const asked = await viewContext(request, page)
    // compared with the same period as the screen (?compare=, reports/cockpit/compare.ts)
    const vc = report.id === 'dashboard' ? { ...asked, view: withComparison(asked.view, readCompare(search), asked.org.time_zone) } : asked
    user = vc.user
    orgId = vc.org.id
    ctx = {
      ...commonContext(vc),
      year: vc.view.year,
      view: vc.view,
      rollups: vc.params,
      offices: vc.offices,
      describe: (title, extra = []) => aboutFacts(vc, title, extra),
    }
  }
  let run
  try {
    run = await runReport(ctx, report.id, format as ReportFormat, { ...Object.fromEntries(search), ...options.extra })
  } catch (error) {
    if (error instanceof InputError) throw new Response(error.message, { status: 400, headers: plain })
    throw error
  }
  const { object, ...details } = run.audit
  await recordAudit(ctx.database.db, {
    orgId,
    userId: user.id,
    actor: user.login,
    action: report.input === 'year' ? 'report.download' : 'export',
    object: typeof object === 'string' ? object : report.id,
    details,
    ip: options.ip,
  })
  return fileResponse(run.stream, run.fileName, run.contentType)
}
