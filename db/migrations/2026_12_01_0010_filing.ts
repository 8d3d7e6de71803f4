import { type Kysely, sql } from 'kysely'

/**
 * Filing and publishing the regulator's reports (ADR 015): a frozen snapshot keeps the scope it was made
 * for (organisation-wide or a list of branches) and the key of the click that made it (a second click
 * with the same key finds the first snapshot instead of making another); it records that it was filed
 * (date, the regulator's incoming number, who, the PDF as filed), that a corrected snapshot replaced it
 * (and what changed), the rendered tables except the per-appeal 4.9 (for the publication), and its publication (a static page without personal data,
 * an optional public
 * address an administrator switches on and off). The organisation keeps who signs its reports.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table report_snapshot
      add column scope_branches bigint[],
      add column tables jsonb,
      add column scope_label text not null default 'вся организация',
      add column freeze_key text,
      add column pdf bytea,
      add column filed_on date,
      add column filed_number text,
      add column filed_by bigint references app_user (id) on delete set null,
      add column filed_by_name text,
      add column filed_at timestamptz,
      add column replaces bigint references report_snapshot (id) on delete set null,
      add column replaced_by bigint references report_snapshot (id) on delete set null,
      add column change_note text,
      add column published_html text,
      add column published_file bytea,
      add column published_at timestamptz,
      add column published_by_name text,
      add column public_token text,
      add column public_enabled boolean not null default false`.execute(db)
  // null scope_branches = organisation-wide; a branch list otherwise (sorted ids)
  await sql`create unique index report_snapshot_freeze_key on report_snapshot (org_id, freeze_key) where freeze_key is not null`.execute(db)
  await sql`create unique index report_snapshot_public_token on report_snapshot (public_token) where public_token is not null`.execute(db)
  await sql`
    alter table organisation
      add column signer_position text,
      add column signer_name text,
      add column signer_phone text`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table organisation drop column signer_position, drop column signer_name, drop column signer_phone`.execute(db)
  await sql`drop index report_snapshot_public_token`.execute(db)
  await sql`drop index report_snapshot_freeze_key`.execute(db)
  await sql`
    alter table report_snapshot
      drop column scope_branches, drop column tables, drop column scope_label, drop column freeze_key, drop column pdf, drop column filed_on, drop column filed_number,
      drop column filed_by, drop column filed_by_name, drop column filed_at, drop column replaces, drop column replaced_by, drop column change_note,
      drop column published_html, drop column published_file, drop column published_at, drop column published_by_name, drop column public_token, drop column public_enabled`.execute(
    db,
  )
}
