import { barShare, surveyTilesFor } from './survey-tiles.ts'

describe('survey results show only what the survey asks', () => {
  it('no NPS or CES tile without such a question; CSAT tiles only with a CSAT question', () => {
    expect(surveyTilesFor(['csat', 'text'])).toEqual(['surveys.responses', 'surveys.response_rate', 'surveys.csat', 'surveys.csat_mean'])
    expect(surveyTilesFor(['nps'])).toEqual(['surveys.responses', 'surveys.response_rate', 'surveys.nps'])
    expect(surveyTilesFor(['csat', 'nps', 'ces'])).toHaveLength(6)
  })
  it('bars carry their share of those who answered', () => {
    expect(barShare(21, 50)).toBe('42 %')
    expect(barShare(1, 200)).toBe('0,5 %')
    expect(barShare(0, 0)).toBe('—')
  })
})
