import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { sample } from '#test/setup/files.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { updateOrganisation } from '#app/models/organisation.server.ts'
import { periodOf } from '#reports/metrics/period.ts'
import { computeNormFigures, listNormRecords, loadNormRules } from './norms.server.ts'

const t = useTestDatabase()
let world: TestWorld

const MSK = 'Europe/Moscow'
const march = periodOf('2025-03-01', '2025-03-31', MSK)
const endOfMarch = march.end
const all = () => ({ orgId: world.org.id, branches: 'all' as const })

beforeEach(async () => {
  world = await resetWorld(t.database)
  await updateOrganisation(t.database.db, world.org.id, { regime: 'both' })
  for (const [kind, file] of [
    ['offices', 'offices.csv'],
    ['calls', 'calls.csv'],
    ['visits', 'visits.csv'],
  ] as const) {
    await runFileImport(world.target, { kind, path: sample(file), fileName: file, skipInvalid: false, createBranches: true, source: 'cli' })
  }
})

const figures = async (code: string, asOf = endOfMarch) => {
  const rule = (await loadNormRules(t.database.db, world.org.id)).find((r) => r.code === code)!
  const f = await computeNormFigures(t.database.db, all(), march, asOf, rule)
  return {
    records: f.records,
    within: f.within,
    beyond: f.beyond,
    missing: f.missing,
    missingLate: f.missingLate,
    share: f.withinShare,
    mean: f.meanSeconds,
    met: f.meanMet,
  }
}

describe('minute norms of calls and visits (sample files, March 2025)', () => {
  it('pickup within 15 s: an unanswered call is a violation', async () => {
    // answered after 12 s and 5 s; one abandoned; the outbound call is not judged
    expect(await figures('supplier_call_pickup')).toEqual({ records: 3, within: 2, beyond: 0, missing: 1, missingLate: 1, share: 2 / 3, mean: 8.5, met: true })
  })

  it('callback within 4 hours: late, or missing and overdue as of the night', async () => {
    // the night call ended 14.03 23:45, called back 15.03 10:00
    expect(await figures('network_call_callback')).toMatchObject({ records: 1, within: 0, beyond: 1, share: 0, mean: 36_900 })
    const night = await figures('network_call_callback', new Date('2025-03-15T02:00:00Z')) // 05:00 Moscow
    expect(night).toMatchObject({ records: 1, within: 0, beyond: 0, missing: 1, missingLate: 1, share: 0 })
    const early = await figures('network_call_callback', new Date('2025-03-14T21:00:00Z')) // 00:00 Moscow, within the 4 hours
    expect(early).toMatchObject({ missing: 1, missingLate: 0, share: null })
  })

  it('office wait within 30 minutes: a no-show is not judged', async () => {
    expect(await figures('network_visit_wait')).toEqual({ records: 4, within: 2, beyond: 1, missing: 1, missingLate: 1, share: 2 / 3, mean: 920, met: true })
  })

  it('average norms are judged by the mean', async () => {
    expect(await figures('supplier_visit_wait_consultation')).toMatchObject({ records: 1, mean: 420, met: true })
    expect(await figures('supplier_visit_wait_cashier')).toMatchObject({ records: 1, mean: 2280, met: false })
    expect(await figures('supplier_visit_total')).toMatchObject({ records: 4, within: 2, beyond: 1, missing: 1, share: 2 / 3 })
  })

  it('each figure opens its records, without personal data', async () => {
    const rule = (await loadNormRules(t.database.db, world.org.id)).find((r) => r.code === 'network_visit_wait')!
    const beyond = await listNormRecords(t.database.db, all(), march, endOfMarch, rule, 'beyond', 1)
    expect(beyond.rows.map((r) => [r.key, r.seconds, r.place])).toEqual([['ЦОП-01-20250314-002', 2280, 'ЦОП-01']])
    expect(Object.keys(beyond.rows[0]!)).not.toContain('caller_phone')
    expect((await listNormRecords(t.database.db, all(), march, endOfMarch, rule, undefined, 1)).total).toBe(4)
  })

  it('obeys the scope: a branch sees its offices; calls (no branch) only organisation-wide', async () => {
    const rules = await loadNormRules(t.database.db, world.org.id)
    const branch = (await t.database.db.selectFrom('branch').select('id').where('name', '=', 'Северные ЭС').executeTakeFirstOrThrow()).id
    const scope = { orgId: world.org.id, branches: [branch] }
    expect(
      (
        await computeNormFigures(
          t.database.db,
          scope,
          march,
          endOfMarch,
          rules.find((r) => r.code === 'network_visit_wait')!,
        )
      ).records,
    ).toBe(1)
    expect(
      (
        await computeNormFigures(
          t.database.db,
          scope,
          march,
          endOfMarch,
          rules.find((r) => r.code === 'supplier_call_pickup')!,
        )
      ).records,
    ).toBe(0)
  })
})
