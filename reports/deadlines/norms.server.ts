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
    ...Object.entries(rule.filter)
      .filter(([field]) => (t.filters as readonly string[]).includes(field))
      .map(([field, want]) => sql<boolean>`r.${sql.ref(field)}::text = any(${Array.isArray(want) ? want : [want]}::text[])`),
  ]
  // a call closed as «нет окончания в журнале» has no measurable times (ADR 016): outside the call norms
  if (rule.appliesTo === 'calls') conditions.push(sql<boolean>`not ${call('no_ending')}`)
  // a call whose source gives no queue wait (Asterisk CDR, 3CX) is outside the norms of answering (ADR 027)
  if (rule.appliesTo === 'calls' && rule.stopField === 'answered_at') conditions.push(sql<boolean>`${call('wait_known')}`)
  // further conditions on the record `r`: a cockpit view's filters
  conditions.push(...extra)
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

/** `extra`: further conditions on the record (alias `r`), e.g. a view's filters (the cockpit's norms). */
export async function computeNormFigures(
  db: Db,
  scope: Scope,
  period: Period,
  asOf: Date,
  rule: NormRule,
  extra: readonly RawBuilder<boolean>[] = [],
): Promise<NormFigures> {
  const normSeconds = rule.amount * (UNIT_SECONDS[rule.unit] ?? 60)
  const { from, where, start, stop } = ruleWhere(rule, scope, period, extra)
  const stopNow = sql`case when ${stop} <= ${asOf} then ${stop} end`
  const row = (
    await sql<{ records: string; within: string; beyond: string; missing: string; missing_late: string; mean: string | null }>`
      select count(*) as records,
        count(*) filter (where ${stopNow} is not null and extract(epoch from ${stopNow} - ${start}) <= ${normSeconds}) as within,
        count(*) filter (where ${stopNow} is not null and extract(epoch from ${stopNow} - ${start}) > ${normSeconds}) as beyond,
        count(*) filter (where ${stopNow} is null) as missing,
        count(*) filter (where ${stopNow} is null and ${start} + make_interval(secs => ${normSeconds}) <= ${asOf}) as missing_late,
        avg(extract(epoch from ${stopNow} - ${start})) as mean
      from ${from} where ${where}`.execute(db)
  ).rows[0]!
  const within = Number(row.within)
  const beyond = Number(row.beyond)
  const missingLate = Number(row.missing_late)
  const sums: NormSums = {
    records: Number(row.records),
    within,
    beyond,
    missing: Number(row.missing),
    missingViolations: rule.missingStop === 'violation' ? missingLate : 0,
    mean: row.mean === null ? null : Number(row.mean),
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
