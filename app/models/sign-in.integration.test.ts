import { openDatabase } from '#db/client.server.ts'
import { openTestDatabase } from '#test/setup/database.ts'
import { SIGN_IN_LIMITS, clearSignInLimits, reserveSignIn, signInFailed, signInSucceeded } from './sign-in.server.ts'

let opened: Awaited<ReturnType<typeof openTestDatabase>>
beforeAll(async () => {
  opened = await openTestDatabase()
})
afterAll(() => opened?.dispose())
beforeEach(async () => {
  await opened.database.db.deleteFrom('sign_in_attempt').execute()
})

/** What login.tsx does: reserve, then (here: always wrong) check, then record the failure. */
async function wrongPassword(db = opened.database.db, login = 'petrova', address = '10.0.0.1', now = new Date()) {
  const r = await reserveSignIn(db, login, address, now)
  if (!r.ok) return r
  await new Promise((resolve) => setTimeout(resolve, 5)) // the password check takes time
  await signInFailed(db, r.id)
  return r
}

describe('sign-in attempts are reserved before the password is checked', () => {
  it('30 parallel wrong passwords for one login: 5 are checked, 25 refused', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, () => wrongPassword()))
    expect(results.filter((r) => r.ok)).toHaveLength(SIGN_IN_LIMITS.perLoginAndAddress)
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'login-and-address')).toBe(true)
  })

  it('two server processes (two connection pools) count the same attempts', async () => {
    const other = await openDatabase({ DATABASE_URL: opened.url })
    try {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => wrongPassword(i % 2 ? other.db : opened.database.db)))
      expect(results.filter((r) => r.ok)).toHaveLength(SIGN_IN_LIMITS.perLoginAndAddress)
    } finally {
      await other.close()
    }
  })
})

describe('a lock-out costs the attacker, not the user', () => {
  it('5 failures block that login from that address only; the user signs in from his own', async () => {
    for (let i = 0; i < 5; i++) await wrongPassword(undefined, 'admin', '203.0.113.9')
    const attacker = await reserveSignIn(opened.database.db, 'Admin', '203.0.113.9')
    expect(attacker).toMatchObject({ ok: false, reason: 'login-and-address' })
    expect(!attacker.ok && attacker.waitMs).toBeGreaterThan(14 * 60_000)
    // the genuine administrator at the office is neither locked out nor paused (one address alone cannot start the login's pause)
    const own = await reserveSignIn(opened.database.db, 'admin', '10.1.1.1')
    expect(own.ok).toBe(true)
  })

  it('20 failures from one address block it for every login', async () => {
    for (let i = 0; i < 20; i++) await wrongPassword(undefined, `user${i}`, '198.51.100.7')
    expect(await reserveSignIn(opened.database.db, 'someone-else', '198.51.100.7')).toMatchObject({ ok: false, reason: 'address' })
    expect((await reserveSignIn(opened.database.db, 'someone-else', '198.51.100.8')).ok).toBe(true)
  })

  it('rotating IPv6 addresses within one /64 does not escape the per-address limit', async () => {
    for (let i = 0; i < 20; i++) await wrongPassword(undefined, `user${i}`, `2001:db8:5:6::${(i + 1).toString(16)}`)
    expect(await reserveSignIn(opened.database.db, 'anyone', '2001:db8:5:6:ffff::99')).toMatchObject({ ok: false, reason: 'address' })
    expect((await reserveSignIn(opened.database.db, 'anyone', '2001:db8:5:7::1')).ok).toBe(true)
  })

  it('an attack spread over many addresses meets a growing pause, not a lock-out; an address the user signed in from is not paused', async () => {
    const t0 = new Date('2026-12-01T10:00:00Z')
    // the user signed in from the office yesterday
    const yesterday = await reserveSignIn(opened.database.db, 'ivanov', '10.2.2.2', new Date(t0.getTime() - 86_400_000))
    await signInSucceeded(opened.database.db, yesterday.ok ? yesterday.id : '', 'ivanov', '10.2.2.2')
    for (let i = 0; i < SIGN_IN_LIMITS.pauseAfter; i++)
      expect((await wrongPassword(undefined, 'ivanov', `192.0.2.${i}`, new Date(t0.getTime() + i))).ok).toBe(true)
    const sixth = await reserveSignIn(opened.database.db, 'ivanov', '192.0.2.100', new Date(t0.getTime() + 10))
    expect(sixth).toMatchObject({ ok: false, reason: 'login-pause' })
    expect(!sixth.ok && sixth.waitMs).toBeLessThanOrEqual(1000)
    // after the pause one more attempt; then the pause doubles
    expect((await wrongPassword(undefined, 'ivanov', '192.0.2.101', new Date(t0.getTime() + 1010))).ok).toBe(true)
    const next = await reserveSignIn(opened.database.db, 'ivanov', '192.0.2.102', new Date(t0.getTime() + 1020))
    expect(!next.ok && next.waitMs).toBeGreaterThan(1900)
    // the user at his office is not paused
    expect((await reserveSignIn(opened.database.db, 'ivanov', '10.2.2.2', new Date(t0.getTime() + 1030))).ok).toBe(true)
  })

  it('a success forgets that pair only; an administrator lifts every limit of a login', async () => {
    for (let i = 0; i < 5; i++) await wrongPassword(undefined, 'petrova', '203.0.113.1')
    for (let i = 0; i < 4; i++) await wrongPassword(undefined, 'petrova', '203.0.113.2')
    expect((await reserveSignIn(opened.database.db, 'petrova', '203.0.113.1')).ok).toBe(false)
    expect(await clearSignInLimits(opened.database.db, 'PETROVA')).toBe(9)
    expect((await reserveSignIn(opened.database.db, 'petrova', '203.0.113.1')).ok).toBe(true)
  })
})
