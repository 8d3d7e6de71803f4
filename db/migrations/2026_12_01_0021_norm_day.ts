import { type Kysely, sql } from 'kysely'

/**
 * Two rollups (ADR 032). `call_hour`: the call rollup's contact counts by local hour. `norm_day`: daily sums
 * of the minute norms of calls and visits: per active rule, the records by the local day
 * of their rollup instant (a call's start, a visit's ticket) and the local day of the rule's start instant,
 * with the view's dimensions, classified as of the moment the row was built (`built_at`). `changes_at` is the
 * first instant after it at which one of the row's records changes class by time alone (a stop still ahead, a
 * norm still running); past it, the row's days are read from the records again. Rebuilt with the call and
 * visit rollups (their dirty days, or as a whole when a rule changes).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table norm_day (
      org_id bigint not null references organisation (id) on delete cascade,
      domain text not null check (domain in ('calls', 'visits')),
      rule_id bigint not null,
      day date not null,
      start_day date not null,
      branch_id bigint,
      line text,
      category text,
      direction text,
      office_code text,
      service_kind text,
      consumer_type text,
      records int not null,
      within int not null,
      beyond int not null,
      missing int not null,
      missing_late int not null,
      measured_sum double precision not null,
      built_at timestamptz not null,
      changes_at timestamptz
    )`.execute(db)
  await sql`create index norm_day_rule on norm_day (org_id, rule_id, start_day)`.execute(db)
  await sql`create index norm_day_day on norm_day (org_id, domain, day)`.execute(db)
  // the calls by the local hour they began (the cockpit's «when are calls lost»), built with the call rollup
  await sql`
    create table call_hour (
      org_id bigint not null references organisation (id) on delete cascade,
      day date not null,
      hour smallint not null,
      branch_id bigint,
      line text,
      category text,
      direction text not null,
      calls int not null,
      abandoned int not null,
      short_abandoned int not null,
      answered_in_sl int not null,
      wait_judged int not null
    )`.execute(db)
  await sql`create index call_hour_org_day on call_hour (org_id, day)`.execute(db)
  // the call and visit rollups now also build norm_day: rebuilt as a whole on the next refresh
  await sql`delete from rollup_state where kind in ('calls', 'visits')`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table norm_day`.execute(db)
  await sql`drop table call_hour`.execute(db)
  await sql`delete from rollup_state where kind in ('calls', 'visits')`.execute(db)
}
