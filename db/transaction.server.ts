import type { Db } from './client.server.ts'

/**
 * `work` in a transaction of its own, or in the caller's when `db` already is one (a command's, ADR 025):
 * a model function that needs several statements together stays correct both alone and inside a command.
 */
export function inTransaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work)
}
