import { type Kysely, sql } from 'kysely'

/**
 * Daily figures kept current by every write (ADR 010): each raw table marks the instants it changed in
 * `rollup_dirty` (statement triggers with transition tables, so an import, a due-date recomputation or a
 * branch change all count), and `reports/metrics/rollups.server.ts` rebuilds those local days. The
 * dashboards read only these tables. Thresholds that go into a rollup (short abandon, service level,
 * norms) are recorded in `rollup_state.params`; a change rebuilds the kind.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table organisation add column short_abandon_seconds int not null default 5 check (short_abandon_seconds between 0 and 600)`.execute(db)
  await sql`alter table organisation add column service_level_seconds int check (service_level_seconds between 1 and 3600)`.execute(db)

  // phone line (queue or dialled number) → branch: calls carry no branch of their own
  await sql`
    create table phone_line (
      org_id bigint not null references organisation (id) on delete cascade,
      line text not null,
      branch_id bigint not null references branch (id) on delete cascade,
      primary key (org_id, line)
    )`.execute(db)

  await sql`
    create table rollup_state (
      org_id bigint not null references organisation (id) on delete cascade,
      kind text not null check (kind in ('appeals', 'appeal_due', 'calls', 'visits')),
      params text not null,
      built_at timestamptz not null default now(),
      primary key (org_id, kind)
    )`.execute(db)

  await sql`
    create table rollup_dirty (
      org_id bigint not null,
      kind text not null,
      from_at timestamptz not null,
      to_at timestamptz not null
    )`.execute(db)
  await sql`create index rollup_dirty_org on rollup_dirty (org_id, kind)`.execute(db)

  await sql`
    create table appeal_day (
      org_id bigint not null references organisation (id) on delete cascade,
      day date not null,
      branch_id bigint,
      office_code text,
      form text not null,
      topic text not null,
      consumer_type text,
      complaint_topic text,
      request_type text,
      received int not null
    )`.execute(db)
  await sql`create index appeal_day_org_day on appeal_day (org_id, day)`.execute(db)

  await sql`
    create table appeal_due_day (
      org_id bigint not null references organisation (id) on delete cascade,
      day date not null,
      branch_id bigint,
      office_code text,
      form text not null,
      topic text not null,
      consumer_type text,
      complaint_topic text,
      request_type text,
      deadline_rule_id bigint,
      due int not null,
      on_time int not null,
      late int not null,
      unanswered int not null
    )`.execute(db)
  await sql`create index appeal_due_day_org_day on appeal_due_day (org_id, day)`.execute(db)

  await sql`
    create table call_day (
      org_id bigint not null references organisation (id) on delete cascade,
      day date not null,
      branch_id bigint,
      line text,
      category text,
      direction text not null,
      calls int not null,
      answered int not null,
      abandoned int not null,
      short_abandoned int not null,
      answered_in_sl int not null,
      wait_sum double precision not null,
      handle_sum double precision not null,
      callbacks_required int not null,
      callbacks_done int not null,
      callbacks_in_time int not null
    )`.execute(db)
  await sql`create index call_day_org_day on call_day (org_id, day)`.execute(db)

  await sql`
    create table visit_day (
      org_id bigint not null references organisation (id) on delete cascade,
      day date not null,
      branch_id bigint,
      office_code text not null,
      service_kind text not null,
      consumer_type text,
      visits int not null,
      served int not null,
      no_shows int not null,
      completed int not null,
      wait_sum double precision not null,
      service_sum double precision not null,
      wait_judged int not null,
      wait_within int not null,
      wait_hist int[] not null,
      service_hist int[] not null
    )`.execute(db)
  await sql`create index visit_day_org_day on visit_day (org_id, day)`.execute(db)

  // One function marks the changed instants of a table: TG_ARGV = kind and timestamp column(s).
  await sql
    .raw(
      `
    create function mark_rollup_dirty() returns trigger language plpgsql as $fn$
    declare
      i int := 1;
    begin
      while i < tg_nargs loop
        if tg_op in ('INSERT', 'UPDATE') then
          execute format('insert into rollup_dirty (org_id, kind, from_at, to_at)
            select org_id, %L, min(%I), max(%I) from new_rows where %I is not null group by org_id', tg_argv[i - 1], tg_argv[i], tg_argv[i], tg_argv[i]);
        end if;
        if tg_op in ('DELETE', 'UPDATE') then
          execute format('insert into rollup_dirty (org_id, kind, from_at, to_at)
            select org_id, %L, min(%I), max(%I) from old_rows where %I is not null group by org_id', tg_argv[i - 1], tg_argv[i], tg_argv[i], tg_argv[i]);
        end if;
        i := i + 2;
      end loop;
      return null;
    end
    $fn$`,
    )
    .execute(db)
  for (const [table, args] of [
    ['appeal', `'appeals', 'received_at', 'appeal_due', 'due_at'`],
    ['call', `'calls', 'started_at'`],
    ['visit', `'visits', 'issued_at'`],
  ] as const) {
    await sql
      .raw(
        `create trigger ${table}_dirty_insert after insert on ${table} referencing new table as new_rows for each statement execute function mark_rollup_dirty(${args})`,
      )
      .execute(db)
    await sql
      .raw(
        `create trigger ${table}_dirty_update after update on ${table} referencing old table as old_rows new table as new_rows for each statement execute function mark_rollup_dirty(${args})`,
      )
      .execute(db)
    await sql
      .raw(
        `create trigger ${table}_dirty_delete after delete on ${table} referencing old table as old_rows for each statement execute function mark_rollup_dirty(${args})`,
      )
      .execute(db)
  }
  // what was already there before this migration: everything is dirty once
  for (const [kind, table, column] of [
    ['appeals', 'appeal', 'received_at'],
    ['appeal_due', 'appeal', 'due_at'],
    ['calls', 'call', 'started_at'],
    ['visits', 'visit', 'issued_at'],
  ] as const) {
    await sql
      .raw(
        `insert into rollup_dirty (org_id, kind, from_at, to_at) select org_id, '${kind}', min(${column}), max(${column}) from ${table} where ${column} is not null group by org_id`,
      )
      .execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['appeal', 'call', 'visit']) {
    for (const op of ['insert', 'update', 'delete']) await sql.raw(`drop trigger ${table}_dirty_${op} on ${table}`).execute(db)
  }
  await sql`drop function mark_rollup_dirty()`.execute(db)
  for (const table of ['visit_day', 'call_day', 'appeal_due_day', 'appeal_day', 'rollup_dirty', 'rollup_state', 'phone_line'])
    await sql.raw(`drop table ${table}`).execute(db)
  await sql`alter table organisation drop column service_level_seconds`.execute(db)
  await sql`alter table organisation drop column short_abandon_seconds`.execute(db)
}
