import { RateLimit } from './rate-limit.server.ts'

describe('a sliding-window limit', () => {
  it('allows `limit` hits per window and per key, then refuses until the oldest hit leaves the window', () => {
    const limit = new RateLimit(2, 1000)
    expect(limit.allow('a', 0)).toBe(true)
    expect(limit.allow('a', 100)).toBe(true)
    expect(limit.allow('a', 200)).toBe(false)
    expect(limit.allow('b', 200)).toBe(true)
    // refused hits are not counted: at 1000 the first hit has left the window
    expect(limit.allow('a', 1000)).toBe(true)
    expect(limit.allow('a', 1050)).toBe(false)
    expect(limit.allow('a', 1100)).toBe(true)
  })
})
