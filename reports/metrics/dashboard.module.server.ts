/** The dashboard view as XLSX in the report registry (reports/registry.server.ts): the screen's figures for the screen's URL. */
import { z } from 'zod'
import { periodCoverage, periodWarnings } from '#reports/appendix-7/coverage.server.ts'
import { lostCallsOfView } from '#reports/callbacks/callbacks.server.ts'
import { defineReport, viewFacts } from '#reports/registry/report.ts'
import { buildDashboard } from './dashboard-view.server.ts'
import { dashboardWorkbook } from './exports.server.ts'
import { viewQuery } from './view.ts'

const TITLE = 'Показатели качества обслуживания'

export const dashboardReport = defineReport({
  id: 'dashboard',
  title: TITLE,
  page: 'dashboard._index.tsx',
  from: '«Показатели»',
  input: 'view',
  formats: ['xlsx'],
  // the comparison the screen shows (reports/cockpit/compare.ts); the route has put it into the view
  params: z.object({ compare: z.enum(['prior', 'year']).optional() }),
  async prepare(ctx) {
    const view = ctx.view!
    const db = ctx.database.db
    const [data, current, previous, lost] = await Promise.all([
      buildDashboard(db, ctx.scope, view, ctx.asOf, ctx.rollups!, ctx.offices ?? new Map()),
      periodCoverage(db, ctx.scope, view.period, ctx.asOf, ctx.org.zone),
      periodCoverage(db, ctx.scope, view.previous, ctx.asOf, ctx.org.zone),
      lostCallsOfView(db, ctx.org.id, ctx.scope, view, ctx.asOf),
    ])
    // the same warnings as the screen: a log without records in the period is «нет данных» there
    return { data, lost, warnings: periodWarnings(current, previous) }
  },
  about: (ctx, _params, { warnings }) =>
    viewFacts(
      ctx,
      TITLE,
      warnings.map((w) => ['Предупреждение', w] as const),
    ),
  name: (ctx) => ({ what: 'Показатели', period: ctx.view!.period }),
  write: {
    xlsx: ({ data, lost }, about, ctx) =>
      dashboardWorkbook(data, about, lost, {
        // «Год назад» only when the comparison is the same days a year before (?compare=year, or a whole year)
        previousLabel: ctx.view!.previous.from.slice(4) === ctx.view!.period.from.slice(4) ? 'Год назад' : 'Предыдущий период',
      }),
  },
  audit: (ctx, params) => ({ object: 'показатели', query: viewQuery(ctx.view!), compare: params.compare ?? 'prior' }),
})
