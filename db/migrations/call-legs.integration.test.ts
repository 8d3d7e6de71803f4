/**
 * Migration 0009's stored data: calls and pending calls of queue_log imports made before events were kept get
 * their events back, so the next file continues them and re-reading an old file refuses nothing.
 */
import { sql } from 'kysely'
import { tmpFile } from '#test/setup/files.ts'
import { type TestWorld, resetWorld, useTestDatabase } from '#test/setup/database.ts'
import { runFileImport } from '#app/imports/pipeline.server.ts'
import { restoreQueueLogEvents } from './2026_12_01_0009_call_legs.ts'

const t = useTestDatabase()
let world: TestWorld

beforeEach(async () => {
  world = await resetWorld(t.database)
})

const T = 1741932000
const at = (s: number) => new Date((T + s) * 1000)

it('calls and pending calls of earlier queue_log imports are continued by the next file', async () => {
  const db = t.database.db
  // as the first importer left them: a finished call without legs and a call waiting for its ending
  const batch = (
    await db
      .insertInto('import_batch')
      .values({
        org_id: world.org.id,
        kind: 'calls',
        file_name: 'queue_log.old',
        source: 'cli',
        format: 'queue_log',
        status: 'done',
        encoding: 'utf-8',
        delimiter: null,
        message: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  await db
    .insertInto('call')
    .values({
      org_id: world.org.id,
      call_id: 'Q1',
      direction: 'in',
      line: 'hotline',
      started_at: at(0),
      answered_at: at(10),
      ended_at: at(100),
      agent: 'SIP/1',
      caller_phone: '79160000001',
      import_batch_id: batch,
    })
    .execute()
  await db
    .insertInto('queue_log_pending')
    .values({
      org_id: world.org.id,
      call_id: 'P1',
      line: 'hotline',
      started_at: at(200),
      answered_at: at(205),
      agent: 'SIP/2',
      caller_phone: '79160000002',
      import_batch_id: batch,
    })
    .execute()
  await sql`delete from queue_log_event`.execute(db)

  await restoreQueueLogEvents(db)
  expect(
    (await db.selectFrom('queue_log_event').select(['uniqueid', 'event']).orderBy('uniqueid').orderBy('at').execute()).map((e) => `${e.uniqueid}:${e.event}`),
  ).toEqual(['P1:ENTERQUEUE', 'P1:CONNECT', 'Q1:ENTERQUEUE', 'Q1:CONNECT', 'Q1:COMPLETECALLER'])

  // the old file once more (its real ending event differs from the restored one) and the ending of P1
  const file = tmpFile(
    'queue_log',
    [
      `${T}|Q1|hotline|NONE|ENTERQUEUE||79160000001|1`,
      `${T + 10}|Q1|hotline|SIP/1|CONNECT|10|Q1b|1`,
      `${T + 100}|Q1|hotline|SIP/1|COMPLETEAGENT|10|90|1`,
      `${T + 300}|P1|hotline|SIP/2|COMPLETEAGENT|5|95|1`,
    ].join('\n'),
  )
  const report = await runFileImport(world.target, { kind: 'calls', path: file, fileName: 'queue_log', skipInvalid: false, source: 'cli' })
  expect(report).toMatchObject({ status: 'done', rejected: 0, inserted: 1, updated: 1, pending: 0 })
  const calls = await db
    .selectFrom('call')
    .select(['call_id', 'started_at', 'answered_at', 'ended_at', 'agent', 'caller_phone', 'legs'])
    .orderBy('call_id')
    .execute()
  expect(calls).toEqual([
    {
      call_id: 'P1',
      started_at: at(200),
      answered_at: at(205),
      ended_at: at(300),
      agent: 'SIP/2',
      caller_phone: '79160000002',
      legs: [{ line: 'hotline', entered: T + 200, answered: T + 205, ended: T + 300, agent: 'SIP/2', outcome: 'answered', end: 'COMPLETEAGENT', missed: {} }],
    },
    expect.objectContaining({
      call_id: 'Q1',
      started_at: at(0),
      answered_at: at(10),
      ended_at: at(100),
      agent: 'SIP/1',
      legs: [expect.objectContaining({ outcome: 'answered' })],
    }),
  ])
  expect(await db.selectFrom('queue_log_pending').selectAll().execute()).toEqual([])
})
