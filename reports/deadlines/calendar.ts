/**
 * The working-day calendar: a flag byte per day, 2000–2099, built from calendar rows (the federal
 * production calendar plus an organisation's own days). Pure and preloaded: counting a million terms
 * costs array look-ups. Days are numbered from 1970-01-01 (day 0) as local dates.
 */
import { dayNumber } from '#reports/time/days.ts'

export type CalendarKind = 'holiday' | 'working_weekend' | 'short_day' | 'nonworking_decree'

export interface CalendarDayRow {
  /** `YYYY-MM-DD` */
  day: string
  kind: CalendarKind
}

export interface WorkCalendar {
  isWorkingDay(day: number): boolean
  /** false for a day outside every loaded year: it was judged Monday–Friday (deadlines.md) */
  covers(day: number): boolean
}

const FIRST_YEAR = 2000
const LAST_YEAR = 2099
const DAY_MS = 86_400_000
const WORKING = 1
const COVERED = 2
const base = Date.UTC(FIRST_YEAR, 0, 1) / DAY_MS
const span = Date.UTC(LAST_YEAR + 1, 0, 1) / DAY_MS - base

/**
 * Monday–Friday are working days, minus holidays and days off moved by decree (and the 2020–2021
 * presidential non-working days), plus weekend days made working; short days stay working days.
 * `loadedYears` are the years the rows describe; other days fall back to Monday–Friday, uncovered.
 */
export function makeWorkCalendar(rows: readonly CalendarDayRow[], loadedYears: Iterable<number>): WorkCalendar {
  const flags = new Uint8Array(span)
  for (let i = 0; i < span; i++) {
    const weekday = new Date((base + i) * DAY_MS).getUTCDay()
    flags[i] = weekday === 0 || weekday === 6 ? 0 : WORKING
  }
  for (const year of loadedYears) {
    if (year < FIRST_YEAR || year > LAST_YEAR) continue
    const from = dayNumber(year, 1, 1) - base
    const to = dayNumber(year + 1, 1, 1) - base
    for (let i = from; i < to; i++) flags[i]! |= COVERED
  }
  for (const row of rows) {
    const i = dayNumber(row.day) - base
    if (i < 0 || i >= span) continue
    if (row.kind === 'holiday' || row.kind === 'nonworking_decree') flags[i]! &= ~WORKING
    else if (row.kind === 'working_weekend') flags[i]! |= WORKING
  }
  const outside = (day: number) => day < base || day >= base + span
  return {
    isWorkingDay(day) {
      if (outside(day)) {
        const weekday = new Date(day * DAY_MS).getUTCDay()
        return weekday !== 0 && weekday !== 6
      }
      return (flags[day - base]! & WORKING) !== 0
    },
    covers(day) {
      return !outside(day) && (flags[day - base]! & COVERED) !== 0
    },
  }
}
