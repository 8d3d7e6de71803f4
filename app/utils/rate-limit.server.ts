/**
 * A sliding-window request limit kept in this process's memory (one server process; ADR 012): at most
 * `limit` hits per key within `windowMs`. The public survey pages use it per client address and per link.
 */
export class RateLimit {
  private readonly hits = new Map<string, number[]>()

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts a hit; false when the key is over its limit (the hit is then not counted). */
  allow(key: string, now = Date.now()): boolean {
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs)
    if (recent.length >= this.limit) {
      this.hits.set(key, recent)
      return false
    }
    recent.push(now)
    this.hits.set(key, recent)
    // forget quiet keys now and then, so the map does not grow with every address ever seen
    if (this.hits.size > 10_000) for (const [k, list] of this.hits) if (list.every((t) => now - t >= this.windowMs)) this.hits.delete(k)
    return true
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
