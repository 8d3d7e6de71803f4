/**
 * The one place a raw `pg` connection meets kysely (ADR 024). Imports hold one connection for their whole
 * transaction — `COPY … FROM STDIN` into a staging table (app/imports/stage.server.ts), session advisory
 * locks — and what they run beside the COPY on that connection goes through kysely over it: `kyselyOn(client)`
 * is a `Kysely<DB>` whose every query runs on `client` (never released by kysely; its owner releases it).
 * A statement run on it while the connection is in a transaction (begun through it) runs inside that
 * transaction, as `client.query` would.
 */
import { Kysely, PostgresDialect } from 'kysely'
import type pg from 'pg'
import type { DB } from './schema.ts'

declare const held: unique symbol
/** A kysely over one held connection: what a session advisory lock needs (db/locks.server.ts). */
export type HeldKysely = Kysely<DB> & { readonly [held]: true }

export function kyselyOn(client: pg.PoolClient): HeldKysely {
  const connection = { query: client.query.bind(client), release: () => {} } as unknown as pg.PoolClient
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: { connect: async () => connection, end: async () => {} } }) }) as HeldKysely
}
