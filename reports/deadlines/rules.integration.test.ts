import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { sample, tmpFile } from '#test/setup/files.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { updateOrganisation } from '#app/models/organisation.server.ts'
import { recomputeAppealDueDates } from './rules.server.ts'

const t = useTestDatabase()
let world: TestWorld
beforeEach(async () => {
  world = await resetWorld(t.database)
})

const load = (file: string) =>
  runFileImport(world.target, { kind: 'appeals', path: file, fileName: 'a.csv', skipInvalid: false, createBranches: true, source: 'cli' })
const dueOf = async () =>
  Object.fromEntries(
    (
      await t.database.db
        .selectFrom('appeal')
        .leftJoin('deadline_rule', 'deadline_rule.id', 'appeal.deadline_rule_id')
        .select(['reg_number', 'due_at', 'deadline_rule.code as rule', 'due_calendar_gap'])
        .execute()
    ).map((r) => [r.reg_number, [r.due_at?.toISOString() ?? null, r.rule, r.due_calendar_gap]]),
  )

describe('due dates stored with the appeals', () => {
  it('an import stores each appeal’s due date by the network preset', async () => {
    await load(sample('appeals.csv'))
    await load(sample('appeals-cp1251.csv'))
    expect(await dueOf()).toEqual({
      // 14.03 + 30 = 13.04, a Sunday → Monday 14.04, 24:00 Moscow
      'О-2025-0001': ['2025-04-14T21:00:00.000Z', 'network_appeal_written', false],
      'О-2025-0002': ['2025-04-14T21:00:00.000Z', 'network_appeal_written', false],
      'О-2025-0003': ['2025-04-14T21:00:00.000Z', 'network_appeal_written', false],
      'О-2025-0101': ['2025-05-05T21:00:00.000Z', 'network_appeal_written', false],
      // by phone: 4 hours, wall-clock
      'О-2025-0102': ['2025-04-01T12:00:00.000Z', 'network_appeal_phone', false],
    })
  })

  it('a record may name its rule; rules of a regime the organisation does not have are not used', async () => {
    const file = tmpFile(
      'named.csv',
      'reg_number;received_at;form;topic;deadline_rule\nД-1;26.12.2025 09:00;почта;прочее;supplier_contract_missing_documents\n',
    )
    await load(file)
    // 26.12.2025 + 30 = 25.01.2026, a Sunday → Monday 26.01
    expect((await dueOf())['Д-1']).toEqual(['2026-01-26T21:00:00.000Z', 'network_appeal_written', false])
    await updateOrganisation(t.database.db, world.org.id, { regime: 'both' })
    // a regime change adds the supplier's rules; recomputing applies the named rule
    expect(await recomputeAppealDueDates(t.database.db, world.org.id, 'Europe/Moscow')).toBe(1)
    // 5 working days from Friday 26.12.2025 → 14.01.2026 (deadlines.md)
    expect((await dueOf())['Д-1']).toEqual(['2026-01-14T21:00:00.000Z', 'supplier_contract_missing_documents', false])
  })

  it('a rule change and an organisation’s own holiday are applied by recomputing; a second pass changes nothing', async () => {
    await load(sample('appeals.csv'))
    await t.database.db.updateTable('deadline_rule').set({ amount: 10 }).where('code', '=', 'network_appeal_written').execute()
    expect(await recomputeAppealDueDates(t.database.db, world.org.id, 'Europe/Moscow')).toBe(3)
    expect((await dueOf())['О-2025-0001']![0]).toBe('2025-03-24T21:00:00.000Z') // 24.03 is a Monday
    await t.database.db.insertInto('calendar_day').values({ org_id: world.org.id, day: '2025-03-24', kind: 'holiday', note: 'региональный праздник' }).execute()
    // only the two terms whose last day it is move; a holiday inside a calendar-day count changes nothing
    expect(await recomputeAppealDueDates(t.database.db, world.org.id, 'Europe/Moscow')).toBe(2)
    expect((await dueOf())['О-2025-0001']![0]).toBe('2025-03-25T21:00:00.000Z')
    expect(await recomputeAppealDueDates(t.database.db, world.org.id, 'Europe/Moscow')).toBe(0)
  })

  it('flags a due date counted beyond the loaded calendar years', async () => {
    await load(tmpFile('late.csv', 'reg_number;received_at;form;topic\nП-1;20.12.2027 10:00;почта;прочее\n'))
    expect((await dueOf())['П-1']).toEqual(['2028-01-19T21:00:00.000Z', 'network_appeal_written', true])
  })
})
