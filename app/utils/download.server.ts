/**
 * The one download path of the report registry (reports/registry.server.ts, ADR 026): access by the report's
 * page, the request read as the page reads it (a year and «as of» day, the dashboard's view, a survey's view,
 * or neither), what a report about one thing is about found and guarded (`report-subjects.server.ts`), the
 * file streamed under the registry's name, and one audit record (`recordEvent`, ADR 025).
 * `files.$report.$format.ts` and the older download addresses (kept for bookmarks and links in mails) all
 * end here.
 */
import { type Actor, recordEvent } from '#app/models/command.server.ts'
import type { SessionUser } from '#app/models/user.server.ts'
import type { Organisation } from '#db/schema.ts'
import { InputError } from '#reports/errors.ts'
import { readCompare, withComparison } from '#reports/cockpit/compare.ts'
import { type ReportContext, type ReportFormat, ReportNotFound, reportOf, runReport } from '#reports/registry.server.ts'
import { localParts } from '#reports/time/local-time.ts'
import { type RouteId, canSeePersonalData, routeAccess } from './access.ts'
import { getAppContext } from './app-database.server.ts'
import { actorOf, getScope, requireRouteAccess } from './auth.server.ts'
import { reportRequest } from './report-view.server.ts'
import { SUBJECTS } from './report-subjects.server.ts'
import { surveyViewContext } from './survey-view.server.ts'
import { type ViewContext, aboutFacts, fileResponse, viewContext } from './view.server.ts'

const plain = { 'Content-Type': 'text/plain; charset=utf-8' }

/** What every report's context takes from the page's request, whatever it reads. */
function commonContext(r: { database: ReportContext['database']; scope: ReportContext['scope']; org: Organisation; asOf: Date; user: SessionUser }) {
  return {
    database: r.database,
    scope: r.scope,
    org: { id: r.org.id, name: r.org.name, zone: r.org.time_zone },
    asOf: r.asOf,
    by: `${r.user.fullName} (${r.user.login})`,
    personalData: canSeePersonalData(r.user.roles),
  }
}

function viewReportContext(vc: ViewContext): ReportContext {
  return {
    ...commonContext(vc),
    year: vc.view.year,
    view: vc.view,
    rollups: vc.params,
    offices: vc.offices,
    describe: (title, extra = []) => aboutFacts(vc, title, extra),
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
  const params = { ...Object.fromEntries(search), ...options.extra }
  const context = options.ip === undefined ? undefined : { ip: options.ip, nonce: '' }
  let ctx: ReportContext
  let actor: Actor
  if (report.input === 'year') {
    const rr = await reportRequest(request, page, context)
    actor = rr.actor
    ctx = { ...commonContext(rr), year: rr.year }
  } else if (report.input === 'view') {
    if (report.subject === 'survey') {
      // a survey's files read the view of the survey's page (by default the survey's own days)
      const { ctx: vc, survey } = await surveyViewContext(request, page, params.survey)
      actor = actorOf(vc.user, vc.org, context)
      ctx = { ...viewReportContext(vc), subject: { kind: 'survey', survey } }
    } else {
      const asked = await viewContext(request, page)
      // compared with the same period as the screen (?compare=, reports/cockpit/compare.ts)
      const vc = report.id === 'dashboard' ? { ...asked, view: withComparison(asked.view, readCompare(search), asked.org.time_zone) } : asked
      actor = actorOf(vc.user, vc.org, context)
      ctx = viewReportContext(vc)
    }
  } else {
    const user = await requireRouteAccess(request, page)
    const { database, org } = await getAppContext()
    const asOf = new Date()
    actor = actorOf(user, org, context)
    ctx = { ...commonContext({ database, org, user, scope: getScope(user), asOf }), year: localParts(asOf, org.time_zone).year }
  }
  if (report.subject && !ctx.subject) {
    const ask = { request, database: ctx.database, org: actor.org, user: actor.user, scope: ctx.scope, personalData: ctx.personalData, params }
    ctx = { ...ctx, subject: { kind: report.subject, ...(await SUBJECTS[report.subject](ask)) } as ReportContext['subject'] }
  }
  let run
  try {
    run = await runReport(ctx, report.id, format as ReportFormat, params)
  } catch (error) {
    if (error instanceof InputError) throw new Response(error.message, { status: 400, headers: plain })
    if (error instanceof ReportNotFound) throw new Response(error.message, { status: 404, headers: plain })
    throw error
  }
  const { object, ...details } = run.audit
  await recordEvent(ctx.database.db, actor, { action: run.auditAction, object: typeof object === 'string' ? object : report.id, details })
  return fileResponse(run.stream, run.fileName, run.contentType)
}
