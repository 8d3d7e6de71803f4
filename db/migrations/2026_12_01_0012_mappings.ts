import { type Kysely, sql } from 'kysely'

/**
 * Column mappings and adapters (issue #17, ADR 018):
 * - `column_mapping`: a named mapping of someone else's columns to a kind's canonical columns, per
 *   organisation (unique by kind and name); `headers` are the headers of the file it was made for (a file
 *   with them is offered the mapping), `fields` the rules (app/imports/mapping.ts, validated by zod on read).
 * - `import_batch.adapter` / `mapping_name`: which adapter (`asterisk_cdr`, `3cx`…) or saved mapping read
 *   the file, shown in the import history and report; the file format (`format`) stays csv/xlsx.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table column_mapping (
      id bigint generated always as identity primary key,
      org_id bigint not null references organisation (id) on delete cascade,
      kind text not null check (kind in ('offices', 'appeals', 'calls', 'visits')),
      name text not null check (length(name) between 1 and 100),
      headers text[] not null default '{}',
      fields jsonb not null,
      created_by bigint references app_user (id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (org_id, kind, name)
    )`.execute(db)
  await sql`alter table import_batch add column adapter text, add column mapping_name text`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table import_batch drop column adapter, drop column mapping_name`.execute(db)
  await sql`drop table column_mapping`.execute(db)
}
