import { sql } from 'kysely'
import type { Db } from '#db/client.server.ts'
import { addressKey } from './address.server.ts'

/**
 * A sliding-window limit kept in PostgreSQL (`rate_hit`, ADR 014), so that every server process counts the
 * same hits. The count and the new hit are one short transaction under a lock on the key, so parallel
 * requests cannot all slip under the limit.
 */
export class SharedRateLimit {
  constructor(
    readonly bucket: string,
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts a hit for an address (an IPv6 one by its /64); false when it is over its limit (the hit is then not counted). */
  allow(db: Db, address: string, now = new Date()): Promise<boolean> {
    const key = addressKey(address)
    return db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`${this.bucket}:${key}`}))`.execute(trx)
      const since = new Date(now.getTime() - this.windowMs)
      const row = await trx
        .selectFrom('rate_hit')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('bucket', '=', this.bucket)
        .where('key', '=', key)
        .where('at', '>', since)
        .executeTakeFirstOrThrow()
      if (Number(row.n) >= this.limit) return false
      await trx.insertInto('rate_hit').values({ bucket: this.bucket, key, at: now }).execute()
      // forget old hits now and then
      if (Math.random() < 0.01) await trx.deleteFrom('rate_hit').where('bucket', '=', this.bucket).where('at', '<', since).execute()
      return true
    })
  }
}

/**
 * The public survey page, per address (as server/hardening.mjs determines it: X-Forwarded-For only from the
 * configured proxies). There is no limit per link: one for a QR code let anybody with the code lock genuine
 * consumers out for ten minutes with 60 answers; the limit per address costs that attacker instead.
 */
export const SURVEY_LIMITS = {
  viewsPerAddress: new SharedRateLimit('survey.view', 300, 10 * 60_000),
  answersPerAddress: new SharedRateLimit('survey.answer', 30, 10 * 60_000),
}

export function tooManyRequests(): Response {
  return new Response('Слишком много запросов с вашего адреса. Пожалуйста, попробуйте через несколько минут.', {
    status: 429,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '600' },
  })
}
