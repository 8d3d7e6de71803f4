import { type Kysely, sql } from 'kysely'

/**
 * The norm and lost-call rollup rows that change class by time at a later instant (`changes_at`, ADR 032), by
 * organisation: whether a period is settled (settledAt, ADR 033) is asked on every computation of a view «as of
 * now», and such rows are few (none once every norm of the period has run) — a partial index finds them without
 * reading the 100 000 rows of a year.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists norm_day_changes on norm_day (org_id, changes_at) where changes_at is not null`.execute(db)
  await sql`create index if not exists lost_day_changes on lost_day (org_id, changes_at) where changes_at is not null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists norm_day_changes`.execute(db)
  await sql`drop index if exists lost_day_changes`.execute(db)
}
