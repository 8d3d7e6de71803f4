import { type Kysely, sql } from 'kysely'

/**
 * What a record without its stop means for a minute norm: a violation once the norm has elapsed (an
 * unanswered call, a callback never made) or nothing to judge (a visitor who left before being called).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table deadline_rule add column missing_stop text not null default 'violation' check (missing_stop in ('violation', 'exclude'))`.execute(db)
  await sql`update deadline_rule set missing_stop = 'exclude' where applies_to = 'visits'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table deadline_rule drop column missing_stop`.execute(db)
}
