import { type Kysely, sql } from 'kysely'

/**
 * Security hardening (issue 14, ADR 014): sign-in attempts and rate-limit hits kept in the database, so
 * that every server process counts the same attempts and an attempt is reserved (under a table lock)
 * before the password is checked; and server-side sessions, so that signing out ends a session for good.
 */
export async function up(db: Kysely<any>): Promise<void> {
  /** one row per sign-in attempt: `pending` from the reservation until the password is checked */
  await sql`
    create table sign_in_attempt (
      id bigserial primary key,
      login_key text not null,
      address text not null,
      at timestamptz not null default now(),
      outcome text not null default 'pending' check (outcome in ('pending', 'failed', 'succeeded'))
    )`.execute(db)
  await sql`create index sign_in_attempt_login on sign_in_attempt (login_key, at)`.execute(db)
  await sql`create index sign_in_attempt_address on sign_in_attempt (address, at)`.execute(db)
  /** hits of a named limit (the public survey page) per key */
  await sql`
    create table rate_hit (
      bucket text not null,
      key text not null,
      at timestamptz not null default now()
    )`.execute(db)
  await sql`create index rate_hit_key on rate_hit (bucket, key, at)`.execute(db)
  /** a signed-in session: the cookie carries a random id, the table only its SHA-256 */
  await sql`
    create table user_session (
      id_hash text primary key,
      user_id bigint not null references app_user (id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db)
  await sql`create index user_session_user on user_session (user_id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table user_session`.execute(db)
  await sql`drop table rate_hit`.execute(db)
  await sql`drop table sign_in_attempt`.execute(db)
}
