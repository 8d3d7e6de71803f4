import { readView, rejectedFilters, viewQuery, yearBefore } from './view.ts'

describe('a view from the URL', () => {
  it('reads periods in the organisation zone and falls back on anything unreadable', () => {
    const q = readView(new URLSearchParams('period=quarter&year=2025&quarter=2'), 'Europe/Moscow', 2024)
    expect([q.period.from, q.period.to, q.period.start.toISOString()]).toEqual(['2025-04-01', '2025-06-30', '2025-03-31T21:00:00.000Z'])
    const bad = readView(new URLSearchParams('period=drop&year=x&branch=1;drop&form=evil&category=99&office=%3Cscript%3E'), 'Europe/Moscow', 2024)
    expect([bad.kind, bad.period.from, bad.filter, bad.narrowing.category]).toEqual([
      'year',
      '2024-01-01',
      { branch: undefined, office: undefined, form: undefined, consumerType: undefined },
      undefined,
    ])
    expect(readView(new URLSearchParams('category=none'), 'Europe/Moscow', 2024).narrowing.category).toBe('none')
  })

  it('custom days, the year before (29 February → 28 February), and back to a query', () => {
    const v = readView(new URLSearchParams('period=custom&from=2024-02-10&to=2024-02-29&form=post'), 'Asia/Yekaterinburg', 2025)
    expect([v.previous.from, v.previous.to]).toEqual(['2023-02-10', '2023-02-28'])
    expect(yearBefore('2024-02-29')).toBe('2023-02-28')
    expect(viewQuery(v, { metric: 'appeals.received' })).toBe('period=custom&from=2024-02-10&to=2024-02-29&form=post&metric=appeals.received')
  })

  it('names every filter value it could not read, so that the request is refused rather than shown unfiltered', () => {
    // what Chromium submitted from an office option spoilt by a NUL: U+FFFD before the code
    expect(rejectedFilters(new URLSearchParams({ office: '\uFFFDПОП-05' }))).toEqual(['office'])
    expect(rejectedFilters(new URLSearchParams('period=drop&branch=1;drop&form=evil&category=99&office=%3Cscript%3E&direction=up'))).toEqual([
      'branch',
      'office',
      'form',
      'category',
      'direction',
    ])
    expect(rejectedFilters(new URLSearchParams('office=ПОП-05&branch=3&form=post&category=none&office2=x&line='))).toEqual([])
  })
})
