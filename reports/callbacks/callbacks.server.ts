/**
 * Lost calls called back (issue 18, ADR 019): for every unanswered inbound call beyond the short-abandon
 * threshold, whether the caller was reached afterwards — by the organisation's answered outbound call to the
 * same number (a callback) or by the caller's own later answered inbound call — and whether within the
 * organisation's callback norm, counted from the end of the lost call.
 *
 * Computed in SQL over `call.phone_norm` (a stored generated column, the canonical number): one index look-up
 * (`call_org_phone_answered`) per lost call finds the first later answered call of that number in the whole
 * organisation (a callback from another branch's line still reached the caller). The norm's due instant is
 * `end + amount` for minutes and hours (wall clock, deadlines.md) and, for day units, the engine's `dueAt`
 * of each local day of the period, passed in as a small table (the production calendar stays in one place).
 * Nothing is stored, so a new import, a changed norm or calendar shows at once (the view cache's generation
 * watches `call`, `organisation`, `deadline_rule` and `calendar_day`).
 */
import { type RawBuilder, sql } from 'kysely'
import type { Db } from '#db/client.server.ts'
import { type Scope, inScope } from '#db/scope.server.ts'
import { dueAt } from '#reports/deadlines/engine.ts'
import { RULE_PRESETS } from '#reports/deadlines/presets.ts'
import { loadWorkCalendar } from '#reports/deadlines/rules.server.ts'
import { type Period, periodOf } from '#reports/metrics/period.ts'
import { figureIn } from '#reports/metrics/catalog.ts'
import { currentRollupParams, sameParams } from '#reports/metrics/rollup-state.server.ts'
import type { LostSums } from '#reports/metrics/sums.ts'
import { dayNumber, dayText, startOfLocalDay } from '#reports/time/days.ts'

/** A later call counts as reaching the caller only within this many days of the lost call (a call months later is another matter). */
export const REACH_WINDOW_DAYS = 7

export type LostOutcome = 'callback' | 'own_call' | 'not_reached' | 'no_number'

export const LOST_OUTCOME_LABEL: Record<LostOutcome, string> = {
  callback: 'перезвонили',
  own_call: 'дозвонился сам',
  not_reached: 'не связались',
  no_number: 'номер не определён',
}

export type CallbackUnit = 'minutes' | 'hours' | 'calendar_days' | 'working_days'
export const CALLBACK_UNITS: Record<CallbackUnit, string> = {
  minutes: 'минут',
  hours: 'часов',
  calendar_days: 'календарных дней',
  working_days: 'рабочих дней',
}

export interface CallbackNorm {
  amount: number
  unit: CallbackUnit
  /** where it comes from, in words */
  source: string
}

/** The callback rule of the presets (network organisation: 4 hours), the default norm. */
const PRESET = RULE_PRESETS.find((r) => r.code === 'network_call_callback')!

/**
 * The organisation's callback norm for lost calls: its own setting; else its callback rule
 * (`network_call_callback`, as the organisation edited it, if active); else the preset's 4 hours.
 */
export async function callbackNorm(db: Db, orgId: string): Promise<CallbackNorm> {
  const org = await db.selectFrom('organisation').select(['lost_callback_amount', 'lost_callback_unit']).where('id', '=', orgId).executeTakeFirstOrThrow()
  if (org.lost_callback_amount !== null && org.lost_callback_unit) {
    return { amount: Number(org.lost_callback_amount), unit: org.lost_callback_unit, source: 'настройка организации' }
  }
  const rule = await db
    .selectFrom('deadline_rule')
    .select(['amount', 'unit', 'name'])
    .where('org_id', '=', orgId)
    .where('code', '=', PRESET.code)
    .where('active', '=', true)
    .executeTakeFirst()
  if (rule && (rule.unit === 'minutes' || rule.unit === 'hours' || rule.unit === 'calendar_days' || rule.unit === 'working_days')) {
    return { amount: Number(rule.amount), unit: rule.unit, source: `правило сроков «${rule.name}»` }
  }
  return { amount: PRESET.amount, unit: PRESET.unit as CallbackUnit, source: `норматив набора правил: «${PRESET.name}»` }
}

const FORMS: Record<CallbackUnit, [string, string, string]> = {
  minutes: ['минута', 'минуты', 'минут'],
  hours: ['час', 'часа', 'часов'],
  calendar_days: ['календарный день', 'календарных дня', 'календарных дней'],
  working_days: ['рабочий день', 'рабочих дня', 'рабочих дней'],
}

/** «4 часа», «1 рабочий день», «30 минут», «1,5 часа». */
export function normText(norm: Pick<CallbackNorm, 'amount' | 'unit'>): string {
  const [one, few, many] = FORMS[norm.unit]
  const n = norm.amount
  const word = !Number.isInteger(n) ? few : n % 10 === 1 && n % 100 !== 11 ? one : [2, 3, 4].includes(n % 10) && ![12, 13, 14].includes(n % 100) ? few : many
  return `${n.toLocaleString('ru-RU')} ${word}`
}

export interface LostCallsQuery {
  scope: Scope
  period: Period
  asOf: Date
  zone: string
  shortAbandonSeconds: number
  norm: CallbackNorm
  /** only lost calls not reached yet (the work list) */
  outcome?: LostOutcome
}

export interface LostCallFigures {
  lost: number
  callback: number
  ownCall: number
  notReached: number
  noNumber: number
  /** reached, or not reached with the norm elapsed: the share's denominator */
  judged: number
  inTime: number
  meanSecondsToReach: number | null
}

const WALL: Partial<Record<CallbackUnit, string>> = { minutes: 'minutes', hours: 'hours' }

/** The due instant of each lost call: wall clock in SQL, or a day → due table built with the engine. */
async function dueExpression(db: Db, orgId: string, q: LostCallsQuery): Promise<{ cte: RawBuilder<unknown>; due: RawBuilder<Date> }> {
  const wall = WALL[q.norm.unit]
  if (wall) return { cte: sql``, due: sql<Date>`l.ended_at + ${`${q.norm.amount} ${wall}`}::interval` }
  const calendar = await loadWorkCalendar(db, orgId)
  const days: string[] = []
  const dues: Date[] = []
  // a lost call ends on its start day or, past midnight, the next one
  for (let d = dayNumber(q.period.from) - 1; d <= dayNumber(q.period.to) + 1; d++) {
    days.push(dayText(d))
    dues.push(dueAt({ amount: q.norm.amount, unit: q.norm.unit }, new Date(startOfLocalDay(d, q.zone).getTime() + 3_600_000), calendar, q.zone).due)
  }
  return {
    cte: sql`, due_map as (select * from unnest(${days}::date[], ${dues.map((d) => d.toISOString())}::timestamptz[]) as m(day, due))`,
    due: sql<Date>`(select m.due from due_map m where m.day = (l.ended_at at time zone ${q.zone})::date)`,
  }
}

/** The judged lost calls of the query, as a select list over `judged` (see lostCallFigures/listLostCalls). */
async function judgedSql(
  db: Db,
  q: LostCallsQuery,
  select: RawBuilder<unknown>,
  tail: RawBuilder<unknown> = sql``,
  days?: readonly string[],
): Promise<RawBuilder<unknown>> {
  const orgId = q.scope.orgId
  const { cte, due } = await dueExpression(db, orgId, q)
  // only the lost calls of these local days (the days lost_day cannot answer for)
  const onDays = days ? sql`and (c.started_at at time zone ${q.zone})::date = any(${days}::date[])` : sql``
  return sql`
    with lost as (
      select c.id, c.call_id, c.started_at, c.ended_at, c.line, c.branch_id, c.caller_phone, c.phone_norm
      from call c
      where ${inScope(sql.ref('c.org_id'), sql.ref('c.branch_id'), q.scope)}
        and c.direction = 'in' and c.answered_at is null and not c.no_ending
        and c.started_at >= ${q.period.start} and c.started_at < ${q.period.end} and c.started_at <= ${q.asOf}
        and extract(epoch from c.ended_at - c.started_at) >= ${q.shortAbandonSeconds} ${onDays}
    ) ${cte},
    reached as (
      select l.*, r.id as reached_id, r.call_id as reached_call_id, r.direction as reached_direction, r.answered_at as reached_at, ${due} as due_at
      from lost l
      left join lateral (
        select x.id, x.call_id, x.direction, x.answered_at from call x
        where l.phone_norm is not null and x.org_id = ${orgId} and x.phone_norm = l.phone_norm and x.answered_at is not null
          and x.started_at > l.started_at and x.started_at < l.started_at + ${`${REACH_WINDOW_DAYS} days`}::interval and x.answered_at <= ${q.asOf}
        order by x.started_at, x.id limit 1
      ) r on true
    ),
    judged as (
      select *,
        case when phone_norm is null then 'no_number' when reached_id is null then 'not_reached' when reached_direction = 'out' then 'callback' else 'own_call' end as outcome,
        case when reached_at is not null then reached_at <= due_at when phone_norm is not null and ${q.asOf} > due_at then false end as in_time,
        extract(epoch from reached_at - ended_at)::float8 as seconds_to_reach
      from reached
    )
    select ${select} from judged ${q.outcome ? sql`where outcome = ${q.outcome}` : sql``} ${tail}`
}

/** The sums of lost calls (the columns lost_day keeps), over `judged`. */
const LOST_SUMS_SQL = sql`count(*)::int as lost,
      count(*) filter (where outcome = 'callback')::int as callback,
      count(*) filter (where outcome = 'own_call')::int as own_call,
      count(*) filter (where outcome = 'not_reached')::int as not_reached,
      count(*) filter (where outcome = 'no_number')::int as no_number,
      count(*) filter (where in_time is not null)::int as judged,
      count(*) filter (where in_time)::int as in_time,
      coalesce(sum(seconds_to_reach), 0)::float8 as reach_sum,
      count(seconds_to_reach)::int as reach_count`

interface LostRow {
  lost: number
  callback: number
  own_call: number
  not_reached: number
  no_number: number
  judged: number
  in_time: number
  reach_sum: number
  reach_count: number
}
const LOST_KEYS = ['lost', 'callback', 'own_call', 'not_reached', 'no_number', 'judged', 'in_time', 'reach_sum', 'reach_count'] as const

/**
 * The lost calls' figures as of `q.asOf`. From lost_day (ADR 032) when it holds the organisation's current
 * setup: its rows valid at that moment are summed and the lost calls of the other rows' days are judged again;
 * from the records otherwise, for a norm in days (its due instants follow the calendar), and with `fromRecords`.
 */
export async function lostCallFigures(db: Db, q: LostCallsQuery, fromRecords = false): Promise<LostCallFigures> {
  const raw = async (days?: readonly string[]) => (await (await judgedSql(db, q, LOST_SUMS_SQL, sql``, days)).execute(db)).rows[0] as LostRow
  const rolled = !fromRecords && !q.outcome && (await lostDaysCurrent(db, q))
  let row: LostRow
  if (!rolled) row = await raw()
  else {
    const valid = sql<boolean>`r.built_at <= ${q.asOf} and (r.changes_at is null or r.changes_at > ${q.asOf})`
    const sums = (
      await sql<LostRow & { stale: string[] | null }>`
        select ${sql.join(LOST_KEYS.map((k) => sql`coalesce(sum(${sql.ref(`r.${k}`)}) filter (where ${valid}), 0)::float8 as ${sql.ref(k)}`))},
          array_agg(distinct to_char(r.day, 'YYYY-MM-DD')) filter (where not (${valid})) as stale
        from lost_day r
        where ${inScope(sql.ref('r.org_id'), sql.ref('r.branch_id'), q.scope)} and r.day between ${q.period.from}::date and ${q.period.to}::date`.execute(db)
    ).rows[0]!
    const again = sums.stale?.length ? await raw(sums.stale) : undefined
    row = Object.fromEntries(LOST_KEYS.map((k) => [k, Number(sums[k]) + Number(again?.[k] ?? 0)])) as unknown as LostRow
  }
  const reachCount = Number(row.reach_count)
  return {
    lost: Number(row.lost),
    callback: Number(row.callback),
    ownCall: Number(row.own_call),
    notReached: Number(row.not_reached),
    noNumber: Number(row.no_number),
    judged: Number(row.judged),
    inTime: Number(row.in_time),
    meanSecondsToReach: reachCount ? Number(row.reach_sum) / reachCount : null,
  }
}

/** What of the organisation's setup goes into lost_day: part of the call rollup's parameters (rollups.server.ts). */
export function lostSetupKey(setup: { shortAbandonSeconds: number; norm: Pick<CallbackNorm, 'amount' | 'unit'> }): unknown[] | null {
  // a norm in days has due instants from the production calendar: not rolled up
  return WALL[setup.norm.unit] ? [setup.shortAbandonSeconds, setup.norm.amount, setup.norm.unit, REACH_WINDOW_DAYS] : null
}

/** Whether lost_day holds the query's setup for the current data (the call rollup built with it, no change waiting). */
async function lostDaysCurrent(db: Db, q: LostCallsQuery): Promise<boolean> {
  const key = lostSetupKey(q)
  const built = key && (await currentRollupParams(db, q.scope.orgId, 'calls'))
  return Boolean(built && sameParams(built.lost, key))
}

/**
 * Rebuilds lost_day for the lost calls that began on local days `range` (all when none), as of now: called by
 * `refreshRollups` in its transaction with the call rollup. A call of day D can reach the caller of a lost call
 * up to REACH_WINDOW_DAYS earlier, so the range given is the changed days and the week before them.
 */
export async function refreshLostDays(db: Db, orgId: string, range?: { from: string; to: string }): Promise<void> {
  const setup = await lostCallsSetup(db, orgId)
  const inRange = range ? sql`and day between ${range.from}::date and ${range.to}::date` : sql``
  await sql`delete from lost_day where org_id = ${orgId} ${inRange}`.execute(db)
  if (!lostSetupKey(setup)) return
  const bounds = range ?? (await callDays(db, orgId, setup.zone))
  if (!bounds) return
  const now = new Date()
  const q: LostCallsQuery = { scope: { orgId, branches: 'all' }, period: periodOf(bounds.from, bounds.to, setup.zone), asOf: now, ...setup }
  const window = `${REACH_WINDOW_DAYS} days`
  // the first later instant a lost call changes outcome by time alone: its norm running out with nobody reaching
  // the caller yet, or a call of that number within the window answered only after now (it reaches him then)
  const later = sql`min(least(
      case when reached_id is null and phone_norm is not null and due_at > ${now} then due_at end,
      (select min(x.answered_at) from call x
        where judged.phone_norm is not null and x.org_id = ${orgId} and x.phone_norm = judged.phone_norm and x.answered_at is not null
          and x.started_at > judged.started_at and x.started_at < judged.started_at + ${window}::interval and x.answered_at > ${now})))`
  const select = sql`${orgId}::bigint as org_id, (started_at at time zone ${setup.zone})::date as day, branch_id, ${LOST_SUMS_SQL}, ${now}::timestamptz as built_at, ${later} as changes_at`
  await sql`insert into lost_day (org_id, day, branch_id, ${sql.join(LOST_KEYS.map((k) => sql.ref(k)))}, built_at, changes_at)
    ${await judgedSql(db, q, select, sql`group by 2, 3`)}`.execute(db)
  // lost calls that begin after now are not judged yet: their days are read from the records from then on
  await sql`insert into lost_day (org_id, day, branch_id, ${sql.join(LOST_KEYS.map((k) => sql.ref(k)))}, built_at, changes_at)
    select c.org_id, (c.started_at at time zone ${setup.zone})::date, c.branch_id, 0, 0, 0, 0, 0, 0, 0, 0, 0, ${now}, min(c.started_at)
    from call c
    where c.org_id = ${orgId} and c.direction = 'in' and c.answered_at is null and not c.no_ending and c.started_at > ${now}
      and c.started_at >= ${q.period.start} and c.started_at < ${q.period.end}
    group by 1, 2, 3`.execute(db)
}

/** The first and last local day of the organisation's calls (a full rebuild's range). */
async function callDays(db: Db, orgId: string, zone: string): Promise<{ from: string; to: string } | undefined> {
  const row = (
    await sql<{ from: string | null; to: string | null }>`
      select to_char(min(started_at) at time zone ${zone}, 'YYYY-MM-DD') as from, to_char(max(started_at) at time zone ${zone}, 'YYYY-MM-DD') as to
      from call where org_id = ${orgId}`.execute(db)
  ).rows[0]
  return row?.from && row.to ? { from: row.from, to: row.to } : undefined
}

export interface LostCallRow {
  id: string
  callId: string
  startedAt: Date
  endedAt: Date
  line: string | null
  branchId: string | null
  /** the canonical number; the caller decides whether it is shown, masked or not at all */
  phone: string | null
  outcome: LostOutcome
  reachedAt: Date | null
  reachedId: string | null
  reachedCallId: string | null
  dueAt: Date
  /** true/false once judged; null while the norm runs and nobody reached the caller */
  inTime: boolean | null
  secondsToReach: number | null
}

export const LOST_PAGE = 50

/** Lost calls with their outcome, oldest first (or newest first), a page at a time. */
export async function listLostCalls(db: Db, q: LostCallsQuery, page: { offset: number; limit: number; newestFirst?: boolean }): Promise<LostCallRow[]> {
  const order = page.newestFirst ? sql`order by started_at desc, id desc` : sql`order by started_at, id`
  const query = await judgedSql(
    db,
    q,
    sql`id, call_id, started_at, ended_at, line, branch_id, phone_norm, outcome, reached_at, reached_id, reached_call_id, due_at, in_time, seconds_to_reach`,
    sql`${order} limit ${page.limit} offset ${page.offset}`,
  )
  const rows = (await query.execute(db)).rows as Record<string, unknown>[]
  return rows.map((r) => ({
    id: String(r.id),
    callId: String(r.call_id),
    startedAt: new Date(r.started_at as Date),
    endedAt: new Date(r.ended_at as Date),
    line: (r.line as string | null) ?? null,
    branchId: r.branch_id === null ? null : String(r.branch_id),
    phone: (r.phone_norm as string | null) ?? null,
    outcome: r.outcome as LostOutcome,
    reachedAt: r.reached_at ? new Date(r.reached_at as Date) : null,
    reachedId: r.reached_id === null ? null : String(r.reached_id),
    reachedCallId: (r.reached_call_id as string | null) ?? null,
    dueAt: new Date(r.due_at as Date),
    inTime: (r.in_time as boolean | null) ?? null,
    secondsToReach: r.seconds_to_reach === null ? null : Number(r.seconds_to_reach),
  }))
}

/** Every lost call of the query in pages (files). */
export async function* allLostCalls(db: Db, q: LostCallsQuery, pageSize = 5000, newestFirst = false): AsyncGenerator<LostCallRow[]> {
  for (let offset = 0; ; offset += pageSize) {
    const rows = await listLostCalls(db, q, { offset, limit: pageSize, newestFirst })
    if (rows.length) yield rows
    if (rows.length < pageSize) return
  }
}

/** The organisation's inputs of a lost-calls query: zone, short-abandon threshold and norm. */
export async function lostCallsSetup(db: Db, orgId: string): Promise<{ zone: string; shortAbandonSeconds: number; norm: CallbackNorm }> {
  const org = await db.selectFrom('organisation').select(['time_zone', 'short_abandon_seconds']).where('id', '=', orgId).executeTakeFirstOrThrow()
  return { zone: org.time_zone, shortAbandonSeconds: org.short_abandon_seconds, norm: await callbackNorm(db, orgId) }
}

/** The catalog figures of lost calls, in order (screens, files, «Определения»). */
export const LOST_METRICS = [
  'lost.calls',
  'lost.reached_callback',
  'lost.reached_own',
  'lost.not_reached',
  'lost.no_number',
  'lost.in_time_share',
  'lost.mean_time_to_reach',
] as const

/** The catalog's formulas over the sums of lost calls (metrics/catalog.ts, input `lost`). */
export function lostFigureValues(f: LostCallFigures): Record<(typeof LOST_METRICS)[number], number | null> {
  const sums: LostSums = {
    lost: f.lost,
    callback: f.callback,
    ownCall: f.ownCall,
    notReached: f.notReached,
    noNumber: f.noNumber,
    judged: f.judged,
    inTime: f.inTime,
    meanSecondsToReach: f.meanSecondsToReach,
  }
  return Object.fromEntries(LOST_METRICS.map((id) => [id, figureIn('lost', id, sums)])) as Record<(typeof LOST_METRICS)[number], number | null>
}

/** The dashboard's lost-call block (the page and its XLSX): the period and the comparison period, in the branch chosen (if any), and the norm. */
export async function lostCallsOfView(
  db: Db,
  orgId: string,
  scope: Scope,
  view: { period: Period; previous: Period; filter: { branch?: string } },
  asOf: Date,
): Promise<{ current: Record<LostMetricId, number | null>; previous: Record<LostMetricId, number | null>; norm: string; source: string }> {
  const branch = view.filter.branch
  const lostScope: Scope = branch ? { orgId: scope.orgId, branches: scope.branches === 'all' || scope.branches.includes(branch) ? [branch] : [] } : scope
  const setup = await lostCallsSetup(db, orgId)
  const [now, before] = await Promise.all([
    lostCallFigures(db, { scope: lostScope, period: view.period, asOf, ...setup }),
    lostCallFigures(db, { scope: lostScope, period: view.previous, asOf, ...setup }),
  ])
  return { current: lostFigureValues(now), previous: lostFigureValues(before), norm: normText(setup.norm), source: setup.norm.source }
}

export type LostMetricId = (typeof LOST_METRICS)[number]
