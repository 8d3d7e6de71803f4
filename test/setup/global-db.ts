import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { ensureEmbeddedServer, stopEmbeddedServer } from '#db/embedded.server.ts'
import { migrateToLatest } from '#db/migrate.ts'
import { seedFederalCalendar } from '#db/seed/calendar.ts'

export const TEMPLATE_DB = 'sq_template'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL server of this project's run (an admin URL to its `postgres` database). */
    testDatabaseUrl: string
  }
}

/** Server settings of the throwaway embedded server: nothing here must survive a crash. */
export const TEST_SERVER_SETTINGS = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: 200 }

/**
 * One PostgreSQL server per project run, migrated once into a template database that each test file
 * clones (`create database … template`, ≈ 50 ms). The `embedded` project starts the product's own embedded
 * server (PostgreSQL 17 from npm) in a temporary folder; the `postgres` project uses `TEST_DATABASE_URL`
 * (CI: Debian's PostgreSQL 15, the oldest version supported).
 */
export default async function setup(project: TestProject) {
  let url: string
  let teardown = async () => {}
  // the project's own env (TEST_DB) reaches its test workers, not this set-up: ask the project itself — reading
  // process.env here ran the postgres project on a second embedded PostgreSQL 17 (found by ADR 027's version test)
  const onPostgres = project.name === 'postgres' || project.config.env?.TEST_DB === 'postgres'
  if (onPostgres) {
    if (!process.env.TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL не задан')
    url = process.env.TEST_DATABASE_URL
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sq-test-pg-'))
    const server = await ensureEmbeddedServer({ dir, database: 'postgres', settings: TEST_SERVER_SETTINGS })
    url = server.url
    teardown = async () => {
      await stopEmbeddedServer(dir)
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
  const admin = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) })
  // the versions the tests claim to run on (.ci/run: TEST_PG_MAJOR=15 for the postgres project; embedded: 17)
  const major = Math.floor(Number((await sql<{ v: string }>`select current_setting('server_version_num') as v`.execute(admin)).rows[0]!.v) / 10_000)
  const expected = onPostgres ? process.env.TEST_PG_MAJOR : '17'
  if (expected && String(major) !== expected) {
    await admin.destroy()
    await teardown()
    throw new Error(`Проект ${project.name}: ожидался PostgreSQL ${expected}, а сервер — PostgreSQL ${major}.`)
  }
  console.log(`Проект ${project.name}: PostgreSQL ${major}`)
  await sql`drop database if exists ${sql.id(TEMPLATE_DB)} with (force)`.execute(admin)
  await sql`create database ${sql.id(TEMPLATE_DB)}`.execute(admin)
  const template = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: withDatabase(url, TEMPLATE_DB), max: 1 }) }) })
  await migrateToLatest(template)
  await seedFederalCalendar(template)
  await template.destroy() // a template must have no open connections
  await admin.destroy()
  project.provide('testDatabaseUrl', url)
  return teardown
}

/** The same server, another database (keeps `?host=` of a Unix-socket URL). */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}
