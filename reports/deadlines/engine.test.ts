import calendarFile from '#db/seed/ru-production-calendar.json'
import { type CalendarDayRow, makeWorkCalendar } from './calendar.ts'
import { dayNumber, dayText, localDayOf, startOfLocalDay } from '#reports/time/days.ts'
import { type DeadlineTerm, deadlineOutcome, dueAt } from './engine.ts'
import { localToInstant } from '#reports/time/local-time.ts'

type YearData = {
  holidays: string[]
  working_weekends: string[]
  short_days: string[]
  transfers_by_decree?: { from: string; to: string }[]
  presidential_nonworking_days?: { weekdays: string[] }
}
const years = (calendarFile as unknown as { years: Record<string, YearData> }).years

const rows: CalendarDayRow[] = Object.values(years).flatMap((y) => [
  ...y.holidays.map((day) => ({ day, kind: 'holiday' as const })),
  ...y.working_weekends.map((day) => ({ day, kind: 'working_weekend' as const })),
  ...y.short_days.map((day) => ({ day, kind: 'short_day' as const })),
  ...(y.presidential_nonworking_days?.weekdays ?? []).map((day) => ({ day, kind: 'nonworking_decree' as const })),
])
const federal = makeWorkCalendar(rows, Object.keys(years).map(Number))
const MSK = 'Europe/Moscow'
const at = (text: string, zone = MSK) => {
  const [d, t = '00:00'] = text.split(' ')
  const [y, m, dd] = d!.split('-').map(Number) as [number, number, number]
  const [h, mi] = t.split(':').map(Number) as [number, number]
  return localToInstant(zone, y, m, dd, h, mi)
}
const due = (term: DeadlineTerm, start: string, zone = MSK) => dueAt(term, at(start, zone), federal, zone)
const endOf = (date: string, zone = MSK) => startOfLocalDay(dayNumber(date) + 1, zone)

describe('the worked examples of deadlines.md', () => {
  it('30 calendar days from 2025-12-30 10:00 → 2026-01-29 24:00', () => {
    expect(due({ amount: 30, unit: 'calendar_days' }, '2025-12-30 10:00')).toEqual({ due: endOf('2026-01-29'), calendarGap: false })
  })
  it('30 calendar days from 2025-04-03: 05-03 is a Saturday → 2025-05-05 24:00', () => {
    expect(due({ amount: 30, unit: 'calendar_days' }, '2025-04-03 12:00').due).toEqual(endOf('2025-05-05'))
  })
  it('5 working days from Friday 2025-12-26 → 2026-01-14 24:00 (12-31 moved off; 01-01…01-09 off)', () => {
    expect(due({ amount: 5, unit: 'working_days' }, '2025-12-26 09:00').due).toEqual(endOf('2026-01-14'))
  })
})

describe('counting', () => {
  it('minutes and hours are wall-clock', () => {
    expect(due({ amount: 4, unit: 'hours' }, '2025-03-14 22:30').due).toEqual(at('2025-03-15 02:30'))
    expect(due({ amount: 30, unit: 'minutes' }, '2025-03-14 09:00').due).toEqual(at('2025-03-14 09:30'))
    expect(due({ amount: 15, unit: 'seconds' }, '2025-03-14 09:00').due.getTime()).toBe(at('2025-03-14 09:00').getTime() + 15_000)
  })

  it('a start at 23:59 and at 00:00 local counts from the next day either way', () => {
    expect(due({ amount: 1, unit: 'working_days' }, '2025-03-11 23:59').due).toEqual(endOf('2025-03-12'))
    expect(due({ amount: 1, unit: 'working_days' }, '2025-03-12 00:00').due).toEqual(endOf('2025-03-13'))
  })

  it('a last day on a day off moved by decree moves on (2025-05-08 was moved from 23 February)', () => {
    expect(due({ amount: 30, unit: 'calendar_days' }, '2025-04-08 10:00').due).toEqual(endOf('2025-05-12'))
    expect(federal.isWorkingDay(dayNumber('2025-11-01'))).toBe(true) // a working Saturday
  })

  it('counts the 2020 presidential non-working days as non-working', () => {
    expect(due({ amount: 1, unit: 'working_days' }, '2020-03-27 10:00').due).toEqual(endOf('2020-05-12'))
  })

  it('ends at 24:00 in the organisation zone, whatever the process zone', () => {
    const ekb = due({ amount: 30, unit: 'calendar_days' }, '2025-12-30 10:00', 'Asia/Yekaterinburg')
    expect(ekb.due.toISOString()).toBe('2026-01-29T19:00:00.000Z')
    const vl = due({ amount: 5, unit: 'working_days' }, '2025-12-26 09:00', 'Asia/Vladivostok')
    expect(vl.due.toISOString()).toBe('2026-01-14T14:00:00.000Z')
    expect(localDayOf(new Date('2025-12-31T21:30:00Z'), MSK)).toBe(dayNumber('2026-01-01'))
    expect(localDayOf(new Date('2025-12-31T21:30:00Z'), 'Europe/Kaliningrad')).toBe(dayNumber('2025-12-31'))
  })

  it('a day outside the loaded years is judged Monday–Friday and flagged', () => {
    const late = due({ amount: 10, unit: 'working_days' }, '2027-12-24 10:00')
    expect(late.calendarGap).toBe(true)
    expect(late.due).toEqual(endOf(oracle('2027-12-24', 10, 'working_days')))
    expect(late.due).toEqual(endOf('2028-01-10')) // 2027-12-31 is a day off; January 2028 is Monday–Friday
    expect(due({ amount: 10, unit: 'working_days' }, '2027-11-01 10:00').calendarGap).toBe(false)
  })
})

describe('outcome as of a moment', () => {
  const d = at('2025-05-05 00:00')
  it.each([
    ['on time: the stop at the due instant', at('2025-05-05 00:00'), at('2025-06-01 00:00'), 'on_time'],
    ['late', at('2025-05-05 00:01'), at('2025-06-01 00:00'), 'late'],
    ['overdue: no answer after the term', null, at('2025-05-05 00:01'), 'overdue'],
    ['open: no answer, still within the term', null, at('2025-05-04 12:00'), 'open'],
    ['a stop after as-of had not happened yet', at('2025-05-06 10:00'), at('2025-05-05 12:00'), 'overdue'],
    ['…nor within the term', at('2025-05-03 10:00'), at('2025-05-02 12:00'), 'open'],
  ] as const)('%s', (_name, stop, asOf, outcome) => {
    expect(deadlineOutcome(d, stop, asOf)).toBe(outcome)
  })
})

/** An oracle written straight from the calendar file, with dates as strings. */
function oracle(start: string, amount: number, unit: 'calendar_days' | 'working_days'): string {
  const off = new Set<string>()
  const on = new Set<string>()
  for (const y of Object.values(years)) {
    y.holidays.forEach((d) => off.add(d))
    y.presidential_nonworking_days?.weekdays.forEach((d) => off.add(d))
    y.working_weekends.forEach((d) => on.add(d))
  }
  const working = (d: string) => on.has(d) || (!off.has(d) && ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()))
  const next = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
  let last = start
  if (unit === 'calendar_days') {
    for (let i = 0; i < amount; i++) last = next(last)
    while (!working(last)) last = next(last)
  } else {
    for (let left = amount; left > 0;) if (working((last = next(last)))) left--
  }
  return last
}

describe('every year of the production calendar, against an oracle', () => {
  const starts = Object.entries(years).flatMap(([year, y]) => {
    const list: string[] = []
    for (let d = dayNumber(Number(year) - 1, 12, 20); d <= dayNumber(Number(year), 1, 12); d++) list.push(dayText(d))
    for (const t of y.transfers_by_decree ?? []) for (const date of [t.from, t.to]) for (let k = -6; k <= 1; k++) list.push(dayText(dayNumber(date) + k))
    return list.filter((d) => d >= '2019-01-01' && d <= '2027-11-30').map((d) => [year, d] as const)
  })
  it.each(starts)('%s: terms started %s', (_year, start) => {
    for (const [amount, unit] of [
      [1, 'working_days'],
      [5, 'working_days'],
      [10, 'working_days'],
      [3, 'calendar_days'],
      [10, 'calendar_days'],
      [30, 'calendar_days'],
    ] as const) {
      const got = dueAt({ amount, unit }, at(`${start} 15:00`), federal, MSK)
      expect(dayText(localDayOf(got.due, MSK) - 1), `${amount} ${unit}`).toBe(oracle(start, amount, unit))
    }
  })
})
