import { openDatabase } from '#db/client.server.ts'
import { openTestDatabase } from '#test/setup/database.ts'
import { SURVEY_LIMITS, SharedRateLimit } from './rate-limit.server.ts'

let opened: Awaited<ReturnType<typeof openTestDatabase>>
beforeAll(async () => {
  opened = await openTestDatabase()
})
afterAll(() => opened?.dispose())
beforeEach(async () => {
  await opened.database.db.deleteFrom('rate_hit').execute()
})

describe('a sliding-window limit shared by every server process', () => {
  it('allows `limit` hits per window and key, then refuses until the oldest hit leaves the window', async () => {
    const db = opened.database.db
    const limit = new SharedRateLimit('test', 2, 1000)
    const t = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms)
    expect(await limit.allow(db, 'a', t(0))).toBe(true)
    expect(await limit.allow(db, 'a', t(100))).toBe(true)
    expect(await limit.allow(db, 'a', t(200))).toBe(false)
    expect(await limit.allow(db, 'b', t(200))).toBe(true)
    // refused hits are not counted: at 1000 the first hit has left the window
    expect(await limit.allow(db, 'a', t(1000))).toBe(true)
    expect(await limit.allow(db, 'a', t(1050))).toBe(false)
  })

  it('parallel requests cannot all slip under the limit (answers from one address)', async () => {
    const results = await Promise.all(Array.from({ length: 45 }, () => SURVEY_LIMITS.answersPerAddress.allow(opened.database.db, '203.0.113.7')))
    expect(results.filter(Boolean)).toHaveLength(30)
  })

  it('two processes count together', async () => {
    const other = await openDatabase({ DATABASE_URL: opened.url })
    try {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => SURVEY_LIMITS.answersPerAddress.allow(i % 2 ? other.db : opened.database.db, '203.0.113.8')),
      )
      expect(results.filter(Boolean)).toHaveLength(30)
    } finally {
      await other.close()
    }
  })

  it('a QR code cannot be locked for genuine consumers: no limit per link, each address has its own', async () => {
    expect(Object.keys(SURVEY_LIMITS).sort()).toEqual(['answersPerAddress', 'viewsPerAddress'])
    for (let i = 0; i < 30; i++) await SURVEY_LIMITS.answersPerAddress.allow(opened.database.db, '198.51.100.66')
    expect(await SURVEY_LIMITS.answersPerAddress.allow(opened.database.db, '198.51.100.66')).toBe(false)
    expect(await SURVEY_LIMITS.answersPerAddress.allow(opened.database.db, '192.0.2.10')).toBe(true)
  })
})
