/**
 * A register (or a figure's records) as XLSX in the report registry (reports/registry.server.ts): every record
 * of the screen's view in the screen's order, streamed, no cap; personal data masked for roles without it.
 */
import { z } from 'zod'
import { defineReport, viewFacts } from '#reports/registry/report.ts'
import { metricCatalog, opensRegister } from './catalog.ts'
import { registerWorkbook } from './exports.server.ts'
import { REGISTERS, type RecordContext, registerTotal } from './records.server.ts'
import { viewQuery } from './view.ts'

/** The register's word in a file name: «Обращения_2025-01-01_2025-12-31.xlsx». */
const FILE_WORD = { appeals: 'Обращения', calls: 'Звонки', visits: 'Посещения' } as const

export const registerReport = defineReport({
  id: 'register',
  title: 'Журнал записей (обращения, звонки, посещения)',
  page: 'registers.$domain._index.tsx',
  from: 'журналы обращений, звонков и посещений и расшифровки показателей',
  input: 'view',
  formats: ['xlsx'],
  params: z.object({
    domain: z.enum(['appeals', 'calls', 'visits']),
    metric: z.string().max(80).optional(),
    sort: z.string().max(40).optional(),
    dir: z.enum(['asc', 'desc']).optional(),
  }),
  async prepare(ctx, params) {
    const register = REGISTERS[params.domain]
    const metric = params.metric && opensRegister(params.metric, register.domain) ? params.metric : undefined
    const view = ctx.view!
    const records: RecordContext = {
      scope: ctx.scope,
      period: view.period,
      filter: view.filter,
      narrowing: view.narrowing,
      metric,
      asOf: ctx.asOf,
      zone: ctx.org.zone,
      params: ctx.rollups!,
    }
    // the screen's sort and direction (registers.$domain._index.tsx reads the same parameters the same way)
    const sortable = register.columns.filter((c) => c.sort).map((c) => c.id)
    const order = { sort: params.sort && sortable.includes(params.sort) ? params.sort : register.defaultSort, dir: params.dir ?? ('desc' as const) }
    const total = await registerTotal(ctx.database.db, register, records)
    return { register, metric, records, order, total }
  },
  about: (ctx, _params, { register, metric }) =>
    viewFacts(ctx, register.title, [
      ['Показатель', metric ? metricCatalog[metric].label : 'все записи периода'],
      ['Персональные данные', ctx.personalData ? 'показаны' : 'скрыты (маска)'],
    ]),
  name: (ctx, params, { metric }) => ({ what: FILE_WORD[params.domain], period: ctx.view!.period, detail: metric ? metricCatalog[metric].label : undefined }),
  write: {
    xlsx: ({ register, records, order }, about, ctx) => registerWorkbook(ctx.database.db, { register, records, personalData: ctx.personalData, about, order }),
  },
  audit: (ctx, _params, { register, metric, total }) => ({
    object: register.title.toLowerCase(),
    report: `register-${register.domain}`,
    query: viewQuery(ctx.view!, { metric }),
    rows: total,
    personalData: ctx.personalData,
  }),
})
