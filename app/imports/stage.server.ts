/**
 * Loading validated rows into a temporary staging table inside the import's transaction:
 * `COPY … FROM STDIN` on PostgreSQL, ~1,000-row multi-row INSERTs on PGlite (COPY through its
 * node-postgres adapter kills the embedded database).
 */
import { once } from 'node:events'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'

/** Instants are staged as epoch seconds (numbers). */
export type StageValue = string | number | boolean | null

export interface StageWriter {
  write(values: readonly StageValue[]): Promise<void> | void
  end(): Promise<void>
}

const NEEDS_ESCAPE = /[\\\t\n\r]/

function copyText(value: StageValue): string {
  if (value === null) return '\\N'
  if (typeof value === 'number') return String(value)
  if (typeof value === 'boolean') return value ? 't' : 'f'
  if (!NEEDS_ESCAPE.test(value)) return value
  return value.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'))
}

const quote = (name: string) => `"${name}"`

export function copyStageWriter(client: pg.PoolClient, table: string, columns: readonly string[]): StageWriter {
  const stream = client.query(copyFrom(`copy ${table} (${columns.map(quote).join(', ')}) from stdin`))
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve)
    stream.on('error', reject)
  })
  done.catch(() => {}) // observed in end()
  let chunk = ''
  const flush = async () => {
    const text = chunk
    chunk = ''
    if (!stream.write(text)) await Promise.race([once(stream, 'drain'), done])
  }
  return {
    write(values) {
      let line = ''
      for (let i = 0; i < values.length; i++) line += (i ? '\t' : '') + copyText(values[i]!)
      chunk += line + '\n'
      if (chunk.length >= 256 * 1024) return flush()
    },
    async end() {
      if (chunk) await flush()
      stream.end()
      await done
    },
  }
}

export function insertStageWriter(client: pg.PoolClient, table: string, columns: readonly string[]): StageWriter {
  const perBatch = Math.max(1, Math.min(1000, Math.floor(60_000 / columns.length)))
  let params: StageValue[] = []
  let rows = 0
  const flush = async () => {
    if (rows === 0) return
    const tuples: string[] = []
    for (let r = 0; r < rows; r++) {
      tuples.push(`(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`)
    }
    const values = params
    params = []
    rows = 0
    await client.query(`insert into ${table} (${columns.map(quote).join(', ')}) values ${tuples.join(', ')}`, values)
  }
  return {
    write(values) {
      params.push(...values)
      rows++
      if (rows >= perBatch) return flush()
    },
    end: flush,
  }
}
