/** Due dates for N appeals (half 30 calendar days, half 5 working days) over the federal calendar. */
import calendarFile from '#db/seed/ru-production-calendar.json'
import { type CalendarDayRow, makeWorkCalendar } from '#reports/deadlines/calendar.ts'
import { dueAt } from '#reports/deadlines/engine.ts'

export function benchDueDates(rows: number): { seconds: number; perSecond: number } {
  const years = (calendarFile as unknown as { years: Record<string, { holidays: string[]; working_weekends: string[] }> }).years
  const days: CalendarDayRow[] = Object.values(years).flatMap((y) => [
    ...y.holidays.map((day) => ({ day, kind: 'holiday' as const })),
    ...y.working_weekends.map((day) => ({ day, kind: 'working_weekend' as const })),
  ])
  const calendar = makeWorkCalendar(days, Object.keys(years).map(Number))
  const t0 = Date.UTC(2025, 0, 1)
  const step = (365 * 86_400_000) / rows
  const started = performance.now()
  let check = 0
  for (let i = 0; i < rows; i++) {
    const start = new Date(t0 + i * step)
    const term = i % 2 ? { amount: 30, unit: 'calendar_days' as const } : { amount: 5, unit: 'working_days' as const }
    check += dueAt(term, start, calendar, 'Europe/Moscow').due.getTime() % 7
  }
  const seconds = (performance.now() - started) / 1000
  if (check < 0) throw new Error('unreachable')
  return { seconds, perSecond: Math.round(rows / seconds) }
}

if (process.argv[1]?.endsWith('deadlines.ts')) {
  for (let i = 0; i < 3; i++) {
    const r = benchDueDates(1_000_000)
    console.log(`Сроки для 1 000 000 обращений: ${r.seconds.toFixed(2)} с`)
  }
}
