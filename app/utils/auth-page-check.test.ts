/**
 * The check of a kept page's answer (getUserAndGeneration) is one query: the session, the user and the data
 * generation together — it does not read the organisation too (ADR 023, ADR 034).
 */
import { vi } from 'vitest'

const calls = vi.hoisted(() => ({ organisation: 0, check: 0 }))

vi.mock('./app-database.server.ts', () => ({
  prepareDatabase: async () => ({ db: {} }),
  getAppContext: async () => {
    calls.organisation++
    return { database: { db: {} }, org: { id: '1' } }
  },
}))
vi.mock('#app/models/user.server.ts', async (original) => ({
  ...(await original<typeof import('#app/models/user.server.ts')>()),
  findLiveSessionUserAndGeneration: async () => {
    calls.check++
    return { user: undefined, generation: '42' }
  },
}))

describe('the check of a kept page', () => {
  it('reads the session, the user and the generation in one query, not the organisation', async () => {
    vi.stubEnv('SESSION_SECRET', 'test-secret-test-secret-test-secret')
    const { getUserAndGeneration } = await import('./auth.server.ts')
    const answer = await getUserAndGeneration(new Request('http://localhost/dashboard', { headers: { Cookie: 'sq_session=x' } }))
    expect(answer).toEqual({ user: undefined, generation: '42' })
    expect(calls).toEqual({ organisation: 0, check: 1 })
    vi.unstubAllEnvs()
  })

  it('the guards’ reading of the user (every page Remix renders) does not read the organisation either', async () => {
    vi.stubEnv('SESSION_SECRET', 'test-secret-test-secret-test-secret')
    const { getUser } = await import('./auth.server.ts')
    calls.organisation = 0
    expect(await getUser(new Request('http://localhost/dashboard', { headers: { Cookie: 'sq_session=x' } }))).toBeUndefined()
    expect(calls.organisation).toBe(0)
    vi.unstubAllEnvs()
  })
})
