/**
 * Tables on top of the writer (README.md beside this file): a book of sheets that each start with a bold,
 * wrapped header row kept in view, printed on A4 (landscape when the columns are wider than ≈ 100
 * characters), fit to one page wide with the header row on every page, the sheet's name in the page header.
 * Sheets are declared as they are written (`table()` ends the previous one), so a long list can continue on
 * a further sheet; the format is XLSX (ODS needs its sheets declared up front: use `startBook`).
 */
import type { Readable } from 'node:stream'
import type { Cell } from './model.ts'
import { type SheetOut, type SheetSpec, startBook } from './writer.server.ts'

export interface TableBook {
  /** Ends the sheet being written (if any), starts the next one and writes its header row. */
  table(name: string, header: readonly string[], widths: readonly number[]): Promise<TableSheet>
}

export interface TableSheet {
  row(cells: readonly Cell[]): Promise<void>
}

/** The sheet of a table: its header row frozen and repeated on printed pages. */
export function tableSpec(name: string, widths: readonly number[], org?: string): SheetSpec {
  const total = widths.reduce((sum, w) => sum + w, 0)
  return { name, widths, freezeRows: 1, autoHeight: true, print: { orientation: total > 100 ? 'landscape' : 'portrait', repeatRows: [1, 1], title: name, org } }
}

/** A workbook of tables streamed into the returned stream; `build` writes it, an error ends the stream (a broken download, never half a file as if whole). */
export function streamTables(build: (book: TableBook) => Promise<void>, options: { org?: string } = {}): Readable {
  const book = startBook('xlsx', [])
  let open: SheetOut | undefined
  const tables: TableBook = {
    async table(name, header, widths) {
      await open?.end()
      const sheet = await book.next(tableSpec(name, widths, options.org))
      open = sheet
      await sheet.row(header.map((v) => ({ v, s: 'head' })))
      return { row: (cells) => sheet.row(cells) }
    },
  }
  void (async () => {
    await build(tables)
    await open?.end()
    await book.finish()
  })().catch((error: unknown) => book.stream.destroy(error as Error))
  return book.stream
}
