/** Half-open periods `[start, end)` from local dates in the organisation's zone. */
import { dayNumber, dayText, startOfLocalDay } from '#reports/time/days.ts'

export interface Period {
  start: Date
  end: Date
  /** `YYYY-MM-DD`, both inclusive, as a person chose them */
  from: string
  to: string
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

export function isDateText(text: string | null | undefined): text is string {
  return Boolean(text && DATE.test(text) && dayText(dayNumber(text)) === text)
}

/**
 * «As of» a local date: the end of that day in the organisation's zone, i.e. the start of the next one
 * (an answer given by 24:00 counts). One rule for «Сроки», the reports and the command line.
 */
export function endOfLocalDay(date: string, zone: string): Date {
  return startOfLocalDay(dayNumber(date) + 1, zone)
}

/** A calendar year in the organisation's zone. */
export function yearPeriod(year: number, zone: string): Period {
  return periodOf(`${year}-01-01`, `${year}-12-31`, zone)
}

/** From the first to the last local day inclusive. */
export function periodOf(from: string, to: string, zone: string): Period {
  return { from, to, start: startOfLocalDay(dayNumber(from), zone), end: startOfLocalDay(dayNumber(to) + 1, zone) }
}
