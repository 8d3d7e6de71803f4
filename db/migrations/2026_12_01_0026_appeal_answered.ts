import { type Kysely, sql } from 'kysely'

/**
 * Appeals by the moment of their answer. The due rollup (appeal_due_day) counts an answer from the moment it is
 * stored; the figures as of a moment before an answer (a past «на дату», an answer dated in the future) take
 * that appeal back from the records (dueSums). This index finds those few appeals at once — none, as of now,
 * in a sound register — instead of reading the period's appeals (a year of a million: half a second).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists appeal_org_answered on appeal (org_id, answered_at) where answered_at is not null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists appeal_org_answered`.execute(db)
}
