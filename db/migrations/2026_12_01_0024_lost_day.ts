import { type Kysely, sql } from 'kysely'

/**
 * Lost calls called back, by day (ADR 032): per local day of a lost call's start and its branch, the counts of
 * `lostCallFigures` as of the moment the row was built (`built_at`), with `changes_at` — the first later instant
 * at which one of its lost calls changes outcome by time alone (its norm running out unreached, a reaching call
 * answered later, a lost call still ahead). Built with the call rollup for norms in minutes or hours.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table lost_day (
      org_id bigint not null references organisation (id) on delete cascade,
      day date not null,
      branch_id bigint,
      lost int not null,
      callback int not null,
      own_call int not null,
      not_reached int not null,
      no_number int not null,
      judged int not null,
      in_time int not null,
      reach_sum double precision not null,
      reach_count int not null,
      built_at timestamptz not null,
      changes_at timestamptz
    )`.execute(db)
  await sql`create index lost_day_org_day on lost_day (org_id, day)`.execute(db)
  // the call rollup now also builds lost_day: rebuilt as a whole on the next refresh
  await sql`delete from rollup_state where kind = 'calls'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table lost_day`.execute(db)
  await sql`delete from rollup_state where kind = 'calls'`.execute(db)
}
