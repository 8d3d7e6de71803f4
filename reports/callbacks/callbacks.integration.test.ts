import { sql } from 'kysely'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { tmpFile } from '#test/setup/files.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { periodOf } from '#reports/metrics/period.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import { callbackNorm, listLostCalls, lostCallFigures, lostCallsSetup, lostFigureValues } from './callbacks.server.ts'
import { normalisePhone } from './phone.ts'

const t = useTestDatabase()
let world: TestWorld
const MSK = 'Europe/Moscow'

/**
 * Hand-made calls on Monday 10.03.2025, Moscow time; the norm is the preset's 4 hours from the end of the lost call.
 *   L1 lost 10:00–10:01 from «8 (912) 345-00-01»; callback to «+7 912 345-00-01» answered 14:00 — 3:59 after: in time
 *   L2 lost 10:00–10:01 from «+79123450002»; callback to «8 912 3450002» answered 14:02 — 4:01 after: late
 *   L3 lost 10:00–10:01 from «8-912-345-00-03»; the caller's own call answered 11:00: in time
 *   L4 lost 10:00–10:01 from «89123450004»; an unanswered callback at 10:30: not reached, norm elapsed
 *   L5 a short abandon (3 s, threshold 5 s): not a lost call
 *   L6 lost without a number: «номер не определён»
 *   L7 lost 21:00–21:01 from «9123450007»: not reached, norm still running as of 23:00
 */
const CALLS = [
  'call_id;direction;started_at;answered_at;ended_at;caller_phone;line',
  'L1;in;10.03.2025 10:00:00;;10.03.2025 10:01:00;8 (912) 345-00-01;main',
  'C1;out;10.03.2025 13:59:40;10.03.2025 14:00:00;10.03.2025 14:05:00;+7 912 345-00-01;',
  'L2;in;10.03.2025 10:00:00;;10.03.2025 10:01:00;+79123450002;main',
  'C2;out;10.03.2025 14:01:40;10.03.2025 14:02:00;10.03.2025 14:05:00;8 912 3450002;',
  'L3;in;10.03.2025 10:00:00;;10.03.2025 10:01:00;8-912-345-00-03;main',
  'O3;in;10.03.2025 10:59:50;10.03.2025 11:00:00;10.03.2025 11:05:00;+7 (912) 345 00 03;main',
  'L4;in;10.03.2025 10:00:00;;10.03.2025 10:01:00;89123450004;main',
  'C4;out;10.03.2025 10:30:00;;10.03.2025 10:30:40;89123450004;',
  'L5;in;10.03.2025 10:00:00;;10.03.2025 10:00:03;89123450005;main',
  'L6;in;10.03.2025 10:00:00;;10.03.2025 10:01:00;;main',
  'L7;in;10.03.2025 21:00:00;;10.03.2025 21:01:00;9123450007;main',
].join('\n')

const day = periodOf('2025-03-10', '2025-03-10', MSK)
const at = (text: string) => new Date(`${text}+03:00`)

async function query(asOf: Date, period = day) {
  const setup = await lostCallsSetup(t.database.db, world.org.id)
  return { scope: { orgId: world.org.id, branches: 'all' as const }, period, asOf, ...setup }
}

beforeEach(async () => {
  world = await resetWorld(t.database)
  const report = await runFileImport(world.target, { kind: 'calls', path: tmpFile('c.csv', CALLS), fileName: 'c.csv', skipInvalid: false, source: 'cli' })
  expect(report.status).toBe('done')
})

describe('lost calls called back', () => {
  it('normalises numbers in the database as in the code', async () => {
    const rows = await sql<{
      caller_phone: string | null
      phone_norm: string | null
    }>`select caller_phone, phone_norm from call where org_id = ${world.org.id}`.execute(t.database.db)
    for (const r of rows.rows) expect(r.phone_norm, String(r.caller_phone)).toBe(normalisePhone(r.caller_phone))
  })

  it('judges each lost call at the 4-hour boundary (3:59 in time, 4:01 late)', async () => {
    const q = await query(at('2025-03-10T23:00:00'))
    const rows = await listLostCalls(t.database.db, q, { offset: 0, limit: 50 })
    const byId = Object.fromEntries(rows.map((r) => [r.callId, r]))
    expect(Object.keys(byId).sort()).toEqual(['L1', 'L2', 'L3', 'L4', 'L6', 'L7'])
    expect(byId.L1).toMatchObject({ outcome: 'callback', reachedCallId: 'C1', inTime: true, secondsToReach: 3 * 3600 + 59 * 60 })
    expect(byId.L2).toMatchObject({ outcome: 'callback', reachedCallId: 'C2', inTime: false, secondsToReach: 4 * 3600 + 60 })
    expect(byId.L3).toMatchObject({ outcome: 'own_call', reachedCallId: 'O3', inTime: true })
    expect(byId.L4).toMatchObject({ outcome: 'not_reached', inTime: false })
    expect(byId.L6).toMatchObject({ outcome: 'no_number', inTime: null })
    expect(byId.L7).toMatchObject({ outcome: 'not_reached', inTime: null })
    expect(byId.L1!.dueAt).toEqual(at('2025-03-10T14:01:00'))
  })

  it('sums the figures', async () => {
    const f = await lostCallFigures(t.database.db, await query(at('2025-03-10T23:00:00')))
    expect(f).toEqual({
      lost: 6,
      callback: 2,
      ownCall: 1,
      notReached: 2,
      noNumber: 1,
      judged: 4,
      inTime: 2,
      meanSecondsToReach: (3 * 3600 + 59 * 60 + 4 * 3600 + 60 + 59 * 60) / 3,
    })
    // the catalog's formulas over these sums
    expect(lostFigureValues(f)).toEqual({
      'lost.calls': 6,
      'lost.reached_callback': 2,
      'lost.reached_own': 1,
      'lost.not_reached': 2,
      'lost.no_number': 1,
      'lost.in_time_share': 0.5,
      'lost.mean_time_to_reach': (3 * 3600 + 59 * 60 + 4 * 3600 + 60 + 59 * 60) / 3,
    })
  })

  it('as of 13:00 the callbacks had not happened yet', async () => {
    const f = await lostCallFigures(t.database.db, await query(at('2025-03-10T13:00:00')))
    expect(f).toMatchObject({ lost: 5, callback: 0, ownCall: 1, notReached: 3, judged: 1, inTime: 1 })
  })

  it('follows the organisation setting, also in working days on the production calendar', async () => {
    // 1 working day from Friday 07.03.2025: the last day is Monday 10.03 (08.03 is a holiday, 09.03 Sunday)
    await sql`update organisation set lost_callback_amount = 1, lost_callback_unit = 'working_days' where id = ${world.org.id}`.execute(t.database.db)
    expect(await callbackNorm(t.database.db, world.org.id)).toMatchObject({ amount: 1, unit: 'working_days', source: 'настройка организации' })
    const extra = [
      'call_id;direction;started_at;answered_at;ended_at;caller_phone;line',
      'F1;in;07.03.2025 17:00:00;;07.03.2025 17:01:00;+7 999 000-00-01;main',
      'F1b;out;10.03.2025 23:50:00;10.03.2025 23:50:10;10.03.2025 23:55:00;8 999 000 00 01;',
      'F2;in;07.03.2025 17:00:00;;07.03.2025 17:01:00;+7 999 000-00-02;main',
      'F2b;out;11.03.2025 00:00:10;11.03.2025 00:00:20;11.03.2025 00:05:00;8 999 000 00 02;',
    ].join('\n')
    await runFileImport(world.target, { kind: 'calls', path: tmpFile('f.csv', extra), fileName: 'f.csv', skipInvalid: false, source: 'cli' })
    const rows = await listLostCalls(t.database.db, await query(at('2025-03-12T00:00:00'), periodOf('2025-03-07', '2025-03-07', MSK)), { offset: 0, limit: 50 })
    expect(rows.map((r) => [r.callId, r.outcome, r.inTime])).toEqual([
      ['F1', 'callback', true],
      ['F2', 'callback', false],
    ])
    expect(rows[0]!.dueAt).toEqual(at('2025-03-11T00:00:00'))
  })

  it('a call more than 7 days later does not count as reaching the caller', async () => {
    const extra = [
      'call_id;direction;started_at;answered_at;ended_at;caller_phone;line',
      'Late;out;17.03.2025 10:30:00;17.03.2025 10:30:10;17.03.2025 10:35:00;89123450004;',
    ].join('\n')
    await runFileImport(world.target, { kind: 'calls', path: tmpFile('late.csv', extra), fileName: 'late.csv', skipInvalid: false, source: 'cli' })
    const rows = await listLostCalls(t.database.db, await query(at('2025-03-20T00:00:00')), { offset: 0, limit: 50 })
    expect(rows.find((r) => r.callId === 'L4')).toMatchObject({ outcome: 'not_reached', reachedCallId: null })
  })

  it('a changed callback rule changes the verdicts (no stored copy to go stale)', async () => {
    await sql`update deadline_rule set amount = 5 where org_id = ${world.org.id} and code = 'network_call_callback'`.execute(t.database.db)
    const f = await lostCallFigures(t.database.db, await query(at('2025-03-10T23:00:00')))
    expect(f).toMatchObject({ judged: 4, inTime: 3 })
  })
})

describe('lost_day (ADR 032): the daily sums give the records` own figures at every moment', () => {
  const HOUR = 3600_000
  const local = (d: Date) =>
    new Intl.DateTimeFormat('ru-RU', {
      timeZone: MSK,
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .format(d)
      .replace(',', '')

  it('for every moment and scope, with a norm still running, a reaching call answered later and a lost call ahead', async () => {
    const now = Date.now()
    const when = (ms: number) => local(new Date(now + ms))
    const recent = [
      'call_id;direction;started_at;answered_at;ended_at;caller_phone;line',
      // lost an hour ago, nobody reached the caller yet: its 4 hours run out in three
      `R1;in;${when(-HOUR)};;${when(-HOUR + 60_000)};89120000001;main`,
      // lost two hours ago; the callback began an hour ago and is answered only in two hours (the file says so)
      `R2;in;${when(-2 * HOUR)};;${when(-2 * HOUR + 60_000)};89120000002;main`,
      `K2;out;${when(-HOUR)};${when(2 * HOUR)};${when(2 * HOUR + 60_000)};89120000002;`,
      // a lost call in the file that begins tomorrow
      `R3;in;${when(24 * HOUR)};;${when(24 * HOUR + 60_000)};89120000003;main`,
    ].join('\n')
    expect(
      (await runFileImport(world.target, { kind: 'calls', path: tmpFile('r.csv', recent), fileName: 'r.csv', skipInvalid: false, source: 'cli' })).status,
    ).toBe('done')
    await refreshRollups(t.database, world.org.id)
    const rows = await sql<{ rows: number; ahead: number }>`select count(*)::int as rows, count(changes_at)::int as ahead from lost_day`.execute(t.database.db)
    expect(rows.rows[0]!.rows).toBeGreaterThan(1)
    expect(rows.rows[0]!.ahead).toBeGreaterThan(0)
    const span = periodOf('2025-01-01', '2027-12-31', MSK)
    const branchless = { orgId: world.org.id, branches: ['0'] }
    const moments = [at('2025-03-10T23:00:00'), new Date(now + 1000), new Date(now + 2.5 * HOUR), new Date(now + 4 * HOUR), new Date(now + 48 * HOUR)]
    let compared = 0
    for (const period of [day, span])
      for (const scope of [{ orgId: world.org.id, branches: 'all' as const }, branchless])
        for (const asOf of moments) {
          const q = { ...(await query(asOf, period)), scope }
          const rolled = await lostCallFigures(t.database.db, q)
          const records = await lostCallFigures(t.database.db, q, true)
          const round = (f: typeof rolled) => ({ ...f, meanSecondsToReach: f.meanSecondsToReach && Math.round(f.meanSecondsToReach * 1e6) })
          expect(round(rolled)).toEqual(round(records))
          compared++
        }
    expect(compared).toBe(20)
    // as of now R1 and R2 are not reached and not judged; in 2.5 hours R2 is reached (late: 4 h after its end is
    // 1 h 59 min from now… the callback is answered 2 h from now, within 4 h of 1 h 59 min ago); in 4 hours R1 is judged late
    const soon = await lostCallFigures(t.database.db, await query(new Date(now + 1000), span))
    const later = await lostCallFigures(t.database.db, await query(new Date(now + 4 * HOUR), span))
    expect(later.lost - soon.lost).toBe(0)
    expect(later.callback - soon.callback).toBe(1)
    expect(later.judged - soon.judged).toBe(2)
    // tomorrow's lost call counts once it has begun
    const tomorrow = await lostCallFigures(t.database.db, await query(new Date(now + 48 * HOUR), span))
    expect(tomorrow.lost - later.lost).toBe(1)
  })
})
