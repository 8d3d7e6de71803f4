import { type Kysely, sql } from 'kysely'

/**
 * Saved views of the cockpit (ADR 020): a user's named filter sets. A view is its query string — the URL is
 * the state, so a saved view opens as a link and can be sent to a colleague (who sees it within their own
 * branches). Removed with the user.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table saved_view (
      id bigint generated always as identity primary key,
      user_id bigint not null references app_user (id) on delete cascade,
      page text not null,
      name text not null check (length(name) between 1 and 80),
      query text not null check (length(query) <= 2000),
      created_at timestamptz not null default now(),
      unique (user_id, page, name)
    )`.execute(db)
  // the cockpit lists them and may be answered from the page cache (ADR 023): a saved or deleted view moves the
  // data generation like every other watched table (ADR 013)
  await sql`create trigger saved_view_data_change after insert or update or delete or truncate on saved_view for each statement execute function note_data_change()`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table saved_view`.execute(db)
}
