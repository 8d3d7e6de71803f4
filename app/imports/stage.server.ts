/**
 * Loading validated rows into a temporary staging table inside the import's transaction:
 * `COPY … FROM STDIN`, written in pieces with back-pressure.
 */
import { once } from 'node:events'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'

/** Instants are staged as epoch seconds (numbers). */
export type StageValue = string | number | boolean | null

const NEEDS_ESCAPE = /[\\\t\n\r]/

function copyText(value: StageValue): string {
  if (value === null) return '\\N'
  if (typeof value === 'number') return String(value)
  if (typeof value === 'boolean') return value ? 't' : 'f'
  if (!NEEDS_ESCAPE.test(value)) return value
  return value.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'))
}

const quote = (name: string) => `"${name}"`

/** One batch through `COPY … FROM STDIN` (PostgreSQL), written in 256 KiB pieces with back-pressure. */
export async function copyStageBatch(client: pg.PoolClient, table: string, columns: readonly string[], rows: Iterable<readonly StageValue[]>): Promise<void> {
  const stream = client.query(copyFrom(`copy ${table} (${columns.map(quote).join(', ')}) from stdin`))
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve)
    stream.on('error', reject)
  })
  done.catch(() => {}) // awaited below
  let chunk = ''
  for (const values of rows) {
    let line = copyText(values[0]!)
    for (let i = 1; i < values.length; i++) line += '\t' + copyText(values[i]!)
    chunk += line + '\n'
    if (chunk.length >= 256 * 1024) {
      const full = !stream.write(chunk)
      chunk = ''
      if (full) await Promise.race([once(stream, 'drain'), done])
    }
  }
  if (chunk) stream.write(chunk)
  stream.end()
  await done
}
