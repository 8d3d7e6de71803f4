import { type Kysely, sql } from 'kysely'

/**
 * Data that arrives by itself (ADR 017): integration tokens for the import API (only the SHA-256 of the
 * secret is kept; allowed kinds, an optional list of branches, an expiry, revocation), the token and the
 * source of an import (`api`, `folder`), JSON bodies as a format, and the organisation's watched folder.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table integration_token (
      id bigint generated always as identity primary key,
      org_id bigint not null references organisation (id) on delete cascade,
      name text not null,
      kinds text[] not null,
      branch_ids bigint[],
      secret_hash text not null unique,
      prefix text not null,
      expires_at timestamptz,
      created_at timestamptz not null default now(),
      created_by bigint references app_user (id) on delete set null,
      created_by_name text not null,
      revoked_at timestamptz,
      revoked_by_name text,
      last_used_at timestamptz,
      check (cardinality(kinds) > 0)
    )`.execute(db)
  await sql`create index integration_token_org on integration_token (org_id, created_at desc)`.execute(db)
  await sql`alter table import_batch add column token_id bigint references integration_token (id) on delete set null`.execute(db)
  await sql`alter table import_batch drop constraint import_batch_source_check`.execute(db)
  await sql`alter table import_batch add constraint import_batch_source_check check (source in ('web', 'cli', 'demo', 'api', 'folder'))`.execute(db)
  await sql`alter table import_batch drop constraint import_batch_format_check`.execute(db)
  await sql`alter table import_batch add constraint import_batch_format_check check (format in ('csv', 'xlsx', 'queue_log', 'queue_log_table', 'generated', 'json'))`.execute(
    db,
  )
  await sql`alter table organisation add column import_inbox text`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table organisation drop column import_inbox`.execute(db)
  await sql`update import_batch set format = null where format = 'json'`.execute(db)
  await sql`alter table import_batch drop constraint import_batch_format_check`.execute(db)
  await sql`alter table import_batch add constraint import_batch_format_check check (format in ('csv', 'xlsx', 'queue_log', 'queue_log_table', 'generated'))`.execute(
    db,
  )
  await sql`update import_batch set source = 'cli' where source in ('api', 'folder')`.execute(db)
  await sql`alter table import_batch drop constraint import_batch_source_check`.execute(db)
  await sql`alter table import_batch add constraint import_batch_source_check check (source in ('web', 'cli', 'demo'))`.execute(db)
  await sql`alter table import_batch drop column token_id`.execute(db)
  await sql`drop table integration_token`.execute(db)
}
