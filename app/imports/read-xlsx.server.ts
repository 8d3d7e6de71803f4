import fs from 'node:fs'
import ExcelJS from 'exceljs'
import yauzl from 'yauzl'
import { ImportFileError } from './errors.ts'
import { type RawRow, type TableReader, byteCounter } from './read-csv.server.ts'
import { type Cell, WallClock } from './values.ts'

/** Limits that keep a hostile archive (a zip bomb named `.xlsx`) from being inflated at all. */
export const XLSX_LIMITS = {
  maxEntries: 10_000,
  /** the sum of the parts' declared uncompressed sizes */
  maxUncompressedBytes: 2 * 1024 * 1024 * 1024,
  /** XML compresses well, but not a thousandfold */
  maxRatio: 1000,
}

const NOT_XLSX = 'Файл не является книгой Excel (XLSX): архив повреждён или это другой формат.'

/** Reads the zip's central directory only: part count, declared sizes, compression ratio, workbook part. */
export function checkXlsxArchive(path: string, limits = XLSX_LIMITS): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: true, strictFileNames: false }, (error, zip) => {
      if (error || !zip) return reject(new ImportFileError(NOT_XLSX))
      let entries = 0
      let total = 0
      let hasWorkbook = false
      zip.on('error', () => reject(new ImportFileError(NOT_XLSX)))
      zip.on('entry', (entry: yauzl.Entry) => {
        entries++
        total += entry.uncompressedSize
        if (entry.fileName === 'xl/workbook.xml') hasWorkbook = true
        const ratio = entry.compressedSize > 0 ? entry.uncompressedSize / entry.compressedSize : entry.uncompressedSize
        if (entries > limits.maxEntries || total > limits.maxUncompressedBytes || (entry.uncompressedSize > 1_000_000 && ratio > limits.maxRatio)) {
          zip.close()
          return reject(
            new ImportFileError(
              'Архив XLSX подозрителен: после распаковки он занял бы ' +
                `${entries > limits.maxEntries ? `более ${limits.maxEntries} частей` : `${(total / 1024 / 1024).toFixed(0)} МБ и более (сжатие ${Math.round(ratio)}:1)`}. ` +
                'Такой файл не обрабатывается; выгрузите данные заново или сохраните как CSV.',
            ),
          )
        }
        zip.readEntry()
      })
      zip.on('end', () => (hasWorkbook ? resolve() : reject(new ImportFileError(NOT_XLSX))))
      zip.readEntry()
    })
  })
}

/** exceljs cell values → text, or WallClock for date cells (read later in the organisation's zone). */
function toCell(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return new WallClock(value)
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('')
    if ('error' in value) return ''
    if ('result' in value) return toCell((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue)
    if ('text' in value) return String((value as ExcelJS.CellHyperlinkValue).text)
  }
  return String(value)
}

/** Streams the first worksheet of an XLSX file (header in row 1) with exceljs; never SheetJS. */
export async function openXlsx(path: string): Promise<TableReader> {
  await checkXlsxArchive(path)
  const counter = byteCounter()
  const input = fs.createReadStream(path, { highWaterMark: 256 * 1024 })
  input.pipe(counter)
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(counter, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  })

  const rows = (async function* (): AsyncGenerator<RawRow> {
    try {
      for await (const sheet of reader) {
        for await (const row of sheet) {
          const values = row.values as ExcelJS.CellValue[]
          const cells: Cell[] = []
          for (let i = 1; i < values.length; i++) cells.push(toCell(values[i]))
          if (cells.every((c) => c === '')) continue
          yield { line: row.number, cells }
        }
        break // the first worksheet only
      }
    } catch (error) {
      if (error instanceof ImportFileError) throw error
      throw new ImportFileError(`Не удалось прочитать книгу XLSX: ${(error as Error).message}. Файл не загружен.`)
    } finally {
      input.destroy()
    }
  })()

  const first = await rows.next()
  if (first.done) throw new ImportFileError('В первом листе книги нет ни заголовка, ни строк.')
  return {
    header: first.value.cells.map((c) => (typeof c === 'string' ? c : '')),
    headerLine: first.value.line,
    rows: { [Symbol.asyncIterator]: () => rows },
    bytesRead: () => counter.bytes,
  }
}
