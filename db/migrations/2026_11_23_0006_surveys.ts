import { type Kysely, sql } from 'kysely'

/**
 * Consumer surveys (ADR 012): a survey with its questions (jsonb, locked once answered), the links it is
 * answered through (single-use personal links, possibly tied to an appeal, a call or a visit; a QR code per
 * office, answered many times), batches of links made for the appeals closed in a period, and the responses
 * with one row per answer. A single-use link takes one response: a partial unique index says so, so two
 * submissions racing each other cannot both land. The dashboards read the daily rollup `survey_day`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table survey (
      id bigserial primary key,
      org_id bigint not null references organisation (id) on delete cascade,
      title text not null check (length(title) between 1 and 200),
      intro text,
      subject_kind text not null check (subject_kind in ('organisation', 'office', 'form', 'topic')),
      subject_code text,
      opens_on date not null,
      closes_on date,
      questions jsonb not null,
      created_by bigint references app_user (id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((subject_kind = 'organisation') = (subject_code is null)),
      check (closes_on is null or closes_on >= opens_on)
    )`.execute(db)
  await sql`create index survey_org on survey (org_id, opens_on desc)`.execute(db)

  await sql`
    create table survey_batch (
      id bigserial primary key,
      org_id bigint not null references organisation (id) on delete cascade,
      survey_id bigint not null references survey (id) on delete cascade,
      delivery text not null check (delivery in ('sms', 'email', 'phone', 'other')),
      closed_from date not null,
      closed_to date not null,
      requested int not null check (requested > 0),
      eligible int not null,
      created int not null,
      expires_at timestamptz,
      created_by bigint references app_user (id) on delete set null,
      created_by_name text not null,
      created_at timestamptz not null default now()
    )`.execute(db)

  // what a link evaluates (office, form of service, topic, branch, consumer type) is copied from the appeal,
  // call or visit it is tied to, or from the survey's subject, so responses can be filtered like the dashboards
  await sql`
    create table survey_invitation (
      id bigserial primary key,
      org_id bigint not null references organisation (id) on delete cascade,
      survey_id bigint not null references survey (id) on delete cascade,
      token text not null unique,
      single_use boolean not null,
      delivery text not null check (delivery in ('sms', 'email', 'phone', 'qr', 'other')),
      batch_id bigint references survey_batch (id) on delete cascade,
      appeal_id bigint references appeal (id) on delete set null,
      call_id bigint references call (id) on delete set null,
      visit_id bigint references visit (id) on delete set null,
      branch_id bigint references branch (id) on delete set null,
      office_code text,
      form text,
      topic text,
      consumer_type text,
      expires_at timestamptz,
      created_by bigint references app_user (id) on delete set null,
      created_at timestamptz not null default now(),
      check (single_use or delivery = 'qr')
    )`.execute(db)
  await sql`create index survey_invitation_survey on survey_invitation (survey_id, created_at)`.execute(db)
  await sql`create index survey_invitation_appeal on survey_invitation (appeal_id) where appeal_id is not null`.execute(db)
  await sql`create unique index survey_invitation_office_qr on survey_invitation (survey_id, office_code) where delivery = 'qr'`.execute(db)

  await sql`
    create table survey_response (
      id bigserial primary key,
      org_id bigint not null references organisation (id) on delete cascade,
      survey_id bigint not null references survey (id) on delete cascade,
      invitation_id bigint references survey_invitation (id) on delete set null,
      single_use boolean not null default false,
      collected_by text not null check (collected_by in ('link', 'qr', 'phone')),
      branch_id bigint references branch (id) on delete set null,
      office_code text,
      form text,
      topic text,
      consumer_type text,
      appeal_id bigint references appeal (id) on delete set null,
      call_id bigint references call (id) on delete set null,
      visit_id bigint references visit (id) on delete set null,
      entered_by bigint references app_user (id) on delete set null,
      submitted_at timestamptz not null default now()
    )`.execute(db)
  // one response per single-use link, whatever the application does
  await sql`create unique index survey_response_once on survey_response (invitation_id) where single_use`.execute(db)
  // «was this link answered?» for any link (the index above serves only queries that say `single_use`)
  await sql`create index survey_response_invitation on survey_response (invitation_id) where invitation_id is not null`.execute(db)
  await sql`create index survey_response_org on survey_response (org_id, submitted_at)`.execute(db)
  await sql`create index survey_response_survey on survey_response (survey_id, submitted_at)`.execute(db)

  await sql`
    create table survey_answer (
      response_id bigint not null references survey_response (id) on delete cascade,
      question_id text not null,
      kind text not null check (kind in ('csat', 'nps', 'ces', 'single', 'multi', 'text')),
      score int,
      choices int[],
      text text,
      primary key (response_id, question_id),
      check (num_nonnulls(score, choices, text) = 1)
    )`.execute(db)

  // the daily survey figures (ADR 010's rollups): answers by the local day they were submitted, personal
  // links by the day they were made (with whether they have been answered), by what they evaluate
  await sql`alter table rollup_state drop constraint rollup_state_kind_check`.execute(db)
  await sql`alter table rollup_state add constraint rollup_state_kind_check check (kind in ('appeals', 'appeal_due', 'calls', 'visits', 'surveys'))`.execute(db)
  await sql`
    create table survey_day (
      org_id bigint not null references organisation (id) on delete cascade,
      day date not null,
      survey_id bigint not null references survey (id) on delete cascade,
      branch_id bigint,
      office_code text,
      form text,
      topic text,
      consumer_type text,
      delivery text not null,
      responses int not null,
      csat_answers int not null,
      csat_satisfied int not null,
      csat_sum int not null,
      nps_answers int not null,
      promoters int not null,
      detractors int not null,
      ces_answers int not null,
      ces_sum int not null,
      invitations int not null,
      invitations_answered int not null
    )`.execute(db)
  await sql`create index survey_day_org_day on survey_day (org_id, day)`.execute(db)
  // links mark the days they were made; responses the days they were submitted and the days their links
  // were made (the link is now answered); answers the days of their responses
  await sql
    .raw(
      `
    create function mark_survey_dirty() returns trigger language plpgsql as $fn$
    begin
      if tg_table_name = 'survey_invitation' then
        if tg_op in ('INSERT', 'UPDATE') then
          insert into rollup_dirty (org_id, kind, from_at, to_at) select org_id, 'surveys', min(created_at), max(created_at) from new_rows group by org_id;
        end if;
        if tg_op in ('DELETE', 'UPDATE') then
          insert into rollup_dirty (org_id, kind, from_at, to_at) select org_id, 'surveys', min(created_at), max(created_at) from old_rows group by org_id;
        end if;
      elsif tg_table_name = 'survey_response' then
        if tg_op in ('INSERT', 'UPDATE') then
          insert into rollup_dirty (org_id, kind, from_at, to_at) select org_id, 'surveys', min(submitted_at), max(submitted_at) from new_rows group by org_id;
          insert into rollup_dirty (org_id, kind, from_at, to_at)
            select i.org_id, 'surveys', min(i.created_at), max(i.created_at) from new_rows r join survey_invitation i on i.id = r.invitation_id group by i.org_id;
        end if;
        if tg_op in ('DELETE', 'UPDATE') then
          insert into rollup_dirty (org_id, kind, from_at, to_at) select org_id, 'surveys', min(submitted_at), max(submitted_at) from old_rows group by org_id;
          insert into rollup_dirty (org_id, kind, from_at, to_at)
            select i.org_id, 'surveys', min(i.created_at), max(i.created_at) from old_rows r join survey_invitation i on i.id = r.invitation_id group by i.org_id;
        end if;
      else
        if tg_op in ('INSERT', 'UPDATE') then
          insert into rollup_dirty (org_id, kind, from_at, to_at)
            select r.org_id, 'surveys', min(r.submitted_at), max(r.submitted_at) from new_rows a join survey_response r on r.id = a.response_id group by r.org_id;
        end if;
        if tg_op in ('DELETE', 'UPDATE') then
          insert into rollup_dirty (org_id, kind, from_at, to_at)
            select r.org_id, 'surveys', min(r.submitted_at), max(r.submitted_at) from old_rows a join survey_response r on r.id = a.response_id group by r.org_id;
        end if;
      end if;
      return null;
    end
    $fn$`,
    )
    .execute(db)
  for (const table of ['survey_invitation', 'survey_response', 'survey_answer']) {
    await sql
      .raw(
        `create trigger ${table}_dirty_insert after insert on ${table} referencing new table as new_rows for each statement execute function mark_survey_dirty()`,
      )
      .execute(db)
    await sql
      .raw(
        `create trigger ${table}_dirty_update after update on ${table} referencing old table as old_rows new table as new_rows for each statement execute function mark_survey_dirty()`,
      )
      .execute(db)
    await sql
      .raw(
        `create trigger ${table}_dirty_delete after delete on ${table} referencing old table as old_rows for each statement execute function mark_survey_dirty()`,
      )
      .execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['survey_day', 'survey_answer', 'survey_response', 'survey_invitation', 'survey_batch', 'survey'])
    await sql`drop table ${sql.table(t)}`.execute(db)
  await sql`drop function mark_survey_dirty()`.execute(db)
  await sql`delete from rollup_state where kind = 'surveys'`.execute(db)
  await sql`delete from rollup_dirty where kind = 'surveys'`.execute(db)
  await sql`alter table rollup_state drop constraint rollup_state_kind_check`.execute(db)
  await sql`alter table rollup_state add constraint rollup_state_kind_check check (kind in ('appeals', 'appeal_due', 'calls', 'visits'))`.execute(db)
}
