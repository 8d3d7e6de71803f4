import fs from 'node:fs/promises'
import { ImportFileError } from './errors.ts'
import type { RawRow, TableReader } from './read-csv.server.ts'

/**
 * A JSON body of the import API (ADR 017): an array of records whose keys are the canonical field names of
 * formats.md (the Russian aliases work too). It is read whole, so its size is limited (MAX_JSON_BYTES);
 * larger loads go as CSV. The "header" is every key in order of first appearance; a record's "line" is its
 * number in the array, from 1. Numbers and booleans become text as a CSV cell would hold them; null is empty.
 */
export const MAX_JSON_BYTES = 32 * 1024 * 1024

type Scalar = string | number | boolean | null

export async function openJson(path: string): Promise<TableReader> {
  const { size } = await fs.stat(path)
  if (size > MAX_JSON_BYTES) throw new ImportFileError(`Тело JSON больше ${MAX_JSON_BYTES / 1024 / 1024} МБ: загрузите такие объёмы файлом CSV.`)
  let data: unknown
  try {
    data = JSON.parse((await fs.readFile(path, 'utf8')).replace(/^\uFEFF/, ''))
  } catch (error) {
    throw new ImportFileError(`Тело запроса — не JSON: ${(error as Error).message}.`)
  }
  if (!Array.isArray(data)) throw new ImportFileError('Тело JSON должно быть массивом записей: [{ "поле": "значение", … }, …].')
  const header: string[] = []
  const seen = new Map<string, number>()
  data.forEach((record, i) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new ImportFileError(`Запись ${i + 1} массива — не объект с полями.`, i + 1)
    }
    for (const [key, value] of Object.entries(record as Record<string, unknown>)) {
      if (value !== null && typeof value === 'object') {
        throw new ImportFileError(`Запись ${i + 1}: поле «${key}» — вложенный объект или массив; ожидается строка, число, true/false или null.`, i + 1)
      }
      if (!seen.has(key)) {
        seen.set(key, header.length)
        header.push(key)
      }
    }
  })
  const records = data as Record<string, Scalar>[]
  let done = 0
  async function* rows(): AsyncGenerator<RawRow> {
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!
      const cells: string[] = header.map((key) => {
        const value = record[key]
        return value === null || value === undefined ? '' : String(value)
      })
      done = i + 1
      yield { line: i + 1, cells }
    }
  }
  return { header, headerLine: 0, rows: rows(), bytesRead: () => (records.length ? Math.round((size * done) / records.length) : size), encoding: 'utf-8' }
}
