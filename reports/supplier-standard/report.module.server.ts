/** The supplier-standard compliance report in the report registry (reports/registry.server.ts): a year, XLSX, ODS or PDF. */
import { z } from 'zod'
import { signerOf } from '#reports/appendix-7/pdf.server.ts'
import { defineReport, generatedLine } from '#reports/registry/report.ts'
import { orgPart } from '#reports/registry/file-names.ts'
import { writeSupplierStandardPdf } from './pdf.server.ts'
import { type SupplierReport, VERDICT_LABEL, supplierStandardOfYear, writeSupplierStandard } from './report.server.ts'

const TITLE = 'Соблюдение стандарта качества обслуживания гарантирующего поставщика'

export function verdictLines(report: SupplierReport): string[] {
  return report.lines.length
    ? report.lines.map(
        (l) =>
          `${VERDICT_LABEL[l.verdict].padEnd(21)} ${l.name} (${l.norm}): нарушений ${l.violations.toLocaleString('ru-RU')} из ${l.judged.toLocaleString('ru-RU')}`,
      )
    : ['Нет действующих нормативов набора «гарантирующий поставщик»: включите их в «Правилах сроков» или смените режим организации.']
}

export const supplierStandardReport = defineReport({
  id: 'supplier-standard',
  title: TITLE,
  card: {
    href: '/reports/supplier-standard',
    text: 'Каждый норматив стандарта (набор правил «гарантирующий поставщик»), его значение за период, вердикт и все записи, нарушившие норматив; потерянные звонки и перезвоны.',
  },
  page: 'reports.supplier-standard._index.tsx',
  input: 'year',
  formats: ['xlsx', 'ods', 'pdf'],
  params: z.object({}),
  async prepare(ctx) {
    const report = await supplierStandardOfYear(ctx.database, ctx.scope, ctx.year, ctx.asOf)
    return { report, generated: generatedLine(report.org.zone, ctx.by) }
  },
  about: (ctx, _params, { report, generated }) => [
    ['Отчёт', TITLE],
    ['Организация', report.org.name],
    ['Период', `${ctx.year} год`],
    ['По состоянию на', ctx.asOf.toLocaleString('ru-RU', { timeZone: report.org.zone })],
    ['Нормативы', 'действующие правила набора «гарантирующий поставщик» (раздел «Правила сроков»), как их настроила организация'],
    ['Нарушения', 'по каждому нарушенному нормативу — все записи, нарушившие его, на отдельном листе'],
    ['Полнота данных', report.dataWarnings.length ? report.dataWarnings.map((w) => w.text).join('\n') : 'записи каждого журнала есть за каждый месяц года'],
    [...generated],
  ],
  name: (ctx) => ({ what: 'Стандарт-качества', period: { year: ctx.year }, detail: orgPart(ctx.org.name) }),
  write: {
    xlsx: ({ report }, about) => writeSupplierStandard('xlsx', report, about),
    ods: ({ report }, about) => writeSupplierStandard('ods', report, about),
    pdf: async ({ report, generated }, _about, ctx) => writeSupplierStandardPdf(report, await signerOf(ctx.database.db, ctx.scope.orgId), generated[1]),
  },
  summary: ({ report }) => ({ lines: verdictLines(report), failed: 0 }),
  audit: (_ctx, _params, { report }) => ({ year: Number(report.period.from.slice(0, 4)) }),
})
