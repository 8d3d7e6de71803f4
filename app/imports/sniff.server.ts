import fs from 'node:fs/promises'
import { ImportFileError } from './errors.ts'

export type FileFormat = 'csv' | 'xlsx' | 'queue_log'

export interface Sniffed {
  format: FileFormat
  size: number
  /** for text files: the encoding detected from the first 64 KiB */
  encoding?: 'utf-8' | 'windows-1251'
}

const HEAD = 64 * 1024
const QUEUE_LOG_LINE = /^\d{9,11}\|[^|\r\n]*\|[^|\r\n]*\|[^|\r\n]*\|[A-Z_]+/

/** Looks at the bytes, not the file name: a binary named `.csv` or an XLS named `.xlsx` is told apart. */
export async function sniffFile(path: string): Promise<Sniffed> {
  const handle = await fs.open(path, 'r')
  try {
    const { size } = await handle.stat()
    if (size === 0) throw new ImportFileError('Файл пуст: в нём нет ни заголовка, ни строк.')
    const head = Buffer.alloc(Math.min(HEAD, size))
    await handle.read(head, 0, head.length, 0)
    if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return { format: 'xlsx', size }
    if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) {
      throw new ImportFileError(
        'Это файл старого формата Excel 97–2003 (XLS), он не поддерживается: сохраните его как XLSX или CSV.',
      )
    }
    if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
      throw new ImportFileError('Файл в кодировке UTF-16: сохраните его в UTF-8 или Windows-1251 (CSV).')
    }
    if (head.includes(0)) {
      throw new ImportFileError(
        'Файл не похож на текстовую таблицу: в нём двоичные данные. Загрузите CSV (UTF-8 или Windows-1251) или XLSX.',
      )
    }
    const encoding = isUtf8(head, head.length < size) ? 'utf-8' : 'windows-1251'
    const text = new TextDecoder(encoding).decode(head)
    const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? ''
    if (QUEUE_LOG_LINE.test(firstLine)) return { format: 'queue_log', size, encoding }
    return { format: 'csv', size, encoding }
  } finally {
    await handle.close()
  }
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
