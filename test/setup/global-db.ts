import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { createPgConfig } from '@electric-sql/pglite/node-postgres'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { migrateToLatest } from '#db/migrate.ts'
import { seedFederalCalendar } from '#db/seed/calendar.ts'

export const TEMPLATE_DB = 'sq_template'

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string
  }
}

/** Migrates once per run: a PGlite data-dir dump, or a PostgreSQL template database. */
export default async function setup(project: TestProject) {
  if (process.env.TEST_DB !== 'postgres' && project.name === 'pglite') {
    const pglite = await PGlite.create('memory://')
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool(createPgConfig(pglite) as pg.PoolConfig) }) })
    await migrateToLatest(db)
    await seedFederalCalendar(db)
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sq-pglite-')), 'template.tar')
    fs.writeFileSync(file, Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer()))
    await db.destroy()
    await pglite.close()
    project.provide('pgliteTemplate', file)
    return () => fs.rmSync(path.dirname(file), { recursive: true, force: true })
  }
  project.provide('pgliteTemplate', '')
  const url = process.env.TEST_DATABASE_URL
  if (!url) throw new Error('TEST_DATABASE_URL не задан')
  const admin = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) })
  await sql`drop database if exists ${sql.id(TEMPLATE_DB)} with (force)`.execute(admin)
  await sql`create database ${sql.id(TEMPLATE_DB)}`.execute(admin)
  const templateUrl = new URL(url)
  templateUrl.pathname = `/${TEMPLATE_DB}`
  const template = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: templateUrl.toString(), max: 1 }) }) })
  await migrateToLatest(template)
  await seedFederalCalendar(template)
  await template.destroy() // a template must have no open connections
  await admin.destroy()
}
