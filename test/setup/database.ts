import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, inject } from 'vitest'
import { type Database, openDatabase } from '#db/client.server.ts'
import type { Organisation } from '#db/schema.ts'
import { getOrganisation, updateOrganisation } from '#app/models/organisation.server.ts'
import type { ImportTarget } from '#app/imports/pipeline.server.ts'
import { TEMPLATE_DB, withDatabase } from './global-db.ts'

export interface TestWorld {
  database: Database
  org: Organisation
  target: ImportTarget
}

/**
 * A fresh, migrated database for one test file, cloned from the run's template on the project's server
 * (the embedded PostgreSQL, or `TEST_DATABASE_URL`). `reset()` empties the organisation's data between tests.
 */
export async function openTestDatabase(): Promise<{ database: Database; dispose(): Promise<void>; url: string }> {
  const url = inject('testDatabaseUrl')
  if (!url) throw new Error('no test database server: run through the embedded or postgres project')
  const name = `sq_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const admin = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) })
  await sql`create database ${sql.id(name)} template ${sql.id(TEMPLATE_DB)}`.execute(admin)
  const dbUrl = withDatabase(url, name)
  const database = await openDatabase({ DATABASE_URL: dbUrl })
  return {
    database,
    url: dbUrl,
    async dispose() {
      await database.close()
      // the server may still be closing our sessions: a forced drop would kill them mid-goodbye and pg
      // would report that as an unhandled error, so wait for them first and force only as a last resort
      for (let attempt = 0; ; attempt++) {
        try {
          await sql`drop database if exists ${sql.id(name)}`.execute(admin)
          break
        } catch (error) {
          if (attempt >= 20) {
            await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin)
            break
          }
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
      }
      await admin.destroy()
    },
  }
}

/**
 * A fresh database for the calling test file, opened before its tests and closed after them. Read
 * `.database` inside hooks and tests (it is not open at import time).
 */
export function useTestDatabase(): { readonly database: Database; readonly url: string } {
  let opened: Awaited<ReturnType<typeof openTestDatabase>> | undefined
  beforeAll(async () => {
    opened = await openTestDatabase()
  })
  afterAll(async () => {
    await opened?.dispose()
  })
  return {
    get database() {
      if (!opened) throw new Error('the test database is not open yet: use it inside hooks and tests')
      return opened.database
    },
    get url() {
      if (!opened) throw new Error('the test database is not open yet: use it inside hooks and tests')
      return opened.url
    },
  }
}

const DATA_TABLES = [
  'mail_send',
  'mail_unsubscribed',
  'mail_subscription',
  'survey_answer',
  'survey_response',
  'survey_invitation',
  'survey_batch',
  'survey',
  'report_snapshot',
  'report_input',
  'import_rejection',
  'column_mapping',
  'queue_log_event',
  'queue_log_pending',
  'appeal',
  'call',
  'visit',
  'office',
  'import_batch',
  'integration_token',
  'phone_line',
  'branch',
  'audit_event',
  'app_user',
  'deadline_rule',
  'rollup_dirty',
  'rollup_state',
  'appeal_day',
  'appeal_due_day',
  'call_day',
  'visit_day',
  'survey_day',
]

/** Empties every organisation table and sets the organisation's zone (Moscow unless told). */
export async function resetWorld(database: Database, zone = 'Europe/Moscow'): Promise<TestWorld> {
  for (const table of DATA_TABLES) await sql`delete from ${sql.table(table)}`.execute(database.db)
  await sql`update organisation set short_abandon_seconds = 5, service_level_seconds = null, report_policies = null, lost_callback_amount = null, lost_callback_unit = null`.execute(
    database.db,
  )
  const org = await updateOrganisation(database.db, (await getOrganisation(database.db)).id, { timeZone: zone, name: 'Тестовая сетевая компания' })
  return { database, org, target: { database, orgId: org.id, zone } }
}
