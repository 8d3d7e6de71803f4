/**
 * The production calendar as a year of month grids (issue 16): every day of the year with what it is —
 * working, a weekend, a day off (holiday or a decree's), a short day, or a weekend made working (a day
 * moved by the transfer decree) — and where that comes from. The organisation's own day wins over the
 * federal one, as in the deadline engine (makeWorkCalendar). Client-safe.
 */
import { dayNumber, dayText } from '#reports/time/days.ts'

export type DayStatus = 'working' | 'weekend' | 'holiday' | 'short' | 'transferred'

export interface CalendarDayEntry {
  id: string
  day: string
  kind: string
  note: string | null
  orgId: string | null
}

export interface GridDay {
  /** YYYY-MM-DD */
  day: string
  date: number
  status: DayStatus
  /** the organisation's own day (removable), if any */
  own: { id: string; kind: string; note: string | null } | null
  /** the federal calendar's kind of this day, if any */
  federal: string | null
}

export interface GridMonth {
  month: number
  /** weeks Monday to Sunday; null outside the month */
  weeks: (GridDay | null)[][]
}

const STATUS_OF_KIND: Record<string, DayStatus> = { holiday: 'holiday', nonworking_decree: 'holiday', short_day: 'short', working_weekend: 'transferred' }

export const DAY_STATUS_LABELS: Record<DayStatus, string> = {
  working: 'рабочий день',
  weekend: 'выходной',
  holiday: 'нерабочий праздничный день',
  short: 'сокращённый предпраздничный день',
  transferred: 'рабочий выходной (перенос)',
}

export const MONTH_NAMES = ['Январь', 'Февраль', 'Март', 'Апрель', 'Май', 'Июнь', 'Июль', 'Август', 'Сентябрь', 'Октябрь', 'Ноябрь', 'Декабрь']
export const WEEKDAYS = ['пн', 'вт', 'ср', 'чт', 'пт', 'сб', 'вс']

export function yearGrid(year: number, days: readonly CalendarDayEntry[]): GridMonth[] {
  const own = new Map(days.filter((d) => d.orgId).map((d) => [d.day, d]))
  const federal = new Map(days.filter((d) => !d.orgId).map((d) => [d.day, d]))
  const months: GridMonth[] = []
  for (let month = 1; month <= 12; month++) {
    const first = dayNumber(year, month, 1)
    const last = (month === 12 ? dayNumber(year + 1, 1, 1) : dayNumber(year, month + 1, 1)) - 1
    // day 0 (1970-01-01) was a Thursday: Monday-based weekday 3
    const weekday = (n: number) => (((n + 3) % 7) + 7) % 7
    const cells: (GridDay | null)[] = Array.from({ length: weekday(first) }, () => null)
    for (let n = first; n <= last; n++) {
      const text = dayText(n)
      const mine = own.get(text)
      const fed = federal.get(text)
      const kind = mine?.kind ?? fed?.kind
      const weekend = weekday(n) >= 5
      cells.push({
        day: text,
        date: n - first + 1,
        status: kind ? (STATUS_OF_KIND[kind] ?? 'holiday') : weekend ? 'weekend' : 'working',
        own: mine ? { id: mine.id, kind: mine.kind, note: mine.note } : null,
        federal: fed?.kind ?? null,
      })
    }
    while (cells.length % 7) cells.push(null)
    const weeks: (GridDay | null)[][] = []
    for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7))
    months.push({ month, weeks })
  }
  return months
}
