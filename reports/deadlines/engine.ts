/**
 * Counting terms (Civil Code arts. 191 and 193; shared/domain/deadlines.md) and judging a record
 * against its term. Pure: no database, no clock.
 */
import type { WorkCalendar } from './calendar.ts'
import { localDayOf, startOfLocalDay } from '#reports/time/days.ts'

export type TermUnit = 'seconds' | 'minutes' | 'hours' | 'calendar_days' | 'working_days'

export interface DeadlineTerm {
  amount: number
  unit: TermUnit
}

export interface Due {
  /** the instant the term ends: a stop at or before it is on time */
  due: Date
  /** a day of the count lay outside every loaded calendar year and was judged Monday–Friday */
  calendarGap: boolean
}

const UNIT_MS: Partial<Record<TermUnit, number>> = { seconds: 1_000, minutes: 60_000, hours: 3_600_000 }

/**
 * Minutes and hours: `start + amount`, wall-clock. Day terms count from the day after the start date;
 * the last day is start date + amount (calendar days, moved forward past non-working days) or the
 * amount-th working day after it; the term ends at 24:00 local of the last day.
 */
export function dueAt(term: DeadlineTerm, start: Date, calendar: WorkCalendar, zone: string): Due {
  const unitMs = UNIT_MS[term.unit]
  if (unitMs !== undefined) return { due: new Date(start.getTime() + term.amount * unitMs), calendarGap: false }
  const first = localDayOf(start, zone)
  let last = first
  if (term.unit === 'calendar_days') {
    last = first + term.amount
    while (!calendar.isWorkingDay(last)) last++
  } else {
    for (let left = term.amount; left > 0;) if (calendar.isWorkingDay(++last)) left--
  }
  let calendarGap = false
  for (let d = first + 1; d <= last && !calendarGap; d++) calendarGap = !calendar.covers(d)
  return { due: startOfLocalDay(last + 1, zone), calendarGap }
}

export type Outcome = 'on_time' | 'late' | 'overdue' | 'open'

/**
 * As of `asOf`: a stop later than `asOf` had not happened yet.
 * on_time — «ответ получен в установленные сроки»; late — «с нарушением сроков»;
 * overdue — «оставлено без ответа»; open — still within its term.
 */
export function deadlineOutcome(due: Date, stop: Date | null, asOf: Date): Outcome {
  if (stop && stop.getTime() <= asOf.getTime()) return stop.getTime() <= due.getTime() ? 'on_time' : 'late'
  return asOf.getTime() > due.getTime() ? 'overdue' : 'open'
}
