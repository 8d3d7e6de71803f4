/**
 * The one place a raw `pg` connection meets kysely (ADR 024). Imports hold one connection for their whole
 * transaction — `COPY … FROM STDIN` into a staging table (app/imports/stage.server.ts), session advisory
 * locks — and what they run beside the COPY on that connection goes through kysely over it: `kyselyOn(client)`
 * is a `Kysely<DB>` whose every query runs on `client` (never released by kysely; its owner releases it).
 */
import { Kysely, PostgresDialect } from 'kysely'
import type pg from 'pg'
import type { DB } from './schema.ts'

export function kyselyOn(client: pg.PoolClient): Kysely<DB> {
  const held = { query: client.query.bind(client), release: () => {} } as unknown as pg.PoolClient
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: { connect: async () => held, end: async () => {} } }) })
}
