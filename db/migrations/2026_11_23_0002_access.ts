import { type Kysely, sql } from 'kysely'

/** Users, sessions and settings for access control (issue 3). */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table app_user add column session_version integer not null default 0`.execute(db)
  await sql`alter table app_user add column last_login_at timestamptz`.execute(db)
  await sql`alter table app_user add check (roles <@ array['management', 'quality', 'reporting', 'operator', 'admin']::text[])`.execute(db)
  /** installation-wide settings, e.g. the generated session secret shared by every process */
  await sql`create table app_setting (key text primary key, value text not null)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table app_setting`.execute(db)
  await sql`alter table app_user drop column session_version, drop column last_login_at`.execute(db)
}
