/**
 * Unsubscribe links: a token naming the subscription and the address, signed with a key kept in the
 * database (created once, shared by every process), so the link works without signing in and cannot be
 * forged for another subscription or address.
 */
import crypto from 'node:crypto'
import type { Db } from '#db/client.server.ts'

async function mailKey(db: Db): Promise<string> {
  const found = await db.selectFrom('app_setting').select('value').where('key', '=', 'mail_secret').executeTakeFirst()
  if (found) return found.value
  await db
    .insertInto('app_setting')
    .values({ key: 'mail_secret', value: crypto.randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
  return (await db.selectFrom('app_setting').select('value').where('key', '=', 'mail_secret').executeTakeFirstOrThrow()).value
}

const sign = (secret: string, body: string) => crypto.createHmac('sha256', secret).update(`unsubscribe:${body}`).digest('base64url')

export async function unsubscribeToken(db: Db, subscriptionId: string, address: string): Promise<string> {
  const body = Buffer.from(JSON.stringify([subscriptionId, address])).toString('base64url')
  return `${body}.${sign(await mailKey(db), body)}`
}

export async function readUnsubscribeToken(db: Db, token: string): Promise<{ subscriptionId: string; address: string } | null> {
  const [body, mac] = token.split('.')
  if (!body || !mac) return null
  const expected = sign(await mailKey(db), body)
  if (mac.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) return null
  try {
    const [subscriptionId, address] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as [string, string]
    return typeof subscriptionId === 'string' && typeof address === 'string' ? { subscriptionId, address } : null
  } catch {
    return null
  }
}
