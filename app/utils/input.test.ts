import { readTableParams } from './table-params.ts'
import { checkbox, decimalNumber, list, optionalWholeNumber, parseInput, requiredText, wholeNumber, z } from './input.ts'
import { clampInt, readView } from '#reports/metrics/view.ts'

const form = (entries: [string, string][]) => {
  const f = new FormData()
  for (const [k, v] of entries) f.append(k, v)
  return f
}

describe('form schemas (ADR 025)', () => {
  const schema = z.object({
    name: requiredText('Укажите название.'),
    amount: decimalNumber(Number.MIN_VALUE, 1000, 'Срок — положительное число.'),
    year: wholeNumber(2000, 2099, 'Год — от 2000 до 2099.'),
    level: optionalWholeNumber(1, 3600),
    active: checkbox(),
    ids: list(),
  })

  it('reads a good form: decimal comma, spaces in numbers, an empty optional number, checkboxes and repeated fields', () => {
    const parsed = parseInput(
      schema,
      form([
        ['name', '  Ответ  '],
        ['amount', '1,5'],
        ['year', '2 025'],
        ['level', ''],
        ['active', 'on'],
        ['ids', '1'],
        ['ids', '2'],
      ]),
    )
    expect(parsed).toEqual({ ok: true, data: { name: 'Ответ', amount: 1.5, year: 2025, level: null, active: true, ids: ['1', '2'] } })
  })

  it('refuses by field, in Russian, with a summary that names each field by its label', () => {
    const parsed = parseInput(
      schema,
      form([
        ['name', ' '],
        ['amount', '0'],
        ['year', '1999'],
        ['level', 'x'],
      ]),
      { name: 'Название', amount: 'Срок', year: 'Год' },
    )
    expect(parsed).toEqual({
      ok: false,
      fieldErrors: { name: 'Укажите название.', amount: 'Срок — положительное число.', year: 'Год — от 2000 до 2099.', level: 'Целое число от 1 до 3600.' },
      error: 'Название: Укажите название. Срок: Срок — положительное число. Год: Год — от 2000 до 2099. Целое число от 1 до 3600.',
    })
  })
})

describe('search params keep their fallbacks', () => {
  it('readTableParams: unknown sort, direction, size and a bad page fall back; the first of repeated keys counts', () => {
    const defaults = { sort: 'date', dir: 'desc' as const }
    expect(readTableParams(new URLSearchParams('sort=evil&dir=up&page=-3&size=7'), ['date', 'name'], defaults)).toEqual({
      sort: 'date',
      dir: 'desc',
      page: 1,
      size: 25,
    })
    expect(readTableParams(new URLSearchParams('sort=name&sort=date&dir=asc&page=2.7&size=100'), ['date', 'name'], defaults)).toEqual({
      sort: 'name',
      dir: 'asc',
      page: 2,
      size: 100,
    })
    expect(readTableParams(new URLSearchParams('page=99999999'), ['date'], defaults).page).toBe(1_000_000)
  })

  it('clampInt and readView: out of range and unreadable values are the defaults', () => {
    expect([clampInt(null, 1, 4, 1), clampInt(' 3 ', 1, 4, 1), clampInt('5', 1, 4, 2), clampInt('2.5', 1, 4, 2)]).toEqual([1, 3, 2, 2])
    const view = readView(new URLSearchParams('period=quarter&year=2025&quarter=9'), 'Europe/Moscow', 2024)
    expect([view.kind, view.year, view.quarter, view.period.from, view.period.to]).toEqual(['quarter', 2025, 1, '2025-01-01', '2025-03-31'])
    const custom = readView(new URLSearchParams('period=custom&from=2025-02-30'), 'Europe/Moscow', 2024)
    expect([custom.kind, custom.period.from, custom.period.to]).toEqual(['year', '2024-01-01', '2024-12-31'])
    const days = readView(new URLSearchParams('period=custom&from=2025-03-10&to=2025-03-01'), 'Europe/Moscow', 2024)
    expect([days.kind, days.period.from, days.period.to]).toEqual(['custom', '2025-03-10', '2025-03-10'])
  })
})
