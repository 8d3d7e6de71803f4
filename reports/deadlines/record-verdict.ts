/**
 * One appeal judged against its term, for its record card (issue 16): the engine's outcome
 * (`deadlineOutcome`, the one every figure uses) plus how far the term is — the days past its last day, or
 * the working days left (the last day included, by the production calendar, as the work list counts them).
 * Pure: no database, no clock.
 */
import { localDayOf } from '#reports/time/days.ts'
import type { WorkCalendar } from './calendar.ts'
import { type Outcome, deadlineOutcome } from './engine.ts'

export interface RecordVerdict {
  outcome: Outcome
  /** overdue or late: calendar days after the last day of the term (the day of the answer or today) */
  daysLate: number | null
  /** open: working days left, the last day of the term included (0: the term ends today, after working hours) */
  workingDaysLeft: number | null
}

export function recordVerdict(due: Date, answered: Date | null, asOf: Date, calendar: WorkCalendar, zone: string): RecordVerdict {
  const outcome = deadlineOutcome(due, answered, asOf)
  // a day term ends at 24:00 of its last day, stored as 00:00 of the next
  const lastDay = localDayOf(new Date(due.getTime() - 1), zone)
  if (outcome === 'late' || outcome === 'overdue') {
    const stopDay = localDayOf(outcome === 'late' ? answered! : asOf, zone)
    return { outcome, daysLate: Math.max(0, stopDay - lastDay), workingDaysLeft: null }
  }
  if (outcome === 'open') {
    let left = 0
    for (let d = localDayOf(asOf, zone); d <= lastDay; d++) if (calendar.isWorkingDay(d)) left++
    return { outcome, daysLate: null, workingDaysLeft: left }
  }
  return { outcome, daysLate: null, workingDaysLeft: null }
}
