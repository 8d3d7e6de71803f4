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

/** A header row in bold with a frozen pane under it. */
export function addSheet(book: Book, name: string, header: readonly string[], widths: readonly number[]): Sheet {
  const sheet = book.addWorksheet(name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = header.map((h, i) => ({ header: h, width: widths[i] ?? 16 }))
  sheet.getRow(1).font = BOLD
  return sheet
}

export function addDefinitions(book: Book, metrics: readonly MetricId[]): void {
  const sheet = addSheet(book, 'Определения', ['Показатель', 'Название', 'Единица', 'Определение'], [30, 36, 12, 120])
  const units = { count: 'штук', share: 'доля', seconds: 'время', score: 'балл', points: 'пункты' }
  for (const id of new Set(metrics)) {
    const m = metricCatalog[id]
    const row = sheet.addRow([id, m.label, units[m.unit], m.definition])
    row.getCell(4).alignment = { wrapText: true, vertical: 'top' }
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
