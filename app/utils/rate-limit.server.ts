/**
 * A sliding-window limit kept in this process's memory (one server process; ADR 012): at most `limit` hits
 * per key within `windowMs`. The public survey pages count requests per address and per link with it; the
 * sign-in page counts failures per login and per address.
 */
export class RateLimit {
  private readonly hits = new Map<string, number[]>()

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** The key's hits within the window; older ones are forgotten. */
  private recent(key: string, now: number): number[] {
    const list = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs)
    if (list.length) this.hits.set(key, list)
    else this.hits.delete(key)
    return list
  }

  /** Milliseconds until the key is under its limit again (0: it is now). */
  waitMs(key: string, now = Date.now()): number {
    const recent = this.recent(key, now)
    return recent.length >= this.limit ? recent[0]! + this.windowMs - now : 0
  }

  record(key: string, now = Date.now()): void {
    this.hits.set(key, [...this.recent(key, now), now])
    // forget quiet keys now and then, so the map does not grow with every address ever seen
    if (this.hits.size > 10_000) for (const [k, list] of this.hits) if (list.every((t) => now - t >= this.windowMs)) this.hits.delete(k)
  }

  /** Counts a hit; false when the key is over its limit (the hit is then not counted). */
  allow(key: string, now = Date.now()): boolean {
    if (this.waitMs(key, now) > 0) return false
    this.record(key, now)
    return true
  }

  clear(key: string): void {
    this.hits.delete(key)
  }
}

/** The public survey page: opening a link, and sending answers (per address and per link). */
export const SURVEY_LIMITS = {
  viewsPerAddress: new RateLimit(300, 10 * 60_000),
  answersPerAddress: new RateLimit(30, 10 * 60_000),
  // a QR code in a busy hall takes many answers; a single-use link takes one anyway
  answersPerLink: new RateLimit(60, 10 * 60_000),
}

export function tooManyRequests(): Response {
  return new Response('Слишком много запросов с вашего адреса. Пожалуйста, попробуйте через несколько минут.', {
    status: 429,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '600' },
  })
}
