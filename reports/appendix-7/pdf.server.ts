/**
 * Appendix 7 as the PDF that is signed and sent (ADR 015): the form's heading, every table in the layout
 * of the template (merged header, column numbers) from the same cells as the page and the XLSX, table
 * 4.9 streamed from the register, the checks and the completeness of the data when something is
 * wrong, and the signature block from the organisation's settings.
 */
import type { Readable } from 'node:stream'
import type { Db } from '#db/client.server.ts'
import { type PdfBlock, writePdf } from '#reports/export/pdf-writer.server.ts'
import type { Cell } from '#reports/sheet-writer/model.ts'
import type { Appendix7Report } from './build.server.ts'
import { registerCells, registerRows } from './register.server.ts'
import { withYears } from './template.ts'

export interface Signer {
  position: string
  name: string
  phone: string
}

/** Who signs, from the organisation's settings (blank lines to fill in by hand where not set). */
export async function signerOf(db: Db, orgId: string): Promise<Signer> {
  const row = await db.selectFrom('organisation').select(['signer_position', 'signer_name', 'signer_phone']).where('id', '=', orgId).executeTakeFirstOrThrow()
  return { position: row.signer_position ?? '', name: row.signer_name ?? '', phone: row.signer_phone ?? '' }
}

export function asOfText(report: Appendix7Report): string {
  return report.ctx.asOf.toLocaleString('ru-RU', {
    timeZone: report.ctx.org.zone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  })
}

export function writeAppendix7Pdf(report: Appendix7Report, signer: Signer, generated: string): Readable {
  const { ctx, built } = report
  const h = ctx.template.heading
  const title = `${h.title} ${ctx.org.name} ${withYears(h.period, ctx.year)}`
  const failed = report.checks.filter((c) => !c.passed)
  async function* blocks(): AsyncIterable<PdfBlock> {
    yield { kind: 'text', text: h.appendix, size: 8, align: 'right' }
    yield { kind: 'text', text: title, size: 13, bold: true, align: 'center', gapBefore: 8 }
    yield { kind: 'text', text: h.caption, size: 8, align: 'center' }
    yield {
      kind: 'text',
      text: `По состоянию на ${asOfText(report)}. Охват: ${ctx.scope.branches === 'all' ? 'вся организация' : 'филиалы, доступные пользователю'}. ${ctx.template.basis} Шаблон ${ctx.template.version}.`,
      size: 8,
      gapBefore: 6,
    }
    if (report.dataWarnings.length)
      yield { kind: 'text', text: `Полнота данных: ${report.dataWarnings.map((w) => w.text).join(' ')}`, size: 8, bold: true, gapBefore: 4 }
    if (failed.length)
      yield {
        kind: 'text',
        text: `Проверки согласованности: не пройдено ${failed.length} из ${report.checks.length} — ${failed.map((c) => c.title).join('; ')}.`,
        size: 8,
        bold: true,
        gapBefore: 4,
      }
    let section = ''
    for (const code of ctx.template.tables.map((t) => t.code)) {
      const table = built.tables.find((t) => t.code === code)
      if (table) {
        if (table.section !== section) {
          section = table.section
          yield { kind: 'text', text: `Раздел ${section}. ${ctx.template.sections[section as '1'] ?? ''}`, size: 10, bold: true, gapBefore: 10 }
        }
        yield {
          kind: 'table',
          title: `Таблица ${table.code}. ${table.title}`,
          widths: table.widths,
          header: table.header,
          rows: table.body,
          size: table.widths.length > 12 ? 6.5 : 7.5,
        }
      } else if (built.register && built.register.code === code) {
        const t = built.register
        const header: Cell[][] = t.header.map((row) =>
          row.map((c) => ({ v: withYears(c.text, ctx.year), s: 'head' as const, colspan: c.colspan, rowspan: c.rowspan })),
        )
        if (t.numbered) header.push(t.widths.map((_, i) => ({ v: i + 1, s: 'center' as const })))
        if (section !== t.section) {
          section = t.section
          yield { kind: 'text', text: `Раздел ${section}. ${ctx.template.sections[section as '1'] ?? ''}`, size: 10, bold: true, gapBefore: 10 }
        }
        yield { kind: 'pageBreak' }
        yield {
          kind: 'table',
          title: `Таблица ${t.code}. ${withYears(t.title, ctx.year)}`,
          widths: t.widths,
          header,
          size: 5.5,
          // the widest row number and a date and time: the columns that must not break them
          sample: [
            [
              { v: report.registerRows, s: 'center' },
              { v: '', s: 'text' },
              { v: '00.00.0000', s: 'center' },
              { v: '00:00', s: 'center' },
            ],
          ],
          rows: async function* () {
            let n = 0
            for await (const page of registerRows(ctx, built.forms)) yield page.map((row) => registerCells(t, row, ++n))
          },
        }
      }
    }
    yield {
      kind: 'signature',
      lines: [{ role: signer.position || 'Руководитель организации (уполномоченное лицо)', name: signer.name || '________________________ (Ф. И. О.)' }],
      note: `${signer.phone ? `Телефон для связи: ${signer.phone}. ` : ''}Сформирован ${generated}.`,
    }
  }
  return writePdf({ title: `${h.title} за ${ctx.year} год`, org: ctx.org.name, asOf: asOfText(report), subject: ctx.template.name, blocks })
}
