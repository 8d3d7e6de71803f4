import { type Kysely, sql } from 'kysely'

/**
 * The regulator's files (ADR 011): the appeal rollup gains the dimensions Appendix 7 counts by (channel for
 * the form policy, contract concluded, complaint settled, repeat), the organisation keeps its reporting
 * policies, the sections that do not come from the logs are kept per year, and a filed report can be frozen
 * with its file and figures.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table appeal_day
      add column channel text,
      add column contract_concluded text,
      add column complaint_settled boolean not null default false,
      add column is_repeat boolean not null default false`.execute(db)
  // rebuilt with the new dimensions on the next refresh
  await sql`delete from appeal_day`.execute(db)
  await sql`delete from rollup_state where kind = 'appeals'`.execute(db)

  // section I.4 classification policies and the dynamics formula; null = the defaults of the product
  await sql`alter table organisation add column report_policies jsonb`.execute(db)

  await sql`
    create table report_input (
      org_id bigint not null references organisation (id) on delete cascade,
      report_id text not null,
      year int not null check (year between 2000 and 2100),
      table_code text not null,
      data jsonb not null,
      updated_by bigint references app_user (id) on delete set null,
      updated_at timestamptz not null default now(),
      primary key (org_id, report_id, year, table_code)
    )`.execute(db)

  await sql`
    create table report_snapshot (
      id bigserial primary key,
      org_id bigint not null references organisation (id) on delete cascade,
      report_id text not null,
      year int not null,
      as_of timestamptz not null,
      template_version text not null,
      figures jsonb not null,
      checks jsonb not null,
      file_name text not null,
      file bytea not null,
      file_sha256 text not null,
      frozen_by bigint references app_user (id) on delete set null,
      frozen_by_name text not null,
      frozen_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index report_snapshot_org on report_snapshot (org_id, report_id, year, frozen_at desc)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table report_snapshot`.execute(db)
  await sql`drop table report_input`.execute(db)
  await sql`alter table organisation drop column report_policies`.execute(db)
  await sql`alter table appeal_day drop column channel, drop column contract_concluded, drop column complaint_settled, drop column is_repeat`.execute(db)
  await sql`delete from rollup_state where kind = 'appeals'`.execute(db)
}
