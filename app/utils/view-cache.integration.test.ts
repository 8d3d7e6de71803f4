import { sql } from 'kysely'
import { vi } from 'vitest'
import pg from 'pg'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { tmpFile } from '#test/setup/files.ts'
import { readGeneration } from '#db/generation.server.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { addOwnDay } from '#app/models/calendar.server.ts'
import { updateOrganisation } from '#app/models/organisation.server.ts'
import { computeAppealCompliance } from '#reports/deadlines/compliance.server.ts'
import { periodOf } from '#reports/metrics/period.ts'
import { settledAt } from '#reports/deadlines/settled.server.ts'
import { VIEW_COMPUTATIONS, cachedView, clearViewCache, viewCacheStats } from './view-cache.server.ts'

/** The view cache cannot serve a stale figure (ADR 013): every change that moves a figure moves the generation. */
const t = useTestDatabase()
let world: TestWorld
const all = () => ({ orgId: world.org.id, branches: 'all' as const })
/** The Moscow day of an instant, YYYY-MM-DD. */
const localDay = (ms: number) => new Date(ms + 3 * 3_600_000).toISOString().slice(0, 10)

beforeEach(async () => {
  world = await resetWorld(t.database)
  clearViewCache()
})

const appealCount = () => sql<{ n: number }>`select count(*)::int as n from appeal`.execute(t.database.db).then((r) => r.rows[0]!.n)

/** A cached view over the appeals (counts its computations). */
function counter() {
  let computed = 0
  const read = () =>
    cachedView(t.database, { view: 'test', scope: all(), params: { p: 1 } }, async () => {
      computed++
      return appealCount()
    })
  return { read, computed: () => computed }
}

const importAppeals = (lines: string[]) =>
  runFileImport(world.target, {
    kind: 'appeals',
    path: tmpFile('a.csv', ['reg_number;received_at;form;topic;branch', ...lines].join('\n')),
    fileName: 'a.csv',
    skipInvalid: false,
    createBranches: true,
    source: 'cli',
  })

describe('the view cache', () => {
  it('serves the same view from memory until the data changes; an import commit is visible on the next request', async () => {
    const view = counter()
    expect(await view.read()).toBe(0)
    expect(await view.read()).toBe(0)
    expect(view.computed()).toBe(1)
    await importAppeals(['A1;01.03.2025 09:00;почта;прочее;Городские ЭС'])
    expect(await view.read()).toBe(1)
    expect(view.computed()).toBe(2)
  })

  it('computes at most VIEW_COMPUTATIONS different views at once; the others wait their turn, a light view does not', async () => {
    let running = 0
    let most = 0
    const release: (() => void)[] = []
    const heavy = (p: number) =>
      cachedView(t.database, { view: 'heavy', scope: all(), params: { p } }, async () => {
        running++
        most = Math.max(most, running)
        await new Promise<void>((resolve) => release.push(resolve))
        running--
        return p
      })
    const views = Array.from({ length: 6 }, (_, p) => heavy(p))
    // generous waits: each computation first reads the generation, which takes long on a busy machine
    const wait = { timeout: 20_000, interval: 20 }
    try {
      // every view has read the generation and asked for its turn: two compute, four wait
      await vi.waitFor(() => expect(viewCacheStats()).toMatchObject({ computing: VIEW_COMPUTATIONS, waiting: 6 - VIEW_COMPUTATIONS }), wait)
      expect(release).toHaveLength(VIEW_COMPUTATIONS)
      // a light view is computed while every turn is taken
      expect(await cachedView(t.database, { view: 'context', scope: all(), params: null, light: true }, async () => 'ok')).toBe('ok')
      // each finished computation hands its turn to the next one, in order
      for (let done = 0; done < 6; done++) {
        await vi.waitFor(() => expect(release.length).toBeGreaterThan(done), wait)
        release[done]!()
      }
      expect(await Promise.all(views)).toEqual([0, 1, 2, 3, 4, 5])
      expect(most).toBe(VIEW_COMPUTATIONS)
    } finally {
      // a failed check must not leave turns taken for the next tests: let every computation finish
      for (let i = 0; i < 6; i++) {
        await vi.waitFor(() => expect(release.length).toBeGreaterThan(i), wait).catch(() => {})
        release[i]?.()
      }
      await Promise.allSettled(views)
    }
    expect(viewCacheStats()).toMatchObject({ computing: 0, waiting: 0 })
  })

  it('concurrent requests for one view compute it once', async () => {
    const view = counter()
    const results = await Promise.all(Array.from({ length: 20 }, () => view.read()))
    expect(new Set(results)).toEqual(new Set([0]))
    expect(view.computed()).toBe(1)
  })

  it.each([
    [
      'a deadline rule',
      async () => sql`update deadline_rule set amount = amount + 1 where org_id = ${world.org.id} and applies_to = 'appeals'`.execute(t.database.db),
    ],
    ['the calendar', async () => addOwnDay(t.database.db, world.org.id, { day: '2025-03-04', kind: 'holiday', note: 'региональный праздник' })],
    ['the organisation settings', async () => updateOrganisation(t.database.db, world.org.id, { name: 'Другое имя' })],
    ['a branch mapping', async () => sql`update office set branch_id = null where org_id = ${world.org.id}`.execute(t.database.db)],
    ['a survey answer', async () => sql`update survey_response set submitted_at = submitted_at where false`.execute(t.database.db)],
  ])('a change of %s moves the generation', async (_, change) => {
    const before = await readGeneration(t.database.db)
    await change()
    expect(await readGeneration(t.database.db)).not.toBe(before)
  })

  it('a transaction that began before another committed still moves the generation when it commits', async () => {
    const slow = new pg.Client({ connectionString: t.url })
    await slow.connect()
    try {
      await slow.query('begin')
      await slow.query(`insert into branch (org_id, name) values ($1, 'Медленный филиал')`, [world.org.id])
      await sql`insert into branch (org_id, name) values (${world.org.id}, 'Быстрый филиал')`.execute(t.database.db)
      const between = await readGeneration(t.database.db)
      await slow.query('commit')
      expect(await readGeneration(t.database.db)).not.toBe(between)
    } finally {
      await slow.end()
    }
  })

  it('an uncommitted change does not move it (nothing to see yet), a rolled-back one never does', async () => {
    const before = await readGeneration(t.database.db)
    await t.database.db
      .transaction()
      .execute(async (tx) => {
        await sql`insert into branch (org_id, name) values (${world.org.id}, 'Откат')`.execute(tx)
        expect(await readGeneration(t.database.db)).toBe(before)
        throw new Error('rollback')
      })
      .catch(() => {})
    expect(await readGeneration(t.database.db)).toBe(before)
  })

  it('a view «as of now» is recomputed when a deadline passes, without any data change', async () => {
    // an appeal due a second from now: open now, overdue a second later
    await importAppeals(['A1;01.03.2025 09:00;почта;прочее;Городские ЭС'])
    const due = new Date(Date.now() + 1500)
    await sql`update appeal set due_at = ${due}`.execute(t.database.db)
    const period = periodOf('2025-01-01', '2030-12-31', 'Europe/Moscow')
    const read = () =>
      cachedView(t.database, { view: 'deadlines-test', scope: all(), params: null, asOfNow: true }, async () => {
        const rules = await computeAppealCompliance(t.database.db, all(), period, new Date())
        return rules.reduce((n, r) => n + r.overdue, 0)
      })
    expect(await read()).toBe(0)
    expect(await read()).toBe(0) // from memory
    const hits = viewCacheStats().hits
    await new Promise((resolve) => setTimeout(resolve, due.getTime() - Date.now() + 100))
    expect(await read()).toBe(1)
    expect(viewCacheStats().hits).toBe(hits) // recomputed, not served
  })

  it('a view «as of now» of a settled period is kept past the minute, until the next deadline; a recent one is not', async () => {
    await importAppeals(['A1;01.03.2025 09:00;почта;прочее;Городские ЭС'])
    // the appeal's term is long over: no deadline ahead
    await sql`update appeal set due_at = '2025-03-20T21:00:00Z'`.execute(t.database.db)
    const march = periodOf('2025-03-01', '2025-03-31', 'Europe/Moscow')
    const settled = await settledAt(t.database.db, world.org.id, march.end)
    // the longest of: a week for reaching a lost caller, the longest minute norm, the callback norm, after a day of margin
    expect(settled.getTime()).toBeGreaterThanOrEqual(march.end.getTime() + 8 * 86_400_000)
    expect(settled.getTime()).toBeLessThan(Date.now())
    const recent = periodOf(localDay(Date.now() - 86_400_000), localDay(Date.now()), 'Europe/Moscow')
    expect((await settledAt(t.database.db, world.org.id, recent.end)).getTime()).toBeGreaterThan(Date.now())
    let computed = 0
    const read = (periodEnd: Date) =>
      cachedView(t.database, { view: 'settled-test', scope: all(), params: { periodEnd }, asOfNow: true, periodEnd }, async () => ++computed)
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() })
    try {
      expect(await read(march.end)).toBe(1)
      expect(await read(recent.end)).toBe(2)
      vi.setSystemTime(Date.now() + 5 * 60_000)
      expect(await read(march.end)).toBe(1) // kept: nothing in March changes by time alone any more
      expect(await read(recent.end)).toBe(3) // a minute at most: yesterday's calls may still run out of their norms
      // a deadline ahead of the organisation still ends the settled view at that instant
      await sql`update appeal set due_at = ${new Date(Date.now() + 60_000)}`.execute(t.database.db)
      clearViewCache()
      expect(await read(march.end)).toBe(4)
      vi.setSystemTime(Date.now() + 61_000)
      expect(await read(march.end)).toBe(5)
    } finally {
      vi.useRealTimers()
    }
  })

  it('a stop dated ahead in the norm rollup keeps the period unsettled until then', async () => {
    const march = periodOf('2025-03-01', '2025-03-31', 'Europe/Moscow')
    const before = await settledAt(t.database.db, world.org.id, march.end)
    const ahead = new Date(Date.now() + 3 * 86_400_000)
    const rule = await t.database.db.selectFrom('deadline_rule').select('id').where('org_id', '=', world.org.id).executeTakeFirstOrThrow()
    await sql`insert into norm_day (org_id, domain, rule_id, day, start_day, records, within, beyond, missing, missing_late, measured_sum, built_at, changes_at)
      values (${world.org.id}, 'visits', ${rule.id}, '2025-03-10', '2025-03-10', 1, 1, 0, 0, 0, 60, now(), ${ahead})`.execute(t.database.db)
    expect(before.getTime()).toBeLessThan(Date.now())
    expect((await settledAt(t.database.db, world.org.id, march.end)).getTime()).toBe(ahead.getTime())
  })
})
