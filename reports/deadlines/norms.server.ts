/**
 * Minute norms of calls and visits (metric catalog: norms.*): for each active rule, the records whose
 * start event falls in the period, measured `stop − start` against the norm, as of a moment (a stop
 * after it had not happened yet). Per-record shares and the mean beside each other, as average norms
 * (seed standard 6.5.6) are judged by the mean.
 */
import { afterPosition, keysetPages } from '#db/keyset.server.ts'
import { type RawBuilder, sql } from 'kysely'
import { type ColumnOf, type SharedColumn, columnsOf } from '#db/columns.ts'
import type { Db } from '#db/client.server.ts'
import { type Scope, inScope } from '#db/scope.server.ts'
import { figure } from '#reports/metrics/catalog.ts'
import { currentRollupParams, sameParams } from '#reports/metrics/rollup-state.server.ts'
import type { Period } from '#reports/metrics/period.ts'
import type { NormSums } from '#reports/metrics/sums.ts'

/** The columns a norm may start, stop and filter by: names of the schema's columns (a rename is a type error). */
type Whitelist<T extends 'call' | 'visit'> = {
  table: T
  key: ColumnOf<T>
  fields: readonly ColumnOf<T>[]
  filters: readonly ColumnOf<T>[]
}
/** The records `r` a norm is measured on, calls or visits: what both have. */
const rec = (name: SharedColumn<'call', 'visit'>) => sql.ref<string>(`r.${name}`)
const call = columnsOf('call', 'r')
const visit = columnsOf('visit', 'r')

const TABLES = {
  calls: {
    table: 'call',
    key: 'call_id',
    fields: ['started_at', 'answered_at', 'ended_at', 'callback_at'],
    filters: ['direction', 'line', 'category', 'callback_required', 'agent'],
  },
  visits: {
    table: 'visit',
    key: 'ticket_id',
    fields: ['issued_at', 'called_at', 'service_ended_at'],
    filters: ['service_kind', 'office_code', 'consumer_type', 'window'],
  },
} as const satisfies { calls: Whitelist<'call'>; visits: Whitelist<'visit'> }

const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600 }

export interface NormRule {
  id: string
  code: string
  name: string
  appliesTo: 'calls' | 'visits'
  filter: Record<string, string | string[]>
  startField: string
  stopField: string
  amount: number
  unit: string
  isAverage: boolean
  missingStop: 'violation' | 'exclude'
}

export async function loadNormRules(db: Db, orgId: string): Promise<NormRule[]> {
  const rows = await db
    .selectFrom('deadline_rule')
    .select(['id', 'code', 'name', 'applies_to', 'filter', 'start_field', 'stop_field', 'amount', 'unit', 'is_average', 'missing_stop'])
    .where('org_id', '=', orgId)
    .where('active', '=', true)
    .where('applies_to', 'in', ['calls', 'visits'])
    .where('unit', 'in', ['seconds', 'minutes', 'hours'])
    .orderBy('applies_to')
    .orderBy('priority')
    .orderBy('code')
    .execute()
  return rows
    .map((r) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      appliesTo: r.applies_to as 'calls' | 'visits',
      filter: r.filter,
      startField: r.start_field,
      stopField: r.stop_field,
      amount: Number(r.amount),
      unit: r.unit,
      isAverage: r.is_average,
      missingStop: r.missing_stop,
    }))
    .filter(
      (r) =>
        (TABLES[r.appliesTo].fields as readonly string[]).includes(r.startField) && (TABLES[r.appliesTo].fields as readonly string[]).includes(r.stopField),
    )
}

/** The rule's own conditions on its records `r` (its filter, and which records a norm measures at all). */
function ruleConditions(rule: NormRule): RawBuilder<boolean>[] {
  const t = TABLES[rule.appliesTo]
  const conditions = Object.entries(rule.filter)
    .filter(([field]) => (t.filters as readonly string[]).includes(field))
    .map(([field, want]) => sql<boolean>`r.${sql.ref(field)}::text = any(${Array.isArray(want) ? want : [want]}::text[])`)
  // a call closed as «нет окончания в журнале» has no measurable times (ADR 016): outside the call norms
  if (rule.appliesTo === 'calls') conditions.push(sql<boolean>`not ${call('no_ending')}`)
  // a call whose source gives no queue wait (Asterisk CDR, 3CX) is outside the norms of answering (ADR 027)
  if (rule.appliesTo === 'calls' && rule.stopField === 'answered_at') conditions.push(sql<boolean>`${call('wait_known')}`)
  return conditions
}

/** The rule's records in scope and period: only whitelisted columns reach SQL. */
function ruleWhere(
  rule: NormRule,
  scope: Scope,
  period: Period,
  extra: readonly RawBuilder<boolean>[] = [],
): { from: RawBuilder<unknown>; where: RawBuilder<boolean>; start: RawBuilder<Date>; stop: RawBuilder<Date | null> } {
  const t = TABLES[rule.appliesTo]
  const start = sql<Date>`r.${sql.ref(rule.startField)}`
  const conditions = [
    inScope(rec('org_id'), rec('branch_id'), scope),
    sql<boolean>`${start} >= ${period.start} and ${start} < ${period.end}`,
    ...ruleConditions(rule),
    // further conditions on the record `r`: a cockpit view's filters
    ...extra,
  ]
  return {
    from: sql`${sql.table(t.table)} r`,
    where: sql<boolean>`${sql.join(conditions, sql` and `)}`,
    start,
    stop: sql<Date | null>`r.${sql.ref(rule.stopField)}`,
  }
}

export interface NormFigures {
  rule: NormRule
  normSeconds: number
  records: number
  within: number
  beyond: number
  /** no stop as of the moment: counted as violations when `missingLate` and the rule says so */
  missing: number
  missingLate: number
  withinShare: number | null
  meanSeconds: number | null
  /** for average norms: the mean within the norm; null without measured records */
  meanMet: boolean | null
}

/** The sums of a norm's records as of `asOf`: one row, the names norm_day's columns have. */
function sumsSql(rule: NormRule, start: RawBuilder<Date>, stop: RawBuilder<Date | null>, asOf: Date | RawBuilder<Date>) {
  const normSeconds = normSecondsOf(rule)
  const stopNow = sql`case when ${stop} <= ${asOf} then ${stop} end`
  return sql`count(*)::int as records,
        count(*) filter (where ${stopNow} is not null and extract(epoch from ${stopNow} - ${start}) <= ${sql.lit(normSeconds)})::int as within,
        count(*) filter (where ${stopNow} is not null and extract(epoch from ${stopNow} - ${start}) > ${sql.lit(normSeconds)})::int as beyond,
        count(*) filter (where ${stopNow} is null)::int as missing,
        count(*) filter (where ${stopNow} is null and ${start} + make_interval(secs => ${sql.lit(normSeconds)}) <= ${asOf})::int as missing_late,
        coalesce(sum(extract(epoch from ${stopNow} - ${start})), 0)::float8 as measured_sum`
}

/** A minute norm in seconds. */
export const normSecondsOf = (rule: NormRule) => rule.amount * (UNIT_SECONDS[rule.unit] ?? 60)

interface NormRow {
  records: number
  within: number
  beyond: number
  missing: number
  missing_late: number
  measured_sum: number
}

const ZERO: NormRow = { records: 0, within: 0, beyond: 0, missing: 0, missing_late: 0, measured_sum: 0 }
const addRows = (a: NormRow, b: NormRow): NormRow => ({
  records: a.records + Number(b.records),
  within: a.within + Number(b.within),
  beyond: a.beyond + Number(b.beyond),
  missing: a.missing + Number(b.missing),
  missing_late: a.missing_late + Number(b.missing_late),
  measured_sum: a.measured_sum + Number(b.measured_sum),
})

/** The instant a record's rollup day is taken from: the one its table's dirty days are marked by (migration 0004). */
const ROLLUP_INSTANT = { calls: 'started_at', visits: 'issued_at' } as const satisfies { calls: ColumnOf<'call'>; visits: ColumnOf<'visit'> }
/** The view's dimensions norm_day keeps, per domain (the columns `viewConditions` filters on). */
const DIMENSIONS = {
  calls: ['branch_id', 'line', 'category', 'direction'],
  visits: ['branch_id', 'office_code', 'service_kind', 'consumer_type'],
} as const satisfies { calls: readonly ColumnOf<'call'>[]; visits: readonly ColumnOf<'visit'>[] }
const NORM_DAY_DIMENSIONS = ['branch_id', 'line', 'category', 'direction', 'office_code', 'service_kind', 'consumer_type'] as const

/**
 * Rebuilds norm_day for the records of `domain` whose rollup day is in `range` (all when none), for every
 * active rule: called by `refreshRollups` in its transaction, with the call or visit rollup of those days.
 */
export async function refreshNormDays(db: Db, orgId: string, domain: 'calls' | 'visits', zone: string, range?: { from: string; to: string }): Promise<void> {
  const z = sql.lit(zone)
  const instant = sql.ref(`r.${ROLLUP_INSTANT[domain]}`)
  const within = range
    ? sql`and ${instant} >= (${range.from}::date)::timestamp at time zone ${z} and ${instant} < (${range.to}::date + 1)::timestamp at time zone ${z}`
    : sql``
  await sql`delete from norm_day where org_id = ${orgId} and domain = ${domain} ${range ? sql`and day between ${range.from}::date and ${range.to}::date` : sql``}`.execute(
    db,
  )
  const rules = (await loadNormRules(db, orgId)).filter((r) => r.appliesTo === domain)
  const table = sql.table(TABLES[domain].table)
  const kept = new Set<string>(DIMENSIONS[domain])
  const dims = NORM_DAY_DIMENSIONS.map((d) => (kept.has(d) ? sql`r.${sql.ref(d)}` : sql`null`))
  for (const rule of rules) {
    const start = sql<Date>`r.${sql.ref(rule.startField)}`
    const stop = sql<Date | null>`r.${sql.ref(rule.stopField)}`
    const end = sql`${start} + make_interval(secs => ${sql.lit(normSecondsOf(rule))})`
    // classified as of the transaction's moment; the first later instant at which a record changes class by
    // time alone: a stop still ahead, or (no stop yet) the end of its norm still ahead
    await sql`
      insert into norm_day (org_id, domain, rule_id, day, start_day, ${sql.join(NORM_DAY_DIMENSIONS.map((d) => sql.ref(d)))},
        records, within, beyond, missing, missing_late, measured_sum, built_at, changes_at)
      select r.org_id, ${domain}, ${rule.id}::bigint, (${instant} at time zone ${z})::date, (${start} at time zone ${z})::date, ${sql.join(dims)},
        ${sumsSql(rule, start, stop, sql<Date>`now()`)}, now(),
        min(least(case when ${stop} > now() then ${stop} end, case when (${stop} is null or ${stop} > now()) and ${end} > now() then ${end} end))
      from ${table} r
      where ${sql.join([sql<boolean>`r.org_id = ${orgId} and ${start} is not null ${within}`, ...ruleConditions(rule)], sql` and `)}
      group by 1, 2, 3, 4, 5, ${sql.join(NORM_DAY_DIMENSIONS.map((_, i) => sql.lit(6 + i)))}`.execute(db)
  }
}

/**
 * The organisation's zone when norm_day holds the figures of `domain` for the current data (its rollup was
 * built with today's parameters, the rules among them, and no change is waiting to be rolled up).
 */
async function normDaysZone(db: Db, orgId: string, domain: 'calls' | 'visits', rule: NormRule): Promise<string | undefined> {
  const built = await currentRollupParams(db, orgId, domain)
  // the rule as it is now was rolled up (a changed or new rule rebuilds the kind on the next refresh)
  const rolled = (built?.norms as unknown[] | undefined) ?? []
  return rolled.some((k) => sameParams(k, ruleKey(rule))) ? (built!.zone as string) : undefined
}

/** What of a rule goes into norm_day: part of the call and visit rollups' parameters (rollups.server.ts). */
export function ruleKey(rule: Pick<NormRule, 'id' | 'filter' | 'startField' | 'stopField' | 'amount' | 'unit'>): unknown[] {
  return [rule.id, rule.filter, rule.startField, rule.stopField, rule.amount, rule.unit]
}

async function normSums(db: Db, scope: Scope, period: Period, asOf: Date, rule: NormRule, extra: readonly RawBuilder<boolean>[], fromRecords: boolean) {
  const raw = async (more: RawBuilder<boolean>[] = []) => {
    const { from, where, start, stop } = ruleWhere(rule, scope, period, [...extra, ...more])
    return (await sql<NormRow>`select ${sumsSql(rule, start, stop, asOf)} from ${from} where ${where}`.execute(db)).rows[0]!
  }
  const zone = fromRecords ? undefined : await normDaysZone(db, scope.orgId, rule.appliesTo, rule)
  if (!zone) return raw()
  // rows whose records cannot have changed class between their build and `asOf` are summed as they are; the
  // records of the other rows' days are read again, as of `asOf`
  const conditions = sql<boolean>`${sql.join(
    [
      inScope(rec('org_id'), rec('branch_id'), scope),
      sql<boolean>`r.rule_id = ${rule.id}::bigint and r.start_day between ${period.from}::date and ${period.to}::date`,
      ...extra,
    ],
    sql` and `,
  )}`
  const valid = sql<boolean>`r.built_at <= ${asOf} and (r.changes_at is null or r.changes_at > ${asOf})`
  const rolled = (
    await sql<NormRow & { stale_days: string[] | null }>`
      select coalesce(sum(records) filter (where ${valid}), 0)::int as records, coalesce(sum(within) filter (where ${valid}), 0)::int as within,
        coalesce(sum(beyond) filter (where ${valid}), 0)::int as beyond, coalesce(sum(missing) filter (where ${valid}), 0)::int as missing,
        coalesce(sum(missing_late) filter (where ${valid}), 0)::int as missing_late,
        coalesce(sum(measured_sum) filter (where ${valid}), 0)::float8 as measured_sum,
        array_agg(distinct to_char(r.day, 'YYYY-MM-DD')) filter (where not (${valid})) as stale_days
      from norm_day r where ${conditions}`.execute(db)
  ).rows[0]!
  const days = rolled.stale_days ?? []
  if (!days.length) return addRows(ZERO, rolled)
  const z = sql.lit(zone)
  const instant = sql.ref(`r.${ROLLUP_INSTANT[rule.appliesTo]}`)
  const sorted = [...days].sort()
  const again = await raw([
    sql<boolean>`${instant} >= (${sorted[0]}::date)::timestamp at time zone ${z} and ${instant} < (${sorted.at(-1)}::date + 1)::timestamp at time zone ${z}`,
    sql<boolean>`(${instant} at time zone ${z})::date = any(${days}::date[])`,
  ])
  return addRows(addRows(ZERO, rolled), again)
}

/**
 * `extra`: further conditions on the record (alias `r`), e.g. a view's filters (the cockpit's norms) — on the
 * columns norm_day keeps too. The sums come from norm_day where it is current (ADR 032), from the records
 * otherwise (and with `fromRecords`, always: the tests' yardstick).
 */
export async function computeNormFigures(
  db: Db,
  scope: Scope,
  period: Period,
  asOf: Date,
  rule: NormRule,
  extra: readonly RawBuilder<boolean>[] = [],
  fromRecords = false,
): Promise<NormFigures> {
  const normSeconds = normSecondsOf(rule)
  const row = await normSums(db, scope, period, asOf, rule, extra, fromRecords)
  const within = Number(row.within)
  const beyond = Number(row.beyond)
  const missingLate = Number(row.missing_late)
  const measured = within + beyond
  const sums: NormSums = {
    records: Number(row.records),
    within,
    beyond,
    missing: Number(row.missing),
    missingViolations: rule.missingStop === 'violation' ? missingLate : 0,
    mean: measured ? Number(row.measured_sum) / measured : null,
  }
  // the catalog's formulas (norms.*)
  const meanSeconds = figure('norms.mean', sums)
  return {
    rule,
    normSeconds,
    records: sums.records,
    within,
    beyond,
    missing: sums.missing,
    missingLate,
    withinShare: figure('norms.within_share', sums),
    meanSeconds,
    meanMet: meanSeconds === null ? null : meanSeconds <= normSeconds,
  }
}

export type NormOutcome = 'within' | 'beyond' | 'missing'
export const NORM_RECORDS_PAGE = 50

/** The records behind a norm figure, without personal data (no caller's number). */
export async function listNormRecords(
  db: Db,
  scope: Scope,
  period: Period,
  asOf: Date,
  rule: NormRule,
  outcome: NormOutcome | undefined,
  page: number,
  extra: readonly RawBuilder<boolean>[] = [],
) {
  const normSeconds = rule.amount * (UNIT_SECONDS[rule.unit] ?? 60)
  const { from, where, start, stop } = ruleWhere(rule, scope, period, extra)
  const stopNow = sql`case when ${stop} <= ${asOf} then ${stop} end`
  const which =
    outcome === 'within'
      ? sql`${stopNow} is not null and extract(epoch from ${stopNow} - ${start}) <= ${normSeconds}`
      : outcome === 'beyond'
        ? sql`${stopNow} is not null and extract(epoch from ${stopNow} - ${start}) > ${normSeconds}`
        : outcome === 'missing'
          ? sql`${stopNow} is null`
          : sql`true`
  const key = TABLES[rule.appliesTo].key
  const place = rule.appliesTo === 'calls' ? call('line') : visit('office_code')
  const [rows, count] = await Promise.all([
    sql<{ key: string; start: Date; stop: Date | null; seconds: string | null; place: string | null }>`
      select r.${sql.ref(key)} as key, ${start} as start, ${stopNow} as stop, extract(epoch from ${stopNow} - ${start}) as seconds, ${place} as place
      from ${from} where ${where} and ${which}
      order by ${start}, ${rec('id')} limit ${NORM_RECORDS_PAGE} offset ${(page - 1) * NORM_RECORDS_PAGE}`.execute(db),
    sql<{ n: string }>`select count(*) as n from ${from} where ${where} and ${which}`.execute(db),
  ])
  return { rows: rows.rows.map((r) => ({ ...r, seconds: r.seconds === null ? null : Number(r.seconds) })), total: Number(count.rows[0]!.n) }
}

/**
 * Every record that broke a norm (beyond it, or without its stop once the norm elapsed where the rule
 * counts that as a violation), in keyset pages by start: for files of any size.
 */
export async function* normViolations(db: Db, scope: Scope, period: Period, asOf: Date, rule: NormRule, pageSize = 5000) {
  const normSeconds = rule.amount * (UNIT_SECONDS[rule.unit] ?? 60)
  const { from, where, start, stop } = ruleWhere(rule, scope, period)
  const stopNow = sql`case when ${stop} <= ${asOf} then ${stop} end`
  const broke =
    rule.missingStop === 'violation'
      ? sql`(${stopNow} is not null and extract(epoch from ${stopNow} - ${start}) > ${normSeconds}) or (${stopNow} is null and ${start} + make_interval(secs => ${normSeconds}) <= ${asOf})`
      : sql`${stopNow} is not null and extract(epoch from ${stopNow} - ${start}) > ${normSeconds}`
  const key = TABLES[rule.appliesTo].key
  const place = rule.appliesTo === 'calls' ? call('line') : visit('office_code')
  yield* keysetPages(
    async (after) =>
      (
        await sql<{ id: string; key: string; start: Date; stop: Date | null; seconds: string | null; place: string | null }>`
          select ${rec('id')}::text as id, r.${sql.ref(key)} as key, ${start} as start, ${stopNow} as stop, extract(epoch from ${stopNow} - ${start}) as seconds, ${place} as place
          from ${from} where ${where} and (${broke}) ${afterPosition(start, after)}
          order by ${start}, ${rec('id')} limit ${pageSize}`.execute(db)
      ).rows.map((r) => ({ ...r, seconds: r.seconds === null ? null : Number(r.seconds) })),
    (row) => ({ at: row.start, id: row.id }),
    pageSize,
  )
}

/** Records counted as violations by `computeNormFigures` (what `normViolations` lists). */
export function violationsOf(f: NormFigures): number {
  return f.beyond + (f.rule.missingStop === 'violation' ? f.missingLate : 0)
}

/**
 * A norm's verdict for a period (the supplier report and the cockpit): a norm «в среднем» by its mean, any
 * other by its violations; nothing judged is «нет данных».
 */
export function normVerdict(isAverage: boolean, f: NormFigures): { judged: number; violations: number; verdict: 'met' | 'broken' | 'no_data' } {
  const violations = violationsOf(f)
  const judged = f.within + violations
  const verdict = isAverage ? (f.meanMet === null ? 'no_data' : f.meanMet ? 'met' : 'broken') : judged === 0 ? 'no_data' : violations ? 'broken' : 'met'
  return { judged, violations, verdict }
}
