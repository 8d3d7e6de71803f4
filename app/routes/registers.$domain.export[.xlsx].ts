import type { LoaderFunctionArgs } from '@remix-run/node'
import { recordAudit } from '#app/models/audit.server.ts'
import { aboutFacts, registerContext, xlsxResponse } from '#app/utils/view.server.ts'
import { metricCatalog } from '#reports/metrics/catalog.ts'
import { registerTotal } from '#reports/metrics/records.server.ts'
import { registerWorkbook } from '#reports/metrics/exports.server.ts'
import { viewQuery } from '#reports/metrics/view.ts'
import { readTableParams } from '#app/utils/table-params.ts'

/** A register (or a figure's records) as XLSX, streamed: every record of the view, no cap. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { ctx, register, metric, records, personalData } = await registerContext(request, params.domain, 'registers.$domain.export[.xlsx].ts')
  const total = await registerTotal(ctx.database.db, register, records)
  await recordAudit(ctx.database.db, {
    orgId: ctx.org.id,
    userId: ctx.user.id,
    actor: ctx.user.login,
    action: 'export',
    object: register.title.toLowerCase(),
    details: { report: `register-${register.domain}`, query: viewQuery(ctx.view, { metric }), rows: total, personalData },
    ip: context?.ip,
  })
  const about = aboutFacts(ctx, register.title, [
    ['Показатель', metric ? metricCatalog[metric].label : 'все записи периода'],
    ['Персональные данные', personalData ? 'показаны' : 'скрыты (маска)'],
  ])
  // the screen's sort and direction (registers.$domain._index.tsx reads the same parameters the same way)
  const sortable = register.columns.filter((c) => c.sort).map((c) => c.id)
  const order = readTableParams(new URL(request.url).searchParams, sortable, { sort: register.defaultSort, dir: 'desc' })
  return xlsxResponse(
    registerWorkbook(ctx.database.db, { register, records, personalData, about, order }),
    `${register.domain}-${ctx.view.period.from}-${ctx.view.period.to}.xlsx`,
  )
}
