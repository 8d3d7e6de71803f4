/**
 * The regulator's files by id, for the pages, the downloads and `npm run cli -- report`: one place that
 * knows how to prepare a report for a year and write it in a format, with its checks in words.
 */
import type { Readable } from 'node:stream'
import type { Database } from '#db/client.server.ts'
import type { Scope } from '#db/scope.server.ts'
import type { SheetFormat } from '#reports/sheet-writer/writer.server.ts'
import { type Appendix7Report, aboutAppendix7, appendix7FileName, prepareAppendix7, writeAppendix7 } from '#reports/appendix-7/build.server.ts'
import { appendix7Context } from '#reports/appendix-7/context.server.ts'
import { signerOf, writeAppendix7Pdf } from '#reports/appendix-7/pdf.server.ts'
import { writeSupplierStandardPdf } from '#reports/supplier-standard/pdf.server.ts'
import { VERDICT_LABEL, supplierStandardOfYear, writeSupplierStandard } from '#reports/supplier-standard/report.server.ts'

/** A report file's format: the spreadsheets, or the PDF that is signed and sent. */
export type ReportFormat = SheetFormat | 'pdf'

export const REPORT_CONTENT_TYPE: Record<ReportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  pdf: 'application/pdf',
}

export const REPORT_IDS = ['appendix-7', 'supplier-standard'] as const
export type ReportId = (typeof REPORT_IDS)[number]

export const REPORT_TITLES: Record<ReportId, string> = {
  'appendix-7': 'Приложение 7 «Информация о качестве обслуживания потребителей услуг»',
  'supplier-standard': 'Соблюдение стандарта качества обслуживания гарантирующего поставщика',
}

export interface ReportRun {
  fileName: string
  stream: Readable
  /** the checks (Appendix 7) or the verdicts (supplier standard), a line each */
  summary: string[]
  /** how many consistency checks failed (0 for the supplier report) */
  failedChecks: number
}

export interface ReportRequest {
  year: number
  asOf: Date
  format: ReportFormat
  /** who asked, for «О файле» */
  by: string
}

export function checkLines(report: Appendix7Report): string[] {
  return report.checks.map((c) => `${c.passed ? 'пройдена    ' : c.severity === 'error' ? 'НЕ ПРОЙДЕНА ' : 'внимание    '} ${c.title}: ${c.detail}`)
}

/** «Сформирован»: now, on the organisation's clock (not the server's), and by whom. */
export function generatedLine(zone: string, by: string, now = new Date()): readonly [string, string] {
  return [
    'Сформирован',
    `${now.toLocaleString('ru-RU', { timeZone: zone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' })} по времени организации (${zone}) — ${by}`,
  ]
}

export async function runReport(database: Database, scope: Scope, id: ReportId, request: ReportRequest): Promise<ReportRun> {
  if (id === 'appendix-7') {
    const report = await prepareAppendix7(await appendix7Context(database, scope, request.year, request.asOf))
    const generated = generatedLine(report.ctx.org.zone, request.by)
    return {
      fileName: appendix7FileName(report, request.format),
      stream:
        request.format === 'pdf'
          ? writeAppendix7Pdf(report, await signerOf(database.db, scope.orgId), generated[1])
          : writeAppendix7(request.format, report, aboutAppendix7(report, [generated])),
      summary: checkLines(report),
      failedChecks: report.checks.filter((c) => !c.passed).length,
    }
  }
  const report = await supplierStandardOfYear(database, scope, request.year, request.asOf)
  const org = report.org
  const generated = generatedLine(org.zone, request.by)
  const about: [string, string][] = [
    ['Отчёт', REPORT_TITLES['supplier-standard']],
    ['Организация', org.name],
    ['Период', `${request.year} год`],
    ['По состоянию на', request.asOf.toLocaleString('ru-RU', { timeZone: org.zone })],
    ['Нормативы', 'действующие правила набора «гарантирующий поставщик» (раздел «Правила сроков»), как их настроила организация'],
    ['Нарушения', 'по каждому нарушенному нормативу — все записи, нарушившие его, на отдельном листе'],
    ['Полнота данных', report.dataWarnings.length ? report.dataWarnings.map((w) => w.text).join('\n') : 'записи каждого журнала есть за каждый месяц года'],
    [...generated],
  ]
  return {
    fileName: `standart-kachestva-${request.year}.${request.format}`,
    stream:
      request.format === 'pdf'
        ? writeSupplierStandardPdf(report, await signerOf(database.db, scope.orgId), generated[1])
        : writeSupplierStandard(request.format, report, about),
    summary: report.lines.length
      ? report.lines.map(
          (l) =>
            `${VERDICT_LABEL[l.verdict].padEnd(21)} ${l.name} (${l.norm}): нарушений ${l.violations.toLocaleString('ru-RU')} из ${l.judged.toLocaleString('ru-RU')}`,
        )
      : ['Нет действующих нормативов набора «гарантирующий поставщик»: включите их в «Правилах сроков» или смените режим организации.'],
    failedChecks: 0,
  }
}
