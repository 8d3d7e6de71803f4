import { DEFAULT_POLICIES, channelKey, dynamicsOf, policiesFrom } from './policies.ts'

describe('dynamics', () => {
  const percent = { dynamics: 'percent', decimals: 1 } as const
  it('percent change with one decimal; a previous zero or a missing figure gives «–» (null)', () => {
    expect(dynamicsOf(3, 4, percent)).toBe(33.3)
    expect(dynamicsOf(4, 3, percent)).toBe(-25)
    expect(dynamicsOf(0, 5, percent)).toBeNull()
    expect(dynamicsOf(null, 5, percent)).toBeNull()
    expect(dynamicsOf(5, null, percent)).toBeNull()
    expect(Object.is(dynamicsOf(1000, 999.9996, { dynamics: 'percent', decimals: 1 }), 0)).toBe(true) // not -0
  })
  it('ratio, as some utilities print it', () => {
    expect(dynamicsOf(248_000, 503_389, { dynamics: 'ratio', decimals: 2 })).toBe(2.03)
  })
})

describe('stored policies', () => {
  it('missing keys take their defaults; an invalid stored value falls back to the defaults', () => {
    expect(policiesFrom(null)).toEqual(DEFAULT_POLICIES)
    expect(policiesFrom({ countRepeats: false })).toEqual({ ...DEFAULT_POLICIES, countRepeats: false })
    expect(policiesFrom({ dynamics: 'log' })).toEqual(DEFAULT_POLICIES)
  })
  it('channels compare without case, «ё» or extra spaces', () => {
    expect(channelKey('  Личный   Кабинёт ')).toBe(channelKey('личный кабинет'))
  })
})
