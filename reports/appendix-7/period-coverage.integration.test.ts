import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { tmpFile } from '#test/setup/files.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import { periodCoverage, periodWarnings } from './coverage.server.ts'

/** The dashboard's «нет данных»: a log without records in the period is no data, not 0; missing months are named. */
const t = useTestDatabase()
let world: TestWorld

beforeEach(async () => {
  world = await resetWorld(t.database)
})

describe('coverage of a dashboard period', () => {
  it('names the logs without records and the months without any, and a year before without records', async () => {
    const file = tmpFile(
      'a.csv',
      ['reg_number;received_at;form;topic;branch', 'A1;14.03.2025 09:00;почта;прочее;Городские ЭС', 'A2;02.05.2025 09:00;почта;прочее;Городские ЭС'].join('\n'),
    )
    await runFileImport(world.target, { kind: 'appeals', path: file, fileName: 'a.csv', skipInvalid: false, createBranches: true, source: 'cli' })
    await refreshRollups(t.database, world.org.id)
    const scope = { orgId: world.org.id, branches: 'all' as const }
    const asOf = new Date('2025-06-15T12:00:00Z') // June begun: January–June are due
    const current = await periodCoverage(t.database.db, scope, { from: '2025-01-01', to: '2025-12-31' }, asOf, 'Europe/Moscow')
    const previous = await periodCoverage(t.database.db, scope, { from: '2024-01-01', to: '2024-12-31' }, asOf, 'Europe/Moscow')
    expect(current.find((c) => c.log === 'appeals')).toEqual({
      log: 'appeals',
      any: true,
      missing: ['январь 2025', 'февраль 2025', 'апрель 2025', 'июнь 2025'],
    })
    expect(current.find((c) => c.log === 'calls')).toEqual({ log: 'calls', any: false, missing: expect.arrayContaining(['январь 2025']) })
    expect(periodWarnings(current, previous)).toEqual([
      'Журнал обращений: нет записей за месяцы январь 2025, февраль 2025, апрель 2025, июнь 2025 — показатели обращений неполные.',
      'Журнал обращений: за тот же период год назад записей нет — сравнение с ним не проводится («нет данных»).',
      'Журнал звонков: за выбранный период нет ни одной записи — показатели звонков показывают «нет данных», а не 0.',
      'Журнал посещений офисов: за выбранный период нет ни одной записи — показатели офисов показывают «нет данных», а не 0.',
    ])
    // a branch user of another branch sees no appeals at all
    const other = await periodCoverage(t.database.db, { orgId: world.org.id, branches: ['0'] }, { from: '2025-01-01', to: '2025-12-31' }, asOf, 'Europe/Moscow')
    expect(other.find((c) => c.log === 'appeals')?.any).toBe(false)
  })
})
