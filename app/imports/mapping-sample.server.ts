import { ImportFileError } from './errors.ts'
import { openCsv } from './read-csv.server.ts'
import { openXlsx } from './read-xlsx.server.ts'
import { sniffFile } from './sniff.server.ts'
import { WallClock } from './values.ts'

export const SAMPLE_ROWS = 20

export interface MappingSample {
  header: string[]
  /** the first rows as text, with their line numbers in the file (XLSX dates as «ГГГГ-ММ-ДД ЧЧ:ММ:СС», the wall clock) */
  rows: { line: number; cells: string[] }[]
}

/** The header and first rows of a file, read by the import's own readers (so the preview is what the import reads). */
export async function readMappingSample(path: string): Promise<MappingSample> {
  const sniffed = await sniffFile(path)
  if (sniffed.format === 'queue_log')
    throw new ImportFileError('Это журнал Asterisk queue_log: он загружается без сопоставления (формат «Asterisk queue_log»).')
  const reader = sniffed.format === 'xlsx' ? await openXlsx(path) : await openCsv(path, sniffed.encoding ?? 'utf-8', sniffed.gzip)
  const rows: MappingSample['rows'] = []
  const text = (c: unknown) => (c instanceof WallClock ? c.date.toISOString().slice(0, 19).replace('T', ' ') : String(c ?? ''))
  for await (const { line, cells } of reader.rows) {
    rows.push({ line, cells: cells.map(text) })
    if (rows.length >= SAMPLE_ROWS) break
  }
  return { header: reader.header.map(text), rows }
}
