/**
 * When the figures of a period stop changing by time alone, apart from the terms that nextDeadlineAfter
 * watches (an appeal's due, a callback's due). A view «as of now» of such a period is kept until the next
 * of those terms passes, instead of a minute at most (view-cache.server.ts, ADR 033).
 *
 * What else changes a period's figures as time passes, and when it is over for records dated before `end`:
 *   - a minute norm of a call or visit without a stop is judged late once the norm has run (the longest
 *     active norm after the record's start);
 *   - a lost call may be reached within REACH_WINDOW_DAYS after it, and is judged late once its callback norm
 *     has run (the engine's due: wall clock, or over the production calendar for a norm in days);
 *   - a day of margin on each: a call that began before `end` may end after it.
 * A stop dated ahead (a data error) changes a record's class at that instant: the norm and lost-call rollups
 * know the first such instant of each row (`changes_at`, ADR 032), and the period settles no earlier. (An
 * answer dated ahead is an appeal's: dueSums reads it from the records as of every moment.)
 */
import { sql } from 'kysely'
import type { Db } from '#db/client.server.ts'
import { REACH_WINDOW_DAYS, lostCallsSetup } from '#reports/callbacks/callbacks.server.ts'
import { dueAt } from './engine.ts'
import { loadNormRules, normSecondsOf } from './norms.server.ts'
import { loadWorkCalendar } from './rules.server.ts'

const DAY_MS = 86_400_000

export async function settledAt(db: Db, orgId: string, end: Date): Promise<Date> {
  const [rules, { norm, zone }, calendar] = await Promise.all([loadNormRules(db, orgId), lostCallsSetup(db, orgId), loadWorkCalendar(db, orgId)])
  const lastStart = new Date(end.getTime() + DAY_MS)
  const longestNorm = Math.max(0, ...rules.map(normSecondsOf)) * 1000
  const callbackDue = dueAt({ amount: norm.amount, unit: norm.unit }, lastStart, calendar, zone).due
  let settled = Math.max(lastStart.getTime() + REACH_WINDOW_DAYS * DAY_MS, lastStart.getTime() + longestNorm, callbackDue.getTime())
  // a record of the period that changes class later than that (a stop dated ahead): the period settles then
  const lastDay = sql`(${end}::timestamptz at time zone ${zone})::date`
  const ahead = (
    await sql<{ at: Date | null }>`select greatest(
        (select max(changes_at) from norm_day where org_id = ${orgId} and changes_at is not null and day <= ${lastDay}),
        (select max(changes_at) from lost_day where org_id = ${orgId} and changes_at is not null and day <= ${lastDay})
      ) as at`.execute(db)
  ).rows[0]?.at
  if (ahead) settled = Math.max(settled, new Date(ahead).getTime())
  return new Date(settled)
}
