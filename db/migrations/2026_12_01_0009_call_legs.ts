import { type Kysely, sql } from 'kysely'

/**
 * Asterisk `queue_log` as a real PBX writes it (issue 20, ADR 016):
 * - `queue_log_event` keeps every call event read from a log (noise excluded), once: overlapping or rotated
 *   files imported in any order add nothing twice, and each call is assembled again from all of its events
 *   sorted by time.
 * - a call is one consumer contact per uniqueid; `call.legs` lists its queue legs (overflow from queue to
 *   queue) as JSON, null for a call that is its own single leg (the canonical CSV layout);
 *   `call.no_ending` marks a call closed as «нет окончания в журнале» (counted apart, out of the figures).
 * - `call_day` gains the leg figures by line and the no-ending count.
 * Stored data: calls imported from queue_log before get their events back (ENTERQUEUE, CONNECT, an ending),
 * so that a later file continuing one of them assembles it whole; pending calls become events too.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table call add column legs jsonb`.execute(db)
  await sql`alter table import_batch add column rows_no_ending integer not null default 0`.execute(db)
  await sql`alter table import_batch drop constraint import_batch_format_check`.execute(db)
  await sql`alter table import_batch add constraint import_batch_format_check check (format in ('csv', 'xlsx', 'queue_log', 'queue_log_table', 'generated'))`.execute(
    db,
  )
  await sql`alter table call add column no_ending boolean not null default false`.execute(db)

  await sql`
    create table queue_log_event (
      org_id bigint not null references organisation (id) on delete cascade,
      uniqueid text not null,
      at timestamptz not null,
      queue text not null default '',
      agent text not null default '',
      event text not null,
      data text not null default '',
      import_batch_id bigint references import_batch (id) on delete set null,
      primary key (org_id, uniqueid, at, event, queue, agent, data)
    )`.execute(db)
  await sql`create index queue_log_event_queue_at on queue_log_event (org_id, queue, at)`.execute(db)

  for (const column of ['no_ending', 'legs', 'legs_answered', 'legs_overflowed', 'legs_lost']) {
    await sql.raw(`alter table call_day add column ${column} int not null default 0`).execute(db)
  }
  await sql`alter table call_day add column leg_wait_sum double precision not null default 0`.execute(db)

  await restoreQueueLogEvents(db)
  // the call rollup gains columns: rebuilt as a whole on the next refresh
  await sql`delete from rollup_state where kind = 'calls'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table queue_log_event`.execute(db)
  for (const column of ['no_ending', 'legs', 'legs_answered', 'legs_overflowed', 'legs_lost', 'leg_wait_sum']) {
    await sql.raw(`alter table call_day drop column ${column}`).execute(db)
  }
  await sql`alter table call drop column no_ending`.execute(db)
  await sql`alter table call drop column legs`.execute(db)
  await sql`alter table import_batch drop column rows_no_ending`.execute(db)
  await sql`alter table import_batch drop constraint import_batch_format_check`.execute(db)
  await sql`alter table import_batch add constraint import_batch_format_check check (format in ('csv', 'xlsx', 'queue_log', 'generated'))`.execute(db)
  await sql`delete from rollup_state where kind = 'calls'`.execute(db)
}

/**
 * Calls and pending calls of queue_log imports made before events were kept: their events back (ENTERQUEUE
 * with the caller, CONNECT, an ending), so that a later file continuing one of them assembles it whole.
 * Exported for its test.
 */
export async function restoreQueueLogEvents(db: Kysely<any>): Promise<void> {
  await sql`
    insert into queue_log_event (org_id, uniqueid, at, queue, agent, event, data, import_batch_id)
    select c.org_id, c.call_id, e.at, coalesce(c.line, ''), e.agent, e.event, e.data, c.import_batch_id
    from call c join import_batch b on b.id = c.import_batch_id and b.format = 'queue_log'
      cross join lateral (values
        (c.started_at, '', 'ENTERQUEUE', '|' || coalesce(c.caller_phone, '') || '|1'),
        (c.answered_at, coalesce(c.agent, ''), 'CONNECT', ''),
        (c.ended_at, coalesce(c.agent, ''), case when c.answered_at is null then 'ABANDON' else 'COMPLETECALLER' end, '')
      ) e (at, agent, event, data)
    where e.at is not null
    on conflict do nothing`.execute(db)
  await sql`
    insert into queue_log_event (org_id, uniqueid, at, queue, agent, event, data, import_batch_id)
    select p.org_id, p.call_id, e.at, coalesce(p.line, ''), e.agent, e.event, e.data, p.import_batch_id
    from queue_log_pending p
      cross join lateral (values
        (p.started_at, '', 'ENTERQUEUE', '|' || coalesce(p.caller_phone, '') || '|1'),
        (p.answered_at, coalesce(p.agent, ''), 'CONNECT', '')
      ) e (at, agent, event, data)
    where e.at is not null
    on conflict do nothing`.execute(db)
}
