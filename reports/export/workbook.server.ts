/**
 * The product's XLSX files that describe themselves, on the writer library (reports/sheet-writer, ADR 026):
 * the data sheets, then «Определения» (every figure's name, unit and definition from the catalog) and
 * «О файле» (what, for which period and filters, when, by whom). Rows are streamed as they are written, so
 * a million-row register never sits in memory; past Excel's 1 048 576 rows a sheet continues on the next one.
 */
import type { Readable } from 'node:stream'
import { sheetText } from './formula.ts'
import { type MetricId, metricCatalog } from '#reports/metrics/catalog.ts'
import { zoneOffsetMs } from '#reports/time/local-time.ts'
import { type Cell, durationOf, serialOf } from '#reports/sheet-writer/model.ts'
import { type TableBook, type TableSheet, streamTables } from '#reports/sheet-writer/tables.server.ts'

export type Book = TableBook
export type Sheet = TableSheet

/** Excel's last row; the header takes the first. */
export const MAX_SHEET_ROWS = 1_048_576

/**
 * A text cell's value (reports/export/formula.ts): the writer stores strings as text cells, which no
 * spreadsheet runs as a formula, so the value is kept as it is (no apostrophe in a phone «+7 …»).
 */
export const safeText = sheetText

/** Starts a workbook streamed into the returned stream; `build` writes it, errors end the stream. */
export function streamWorkbook(build: (book: Book) => Promise<void>): Readable {
  return streamTables(build)
}

/** A sheet with a bold header row kept in view and printed on every page (reports/sheet-writer/tables.server.ts). */
export function addSheet(book: Book, name: string, header: readonly string[], widths: readonly number[]): Promise<Sheet> {
  return book.table(
    name,
    header,
    header.map((_, i) => widths[i] ?? 16),
  )
}

const UNIT_WORD = { count: 'штук', share: 'доля', seconds: 'время', score: 'балл', points: 'пункты' } as const

export async function addDefinitions(book: Book, metrics: readonly MetricId[]): Promise<void> {
  // by name, never by code (issue 16): the name is what the other sheets show
  const sheet = await addSheet(book, 'Определения', ['Показатель', 'Единица', 'Определение'], [40, 12, 120])
  for (const id of new Set(metrics)) {
    const m = metricCatalog[id]
    await sheet.row([
      { v: m.label, s: 'text' },
      { v: UNIT_WORD[m.unit], s: 'text' },
      { v: m.definition, s: 'text' },
    ])
  }
}

export async function addAbout(book: Book, facts: readonly (readonly [string, string])[]): Promise<void> {
  const sheet = await addSheet(book, 'О файле', ['Что', 'Значение'], [32, 100])
  for (const [key, value] of facts)
    await sheet.row([
      { v: key, s: 'textBold' },
      { v: safeText(value), s: 'text' },
    ])
}

/** A Date whose UTC fields are the local wall-clock time (what a date cell shows). */
export function localWallClock(instant: Date, zone: string): Date {
  return new Date(instant.getTime() + zoneOffsetMs(zone, instant.getTime()))
}

/** A moment as a date-and-time cell on the organisation's clock. */
export function dateTimeCell(instant: Date | null | undefined, zone: string): Cell {
  return instant ? { v: serialOf(localWallClock(instant, zone)), s: 'dateTime' } : { v: null, s: 'text' }
}

/** Seconds as a duration cell (ч:мм:сс). */
export function durationCell(seconds: number): Cell {
  return { v: durationOf(seconds), s: 'duration' }
}

/** A text cell with borders (empty for null). */
export function textCell(value: string | null | undefined): Cell {
  return { v: value === null || value === undefined ? null : safeText(value), s: 'text' }
}
