/**
 * Daily figures (ADR 010). The raw tables mark what they changed in `rollup_dirty` (triggers of migration
 * 0004); `refreshRollups` rebuilds those local days of the organisation, and rebuilds a kind as a whole
 * when what went into it changed (time zone, short-abandon and service-level thresholds, norms). Imports
 * call it after their commit; the dashboard calls it before reading, so a figure is never stale.
 */
import { type Expression, type Kysely, type RawBuilder, sql } from 'kysely'
import type { Database } from '#db/client.server.ts'
import { type ColumnOf, columnList, columnsOf } from '#db/columns.ts'
import type { DB, RollupKind } from '#db/schema.ts'
import { HIST_BOUNDS } from './sums.ts'
import { loadNormRules, refreshNormDays, ruleKey } from '#reports/deadlines/norms.server.ts'
import { REACH_WINDOW_DAYS, lostCallsSetup, lostSetupKey, refreshLostDays } from '#reports/callbacks/callbacks.server.ts'
import { dayNumber, dayText } from '#reports/time/days.ts'

const KINDS: readonly RollupKind[] = ['appeals', 'appeal_due', 'calls', 'visits', 'surveys']

export { HIST_BOUNDS } from './sums.ts'

/** Default service-level threshold when neither the organisation nor a pickup rule sets one. */
export const DEFAULT_SERVICE_LEVEL_SECONDS = 20

const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600 }
const VISIT_FILTERS = ['service_kind', 'office_code', 'consumer_type', 'window'] as const satisfies readonly ColumnOf<'visit'>[]

export interface VisitWaitNorm {
  code: string
  filter: Record<string, string | string[]>
  seconds: number
}

/** Everything that goes into the rollups besides the raw rows. */
export interface RollupParams {
  zone: string
  shortAbandonSeconds: number
  serviceLevelSeconds: number
  /** where the service-level threshold came from */
  serviceLevelSource: 'organisation' | 'rule' | 'default'
  callbackSeconds: number | null
  /** the wait norms of visits, first match wins (as rules are chosen) */
  visitWaitNorms: VisitWaitNorm[]
  /** the minute norms norm_day is built for (ADR 032), per domain: what of each rule goes into it */
  normRules: { calls: unknown[][]; visits: unknown[][] }
  /** what of the lost-call setup goes into lost_day (null: a norm in days, not rolled up) */
  lostSetup: unknown[] | null
}

export async function loadRollupParams(db: Kysely<DB>, orgId: string): Promise<RollupParams> {
  const org = await db
    .selectFrom('organisation')
    .select(['time_zone', 'short_abandon_seconds', 'service_level_seconds'])
    .where('id', '=', orgId)
    .executeTakeFirst()
  if (!org) throw new Error(`organisation ${orgId} not found`)
  const rules = await db
    .selectFrom('deadline_rule')
    .select(['code', 'applies_to', 'filter', 'start_field', 'stop_field', 'amount', 'unit'])
    .where('org_id', '=', orgId)
    .where('active', '=', true)
    .where('applies_to', 'in', ['calls', 'visits'])
    .where('unit', 'in', ['seconds', 'minutes', 'hours'])
    .orderBy('priority')
    .orderBy('id')
    .execute()
  const seconds = (r: { amount: string; unit: string }) => Number(r.amount) * (UNIT_SECONDS[r.unit] ?? 60)
  const pickup = rules.find((r) => r.applies_to === 'calls' && r.start_field === 'started_at' && r.stop_field === 'answered_at')
  const callback = rules.find((r) => r.applies_to === 'calls' && r.start_field === 'ended_at' && r.stop_field === 'callback_at')
  const serviceLevelSource = org.service_level_seconds !== null ? 'organisation' : pickup ? 'rule' : 'default'
  const normRules = await loadNormRules(db, orgId)
  const lostSetup = lostSetupKey(await lostCallsSetup(db, orgId))
  return {
    lostSetup,
    normRules: {
      calls: normRules.filter((r) => r.appliesTo === 'calls').map(ruleKey),
      visits: normRules.filter((r) => r.appliesTo === 'visits').map(ruleKey),
    },
    zone: org.time_zone,
    shortAbandonSeconds: org.short_abandon_seconds,
    serviceLevelSeconds: org.service_level_seconds ?? (pickup ? seconds(pickup) : DEFAULT_SERVICE_LEVEL_SECONDS),
    serviceLevelSource,
    callbackSeconds: callback ? seconds(callback) : null,
    visitWaitNorms: rules
      .filter((r) => r.applies_to === 'visits' && r.start_field === 'issued_at' && r.stop_field === 'called_at')
      .map((r) => ({ code: r.code, filter: r.filter, seconds: seconds(r) })),
  }
}

function paramsOf(kind: RollupKind, p: RollupParams): string {
  switch (kind) {
    case 'appeals':
    case 'appeal_due':
    case 'surveys':
      return JSON.stringify({ zone: p.zone })
    case 'calls':
      return JSON.stringify({
        zone: p.zone,
        short: p.shortAbandonSeconds,
        sl: p.serviceLevelSeconds,
        callback: p.callbackSeconds,
        norms: p.normRules.calls,
        lost: p.lostSetup,
      })
    case 'visits':
      return JSON.stringify({ zone: p.zone, waitNorms: p.visitWaitNorms, hist: HIST_BOUNDS, norms: p.normRules.visits })
  }
}

/** The wait norm of a visit as SQL: the first rule whose filter the visit matches (whitelisted columns only). */
export function visitNormSql(norms: readonly VisitWaitNorm[], alias = 'v'): RawBuilder<number | null> {
  const v = columnsOf('visit', alias)
  const branches = norms.flatMap((n) => {
    if (n.filter.explicit === 'true') return []
    const conditions = Object.entries(n.filter)
      .filter((entry): entry is [(typeof VISIT_FILTERS)[number], string | string[]] => (VISIT_FILTERS as readonly string[]).includes(entry[0]))
      .map(([field, want]) => sql`${v(field)}::text in (${sql.join((Array.isArray(want) ? want : [want]).map((w) => sql.lit(w)))})`)
    return [sql`when ${conditions.length ? sql.join(conditions, sql` and `) : sql`true`} then ${sql.lit(Number(n.seconds))}`]
  })
  return branches.length ? sql<number | null>`case ${sql.join(branches, sql` `)} end` : sql<number | null>`null::float8`
}

const histogramSql = (expr: Expression<unknown>, where: Expression<boolean>) =>
  sql`array[${sql.join(
    HIST_BOUNDS.map(
      (_, i) =>
        sql`count(*) filter (where ${where} and width_bucket(${expr}, array[${sql.join(
          HIST_BOUNDS.map((b) => sql.lit(b)),
          sql`,`,
        )}]::float8[]) = ${sql.lit(i + 1)})::int`,
    ),
  )}]`

/** Seconds from one instant to another. */
const epoch = (from: Expression<Date | null>, to: Expression<Date | null>) => sql<number>`extract(epoch from ${to} - ${from})`

/** The sums of a rollup, summed again over the two kinds of rows of a union (`u`): the same names as the rollup's columns. */
const sumsOf = <T extends 'call_day' | 'survey_day'>(table: T, columns: readonly ColumnOf<T>[]) => {
  const u = columnsOf(table)
  return sql.join(columns.map((c) => sql`sum(${u(c)})`))
}

const CALL_DAY_KEYS = ['org_id', 'day', 'branch_id', 'line', 'category', 'direction'] as const satisfies readonly ColumnOf<'call_day'>[]
const CALL_DAY_SUMS = [
  'calls',
  'answered',
  'abandoned',
  'short_abandoned',
  'answered_in_sl',
  'wait_sum',
  'handle_sum',
  'callbacks_required',
  'callbacks_done',
  'callbacks_in_time',
  'no_ending',
  'legs',
  'legs_answered',
  'legs_overflowed',
  'legs_lost',
  'leg_wait_sum',
  'wait_answered',
  'wait_judged',
  'legs_wait_answered',
] as const satisfies readonly ColumnOf<'call_day'>[]
const CALL_HOUR_KEYS = ['org_id', 'day', 'hour', 'branch_id', 'line', 'category', 'direction'] as const satisfies readonly ColumnOf<'call_hour'>[]
const CALL_HOUR_SUMS = ['calls', 'abandoned', 'short_abandoned', 'answered_in_sl', 'wait_judged'] as const satisfies readonly ColumnOf<'call_hour'>[]
const SURVEY_DAY_KEYS = [
  'org_id',
  'day',
  'survey_id',
  'branch_id',
  'office_code',
  'form',
  'topic',
  'consumer_type',
  'delivery',
] as const satisfies readonly ColumnOf<'survey_day'>[]
const SURVEY_DAY_SUMS = [
  'responses',
  'csat_answers',
  'csat_satisfied',
  'csat_sum',
  'nps_answers',
  'promoters',
  'detractors',
  'ces_answers',
  'ces_sum',
  'invitations',
  'invitations_answered',
] as const satisfies readonly ColumnOf<'survey_day'>[]

/** A local day of the organisation's zone (`YYYY-MM-DD`), as the instant it starts at. */
const dayStart = (day: Expression<string>, zone: RawBuilder<unknown>) => sql`(${day}::date)::timestamp at time zone ${zone}`
const dayEnd = (day: Expression<string>, zone: RawBuilder<unknown>) => sql`(${day}::date + 1)::timestamp at time zone ${zone}`

/**
 * Rows of one kind for local days `range.from`…`range.to` (inclusive, `YYYY-MM-DD`), or all when no range.
 * The zone and the thresholds are literals (as they were when this was text): the planner sees the same statement.
 */
function insertSql(kind: RollupKind | 'call_hours', p: RollupParams, orgId: string, range?: { from: string; to: string }): RawBuilder<unknown> {
  const z = sql.lit(p.zone)
  const from = range ? sql.val(range.from) : undefined
  const to = range ? sql.val(range.to) : undefined
  const within = (column: Expression<Date | null>) => (from && to ? sql`and ${column} >= ${dayStart(from, z)} and ${column} < ${dayEnd(to, z)}` : sql``)
  switch (kind) {
    case 'appeals': {
      const a = columnsOf('appeal')
      return sql`insert into appeal_day (${columnList('appeal_day', [
        'org_id',
        'day',
        'branch_id',
        'office_code',
        'form',
        'topic',
        'consumer_type',
        'complaint_topic',
        'request_type',
        'channel',
        'contract_concluded',
        'complaint_settled',
        'is_repeat',
        'received',
      ])})
        select ${a('org_id')}, (${a('received_at')} at time zone ${z})::date, ${a('branch_id')}, ${a('office_code')}, ${a('form')}, ${a('topic')},
          ${a('consumer_type')}, ${a('complaint_topic')}, ${a('request_type')}, ${a('channel')}, ${a('contract_concluded')}, ${a('complaint_settled')},
          ${a('repeat_of')} is not null, count(*)
        from appeal where ${a('org_id')} = ${orgId} ${within(a('received_at'))}
        group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13`
    }
    case 'appeal_due': {
      // a term ending at 24:00 is stored as 00:00 of the next day: the day is that of the last instant of the term
      const a = columnsOf('appeal')
      return sql`insert into appeal_due_day (${columnList('appeal_due_day', [
        'org_id',
        'day',
        'branch_id',
        'office_code',
        'form',
        'topic',
        'consumer_type',
        'complaint_topic',
        'request_type',
        'deadline_rule_id',
        'due',
        'on_time',
        'late',
        'unanswered',
      ])})
        select ${a('org_id')}, ((${a('due_at')} - interval '1 microsecond') at time zone ${z})::date, ${a('branch_id')}, ${a('office_code')}, ${a('form')},
          ${a('topic')}, ${a('consumer_type')}, ${a('complaint_topic')}, ${a('request_type')}, ${a('deadline_rule_id')},
          count(*), count(*) filter (where ${a('answered_at')} <= ${a('due_at')}), count(*) filter (where ${a('answered_at')} > ${a('due_at')}),
          count(*) filter (where ${a('answered_at')} is null)
        from appeal where ${a('org_id')} = ${orgId} and ${a('due_at')} is not null
          ${from && to ? sql`and ${a('due_at')} > ${dayStart(from, z)} and ${a('due_at')} <= ${dayEnd(to, z)}` : sql``}
        group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10`
    }
    case 'calls':
    case 'call_hours': {
      // Two kinds of rows (ADR 016). Contact rows: one consumer call once, on its own line (where it was answered,
      // else where it ended); a call closed as «нет окончания в журнале» only in `no_ending`. Leg rows: each queue a
      // call went through, on that queue's line, by the call's start day (figures by line).
      const r = columnsOf('call')
      const c = columnsOf('call', 'c')
      const wait = epoch(r('started_at'), r('answered_at'))
      const contact = sql`not ${r('no_ending')}`
      // ADR 027: the waiting figures count only calls whose queue wait is known (not Asterisk CDR, 3CX)
      const waitKnown = sql`${contact} and ${r('wait_known')}`
      const answered = sql`${r('answered_at')} is not null`
      const unanswered = sql`${r('answered_at')} is null`
      const leg = sql`case when ${c('legs')} is null then ${c('line')} else l.value->>'line' end`
      const outcome = sql`case when ${c('legs')} is not null then l.value->>'outcome' when ${c('no_ending')} then 'no_ending'
        when ${c('answered_at')} is not null then 'answered' else 'lost' end`
      const legWait = sql`case when ${c('legs')} is null then ${epoch(c('started_at'), c('answered_at'))}
        else (l.value->>'answered')::float8 - (l.value->>'entered')::float8 end`
      const callbackInTime =
        p.callbackSeconds === null
          ? sql`0`
          : sql`count(*) filter (where ${r('callback_required')} and ${r('callback_at')} is not null and ${epoch(r('ended_at'), r('callback_at'))} <= ${sql.lit(
              Number(p.callbackSeconds),
            )})`
      // a call once, on its own line (contact rows); with `hour`, also by the local hour it began (call_hour)
      const contactRows = (byHour: boolean) => sql`
          select ${r('org_id')}, (${r('started_at')} at time zone ${z})::date as day, ${r('branch_id')}, ${r('line')}, ${r('category')}, ${r('direction')}${byHour ? sql`, extract(hour from (${r('started_at')} at time zone ${z}))::int as hour` : sql``},
            count(*) filter (where ${contact}) as calls,
            count(*) filter (where ${contact} and ${answered}) as answered,
            count(*) filter (where ${contact} and ${unanswered}) as abandoned,
            count(*) filter (where ${contact} and ${unanswered} and ${epoch(r('started_at'), r('ended_at'))} < ${sql.lit(Number(p.shortAbandonSeconds))}) as short_abandoned,
            count(*) filter (where ${waitKnown} and ${answered} and ${wait} <= ${sql.lit(Number(p.serviceLevelSeconds))}) as answered_in_sl,
            coalesce(sum(${wait}) filter (where ${waitKnown} and ${answered}), 0) as wait_sum,
            coalesce(sum(${epoch(r('answered_at'), r('ended_at'))}) filter (where ${contact} and ${answered}), 0) as handle_sum,
            count(*) filter (where ${r('callback_required')}) as callbacks_required,
            count(*) filter (where ${r('callback_required')} and ${r('callback_at')} is not null) as callbacks_done,
            ${callbackInTime} as callbacks_in_time,
            count(*) filter (where ${r('no_ending')}) as no_ending,
            0 as legs, 0 as legs_answered, 0 as legs_overflowed, 0 as legs_lost, 0::float8 as leg_wait_sum,
            count(*) filter (where ${waitKnown} and ${answered}) as wait_answered,
            count(*) filter (where ${waitKnown} and not (${unanswered} and ${epoch(r('started_at'), r('ended_at'))} < ${sql.lit(Number(p.shortAbandonSeconds))})) as wait_judged,
            0 as legs_wait_answered
          from call where ${r('org_id')} = ${orgId} ${within(r('started_at'))}
          group by 1, 2, 3, 4, 5, 6${byHour ? sql`, 7` : sql``}`
      // the calls by the local hour they began (ADR 032): the cockpit's «when are calls lost», contact rows only
      if (kind === 'call_hours')
        return sql`insert into call_hour (${columnList('call_hour', [...CALL_HOUR_KEYS, ...CALL_HOUR_SUMS])})
          select ${columnList('call_hour', [...CALL_HOUR_KEYS, ...CALL_HOUR_SUMS])} from (${contactRows(true)}) x`
      return sql`insert into call_day (${columnList('call_day', [...CALL_DAY_KEYS, ...CALL_DAY_SUMS])})
        select ${columnList('call_day', CALL_DAY_KEYS)}, ${sumsOf('call_day', CALL_DAY_SUMS)}
        from (
          ${contactRows(false)}
          union all
          select org_id, day, branch_id, line, category, direction, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            count(*) filter (where outcome <> 'no_ending'), count(*) filter (where outcome = 'answered'), count(*) filter (where outcome = 'overflowed'),
            count(*) filter (where outcome = 'lost'), coalesce(sum(leg_wait) filter (where outcome = 'answered' and wait_known), 0),
            0, 0, count(*) filter (where outcome = 'answered' and wait_known)
          from (
            select ${c('org_id')}, (${c('started_at')} at time zone ${z})::date as day, ${c('branch_id')}, ${leg} as line, ${c('category')}, ${c('direction')},
              ${outcome} as outcome, ${legWait} as leg_wait, ${c('wait_known')}
            from call c left join lateral jsonb_array_elements(${c('legs')}) l on true
            where ${c('org_id')} = ${orgId} and ${c('direction')} = 'in' ${within(c('started_at'))}
          ) legs
          group by 1, 2, 3, 4, 5, 6
        ) u
        group by 1, 2, 3, 4, 5, 6`
    }
    case 'visits': {
      const v = columnsOf('visit', 'v')
      const called = sql<boolean>`${v('called_at')} is not null`
      const completed = sql<boolean>`${v('called_at')} is not null and ${v('service_ended_at')} is not null`
      const wait = epoch(v('issued_at'), v('called_at'))
      const service = epoch(v('called_at'), v('service_ended_at'))
      return sql`insert into visit_day (${columnList('visit_day', [
        'org_id',
        'day',
        'branch_id',
        'office_code',
        'service_kind',
        'consumer_type',
        'visits',
        'served',
        'no_shows',
        'completed',
        'wait_sum',
        'service_sum',
        'wait_judged',
        'wait_within',
        'wait_hist',
        'service_hist',
      ])})
        select ${v('org_id')}, v.day, ${v('branch_id')}, ${v('office_code')}, ${v('service_kind')}, ${v('consumer_type')}, count(*),
          count(*) filter (where ${called}),
          count(*) filter (where ${v('called_at')} is null),
          count(*) filter (where ${completed}),
          coalesce(sum(${wait}) filter (where ${called}), 0),
          coalesce(sum(${service}) filter (where ${completed}), 0),
          count(*) filter (where ${called} and v.norm is not null),
          count(*) filter (where ${called} and ${wait} <= v.norm),
          ${histogramSql(wait, called)},
          ${histogramSql(service, completed)}
        from (select v.*, (${v('issued_at')} at time zone ${z})::date as day, ${visitNormSql(p.visitWaitNorms)} as norm
              from visit v where ${v('org_id')} = ${orgId} ${within(v('issued_at'))}) v
        group by 1, 2, 3, 4, 5, 6`
    }
    case 'surveys': {
      // responses by the day they were submitted (each answer to a CSAT/NPS/CES question counted), personal
      // links by the day they were made; how a response came is its link's delivery, or QR, or the operator
      const r = columnsOf('survey_response', 'r')
      const i = columnsOf('survey_invitation', 'i')
      const x = columnsOf('survey_response', 'x')
      const s = columnsOf('survey_answer')
      const csat = sql`${s('kind')} = 'csat'`
      const nps = sql`${s('kind')} = 'nps'`
      const ces = sql`${s('kind')} = 'ces'`
      return sql`insert into survey_day (${columnList('survey_day', [...SURVEY_DAY_KEYS, ...SURVEY_DAY_SUMS])})
        select ${columnList('survey_day', SURVEY_DAY_KEYS)}, ${sumsOf('survey_day', SURVEY_DAY_SUMS)}
        from (
          select ${r('org_id')}, (${r('submitted_at')} at time zone ${z})::date as day, ${r('survey_id')}, ${r('branch_id')}, ${r('office_code')}, ${r('form')},
            ${r('topic')}, ${r('consumer_type')},
            coalesce(${i('delivery')}, case ${r('collected_by')} when 'phone' then 'phone' when 'qr' then 'qr' else 'other' end) as delivery, 1 as responses,
            a.csat_answers, a.csat_satisfied, a.csat_sum, a.nps_answers, a.promoters, a.detractors, a.ces_answers, a.ces_sum, 0 as invitations, 0 as invitations_answered
          from survey_response r
            left join survey_invitation i on ${i('id')} = ${r('invitation_id')}
            cross join lateral (
              select count(*) filter (where ${csat}) as csat_answers, count(*) filter (where ${csat} and ${s('score')} >= 4) as csat_satisfied,
                coalesce(sum(${s('score')}) filter (where ${csat}), 0) as csat_sum, count(*) filter (where ${nps}) as nps_answers,
                count(*) filter (where ${nps} and ${s('score')} >= 9) as promoters, count(*) filter (where ${nps} and ${s('score')} <= 6) as detractors,
                count(*) filter (where ${ces}) as ces_answers, coalesce(sum(${s('score')}) filter (where ${ces}), 0) as ces_sum
              from survey_answer where ${s('response_id')} = ${r('id')}) a
          where ${r('org_id')} = ${orgId} ${within(r('submitted_at'))}
          union all
          select ${i('org_id')}, (${i('created_at')} at time zone ${z})::date, ${i('survey_id')}, ${i('branch_id')}, ${i('office_code')}, ${i('form')}, ${i('topic')},
            ${i('consumer_type')}, ${i('delivery')}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, (${x('id')} is not null)::int
          from survey_invitation i
            -- a single-use link has at most one response (survey_response_once)
            left join survey_response x on ${x('invitation_id')} = ${i('id')} and ${x('single_use')}
          where ${i('org_id')} = ${orgId} and ${i('single_use')} ${within(i('created_at'))}
        ) u
        group by 1, 2, 3, 4, 5, 6, 7, 8, 9`
    }
  }
}

const TABLES = {
  appeals: 'appeal_day',
  appeal_due: 'appeal_due_day',
  calls: 'call_day',
  visits: 'visit_day',
  surveys: 'survey_day',
} as const satisfies Record<RollupKind, keyof DB>

export interface RefreshResult {
  kind: RollupKind
  mode: 'full' | 'days'
  from?: string
  to?: string
}

/**
 * The rows of one kind for local days `range` (all when none), and of the tables built beside it: calls by hour
 * (call_hour, and call_hour_total from it) and lost calls with the call rollup, minute norms with the call and visit rollups (ADR 032).
 */
async function rebuild(trx: Kysely<DB>, kind: RollupKind, params: RollupParams, orgId: string, range?: { from: string; to: string }): Promise<void> {
  const days = (table: keyof DB & ('call_hour' | 'call_hour_total' | (typeof TABLES)[RollupKind])) => {
    const q = trx.deleteFrom(table).where('org_id', '=', orgId)
    return range ? q.where(sql<boolean>`day between ${range.from}::date and ${range.to}::date`) : q
  }
  await days(TABLES[kind]).execute()
  await insertSql(kind, params, orgId, range).execute(trx)
  if (kind === 'calls') {
    await days('call_hour').execute()
    await insertSql('call_hours', params, orgId, range).execute(trx)
    await days('call_hour_total').execute()
    const h = columnsOf('call_hour')
    const total = CALL_HOUR_KEYS.filter((k): k is Exclude<typeof k, 'line' | 'category'> => k !== 'line' && k !== 'category')
    await sql`insert into call_hour_total (${columnList('call_hour_total', [...total, ...CALL_HOUR_SUMS])})
      select ${sql.join(total.map((k) => h(k)))}, ${sql.join(CALL_HOUR_SUMS.map((k) => sql`sum(${h(k)})`))}
      from call_hour where ${h('org_id')} = ${orgId} ${range ? sql`and ${h('day')} between ${range.from}::date and ${range.to}::date` : sql``}
      group by ${sql.join(total.map((k) => h(k)))}`.execute(trx)
    // a call of a changed day may reach the caller of a lost call up to a week before it
    await refreshLostDays(trx, orgId, range && { from: dayText(dayNumber(range.from) - REACH_WINDOW_DAYS - 1), to: range.to })
  }
  if (kind === 'calls' || kind === 'visits') await refreshNormDays(trx, orgId, kind, params.zone, range)
}

/**
 * Brings the rollups of an organisation up to date: changed days, or a kind as a whole when its
 * parameters changed. One transaction; concurrent refreshes of one organisation wait for each other.
 * Returns the parameters the rollups now stand on (for the figures read next) and what was rebuilt.
 */
export async function refreshRollups(database: Database, orgId: string): Promise<{ params: RollupParams; refreshed: RefreshResult[] }> {
  return database.db.transaction().execute(async (trx) => {
    const done: RefreshResult[] = []
    await sql`select pg_advisory_xact_lock(hashtextextended(${`sq-rollup:${orgId}`}, 0))`.execute(trx)
    const params = await loadRollupParams(trx, orgId)
    const states = new Map(
      (await trx.selectFrom('rollup_state').select(['kind', 'params']).where('org_id', '=', orgId).execute()).map((r) => [r.kind, r.params]),
    )
    const z = sql.lit(params.zone)
    for (const kind of KINDS) {
      const wanted = paramsOf(kind, params)
      if (states.get(kind) !== wanted) {
        await trx.deleteFrom('rollup_dirty').where('org_id', '=', orgId).where('kind', '=', kind).execute()
        await rebuild(trx, kind, params, orgId)
        await trx
          .insertInto('rollup_state')
          .values({ org_id: orgId, kind, params: wanted, built_at: sql<Date>`now()` })
          .onConflict((oc) =>
            oc.columns(['org_id', 'kind']).doUpdateSet((eb) => ({ params: eb.ref('excluded.params'), built_at: eb.ref('excluded.built_at') })),
          )
          .execute()
        done.push({ kind, mode: 'full' })
        continue
      }
      // the due day is that of the term's last instant (see insertSql)
      const shift = (instant: RawBuilder<Date | null>) => (kind === 'appeal_due' ? sql`${instant} - interval '1 microsecond'` : instant)
      const range = await trx
        .with('taken', (db) => db.deleteFrom('rollup_dirty').where('org_id', '=', orgId).where('kind', '=', kind).returning(['from_at', 'to_at']))
        .selectFrom('taken')
        .select([
          sql<string | null>`to_char((${shift(sql`min(from_at)`)}) at time zone ${z}, 'YYYY-MM-DD')`.as('from'),
          sql<string | null>`to_char((${shift(sql`max(to_at)`)}) at time zone ${z}, 'YYYY-MM-DD')`.as('to'),
        ])
        .executeTakeFirst()
      if (!range?.from || !range.to) continue
      await rebuild(trx, kind, params, orgId, { from: range.from, to: range.to })
      done.push({ kind, mode: 'days', from: range.from, to: range.to })
    }
    return { params, refreshed: done }
  })
}
