import fs from 'node:fs'
import { Transform } from 'node:stream'
import { parse } from 'csv-parse'
import { ImportFileError } from './errors.ts'
import type { Cell } from './values.ts'

export interface RawRow {
  /** line of the file where the record starts (1 = header) */
  line: number
  cells: Cell[]
}

export interface TableReader {
  header: string[]
  /** line of the header */
  headerLine: number
  rows: AsyncIterable<RawRow>
  bytesRead(): number
  encoding?: string
  delimiter?: string
}

/** A record longer than this is not a log line: the file is refused (a 100 MB cell never reaches memory). */
export const MAX_RECORD_BYTES = 1024 * 1024

/** Counts bytes as they pass, for the progress bar. */
export function byteCounter(): Transform & { bytes: number } {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      counter.bytes += chunk.length
      callback(null, chunk)
    },
  }) as Transform & { bytes: number }
  counter.bytes = 0
  return counter
}

function decoder(encoding: string): Transform {
  const textDecoder = new TextDecoder(encoding)
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _e, callback) {
      callback(null, textDecoder.decode(chunk, { stream: true }))
    },
    flush(callback) {
      callback(null, textDecoder.decode())
    },
  })
}

/** `;` or `,`, whichever the header line has more of outside quotes. */
export function detectDelimiter(headerLine: string): ';' | ',' {
  let semicolons = 0
  let commas = 0
  let quoted = false
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted
    else if (!quoted && ch === ';') semicolons++
    else if (!quoted && ch === ',') commas++
  }
  return semicolons > commas ? ';' : ','
}

async function readHeaderLine(path: string, encoding: string): Promise<string> {
  const handle = await fs.promises.open(path, 'r')
  try {
    const head = Buffer.alloc(64 * 1024)
    const { bytesRead } = await handle.read(head, 0, head.length, 0)
    const text = new TextDecoder(encoding).decode(head.subarray(0, bytesRead)).replace(/^\uFEFF/, '')
    return text.split(/\r?\n/).find((line) => line.trim() !== '') ?? ''
  } finally {
    await handle.close()
  }
}

const countNewlines = (text: string) => {
  let n = 0
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++
  return n
}

/** Streams a CSV file (RFC 4180 quoting; quoted fields may hold delimiters and line breaks). */
export async function openCsv(path: string, encoding: 'utf-8' | 'windows-1251'): Promise<TableReader> {
  const delimiter = detectDelimiter(await readHeaderLine(path, encoding))
  const counter = byteCounter()
  const parser = parse({
    delimiter,
    bom: true,
    raw: true,
    relax_column_count: true,
    max_record_size: MAX_RECORD_BYTES,
  })
  const source = fs.createReadStream(path, { highWaterMark: 256 * 1024 })
  source.on('error', (error) => parser.destroy(error))
  source.pipe(counter).pipe(decoder(encoding)).pipe(parser)

  let nextLine = 1
  let currentLine = 1
  const records = (async function* () {
    try {
      for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
        currentLine = nextLine
        // `raw` ends with the record's "\n" in LF files but not in CRLF files (csv-parse 7): count only inner breaks
        nextLine += countNewlines(raw) - (raw.endsWith('\n') ? 1 : 0) + 1
        if (record.length === 1 && record[0]!.trim() === '') continue
        yield { line: currentLine, cells: record }
      }
    } catch (error) {
      const code = (error as { code?: string }).code
      const line = nextLine
      if (code === 'CSV_MAX_RECORD_SIZE') {
        throw new ImportFileError(
          `Строка ${line}: запись длиннее ${MAX_RECORD_BYTES / 1024 / 1024} МБ — вероятно, файл повреждён ` +
            'или в нём незакрытая кавычка. Файл не загружен.',
          line,
        )
      }
      if (code?.startsWith('CSV_')) {
        throw new ImportFileError(`Строка ${line}: файл CSV повреждён (${describeCsvError(code)}). Файл не загружен.`, line)
      }
      throw error
    } finally {
      source.destroy()
    }
  })()

  const first = await records.next()
  if (first.done) throw new ImportFileError('Файл пуст: в нём нет ни заголовка, ни строк.')
  return {
    header: first.value.cells as string[],
    headerLine: first.value.line,
    rows: { [Symbol.asyncIterator]: () => records },
    bytesRead: () => counter.bytes,
    encoding,
    delimiter,
  }
}

function describeCsvError(code: string): string {
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'кавычка открыта и не закрыта до конца файла'
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'после закрывающей кавычки идут лишние символы'
    default:
      return `ошибка разбора ${code}`
  }
}
