/**
 * Issue 20: a generated `queue_log` with every situation of the contract's table (formats.md, «queue_log as
 * Asterisk really writes it»), rotated into two files — the older one gzip-compressed, with a name that says
 * nothing — imported in both orders and again, and as the realtime table exported as CSV. The expected figures
 * are counted by hand below, call by call.
 */
import zlib from 'node:zlib'
import { sql } from 'kysely'
import { tmpFile } from '#test/setup/files.ts'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { callSums, figuresOf, groupBy, totalOf } from '#reports/metrics/dashboard.server.ts'
import { REGISTERS, type RecordContext, listRecords, registerTotal } from '#reports/metrics/records.server.ts'
import { loadRollupParams, refreshRollups } from '#reports/metrics/rollups.server.ts'
import { readView } from '#reports/metrics/view.ts'
import { localToInstant } from '#reports/time/local-time.ts'
import { prepareAppendix7 } from '#reports/appendix-7/build.server.ts'
import { appendix7Context } from '#reports/appendix-7/context.server.ts'
import { type FileImportRequest, type ImportReport, runFileImport } from './pipeline.server.ts'

const t = useTestDatabase()
let world: TestWorld

beforeEach(async () => {
  world = await resetWorld(t.database)
})

const T0 = 1741932000 // 2025-03-14 09:00 Moscow
const DAY = 86400

/**
 * [seconds after T0, uniqueid, queue, agent, event, data] — the whole log in time order. Call by call:
 * C1  sales     answered after 10 s, COMPLETECALLER
 * C2  support   two operators' rings not picked up (RINGNOANSWER, RINGCANCELED), answered after 20 s, BLINDTRANSFER
 * C3  support   `position|callerid` ENTERQUEUE layout, answered after 5 s, ATTENDEDTRANSFER
 * C4  sales → overflow at the same second (EXITWITHTIMEOUT), answered there: waits 60 s from the first ENTERQUEUE, 30 s in overflow
 * C5  sales → overflow (EXITWITHKEY), abandoned there after 40 s in all
 * C6  support   abandoned after 2 s (a short abandon)
 * C7  sales     EXITEMPTY after 20 s
 * C8  sales     answered after 15 s, old-style TRANSFER
 * C9  support   answered, never ends; support has events a day later → «нет окончания в журнале»
 * C10 sales     answered after 10 s in the old file, ended in the new one
 * C11 sales → overflow across the rotation: left sales in the old file, answered in overflow in the new one (50 s; 20 s in overflow)
 * C12 support   next day, answered after 30 s (its lines out of order in the file)
 * C13 sales     next day, no ending yet and sales has nothing a day later: waits for a later file
 */
type Line = [number, string, string, string, string, string]
const OLD: Line[] = [
  [-5, 'NONE', 'NONE', 'NONE', 'QUEUESTART', ''],
  [-4, 'NONE', 'sales', 'SIP/101', 'ADDMEMBER', ''],
  [-3, 'CLI', 'support', 'SIP/102', 'PAUSE', ''],
  [-2, 'NONE', 'support', 'SIP/103', 'AGENTLOGIN', 'SIP/103'],
  [0, 'C1', 'sales', 'NONE', 'ENTERQUEUE', '|79160000001|1'],
  [10, 'C1', 'sales', 'SIP/101', 'CONNECT', '10|C1b|2'],
  [60, 'C2', 'support', 'NONE', 'ENTERQUEUE', '|79160000002|1'],
  [70, 'C2', 'support', 'SIP/1', 'RINGNOANSWER', '15000'],
  [72, 'C2', 'support', 'SIP/2', 'RINGCANCELED', '1500'],
  [80, 'C2', 'support', 'SIP/3', 'CONNECT', '20|C2b|3'],
  [100, 'C1', 'sales', 'SIP/101', 'COMPLETECALLER', '10|90|1'],
  [120, 'C3', 'support', 'NONE', 'ENTERQUEUE', '2|79160000003'],
  [125, 'C3', 'support', 'SIP/4', 'CONNECT', '5|C3b|1'],
  [200, 'C2', 'support', 'SIP/3', 'BLINDTRANSFER', '501|from-internal|20|120|1'],
  [200, 'C4', 'sales', 'NONE', 'ENTERQUEUE', '|79160000004|1'],
  [230, 'C4', 'overflow', 'NONE', 'ENTERQUEUE', '|79160000004|1'], // the same second as leaving sales, written first
  [230, 'C4', 'sales', 'NONE', 'EXITWITHTIMEOUT', '1|1|30'],
  [260, 'C4', 'overflow', 'Agent/7', 'CONNECT', '30|C4b|2'],
  [300, 'C3', 'support', 'SIP/4', 'ATTENDEDTRANSFER', 'BRIDGE|C3c|5|175|1'],
  [300, 'C5', 'sales', 'NONE', 'ENTERQUEUE', '|79160000005|1'],
  [310, 'C5', 'sales', 'NONE', 'EXITWITHKEY', '1|1'],
  [311, 'C5', 'overflow', 'NONE', 'ENTERQUEUE', '|79160000005|1'],
  [340, 'C5', 'overflow', 'NONE', 'ABANDON', '1|1|29'],
  [400, 'C4', 'overflow', 'Agent/7', 'COMPLETEAGENT', '30|140|1'],
  [400, 'C6', 'support', 'NONE', 'ENTERQUEUE', '|79160000006|1'],
  [402, 'C6', 'support', 'NONE', 'ABANDON', '1|1|2'],
  [450, 'NONE', 'support', 'SIP/102', 'UNPAUSE', ''],
  [500, 'C7', 'sales', 'NONE', 'ENTERQUEUE', '|79160000007|1'],
  [520, 'C7', 'sales', 'NONE', 'EXITEMPTY', '1|1|20'],
  [600, 'C8', 'sales', 'NONE', 'ENTERQUEUE', '|79160000008|1'],
  [615, 'C8', 'sales', 'SIP/101', 'CONNECT', '15|C8b|1'],
  [700, 'C8', 'sales', 'SIP/101', 'TRANSFER', '502|from-internal|15|85'],
  [800, 'C9', 'support', 'NONE', 'ENTERQUEUE', '|79160000009|1'],
  [810, 'C9', 'support', 'SIP/4', 'CONNECT', '10|C9b|1'],
  [1000, 'NONE', 'NONE', 'NONE', 'CONFIGRELOAD', ''],
  [7000, 'C10', 'sales', 'NONE', 'ENTERQUEUE', '|79160000010|1'],
  [7010, 'C10', 'sales', 'SIP/101', 'CONNECT', '10|C10b|1'],
  [7100, 'C11', 'sales', 'NONE', 'ENTERQUEUE', '|79160000011|1'],
  [7130, 'C11', 'sales', 'NONE', 'EXITWITHTIMEOUT', '1|1|30'],
]
const NEW: Line[] = [
  // the rotation overlaps: the old file's last four lines again
  ...OLD.slice(-4),
  [7130, 'C11', 'overflow', 'NONE', 'ENTERQUEUE', '|79160000011|1'],
  [7150, 'C11', 'overflow', 'Agent/7', 'CONNECT', '20|C11b|1'],
  [7200, 'C10', 'sales', 'SIP/101', 'COMPLETECALLER', '10|190|1'],
  [7300, 'C11', 'overflow', 'Agent/7', 'COMPLETECALLER', '20|150|1'],
  [DAY + 3600, 'NONE', 'sales', 'SIP/101', 'PAUSEALL', ''],
  // C12's lines slightly out of order, as buffered writes leave them
  [DAY + 4030, 'C12', 'support', 'SIP/3', 'CONNECT', '30|C12b|1'],
  [DAY + 4000, 'C12', 'support', 'NONE', 'ENTERQUEUE', '|79160000012|1'],
  [DAY + 4050, 'C13', 'sales', 'NONE', 'ENTERQUEUE', '|79160000013|1'],
  [DAY + 4100, 'C12', 'support', 'SIP/3', 'COMPLETECALLER', '30|70|1'],
]

const pipeText = (lines: Line[]) => lines.map(([s, id, q, a, e, d]) => `${T0 + s}|${id}|${q}|${a}|${e}${d ? `|${d}` : '|'}`).join('\n') + '\n'

/** The realtime table as an administrator exports it: local date-times, data split into data1…data5. */
function realtimeCsv(lines: Line[]): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  const local = (epoch: number) => {
    const d = new Date((epoch + 3 * 3600) * 1000) // Moscow is UTC+3 all year
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  }
  const rows = lines.map(([s, id, q, a, e, d], i) => {
    const data = [...d.split('|'), '', '', '', '', ''].slice(0, 5)
    return [String(i + 1), local(T0 + s), id, q, a, e, ...data].map((c) => (/[;"]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(';')
  })
  return ['id;time;callid;queuename;agent;event;data1;data2;data3;data4;data5', ...rows].join('\r\n') + '\r\n'
}

const files = () => ({
  // logrotate's compressed older file; the name tells nothing (told by its content)
  old: tmpFile('queue_log.1', zlib.gzipSync(pipeText(OLD))),
  current: tmpFile('queue_log', pipeText(NEW)),
})

async function load(path: string, options: Partial<FileImportRequest> = {}): Promise<ImportReport> {
  const report = await runFileImport(world.target, { kind: 'calls', path, fileName: path.split('/').pop()!, skipInvalid: false, source: 'cli', ...options })
  expect(report.read).toBe(report.stored + report.rejected)
  return report
}

/** Everything the import leaves behind, to compare orders and re-imports. */
async function state() {
  const db = t.database.db
  return {
    calls: await db
      .selectFrom('call')
      .select(['call_id', 'line', 'started_at', 'answered_at', 'ended_at', 'agent', 'caller_phone', 'legs', 'no_ending', 'updated_at'])
      .orderBy('call_id')
      .execute(),
    pending: await db.selectFrom('queue_log_pending').select(['call_id', 'line', 'started_at', 'answered_at', 'import_batch_id']).orderBy('call_id').execute(),
    events: Number((await sql<{ n: string }>`select count(*) as n from queue_log_event`.execute(db)).rows[0]!.n),
  }
}

const march = () => readView(new URLSearchParams('period=month&year=2025&month=3'), 'Europe/Moscow', 2025)

async function figures() {
  await refreshRollups(t.database, world.org.id)
  const groups = await callSums(t.database.db, { orgId: world.org.id, branches: 'all' }, march().period, {})
  const byLine = groupBy('calls', groups, (g) => g.key.line ?? 'none')
  const line = (l: string) => {
    const f = figuresOf('calls', byLine.get(l)!)
    return [f['calls.line_offered'], f['calls.line_answered'], f['calls.line_overflowed'], f['calls.line_lost'], f['calls.line_mean_wait']]
  }
  return { total: figuresOf('calls', totalOf('calls', groups)), sales: line('sales'), support: line('support'), overflow: line('overflow') }
}

// Counted by hand from the table above.
async function expectTheLogsFigures() {
  const f = await figures()
  expect(f.total).toMatchObject({
    // C1–C8, C10, C11, C12: one call each, whatever the queues (C9 apart, C13 still waiting)
    'calls.offered': 11,
    // C1, C2, C3, C4, C8, C10, C11, C12
    'calls.answered': 8,
    // C5 (40 s) and C7 (20 s); C6 (2 s) is a short abandon
    'calls.abandoned': 2,
    'calls.short_abandoned': 1,
    'calls.no_ending': 1,
    // (10 + 20 + 5 + 60 + 15 + 10 + 50 + 30) / 8 — from the first ENTERQUEUE to the CONNECT
    'calls.mean_wait': 25,
    // within 20 s: C1, C2, C3, C8, C10 → 5 of 11 − 1 short
    'calls.answered_in_sl': 5,
    'calls.service_level': 0.5,
    // 14 legs: 11 calls + 3 overflows (C4, C5, C11)
    'calls.line_offered': 14,
    'calls.line_overflowed': 3,
  })
  // [legs, answered there, overflowed out, lost there, mean wait there]
  expect(f.sales).toEqual([7, 3, 3, 1, (10 + 15 + 10) / 3]) // C1 C8 C10 answered; C4 C5 C11 overflowed; C7 lost
  expect(f.support).toEqual([4, 3, 0, 1, (20 + 5 + 30) / 3]) // C2 C3 C12 answered; C6 lost; C9 has no ending
  expect(f.overflow).toEqual([3, 2, 0, 1, (30 + 20) / 2]) // C4 C11 answered; C5 lost
}

async function expectTheLogsCalls() {
  const db = t.database.db
  const c4 = await db.selectFrom('call').selectAll().where('call_id', '=', 'C4').executeTakeFirstOrThrow()
  expect(c4).toMatchObject({
    line: 'overflow',
    agent: 'Agent/7',
    caller_phone: '79160000004',
    no_ending: false,
    started_at: new Date(T0 * 1000 + 200_000),
    answered_at: new Date(T0 * 1000 + 260_000),
    ended_at: new Date(T0 * 1000 + 400_000),
  })
  expect(c4.legs!.map((l) => [l.line, l.outcome, l.end])).toEqual([
    ['sales', 'overflowed', 'EXITWITHTIMEOUT'],
    ['overflow', 'answered', 'COMPLETEAGENT'],
  ])
  const c2 = await db.selectFrom('call').select(['legs', 'ended_at']).where('call_id', '=', 'C2').executeTakeFirstOrThrow()
  expect(c2).toMatchObject({ ended_at: new Date((T0 + 200) * 1000), legs: [{ end: 'BLINDTRANSFER', missed: { 'SIP/1': 1, 'SIP/2': 1 } }] })
  expect((await db.selectFrom('call').select('caller_phone').where('call_id', '=', 'C3').executeTakeFirstOrThrow()).caller_phone).toBe('79160000003')
  expect(await db.selectFrom('call').select(['no_ending', 'answered_at', 'ended_at']).where('call_id', '=', 'C9').executeTakeFirstOrThrow()).toEqual({
    no_ending: true,
    answered_at: new Date((T0 + 810) * 1000),
    ended_at: new Date((T0 + 810) * 1000),
  })
  expect((await db.selectFrom('queue_log_pending').select('call_id').execute()).map((r) => r.call_id)).toEqual(['C13'])
  // the calls closed without an ending are listed for review, and the list is as long as the figure
  const params = await loadRollupParams(t.database.db, world.org.id)
  const ctx: RecordContext = {
    scope: { orgId: world.org.id, branches: 'all' },
    period: march().period,
    filter: {},
    narrowing: {},
    metric: 'calls.no_ending',
    asOf: new Date(),
    zone: 'Europe/Moscow',
    params,
  }
  const listed = await listRecords(db, REGISTERS.calls, ctx, { sort: 'started_at', dir: 'asc', page: 1, size: 50 })
  expect(listed.map((r) => r.call_id)).toEqual(['C9'])
  expect(await registerTotal(db, REGISTERS.calls, ctx)).toBe(1)
  // a line figure opens the calls that went through that queue
  const overflowed = await listRecords(
    db,
    REGISTERS.calls,
    { ...ctx, metric: 'calls.line_overflowed', narrowing: { line: 'sales' } },
    { sort: 'started_at', dir: 'asc', page: 1, size: 50 },
  )
  expect(overflowed.map((r) => [r.call_id, r.legs])).toEqual([
    ['C4', 'sales — ушёл в другую очередь; overflow — принят'],
    ['C5', 'sales — ушёл в другую очередь; overflow — не принят'],
    ['C11', 'sales — ушёл в другую очередь; overflow — принят'],
  ])
}

describe('queue_log as Asterisk really writes it (issue 20)', () => {
  it('older gzip file first, then the current one; both again change nothing', async () => {
    const { old, current } = files()
    const first = await load(old)
    // C1–C8 and C11 (it left sales unanswered: stored for now); C9 and C10 wait
    expect(first).toMatchObject({ status: 'done', format: 'queue_log', read: 11, inserted: 9, pending: 2, noEnding: 0, logLines: OLD.length, ignoredLines: 6 })
    const second = await load(current)
    // C10, C12 and C9 (closed: support now has events a day later) are new, C11 continues into overflow; C13 waits
    // the four overlapping lines were stored already
    expect(second).toMatchObject({
      status: 'done',
      read: 5,
      inserted: 3,
      updated: 1,
      unchanged: 0,
      pending: 1,
      noEnding: 1,
      earlier: 1,
      ignoredLines: 1,
      logEvents: 12,
      knownEvents: 4,
    })
    await expectTheLogsCalls()
    await expectTheLogsFigures()
    // Appendix 7, table 4.3 (year N): the consumer calls once each, the answered ones, the mean wait
    const appendix = await prepareAppendix7(
      await appendix7Context(t.database, { orgId: world.org.id, branches: 'all' }, 2025, new Date('2026-01-31T00:00:00Z')),
    )
    const t43 = appendix.built.tables.find((x) => x.code === '4.3')!.body.map((row) => row.map((c) => c.v)[3])
    // 25 s = 0,4 min; talk (90 + 120 + 175 + 140 + 85 + 190 + 150 + 70) / 8 = 127,5 s = 2,1 min
    expect(t43.slice(1)).toEqual([11, 8, 0.4, 2.1])

    const before = await state()
    expect(before.calls).toHaveLength(12)
    expect(await load(old)).toMatchObject({ status: 'done', inserted: 0, updated: 0, unchanged: 11, pending: 0, logEvents: 33, knownEvents: 33 })
    expect(await load(current)).toMatchObject({ status: 'done', inserted: 0, updated: 0, unchanged: 3, pending: 1 })
    expect(await state()).toEqual(before)
    await expectTheLogsFigures()
  })

  it('the current file first, then the older gzip one: the same calls, legs and figures', async () => {
    const { old, current } = files()
    expect(await load(current)).toMatchObject({ status: 'done', read: 4, inserted: 3, pending: 1 })
    // C9 is closed at once: its queue already has events a day later
    expect(await load(old)).toMatchObject({ status: 'done', read: 11, inserted: 9, unchanged: 2, pending: 0, noEnding: 1 })
    await expectTheLogsCalls()
    await expectTheLogsFigures()
    const once = (await state()).calls.map(({ updated_at: _u, ...c }) => c)

    // the other order gives exactly the same calls
    world = await resetWorld(t.database)
    await load(old)
    await load(current)
    expect((await state()).calls.map(({ updated_at: _u, ...c }) => c)).toEqual(once)
  })

  it('the realtime queue_log table exported as CSV imports as the same events', async () => {
    const { current } = files()
    const table = await load(tmpFile('queuelog.csv', realtimeCsv(OLD)))
    expect(table).toMatchObject({ status: 'done', format: 'queue_log_table', delimiter: ';', read: 11, inserted: 9, pending: 2 })
    await load(current)
    await expectTheLogsCalls()
    await expectTheLogsFigures()
    // the pipe-separated log of the same events adds nothing
    expect(await load(files().old)).toMatchObject({ inserted: 0, updated: 0, unchanged: 11 })
  })

  it('a contradiction names its line; nothing of the file is kept, or only the other calls with «skip invalid rows»', async () => {
    const bad = tmpFile(
      'queue_log.bad',
      pipeText([
        [0, 'X1', 'sales', 'NONE', 'ENTERQUEUE', '|1|1'],
        [5, 'X1', 'sales', 'SIP/1', 'COMPLETECALLER', '5|5|1'],
        [6, 'X2', 'sales', 'NONE', 'ENTERQUEUE', '|2|1'],
        [9, 'X2', 'sales', 'NONE', 'ABANDON', '1|1|3'],
      ]),
    )
    const refused = await load(bad)
    expect(refused).toMatchObject({ status: 'rejected', stored: 0, rejected: 2 })
    expect(refused.rejections).toEqual([
      {
        line: 2,
        column: 'queue_log',
        value: `${T0 + 5}|X1|sales|SIP/1|COMPLETECALLER`,
        reason: 'событие COMPLETECALLER для звонка X1 без события CONNECT (ответа) в очереди sales',
      },
    ])
    expect((await state()).events).toBe(0)
    const skipped = await load(bad, { skipInvalid: true })
    expect(skipped).toMatchObject({ status: 'done', inserted: 1, rejected: 1 })
    // the rejected call's events are not kept: a corrected file is read afresh
    expect((await t.database.db.selectFrom('queue_log_event').select('uniqueid').distinct().execute()).map((r) => r.uniqueid)).toEqual(['X2'])
  })

  it('a log with only queue and operator events is refused in Russian; a damaged gzip file too', async () => {
    const noise = await load(tmpFile('queue_log', pipeText(OLD.slice(0, 4))))
    expect(noise).toMatchObject({ status: 'rejected' })
    expect(noise.message).toMatch(/^В журнале нет ни одного события звонков/)
    const gz = zlib.gzipSync(pipeText(OLD))
    const broken = await load(tmpFile('queue_log.2.gz', gz.subarray(0, gz.length - 20)))
    expect(broken).toMatchObject({ status: 'rejected', stored: 0 })
    expect(broken.message).toMatch(/gzip/)
    expect((await state()).calls).toEqual([])
  })
})

it('Moscow local time of the generated log is what the realtime export assumes', () => {
  expect(localToInstant('Europe/Moscow', 2025, 3, 14, 9, 0, 0).getTime()).toBe(T0 * 1000)
})
