import { sql } from 'kysely'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { tmpFile } from '#test/setup/files.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { periodOf } from '#reports/metrics/period.ts'
import { computeAppealCompliance, listAppealsForDeadlines } from './compliance.server.ts'
import { deadlineOutcome } from './engine.ts'
import { outcomeSql } from './outcome-sql.server.ts'

const t = useTestDatabase()
let world: TestWorld

/**
 * The world: written appeals (30 calendar days) in two branches, Moscow time.
 *   A1 01.03 → due 31.03 24:00, answered 20.03 — on time
 *   A2 01.03 → due 31.03 24:00, answered 02.04 — late
 *   A3 01.03 → due 31.03 24:00, no answer — overdue (or open as of 25.03)
 *   A4 20.03 → 19.04 is a Saturday → due 21.04 24:00 — April; at risk as of 15.04 within 5 working days
 *   A6 01.03, Северные ЭС → due 31.03 24:00, answered 10.03 — on time, outside a Городские-only scope
 *   A9 29.01 → due 28.02 24:00 — February, just outside March
 *   A10 30.01 → 01.03 is a Saturday → due 03.03 24:00, answered 05.03 — late, March
 */
const FILE = [
  'reg_number;received_at;form;topic;branch;answered_at',
  'A1;01.03.2025 09:00;почта;прочее;Городские ЭС;20.03.2025 12:00',
  'A2;01.03.2025 09:00;почта;прочее;Городские ЭС;02.04.2025 12:00',
  'A3;01.03.2025 09:00;почта;прочее;Городские ЭС;',
  'A4;20.03.2025 09:00;почта;прочее;Городские ЭС;',
  'A6;01.03.2025 09:00;почта;прочее;Северные ЭС;10.03.2025 12:00',
  'A9;29.01.2025 10:00;почта;прочее;Городские ЭС;',
  'A10;30.01.2025 10:00;почта;прочее;Городские ЭС;05.03.2025 10:00',
].join('\n')

const MSK = 'Europe/Moscow'
const endOfDay = (d: string) => periodOf(d, d, MSK).end
const march = periodOf('2025-03-01', '2025-03-31', MSK)
const all = () => ({ orgId: world.org.id, branches: 'all' as const })

beforeEach(async () => {
  world = await resetWorld(t.database)
  await runFileImport(world.target, {
    kind: 'appeals',
    path: tmpFile('w.csv', FILE),
    fileName: 'w.csv',
    skipInvalid: false,
    createBranches: true,
    source: 'cli',
  })
})

describe('deadline compliance of appeals', () => {
  it('counts the terms that ended in March, as of 15 April', async () => {
    const [rule] = await computeAppealCompliance(t.database.db, all(), march, endOfDay('2025-04-15'))
    expect(rule).toMatchObject({ code: 'network_appeal_written', dueInPeriod: 5, onTime: 2, late: 2, overdue: 1, open: 0, onTimeShare: 2 / 5 })
  })

  it('as of 25 March, answers given later had not happened yet', async () => {
    const [rule] = await computeAppealCompliance(t.database.db, all(), march, endOfDay('2025-03-25'))
    expect(rule).toMatchObject({ dueInPeriod: 5, onTime: 2, late: 1, overdue: 0, open: 2, onTimeShare: 2 / 3 })
  })

  it('obeys the branch scope; an empty scope sees nothing', async () => {
    const branch = (await sql<{ id: string }>`select id from branch where name = 'Городские ЭС'`.execute(t.database.db)).rows[0]!.id
    const [rule] = await computeAppealCompliance(t.database.db, { orgId: world.org.id, branches: [branch] }, march, endOfDay('2025-04-15'))
    expect(rule).toMatchObject({ dueInPeriod: 4, onTime: 1, late: 2, overdue: 1 })
    expect(await computeAppealCompliance(t.database.db, { orgId: world.org.id, branches: [] }, march, endOfDay('2025-04-15'))).toEqual([])
  })

  it('every number opens its records', async () => {
    const asOf = endOfDay('2025-04-15')
    const late = await listAppealsForDeadlines(t.database.db, all(), { asOf, period: march, outcome: 'late' }, 1)
    expect(late.rows.map((r) => r.regNumber)).toEqual(['A10', 'A2'])
    const due = await listAppealsForDeadlines(t.database.db, all(), { asOf, period: march }, 1)
    expect(due.total).toBe(5)
    const risk = await listAppealsForDeadlines(t.database.db, all(), { asOf, atRiskUntil: endOfDay('2025-04-22') }, 1)
    expect(risk.rows.map((r) => [r.regNumber, r.outcome])).toEqual([['A4', 'open']])
  })
})

describe('the SQL outcome is the engine’s outcome', () => {
  const due = new Date('2025-03-31T21:00:00Z')
  const ms = (delta: number) => new Date(due.getTime() + delta)
  const stops = [null, ms(-60_000), ms(0), ms(1), ms(86_400_000)]
  const asOfs = [ms(-86_400_000), ms(-1), ms(0), ms(1), ms(2 * 86_400_000)]
  it('over a grid of stops and moments', async () => {
    for (const stop of stops) {
      for (const asOf of asOfs) {
        const row = await sql<{ o: string }>`select ${outcomeSql(sql`${due}::timestamptz`, sql`${stop}::timestamptz`, asOf)} as o`.execute(t.database.db)
        expect(row.rows[0]!.o, `stop ${stop?.toISOString()} asOf ${asOf.toISOString()}`).toBe(deadlineOutcome(due, stop, asOf))
      }
    }
  })
})
