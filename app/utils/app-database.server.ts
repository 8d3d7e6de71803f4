import { sql } from 'kysely'
import { type Database, getDatabase } from '#db/client.server.ts'
import { migrateToLatest } from '#db/migrate.ts'
import type { Organisation } from '#db/schema.ts'
import { seedFederalCalendar } from '#db/seed/calendar.ts'
import { hasData, loadDemo } from '#app/demo/load.server.ts'
import { startImportRunner } from '#app/imports/jobs.server.ts'
import { mailConfig } from '#app/mail/config.server.ts'
import { startMailRunner } from '#app/mail/run.server.ts'
import { startInboxWatcher } from '#app/integration/inbox.server.ts'
import { getOrganisation } from '#app/models/organisation.server.ts'
import { seedRulePresets } from '#reports/deadlines/rules.server.ts'
import { currentRequestState } from './request-state.server.ts'

export interface AppContext {
  database: Database
  org: Organisation
}

const state = globalThis as unknown as { __sqReady?: Promise<Database>; __sqPreparing?: boolean }

/**
 * Opens the database once per process, migrates it, loads the federal calendar and, on an empty
 * embedded database, the demo organisation — so `npm install && npm start` shows a working product.
 * DEMO_DATA=0 turns the demo off; with DATABASE_URL it is never loaded by itself (`npm run cli -- demo`).
 */
export function prepareDatabase(env: Record<string, string | undefined> = process.env): Promise<Database> {
  if (!state.__sqReady) {
    state.__sqPreparing = true
    state.__sqReady = (async () => {
      const database = await getDatabase()
      await migrateToLatest(database.db)
      await seedFederalCalendar(database.db)
      const org = await getOrganisation(database.db)
      await seedRulePresets(database.db, org.id, org.regime)
      if (database.mode === 'embedded' && env.DEMO_DATA !== '0' && !(await hasData(database, org.id))) {
        console.log('Первый запуск: создаю демонстрационную организацию…')
        await loadDemo(database, org, { log: (line) => console.log(`  ${line}`) })
      }
      // imports queued by web uploads run here, outside the requests; imports left running by a dead
      // process are marked «прервана» first (IMPORT_RUNNER=0: this process runs none)
      if (env.IMPORT_RUNNER !== '0') startImportRunner(database)
      // mail due at each minute (issue 18): only when SMTP is configured; safe with several processes (ADR 019)
      const mail = mailConfig(env)
      if (mail && env.MAIL_RUNNER !== '0') startMailRunner(database, mail)
      // files dropped into the watched folder (IMPORT_INBOX or the organisation's setting; ADR 017)
      if (env.IMPORT_RUNNER !== '0') startInboxWatcher(database)
      state.__sqPreparing = false
      return database
    })().catch((error) => {
      state.__sqPreparing = false
      state.__sqReady = undefined
      throw error
    })
  }
  return state.__sqReady
}

/** The database and the organisation, for a loader or action. */
export async function getAppContext(): Promise<AppContext> {
  const database = await prepareDatabase()
  // once for all the loaders of a page request (request-state.server.ts)
  const request = currentRequestState()
  if (!request) return { database, org: await getOrganisation(database.db) }
  request.org ??= getOrganisation(database.db)
  return { database, org: await request.org }
}

/**
 * `undefined` when the database answers within 2 s, otherwise a short Russian reason (no address, no
 * password): for `/healthcheck`.
 */
export async function checkDatabase(): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(
      () => resolve(state.__sqPreparing ? 'база готовится (миграции или первый запуск с демо-данными), подождите' : 'база не ответила за 2 с'),
      2000,
    )
  })
  const probe = (async () => {
    try {
      const database = await prepareDatabase()
      // through kysely like every query: a connection the database ends mid-probe fails the probe only (the pool
      // listens for errors on every connection, borrowed or idle — db/client.server.ts)
      await sql`select 1`.execute(database.db)
      return undefined
    } catch (error) {
      const code = (error as { code?: string }).code
      if (code === 'ECONNREFUSED' || code === 'ENOENT') return 'сервер базы данных не принимает соединения'
      if (code === '57P01' || code === '57P02' || code === '57P03') return 'сервер базы данных перезапускается'
      return 'запрос к базе данных не выполнен'
    }
  })()
  try {
    return await Promise.race([probe, timeout])
  } finally {
    clearTimeout(timer)
  }
}
