/**
 * The supplier-standard report as PDF (ADR 015): the norms with their figures and verdicts, then for each
 * broken norm the records that broke it (streamed from the database), a signature block from the
 * organisation's settings. Same figures as the XLSX (`writeSupplierStandard`).
 */
import type { Readable } from 'node:stream'
import type { Signer } from '#reports/appendix-7/pdf.server.ts'
import { appealViolations } from '#reports/deadlines/compliance.server.ts'
import { normViolations } from '#reports/deadlines/norms.server.ts'
import { type PdfBlock, writePdf } from '#reports/export/pdf-writer.server.ts'
import type { Cell } from '#reports/sheet-writer/model.ts'
import { APPEAL_HEAD, NORM_HEAD, type SupplierReport, VERDICT_LABEL, localText, lostCallRows, minutes, violationCells } from './report.server.ts'

const DOMAIN_TEXT = { appeals: 'Обращения', calls: 'Звонки', visits: 'Офисы' } as const
const head = (texts: readonly string[]): Cell[][] => [texts.map((v) => ({ v, s: 'head' as const }))]

export function writeSupplierStandardPdf(report: SupplierReport, signer: Signer, generated: string): Readable {
  const year = report.period.from.slice(0, 4)
  const title = `Соблюдение стандарта качества обслуживания гарантирующего поставщика за ${year} год`
  const zone = report.org.zone
  const asOf = localText(report.asOf, zone)
  async function* blocks(): AsyncIterable<PdfBlock> {
    yield { kind: 'text', text: title, size: 13, bold: true, align: 'center' }
    yield { kind: 'text', text: report.org.name, size: 10, align: 'center' }
    yield {
      kind: 'text',
      text: `Период: ${year} год. По состоянию на ${asOf}. Нормативы — действующие правила набора «гарантирующий поставщик», как их настроила организация.`,
      size: 8,
      gapBefore: 6,
    }
    if (report.dataWarnings.length)
      yield { kind: 'text', text: `Полнота данных: ${report.dataWarnings.map((w) => w.text).join(' ')}`, size: 8, bold: true, gapBefore: 4 }
    const rows: Cell[][] = report.lines.map((l, i) => [
      { v: i + 1, s: 'center' },
      { v: DOMAIN_TEXT[l.domain], s: 'text' },
      { v: l.name, s: 'text' },
      { v: l.norm, s: 'text' },
      { v: l.judged, s: 'count' },
      { v: l.within, s: 'count' },
      { v: l.violations, s: 'count' },
      l.withinShare === null ? { v: '–', s: 'center' } : { v: Math.round(l.withinShare * 1000) / 10, s: 'decimal' },
      l.meanSeconds === null ? { v: '–', s: 'center' } : { v: minutes(l.meanSeconds)!, s: 'decimal' },
      { v: VERDICT_LABEL[l.verdict], s: l.verdict === 'broken' ? 'textBold' : 'text' },
      { v: l.source, s: 'text' },
    ])
    if (rows.length === 0) rows.push([{ v: 'Нет действующих нормативов набора «гарантирующий поставщик».', s: 'text', colspan: 11 }])
    yield {
      kind: 'table',
      title: 'Нормативы',
      widths: [5, 10, 44, 18, 11, 10, 10, 11, 10, 12, 36],
      header: head([
        'N',
        'Процесс',
        'Норматив',
        'Значение норматива',
        'Оценено записей',
        'В пределах',
        'Нарушений',
        'Доля в пределах, %',
        'Среднее, мин',
        'Вердикт',
        'Источник',
      ]),
      rows,
      size: 7.5,
    }
    // lost calls called back (issue 18): the same rows as the XLSX sheet «Перезвоны»
    yield {
      kind: 'table',
      title: 'Потерянные звонки и перезвоны',
      widths: [40, 14, 110],
      header: head(['Показатель', 'Значение', 'Определение']),
      rows: lostCallRows(report),
      size: 7.5,
    }
    for (const l of report.lines.filter((x) => x.verdict === 'broken' && x.violations > 0)) {
      const appeals = l.domain === 'appeals'
      yield {
        kind: 'table',
        title: `Нарушения: ${l.name} — норматив ${l.norm}`,
        widths: appeals ? [8, 18, 17, 17, 17, 18, 16, 30] : [8, 20, 17, 17, 14, 24],
        header: head(l.domain === 'appeals' ? APPEAL_HEAD : NORM_HEAD[l.domain]),
        size: 7,
        rows: async function* () {
          let n = 0
          const source = appeals
            ? appealViolations(report.db, report.scope, report.period, report.asOf, l.ruleId)
            : normViolations(report.db, report.scope, report.period, report.asOf, l.normFigures!.rule)
          for await (const page of source as AsyncGenerator<Record<string, unknown>[]>) {
            yield page.map((r) => violationCells(l.domain, r, ++n, zone))
          }
        },
      }
    }
    yield {
      kind: 'signature',
      lines: [{ role: signer.position || 'Руководитель организации (уполномоченное лицо)', name: signer.name || '________________________ (Ф. И. О.)' }],
      note: `${signer.phone ? `Телефон для связи: ${signer.phone}. ` : ''}Сформирован ${generated}.`,
    }
  }
  return writePdf({ title, org: report.org.name, asOf, blocks })
}
