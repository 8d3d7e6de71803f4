import { type Kysely, sql } from 'kysely'

/** Tables whose changes can change a figure, a list or a verdict on some page (ADR 013). */
export const WATCHED_TABLES = [
  'organisation',
  'branch',
  'office',
  'phone_line',
  'deadline_rule',
  'calendar_day',
  'calendar_year',
  'appeal',
  'call',
  'visit',
  'queue_log_pending',
  'survey',
  'survey_batch',
  'survey_invitation',
  'survey_response',
  'survey_answer',
  'report_input',
  'report_snapshot',
] as const

/**
 * The engine of many users at once (ADR 013):
 * - imports as jobs: a web upload is queued (`queued`, with the file's place and who asked) and taken by a
 *   runner with `FOR UPDATE SKIP LOCKED`; its progress is written to the row as it goes, so any process can
 *   show it; an import whose process died is `interrupted` («прервана»);
 * - the data generation of the view cache: every statement on a watched table appends a row to
 *   `data_change` (no row is updated, so writers never wait for each other); the pair (count, max id) of
 *   committed rows changes with every commit that changed something.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table import_batch drop constraint import_batch_status_check`.execute(db)
  await sql`alter table import_batch add constraint import_batch_status_check check (status in ('queued', 'running', 'done', 'rejected', 'failed', 'interrupted'))`.execute(
    db,
  )
  await sql`alter table import_batch add column file_path text, add column job jsonb, add column progress jsonb`.execute(db)
  await sql`create index import_batch_queued on import_batch (id) where status in ('queued', 'running')`.execute(db)

  // the next callback deadline after now ends a cached «as of now» view (db/generation.server.ts)
  await sql`create index call_org_callback_due on call (org_id, callback_due_at) where callback_due_at is not null`.execute(db)
  await sql`create table data_change (id bigserial primary key, source text not null, at timestamptz not null default clock_timestamp())`.execute(db)
  await sql`
    create function note_data_change() returns trigger language plpgsql as $fn$
      begin
        insert into data_change (source) values (TG_TABLE_NAME);
        return null;
      end
    $fn$`.execute(db)
  for (const table of WATCHED_TABLES) {
    await sql
      .raw(
        `create trigger ${table}_data_change after insert or update or delete or truncate on ${table} for each statement execute function note_data_change()`,
      )
      .execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of WATCHED_TABLES) await sql.raw(`drop trigger ${table}_data_change on ${table}`).execute(db)
  await sql`drop function note_data_change()`.execute(db)
  await sql`drop table data_change`.execute(db)
  await sql`drop index call_org_callback_due`.execute(db)
  await sql`drop index import_batch_queued`.execute(db)
  await sql`update import_batch set status = 'failed' where status in ('queued', 'interrupted')`.execute(db)
  await sql`alter table import_batch drop column file_path, drop column job, drop column progress`.execute(db)
  await sql`alter table import_batch drop constraint import_batch_status_check`.execute(db)
  await sql`alter table import_batch add constraint import_batch_status_check check (status in ('running', 'done', 'rejected', 'failed'))`.execute(db)
}
