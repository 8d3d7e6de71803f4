/**
 * Deadline figures of appeals (metric catalog: appeals.*): per rule, for the appeals whose term ended in a
 * period, judged as of a moment; the appeals nearing their term; and the records behind every number.
 * A day term ends at 24:00 of its last day, stored as 00:00 of the next: so «ended in the period» is
 * `start < due_at <= end` — a term ending at 24:00 on 31 March belongs to March.
 */
import { afterPosition, keysetPages } from '#db/keyset.server.ts'
import { type RawBuilder, sql } from 'kysely'
import { columnsOf } from '#db/columns.ts'
import type { Db } from '#db/client.server.ts'
import { type Scope, inScope } from '#db/scope.server.ts'
import { figure } from '#reports/metrics/catalog.ts'
import type { Period } from '#reports/metrics/period.ts'
import { dueSums } from '#reports/metrics/dashboard.server.ts'
import type { Narrowing, ViewFilter } from '#reports/metrics/view.ts'
import type { Outcome } from './engine.ts'
import { outcomeSql } from './outcome-sql.server.ts'

export interface RuleCompliance {
  ruleId: string
  code: string
  name: string
  dueInPeriod: number
  onTime: number
  late: number
  overdue: number
  open: number
  /** on time ÷ (on time + late + overdue); null when nothing was judged */
  onTimeShare: number | null
}

/** `where`: further conditions on the appeal (alias `appeal`), e.g. a view's filters (the cockpit's norms). */
export async function computeAppealCompliance(
  db: Db,
  scope: Scope,
  period: Period,
  asOf: Date,
  where: readonly RawBuilder<boolean>[] = [],
): Promise<RuleCompliance[]> {
  const rows = await db
    .selectFrom('appeal')
    .innerJoin('deadline_rule', 'deadline_rule.id', 'appeal.deadline_rule_id')
    .where(({ ref }) => inScope(ref('appeal.org_id'), ref('appeal.branch_id'), scope))
    .$if(where.length > 0, (qb) => qb.where(sql<boolean>`${sql.join(where, sql` and `)}`))
    .where('appeal.due_at', '>', period.start)
    .where('appeal.due_at', '<=', period.end)
    .select(({ ref, fn }) => [
      'deadline_rule.id as ruleId',
      'deadline_rule.code as code',
      'deadline_rule.name as name',
      outcomeSql(ref('appeal.due_at'), ref('appeal.answered_at'), asOf).as('outcome'),
      fn.countAll<string>().as('n'),
    ])
    .groupBy(['deadline_rule.id', 'deadline_rule.code', 'deadline_rule.name', 'outcome'])
    .orderBy('deadline_rule.code')
    .execute()
  const byRule = new Map<string, RuleCompliance>()
  for (const row of rows) {
    const entry = byRule.get(row.ruleId) ?? {
      ruleId: row.ruleId,
      code: row.code,
      name: row.name,
      dueInPeriod: 0,
      onTime: 0,
      late: 0,
      overdue: 0,
      open: 0,
      onTimeShare: null,
    }
    const n = Number(row.n)
    entry.dueInPeriod += n
    if (row.outcome === 'on_time') entry.onTime += n
    else if (row.outcome === 'late') entry.late += n
    else if (row.outcome === 'overdue') entry.overdue += n
    else entry.open += n
    byRule.set(row.ruleId, entry)
  }
  // the catalog's formula, as on the dashboard
  for (const entry of byRule.values()) entry.onTimeShare = figure('appeals.on_time_share', { ...entry, due: entry.dueInPeriod })
  return [...byRule.values()]
}

/**
 * The same figures as computeAppealCompliance, for a view's filters, read from the appeal_due_day rollup
 * and the few records where the moment decides (dueSums): a year of a million appeals in milliseconds instead
 * of half a second. The rollups must be current (refreshRollups, done by the view context).
 */
export async function appealComplianceOfView(
  db: Db,
  scope: Scope,
  period: Period,
  asOf: Date,
  zone: string,
  filter: ViewFilter = {},
  narrowing: Narrowing = {},
): Promise<RuleCompliance[]> {
  const groups = await dueSums(db, scope, period, filter, asOf, zone, narrowing, 'rule')
  if (!groups.length) return []
  const rules = await db
    .selectFrom('deadline_rule')
    .select(['id', 'code', 'name'])
    .where('id', 'in', [...new Set(groups.map((g) => g.key.rule!))])
    .orderBy('code')
    .execute()
  const byRule = new Map<string, RuleCompliance>(
    rules.map((r) => [r.id, { ruleId: r.id, code: r.code, name: r.name, dueInPeriod: 0, onTime: 0, late: 0, overdue: 0, open: 0, onTimeShare: null }]),
  )
  for (const { key, sums } of groups) {
    const entry = byRule.get(key.rule!)
    if (!entry) continue // a rule deleted since the rollup was built; computeAppealCompliance's join drops it too
    entry.dueInPeriod += sums.due
    entry.onTime += sums.onTime
    entry.late += sums.late
    entry.overdue += sums.overdue
    entry.open += sums.open
  }
  for (const entry of byRule.values()) entry.onTimeShare = figure('appeals.on_time_share', { ...entry, due: entry.dueInPeriod })
  return [...byRule.values()]
}

export const RECORDS_PAGE_SIZE = 50

export interface RecordsFilter {
  asOf: Date
  ruleId?: string
  /** the records of one outcome among the appeals due in `period`… */
  outcome?: Outcome
  period?: Period
  /** …or those nearing their term: not answered as of `asOf`, due after it and no later than `atRiskUntil` */
  atRiskUntil?: Date
  /** further conditions on the appeal (alias `appeal`): a cockpit view's filters */
  where?: readonly RawBuilder<boolean>[]
}

/** The appeals behind a figure, soonest due first; no personal data columns. */
export async function listAppealsForDeadlines(db: Db, scope: Scope, filter: RecordsFilter, page: number) {
  const { asOf } = filter
  let base = db
    .selectFrom('appeal')
    .innerJoin('deadline_rule', 'deadline_rule.id', 'appeal.deadline_rule_id')
    .where(({ ref }) => inScope(ref('appeal.org_id'), ref('appeal.branch_id'), scope))
  if (filter.ruleId) base = base.where('appeal.deadline_rule_id', '=', filter.ruleId)
  if (filter.where?.length) base = base.where(sql<boolean>`${sql.join(filter.where, sql` and `)}`)
  if (filter.atRiskUntil) {
    base = base
      .where('appeal.due_at', '>', asOf)
      .where('appeal.due_at', '<=', filter.atRiskUntil)
      .where((eb) => eb.or([eb('appeal.answered_at', 'is', null), eb('appeal.answered_at', '>', asOf)]))
  } else if (filter.period) {
    base = base.where('appeal.due_at', '>', filter.period.start).where('appeal.due_at', '<=', filter.period.end)
    if (filter.outcome) base = base.where(({ ref }) => sql<boolean>`${outcomeSql(ref('appeal.due_at'), ref('appeal.answered_at'), asOf)} = ${filter.outcome}`)
  }
  const [rows, count] = await Promise.all([
    base
      .leftJoin('branch', 'branch.id', 'appeal.branch_id')
      .select(({ ref }) => [
        'appeal.id as id',
        'appeal.reg_number as regNumber',
        'appeal.received_at as receivedAt',
        'appeal.form as form',
        'appeal.topic as topic',
        'branch.name as branch',
        'appeal.due_at as dueAt',
        'appeal.answered_at as answeredAt',
        'appeal.due_calendar_gap as calendarGap',
        'deadline_rule.name as rule',
        outcomeSql(ref('appeal.due_at'), ref('appeal.answered_at'), asOf).as('outcome'),
      ])
      .orderBy('appeal.due_at')
      .orderBy('appeal.id')
      .limit(RECORDS_PAGE_SIZE)
      .offset((page - 1) * RECORDS_PAGE_SIZE)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows, total: Number(count.n) }
}

/** The period of the latest appeals visible to `scope`: the local calendar year of the last receipt. */
export async function latestAppealYear(db: Db, scope: Scope, zone: string): Promise<number | null> {
  const row = await db
    .selectFrom('appeal')
    .where(({ ref }) => inScope(ref('appeal.org_id'), ref('appeal.branch_id'), scope))
    .select(sql<number | null>`extract(year from max(received_at) at time zone ${zone})::int`.as('year'))
    .executeTakeFirst()
  return row?.year ?? null
}

/** The appeals `r` of a rule's violations. */
const ap = columnsOf('appeal', 'r')

/** The appeals of a rule due in the period answered late or not answered past their term, as of `asOf`, in keyset pages. */
export async function* appealViolations(db: Db, scope: Scope, period: Period, asOf: Date, ruleId: string, pageSize = 5000) {
  yield* keysetPages(
    async (after) =>
      (
        await sql<{ id: string; reg_number: string; received_at: Date; due_at: Date; answered_at: Date | null; outcome: Outcome; form: string; topic: string }>`
          select ${ap('id')}::text as id, ${ap('reg_number')}, ${ap('received_at')}, ${ap('due_at')}, case when ${ap('answered_at')} <= ${asOf} then ${ap('answered_at')} end as answered_at,
            ${outcomeSql(ap('due_at'), ap('answered_at'), asOf)} as outcome, ${ap('form')}, ${ap('topic')}
          from appeal r
          where ${inScope(ap('org_id'), ap('branch_id'), scope)} and ${ap('deadline_rule_id')} = ${ruleId}::bigint
            and ${ap('due_at')} > ${period.start} and ${ap('due_at')} <= ${period.end}
            and ${outcomeSql(ap('due_at'), ap('answered_at'), asOf)} in ('late', 'overdue')
            ${afterPosition(ap('due_at'), after)}
          order by ${ap('due_at')}, ${ap('id')} limit ${pageSize}`.execute(db)
      ).rows,
    (row) => ({ at: row.due_at, id: row.id }),
    pageSize,
  )
}
