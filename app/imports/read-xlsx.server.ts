import fs from 'node:fs'
import { createRequire } from 'node:module'
import ExcelJS from 'exceljs'
import yauzl from 'yauzl'
import { ImportFileError } from './errors.ts'
import { type RawRow, type TableReader, byteCounter } from './read-csv.server.ts'
import { type Cell, WallClock } from './values.ts'

/**
 * Limits that keep a hostile archive (a zip bomb named `.xlsx`) from being inflated. The central directory's
 * declarations are checked first (cheap), but an archive may lie about its sizes, so the parts are then
 * inflated once — by the same zip reader exceljs uses, reading the same local entries — counting the bytes that
 * actually come out and the longest run of text or attribute between two tags, stopping at a limit.
 */
export const XLSX_LIMITS = {
  maxEntries: 10_000,
  /** the sum of the parts' uncompressed sizes, declared and (while inflating) actual */
  maxUncompressedBytes: 2 * 1024 * 1024 * 1024,
  /** XML compresses well, but not a thousandfold */
  maxRatio: 1000,
  /** shared strings are kept in memory while the sheet is read */
  maxSharedStringsBytes: 512 * 1024 * 1024,
  /**
   * the longest text or attribute between two tags: a cell holds at most 32 767 characters in Excel, which
   * even written as character references (`&#1071;`) stays under this
   */
  maxRunBytes: 512 * 1024,
}

export type XlsxLimits = typeof XLSX_LIMITS

const NOT_XLSX = 'Файл не является книгой Excel (XLSX): архив повреждён или это другой формат.'

/** Reads the zip's central directory only: part count, declared sizes, compression ratio, workbook part. */
export function checkXlsxArchive(path: string, limits: XlsxLimits = XLSX_LIMITS): Promise<void> {
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

// the zip reader of exceljs itself (its dependency, not ours): what is measured is what exceljs will read
type ZipEntry = AsyncIterable<Buffer> & { path: string; autodrain(): void; destroy?(): void }
const unzipper = createRequire(createRequire(import.meta.url).resolve('exceljs'))('unzipper') as {
  Parse(options: { forceStream: true }): NodeJS.ReadWriteStream & AsyncIterable<ZipEntry>
}

const BOMB = (what: string) =>
  new ImportFileError(`Архив XLSX подозрителен: ${what}. Такой файл не обрабатывается; выгрузите данные заново или сохраните как CSV.`)

/**
 * Inflates every part once, counting the bytes that actually come out (not the declared ones) and the longest
 * run of bytes without `<` or `>` in the XML parts (one cell's text, one attribute), and stops at the first
 * limit passed — before exceljs reads anything.
 */
export async function measureXlsxArchive(path: string, limits: XlsxLimits = XLSX_LIMITS): Promise<void> {
  const input = fs.createReadStream(path, { highWaterMark: 256 * 1024 })
  const zip = input.pipe(unzipper.Parse({ forceStream: true }))
  zip.on('error', () => undefined) // reported through the iteration below
  let total = 0
  let entries = 0
  try {
    for await (const entry of zip) {
      if (++entries > limits.maxEntries) throw BOMB(`более ${limits.maxEntries} частей`)
      const xml = /\.(xml|rels)$/i.test(entry.path)
      const shared = entry.path === 'xl/sharedStrings.xml'
      let size = 0
      let run = 0
      for await (const chunk of entry) {
        size += chunk.length
        total += chunk.length
        if (total > limits.maxUncompressedBytes) throw BOMB(`после распаковки он занял бы более ${Math.round(limits.maxUncompressedBytes / 1024 ** 2)} МБ`)
        if (shared && size > limits.maxSharedStringsBytes)
          throw BOMB(`общие строки книги заняли бы более ${Math.round(limits.maxSharedStringsBytes / 1024 ** 2)} МБ`)
        if (xml) {
          run = runAfter(chunk, run, limits.maxRunBytes)
          if (run < 0) throw BOMB(`одна ячейка или строка длиннее ${Math.round(limits.maxRunBytes / 1024)} КБ (в Excel в ячейке не более 32 767 знаков)`)
        }
      }
    }
  } catch (error) {
    if (error instanceof ImportFileError) throw error
    throw new ImportFileError(NOT_XLSX)
  } finally {
    input.destroy()
  }
}

const LT = 0x3c
const GT = 0x3e

/**
 * The length of the run of bytes without `<` or `>` at the end of `chunk`, given the run before it; -1 once a
 * run exceeds `max`. A chunk shorter than `max` cannot hold a too long run inside it, so only its ends are
 * looked at; a longer one is scanned.
 */
function runAfter(chunk: Buffer, before: number, max: number): number {
  const first = Math.min(...[chunk.indexOf(LT), chunk.indexOf(GT)].map((i) => (i < 0 ? Infinity : i)))
  if (first === Infinity) return before + chunk.length > max ? -1 : before + chunk.length
  if (before + first > max) return -1
  if (chunk.length > max) {
    let last = first
    for (let i = first + 1; i < chunk.length; i++) {
      const b = chunk[i]
      if (b === LT || b === GT) {
        if (i - last - 1 > max) return -1
        last = i
      }
    }
  }
  const tail = chunk.length - 1 - Math.max(chunk.lastIndexOf(LT), chunk.lastIndexOf(GT))
  return tail > max ? -1 : tail
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
  await measureXlsxArchive(path)
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
