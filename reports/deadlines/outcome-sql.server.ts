import { type Expression, sql } from 'kysely'
import type { Outcome } from './engine.ts'

/**
 * The SQL twin of `deadlineOutcome` (engine.ts): a stop after `asOf` had not happened yet. A test runs
 * both over one grid of cases on both databases.
 */
export function outcomeSql(due: Expression<Date | null>, stop: Expression<Date | null>, asOf: Date) {
  return sql<Outcome>`case
    when ${stop} is not null and ${stop} <= ${asOf} then case when ${stop} <= ${due} then 'on_time' else 'late' end
    when ${asOf}::timestamptz > ${due} then 'overdue'
    else 'open' end`
}
