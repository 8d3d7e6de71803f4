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
import type pg from 'pg'
import type { CellProblem } from './values.ts'
import type { RowItem } from './pipeline.server.ts'
import { type AssembledCall, type QueueEvent, type QueueLogItem, assembleCall } from './queue-log.ts'
import { type StageValue, copyStageBatch } from './stage.server.ts'

const STAGE = 'qlog_stage'
const STAGE_COLUMNS = ['src_line', 'uniqueid', 'at', 'queue', 'agent', 'event', 'data'] as const
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
  // one calls import per organisation at a time (the merge takes the same lock again)
  await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`sq-import:${orgId}:calls`])
  await client.query(
    `create temp table ${STAGE} (src_line integer not null, uniqueid text not null, at double precision not null,
       queue text not null, agent text not null, event text not null, data text not null) on commit drop`,
  )
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
  await client.query(`create index on ${STAGE} (uniqueid)`)
  await client.query(`analyze ${STAGE}`)

  const inserted = await client.query(
    `insert into queue_log_event (org_id, uniqueid, at, queue, agent, event, data, import_batch_id)
     select distinct $1::bigint, uniqueid, to_timestamp(at), queue, agent, event, data, $2::bigint from ${STAGE}
     on conflict do nothing`,
    [orgId, batchId],
  )
  const distinctEvents = Number(
    (await client.query<{ n: string }>(`select count(*) as n from (select distinct uniqueid, at, queue, agent, event, data from ${STAGE}) d`)).rows[0]!.n,
  )
  counts.known = distinctEvents - (inserted.rowCount ?? 0)

  // the newest event seen in each queue decides when a call without an ending is closed
  const newestByQueue = new Map<string, number>(
    (
      await client.query<{ queue: string; newest: string }>(
        // a skip scan of the (org_id, queue, at) index: a few probes per queue, not a pass over every event
        `with recursive q (queue) as (
           (select queue from queue_log_event where org_id = $1 order by queue limit 1)
           union all
           select (select e.queue from queue_log_event e where e.org_id = $1 and e.queue > q.queue order by e.queue limit 1) from q where q.queue is not null
         )
         select q.queue, (extract(epoch from (select max(e.at) from queue_log_event e where e.org_id = $1 and e.queue = q.queue)) * 1000)::float8 as newest
         from q where q.queue is not null`,
        [orgId],
      )
    ).rows.map((r) => [r.queue, Number(r.newest)]),
  )
  const firstLine = new Map<string, number>(
    (
      await client.query<{ uniqueid: string; line: number }>(`select uniqueid, min(src_line) as line from ${STAGE} group by uniqueid order by uniqueid`)
    ).rows.map((r) => [r.uniqueid, r.line]),
  )
  const earlierPending = (await client.query<{ call_id: string }>('select call_id from queue_log_pending where org_id = $1 order by call_id', [orgId])).rows
    .map((r) => r.call_id)
    .filter((id) => !firstLine.has(id))
  const ids = [...firstLine.keys(), ...earlierPending]
  const pendingNow: AssembledCall[] = []
  const rejectedIds: string[] = []

  const items = (async function* (): AsyncGenerator<RowItem> {
    yield* rejectedLines
    for (let from = 0; from < ids.length; from += CHUNK) {
      const chunk = ids.slice(from, from + CHUNK)
      const events = await client.query<{ uniqueid: string; at: number; queue: string; agent: string; event: string; data: string }>(
        `select uniqueid, (extract(epoch from at) * 1000)::float8 as at, queue, agent, event, data from queue_log_event
         where org_id = $1 and uniqueid = any($2::text[])`,
        [orgId, chunk],
      )
      const byCall = new Map<string, QueueEvent[]>()
      for (const r of events.rows) {
        const list = byCall.get(r.uniqueid) ?? []
        list.push({ ...r, at: Math.round(Number(r.at)) })
        byCall.set(r.uniqueid, list)
      }
      // where an event of this file was read, to name the line of a contradiction (asked only when there is one)
      const lineOf = async (id: string, event: QueueEvent): Promise<number | undefined> => {
        const staged = await client.query<{ src_line: number; at: number; queue: string; agent: string; event: string; data: string }>(
          `select src_line, (at * 1000)::float8 as at, queue, agent, event, data from ${STAGE} where uniqueid = $1 order by src_line`,
          [id],
        )
        return staged.rows.find((r) => eventKey({ ...r, uniqueid: id, at: Math.round(Number(r.at)) }) === eventKey(event))?.src_line
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
        await client.query('delete from queue_log_event where org_id = $1 and import_batch_id = $2 and uniqueid = any($3::text[])', [
          orgId,
          batchId,
          rejectedIds,
        ])
      }
      const pendingIds = pendingNow.map((c) => c.call_id)
      // a rejected call stays as it was before this file (pending or not)
      await client.query('delete from queue_log_pending where org_id = $1 and call_id = any($2::text[]) and not (call_id = any($3::text[]))', [
        orgId,
        ids,
        [...pendingIds, ...rejectedIds],
      ])
      // a call stored as ended (its file stopped between two queues) that a later file continues waits again
      await client.query(
        `delete from call c where c.org_id = $1 and c.call_id = any($2::text[]) and c.direction = 'in'
           and (c.legs is not null or exists (select 1 from import_batch b where b.id = c.import_batch_id and b.format in ('queue_log', 'queue_log_table')))`,
        [orgId, pendingIds],
      )
      for (let i = 0; i < pendingNow.length; i += 1000) {
        const slice = pendingNow.slice(i, i + 1000)
        // a pending call that did not change keeps its row (and the import that left it pending)
        await client.query(
          `insert into queue_log_pending (org_id, call_id, line, started_at, answered_at, agent, caller_phone, import_batch_id)
           select $1, u.call_id, u.line, u.started_at, u.answered_at, u.agent, u.caller_phone, $2
           from unnest($3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[], $8::text[])
             as u (call_id, line, started_at, answered_at, agent, caller_phone)
           on conflict (org_id, call_id) do update set line = excluded.line, started_at = excluded.started_at, answered_at = excluded.answered_at,
             agent = excluded.agent, caller_phone = excluded.caller_phone, import_batch_id = excluded.import_batch_id
           where (queue_log_pending.line, queue_log_pending.started_at, queue_log_pending.answered_at, queue_log_pending.agent, queue_log_pending.caller_phone)
             is distinct from (excluded.line, excluded.started_at, excluded.answered_at, excluded.agent, excluded.caller_phone)`,
          [
            orgId,
            batchId,
            slice.map((c) => c.call_id),
            slice.map((c) => c.pending!.line),
            slice.map((c) => c.pending!.started_at),
            slice.map((c) => c.pending!.answered_at),
            slice.map((c) => c.pending!.agent),
            slice.map((c) => c.pending!.caller_phone),
          ],
        )
      }
    },
  }
}
