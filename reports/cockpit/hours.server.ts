/**
 * When are calls lost? Phone service level and abandoned share by local hour of day and by weekday. Read
 * from the hourly call rollup (call_hour, ADR 032: the call rollup's own counts by the local hour a call
 * began), and each share is the catalog's formula (`figure`) over those counts. `fromRecords` reads the call
 * records instead, each count by the register's own predicate of its figure (records.server.ts:
 * `metricConditions`) — the yardstick a test holds the rollup to.
 */
import { sql } from 'kysely'
import { columnsOf } from '#db/columns.ts'
import type { Db } from '#db/client.server.ts'
import { type CallSums, figure } from '#reports/metrics/dashboard.server.ts'
import { REGISTERS, type RecordContext, metricConditions, recordWhere } from '#reports/metrics/records.server.ts'
import { viewConditions } from '#reports/metrics/dashboard.server.ts'

export interface HourCell {
  offered: number
  abandoned: number
  serviceLevel: number | null
  abandonedShare: number | null
}

export interface CallsByTime {
  /** 24 local hours, 0–23 */
  byHour: (HourCell & { hour: number })[]
  /** ISO weekdays 1 (пн) – 7 (вс) */
  byWeekday: (HourCell & { weekday: number })[]
}

const COUNTED = ['calls.offered', 'calls.short_abandoned', 'calls.abandoned', 'calls.answered_in_sl'] as const

function cellOf(r: Record<string, unknown>): HourCell {
  const offered = Number(r.offered ?? 0)
  const short = Number(r.short_abandoned ?? 0)
  const abandoned = Number(r.abandoned ?? 0)
  // only the fields the two formulas read; the rest of the call sums are not needed here
  const sums = {
    offered,
    shortAbandoned: short,
    unansweredIn: abandoned + short,
    answeredInSl: Number(r.answered_in_sl ?? 0),
    waitJudged: Number(r.wait_judged ?? 0),
  } as CallSums
  return { offered, abandoned, serviceLevel: figure('calls.service_level', sums), abandonedShare: figure('calls.abandoned_share', sums) }
}

/** The calls `r` of the register. */
const ca = columnsOf('call', 'r')

export async function callsByTime(db: Db, ctx: Omit<RecordContext, 'metric'>, fromRecords = false): Promise<CallsByTime> {
  const rows = fromRecords ? await recordRows(db, ctx) : await rolledRows(db, ctx)
  const add = (into: Record<string, number>, r: Record<string, string>) => {
    for (const k of [...COUNTED.map((m) => m.split('.')[1]!), 'wait_judged']) into[k] = (into[k] ?? 0) + Number(r[k] ?? 0)
  }
  const hours = Array.from({ length: 24 }, () => ({}) as Record<string, number>)
  const days = Array.from({ length: 7 }, () => ({}) as Record<string, number>)
  for (const r of rows) {
    add(hours[Number(r.hour)]!, r)
    add(days[Number(r.weekday) - 1]!, r)
  }
  return {
    byHour: hours.map((h, hour) => ({ hour, ...cellOf(h) })),
    byWeekday: days.map((d, i) => ({ weekday: i + 1, ...cellOf(d) })),
  }
}

const ch = columnsOf('call_hour_total', 'r')

/**
 * The counts of the hourly rollup by weekday and hour: incoming calls (contact rows), as the dashboard sums them.
 * call_hour_total (no line, no category: a hundred times fewer rows) unless the view is narrowed to either.
 */
async function rolledRows(db: Db, ctx: Omit<RecordContext, 'metric'>): Promise<Record<string, string>[]> {
  const table = ctx.narrowing.line || ctx.narrowing.category ? 'call_hour' : 'call_hour_total'
  const incoming = sql<boolean>`${ch('direction')} = 'in'`
  const sum = (column: 'calls' | 'abandoned' | 'short_abandoned' | 'answered_in_sl' | 'wait_judged') =>
    sql`coalesce(sum(${ch(column)}) filter (where ${incoming}), 0)`
  return (
    await sql<Record<string, string>>`
      select extract(isodow from ${ch('day')})::int as weekday, ${ch('hour')} as hour, ${sum('calls')} as offered,
        ${sum('short_abandoned')} as short_abandoned, ${sum('abandoned')} - ${sum('short_abandoned')} as abandoned,
        ${sum('answered_in_sl')} as answered_in_sl, ${sum('wait_judged')} as wait_judged
      from ${sql.table(table)} r
      where ${sql.join(
        [
          sql<boolean>`${ch('day')} between ${ctx.period.from}::date and ${ctx.period.to}::date`,
          ...viewConditions('calls', ctx.scope, ctx.filter, ctx.narrowing),
        ],
        sql` and `,
      )}
      group by 1, 2`.execute(db)
  ).rows
}

async function recordRows(db: Db, ctx: Omit<RecordContext, 'metric'>): Promise<Record<string, string>[]> {
  const where = recordWhere(REGISTERS.calls, { ...ctx, metric: undefined })
  const counts = sql.join(
    COUNTED.map((metric) => sql`count(*) filter (where ${sql.join(metricConditions({ ...ctx, metric }), sql` and `)}) as ${sql.ref(metric.split('.')[1]!)}`),
    sql`, `,
  )
  // the service level's denominator (ADR 027): incoming calls with a known wait, short abandons aside
  const offered = sql.join(metricConditions({ ...ctx, metric: 'calls.offered' }), sql` and `)
  const short = sql.join(metricConditions({ ...ctx, metric: 'calls.short_abandoned' }), sql` and `)
  const judged = sql`count(*) filter (where ${offered} and ${ca('wait_known')} and not (${short})) as wait_judged`
  const local = sql`(${ca('started_at')} at time zone ${ctx.zone})`
  return (
    await sql<Record<string, string>>`
      select extract(isodow from ${local})::int as weekday, extract(hour from ${local})::int as hour, ${counts}, ${judged}
      from call r where ${where} group by 1, 2`.execute(db)
  ).rows
}
