import fs from 'node:fs/promises'
import { createReadStream } from 'node:fs'
import zlib from 'node:zlib'
import { ImportFileError } from './errors.ts'
import { ADAPTERS, type AdapterInfo, adapterByName } from './adapters.ts'
import { cdrTableHeader, looksLikeMasterCsv } from './cdr.ts'
import { headerFits, mappingColumns } from './mapping.ts'
import { realtimeHeader } from './queue-log.ts'

/** `queue_log_table`: the realtime queue_log table exported as CSV (time, callid, queuename, agent, event, data1…) */
export type FileFormat = 'csv' | 'xlsx' | 'queue_log' | 'queue_log_table'

export interface Sniffed {
  format: FileFormat
  size: number
  /** for text files: the encoding detected from the first 64 KiB */
  encoding?: 'utf-8' | 'windows-1251'
  /** gzip-compressed (told by its magic bytes, whatever the name): read through gunzip */
  gzip?: boolean
}

const HEAD = 64 * 1024
const QUEUE_LOG_LINE = /^\d{9,11}\|[^|\r\n]*\|[^|\r\n]*\|[^|\r\n]*\|[A-Z_]+/

/** Looks at the bytes, not the file name: a binary named `.csv` or an XLS named `.xlsx` is told apart. */
export async function sniffFile(path: string): Promise<Sniffed> {
  const handle = await fs.open(path, 'r')
  try {
    const { size } = await handle.stat()
    if (size === 0) throw new ImportFileError('Файл пуст: в нём нет ни заголовка, ни строк.')
    let head: Buffer = Buffer.alloc(Math.min(HEAD, size))
    await handle.read(head, 0, head.length, 0)
    const gzip = head[0] === 0x1f && head[1] === 0x8b
    if (gzip) {
      head = await gunzippedHead(path)
      if (head.length === 0) throw new ImportFileError('Файл сжат gzip, но внутри пусто: в нём нет ни заголовка, ни строк.')
      if (head[0] === 0x50 && head[1] === 0x4b) {
        throw new ImportFileError('Внутри сжатого gzip файла — архив (XLSX или zip): распакуйте его и загрузите XLSX как есть.')
      }
    }
    if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return { format: 'xlsx', size }
    if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) {
      throw new ImportFileError('Это файл старого формата Excel 97–2003 (XLS), он не поддерживается: сохраните его как XLSX или CSV.')
    }
    if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
      throw new ImportFileError('Файл в кодировке UTF-16: сохраните его в UTF-8 или Windows-1251 (CSV).')
    }
    if (head.includes(0)) {
      throw new ImportFileError('Файл не похож на текстовую таблицу: в нём двоичные данные. Загрузите CSV (UTF-8 или Windows-1251) или XLSX.')
    }
    const encoding = isUtf8(head, gzip ? head.length >= HEAD : head.length < size) ? 'utf-8' : 'windows-1251'
    const text = new TextDecoder(encoding).decode(head)
    const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? ''
    const extra = gzip ? { gzip } : {}
    if (QUEUE_LOG_LINE.test(firstLine)) return { format: 'queue_log', size, encoding, ...extra }
    if (realtimeHeader(firstLine.split(firstLine.includes(';') ? ';' : ',').map((h) => h.replace(/^"|"$/g, '')))) {
      return { format: 'queue_log_table', size, encoding, ...extra }
    }
    return { format: 'csv', size, encoding, ...extra }
  } finally {
    await handle.close()
  }
}

/** The first 64 KiB of a gzip file's content (a damaged archive is refused in Russian). */
async function gunzippedHead(path: string): Promise<Buffer> {
  const parts: Buffer[] = []
  let length = 0
  const source = createReadStream(path)
  const gunzip = zlib.createGunzip()
  try {
    for await (const chunk of source.pipe(gunzip) as AsyncIterable<Buffer>) {
      parts.push(chunk)
      length += chunk.length
      if (length >= HEAD) break
    }
  } catch {
    if (length === 0) throw new ImportFileError('Файл сжат gzip, но повреждён: его не удалось распаковать. Ничего не загружено.')
  } finally {
    source.destroy()
    gunzip.destroy()
  }
  return Buffer.concat(parts).subarray(0, HEAD)
}

/** Strict UTF-8 check; a multi-byte character cut by the end of the sample is allowed. */
function isUtf8(bytes: Buffer, truncated: boolean): boolean {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  for (let cut = 0; cut <= (truncated ? 3 : 0); cut++) {
    try {
      decoder.decode(bytes.subarray(0, bytes.length - cut))
      return true
    } catch {
      // try a shorter sample: the last character may be cut
    }
  }
  return false
}

/**
 * The adapter a table's first record tells (ADR 018): an Asterisk CDR — a headerless Master.csv row or the
 * `cdr` table's header — or the header of a built-in mapping (3CX, Naumen, Oktell, QSystem, Qmatic); the one
 * reading the most columns wins. Undefined: the canonical layout (or a file no adapter knows).
 */
export function sniffTable(header: readonly string[]): AdapterInfo | undefined {
  if (looksLikeMasterCsv(header) || cdrTableHeader(header)) return adapterByName('asterisk_cdr')
  return ADAPTERS.filter((a) => a.mapping && headerFits(a.mapping, header)).sort(
    (a, b) => mappingColumns(b.mapping!).length - mappingColumns(a.mapping!).length,
  )[0]
}
