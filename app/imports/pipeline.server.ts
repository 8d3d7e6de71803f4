/**
 * The import pipeline (docs/decisions/005-import-pipeline.md): sniff → stream → validate → stage →
 * merge by natural key → report. One transaction on the import's own connection: by default any bad
 * row rolls everything back; with `skipInvalid` the valid rows are stored. Always
 * `read = stored + rejected`.
 */
import fs from 'node:fs'
import { type ControlledTransaction, type RawBuilder, sql } from 'kysely'
import type pg from 'pg'
import type { Database } from '#db/client.server.ts'
import { columnsOf } from '#db/columns.ts'
import { kyselyOn } from '#db/connection.server.ts'
import { lockOf, lockSession, lockTransaction, unlockSession } from '#db/locks.server.ts'
import type { DB } from '#db/schema.ts'
import { importKind, labelOf } from '#reports/vocabulary.ts'
import { recordAudit } from '#app/models/audit.server.ts'
import { recomputeAppealDueDates } from '#reports/deadlines/rules.server.ts'
import { refreshRollups } from '#reports/metrics/rollups.server.ts'
import { ImportFileError } from './errors.ts'
import { type ImportKind, type KindSpec, canonicalColumn, columnTitle, kindSpecs, normaliseHeader } from './kinds.ts'
import { type ImportProgress, progressReporter } from './progress.server.ts'
import { parseQueueLogLine, realtimeEvent, realtimeHeader } from './queue-log.ts'
import { type QueueLogImport, stageQueueLog } from './queue-log-import.server.ts'
import { type TableReader, decodedChunks, openCsv } from './read-csv.server.ts'
import { openXlsx } from './read-xlsx.server.ts'
import { openJson } from './read-json.server.ts'
import { type BranchScope, scopedRows } from './branch-scope.server.ts'
import { type FileFormat, type Sniffed, sniffFile, sniffTable } from './sniff.server.ts'
import { type AdapterInfo, adapterByName, formatNames } from './adapters.ts'
import { CdrAssembler, cdrTableHeader, looksLikeMasterCsv, masterCsvPositions } from './cdr.ts'
import { type CompiledMapping, compileMapping, mapRow } from './mapping.ts'
import { findMapping, listMappings, mappingsForHeader } from './mappings.server.ts'
import { type StageValue, copyStageBatch } from './stage.server.ts'
import { type BranchMove, type BranchReport, branchResolver, emptyBranchReport, unknownBranchReason } from './branches.server.ts'
import { type Cell, type CellProblem, type ParsedRow, validateRow } from './values.ts'

/** What an import can be read as: what the sniffer tells, and JSON (the API's body, ADR 017). */
export type ImportFormat = FileFormat | 'json'

/** Formats a caller may force (`?format=` of the API): the pipeline's (adapters.ts) and the JSON body. */
export const forceableFormats = (): string[] => [...formatNames(), 'json']

/** Where an import came from: the upload page, the command line, the demo, the API (a token), a watched folder. */
export type ImportSource = 'web' | 'cli' | 'demo' | 'api' | 'folder'

export interface ImportTarget {
  database: Database
  orgId: string
  zone: string
}

export interface Rejection {
  line: number | null
  column: string | null
  value: string | null
  reason: string
}

export interface ImportReport {
  batchId: string
  kind: ImportKind
  fileName: string
  format: ImportFormat | 'generated' | null
  /** the adapter (asterisk_cdr, 3cx…) that read the file, or null (canonical layout, queue_log) */
  adapter: string | null
  /** the saved column mapping that read the file, or null */
  mapping: string | null
  encoding: string | null
  delimiter: string | null
  status: 'done' | 'rejected' | 'failed'
  skipInvalid: boolean
  read: number
  inserted: number
  updated: number
  unchanged: number
  /** queue_log calls without an ending yet, stored to be completed by a later file */
  pending: number
  /** queue_log calls closed as «нет окончания в журнале» (among the stored calls; counted apart in the figures) */
  noEnding: number
  /** queue_log: calls of earlier files that this one completed or closed (they are in `read`) */
  earlier: number
  /** queue_log: lines read, and of them lines that are not call events (queue and operator events) */
  logLines: number
  ignoredLines: number
  /** queue_log: call events read, and of them those already stored by an earlier import (overlapping files) */
  logEvents: number
  knownEvents: number
  /** rows not stored: the invalid ones, or every row read when the file was refused as a whole */
  rejected: number
  /** rows with at least one error (each itemised in `rejections`) */
  invalid: number
  /** stored = inserted + updated + unchanged + pending */
  stored: number
  rejections: Rejection[]
  /** rejections beyond `rejections.length` were counted, not itemised */
  rejectionsTotal: number
  unknownColumns: string[]
  warnings: string[]
  message: string | null
  durationMs: number
  /** branches the rows named and the organisation lacks, those created, offices moved between branches */
  branches: BranchReport
}

export type RowItem = { line: number; row: ParsedRow; problems?: undefined } | { line: number; row?: undefined; problems: CellProblem[] }

/** Itemised rejections kept per import; beyond this they are counted, and the report says so. */
export const MAX_REJECTIONS_ITEMISED = 100_000

export interface NewBatch {
  kind: ImportKind
  fileName: string
  fileSize?: number | null
  source: ImportSource
  skipInvalid: boolean
  userId?: string | null
  tokenId?: string | null
}

export interface BatchLiveness {
  batchId: string
  release(): Promise<void>
}

/**
 * Registers a running batch and takes its lock (ADR 013: held by the session of the process that runs the
 * import, db/locks.server.ts) in one transaction: no one sees it running without an owner.
 */
export async function holdNewBatch(database: Database, orgId: string, batch: NewBatch): Promise<BatchLiveness> {
  const client = await database.pool.connect()
  const held = kyselyOn(client)
  let trx: ControlledTransaction<DB> | undefined
  try {
    trx = await held.startTransaction().execute()
    const row = await trx
      .insertInto('import_batch')
      .values({
        org_id: orgId,
        kind: batch.kind,
        file_name: batch.fileName,
        file_size: batch.fileSize ?? null,
        source: batch.source,
        skip_invalid: batch.skipInvalid,
        user_id: batch.userId ?? null,
        token_id: batch.tokenId ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const batchId = String(row.id)
    await lockSession(held, lockOf.batch(batchId)) // in the transaction (one connection), kept after it
    await trx.commit().execute()
    return livenessOf(client, batchId)
  } catch (error) {
    await trx
      ?.rollback()
      .execute()
      .catch(() => {})
    client.release()
    throw error
  }
}

/** The session `client` holds the lock of `batchId`; release() lets it go and returns the connection. */
export function livenessOf(client: pg.PoolClient, batchId: string): BatchLiveness {
  let released = false
  return {
    batchId,
    async release() {
      if (released) return
      released = true
      try {
        await unlockSession(kyselyOn(client), lockOf.batch(batchId))
        client.release()
      } catch (error) {
        client.release(error as Error) // a broken connection is not returned to the pool
      }
    },
  }
}

const textOf = (value: unknown): string | null => (typeof value === 'string' ? value : null)
/** Office moves between branches itemised in a report; more are rare (a reorganisation) and counted only as updates. */
const MAX_MOVES_LISTED = 200
const STAGE = 'import_stage'

/** The branch a row names, resolved while reading (app/imports/branches.server.ts): staged as an id. */
const BRANCH_ID = 'branch_id'

function stageColumns(spec: KindSpec): string[] {
  return ['src_line', 'batch_no', ...spec.columns.map((c) => c.name), ...(spec.derived ?? []).map((c) => c.name), ...(spec.branchColumn ? [BRANCH_ID] : [])]
}

/**
 * Kinds whose new rows are copied straight into their table (`COPY`, as fast as a raw `COPY` of the file):
 * only the keys go through the stage, to tell new rows from repeated and known ones, and only the known ones
 * are staged whole and merged. A kind qualifies when every value of a new row is known while reading:
 * calls (their branch is their phone line's, read once per import).
 */
const copiesNewRows = (spec: KindSpec) => spec.lineBranch === true && !spec.branchColumn && !spec.officeBranch
/** The whole rows of a direct-copy kind whose key is known (or repeated): merged as before. */
const KNOWN_STAGE = 'import_stage_known'
/** SQLSTATE of a unique key refusing a row. */
const UNIQUE_VIOLATION = '23505'

/** The staging table of a kind: the file's columns, the derived ones, the resolved branch (temporary, dropped at commit). */
function stageTable(db: ControlledTransaction<DB>, spec: KindSpec, table = STAGE, instants: 'epoch' | 'iso' = 'epoch') {
  // instants travel as epoch seconds: cheaper to write than ISO text, turned back by to_timestamp() in the merge
  // (rows of a direct-copy kind carry ISO text, as the table's COPY needs it)
  const type = (t: string) => (t === 'timestamp' ? (instants === 'iso' ? 'timestamptz' : 'double precision') : t === 'bool' ? 'boolean' : 'text')
  let create = db.schema
    .createTable(table)
    .temporary()
    .addColumn('src_line', 'integer', (c) => c.notNull())
    .addColumn('batch_no', 'integer', (c) => c.notNull())
  for (const c of spec.columns) create = create.addColumn(c.name, type(c.field.type))
  for (const c of spec.derived ?? []) create = create.addColumn(c.name, c.type === 'jsonb' ? 'text' : 'boolean')
  if (spec.branchColumn) create = create.addColumn(BRANCH_ID, 'bigint')
  return create.onCommit('drop')
}

/**
 * The merge of one staged batch (`batch_no` = `at.batchNo`): new keys insert, changed rows update,
 * identical rows are left alone. A row whose key appeared on an earlier line is skipped here: it is
 * reported as a duplicate, and the earlier line is the one kept. Answers one row: how many rows it
 * inserted and how many it wrote in all (a new row's version has `xmax = 0`, an updated one's the locking
 * transaction), so that no count of the whole table is needed.
 */
export function mergeSql(
  spec: KindSpec,
  at: { orgId: string; batchId: string; batchNo: number },
  source = STAGE,
  instants: 'epoch' | 'iso' = 'epoch',
): RawBuilder<{ inserted: number; written: number }> {
  const kept = spec.columns.filter((c) => c.name !== spec.branchColumn && c.name !== spec.branchCodeColumn)
  const columns = kept.map((c) => c.dbColumn ?? c.name)
  // the staged row `s` and an earlier line `e` of the stage: columns named by the kind's spec (kinds.ts)
  const s = (name: string) => sql.id('s', name)
  const e = (name: string) => sql.id('e', name)
  const sourceOf = (c: (typeof kept)[number]) =>
    c.field.type === 'timestamp' && instants === 'epoch'
      ? sql`to_timestamp(${s(c.name)}) as ${sql.id(c.dbColumn ?? c.name)}`
      : c.dbColumn
        ? sql`${s(c.name)} as ${sql.id(c.dbColumn)}`
        : s(c.name)
  const withBranch = Boolean(spec.branchColumn || spec.officeBranch || spec.lineBranch)
  const derived = spec.derived ?? []
  const target = [...columns, ...derived.map((c) => c.name), ...(withBranch ? ['branch_id'] : [])]
  const derivedSources = derived.map((c) => (c.type === 'jsonb' ? sql`${s(c.name)}::jsonb as ${sql.id(c.name)}` : s(c.name)))
  const o = columnsOf('office', 'o')
  const pl = columnsOf('phone_line', 'pl')
  const joins: RawBuilder<unknown>[] = []
  if (spec.officeBranch) joins.push(sql`left join office o on ${o('org_id')} = ${at.orgId} and ${o('office_code')} = ${s('office_code')}`)
  if (spec.lineBranch) joins.push(sql`left join phone_line pl on ${pl('org_id')} = ${at.orgId} and ${pl('line')} = ${s('line')}`)
  const staged = s(BRANCH_ID)
  const branchExpr = spec.lineBranch
    ? pl('branch_id')
    : spec.branchColumn && spec.officeBranch
      ? sql`coalesce(${staged}, ${o('branch_id')})`
      : spec.branchColumn
        ? staged
        : o('branch_id')
  const targets = sql.join(target.map((c) => sql.id(c)))
  return sql<{ inserted: number; written: number }>`
    with merged as (
      insert into ${sql.table(spec.table)} (org_id, import_batch_id, ${targets})
      select ${at.orgId}, ${at.batchId}, ${targets} from (
        select ${sql.join([...kept.map(sourceOf), ...derivedSources])}${withBranch ? sql`, ${branchExpr} as branch_id` : sql``}
        from ${sql.table(source)} s ${sql.join(joins, sql` `)}
        where ${s('batch_no')} = ${at.batchNo}
          and not exists (select 1 from ${sql.table(STAGE)} e where ${e(spec.key)} = ${s(spec.key)} and ${e('src_line')} < ${s('src_line')})
      ) src
      on conflict (org_id, ${sql.id(spec.key)}) do update set
        ${sql.join(target.map((c) => sql`${sql.id(c)} = ${sql.id('excluded', c)}`))},
        import_batch_id = excluded.import_batch_id, updated_at = now()
      where (${sql.join(target.map((c) => sql.id(spec.table, c)))})
        is distinct from (${sql.join(target.map((c) => sql.id('excluded', c)))})
      returning xmax = 0 as inserted
    )
    select count(*) filter (where inserted)::int as inserted, count(*)::int as written from merged`
}

interface LoadResult {
  read: number
  rejectedRows: number
  rejections: Rejection[]
  rejectionsTotal: number
  inserted: number
  updated: number
  unchanged: number
  warnings: string[]
  branches: BranchReport
}

interface LoadOptions {
  target: ImportTarget
  /** the import's connection (COPY) and its open transaction on it (every other statement) */
  client: pg.PoolClient
  trx: ControlledTransaction<DB>
  spec: KindSpec
  batchId: string
  items: AsyncIterable<RowItem>
  /** false: merge nothing once a row is invalid (the caller will roll back) */
  skipInvalid: boolean
  /** create the branches the rows name and the organisation does not have (else such rows are refused) */
  createBranches?: boolean
  batchRows?: number
  onRow?: (read: number, rejected: number) => void
}

/** Rows staged and merged per round trip: big enough to amortise, small enough to keep memory flat. */
export const STAGE_BATCH_ROWS = 50_000

/**
 * Streams rows into the staging table inside the open transaction on `client` and merges them batch
 * by batch, so that the database merges one batch while the next is being read and validated. Finds
 * duplicate keys and returns the counts; the caller commits or rolls back.
 */
async function loadRows(options: LoadOptions): Promise<LoadResult> {
  const { target, client, trx, spec, batchId, items, onRow, skipInvalid, createBranches = false, batchRows = STAGE_BATCH_ROWS } = options
  const { orgId } = target
  // one import of a kind per organisation at a time: the counts below stay exact
  await lockTransaction(trx, lockOf.import(orgId, spec.kind))
  const direct = copiesNewRows(spec)
  const key = sql.id(spec.key)
  const stage = sql.table(STAGE)
  const columns = stageColumns(spec)
  const keyAt = columns.indexOf(spec.key)
  if (direct) {
    // the stage holds every line's key (repeats, the report's duplicates); known rows go whole to their own stage
    await trx.schema
      .createTable(STAGE)
      .temporary()
      .addColumn('src_line', 'integer', (c) => c.notNull())
      .addColumn('batch_no', 'integer', (c) => c.notNull())
      .addColumn(spec.key, 'text')
      .onCommit('drop')
      .execute()
    await stageTable(trx, spec, KNOWN_STAGE, 'iso').execute()
  } else {
    await stageTable(trx, spec).execute()
  }
  // each batch's merge reads its own rows (not the whole stage) and probes earlier lines of a key; a direct
  // copy needs these only once a key turns out known or repeated (see `flush`)
  let indexed = false
  const indexStage = async () => {
    await sql`create index on ${stage} (batch_no)`.execute(trx)
    await sql`create index on ${stage} (${key}, src_line)`.execute(trx)
    indexed = true
  }
  if (!direct) await indexStage()
  /** Direct copy: every key so far was new, so a batch is copied into the table as it is, under a savepoint. */
  let optimistic = direct
  /**
   * The batches copied so far while `optimistic` (all keys new and distinct): per batch its number, its lines and
   * its keys joined by NUL (which COPY text never holds) — one flat string, so that the parsed lines the keys
   * were cut from are not kept alive.
   */
  const copiedKeys: { batchNo: StageValue; lines: Int32Array; keys: string }[] = []
  const copiedKeyRows = function* (): Generator<StageValue[]> {
    for (const b of copiedKeys) {
      const keys = b.keys.split('\0')
      for (let i = 0; i < keys.length; i++) yield [b.lines[i]!, b.batchNo, keys[i]!]
    }
  }
  const merge = (batchNo: number) => (direct ? mergeSql(spec, { orgId, batchId, batchNo }, KNOWN_STAGE, 'iso') : mergeSql(spec, { orgId, batchId, batchNo }))
  const derived = spec.derived ?? []
  // a direct-copy row as its table takes it: the organisation, the batch, the file's values, the derived ones, the branch
  const lineAt = columns.indexOf('line')
  const lineBranches = direct
    ? new Map((await trx.selectFrom('phone_line').select(['line', 'branch_id']).where('org_id', '=', orgId).execute()).map((r) => [r.line, r.branch_id]))
    : new Map<string, string>()
  const tableColumns = ['org_id', 'import_batch_id', ...spec.columns.map((c) => c.dbColumn ?? c.name), ...derived.map((c) => c.name), 'branch_id']
  const asTableRow = (values: StageValue[]): StageValue[] => [orgId, batchId, ...values.slice(2), lineBranches.get(values[lineAt] as string) ?? null]

  const branches = spec.branchColumn ? await branchResolver(trx, orgId, createBranches) : undefined
  const result: LoadResult = {
    read: 0,
    rejectedRows: 0,
    rejections: [],
    rejectionsTotal: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    warnings: [],
    branches: branches?.report ?? emptyBranchReport(),
  }
  const reject = (r: Rejection) => {
    result.rejectionsTotal++
    if (result.rejections.length < MAX_REJECTIONS_ITEMISED) result.rejections.push(r)
  }
  const mayMerge = () => skipInvalid || result.rejectedRows === 0
  let staged = 0
  let written = 0
  let inserted = 0
  let merging = true

  const flush = async (rows: StageValue[][]) => {
    const batchNo = rows[0]![1] as number
    if (direct) {
      const stageKeys = (keys: Iterable<readonly StageValue[]>) => copyStageBatch(client, STAGE, ['src_line', 'batch_no', spec.key], keys)
      if (optimistic && merging) {
        // The common case, a file of new rows: the batch goes straight into the table, as a raw COPY would. The
        // table's unique key refuses the whole batch if one of its keys is known or repeated on an earlier line;
        // then the savepoint undoes it, and from this batch on every line is checked (below) — a re-import pays
        // one wasted batch. Meanwhile the keys wait in memory: the stage gets them only if a check is needed.
        const point = await trx.savepoint('sq_direct').execute()
        try {
          await copyStageBatch(
            client,
            spec.table,
            tableColumns,
            (function* () {
              for (const v of rows) yield asTableRow(v)
            })(),
          )
          await point.releaseSavepoint('sq_direct').execute()
          copiedKeys.push({ batchNo, lines: Int32Array.from(rows, (v) => v[0] as number), keys: rows.map((v) => String(v[keyAt])).join('\0') })
          inserted += rows.length
          written += rows.length
          return
        } catch (error) {
          if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error
          await point.rollbackToSavepoint('sq_direct').execute()
        }
      }
      if (optimistic) {
        // checked from now on (or not merged at all): the keys copied so far go to the stage first
        optimistic = false
        await stageKeys(copiedKeyRows())
        copiedKeys.length = 0
      }
      await stageKeys(
        (function* () {
          for (const v of rows) yield [v[0]!, v[1]!, v[keyAt]!]
        })(),
      )
      if (!merging) return
      if (!indexed) await indexStage()
      // a line is new when its key is neither on an earlier line nor in the table
      const known = new Set(
        (
          await sql<{ src_line: number }>`select s.src_line from ${stage} s where s.batch_no = ${batchNo} and (
               exists (select 1 from ${stage} e where ${sql.id('e', spec.key)} = ${sql.id('s', spec.key)} and e.src_line < s.src_line)
               or exists (select 1 from ${sql.table(spec.table)} t where ${columnsOf(spec.table, 't')('org_id')} = ${orgId} and ${sql.id('t', spec.key)} = ${sql.id('s', spec.key)}))`.execute(
            trx,
          )
        ).rows.map((r) => r.src_line),
      )
      const fresh = known.size ? rows.filter((v) => !known.has(v[0] as number)) : rows
      if (fresh.length) {
        await copyStageBatch(
          client,
          spec.table,
          tableColumns,
          (function* () {
            for (const v of fresh) yield asTableRow(v)
          })(),
        )
        inserted += fresh.length
        written += fresh.length
      }
      if (!known.size) return
      await copyStageBatch(
        client,
        KNOWN_STAGE,
        columns,
        rows.filter((v) => known.has(v[0] as number)),
      )
    } else {
      await copyStageBatch(client, STAGE, columns, rows)
      if (!merging) return
    }
    if (spec.kind === 'offices' && result.branches.moves.length < MAX_MOVES_LISTED) {
      // an office that changes its branch (or loses it) is reported: branch visibility follows it
      const o = columnsOf('office', 'o')
      const [ob, nb] = [columnsOf('branch', 'ob'), columnsOf('branch', 'nb')]
      const moved = await sql<BranchMove>`select s.office_code as office, ${ob('name')} as "from", ${nb('name')} as "to" from ${stage} s
           join office o on ${o('org_id')} = ${orgId} and ${o('office_code')} = s.office_code
           left join branch ob on ${ob('id')} = ${o('branch_id')}
           left join branch nb on ${nb('id')} = ${sql.id('s', BRANCH_ID)}
          where s.batch_no = ${batchNo} and ${o('branch_id')} is distinct from ${sql.id('s', BRANCH_ID)}
            and not exists (select 1 from ${stage} e where e.office_code = s.office_code and e.src_line < s.src_line)
          order by s.src_line limit ${MAX_MOVES_LISTED - result.branches.moves.length}`.execute(trx)
      result.branches.moves.push(...moved.rows)
    }
    const counts = (await merge(batchNo).execute(trx)).rows[0]!
    inserted += counts.inserted
    written += counts.written
    if (direct) await sql`truncate ${sql.table(KNOWN_STAGE)}`.execute(trx) // merged: the next batch's known rows start afresh
  }

  let batch: StageValue[][] = []
  let batches = 1
  let inFlight: Promise<void> | undefined
  try {
    for await (const item of items) {
      result.read++
      if (item.problems) {
        result.rejectedRows++
        for (const p of item.problems) reject({ line: item.line, column: p.column, value: p.value, reason: p.reason })
      } else {
        let branchId: string | null = null
        if (branches) {
          const name = textOf(item.row[spec.branchColumn!])
          const code = textOf(spec.branchCodeColumn ? item.row[spec.branchCodeColumn] : null)
          const found = await branches.resolve(name, code, item.line)
          if (found === undefined) {
            // a branch the organisation does not have: the row is refused, with the reason and the line
            result.rejectedRows++
            const byName = Boolean(name && name.trim())
            reject({
              line: item.line,
              column: byName ? spec.branchColumn! : spec.branchCodeColumn!,
              value: byName ? name : code,
              reason: unknownBranchReason(name, code),
            })
            if (onRow && result.read % 2000 === 0) onRow(result.read, result.rejectedRows)
            continue
          }
          branchId = found
        }
        const values: StageValue[] = new Array(columns.length)
        values[0] = item.line
        values[1] = batches
        for (let i = 0; i < spec.columns.length; i++) {
          const value = item.row[spec.columns[i]!.name] ?? null
          values[i + 2] = value instanceof Date ? (direct ? value.toISOString() : value.getTime() / 1000) : value
        }
        derived.forEach((c, i) => {
          const value = item.row[c.name]
          values[spec.columns.length + 2 + i] = value === undefined || value instanceof Date ? c.empty : value
        })
        if (branches) values[columns.length - 1] = branchId
        batch.push(values)
        staged++
        if (batch.length >= batchRows) {
          if (inFlight) await inFlight
          merging = mayMerge()
          inFlight = flush(batch) // the database works on this batch while the next one is read
          batch = []
          batches++
        }
      }
      if (onRow && result.read % 2000 === 0) onRow(result.read, result.rejectedRows)
    }
    if (inFlight) await inFlight
    inFlight = undefined
    merging = mayMerge()
    if (batch.length) await flush(batch)
  } finally {
    // never leave a COPY half-sent on the connection the caller rolls back on
    if (inFlight) await inFlight.catch(() => {})
  }
  onRow?.(result.read, result.rejectedRows)

  // Two rows with one key in one file: the later line is the bad one (and was not merged).
  const duplicates = await sql<{ key: string; lines: number[] }>`select ${key} as key, array_agg(src_line order by src_line) as lines
     from ${stage} group by ${key} having count(*) > 1`.execute(trx)
  let repeated = 0
  for (const { key, lines } of duplicates.rows) {
    for (const line of lines.slice(1)) {
      repeated++
      reject({ line, column: spec.key, value: key, reason: `${spec.keyLabel} «${key}» уже встречается в строке ${lines[0]}` })
    }
  }
  result.rejectedRows += repeated
  staged -= repeated
  result.rejections.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
  if (!mayMerge()) return result

  if (spec.officeBranch) {
    const o = columnsOf('office', 'o')
    const unknown = await sql<{ office_code: string }>`select distinct s.office_code from ${stage} s where s.office_code is not null and s.office_code <> ''
       and not exists (select 1 from office o where ${o('org_id')} = ${orgId} and ${o('office_code')} = s.office_code)
       order by 1 limit 21`.execute(trx)
    if (unknown.rows.length) {
      const codes = unknown.rows.slice(0, 20).map((r) => r.office_code)
      result.warnings.push(
        `Коды офисов, которых нет в справочнике офисов: ${codes.join(', ')}${unknown.rows.length > 20 ? ' и другие' : ''}. ` +
          'Строки сохранены; филиал для них будет определён после загрузки справочника офисов.',
      )
    }
  }
  result.inserted = inserted
  result.updated = written - inserted
  result.unchanged = staged - result.inserted - result.updated
  if (spec.kind === 'offices') {
    // visits follow their office's branch; appeals without a branch of their own take the office's
    await trx
      .updateTable('visit as v')
      .from('office as o')
      .set((eb) => ({ branch_id: eb.ref('o.branch_id') }))
      .where('v.org_id', '=', orgId)
      .where('o.org_id', '=', orgId)
      .whereRef('o.office_code', '=', 'v.office_code')
      .where((eb) => eb('v.branch_id', 'is distinct from', eb.ref('o.branch_id')))
      .execute()
    await trx
      .updateTable('appeal as a')
      .from('office as o')
      .set((eb) => ({ branch_id: eb.ref('o.branch_id') }))
      .where('a.org_id', '=', orgId)
      .where('o.org_id', '=', orgId)
      .whereRef('o.office_code', '=', 'a.office_code')
      .where('a.branch_id', 'is', null)
      .where('o.branch_id', 'is not', null)
      .execute()
  }
  return result
}

/** Cells of a table row by canonical column, through the header mapping. */
function mapHeader(kind: ImportKind, header: string[]): { positions: Map<string, number>; unknown: string[] } {
  const spec = kindSpecs[kind]
  const positions = new Map<string, number>()
  const unknown: string[] = []
  header.forEach((title, index) => {
    const column = canonicalColumn(kind, title)
    if (!column) {
      if (title.trim() !== '') unknown.push(title.trim())
      return
    }
    if (positions.has(column)) {
      throw new ImportFileError(`Столбец ${column} указан в заголовке дважды (столбцы ${positions.get(column)! + 1} и ${index + 1}).`, 1)
    }
    positions.set(column, index)
  })
  const missing = spec.columns.filter((c) => c.required && !positions.has(c.name))
  if (missing.length) {
    const guess = guessKind(header)
    throw new ImportFileError(
      `В файле нет обязательных столбцов для вида «${labelOf(importKind, kind)}»: ` +
        `${missing.map(columnTitle).join(', ')}.` +
        (guess && guess !== kind ? ` Похоже, это файл вида «${labelOf(importKind, guess)}» (${guess}).` : '') +
        (positions.size === 0 ? ' Первая строка файла должна быть заголовком с названиями столбцов.' : ''),
      1,
    )
  }
  return { positions, unknown }
}

/** The kind whose required columns the header has, to explain a file loaded as the wrong kind. */
export function guessKind(header: string[]): ImportKind | undefined {
  const names = new Set(header.map(normaliseHeader))
  for (const spec of Object.values(kindSpecs)) {
    const required = spec.columns.filter((c) => c.required)
    if (required.every((c) => names.has(normaliseHeader(c.name)) || names.has(normaliseHeader(c.alias)))) return spec.kind
  }
  return undefined
}

type TablePlan =
  | { how: 'canonical'; positions: Map<string, number>; unknown: string[]; adapter?: undefined; mapping?: undefined }
  | { how: 'mapping'; compiled: CompiledMapping; adapter?: AdapterInfo; mapping?: string }
  | { how: 'cdr'; headerless: boolean; adapter: AdapterInfo; mapping?: undefined }

/** The header has every required canonical column of the kind (by name or alias). */
function canonicalFits(kind: ImportKind, header: readonly string[]): boolean {
  const have = new Set(header.map((h) => canonicalColumn(kind, h)).filter(Boolean))
  return kindSpecs[kind].columns.every((c) => !c.required || have.has(c.name))
}

/**
 * How a table is read (ADR 018): a saved mapping named by the job, a forced format, or — when nothing is
 * named — the canonical layout if the header has it, else the adapter the content tells. A file no adapter
 * knows is refused as before, naming the saved mappings its header fits.
 */
async function planTable(
  target: ImportTarget,
  request: FileImportRequest,
  forced: string | undefined,
  header: string[],
  report: ImportReport,
): Promise<TablePlan> {
  const kindLabel = `«${labelOf(importKind, request.kind)}» (${request.kind})`
  if (request.mapping) {
    const saved = await findMapping(target.database, target.orgId, request.kind, request.mapping)
    if (!saved) {
      const names = (await listMappings(target.database, target.orgId, request.kind)).map((m) => `«${m.name}»`)
      throw new ImportFileError(
        `Сопоставление «${request.mapping}» для вида ${kindLabel} не найдено. ` +
          (names.length ? `Сохранённые: ${names.join(', ')}.` : 'Для этого вида сопоставлений ещё не сохранено (страница «Сопоставления столбцов»).'),
      )
    }
    report.mapping = saved.name
    const compiled = compileMapping(saved.mapping, header, `сопоставление «${saved.name}»`)
    if ('error' in compiled) throw new ImportFileError(compiled.error, 1)
    return { how: 'mapping', compiled, mapping: saved.name }
  }
  if (forced === 'canonical' || (forced === undefined && canonicalFits(request.kind, header))) {
    try {
      return { how: 'canonical', ...mapHeader(request.kind, header) }
    } catch (error) {
      throw await withSuggestion(error, target, request.kind, header)
    }
  }
  const adapter = forced ? adapterByName(forced) : sniffTable(header)
  if (!adapter) {
    try {
      return { how: 'canonical', ...mapHeader(request.kind, header) }
    } catch (error) {
      throw await withSuggestion(error, target, request.kind, header)
    }
  }
  report.adapter = adapter.name
  if (adapter.kind !== request.kind) {
    throw new ImportFileError(
      `Это ${forced ? 'формат' : 'выгрузка'} «${adapter.title}»: она загружается как «${labelOf(importKind, adapter.kind)}» (${adapter.kind}), а не как ${kindLabel}.`,
      1,
    )
  }
  if (adapter.name === 'asterisk_cdr') {
    if (looksLikeMasterCsv(header)) return { how: 'cdr', headerless: true, adapter }
    if (cdrTableHeader(header)) return { how: 'cdr', headerless: false, adapter }
    throw new ImportFileError(
      'Выбран формат «Asterisk CDR», но файл на него не похож: ожидается Master.csv без заголовка (16–18 полей, итог ANSWERED/NO ANSWER/BUSY/FAILED/CONGESTION в 15-м поле) ' +
        'или таблица cdr с заголовком (calldate, src, dst, dcontext, channel, dstchannel, lastapp, lastdata, duration, billsec, disposition, uniqueid).',
      1,
    )
  }
  const compiled = compileMapping(adapter.mapping!, header, `формат «${adapter.title}»`)
  if ('error' in compiled) throw new ImportFileError(`${compiled.error}${adapter.note ? ` ${adapter.note}` : ''}`, 1)
  return { how: 'mapping', compiled, adapter }
}

/** A refusal of the header, with the saved mappings whose headers the file has (the file is offered them). */
async function withSuggestion(error: unknown, target: ImportTarget, kind: ImportKind, header: readonly string[]): Promise<unknown> {
  if (!(error instanceof ImportFileError)) return error
  const fits = await mappingsForHeader(target.database, target.orgId, kind, header)
  if (!fits.length) return error
  return new ImportFileError(
    `${error.message} Заголовки файла подходят к сохранённому сопоставлению ${fits.map((m) => `«${m.name}»`).join(', ')}: выберите его в поле «Сопоставление столбцов».`,
    error.line,
  )
}

async function* mappedRows(reader: TableReader, compiled: CompiledMapping, zone: string): AsyncGenerator<RowItem> {
  for await (const { line, cells } of reader.rows) {
    const { row, problems } = mapRow(compiled, cells, zone)
    yield problems.length ? { line, problems } : { line, row }
  }
}

/** The calls of a source that carries no queue wait: stored with `wait_known = false` (ADR 027). */
async function* waitUnknown(items: AsyncIterable<RowItem>): AsyncGenerator<RowItem> {
  for await (const item of items) yield item.row ? { line: item.line, row: { ...item.row, wait_known: false } } : item
}

/** CDR rows collected into calls (cdr.ts); a headerless Master.csv's first record is a row too. */
async function* cdrCalls(reader: TableReader, headerless: boolean, zone: string, counted: (rows: number) => void): AsyncGenerator<RowItem> {
  const positions = headerless ? masterCsvPositions : cdrTableHeader(reader.header)!
  const assembler = new CdrAssembler(positions, !headerless, zone)
  let rows = 0
  if (headerless) {
    assembler.add(reader.headerLine, reader.header)
    rows++
  }
  for await (const { line, cells } of reader.rows) {
    if (cells.length === 1 && cells[0] === '') continue
    assembler.add(line, cells)
    rows++
  }
  counted(rows)
  yield* assembler.items()
}

async function* validatedRows(reader: TableReader, spec: KindSpec, positions: Map<string, number>, zone: string): AsyncGenerator<RowItem> {
  for await (const { line, cells } of reader.rows) {
    const cellOf = (column: string): Cell | undefined => {
      const index = positions.get(column)
      return index === undefined ? undefined : cells[index]
    }
    const { row, problems } = validateRow(spec, cellOf, zone)
    yield problems.length ? { line, problems } : { line, row }
  }
}

/**
 * Numbered text lines of a file, read lazily: nothing is read before the first line is asked for
 * (an eager reader loses lines while the transaction is being opened).
 */
async function* decodedLines(path: string, encoding: string, counted: { bytes: number }, gzip = false): AsyncGenerator<{ line: number; text: string }> {
  let rest = ''
  let n = 0
  for await (const chunk of decodedChunks(path, encoding, counted, gzip)) {
    const parts = (rest + chunk).split('\n')
    rest = parts.pop()!
    for (const part of parts) yield { line: ++n, text: part.endsWith('\r') ? part.slice(0, -1) : part }
  }
  if (rest) yield { line: ++n, text: rest.endsWith('\r') ? rest.slice(0, -1) : rest }
}

/** The API's JSON body (ADR 017): read as JSON whatever the sniffer says, if it is UTF-8 text. */
function asJson(sniffed: Sniffed): Omit<Sniffed, 'format'> & { format: ImportFormat } {
  if (sniffed.format === 'xlsx') throw new ImportFileError('Указан формат JSON, но тело — XLSX (архив), а не текст.')
  if (sniffed.encoding !== 'utf-8' || sniffed.gzip)
    throw new ImportFileError('Указан формат JSON, но текст не в UTF-8 (или сжат): JSON принимается только в UTF-8 без сжатия.')
  return { ...sniffed, format: 'json' }
}

/** «Филиалов нет в справочнике: «Северные ЭС» (строки 3, 7) …» — for the report's message. */
export function unknownBranchesText(branches: BranchReport): string {
  const list = branches.unknown
    .slice(0, 10)
    .map(
      (u) =>
        `${u.value ? `«${u.value}»` : `код «${u.code}»`} (${u.rows === 1 ? 'строка' : 'строки'} ${u.lines.join(', ')}${u.rows > u.lines.length ? ' и другие' : ''})`,
    )
  return `Филиалов нет в справочнике организации: ${list.join('; ')}${branches.unknown.length > 10 ? ' и другие' : ''}.`
}

/** A report with nothing read yet: `failed` until the import says otherwise. */
function newReport(batchId: string, kind: ImportKind, fileName: string, skipInvalid: boolean): ImportReport {
  return {
    batchId,
    kind,
    fileName,
    format: null,
    adapter: null,
    mapping: null,
    encoding: null,
    delimiter: null,
    status: 'failed',
    skipInvalid,
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    pending: 0,
    noEnding: 0,
    earlier: 0,
    logLines: 0,
    ignoredLines: 0,
    logEvents: 0,
    knownEvents: 0,
    rejected: 0,
    invalid: 0,
    stored: 0,
    rejections: [],
    rejectionsTotal: 0,
    unknownColumns: [],
    warnings: [],
    message: null,
    durationMs: 0,
    branches: emptyBranchReport(),
  }
}

export interface FileImportRequest {
  kind: ImportKind
  path: string
  fileName: string
  skipInvalid: boolean
  /** create the branches the file names and the organisation lacks («создать филиалы», `--create-branches`) */
  createBranches?: boolean
  source: ImportSource
  userId?: string | null
  /** the integration token of an API import (ADR 017) */
  tokenId?: string | null
  /** only rows of these branches (a branch-scoped token, ADR 017); others are rejected line by line */
  branchScope?: BranchScope
  /**
   * how to read the file (ADR 018): an adapter name (`asterisk_cdr`, `3cx`, `naumen`, `oktell`, `qsystem`,
   * `qmatic`), `queue_log` or `canonical`; undefined = told from the content. The API's `?format=` as is;
   * `json` — the API's JSON body (ADR 017)
   */
  format?: string
  /** the name of a saved column mapping of the organisation (the API's `?mapping=`, the inbox subfolder) */
  mapping?: string
  /** an already registered batch, claimed by the job runner, whose lock this session holds */
  liveness?: BatchLiveness
  /** rows merged per round trip (a tuning knob; tests use tiny batches to cross batch boundaries) */
  batchRows?: number
  /** who, for the audit log (the user's login, or `cli`), and from where */
  actor?: string
  ip?: string | null
}

/** Imports one file; never throws for bad input — the report says what was wrong. */
export async function runFileImport(target: ImportTarget, request: FileImportRequest): Promise<ImportReport> {
  const size = fs.existsSync(request.path) ? fs.statSync(request.path).size : 0
  // while the import runs, a session of its own holds the batch's advisory lock: «its process is alive»
  const liveness =
    request.liveness ??
    (await holdNewBatch(target.database, target.orgId, {
      kind: request.kind,
      fileName: request.fileName,
      fileSize: size,
      source: request.source,
      skipInvalid: request.skipInvalid,
      userId: request.userId,
      tokenId: request.tokenId,
    }))
  try {
    return await importFile(target, request, liveness.batchId, size)
  } finally {
    await liveness.release()
  }
}

async function importFile(target: ImportTarget, request: FileImportRequest, batchId: string, size: number): Promise<ImportReport> {
  const started = Date.now()
  const { database, orgId } = target
  const spec = kindSpecs[request.kind]
  const report = newReport(batchId, request.kind, request.fileName, request.skipInvalid)
  const progress: ImportProgress = {
    batchId,
    kind: request.kind,
    fileName: request.fileName,
    phase: 'reading',
    bytesRead: 0,
    totalBytes: size,
    rowsRead: 0,
    rowsRejected: 0,
    startedAt: started,
  }
  const reporter = progressReporter(database, progress)
  await reporter.flush()
  let client: pg.PoolClient | undefined
  let trx: ControlledTransaction<DB> | undefined
  try {
    const jsonBody = request.format === 'json'
    const sniffed = jsonBody ? asJson(await sniffFile(request.path)) : await sniffFile(request.path)
    report.format = sniffed.format
    report.encoding = sniffed.encoding ?? null
    const forced = jsonBody ? undefined : request.format?.trim().toLowerCase() || undefined
    if (forced && !formatNames().includes(forced)) {
      throw new ImportFileError(
        `Неизвестный формат «${request.format}». Допустимо: ${formatNames().join(', ')} (или не указывать — формат определится по содержимому).`,
      )
    }
    if (forced && request.mapping) throw new ImportFileError('Укажите что-то одно: формат или сопоставление столбцов.')
    const sniffedQueueLog = sniffed.format === 'queue_log' || sniffed.format === 'queue_log_table'
    if (forced === 'queue_log' && !sniffedQueueLog) {
      throw new ImportFileError(
        'Выбран формат «Asterisk queue_log», но файл не похож на журнал queue_log (строки «время|uniqueid|очередь|агент|СОБЫТИЕ|…» или таблица с time, callid, queuename, agent, event).',
      )
    }
    const isQueueLog = sniffedQueueLog && (forced === undefined || forced === 'queue_log') && !request.mapping
    if (isQueueLog && request.kind !== 'calls') {
      throw new ImportFileError(
        `Это журнал Asterisk queue_log: он загружается как «${labelOf(importKind, 'calls')}» (calls), а не как «${labelOf(importKind, request.kind)}».`,
      )
    }
    if (isQueueLog && request.branchScope) {
      throw new ImportFileError(
        `Токен «${request.branchScope.tokenName}» загружает строки только своих филиалов, а журнал Asterisk queue_log не разделён по филиалам ` +
          '(события звонков сохраняются до того, как звонок собран). Загрузите журнал токеном всей организации или звонки файлом CSV/XLSX.',
      )
    }
    let items: AsyncIterable<RowItem>
    let bytesRead: () => number
    let queueLog: QueueLogImport | undefined
    let cdrRows: number | undefined
    // the log is read (and its events stored) before its calls are assembled: the bar follows the bytes read
    const readingLog = (getBytes: () => number) => () => {
      progress.bytesRead = getBytes()
      reporter.tick()
    }
    client = await database.pool.connect()
    trx = await kyselyOn(client).startTransaction().execute()
    if (sniffed.format === 'queue_log') {
      const counted = { bytes: 0 }
      bytesRead = () => counted.bytes
      const lines = (async function* () {
        for await (const { line, text } of decodedLines(request.path, sniffed.encoding ?? 'utf-8', counted, sniffed.gzip)) yield parseQueueLogLine(line, text)
      })()
      queueLog = await stageQueueLog(client, orgId, batchId, lines, readingLog(bytesRead))
      items = queueLog.items
    } else if (sniffed.format === 'queue_log_table') {
      const reader = await openCsv(request.path, sniffed.encoding ?? 'utf-8', sniffed.gzip)
      report.delimiter = reader.delimiter ?? null
      bytesRead = reader.bytesRead
      const positions = realtimeHeader(reader.header)!
      const lines = (async function* () {
        for await (const { line, cells } of reader.rows) yield realtimeEvent(line, cells.map(String), positions, target.zone)
      })()
      queueLog = await stageQueueLog(client, orgId, batchId, lines, readingLog(bytesRead))
      items = queueLog.items
    } else {
      const reader =
        sniffed.format === 'json'
          ? await openJson(request.path)
          : sniffed.format === 'xlsx'
            ? await openXlsx(request.path)
            : await openCsv(request.path, sniffed.encoding ?? 'utf-8', sniffed.gzip)
      report.delimiter = reader.delimiter ?? null
      bytesRead = reader.bytesRead
      const plan = await planTable(target, request, forced, reader.header, report)
      report.adapter = plan.adapter?.name ?? null
      report.mapping = plan.mapping ?? null
      if (plan.how === 'canonical') {
        report.unknownColumns = plan.unknown
        items = validatedRows(reader, spec, plan.positions, target.zone)
      } else if (plan.how === 'mapping') {
        report.unknownColumns = plan.compiled.unused
        items = mappedRows(reader, plan.compiled, target.zone)
      } else {
        items = cdrCalls(reader, plan.headerless, target.zone, (n) => (cdrRows = n))
      }
      // a source without a queue wait (Asterisk CDR, 3CX): its calls stay out of the waiting figures (ADR 027)
      if (plan.adapter?.waitKnown === false) items = waitUnknown(items)
      if (request.branchScope) items = scopedRows(database.db, orgId, spec, items, request.branchScope)
    }

    const result = await loadRows({
      target,
      client,
      trx,
      spec,
      batchId,
      items,
      skipInvalid: request.skipInvalid,
      createBranches: request.createBranches ?? false,
      batchRows: request.batchRows,
      onRow: (read, rejected) => {
        progress.rowsRead = read
        progress.rowsRejected = rejected
        progress.bytesRead = bytesRead()
        reporter.tick()
      },
    })
    progress.phase = 'saving'
    progress.bytesRead = size
    await reporter.flush()
    Object.assign(report, {
      read: result.read,
      invalid: result.rejectedRows,
      rejections: result.rejections,
      rejectionsTotal: result.rejectionsTotal,
      warnings: result.warnings,
      branches: result.branches,
    })
    if (cdrRows !== undefined) {
      report.warnings.push(
        `Asterisk CDR: строк CDR прочитано ${cdrRows.toLocaleString('ru-RU')}, собрано звонков ${result.read.toLocaleString('ru-RU')} (строки одного linkedid/uniqueid — один звонок). ` +
          'Время ожидания в очереди CDR не содержит: для показателей ожидания загрузите queue_log.',
      )
    }
    if (queueLog) {
      // calls of this file still open wait for a later file
      const c = queueLog.counts
      report.read += c.pending
      Object.assign(report, {
        pending: c.pending,
        noEnding: c.noEnding,
        earlier: c.earlier,
        logLines: c.lines,
        ignoredLines: c.ignored,
        logEvents: c.events,
        knownEvents: c.known,
      })
      if (c.lines > 0 && c.events === 0 && result.rejectedRows === 0) {
        throw new ImportFileError(
          `В журнале нет ни одного события звонков (ENTERQUEUE, CONNECT, окончаний): прочитано строк ${c.lines.toLocaleString('ru-RU')}, все — служебные события очередей и операторов.`,
        )
      }
    }
    if (result.read === 0 && report.pending === 0 && result.rejectedRows === 0) {
      throw new ImportFileError('В файле нет ни одной строки данных: только заголовок.')
    }
    if (result.rejectedRows > 0 && !request.skipInvalid) {
      await trx.rollback().execute()
      Object.assign(report, { pending: 0, noEnding: 0, earlier: 0 })
      report.status = 'rejected'
      report.message =
        `Файл отклонён: ошибок в строках — ${result.rejectedRows.toLocaleString('ru-RU')}. Ничего не сохранено. ` +
        'Исправьте строки и загрузите файл снова или включите «пропускать ошибочные строки».' +
        (result.branches.unknown.length ? ` ${unknownBranchesText(result.branches)}` : '')
    } else {
      await queueLog?.finish()
      // due dates of the appeals this import wrote, by the organisation's rules and calendar (same transaction)
      if (spec.kind === 'appeals') await recomputeAppealDueDates(trx, orgId, target.zone, { batchId })
      await trx.commit().execute()
      Object.assign(report, { inserted: result.inserted, updated: result.updated, unchanged: result.unchanged })
      report.status = 'done'
      report.message = result.rejectedRows
        ? `Ошибочные строки пропущены: ${result.rejectedRows.toLocaleString('ru-RU')}.${result.branches.unknown.length ? ` ${unknownBranchesText(result.branches)}` : ''}`
        : null
    }
  } catch (error) {
    if (trx)
      await trx
        .rollback()
        .execute()
        .catch(() => {})
    Object.assign(report, { inserted: 0, updated: 0, unchanged: 0, pending: 0, noEnding: 0, earlier: 0 })
    if (error instanceof ImportFileError) {
      report.status = 'rejected'
      report.message = error.message
    } else {
      report.status = 'failed'
      report.message = `Внутренняя ошибка при загрузке: ${(error as Error).message}. Ничего не сохранено.`
    }
  } finally {
    client?.release()
  }
  if (report.status === 'done') {
    await refreshStatistics(target, spec.table, report.inserted + report.updated)
    await refreshFigures(target)
  }
  if (report.status !== 'done') report.branches = { ...report.branches, created: [], moves: [] } // rolled back
  report.stored = report.inserted + report.updated + report.unchanged + report.pending
  // refused as a whole: no row read was stored; otherwise only the invalid rows were left out
  report.rejected = report.status === 'done' ? report.invalid : report.read
  report.durationMs = Date.now() - started
  await finishBatch(database, report)
  await recordAudit(database.db, {
    orgId,
    userId: request.userId ?? null,
    actor: request.actor ?? request.source,
    action: 'import',
    object: `загрузка №${batchId}`,
    details: {
      kind: request.kind,
      file: request.fileName,
      adapter: report.adapter,
      mapping: report.mapping,
      status: report.status,
      read: report.read,
      stored: report.stored,
      rejected: report.rejected,
      invalid: report.invalid,
      skipInvalid: request.skipInvalid,
    },
    ip: request.ip ?? null,
  })
  return report
}

/** Generated rows (the demo organisation) through the same stage-and-merge as files. */
export async function runRowImport(
  target: ImportTarget,
  kind: ImportKind,
  fileName: string,
  rows: AsyncIterable<ParsedRow> | Iterable<ParsedRow>,
): Promise<ImportReport> {
  const started = Date.now()
  const liveness = await holdNewBatch(target.database, target.orgId, { kind, fileName, source: 'demo', skipInvalid: false })
  try {
    return await importRows(target, kind, fileName, rows, liveness.batchId, started)
  } finally {
    await liveness.release()
  }
}

async function importRows(
  target: ImportTarget,
  kind: ImportKind,
  fileName: string,
  rows: AsyncIterable<ParsedRow> | Iterable<ParsedRow>,
  batchId: string,
  started: number,
): Promise<ImportReport> {
  const client = await target.database.pool.connect()
  let result: LoadResult
  let released = false
  let trx: ControlledTransaction<DB> | undefined
  try {
    trx = await kyselyOn(client).startTransaction().execute()
    const items = (async function* () {
      let line = 0
      for await (const row of rows) yield { line: ++line, row }
    })()
    // generated rows (the demo) name the branches they make
    result = await loadRows({ target, client, trx, spec: kindSpecs[kind], batchId, items, skipInvalid: false, createBranches: true })
    if (result.rejectedRows) throw new Error(`generated rows were rejected: ${result.rejections[0]?.reason}`)
    if (kind === 'appeals') await recomputeAppealDueDates(trx, target.orgId, target.zone, { batchId })
    await trx.commit().execute()
  } catch (error) {
    await trx
      ?.rollback()
      .execute()
      .catch(() => {})
    client.release()
    released = true
    await target.database.db
      .updateTable('import_batch')
      .set({ status: 'failed', message: `Внутренняя ошибка: ${(error as Error).message}`, finished_at: new Date() })
      .where('id', '=', batchId)
      .execute()
    throw error
  } finally {
    if (!released) client.release()
  }
  await refreshStatistics(target, kindSpecs[kind].table, result.inserted + result.updated)
  await refreshFigures(target)
  const report: ImportReport = {
    ...newReport(batchId, kind, fileName, false),
    format: 'generated',
    status: 'done',
    read: result.read,
    inserted: result.inserted,
    updated: result.updated,
    unchanged: result.unchanged,
    stored: result.inserted + result.updated + result.unchanged,
    warnings: result.warnings,
    durationMs: Date.now() - started,
  }
  await finishBatch(target.database, report)
  return report
}

/**
 * The planner's statistics of a table after a large import: autovacuum analyses it only later, and until
 * then a register page on 200 000 fresh calls was planned for 4 rows (1.4 s instead of milliseconds).
 */
async function refreshStatistics(target: ImportTarget, table: string, changed: number): Promise<void> {
  if (changed < 5000) return
  try {
    await sql`analyze ${sql.table(table)}`.execute(target.database.db)
  } catch (error) {
    console.error(`Статистика таблицы ${table} не обновлена после загрузки: ${(error as Error).message}`)
  }
}

/**
 * The daily figures of the days this import changed (after its commit: the import stands on its own). A
 * failure here loses nothing: the changed days stay marked and the next dashboard view rebuilds them.
 */
async function refreshFigures(target: ImportTarget): Promise<void> {
  try {
    await refreshRollups(target.database, target.orgId)
  } catch (error) {
    console.error(`Сводные показатели не обновлены после загрузки (обновятся при просмотре): ${(error as Error).message}`)
  }
}

async function finishBatch(database: Database, report: ImportReport): Promise<void> {
  await database.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('import_batch')
      .set({
        status: report.status,
        format: report.format,
        adapter: report.adapter,
        mapping_name: report.mapping,
        encoding: report.encoding,
        delimiter: report.delimiter,
        rows_read: report.read,
        rows_inserted: report.inserted,
        rows_updated: report.updated,
        rows_unchanged: report.unchanged,
        rows_pending: report.pending,
        rows_no_ending: report.noEnding,
        rows_rejected: report.rejected,
        rows_invalid: report.invalid,
        unknown_columns: report.unknownColumns,
        branch_report: JSON.stringify(report.branches),
        message: [report.message, ...report.warnings].filter(Boolean).join('\n') || null,
        finished_at: new Date(),
      })
      .where('id', '=', report.batchId)
      .execute()
    for (let i = 0; i < report.rejections.length; i += 1000) {
      await tx
        .insertInto('import_rejection')
        .values(
          report.rejections.slice(i, i + 1000).map((r, j) => ({
            batch_id: report.batchId,
            seq: i + j + 1,
            line: r.line,
            column_name: r.column,
            value: r.value,
            reason: r.reason,
          })),
        )
        .execute()
    }
  })
}
