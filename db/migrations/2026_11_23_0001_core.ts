import { type Kysely, sql } from 'kysely'

/** Enumerations are text with check constraints; their Russian labels live in reports/vocabulary.ts. */
const inList = (column: string, values: readonly string[]) => sql.raw(`check (${column} in (${values.map((v) => `'${v}'`).join(', ')}))`)

const APPEAL_FORMS = ['in_person', 'phone', 'internet', 'post', 'other']
const CONSUMER_TYPES = ['individual', 'legal', 'entrepreneur']
const TOPICS = ['transmission', 'connection', 'metering', 'service', 'maintenance', 'other']
const COMPLAINT_TOPICS = ['transmission_quality', 'power_quality', 'connection', 'metering', 'service', 'maintenance', 'other']
const REQUEST_TYPES = ['connection', 'transmission_contract', 'metering', 'other']
const CLOSURES = ['answered', 'not_considered', 'redirected', 'withdrawn']
const CONTRACTS = ['none', 'connection', 'transmission']
const CALL_CATEGORIES = ['1.1', '1.2', '1.3', '1.4', '1.5', '2', '3', '4', '4.1', '4.2', '5', '6', '7', '8', '9', '10', '11']
const SERVICE_KINDS = ['consultation', 'cashier', 'contract', 'connection', 'metering', 'other']

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table organisation (
      id bigint generated always as identity primary key,
      name text not null,
      time_zone text not null default 'Europe/Moscow',
      regime text not null default 'network' check (regime in ('network', 'supplier', 'both')),
      is_demo boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db)

  await sql`
    create table branch (
      id bigint generated always as identity primary key,
      org_id bigint not null references organisation (id) on delete cascade,
      name text not null,
      created_at timestamptz not null default now(),
      unique (org_id, name)
    )`.execute(db)

  await sql`
    create table app_user (
      id bigint generated always as identity primary key,
      org_id bigint not null references organisation (id) on delete cascade,
      login text not null,
      full_name text not null,
      password_hash text,
      roles text[] not null default '{}',
      all_branches boolean not null default false,
      branch_ids bigint[] not null default '{}',
      is_system boolean not null default false,
      disabled boolean not null default false,
      created_at timestamptz not null default now(),
      unique (org_id, login)
    )`.execute(db)

  await sql`
    create table import_batch (
      id bigint generated always as identity primary key,
      org_id bigint not null references organisation (id) on delete cascade,
      kind text not null check (kind in ('offices', 'appeals', 'calls', 'visits')),
      format text check (format in ('csv', 'xlsx', 'queue_log', 'generated')),
      source text not null default 'web' check (source in ('web', 'cli', 'demo')),
      file_name text not null,
      file_size bigint,
      encoding text,
      delimiter text,
      skip_invalid boolean not null default false,
      status text not null default 'running' check (status in ('running', 'done', 'rejected', 'failed')),
      rows_read integer not null default 0,
      rows_inserted integer not null default 0,
      rows_updated integer not null default 0,
      rows_unchanged integer not null default 0,
      rows_rejected integer not null default 0,
      rows_invalid integer not null default 0,
      rows_pending integer not null default 0,
      unknown_columns text[] not null default '{}',
      message text,
      user_id bigint references app_user (id) on delete set null,
      started_at timestamptz not null default now(),
      finished_at timestamptz
    )`.execute(db)
  await sql`create index import_batch_org_started on import_batch (org_id, started_at desc)`.execute(db)

  await sql`
    create table import_rejection (
      batch_id bigint not null references import_batch (id) on delete cascade,
      seq integer not null,
      line integer,
      column_name text,
      value text,
      reason text not null,
      primary key (batch_id, seq)
    )`.execute(db)

  await sql`
    create table office (
      id bigint generated always as identity primary key,
      org_id bigint not null references organisation (id) on delete cascade,
      office_code text not null,
      name text not null,
      office_type text,
      address text,
      phone_email text,
      schedule text,
      services text,
      branch_id bigint references branch (id),
      import_batch_id bigint references import_batch (id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (org_id, office_code)
    )`.execute(db)

  await sql`
    create table deadline_rule (
      id bigint generated always as identity primary key,
      org_id bigint not null references organisation (id) on delete cascade,
      code text not null,
      name text not null,
      preset text check (preset in ('network', 'supplier')),
      applies_to text not null check (applies_to in ('appeals', 'calls', 'visits')),
      filter jsonb not null default '{}',
      start_field text not null,
      stop_field text not null,
      amount numeric not null check (amount > 0),
      unit text not null check (unit in ('seconds', 'minutes', 'hours', 'calendar_days', 'working_days')),
      is_average boolean not null default false,
      priority integer not null default 100,
      source text,
      active boolean not null default true,
      updated_at timestamptz not null default now(),
      unique (org_id, code)
    )`.execute(db)

  await sql`
    create table calendar_day (
      id bigint generated always as identity primary key,
      org_id bigint references organisation (id) on delete cascade,
      day date not null,
      kind text not null check (kind in ('holiday', 'working_weekend', 'short_day', 'nonworking_decree')),
      note text
    )`.execute(db)
  // org_id null = the federal calendar; one entry per day and scope
  await sql`create unique index calendar_day_scope_day on calendar_day (coalesce(org_id, 0), day)`.execute(db)

  await sql`
    create table calendar_year (
      org_id bigint references organisation (id) on delete cascade,
      year integer not null,
      source text,
      verified boolean not null default true
    )`.execute(db)
  await sql`create unique index calendar_year_scope on calendar_year (coalesce(org_id, 0), year)`.execute(db)

  await sql`
    create table appeal (
      id bigint generated always as identity primary key,
      org_id bigint not null references organisation (id) on delete cascade,
      reg_number text not null,
      received_at timestamptz not null,
      form text not null ${inList('form', APPEAL_FORMS)},
      channel text,
      consumer_type text ${inList('consumer_type', CONSUMER_TYPES)},
      topic text not null ${inList('topic', TOPICS)},
      complaint_topic text ${inList('complaint_topic', COMPLAINT_TOPICS)},
      request_type text ${inList('request_type', REQUEST_TYPES)},
      office_code text,
      branch_id bigint references branch (id),
      answered_at timestamptz,
      closure text ${inList('closure', CLOSURES)},
      contract_concluded text ${inList('contract_concluded', CONTRACTS)},
      complaint_settled boolean not null default false,
      measures_done text,
      measures_planned text,
      repeat_of text,
      deadline_rule text,
      applicant_name text,
      phone text,
      email text,
      address text,
      account_number text,
      due_at timestamptz,
      deadline_rule_id bigint references deadline_rule (id) on delete set null,
      due_calendar_gap boolean not null default false,
      import_batch_id bigint references import_batch (id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (org_id, reg_number),
      check (answered_at is null or answered_at >= received_at)
    )`.execute(db)
  await sql`create index appeal_org_received on appeal (org_id, received_at)`.execute(db)
  await sql`create index appeal_org_due on appeal (org_id, due_at)`.execute(db)

  await sql`
    create table call (
      id bigint generated always as identity primary key,
      org_id bigint not null references organisation (id) on delete cascade,
      call_id text not null,
      direction text not null check (direction in ('in', 'out')),
      line text,
      started_at timestamptz not null,
      answered_at timestamptz,
      ended_at timestamptz not null,
      agent text,
      category text ${inList('category', CALL_CATEGORIES)},
      callback_required boolean not null default false,
      callback_at timestamptz,
      appeal_reg_number text,
      caller_phone text,
      branch_id bigint references branch (id),
      callback_due_at timestamptz,
      import_batch_id bigint references import_batch (id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (org_id, call_id),
      check (ended_at >= started_at),
      check (answered_at is null or (answered_at >= started_at and answered_at <= ended_at))
    )`.execute(db)
  await sql`create index call_org_started on call (org_id, started_at)`.execute(db)

  await sql`
    create table visit (
      id bigint generated always as identity primary key,
      org_id bigint not null references organisation (id) on delete cascade,
      ticket_id text not null,
      office_code text not null,
      branch_id bigint references branch (id),
      service_kind text not null ${inList('service_kind', SERVICE_KINDS)},
      issued_at timestamptz not null,
      called_at timestamptz,
      service_ended_at timestamptz,
      "window" text,
      agent text,
      consumer_type text ${inList('consumer_type', CONSUMER_TYPES)},
      appeal_reg_number text,
      import_batch_id bigint references import_batch (id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (org_id, ticket_id),
      check (called_at is null or called_at >= issued_at),
      check (service_ended_at is null or (called_at is not null and service_ended_at >= called_at))
    )`.execute(db)
  await sql`create index visit_org_issued on visit (org_id, issued_at)`.execute(db)
  await sql`create index visit_org_office on visit (org_id, office_code)`.execute(db)

  /** Asterisk queue_log calls whose ending has not arrived yet: completed by a later file. */
  await sql`
    create table queue_log_pending (
      org_id bigint not null references organisation (id) on delete cascade,
      call_id text not null,
      line text,
      started_at timestamptz not null,
      answered_at timestamptz,
      agent text,
      caller_phone text,
      import_batch_id bigint references import_batch (id) on delete set null,
      primary key (org_id, call_id)
    )`.execute(db)

  await sql`
    create table audit_event (
      id bigint generated always as identity primary key,
      org_id bigint references organisation (id) on delete cascade,
      at timestamptz not null default now(),
      user_id bigint references app_user (id) on delete set null,
      actor text not null,
      action text not null,
      object text,
      details jsonb not null default '{}',
      ip text
    )`.execute(db)
  await sql`create index audit_event_org_at on audit_event (org_id, at desc)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'audit_event',
    'queue_log_pending',
    'visit',
    'call',
    'appeal',
    'calendar_year',
    'calendar_day',
    'deadline_rule',
    'office',
    'import_rejection',
    'import_batch',
    'app_user',
    'branch',
    'organisation',
  ]) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db)
  }
}
