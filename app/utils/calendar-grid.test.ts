import { yearGrid } from './calendar-grid.ts'

describe('the calendar grid', () => {
  it('lays out every month Monday first and colours each day by the federal and the organisation’s own days', () => {
    const grid = yearGrid(2025, [
      { id: '1', day: '2025-01-01', kind: 'holiday', note: null, orgId: null },
      { id: '2', day: '2025-11-01', kind: 'working_weekend', note: null, orgId: null },
      { id: '3', day: '2025-03-07', kind: 'short_day', note: null, orgId: null },
      // the organisation's own day wins over the federal one
      { id: '4', day: '2025-01-01', kind: 'short_day', note: 'свой', orgId: '9' },
      { id: '5', day: '2025-08-30', kind: 'holiday', note: 'День Республики', orgId: '9' },
    ])
    expect(grid).toHaveLength(12)
    // 1 January 2025 was a Wednesday: two empty cells before it
    expect(grid[0]!.weeks[0]!.slice(0, 3).map((d) => d?.date ?? null)).toEqual([null, null, 1])
    expect(grid[0]!.weeks[0]![2]).toEqual({
      day: '2025-01-01',
      date: 1,
      status: 'short',
      own: { id: '4', kind: 'short_day', note: 'свой' },
      federal: 'holiday',
    })
    const day = (text: string) => grid.flatMap((m) => m.weeks.flat()).find((d) => d?.day === text)!
    expect(day('2025-11-01').status).toBe('transferred')
    expect(day('2025-03-07').status).toBe('short')
    expect(day('2025-08-30')).toMatchObject({ status: 'holiday', own: { id: '5' }, federal: null })
    expect(day('2025-08-31').status).toBe('weekend')
    expect(day('2025-09-01').status).toBe('working')
    // every month's days, each once; weeks of seven
    expect(grid.flatMap((m) => m.weeks.flat()).filter(Boolean)).toHaveLength(365)
    expect(grid.every((m) => m.weeks.every((w) => w.length === 7))).toBe(true)
    // February 2024 has its 29th
    expect(yearGrid(2024, [])[1]!.weeks.flat().filter(Boolean).at(-1)!.day).toBe('2024-02-29')
  })
})
