/** Appendix 7 in the report registry (reports/registry.server.ts): the form for a year, XLSX, ODS or the signed PDF. */
import { z } from 'zod'
import { defineReport, generatedLine } from '#reports/registry/report.ts'
import { orgPart } from '#reports/registry/file-names.ts'
import { type Appendix7Report, aboutAppendix7, prepareAppendix7, writeAppendix7 } from './build.server.ts'
import { appendix7Context } from './context.server.ts'
import { signerOf, writeAppendix7Pdf } from './pdf.server.ts'

export function checkLines(report: Appendix7Report): string[] {
  return report.checks.map((c) => `${c.passed ? 'пройдена    ' : c.severity === 'error' ? 'НЕ ПРОЙДЕНА ' : 'внимание    '} ${c.title}: ${c.detail}`)
}

export const appendix7Report = defineReport({
  id: 'appendix-7',
  title: 'Приложение 7 «Информация о качестве обслуживания потребителей услуг»',
  card: {
    href: '/reports/appendix-7',
    text:
      'Ежегодная форма сетевой организации (Приложение 7 к приказу Минэнерго № 186): таблицы 4.1–4.3 и 4.9 из журналов, разделы 1–3 и 4.4–4.8 — из ' +
      'сведений, внесённых за год. Проверки согласованности перед выгрузкой, XLSX, ODS и PDF, фиксация поданного отчёта.',
  },
  page: 'reports.appendix-7._index.tsx',
  input: 'year',
  formats: ['xlsx', 'ods', 'pdf'],
  params: z.object({}),
  async prepare(ctx) {
    const report = await prepareAppendix7(await appendix7Context(ctx.database, ctx.scope, ctx.year, ctx.asOf))
    return { report, generated: generatedLine(report.ctx.org.zone, ctx.by) }
  },
  about: (_ctx, _params, { report, generated }) => aboutAppendix7(report, [generated]),
  name: (ctx, _params, { report }) => ({ what: 'Приложение7', period: { year: report.ctx.year }, detail: orgPart(ctx.org.name) }),
  write: {
    xlsx: ({ report }, about) => writeAppendix7('xlsx', report, about),
    ods: ({ report }, about) => writeAppendix7('ods', report, about),
    pdf: async ({ report, generated }, _about, ctx) => writeAppendix7Pdf(report, await signerOf(ctx.database.db, ctx.scope.orgId), generated[1]),
  },
  summary: ({ report }) => ({ lines: checkLines(report), failed: report.checks.filter((c) => !c.passed).length }),
  audit: (_ctx, _params, { report }) => ({ year: report.ctx.year, failedChecks: report.checks.filter((c) => !c.passed).length }),
})
