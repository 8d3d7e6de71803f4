import { filesHref, snapshotFileHref } from './files.ts'

describe('registry file addresses (ADR 026)', () => {
  it('puts the report’s own parameters first and the page’s query after; leaves empty ones out', () => {
    expect(filesHref('survey-summary', 'xlsx', { survey: 5 }, 'period=month&year=2025&month=3')).toBe(
      '/files/survey-summary/xlsx?survey=5&period=month&year=2025&month=3',
    )
    expect(filesHref('worklist', 'xlsx', { days: 0 })).toBe('/files/worklist/xlsx?days=0')
    expect(filesHref('worklist', 'xlsx', { days: null }, '?')).toBe('/files/worklist/xlsx')
    expect(filesHref('survey-batch', 'xlsx', { survey: '1', batch: '2 3' })).toBe('/files/survey-batch/xlsx?survey=1&batch=2+3')
  })

  it('a frozen Appendix 7 by the kinds its page names', () => {
    expect(snapshotFileHref(7, 'xlsx')).toBe('/files/appendix-7-snapshot/xlsx?snapshot=7')
    expect(snapshotFileHref(7, 'html')).toBe('/files/appendix-7-snapshot/html?snapshot=7')
    expect(snapshotFileHref('7', 'published')).toBe('/files/appendix-7-snapshot/xlsx?snapshot=7&part=publication')
  })
})
