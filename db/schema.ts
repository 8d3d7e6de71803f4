/**
 * Kysely types of the schema in db/migrations. Written by hand next to the migrations: codegen
 * needs a running PostgreSQL at build time, and the schema is small. The integration tests write and
 * read every column through these types on both databases.
 * bigint ids arrive from pg as strings; timestamptz as Date.
 */
import type { ColumnType, Generated, Selectable } from 'kysely'

type Id = Generated<string>
type Timestamp = ColumnType<Date, Date | string, Date | string>
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>

export interface OrganisationTable {
  id: Id
  name: string
  time_zone: Generated<string>
  regime: Generated<'network' | 'supplier' | 'both'>
  is_demo: Generated<boolean>
  short_abandon_seconds: Generated<number>
  service_level_seconds: number | null
  report_policies: ColumnType<unknown, string | null, string | null> | null
  /** who signs the regulator's reports (ADR 015) */
  signer_position: string | null
  signer_name: string | null
  signer_phone: string | null
  /** the callback norm of lost calls (migration 0013); null: the callback rule of the presets */
  lost_callback_amount: ColumnType<string | null, number | string | null | undefined, number | string | null>
  lost_callback_unit: 'minutes' | 'hours' | 'calendar_days' | 'working_days' | null
  /** the watched folder (ADR 017) when IMPORT_INBOX is not set */
  import_inbox: string | null
  created_at: DefaultTimestamp
  updated_at: DefaultTimestamp
}

export interface BranchTable {
  id: Id
  org_id: string
  name: string
  /** short code, unique in the organisation (case-insensitive); «Ф-<id>» by a trigger when inserted without one */
  code: Generated<string>
  created_at: DefaultTimestamp
}

export interface AppUserTable {
  id: Id
  org_id: string
  login: string
  full_name: string
  password_hash: string | null
  roles: Generated<string[]>
  all_branches: Generated<boolean>
  branch_ids: Generated<string[]>
  is_system: Generated<boolean>
  disabled: Generated<boolean>
  session_version: Generated<number>
  last_login_at: Timestamp | null
  /** where the user's alerts and deliveries go (migration 0013) */
  email: string | null
  created_at: DefaultTimestamp
}

export interface AppSettingTable {
  key: string
  value: string
}

export interface SignInAttemptTable {
  id: Id
  login_key: string
  address: string
  at: DefaultTimestamp
  outcome: ColumnType<'pending' | 'failed' | 'succeeded', 'pending' | 'failed' | 'succeeded' | undefined, 'pending' | 'failed' | 'succeeded'>
}

export interface RateHitTable {
  bucket: string
  key: string
  at: DefaultTimestamp
}

export interface UserSessionTable {
  id_hash: string
  user_id: string
  created_at: DefaultTimestamp
  expires_at: Timestamp
}

export interface ImportBatchTable {
  id: Id
  org_id: string
  kind: 'offices' | 'appeals' | 'calls' | 'visits'
  format: 'csv' | 'xlsx' | 'queue_log' | 'queue_log_table' | 'generated' | 'json' | null
  source: Generated<'web' | 'cli' | 'demo' | 'api' | 'folder'>
  /** the integration token an API import came with (ADR 017) */
  token_id: string | null
  file_name: string
  file_size: string | number | null
  encoding: string | null
  delimiter: string | null
  skip_invalid: Generated<boolean>
  status: Generated<'queued' | 'running' | 'done' | 'rejected' | 'failed' | 'interrupted'>
  rows_read: Generated<number>
  rows_inserted: Generated<number>
  rows_updated: Generated<number>
  rows_unchanged: Generated<number>
  rows_rejected: Generated<number>
  rows_invalid: Generated<number>
  rows_pending: Generated<number>
  /** queue_log calls closed as «нет окончания в журнале» (among the stored ones) */
  rows_no_ending: Generated<number>
  unknown_columns: Generated<string[]>
  /** issue 16: unknown branches named by the rows, branches created, offices moved (app/imports/branches.server.ts) */
  branch_report: ColumnType<unknown, string | null, string | null> | null
  message: string | null
  user_id: string | null
  started_at: DefaultTimestamp
  finished_at: Timestamp | null
  /** a queued web upload: where its file waits (removed on every ending) */
  file_path: string | null
  /** a queued web upload: who asked, from where, how (ImportJob) */
  job: unknown | null
  /** the running import's progress (ImportProgress), written as it goes */
  progress: unknown | null
  /** the adapter (asterisk_cdr, 3cx…) or saved column mapping that read the file (migration 0012) */
  adapter: string | null
  mapping_name: string | null
}

export interface ColumnMappingTable {
  id: Id
  org_id: string
  kind: 'offices' | 'appeals' | 'calls' | 'visits'
  name: string
  headers: string[]
  /** canonical column → FieldRule (app/imports/mapping.ts) */
  fields: unknown
  created_by: string | null
  created_at: DefaultTimestamp
  updated_at: DefaultTimestamp
}

export interface ImportRejectionTable {
  batch_id: string
  seq: number
  line: number | null
  column_name: string | null
  value: string | null
  reason: string
}

export interface OfficeTable {
  id: Id
  org_id: string
  office_code: string
  name: string
  office_type: string | null
  address: string | null
  phone_email: string | null
  schedule: string | null
  services: string | null
  branch_id: string | null
  import_batch_id: string | null
  created_at: DefaultTimestamp
  updated_at: DefaultTimestamp
}

export interface DeadlineRuleTable {
  id: Id
  org_id: string
  code: string
  name: string
  preset: 'network' | 'supplier' | null
  applies_to: 'appeals' | 'calls' | 'visits'
  filter: ColumnType<Record<string, string>, string, string>
  start_field: string
  stop_field: string
  amount: ColumnType<string, number | string, number | string>
  unit: 'seconds' | 'minutes' | 'hours' | 'calendar_days' | 'working_days'
  is_average: Generated<boolean>
  priority: Generated<number>
  source: string | null
  active: Generated<boolean>
  missing_stop: Generated<'violation' | 'exclude'>
  updated_at: DefaultTimestamp
}

export interface CalendarDayTable {
  id: Id
  org_id: string | null
  day: ColumnType<Date, string, string>
  kind: 'holiday' | 'working_weekend' | 'short_day' | 'nonworking_decree'
  note: string | null
}

export interface CalendarYearTable {
  org_id: string | null
  year: number
  source: string | null
  verified: Generated<boolean>
}

export interface AppealTable {
  id: Id
  org_id: string
  reg_number: string
  received_at: Timestamp
  form: string
  channel: string | null
  consumer_type: string | null
  topic: string
  complaint_topic: string | null
  request_type: string | null
  office_code: string | null
  branch_id: string | null
  answered_at: Timestamp | null
  closure: string | null
  contract_concluded: string | null
  complaint_settled: Generated<boolean>
  measures_done: string | null
  measures_planned: string | null
  repeat_of: string | null
  deadline_rule: string | null
  applicant_name: string | null
  phone: string | null
  email: string | null
  address: string | null
  account_number: string | null
  due_at: Timestamp | null
  deadline_rule_id: string | null
  due_calendar_gap: Generated<boolean>
  import_batch_id: string | null
  created_at: DefaultTimestamp
  updated_at: DefaultTimestamp
}

export interface CallTable {
  id: Id
  org_id: string
  call_id: string
  direction: 'in' | 'out'
  line: string | null
  started_at: Timestamp
  answered_at: Timestamp | null
  ended_at: Timestamp
  agent: string | null
  category: string | null
  callback_required: Generated<boolean>
  callback_at: Timestamp | null
  appeal_reg_number: string | null
  caller_phone: string | null
  branch_id: string | null
  callback_due_at: Timestamp | null
  /** queue legs of a call assembled from queue_log (JSON `CallLeg[]`); null: the call is its own single leg */
  legs: ColumnType<CallLeg[] | null, string | null | undefined, string | null>
  /** closed as «нет окончания в журнале»: counted apart, outside the call figures */
  no_ending: Generated<boolean>
  /** the queue wait is known (migration 0020, ADR 027): false for Asterisk CDR and 3CX calls, outside the waiting figures */
  wait_known: Generated<boolean>
  /** `phone_norm(caller_phone)`, a stored generated column (migration 0013): never written */
  phone_norm: ColumnType<string | null, never, never>
  import_batch_id: string | null
  created_at: DefaultTimestamp
  updated_at: DefaultTimestamp
}

/** One queue a consumer call went through (Asterisk overflow: one uniqueid, several queues). */
export interface CallLeg {
  line: string | null
  /** ENTERQUEUE, epoch seconds */
  entered: number
  /** CONNECT, epoch seconds */
  answered: number | null
  /** the leg's ending event, epoch seconds (null: no ending in the log) */
  ended: number | null
  agent: string | null
  /** answered here; overflowed (left unanswered for another queue); lost (unanswered, the call ended here); no_ending */
  outcome: 'answered' | 'overflowed' | 'lost' | 'no_ending'
  /** the ending event (COMPLETECALLER, EXITWITHTIMEOUT, BLINDTRANSFER …) */
  end: string | null
  /** rings not picked up in this queue (RINGNOANSWER, RINGCANCELED), per operator */
  missed: Record<string, number>
}

export interface QueueLogEventTable {
  org_id: string
  uniqueid: string
  at: Timestamp
  queue: string
  agent: string
  event: string
  data: string
  import_batch_id: string | null
}

export interface VisitTable {
  id: Id
  org_id: string
  ticket_id: string
  office_code: string
  branch_id: string | null
  service_kind: string
  issued_at: Timestamp
  called_at: Timestamp | null
  service_ended_at: Timestamp | null
  window: string | null
  agent: string | null
  consumer_type: string | null
  appeal_reg_number: string | null
  import_batch_id: string | null
  created_at: DefaultTimestamp
  updated_at: DefaultTimestamp
}

export interface QueueLogPendingTable {
  org_id: string
  call_id: string
  line: string | null
  started_at: Timestamp
  answered_at: Timestamp | null
  agent: string | null
  caller_phone: string | null
  import_batch_id: string | null
}

export interface AuditEventTable {
  id: Id
  org_id: string | null
  at: DefaultTimestamp
  user_id: string | null
  actor: string
  action: string
  object: string | null
  details: ColumnType<Record<string, unknown>, string | undefined, string>
  ip: string | null
}

export interface PhoneLineTable {
  org_id: string
  line: string
  branch_id: string
}

export type RollupKind = 'appeals' | 'appeal_due' | 'calls' | 'visits' | 'surveys'

export interface RollupStateTable {
  org_id: string
  kind: RollupKind
  params: string
  built_at: DefaultTimestamp
}

export interface RollupDirtyTable {
  org_id: string
  kind: RollupKind
  from_at: Timestamp
  to_at: Timestamp
}

type DayColumn = ColumnType<string, string, string>

export interface AppealDayTable {
  org_id: string
  day: DayColumn
  branch_id: string | null
  office_code: string | null
  form: string
  topic: string
  consumer_type: string | null
  complaint_topic: string | null
  request_type: string | null
  channel: string | null
  contract_concluded: string | null
  complaint_settled: boolean
  is_repeat: boolean
  received: number
}

export interface AppealDueDayTable extends Omit<AppealDayTable, 'received' | 'channel' | 'contract_concluded' | 'complaint_settled' | 'is_repeat'> {
  deadline_rule_id: string | null
  due: number
  on_time: number
  late: number
  unanswered: number
}

/** call_hour without line and category (migration 0027): what the calls by hour read unless narrowed to either */
export type CallHourTotalTable = Omit<CallHourTable, 'line' | 'category'>

export interface CallHourTable {
  org_id: string
  day: DayColumn
  hour: number
  branch_id: string | null
  line: string | null
  category: string | null
  direction: string
  calls: number
  abandoned: number
  short_abandoned: number
  answered_in_sl: number
  wait_judged: number
}

export interface LostDayTable {
  org_id: string
  day: DayColumn
  branch_id: string | null
  lost: number
  callback: number
  own_call: number
  not_reached: number
  no_number: number
  judged: number
  in_time: number
  reach_sum: number
  reach_count: number
  built_at: Timestamp
  changes_at: Timestamp | null
}

export interface NormDayTable {
  org_id: string
  domain: 'calls' | 'visits'
  rule_id: string
  day: DayColumn
  start_day: DayColumn
  branch_id: string | null
  line: string | null
  category: string | null
  direction: string | null
  office_code: string | null
  service_kind: string | null
  consumer_type: string | null
  records: number
  within: number
  beyond: number
  missing: number
  missing_late: number
  measured_sum: number
  built_at: Timestamp
  changes_at: Timestamp | null
}

export interface CallDayTable {
  org_id: string
  day: DayColumn
  branch_id: string | null
  line: string | null
  category: string | null
  direction: string
  calls: number
  answered: number
  abandoned: number
  short_abandoned: number
  answered_in_sl: number
  wait_sum: number
  handle_sum: number
  callbacks_required: number
  callbacks_done: number
  callbacks_in_time: number
  no_ending: number
  legs: number
  legs_answered: number
  legs_overflowed: number
  legs_lost: number
  leg_wait_sum: number
  /** answered incoming calls with a known wait (migration 0020) */
  wait_answered: number
  /** incoming calls with a known wait, short abandons aside: the service level's denominator */
  wait_judged: number
  /** answered queue legs of calls with a known wait */
  legs_wait_answered: number
}

export interface VisitDayTable {
  org_id: string
  day: DayColumn
  branch_id: string | null
  office_code: string
  service_kind: string
  consumer_type: string | null
  visits: number
  served: number
  no_shows: number
  completed: number
  wait_sum: number
  service_sum: number
  wait_judged: number
  wait_within: number
  wait_hist: number[]
  service_hist: number[]
}

export interface ReportInputTable {
  org_id: string
  report_id: string
  year: number
  table_code: string
  data: ColumnType<unknown, string, string>
  updated_by: string | null
  updated_at: DefaultTimestamp
}

export interface ReportSnapshotTable {
  id: Id
  org_id: string
  report_id: string
  year: number
  as_of: Timestamp
  template_version: string
  figures: ColumnType<unknown, string, string>
  checks: ColumnType<unknown, string, string>
  file_name: string
  file: Uint8Array
  file_sha256: string
  frozen_by: string | null
  frozen_by_name: string
  frozen_at: DefaultTimestamp
  /** null: organisation-wide; else the branches (ids) the snapshot covers */
  scope_branches: string[] | null
  /** the rendered tables except the register (PublishedForm), for the publication */
  tables: ColumnType<unknown, string | null, string | null> | null
  scope_label: Generated<string>
  freeze_key: string | null
  pdf: Uint8Array | null
  filed_on: ColumnType<string | null, string | null, string | null>
  filed_number: string | null
  filed_by: string | null
  filed_by_name: string | null
  filed_at: Date | null
  replaces: string | null
  replaced_by: string | null
  change_note: string | null
  published_html: string | null
  published_file: Uint8Array | null
  published_at: Date | null
  published_by_name: string | null
  public_token: string | null
  public_enabled: Generated<boolean>
}

export interface SurveyTable {
  id: Id
  org_id: string
  title: string
  intro: string | null
  subject_kind: 'organisation' | 'office' | 'form' | 'topic'
  subject_code: string | null
  opens_on: ColumnType<Date, string, string>
  closes_on: ColumnType<Date | null, string | null, string | null>
  questions: ColumnType<unknown, string, string>
  created_by: string | null
  created_at: DefaultTimestamp
  updated_at: DefaultTimestamp
}

export interface SurveyBatchTable {
  id: Id
  org_id: string
  survey_id: string
  delivery: 'sms' | 'email' | 'phone' | 'other'
  closed_from: ColumnType<Date, string, string>
  closed_to: ColumnType<Date, string, string>
  requested: number
  eligible: number
  created: number
  expires_at: Timestamp | null
  created_by: string | null
  created_by_name: string
  created_at: DefaultTimestamp
}

export interface SurveyInvitationTable {
  id: Id
  org_id: string
  survey_id: string
  token: string
  single_use: boolean
  delivery: 'sms' | 'email' | 'phone' | 'qr' | 'other'
  batch_id: string | null
  appeal_id: string | null
  call_id: string | null
  visit_id: string | null
  branch_id: string | null
  office_code: string | null
  form: string | null
  topic: string | null
  consumer_type: string | null
  expires_at: Timestamp | null
  created_by: string | null
  created_at: DefaultTimestamp
}

export interface SurveyResponseTable {
  id: Id
  org_id: string
  survey_id: string
  invitation_id: string | null
  single_use: Generated<boolean>
  collected_by: 'link' | 'qr' | 'phone'
  branch_id: string | null
  office_code: string | null
  form: string | null
  topic: string | null
  consumer_type: string | null
  appeal_id: string | null
  call_id: string | null
  visit_id: string | null
  entered_by: string | null
  submitted_at: DefaultTimestamp
}

export interface SurveyAnswerTable {
  response_id: string
  question_id: string
  kind: 'csat' | 'nps' | 'ces' | 'single' | 'multi' | 'text'
  score: number | null
  choices: number[] | null
  text: string | null
}

export interface SurveyDayTable {
  org_id: string
  day: ColumnType<Date, string, string>
  survey_id: string
  branch_id: string | null
  office_code: string | null
  form: string | null
  topic: string | null
  consumer_type: string | null
  delivery: string
  responses: number
  csat_answers: number
  csat_satisfied: number
  csat_sum: number
  nps_answers: number
  promoters: number
  detractors: number
  ces_answers: number
  ces_sum: number
  invitations: number
  invitations_answered: number
}

export interface DB {
  organisation: OrganisationTable
  branch: BranchTable
  app_user: AppUserTable
  import_batch: ImportBatchTable
  import_rejection: ImportRejectionTable
  column_mapping: ColumnMappingTable
  office: OfficeTable
  deadline_rule: DeadlineRuleTable
  calendar_day: CalendarDayTable
  data_change: DataChangeTable
  calendar_year: CalendarYearTable
  appeal: AppealTable
  call: CallTable
  visit: VisitTable
  queue_log_pending: QueueLogPendingTable
  queue_log_event: QueueLogEventTable
  audit_event: AuditEventTable
  app_setting: AppSettingTable
  sign_in_attempt: SignInAttemptTable
  rate_hit: RateHitTable
  user_session: UserSessionTable
  phone_line: PhoneLineTable
  rollup_state: RollupStateTable
  rollup_dirty: RollupDirtyTable
  appeal_day: AppealDayTable
  appeal_due_day: AppealDueDayTable
  call_day: CallDayTable
  norm_day: NormDayTable
  lost_day: LostDayTable
  call_hour: CallHourTable
  call_hour_total: CallHourTotalTable
  visit_day: VisitDayTable
  report_input: ReportInputTable
  report_snapshot: ReportSnapshotTable
  survey: SurveyTable
  survey_batch: SurveyBatchTable
  survey_invitation: SurveyInvitationTable
  survey_response: SurveyResponseTable
  survey_answer: SurveyAnswerTable
  survey_day: SurveyDayTable
  mail_subscription: MailSubscriptionTable
  mail_unsubscribed: MailUnsubscribedTable
  mail_send: MailSendTable
  integration_token: IntegrationTokenTable
  saved_view: SavedViewTable
}

export interface MailSubscriptionTable {
  id: Id
  org_id: string
  user_id: string
  kind: 'alert' | 'delivery'
  /** alerts: 'worklist'; deliveries: a MailView (app/mail/views.server.ts) */
  view: string
  format: Generated<'xlsx' | 'pdf'>
  frequency: Generated<'daily' | 'weekly' | 'monthly'>
  /** `HH:MM` on the organisation's clock */
  local_time: Generated<string>
  due_days: Generated<number>
  /** external addresses (set by an administrator); the owner's own address is his login's e-mail */
  addresses: Generated<string[]>
  active: Generated<boolean>
  created_at: DefaultTimestamp
}

export interface MailSendParams {
  asOf: string
  from?: string
  to?: string
}

export interface MailUnsubscribedTable {
  subscription_id: string
  address: string
  at: DefaultTimestamp
}

export interface MailSendTable {
  id: Id
  org_id: string
  subscription_id: string | null
  slot_key: string
  address: string
  subject: string
  what: string
  /** what to build: `{ asOf, from?, to? }` (ISO instant, local dates) — a retry builds the same message */
  params: ColumnType<MailSendParams, string, string>
  status: Generated<'pending' | 'sending' | 'sent' | 'retry' | 'failed' | 'empty'>
  attempts: Generated<number>
  next_attempt_at: DefaultTimestamp
  smtp_response: string | null
  message_id: string | null
  created_at: DefaultTimestamp
  sent_at: Timestamp | null
}

/** A key for the import API (ADR 017): only the SHA-256 of its secret is kept. */
export interface IntegrationTokenTable {
  id: Id
  org_id: string
  name: string
  kinds: string[]
  /** null: the whole organisation */
  branch_ids: string[] | null
  secret_hash: string
  /** the secret's first characters, to tell tokens apart */
  prefix: string
  expires_at: Timestamp | null
  created_at: DefaultTimestamp
  created_by: string | null
  created_by_name: string
  revoked_at: Timestamp | null
  revoked_by_name: string | null
  last_used_at: Timestamp | null
}

export type Organisation = Selectable<OrganisationTable>

/** One row per statement on a watched table: the view cache's data generation (ADR 013). */
export interface DataChangeTable {
  id: Generated<string>
  source: string
  at: DefaultTimestamp
}

/** A user's named filter set of a page (migration 0014, ADR 020): the page's query string. */
export interface SavedViewTable {
  id: Id
  user_id: string
  page: string
  name: string
  query: string
  created_at: DefaultTimestamp
}
