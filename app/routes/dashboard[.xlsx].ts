import type { LoaderFunctionArgs } from '@remix-run/node'
import { recordAudit } from '#app/models/audit.server.ts'
import { aboutFacts, viewContext, xlsxResponse } from '#app/utils/view.server.ts'
import { periodCoverage, periodWarnings } from '#reports/appendix-7/coverage.server.ts'
import { buildDashboard } from '#reports/metrics/dashboard-view.server.ts'
import { dashboardWorkbook } from '#reports/metrics/exports.server.ts'
import { viewQuery } from '#reports/metrics/view.ts'
import { readCompare, withComparison } from '#reports/cockpit/compare.ts'

/** The dashboard view as XLSX: the same figures as the screen for the same URL parameters. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const asked = await viewContext(request, 'dashboard[.xlsx].ts')
  // compared with the same period as the screen (?compare=, reports/cockpit/compare.ts)
  const ctx = { ...asked, view: withComparison(asked.view, readCompare(new URL(request.url).searchParams), asked.org.time_zone) }
  const [data, current, previous] = await Promise.all([
    buildDashboard(ctx.database.db, ctx.scope, ctx.view, ctx.asOf, ctx.params, ctx.offices),
    periodCoverage(ctx.database.db, ctx.scope, ctx.view.period, ctx.asOf, ctx.org.time_zone),
    periodCoverage(ctx.database.db, ctx.scope, ctx.view.previous, ctx.asOf, ctx.org.time_zone),
  ])
  // the same warnings as the screen: a log without records in the period is «нет данных» there
  const warnings = periodWarnings(current, previous).map((w) => ['Предупреждение', w] as const)
  await recordAudit(ctx.database.db, {
    orgId: ctx.org.id,
    userId: ctx.user.id,
    actor: ctx.user.login,
    action: 'export',
    object: 'показатели',
    details: { report: 'dashboard', query: viewQuery(ctx.view) },
    ip: context?.ip,
  })
  return xlsxResponse(
    dashboardWorkbook(data, [...aboutFacts(ctx, 'Показатели качества обслуживания'), ...warnings]),
    `показатели-${ctx.view.period.from}-${ctx.view.period.to}.xlsx`,
  )
}
