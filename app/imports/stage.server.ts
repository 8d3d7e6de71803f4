/**
 * `COPY … FROM STDIN` — the one place the product streams rows into PostgreSQL (ADR 024: kysely has no COPY).
 * The statement is compiled by kysely (table and columns as quoted identifiers, nothing concatenated); the
 * rows go through pg-copy-streams on the held connection, inside the caller's transaction: validated rows
 * into a temporary staging table (`copyStageBatch`), a new batch straight into its table, and the import
 * benchmark's raw baseline (`copyCsv`).
 */
import { once } from 'node:events'
import type { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely'
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

/** Compiles only (identifiers quoted as PostgreSQL wants them): COPY is not a statement kysely runs. */
const compiler = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
})

/** `COPY table (columns) FROM STDIN`: text format (tab-separated, `\N` for NULL), or a CSV file with its header line. */
export function copyStatement(table: string, columns: readonly string[], format: 'text' | 'csv with header' = 'text'): string {
  const options = format === 'text' ? sql`` : sql` with (format csv, header true)`
  return sql`copy ${sql.table(table)} (${sql.join(columns.map((c) => sql.id(c)))}) from stdin${options}`.compile(compiler).sql
}

function copyIn(client: pg.PoolClient, table: string, columns: readonly string[], format: 'text' | 'csv with header' = 'text'): Writable {
  return client.query(copyFrom(copyStatement(table, columns, format)))
}

/** One batch through `COPY … FROM STDIN` (PostgreSQL), written in 256 KiB pieces with back-pressure. */
export async function copyStageBatch(client: pg.PoolClient, table: string, columns: readonly string[], rows: Iterable<readonly StageValue[]>): Promise<void> {
  const stream = copyIn(client, table, columns)
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

/** A CSV file (its first line the header) as it is into `table (columns)`. */
export async function copyCsv(client: pg.PoolClient, table: string, columns: readonly string[], source: Readable): Promise<void> {
  await pipeline(source, copyIn(client, table, columns, 'csv with header'))
}
