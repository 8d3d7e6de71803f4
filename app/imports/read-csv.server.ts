import fs from 'node:fs'
import { Transform, pipeline } from 'node:stream'
import zlib from 'node:zlib'
import { CsvSyntaxError, parseCsv } from './csv-parser.ts'
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

/** A record longer than this (in characters) is not a log line: the file is refused (a 100 MB cell never reaches memory). */
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

async function readHeaderLine(path: string, encoding: string, gzip = false): Promise<string> {
  let text = ''
  for await (const chunk of decodedChunks(path, encoding, { bytes: 0 }, gzip)) {
    text += chunk
    if (text.length >= 64 * 1024) break
  }
  return (
    text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .find((line) => line.trim() !== '') ?? ''
  )
}

/**
 * Decoded text of a file, chunk by chunk, counting the bytes read (of the file as stored) for the progress
 * bar; a gzip file is decompressed on the way.
 */
export async function* decodedChunks(path: string, encoding: string, counted: { bytes: number }, gzip = false): AsyncGenerator<string> {
  const textDecoder = new TextDecoder(encoding)
  const source = fs.createReadStream(path, { highWaterMark: 256 * 1024 })
  const gunzip = gzip ? zlib.createGunzip() : undefined
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      counted.bytes += chunk.length
      callback(null, chunk)
    },
  })
  // pipeline: an error anywhere (the file, the archive) reaches the reader below and destroys every stage
  const text = gunzip ? pipeline(source, counter, gunzip, () => {}) : pipeline(source, counter, () => {})
  try {
    try {
      for await (const chunk of text as AsyncIterable<Buffer>) {
        yield textDecoder.decode(chunk, { stream: true })
      }
    } catch (error) {
      if (gunzip && (error as NodeJS.ErrnoException).code?.startsWith('Z_')) {
        throw new ImportFileError('Сжатый gzip файл повреждён или оборван: распаковать его до конца не удалось. Ничего не загружено.')
      }
      throw error
    }
    const rest = textDecoder.decode()
    if (rest) yield rest
  } finally {
    source.destroy()
    counter.destroy()
    gunzip?.destroy()
  }
}

/** Streams a CSV file (RFC 4180 quoting; quoted fields may hold delimiters and line breaks). */
export async function openCsv(path: string, encoding: 'utf-8' | 'windows-1251', gzip = false): Promise<TableReader> {
  const delimiter = detectDelimiter(await readHeaderLine(path, encoding, gzip))
  const counted = { bytes: 0 }
  const records = (async function* (): AsyncGenerator<RawRow> {
    try {
      yield* parseCsv(decodedChunks(path, encoding, counted, gzip), delimiter, MAX_RECORD_BYTES)
    } catch (error) {
      if (!(error instanceof CsvSyntaxError)) throw error
      const line = error.line
      if (error.reason === 'record_too_long') {
        throw new ImportFileError(
          `Строка ${line}: запись длиннее ${MAX_RECORD_BYTES / 1024 / 1024} МБ — вероятно, файл повреждён ` + 'или в нём незакрытая кавычка. Файл не загружен.',
          line,
        )
      }
      throw new ImportFileError(`Строка ${line}: файл CSV повреждён (${describeCsvError(error.reason)}). Файл не загружен.`, line)
    }
  })()

  const first = await records.next()
  if (first.done) throw new ImportFileError('Файл пуст: в нём нет ни заголовка, ни строк.')
  return {
    header: first.value.cells as string[],
    headerLine: first.value.line,
    rows: { [Symbol.asyncIterator]: () => records },
    bytesRead: () => counted.bytes,
    encoding,
    delimiter,
  }
}

function describeCsvError(reason: CsvSyntaxError['reason']): string {
  return reason === 'unclosed_quote' ? 'кавычка открыта и не закрыта до конца файла' : 'после закрывающей кавычки идут лишние символы'
}
