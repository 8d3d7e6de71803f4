/**
 * The database half of a `queue_log` import (ADR 016), inside the import's transaction:
 * 1. the file's call events go into a temporary stage (`COPY`), then into `queue_log_event` once
 *    (overlapping files add nothing);
 * 2. every call the file touches, and every call still pending from earlier files, is assembled again from
 *    all of its stored events (`assembleCall`) and handed to the calls merge as a row;
 * 3. afterwards the pending calls are written down, and the events of calls rejected with «пропускать
 *    ошибочные строки» are taken back out.
 * Counted in calls: read = calls of the file (stored, pending) + calls from earlier files closed now +
 * rejected lines; the report says how many were closed as «нет окончания в журнале».
 */
import { type Kysely, sql } from 'kysely'
import type pg from 'pg'
import { type ColumnOf, columnsOf } from '#db/columns.ts'
import { kyselyOn } from '#db/connection.server.ts'
import { lockOf, lockTransaction } from '#db/locks.server.ts'
import type { DB } from '#db/schema.ts'
import type { CellProblem } from './values.ts'
import type { RowItem } from './pipeline.server.ts'
import { type AssembledCall, type QueueEvent, type QueueLogItem, assembleCall } from './queue-log.ts'
import { type StageValue, copyStageBatch } from './stage.server.ts'

const STAGE = 'qlog_stage'
/** The file's call events, staged for this import's transaction (`at`: epoch seconds). */
interface QlogStageTable {
  src_line: number
  uniqueid: string
  at: number
  queue: string
  agent: string
  event: string
  data: string
}
const STAGE_COLUMNS = ['src_line', 'uniqueid', 'at', 'queue', 'agent', 'event', 'data'] as const satisfies readonly (keyof QlogStageTable)[]
type StagedDb = Kysely<DB & { [STAGE]: QlogStageTable }>
/** What a pending call's row holds; a row whose values did not change is left alone (with the import that wrote it). */
const PENDING_KEPT = ['line', 'started_at', 'answered_at', 'agent', 'caller_phone'] as const satisfies readonly ColumnOf<'queue_log_pending'>[]
const textArray = (values: readonly string[]) => sql<string[]>`${values}::text[]`
/** calls assembled per round trip */
const CHUNK = 2000

export interface QueueLogCounts {
  /** non-blank lines read */
  lines: number
  /** lines that are not call events (queue and agent events, uniqueid NONE …) */
  ignored: number
  /** call events of the file (duplicates within the file or of earlier files included) */
  events: number
  /** of the file's call events, those already stored by an earlier import */
  known: number
  /** calls of this file still waiting for an ending */
  pending: number
  /** calls closed as «нет окончания в журнале» (stored as calls, counted apart) */
  noEnding: number
  /** calls of earlier files completed or closed by this one (in `read`) */
  earlier: number
}

export interface QueueLogImport {
  counts: QueueLogCounts
  /** the rows for the calls merge: rejected lines first, then the assembled calls */
  items: AsyncIterable<RowItem>
  /** after the merge, when the import is kept: pending calls, rejected calls' events */
  finish(): Promise<void>
}

const eventKey = (e: QueueEvent) => `${e.at}\u0000${e.event}\u0000${e.queue}\u0000${e.agent}\u0000${e.data}`

/**
 * Reads the file's events into the stage and the event store, and prepares the assembly. `lines` are the
 * file's parsed lines (pipe log or realtime CSV).
 */
export async function stageQueueLog(
  client: pg.PoolClient,
  orgId: string,
  batchId: string,
  lines: AsyncIterable<QueueLogItem | null>,
  /** progress while the file is read (every 2 000 lines) */
  onLines?: (lines: number) => void,
): Promise<QueueLogImport> {
  const copy = copyStageBatch
  const db: StagedDb = kyselyOn(client).withTables<{ [STAGE]: QlogStageTable }>()
  // one calls import per organisation at a time (the merge takes the same lock again)
  await lockTransaction(db, lockOf.import(orgId, 'calls'))
  await db.schema
    .createTable(STAGE)
    .temporary()
    .addColumn('src_line', 'integer', (c) => c.notNull())
    .addColumn('uniqueid', 'text', (c) => c.notNull())
    .addColumn('at', 'double precision', (c) => c.notNull())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('agent', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .onCommit('drop')
    .execute()
  const counts: QueueLogCounts = { lines: 0, ignored: 0, events: 0, known: 0, pending: 0, noEnding: 0, earlier: 0 }
  const rejectedLines: RowItem[] = []
  let batch: StageValue[][] = []
  for await (const item of lines) {
    if (!item) continue
    counts.lines++
    if (onLines && counts.lines % 2000 === 0) onLines(counts.lines)
    if (item.kind === 'ignored') counts.ignored++
    else if (item.kind === 'rejected') rejectedLines.push({ line: item.line, problems: item.problems })
    else {
      const e = item.event
      batch.push([item.line, e.uniqueid, e.at / 1000, e.queue, e.agent, e.event, e.data])
      counts.events++
      if (batch.length >= 50_000) {
        await copy(client, STAGE, STAGE_COLUMNS, batch)
        batch = []
      }
    }
  }
  if (batch.length) await copy(client, STAGE, STAGE_COLUMNS, batch)
  await sql`create index on ${sql.table(STAGE)} (${sql.ref('uniqueid' satisfies keyof QlogStageTable)})`.execute(db)
  await sql`analyze ${sql.table(STAGE)}`.execute(db)

  const inserted = await db
    .insertInto('queue_log_event')
    .columns(['org_id', 'uniqueid', 'at', 'queue', 'agent', 'event', 'data', 'import_batch_id'])
    .expression(
      db
        .selectFrom(STAGE)
        .distinct()
        .select((eb) => [
          sql<string>`${orgId}::bigint`.as('org_id'),
          'uniqueid',
          sql<Date>`to_timestamp(${eb.ref('at')})`.as('at'),
          'queue',
          'agent',
          'event',
          'data',
          sql<string>`${batchId}::bigint`.as('import_batch_id'),
        ]),
    )
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirstOrThrow()
  const distinct = await db
    .selectFrom(db.selectFrom(STAGE).distinct().select(['uniqueid', 'at', 'queue', 'agent', 'event', 'data']).as('d'))
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  counts.known = Number(distinct.n) - Number(inserted.numInsertedOrUpdatedRows ?? 0)

  // the newest event seen in each queue decides when a call without an ending is closed
  const ev = columnsOf('queue_log_event')
  const e = columnsOf('queue_log_event', 'e')
  const newestByQueue = new Map<string, number>(
    // a skip scan of the (org_id, queue, at) index: a few probes per queue, not a pass over every event
    (
      await sql<{ queue: string; newest: string }>`with recursive q (queue) as (
           (select ${ev('queue')} from queue_log_event where ${ev('org_id')} = ${orgId} order by ${ev('queue')} limit 1)
           union all
           select (select ${e('queue')} from queue_log_event e where ${e('org_id')} = ${orgId} and ${e('queue')} > q.queue order by ${e('queue')} limit 1)
           from q where q.queue is not null
         )
         select q.queue, (extract(epoch from (select max(${e('at')}) from queue_log_event e where ${e('org_id')} = ${orgId} and ${e('queue')} = q.queue)) * 1000)::float8 as newest
         from q where q.queue is not null`.execute(db)
    ).rows.map((r) => [r.queue, Number(r.newest)]),
  )
  const firstLine = new Map<string, number>(
    (
      await db
        .selectFrom(STAGE)
        .select((eb) => ['uniqueid', eb.fn.min('src_line').as('line')])
        .groupBy('uniqueid')
        .orderBy('uniqueid')
        .execute()
    ).map((r) => [r.uniqueid, r.line]),
  )
  const earlierPending = (await db.selectFrom('queue_log_pending').select('call_id').where('org_id', '=', orgId).orderBy('call_id').execute())
    .map((r) => r.call_id)
    .filter((id) => !firstLine.has(id))
  const ids = [...firstLine.keys(), ...earlierPending]
  const pendingNow: AssembledCall[] = []
  const rejectedIds: string[] = []

  const items = (async function* (): AsyncGenerator<RowItem> {
    yield* rejectedLines
    for (let from = 0; from < ids.length; from += CHUNK) {
      const chunk = ids.slice(from, from + CHUNK)
      const events = await db
        .selectFrom('queue_log_event')
        .select((eb) => ['uniqueid', sql<number>`(extract(epoch from ${eb.ref('at')}) * 1000)::float8`.as('at'), 'queue', 'agent', 'event', 'data'])
        .where('org_id', '=', orgId)
        .where('uniqueid', '=', (eb) => eb.fn.any(textArray(chunk)))
        .execute()
      const byCall = new Map<string, QueueEvent[]>()
      for (const r of events) {
        const list = byCall.get(r.uniqueid) ?? []
        list.push({ ...r, at: Math.round(Number(r.at)) })
        byCall.set(r.uniqueid, list)
      }
      // where an event of this file was read, to name the line of a contradiction (asked only when there is one)
      const lineOf = async (id: string, event: QueueEvent): Promise<number | undefined> => {
        const staged = await db
          .selectFrom(STAGE)
          .select((eb) => ['src_line', sql<number>`(${eb.ref('at')} * 1000)::float8`.as('at'), 'queue', 'agent', 'event', 'data'])
          .where('uniqueid', '=', id)
          .orderBy('src_line')
          .execute()
        return staged.find((r) => eventKey({ ...r, uniqueid: id, at: Math.round(Number(r.at)) }) === eventKey(event))?.src_line
      }
      for (const id of chunk) {
        const call = assembleCall(id, byCall.get(id) ?? [], newestByQueue)
        const inFile = firstLine.get(id)
        if (call.state === 'pending') {
          pendingNow.push(call)
          if (inFile !== undefined) counts.pending++
          continue
        }
        if (call.state === 'rejected') {
          rejectedIds.push(id)
          const first = call.problems[0]!
          const line = (inFile !== undefined ? await lineOf(id, first.event) : undefined) ?? inFile ?? 0
          const problems: CellProblem[] = call.problems.map((p) => ({
            column: 'queue_log',
            value: `${Math.round(p.event.at / 1000)}|${id}|${p.event.queue}|${p.event.agent}|${p.event.event}`,
            reason: p.reason,
          }))
          yield { line, problems }
          continue
        }
        if (call.state === 'no_ending') counts.noEnding++
        if (inFile === undefined) counts.earlier++
        yield { line: inFile ?? 0, row: call.row! }
      }
    }
  })()

  return {
    counts,
    items,
    async finish() {
      if (rejectedIds.length) {
        // nothing half-written: a rejected call keeps none of this file's events
        await db
          .deleteFrom('queue_log_event')
          .where('org_id', '=', orgId)
          .where('import_batch_id', '=', batchId)
          .where('uniqueid', '=', (eb) => eb.fn.any(textArray(rejectedIds)))
          .execute()
      }
      const pendingIds = pendingNow.map((c) => c.call_id)
      // a rejected call stays as it was before this file (pending or not)
      await db
        .deleteFrom('queue_log_pending')
        .where('org_id', '=', orgId)
        .where('call_id', '=', (eb) => eb.fn.any(textArray(ids)))
        .where((eb) => eb.not(eb('call_id', '=', eb.fn.any(textArray([...pendingIds, ...rejectedIds])))))
        .execute()
      // a call stored as ended (its file stopped between two queues) that a later file continues waits again
      await db
        .deleteFrom('call as c')
        .where('c.org_id', '=', orgId)
        .where('c.call_id', '=', (eb) => eb.fn.any(textArray(pendingIds)))
        .where('c.direction', '=', 'in')
        .where((eb) =>
          eb.or([
            eb('c.legs', 'is not', null),
            eb.exists(
              eb
                .selectFrom('import_batch as b')
                .select(sql.lit(1).as('one'))
                .whereRef('b.id', '=', 'c.import_batch_id')
                .where('b.format', 'in', ['queue_log', 'queue_log_table']),
            ),
          ]),
        )
        .execute()
      const current = columnsOf('queue_log_pending', 'queue_log_pending')
      const excluded = columnsOf('queue_log_pending', 'excluded')
      for (let i = 0; i < pendingNow.length; i += 1000) {
        const slice = pendingNow.slice(i, i + 1000)
        // a pending call that did not change keeps its row (and the import that left it pending)
        await db
          .insertInto('queue_log_pending')
          .columns(['org_id', 'call_id', 'line', 'started_at', 'answered_at', 'agent', 'caller_phone', 'import_batch_id'])
          .expression(
            sql`select ${orgId}, u.call_id, u.line, u.started_at, u.answered_at, u.agent, u.caller_phone, ${batchId}
              from unnest(${slice.map((c) => c.call_id)}::text[], ${slice.map((c) => c.pending!.line)}::text[],
                ${slice.map((c) => c.pending!.started_at)}::timestamptz[], ${slice.map((c) => c.pending!.answered_at)}::timestamptz[],
                ${slice.map((c) => c.pending!.agent)}::text[], ${slice.map((c) => c.pending!.caller_phone)}::text[])
              as u (call_id, line, started_at, answered_at, agent, caller_phone)`,
          )
          .onConflict((oc) =>
            oc
              .columns(['org_id', 'call_id'])
              .doUpdateSet(Object.fromEntries([...PENDING_KEPT, 'import_batch_id' as const].map((c) => [c, excluded(c)])))
              .where(sql<boolean>`(${sql.join(PENDING_KEPT.map(current))}) is distinct from (${sql.join(PENDING_KEPT.map(excluded))})`),
          )
          .execute()
      }
    },
  }
}
