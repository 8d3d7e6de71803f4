import { priorDays, trendOf, beforeMeasured } from './compare.ts'
import { contradictions } from './filters.ts'

describe('cockpit filters and comparisons', () => {
  it('an office of another branch is a contradiction, said in words', () => {
    const officeBranch = new Map([
      ['ЦОП-01', '1'],
      ['ЦОП-02', '2'],
    ])
    const offices = new Map([
      ['ЦОП-01', 'Заречный'],
      ['ЦОП-02', 'Центральный'],
    ])
    const branches = [
      { id: '1', name: 'Северные ЭС' },
      { id: '2', name: 'Южные ЭС' },
    ]
    expect(contradictions({ branch: '1', office: 'ЦОП-01' }, officeBranch, offices, branches)).toEqual([])
    expect(contradictions({ office: 'ЦОП-02' }, officeBranch, offices, branches)).toEqual([])
    expect(contradictions({ branch: '1', office: 'ЦОП-02' }, officeBranch, offices, branches)).toEqual([
      'Офис «Центральный» не относится к филиалу «Северные ЭС» (он в филиале «Южные ЭС»): такой выбор не может дать ни одной записи. Выберите офис этого филиала или «все офисы филиала».',
    ])
  })

  it('the previous period is the month, quarter or year before, or as many days before', () => {
    const v = (kind: 'year' | 'quarter' | 'month' | 'custom', year: number, quarter: number, month: number, from = '', to = '') => ({
      kind,
      year,
      quarter,
      month,
      period: { from, to, start: new Date(0), end: new Date(0) },
    })
    expect(priorDays(v('year', 2025, 1, 1))).toEqual({ from: '2024-01-01', to: '2024-12-31' })
    expect(priorDays(v('quarter', 2025, 1, 1))).toEqual({ from: '2024-10-01', to: '2024-12-31' })
    expect(priorDays(v('quarter', 2025, 3, 1))).toEqual({ from: '2025-04-01', to: '2025-06-30' })
    expect(priorDays(v('month', 2025, 1, 3))).toEqual({ from: '2025-02-01', to: '2025-02-28' })
    expect(priorDays(v('month', 2024, 1, 3))).toEqual({ from: '2024-02-01', to: '2024-02-29' })
    expect(priorDays(v('month', 2025, 1, 1))).toEqual({ from: '2024-12-01', to: '2024-12-31' })
    expect(priorDays(v('custom', 2025, 1, 1, '2025-03-10', '2025-03-16'))).toEqual({ from: '2025-03-03', to: '2025-03-09' })
  })

  it('a comparison without data is «нет данных», and a trend knows which way is better', () => {
    expect(beforeMeasured(0, true)).toBe(false)
    expect(beforeMeasured(null, false)).toBe(false)
    expect(beforeMeasured(0, false)).toBe(true)
    expect(trendOf('higher', 0.9, 0.8)).toBe('better')
    expect(trendOf('lower', 0.9, 0.8)).toBe('worse')
    expect(trendOf('lower', 5, 5)).toBe('same')
    expect(trendOf('neither', 5, 4)).toBe('none')
    expect(trendOf('higher', 5, null)).toBe('none')
  })
})
