/**
 * The dashboard's figures, from the daily rollups only (rollups.server.ts). Each domain has one sums query
 * (grouped by what the screen breaks it down by) and each figure of the catalog one formula over those sums
 * (`metricCatalog[id].formula`); the registers list the same records by the entry's `records`
 * (records.server.ts), and a test holds the two equal.
 */
import { type RawBuilder, sql } from 'kysely'
import type { Db } from '#db/client.server.ts'
import { type ColumnOf, type SharedColumn, columnsOf } from '#db/columns.ts'
import { type Scope, inScope } from '#db/scope.server.ts'
import { dayNumber, dayText, localDayOf } from '#reports/time/days.ts'
import { type MetricOf, type RegisterDomain, figure, figureIn } from './catalog.ts'
import type { Period } from './period.ts'
import {
  type AppealSums,
  type CallSums,
  type DueSums,
  type FigureInputs,
  type Grouped,
  HIST_BOUNDS,
  type Sums,
  type SumsKind,
  type SurveySums,
  type VisitSums,
} from './sums.ts'
import type { Narrowing, ViewFilter } from './view.ts'

export type Domain = RegisterDomain

/** The form of service of a domain's records, where it has one form. */
const DOMAIN_FORM: Partial<Record<Domain, string>> = { calls: 'phone', visits: 'in_person' }

/**
 * Why a domain's figures do not apply to a filter (null when they do): calls have no office and no consumer
 * type; calls are by phone and visits in person.
 */
export function notApplicable(domain: Domain, filter: ViewFilter): string | null {
  const form = DOMAIN_FORM[domain]
  if (filter.form && form && filter.form !== form)
    return domain === 'calls' ? 'Звонки относятся к форме «телефон».' : 'Посещения офисов относятся к очной форме.'
  if (domain === 'calls' && filter.office) return 'Звонки не привязаны к офисам обслуживания.'
  if (domain === 'calls' && filter.consumerType) return 'В журнале звонков нет типа потребителя.'
  return null
}

/**
 * The columns a view filters by, per domain: columns of every table its conditions are put on — the raw
 * records and their rollups (and, for appeals, the survey tables filtered alike) — so a column renamed in any
 * of them is a type error here.
 */
type ViewColumn = {
  appeals: ColumnOf<'appeal'> &
    ColumnOf<'appeal_day'> &
    ColumnOf<'appeal_due_day'> &
    ColumnOf<'survey_day'> &
    ColumnOf<'survey_response'> &
    ColumnOf<'survey_invitation'>
  calls: ColumnOf<'call'> & ColumnOf<'call_day'>
  visits: ColumnOf<'visit'> & ColumnOf<'visit_day'>
}

/** Conditions of a view on a row of a domain — a rollup row or a raw record (the column names are the same). */
export function viewConditions(domain: Domain, scope: Scope, filter: ViewFilter, narrowing: Narrowing = {}, alias = 'r'): RawBuilder<boolean>[] {
  const col = (name: string) => sql.ref<string>(`${alias}.${name}`)
  const every = (name: ViewColumn['appeals'] & ViewColumn['calls'] & ViewColumn['visits']) => col(name)
  const c: RawBuilder<boolean>[] = [sql<boolean>`${inScope(every('org_id'), every('branch_id'), scope)}`]
  if (filter.branch) c.push(sql<boolean>`${every('branch_id')} = ${filter.branch}`)
  if (domain !== 'calls') {
    const notCalls = (name: ViewColumn['appeals'] & ViewColumn['visits']) => col(name)
    if (filter.office) c.push(sql<boolean>`${notCalls('office_code')} = ${filter.office}`)
    if (filter.consumerType) c.push(sql<boolean>`${notCalls('consumer_type')} = ${filter.consumerType}`)
  }
  if (domain === 'appeals') {
    const appeals = (name: ViewColumn['appeals']) => col(name)
    if (filter.form) c.push(sql<boolean>`${appeals('form')} = ${filter.form}`)
    if (narrowing.topic) c.push(sql<boolean>`${appeals('topic')} = ${narrowing.topic}`)
  }
  if (domain === 'calls') {
    const calls = (name: ViewColumn['calls']) => col(name)
    const nullable = (name: ViewColumn['calls'], value: string | undefined) => {
      if (value === 'none') c.push(sql<boolean>`${calls(name)} is null`)
      else if (value) c.push(sql<boolean>`${calls(name)} = ${value}`)
    }
    nullable('category', narrowing.category)
    nullable('line', narrowing.line)
    if (narrowing.direction) c.push(sql<boolean>`${calls('direction')} = ${narrowing.direction}`)
  }
  if (domain === 'visits' && narrowing.serviceKind) c.push(sql<boolean>`${col('service_kind' satisfies ViewColumn['visits'])} = ${narrowing.serviceKind}`)
  return c
}

const and = (conditions: RawBuilder<boolean>[]) => sql<boolean>`${sql.join(conditions, sql` and `)}`

/** Series buckets: days for periods up to two months, months beyond. */
export function bucketKind(period: Period): 'day' | 'month' {
  return dayNumber(period.to) - dayNumber(period.from) <= 62 ? 'day' : 'month'
}

/** Every bucket of the period, so an empty month never vanishes from a chart. */
export function bucketsOf(period: Period): string[] {
  const kind = bucketKind(period)
  const out: string[] = []
  for (let d = dayNumber(period.from); d <= dayNumber(period.to); d++) {
    const key = kind === 'day' ? dayText(d) : dayText(d).slice(0, 7)
    if (out.at(-1) !== key) out.push(key)
  }
  return out
}

/** The local day of a rollup row `r` (every rollup has one). */
const day = (name: 'day' & ColumnOf<'appeal_day'> & ColumnOf<'appeal_due_day'> & ColumnOf<'call_day'> & ColumnOf<'visit_day'> & ColumnOf<'survey_day'>) =>
  sql.ref<string>(`r.${name}`)
/** The rollup rows `r` the sums are read from, and the raw appeals `r` of the due edge. */
const ad = columnsOf('appeal_day', 'r')
const dd = columnsOf('appeal_due_day', 'r')
const a = columnsOf('appeal', 'r')
const cd = columnsOf('call_day', 'r')
const vd = columnsOf('visit_day', 'r')
const sd = columnsOf('survey_day', 'r')
/** survey conditions are put on the rollup and on the raw responses and links alike */
const sr = (name: SharedColumn<'survey_day', 'survey_response'> & ColumnOf<'survey_invitation'>) => sql.ref<string>(`r.${name}`)

const bucketSql = (period: Period) =>
  bucketKind(period) === 'day' ? sql<string>`to_char(${day('day')}, 'YYYY-MM-DD')` : sql<string>`to_char(${day('day')}, 'YYYY-MM')`

// ---------------------------------------------------------------------------------------------- sums

export type { AppealSums, CallSums, DueSums, Grouped, SurveySums, VisitSums } from './sums.ts'
export { figure } from './catalog.ts'
export type { DashboardMetricId } from './catalog.ts'

const ZERO: { [K in SumsKind]: () => Sums[K] } = {
  appeals: () => ({ received: 0, complaints: 0, requests: 0, contracts: 0, settled: 0 }),
  due: () => ({ due: 0, onTime: 0, late: 0, overdue: 0, open: 0 }),
  calls: () => ({
    offered: 0,
    answeredIn: 0,
    unansweredIn: 0,
    shortAbandoned: 0,
    answeredInSl: 0,
    waitSum: 0,
    handleSum: 0,
    outbound: 0,
    callbacksPromised: 0,
    callbacksInTime: 0,
    noEnding: 0,
    legs: 0,
    legsAnswered: 0,
    legsOverflowed: 0,
    legsLost: 0,
    legWaitSum: 0,
    waitAnswered: 0,
    waitJudged: 0,
    legsWaitAnswered: 0,
  }),
  visits: () => ({
    visits: 0,
    served: 0,
    noShows: 0,
    completed: 0,
    waitSum: 0,
    serviceSum: 0,
    waitJudged: 0,
    waitWithin: 0,
    waitHist: HIST_BOUNDS.map(() => 0),
    serviceHist: HIST_BOUNDS.map(() => 0),
  }),
  surveys: () => ({
    responses: 0,
    csatAnswers: 0,
    csatSatisfied: 0,
    csatSum: 0,
    npsAnswers: 0,
    promoters: 0,
    detractors: 0,
    cesAnswers: 0,
    cesSum: 0,
    invitations: 0,
    invitationsAnswered: 0,
  }),
}

/** Adds `b` into `a` field by field (arrays element-wise). */
export function addSums<T extends object>(a: T, b: T): T {
  const target = a as Record<string, number | number[]>
  for (const [key, value] of Object.entries(b as Record<string, number | number[]>)) {
    if (Array.isArray(value)) {
      const into = target[key] as number[]
      value.forEach((v, i) => (into[i] = (into[i] ?? 0) + v))
    } else target[key] = (target[key] as number) + value
  }
  return a
}

/** The figures of each kind of sums, in the order screens and files list them (every figure of the kind, checked below). */
export const DOMAIN_METRICS = {
  appeals: ['appeals.received', 'appeals.complaints', 'appeals.requests', 'appeals.contracts_concluded', 'appeals.complaints_settled'],
  due: ['appeals.due_in_period', 'appeals.on_time', 'appeals.late', 'appeals.overdue', 'appeals.open', 'appeals.on_time_share'],
  calls: [
    'calls.offered',
    'calls.answered',
    'calls.abandoned',
    'calls.short_abandoned',
    'calls.abandoned_share',
    'calls.answered_in_sl',
    'calls.service_level',
    'calls.mean_wait',
    'calls.mean_handling',
    'calls.outbound',
    'calls.callbacks_promised',
    'calls.callbacks_in_time',
    'calls.callbacks_in_time_share',
    'calls.no_ending',
    'calls.line_offered',
    'calls.line_answered',
    'calls.line_overflowed',
    'calls.line_lost',
    'calls.line_mean_wait',
  ],
  visits: [
    'visits.total',
    'visits.served',
    'visits.no_shows',
    'visits.mean_wait',
    'visits.p90_wait',
    'visits.mean_service',
    'visits.p90_service',
    'visits.within_wait_norm',
    'visits.within_wait_norm_share',
  ],
  surveys: [
    'surveys.responses',
    'surveys.invitations',
    'surveys.invitations_answered',
    'surveys.response_rate',
    'surveys.csat',
    'surveys.csat_mean',
    'surveys.nps',
    'surveys.ces',
  ],
} as const satisfies { [K in SumsKind]: readonly MetricOf<K>[] }

// a figure of the catalog computed from a kind of sums but missing from its list is a type error here
type Unlisted = { [K in SumsKind]: Exclude<MetricOf<K>, (typeof DOMAIN_METRICS)[K][number]> }[SumsKind]
const everyFigureListed: [Unlisted] extends [never] ? true : { unlisted: Unlisted } = true
void everyFigureListed

export function figuresOf<K extends SumsKind>(kind: K, sums: Sums[K]): Record<(typeof DOMAIN_METRICS)[K][number], number | null> {
  const out: Record<string, number | null> = {}
  for (const id of DOMAIN_METRICS[kind]) out[id] = figureIn(kind, id, sums as FigureInputs[K])
  return out as Record<(typeof DOMAIN_METRICS)[K][number], number | null>
}

// ---------------------------------------------------------------------------------------------- queries

const dayRange = (period: Period) => sql<boolean>`${day('day')} between ${period.from}::date and ${period.to}::date`
const n = (v: unknown) => Number(v ?? 0)
const nums = (v: unknown) => (Array.isArray(v) ? v.map(Number) : [])

/** The sums of appeal_day rows `r` (the one place appeal counts are summed). */
export const APPEAL_SUMS_SQL = sql`sum(${ad('received')}) as received,
      coalesce(sum(${ad('received')}) filter (where ${ad('complaint_topic')} is not null), 0) as complaints,
      coalesce(sum(${ad('received')}) filter (where ${ad('request_type')} is not null), 0) as requests,
      coalesce(sum(${ad('received')}) filter (where ${ad('contract_concluded')} is not null and ${ad('contract_concluded')} <> 'none'), 0) as contracts,
      coalesce(sum(${ad('received')}) filter (where ${ad('complaint_settled')}), 0) as settled`

export const appealSumsOf = (r: Record<string, unknown>): AppealSums => ({
  received: n(r.received),
  complaints: n(r.complaints),
  requests: n(r.requests),
  contracts: n(r.contracts),
  settled: n(r.settled),
})

/** Appeals received in the period, grouped by form, topic and series bucket. */
export async function appealSums(db: Db, scope: Scope, period: Period, filter: ViewFilter, narrowing: Narrowing = {}): Promise<Grouped<AppealSums>[]> {
  const rows = await sql<{ form: string; topic: string; bucket: string } & Record<string, string>>`
    select ${ad('form')}, ${ad('topic')}, ${bucketSql(period)} as bucket, ${APPEAL_SUMS_SQL}
    from appeal_day r where ${and([dayRange(period), ...viewConditions('appeals', scope, filter, narrowing)])}
    group by 1, 2, 3`.execute(db)
  return rows.rows.map((r) => ({ key: { form: r.form, topic: r.topic, bucket: r.bucket }, sums: appealSumsOf(r) }))
}

/**
 * Appeals whose term ended in the period, judged as of `asOf`: answered ones by the rollup, except those
 * answered after `asOf` (from the records: unanswered then); unanswered ones by the rollup when their last day
 * is well before or after `asOf`, and from the records on the two days around it (where the moment decides).
 * Grouped by form, topic and series bucket (the dashboard), or by deadline rule (`by: 'rule'`: the cockpit's
 * norms and «Сроки», the same figures as computeAppealCompliance over the records).
 */
export async function dueSums(
  db: Db,
  scope: Scope,
  period: Period,
  filter: ViewFilter,
  asOf: Date,
  zone: string,
  narrowing: Narrowing = {},
  by: 'series' | 'rule' = 'series',
): Promise<Grouped<DueSums>[]> {
  const today = localDayOf(asOf, zone)
  const edgeFrom = dayText(today - 1)
  const edgeTo = dayText(today)
  const conditions = viewConditions('appeals', scope, filter, narrowing)
  const day = sql`((${a('due_at')} - interval '1 microsecond') at time zone ${zone})::date`
  // the group's columns, named alike in the rollup and in the records
  const groups =
    by === 'rule'
      ? {
          rollup: [sql`${dd('deadline_rule_id')}::text as rule`],
          records: [sql`${a('deadline_rule_id')}::text as rule`],
          only: [sql<boolean>`${dd('deadline_rule_id')} is not null`],
        }
      : {
          rollup: [sql`${dd('form')}`, sql`${dd('topic')}`, sql`${bucketSql(period)} as bucket`],
          records: [
            sql`${a('form')}`,
            sql`${a('topic')}`,
            bucketKind(period) === 'day' ? sql`to_char(${day}, 'YYYY-MM-DD') as bucket` : sql`to_char(${day}, 'YYYY-MM') as bucket`,
          ],
          only: [],
        }
  const groupBy = sql.raw(groups.rollup.map((_, i) => i + 1).join(', '))
  const keyOf = (r: Record<string, string | null>): Grouped<DueSums>['key'] =>
    by === 'rule' ? { rule: r.rule! } : { form: r.form!, topic: r.topic!, bucket: r.bucket! }
  const rolledQuery = sql<Record<string, string>>`
    select ${sql.join(groups.rollup)}, sum(${dd('due')}) as due, sum(${dd('on_time')}) as on_time, sum(${dd('late')}) as late,
      coalesce(sum(${dd('unanswered')}) filter (where ${dd('day')} < ${edgeFrom}::date), 0) as overdue,
      coalesce(sum(${dd('unanswered')}) filter (where ${dd('day')} > ${edgeTo}::date), 0) as open
    from appeal_due_day r where ${and([dayRange(period), ...conditions, ...groups.only])}
    group by ${groupBy}`.execute(db)
  const edgeStart = sql`(${edgeFrom}::date)::timestamp at time zone ${zone}`
  const edgeEnd = sql`(${edgeTo}::date + 1)::timestamp at time zone ${zone}`
  const onlyRuled = by === 'rule' ? [sql<boolean>`${a('deadline_rule_id')} is not null`] : []
  // the unanswered appeals of the two days around the moment, from the records
  const edgeQuery = sql<Record<string, string>>`
    select ${sql.join(groups.records)},
      count(*) filter (where ${asOf}::timestamptz > ${a('due_at')}) as overdue, count(*) filter (where ${asOf}::timestamptz <= ${a('due_at')}) as open
    from appeal r
    where ${and([
      sql<boolean>`${a('due_at')} > ${edgeStart} and ${a('due_at')} <= ${edgeEnd} and ${a('answered_at')} is null`,
      sql<boolean>`${a('due_at')} > ${period.start} and ${a('due_at')} <= ${period.end}`,
      ...conditions,
      ...onlyRuled,
    ])}
    group by ${groupBy}`.execute(db)
  // an answer given after `asOf` (a past moment, or an answer dated ahead) was not there yet: the rollup counted it
  // on time or late; it is taken back and judged as unanswered (index appeal_org_answered: as of now, none)
  const aheadQuery = sql<Record<string, string>>`
    select ${sql.join(groups.records)}, count(*) filter (where ${a('answered_at')} <= ${a('due_at')}) as on_time,
      count(*) filter (where ${a('answered_at')} > ${a('due_at')}) as late,
      count(*) filter (where ${asOf}::timestamptz > ${a('due_at')}) as overdue, count(*) filter (where ${asOf}::timestamptz <= ${a('due_at')}) as open
    from appeal r
    where ${and([
      sql<boolean>`${a('answered_at')} > ${asOf}`,
      sql<boolean>`${a('due_at')} > ${period.start} and ${a('due_at')} <= ${period.end}`,
      ...conditions,
      ...onlyRuled,
    ])}
    group by ${groupBy}`.execute(db)
  const [rolled, edge, ahead] = await Promise.all([rolledQuery, edgeQuery, aheadQuery])
  const out: Grouped<DueSums>[] = rolled.rows.map((r) => ({
    key: keyOf(r),
    sums: { due: n(r.due), onTime: n(r.on_time), late: n(r.late), overdue: n(r.overdue), open: n(r.open) },
  }))
  for (const r of edge.rows) out.push({ key: keyOf(r), sums: { due: 0, onTime: 0, late: 0, overdue: n(r.overdue), open: n(r.open) } })
  for (const r of ahead.rows) out.push({ key: keyOf(r), sums: { due: 0, onTime: -n(r.on_time), late: -n(r.late), overdue: n(r.overdue), open: n(r.open) } })
  return out
}

/** Calls started in the period, grouped by category, line and series bucket. */
export async function callSums(db: Db, scope: Scope, period: Period, filter: ViewFilter, narrowing: Narrowing = {}): Promise<Grouped<CallSums>[]> {
  const rows = await sql<Record<string, string | null>>`
    select ${cd('category')}, ${cd('line')}, ${bucketSql(period)} as bucket,
      coalesce(sum(${cd('calls')}) filter (where ${cd('direction')} = 'in'), 0) as offered,
      coalesce(sum(${cd('answered')}) filter (where ${cd('direction')} = 'in'), 0) as answered_in,
      coalesce(sum(${cd('abandoned')}) filter (where ${cd('direction')} = 'in'), 0) as unanswered_in,
      coalesce(sum(${cd('short_abandoned')}) filter (where ${cd('direction')} = 'in'), 0) as short_abandoned,
      coalesce(sum(${cd('answered_in_sl')}) filter (where ${cd('direction')} = 'in'), 0) as answered_in_sl,
      coalesce(sum(${cd('wait_sum')}) filter (where ${cd('direction')} = 'in'), 0) as wait_sum,
      coalesce(sum(${cd('handle_sum')}) filter (where ${cd('direction')} = 'in'), 0) as handle_sum,
      coalesce(sum(${cd('calls')}) filter (where ${cd('direction')} = 'out'), 0) as outbound,
      sum(${cd('callbacks_required')}) as callbacks_promised, sum(${cd('callbacks_in_time')}) as callbacks_in_time,
      coalesce(sum(${cd('no_ending')}) filter (where ${cd('direction')} = 'in'), 0) as no_ending,
      coalesce(sum(${cd('legs')}) filter (where ${cd('direction')} = 'in'), 0) as legs,
      coalesce(sum(${cd('legs_answered')}) filter (where ${cd('direction')} = 'in'), 0) as legs_answered,
      coalesce(sum(${cd('legs_overflowed')}) filter (where ${cd('direction')} = 'in'), 0) as legs_overflowed,
      coalesce(sum(${cd('legs_lost')}) filter (where ${cd('direction')} = 'in'), 0) as legs_lost,
      coalesce(sum(${cd('leg_wait_sum')}) filter (where ${cd('direction')} = 'in'), 0) as leg_wait_sum,
      coalesce(sum(${cd('wait_answered')}) filter (where ${cd('direction')} = 'in'), 0) as wait_answered,
      coalesce(sum(${cd('wait_judged')}) filter (where ${cd('direction')} = 'in'), 0) as wait_judged,
      coalesce(sum(${cd('legs_wait_answered')}) filter (where ${cd('direction')} = 'in'), 0) as legs_wait_answered
    from call_day r where ${and([dayRange(period), ...viewConditions('calls', scope, filter, narrowing)])}
    group by 1, 2, 3`.execute(db)
  return rows.rows.map((r) => ({
    key: { category: r.category ?? null, line: r.line ?? null, bucket: r.bucket ?? null },
    sums: {
      offered: n(r.offered),
      answeredIn: n(r.answered_in),
      unansweredIn: n(r.unanswered_in),
      shortAbandoned: n(r.short_abandoned),
      answeredInSl: n(r.answered_in_sl),
      waitSum: n(r.wait_sum),
      handleSum: n(r.handle_sum),
      outbound: n(r.outbound),
      callbacksPromised: n(r.callbacks_promised),
      callbacksInTime: n(r.callbacks_in_time),
      noEnding: n(r.no_ending),
      legs: n(r.legs),
      legsAnswered: n(r.legs_answered),
      legsOverflowed: n(r.legs_overflowed),
      legsLost: n(r.legs_lost),
      legWaitSum: n(r.leg_wait_sum),
      waitAnswered: n(r.wait_answered),
      waitJudged: n(r.wait_judged),
      legsWaitAnswered: n(r.legs_wait_answered),
    },
  }))
}

const histSums = (column: 'wait_hist' | 'service_hist') =>
  sql`array[${sql.join(HIST_BOUNDS.map((_, i) => sql`coalesce(sum(${vd(column)}[${sql.lit(i + 1)}]), 0)`))}]`

/** Visits issued in the period, grouped by office and service (with distributions) or by series bucket (without). */
export async function visitSums(
  db: Db,
  scope: Scope,
  period: Period,
  filter: ViewFilter,
  by: 'office' | 'bucket',
  narrowing: Narrowing = {},
): Promise<Grouped<VisitSums>[]> {
  const keys = by === 'office' ? sql`${vd('office_code')} as office, ${vd('service_kind')} as service_kind` : sql`${bucketSql(period)} as bucket`
  const hist = by === 'office' ? sql`, ${histSums('wait_hist')} as wait_hist, ${histSums('service_hist')} as service_hist` : sql``
  const rows = await sql<Record<string, unknown>>`
    select ${keys}, sum(${vd('visits')}) as visits, sum(${vd('served')}) as served, sum(${vd('no_shows')}) as no_shows, sum(${vd('completed')}) as completed,
      sum(${vd('wait_sum')}) as wait_sum, sum(${vd('service_sum')}) as service_sum, sum(${vd('wait_judged')}) as wait_judged, sum(${vd('wait_within')}) as wait_within ${hist}
    from visit_day r where ${and([dayRange(period), ...viewConditions('visits', scope, filter, narrowing)])}
    group by ${by === 'office' ? sql`1, 2` : sql`1`}`.execute(db)
  return rows.rows.map((r) => ({
    key: (by === 'office' ? { office: r.office as string, serviceKind: r.service_kind as string } : { bucket: r.bucket as string }) as Record<
      string,
      string | null
    >,
    sums: {
      visits: n(r.visits),
      served: n(r.served),
      noShows: n(r.no_shows),
      completed: n(r.completed),
      waitSum: n(r.wait_sum),
      serviceSum: n(r.service_sum),
      waitJudged: n(r.wait_judged),
      waitWithin: n(r.wait_within),
      waitHist: by === 'office' ? nums(r.wait_hist) : HIST_BOUNDS.map(() => 0),
      serviceHist: by === 'office' ? nums(r.service_hist) : HIST_BOUNDS.map(() => 0),
    },
  }))
}

/**
 * Survey responses, links and their daily rollup are filtered like appeals — they carry the same columns
 * (branch, office, form of service, consumer type, topic), copied from the appeal, call, visit or survey
 * subject a response evaluates — and, on a survey's own pages, by the survey. Alias `r`.
 */
export function surveyConditions(scope: Scope, filter: ViewFilter, narrowing: Narrowing = {}, surveyId?: string): RawBuilder<boolean>[] {
  const c = viewConditions('appeals', scope, filter, { topic: narrowing.topic })
  if (surveyId) c.push(sql<boolean>`${sr('survey_id')} = ${surveyId}`)
  return c
}

/**
 * Survey answers submitted in the period and personal links made in it, from the daily rollup, grouped by
 * survey, office, form of service, delivery and series bucket. Scores are summed per answer: a survey with
 * two CSAT questions gives two CSAT answers per response.
 */
export async function surveySums(
  db: Db,
  scope: Scope,
  period: Period,
  filter: ViewFilter,
  narrowing: Narrowing = {},
  surveyId?: string,
): Promise<Grouped<SurveySums>[]> {
  const rows = await sql<Record<string, string | null>>`
    select ${sd('survey_id')}, ${sd('office_code')}, ${sd('form')}, ${sd('delivery')}, ${bucketSql(period)} as bucket,
      sum(${sd('responses')}) as responses, sum(${sd('csat_answers')}) as csat_answers, sum(${sd('csat_satisfied')}) as csat_satisfied, sum(${sd('csat_sum')}) as csat_sum,
      sum(${sd('nps_answers')}) as nps_answers, sum(${sd('promoters')}) as promoters, sum(${sd('detractors')}) as detractors, sum(${sd('ces_answers')}) as ces_answers, sum(${sd('ces_sum')}) as ces_sum,
      sum(${sd('invitations')}) as invitations, sum(${sd('invitations_answered')}) as invitations_answered
    from survey_day r where ${and([dayRange(period), ...surveyConditions(scope, filter, narrowing, surveyId)])}
    group by 1, 2, 3, 4, 5`.execute(db)
  return rows.rows.map((r) => ({
    key: { survey: r.survey_id ?? null, office: r.office_code ?? null, form: r.form ?? null, delivery: r.delivery ?? null, bucket: r.bucket ?? null },
    sums: {
      responses: n(r.responses),
      csatAnswers: n(r.csat_answers),
      csatSatisfied: n(r.csat_satisfied),
      csatSum: n(r.csat_sum),
      npsAnswers: n(r.nps_answers),
      promoters: n(r.promoters),
      detractors: n(r.detractors),
      cesAnswers: n(r.ces_answers),
      cesSum: n(r.ces_sum),
      invitations: n(r.invitations),
      invitationsAnswered: n(r.invitations_answered),
    },
  }))
}

/** «Проведено опросов»: the distinct surveys with a response among the groups (counted, not summed). */
export function surveysConducted(groups: readonly Grouped<SurveySums>[]): number {
  return figure('surveys.conducted', groups) ?? 0
}

/** The sums of all groups together. */
export function totalOf<K extends SumsKind>(kind: K, groups: readonly Grouped<Sums[K]>[]): Sums[K] {
  const total = ZERO[kind]()
  for (const g of groups) addSums(total, g.sums)
  return total
}

/** The sums of the groups by one key, in first-seen order. */
export function groupBy<K extends SumsKind>(kind: K, groups: readonly Grouped<Sums[K]>[], key: (g: Grouped<Sums[K]>) => string): Map<string, Sums[K]> {
  const out = new Map<string, Sums[K]>()
  for (const g of groups) {
    const k = key(g)
    if (!out.has(k)) out.set(k, ZERO[kind]())
    addSums(out.get(k)!, g.sums)
  }
  return out
}
