/**
 * Streamed XLSX files that describe themselves: the data sheets, then «Определения» (every figure's id,
 * label, definition from the catalog) and «О файле» (what, for which period and filters, when, by whom).
 * Rows are committed as they are written, so a million-row register never sits in memory; past Excel's
 * 1 048 576 rows a sheet continues on the next one. Text that would start a formula is neutralised.
 */
import { PassThrough, type Readable } from 'node:stream'
import ExcelJS from 'exceljs'
import { sheetText } from './formula.ts'
import { type MetricId, metricCatalog } from '#reports/metrics/catalog.ts'
import { zoneOffsetMs } from '#reports/time/local-time.ts'

export type Book = ExcelJS.stream.xlsx.WorkbookWriter
export type Sheet = ExcelJS.Worksheet

/** Excel's last row; the header takes the first. */
export const MAX_SHEET_ROWS = 1_048_576

/**
 * A text cell's value (reports/export/formula.ts): exceljs and our own writer store strings as text cells,
 * which no spreadsheet runs as a formula, so the value is kept as it is (no apostrophe in a phone «+7 …»).
 */
export const safeText = sheetText

/** Starts a workbook streamed into the returned stream; `build` writes it, errors end the stream. */
export function streamWorkbook(build: (book: Book) => Promise<void>): Readable {
  const out = new PassThrough()
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false })
  book.creator = 'Качество обслуживания'
  void (async () => {
    await build(book)
    await book.commit()
  })().catch((error: unknown) => out.destroy(error as Error))
  return out
}

const BOLD = { bold: true }

/** A header/footer text of SpreadsheetML (`&` doubled). */
const headerText = (text: string) => text.replace(/&/g, '&&')

/**
 * A header row in bold, wrapped, tall enough for its labels, with a frozen pane under it; printed on A4
 * (landscape when wider than ≈ 100 characters), fit to one page wide so a label and its values are on
 * the same page, the header row repeated on every page, the sheet's name in the page header and
 * «Страница N из M» in the footer (issue 15).
 */
export function addSheet(book: Book, name: string, header: readonly string[], widths: readonly number[]): Sheet {
  const total = header.reduce((sum, _, i) => sum + (widths[i] ?? 16), 0)
  const sheet = book.addWorksheet(name.slice(0, 31), {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: {
      paperSize: 9,
      orientation: total > 100 ? 'landscape' : 'portrait',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:1',
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.25, footer: 0.25 },
    },
    headerFooter: { oddHeader: `&L&8${headerText(name)}`, oddFooter: '&C&8Страница &P из &N' },
  })
  sheet.columns = header.map((h, i) => ({ header: h, width: widths[i] ?? 16 }))
  const row = sheet.getRow(1)
  row.font = BOLD
  row.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' }
  // a header label longer than its column wraps: the row grows to hold it (bold takes ≈ 1.2 characters)
  const lines = Math.max(1, ...header.map((h, i) => Math.ceil((h.length * 1.2) / Math.max(4, (widths[i] ?? 16) - 1))))
  if (lines > 1) row.height = lines * 15 + 2
  return sheet
}

export function addDefinitions(book: Book, metrics: readonly MetricId[]): void {
  // by name, never by code (issue 16): the name is what the other sheets show
  const sheet = addSheet(book, 'Определения', ['Показатель', 'Единица', 'Определение'], [40, 12, 120])
  const units = { count: 'штук', share: 'доля', seconds: 'время', score: 'балл', points: 'пункты' }
  for (const id of new Set(metrics)) {
    const m = metricCatalog[id]
    const row = sheet.addRow([m.label, units[m.unit], m.definition])
    row.getCell(3).alignment = { wrapText: true, vertical: 'top' }
    row.commit()
  }
  sheet.commit()
}

export function addAbout(book: Book, facts: readonly (readonly [string, string])[]): void {
  const sheet = addSheet(book, 'О файле', ['Что', 'Значение'], [32, 100])
  for (const [key, value] of facts) sheet.addRow([key, safeText(value)]).commit()
  sheet.commit()
}

/** A Date whose UTC fields are the local wall-clock time: exceljs writes UTC fields as the cell's time. */
export function localWallClock(instant: Date, zone: string): Date {
  return new Date(instant.getTime() + zoneOffsetMs(zone, instant.getTime()))
}

export const DATE_TIME_FORMAT = 'dd.mm.yyyy hh:mm'
export const DURATION_FORMAT = '[h]:mm:ss'
export const SHARE_FORMAT = '0.0%'
