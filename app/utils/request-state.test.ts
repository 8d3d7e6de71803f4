/**
 * A page request's loaders take what the page cache read before they ran — the user, the data generation, the
 * organisation — instead of asking the database again (request-state.server.ts, ADR 035); outside such a
 * request, and for another request's cookie, they read for themselves.
 */
import { vi } from 'vitest'
import type { SessionUser } from '#app/models/user.server.ts'

const calls = vi.hoisted(() => ({ user: 0, generation: 0, organisation: 0, current: '5:7' }))

vi.mock('#db/generation.server.ts', () => ({
  readGeneration: async () => {
    calls.generation++
    return calls.current
  },
  nextDeadlineAfter: async () => null,
}))
vi.mock('#app/models/organisation.server.ts', () => ({
  getOrganisation: async () => {
    calls.organisation++
    return { id: '1', time_zone: 'Europe/Moscow' }
  },
}))
vi.mock('#app/models/user.server.ts', async (original) => ({
  ...(await original<typeof import('#app/models/user.server.ts')>()),
  findLiveSessionUser: async () => {
    calls.user++
    return undefined
  },
}))
// the database is «prepared» already (app-database.server.ts keeps it on globalThis): no migrations, no queries
;(globalThis as { __sqReady?: Promise<unknown> }).__sqReady = Promise.resolve({ db: {} })

const user = { id: '9', login: 'rukovoditel', fullName: 'Руководитель', roles: ['management'], orgId: '1', sessionVersion: 1 } as unknown as SessionUser
const cookie = 'sq_session=abc'
const stateOf = (generation: string) => ({ key: 'k', cookie, url: '/dashboard', generation, user, orgId: '1', validUntil: Date.now() + 60_000 })
/** A session cookie signed as the product signs it (auth.server.ts), for another session of user 8. */
async function signedCookie(): Promise<string> {
  const { createCookieSessionStorage } = await import('@remix-run/node')
  const storage = createCookieSessionStorage({ cookie: { name: 'sq_session', secrets: [process.env.SESSION_SECRET!] } })
  const session = await storage.getSession()
  session.set('userId', '8')
  session.set('sid', 'another')
  session.set('version', 1)
  return (await storage.commitSession(session)).split(';')[0]!
}
const pageRequest = (headers: Record<string, string> = { Cookie: cookie }) => new Request('http://localhost/dashboard', { headers })

beforeEach(() => {
  calls.user = calls.generation = calls.organisation = 0
  calls.current = '5:7'
  vi.stubEnv('SESSION_SECRET', 'test-secret-test-secret-test-secret')
})
afterEach(() => vi.unstubAllEnvs())

describe('a page request’s loaders', () => {
  it('take the user read before them, and read him themselves for another cookie or outside a page request', async () => {
    const { getUser } = await import('./auth.server.ts')
    const { requestStorage } = await import('./request-state.server.ts')
    await requestStorage.run(stateOf('5:7'), async () => {
      expect(await getUser(pageRequest())).toBe(user)
      expect(await getUser(pageRequest())).toBe(user)
      expect(calls.user).toBe(0)
      // another session's cookie (validly signed): that one is read from the database, not taken from here
      expect(await getUser(pageRequest({ Cookie: await signedCookie() }))).toBeUndefined()
      expect(calls.user).toBe(1)
    })
    // outside a page request: read
    expect(await getUser(pageRequest({ Cookie: await signedCookie() }))).toBeUndefined()
    expect(calls.user).toBe(2)
  })

  it('read the organisation once for all of them', async () => {
    const { getAppContext } = await import('./app-database.server.ts')
    const { requestStorage } = await import('./request-state.server.ts')
    await requestStorage.run(stateOf('5:7'), async () => {
      const [a, b] = await Promise.all([getAppContext(), getAppContext()])
      expect(a.org).toBe(b.org)
      await getAppContext()
    })
    expect(calls.organisation).toBe(1)
    await getAppContext()
    expect(calls.organisation).toBe(2)
  })

  it('take the generation read before them for the view cache, unless the cache already holds a newer one', async () => {
    const { cachedView, clearViewCache } = await import('./view-cache.server.ts')
    const { requestStorage } = await import('./request-state.server.ts')
    clearViewCache()
    const database = { db: {} } as never
    const scope = { orgId: '1', branches: 'all' } as never
    let computed = 0
    const view = () => cachedView(database, { view: 'test', scope, params: null }, async () => ++computed)
    await requestStorage.run(stateOf('5:7'), async () => {
      expect(await view()).toBe(1)
      expect(await view()).toBe(1)
    })
    expect(calls.generation).toBe(0)

    // another request has seen a newer generation: this older one reads it now instead of emptying the cache back
    calls.current = '6:8'
    expect(await view()).toBe(2)
    expect(calls.generation).toBe(1)
    await requestStorage.run(stateOf('5:7'), async () => {
      expect(await view()).toBe(2)
    })
    expect(calls.generation).toBe(2)
    // a request that read a newer generation than the cache's takes it: the cache starts afresh
    await requestStorage.run(stateOf('7:9'), async () => {
      expect(await view()).toBe(3)
    })
    expect(calls.generation).toBe(2)
  })
})
