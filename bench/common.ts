/** What the benchmarks share: where PostgreSQL is, a fresh database on it, and the median. */
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { type Database, openDatabase } from '#db/client.server.ts'
import { migrateToLatest } from '#db/migrate.ts'

export const root = path.resolve(import.meta.dirname, '..')

/** BENCH_DATABASE_URL (or DATABASE_URL); without one, a throwaway cluster via .ci/start-postgres. */
export function serverUrl(): string {
  const given = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL
  if (given) return given
  const printed = execFileSync('bash', [path.join(root, '.ci/start-postgres')], { env: { ...process.env, PGROOT: '/tmp/sq-bench-pg', PGPORT: '55434' }, encoding: 'utf8' })
  return /DATABASE_URL=(\S+)/.exec(printed)![1]!
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Database `name` on the server at `serverUrl`, dropped if it exists, created and migrated. */
export async function freshDatabase(serverUrl: string, name: string): Promise<Database> {
  const admin = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: serverUrl, max: 1 }) }) })
  await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin)
  await sql`create database ${sql.id(name)}`.execute(admin)
  await admin.destroy()
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const database = await openDatabase({ DATABASE_URL: url.toString() })
  await migrateToLatest(database.db)
  return database
}
