import { type Kysely, sql } from 'kysely'

/**
 * Lost calls called back, work lists and e-mail (issue 18, ADR 019):
 * - `phone_norm(text)`: a phone number in one canonical form (digits; a Russian number as 7 and ten digits),
 *   the same rule as `normalisePhone` in reports/callbacks/phone.ts; `call.phone_norm` is a stored generated
 *   column of it, indexed with the start of answered calls, so «was this caller reached later?» is one index
 *   look-up per lost call;
 * - the organisation's callback norm for lost calls (null: the callback rule of the rule presets, 4 hours);
 * - mail subscriptions (alerts and deliveries) and the send log, whose `slot_key` is unique: a due message is
 *   claimed once, however many processes run and however often they restart.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function phone_norm(p text) returns text language sql immutable parallel safe as $fn$
      select case
        when d = '' then null
        when length(d) = 11 and left(d, 1) in ('7', '8') then '7' || right(d, 10)
        when length(d) = 10 then '7' || d
        else d
      end
      from (select regexp_replace(coalesce(p, ''), '[^0-9]', '', 'g') as d) s
    $fn$`.execute(db)
  await sql`alter table call add column phone_norm text generated always as (phone_norm(caller_phone)) stored`.execute(db)
  await sql`create index call_org_phone_answered on call (org_id, phone_norm, started_at) where phone_norm is not null and answered_at is not null`.execute(db)
  await sql`create index call_org_lost on call (org_id, started_at) where direction = 'in' and answered_at is null and not no_ending`.execute(db)

  await sql`alter table organisation add column lost_callback_amount numeric, add column lost_callback_unit text
    check (lost_callback_unit in ('minutes', 'hours', 'calendar_days', 'working_days'))`.execute(db)

  await sql`alter table app_user add column email text`.execute(db)
  await sql`create table mail_subscription (
    id bigserial primary key,
    org_id bigint not null references organisation(id) on delete cascade,
    user_id bigint not null references app_user(id) on delete cascade,
    kind text not null check (kind in ('alert', 'delivery')),
    view text not null,
    format text not null default 'xlsx' check (format in ('xlsx', 'pdf')),
    frequency text not null default 'daily' check (frequency in ('daily', 'weekly', 'monthly')),
    local_time text not null default '08:00' check (local_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
    due_days integer not null default 3 check (due_days between 0 and 30),
    addresses text[] not null default '{}',
    active boolean not null default true,
    created_at timestamptz not null default now()
  )`.execute(db)
  await sql`create index mail_subscription_org on mail_subscription (org_id) where active`.execute(db)
  await sql`create table mail_unsubscribed (
    subscription_id bigint not null references mail_subscription(id) on delete cascade,
    address text not null,
    at timestamptz not null default now(),
    primary key (subscription_id, address)
  )`.execute(db)
  await sql`create table mail_send (
    id bigserial primary key,
    org_id bigint not null references organisation(id) on delete cascade,
    subscription_id bigint references mail_subscription(id) on delete set null,
    slot_key text not null unique,
    address text not null,
    subject text not null,
    what text not null,
    params jsonb not null default '{}',
    status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'retry', 'failed', 'empty')),
    attempts integer not null default 0,
    next_attempt_at timestamptz not null default now(),
    smtp_response text,
    message_id text,
    created_at timestamptz not null default now(),
    sent_at timestamptz
  )`.execute(db)
  await sql`create index mail_send_due on mail_send (next_attempt_at) where status in ('pending', 'retry', 'sending')`.execute(db)
  await sql`create index mail_send_org on mail_send (org_id, created_at desc)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table mail_send`.execute(db)
  await sql`drop table mail_unsubscribed`.execute(db)
  await sql`drop table mail_subscription`.execute(db)
  await sql`alter table app_user drop column email`.execute(db)
  await sql`alter table organisation drop column lost_callback_amount, drop column lost_callback_unit`.execute(db)
  await sql`drop index call_org_lost`.execute(db)
  await sql`drop index call_org_phone_answered`.execute(db)
  await sql`alter table call drop column phone_norm`.execute(db)
  await sql`drop function phone_norm(text)`.execute(db)
}
