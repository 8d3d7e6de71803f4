/**
 * Asterisk `queue_log` → consumer calls (formats.md, «queue_log as Asterisk really writes it»; ADR 016).
 *
 * A file is read into call events (`parseQueueLogLine`, or `realtimeEvent` for the realtime table exported as
 * CSV); noise (queue-wide and agent events, uniqueid NONE/CLI) is ignored. The import keeps every event once
 * and assembles each call from *all* of its events sorted by time (`assembleCall`), so rotated files in any
 * order, overlapping files and lines slightly out of order give the same calls.
 *
 * One call per uniqueid: each ENTERQUEUE opens a leg in its queue (overflow: the call left queue A unanswered
 * and entered queue B). CONNECT answers the open leg; COMPLETEAGENT, COMPLETECALLER, TRANSFER, BLINDTRANSFER,
 * ATTENDEDTRANSFER end an answered leg; ABANDON, EXITWITHTIMEOUT, EXITEMPTY, EXITWITHKEY an unanswered one;
 * RINGNOANSWER/RINGCANCELED are rings an operator did not pick up, kept on the leg, never an ending. The call
 * started at its first ENTERQUEUE, was answered at its first CONNECT and ended with its last leg. A call whose
 * last leg has no ending waits for a later file, until the newest event seen in that queue is 24 h past the
 * call's last event: then it is closed as «нет окончания в журнале».
 * Pure: no I/O, unit-tested event by event.
 */
import type { CallLeg } from '#db/schema.ts'
import { type CellProblem, type ParsedRow, parseTimestamp } from './values.ts'

export interface QueueEvent {
  uniqueid: string
  /** epoch milliseconds */
  at: number
  queue: string
  agent: string
  event: string
  /** data1|data2|… as written */
  data: string
}

export type QueueLogItem =
  { kind: 'event'; line: number; event: QueueEvent } | { kind: 'ignored'; line: number } | { kind: 'rejected'; line: number; problems: CellProblem[] }

export const ENTER = 'ENTERQUEUE'
export const CONNECT = 'CONNECT'
export const ANSWERED_END: ReadonlySet<string> = new Set(['COMPLETEAGENT', 'COMPLETECALLER', 'TRANSFER', 'BLINDTRANSFER', 'ATTENDEDTRANSFER'])
export const UNANSWERED_END: ReadonlySet<string> = new Set(['ABANDON', 'EXITWITHTIMEOUT', 'EXITEMPTY', 'EXITWITHKEY'])
export const MISSED_RING: ReadonlySet<string> = new Set(['RINGNOANSWER', 'RINGCANCELED'])
/** The events a call is assembled from; every other event is noise for calls. */
export const CALL_EVENTS: ReadonlySet<string> = new Set([ENTER, CONNECT, ...ANSWERED_END, ...UNANSWERED_END, ...MISSED_RING])

/** A call with no ending is closed when its queue has an event this much later than the call's last one. */
export const NO_ENDING_AFTER_MS = 24 * 3600 * 1000

const MIN_EPOCH = Date.UTC(1990, 0, 1) / 1000
const MAX_EPOCH = Date.UTC(2100, 0, 1) / 1000
/** uniqueids of queue-wide lines (QUEUESTART, CONFIGRELOAD …) and of console/manager actions */
const NOT_A_CALL = new Set(['', 'NONE', 'CLI', 'MANAGER', 'REALTIME'])

const orNull = (text: string | undefined | null) => {
  const t = (text ?? '').trim()
  return t === '' || t.toUpperCase() === 'NONE' ? null : t
}

function rejected(line: number, value: string, reason: string): QueueLogItem {
  return { kind: 'rejected', line, problems: [{ column: 'queue_log', value: value.slice(0, 200), reason }] }
}

/** An event from its parts, or why it is ignored; `at` already checked. */
function eventOf(line: number, at: number, uniqueid: string, queue: string, agent: string, eventRaw: string, data: string): QueueLogItem {
  const id = uniqueid.trim()
  const event = eventRaw.trim().toUpperCase()
  if (NOT_A_CALL.has(id.toUpperCase()) || !CALL_EVENTS.has(event)) return { kind: 'ignored', line }
  return { kind: 'event', line, event: { uniqueid: id, at, queue: (orNull(queue) ?? '').trim(), agent: (orNull(agent) ?? '').trim(), event, data } }
}

function epochOf(text: string): number | null {
  const t = text.trim()
  if (!/^\d+(\.\d+)?$/.test(t)) return null
  const epoch = Number(t)
  return epoch < MIN_EPOCH || epoch > MAX_EPOCH ? null : Math.round(epoch * 1000)
}

/** One line of the pipe-separated log `epoch|uniqueid|queue|agent|EVENT|data1|data2…`; null for a blank line. */
export function parseQueueLogLine(line: number, text: string): QueueLogItem | null {
  if (text.trim() === '') return null
  const fields = text.split('|')
  if (fields.length < 5) {
    return rejected(line, text, 'строка queue_log должна содержать не менее 5 полей через «|»: время|uniqueid|очередь|агент|событие')
  }
  const [epochText, uniqueid, queue, agent, event] = fields as [string, string, string, string, string]
  const at = epochOf(epochText)
  if (at === null) return rejected(line, text, `неверное время события «${epochText.slice(0, 20)}»: ожидается число секунд с 01.01.1970 (UTC)`)
  return eventOf(line, at, uniqueid, queue, agent, event, fields.slice(5).join('|'))
}

/** Columns of the realtime `queue_log` table exported as CSV (Asterisk's `queuelog`/`queue_log` table). */
export const REALTIME_COLUMNS = ['time', 'callid', 'queuename', 'agent', 'event'] as const
const DATA_COLUMNS = ['data1', 'data2', 'data3', 'data4', 'data5'] as const

/** Positions of the realtime table's columns in a CSV header, or null when the header is not that table's. */
export function realtimeHeader(header: readonly string[]): Map<string, number> | null {
  const names = header.map((h) =>
    h
      .replace(/^\uFEFF/, '')
      .trim()
      .toLowerCase(),
  )
  const positions = new Map<string, number>()
  for (const column of [...REALTIME_COLUMNS, ...DATA_COLUMNS, 'data']) {
    const i = names.indexOf(column)
    if (i >= 0) positions.set(column, i)
  }
  return REALTIME_COLUMNS.every((c) => positions.has(c)) ? positions : null
}

/**
 * One row of the realtime table: `time` is epoch seconds or a date-time (without an offset: the organisation's
 * local time, as Asterisk writes it); the data are data1…data5 (or one `data` column with `|`).
 */
export function realtimeEvent(line: number, cells: readonly string[], positions: Map<string, number>, zone: string): QueueLogItem | null {
  const cell = (column: string) => {
    const i = positions.get(column)
    return i === undefined ? '' : String(cells[i] ?? '')
  }
  if (cells.every((c) => String(c ?? '').trim() === '')) return null
  const text = cells.join(';')
  const timeText = cell('time').trim()
  let at = epochOf(timeText)
  if (at === null) {
    const parsed = timeText === '' ? null : parseTimestamp(timeText, zone)
    if (!parsed || !parsed.ok) {
      return rejected(
        line,
        text,
        `неверное время события «${timeText.slice(0, 30)}» в столбце time: ожидается дата и время (ГГГГ-ММ-ДД ЧЧ:ММ:СС) или число секунд с 01.01.1970`,
      )
    }
    at = parsed.value.getTime()
  }
  if (cell('event').trim() === '') return rejected(line, text, 'не указано событие (столбец event)')
  const data = positions.has('data1') ? DATA_COLUMNS.map(cell).join('|').replace(/\|+$/, '') : cell('data')
  return eventOf(line, at, cell('callid'), cell('queuename'), cell('agent'), cell('event'), data)
}

/**
 * The caller's number from ENTERQUEUE data: standard `url|callerid|position` (url often empty), or
 * `position|callerid` as some PBXs write it. Both put it second; a lone value that is not a position is taken too.
 */
export function callerOf(data: string): string | null {
  const parts = data.split('|').map((p) => p.trim())
  const isPosition = (p: string) => /^\d{1,3}$/.test(p)
  const candidate = parts.length >= 2 ? parts[1]! : parts[0] && !isPosition(parts[0]) && !/^[a-z]+:/i.test(parts[0]) ? parts[0] : ''
  return orNull(candidate)
}

// ------------------------------------------------------------------------------------------------ assembly

export interface CallProblem {
  event: QueueEvent
  reason: string
}

export interface AssembledCall {
  call_id: string
  /**
   * ended: a call; no_ending: closed without an ending; pending: waits for a later file (its last leg has no
   * ending yet, or no ENTERQUEUE has been seen); rejected: its events contradict each other (`problems`).
   */
  state: 'ended' | 'no_ending' | 'pending' | 'rejected'
  /** the calls row (ended, no_ending) */
  row: ParsedRow | null
  legs: CallLeg[]
  problems: CallProblem[]
  /** a pending call as it stands (queue_log_pending) */
  pending: { line: string | null; started_at: Date; answered_at: Date | null; agent: string | null; caller_phone: string | null } | null
}

interface LegBuild extends CallLeg {
  caller: string | null
}

const RANK: Record<string, number> = { [ENTER]: 1, RINGNOANSWER: 2, RINGCANCELED: 2, [CONNECT]: 3 }
const rankOf = (event: string) => RANK[event] ?? 4
const textOrder = (a: QueueEvent, b: QueueEvent) =>
  a.event < b.event
    ? -1
    : a.event > b.event
      ? 1
      : a.queue < b.queue
        ? -1
        : a.queue > b.queue
          ? 1
          : a.agent < b.agent
            ? -1
            : a.agent > b.agent
              ? 1
              : a.data < b.data
                ? -1
                : a.data > b.data
                  ? 1
                  : 0

/**
 * The events of a call in the order they happened. By time; events of one second (Asterisk writes whole
 * seconds) in the order that makes sense: an ending of the leg open before that second first (the call left
 * queue A, then entered queue B), then ENTERQUEUE, missed rings, CONNECT, endings. Independent of the order
 * of files and lines.
 */
export function orderEvents(events: readonly QueueEvent[]): QueueEvent[] {
  const sorted = [...events].sort((a, b) => a.at - b.at || rankOf(a.event) - rankOf(b.event) || textOrder(a, b))
  const out: QueueEvent[] = []
  let open: { queue: string; answered: boolean } | null = null
  for (let i = 0; i < sorted.length;) {
    let j = i
    while (j < sorted.length && sorted[j]!.at === sorted[i]!.at) j++
    const group = sorted.slice(i, j)
    if (open && group.length > 1) {
      const o = open
      const first = group.findIndex((e) => e.queue === o.queue && (o.answered ? ANSWERED_END.has(e.event) : UNANSWERED_END.has(e.event)))
      if (first > 0) group.unshift(...group.splice(first, 1))
    }
    for (const e of group) {
      out.push(e)
      if (e.event === ENTER) open = { queue: e.queue, answered: false }
      else if (e.event === CONNECT && open) open.answered = true
      else if (ANSWERED_END.has(e.event) || UNANSWERED_END.has(e.event)) open = null
    }
    i = j
  }
  return out
}

const seconds = (ms: number) => ms / 1000

/**
 * One call from all of its events (any order, duplicates already removed). `newestByQueue` is the time of the
 * newest event seen in each queue, for closing a call that never ended.
 */
export function assembleCall(uniqueid: string, events: readonly QueueEvent[], newestByQueue: ReadonlyMap<string, number>): AssembledCall {
  const legs: LegBuild[] = []
  const problems: CallProblem[] = []
  let open: LegBuild | null = null
  let lastAt = 0
  let firstAt = Number.POSITIVE_INFINITY
  let orphan = false
  for (const e of orderEvents(events)) {
    lastAt = Math.max(lastAt, e.at)
    firstAt = Math.min(firstAt, e.at)
    if (e.event === ENTER) {
      if (open && open.line === (e.queue || null)) continue // ENTERQUEUE repeated for the same queue
      if (open) {
        // the PBX lost the line that took the call out of the previous queue
        open.ended = seconds(e.at)
        open.outcome = open.answered === null ? 'overflowed' : 'answered'
      }
      open = {
        line: e.queue || null,
        entered: seconds(e.at),
        answered: null,
        ended: null,
        agent: null,
        outcome: 'no_ending',
        end: null,
        missed: {},
        caller: callerOf(e.data),
      }
      legs.push(open)
      continue
    }
    if (!open) {
      if (legs.length === 0) {
        orphan = true // its ENTERQUEUE is in a file not imported (yet)
        continue
      }
      if (MISSED_RING.has(e.event)) continue
      const last = legs.at(-1)!
      // the same ending written twice (a calls row migrated from an earlier queue_log import, then the file again)
      if ((ANSWERED_END.has(e.event) || UNANSWERED_END.has(e.event) || e.event === CONNECT) && last.ended !== null && seconds(e.at) <= last.ended) continue
      problems.push({ event: e, reason: `событие ${e.event} звонка ${uniqueid} после окончания звонка (нет нового ENTERQUEUE)` })
      continue
    }
    if (MISSED_RING.has(e.event)) {
      const who = e.agent || 'оператор не указан'
      open.missed[who] = (open.missed[who] ?? 0) + 1
    } else if (e.event === CONNECT) {
      if (open.answered === null) {
        open.answered = seconds(e.at)
        open.agent = e.agent || null
      }
    } else if (ANSWERED_END.has(e.event)) {
      if (open.answered === null) {
        problems.push({ event: e, reason: `событие ${e.event} для звонка ${uniqueid} без события CONNECT (ответа) в очереди ${open.line ?? '—'}` })
        continue
      }
      Object.assign(open, { ended: seconds(e.at), end: e.event, outcome: 'answered' })
      open = null
    } else if (UNANSWERED_END.has(e.event)) {
      if (open.answered !== null) {
        problems.push({ event: e, reason: `событие ${e.event} для звонка ${uniqueid} после ответа оператора (CONNECT) в очереди ${open.line ?? '—'}` })
        continue
      }
      Object.assign(open, { ended: seconds(e.at), end: e.event, outcome: 'lost' })
      open = null
    }
  }
  // an unanswered leg followed by another one overflowed into it
  legs.forEach((leg, i) => {
    if (leg.outcome === 'lost' && i < legs.length - 1) leg.outcome = 'overflowed'
  })
  const base = { call_id: uniqueid, legs: legs.map(({ caller: _caller, ...leg }) => leg), problems }
  if (problems.length) return { ...base, state: 'rejected', row: null, pending: null }
  const first = legs[0]
  const answeredLeg = legs.find((l) => l.answered !== null)
  const caller = legs.find((l) => l.caller)?.caller ?? null
  if (!first || orphan) {
    // no ENTERQUEUE yet (or events before it): its start is in a file still to come
    return {
      ...base,
      state: 'pending',
      row: null,
      pending: {
        line: open?.line ?? legs.at(-1)?.line ?? (events[0]?.queue || null),
        started_at: new Date(first ? first.entered * 1000 : firstAt),
        answered_at: null,
        agent: null,
        caller_phone: caller,
      },
    }
  }
  const last = legs.at(-1)!
  let state: AssembledCall['state'] = 'ended'
  if (open) {
    const newest = newestByQueue.get(open.line ?? '') ?? lastAt
    if (newest - lastAt < NO_ENDING_AFTER_MS) {
      return {
        ...base,
        state: 'pending',
        row: null,
        pending: {
          line: open.line,
          started_at: new Date(first.entered * 1000),
          answered_at: answeredLeg ? new Date(answeredLeg.answered! * 1000) : null,
          agent: answeredLeg?.agent ?? null,
          caller_phone: caller,
        },
      }
    }
    state = 'no_ending'
  }
  const row: ParsedRow = {
    call_id: uniqueid,
    direction: 'in',
    line: answeredLeg?.line ?? last.line,
    started_at: new Date(first.entered * 1000),
    answered_at: answeredLeg ? new Date(answeredLeg.answered! * 1000) : null,
    // a call closed without an ending: its last event is the last that is known of it
    ended_at: new Date(state === 'no_ending' ? lastAt : last.ended! * 1000),
    agent: answeredLeg?.agent ?? null,
    category: null,
    callback_required: false,
    callback_at: null,
    appeal_reg_number: null,
    caller_phone: caller,
    legs: JSON.stringify(base.legs),
    no_ending: state === 'no_ending',
  }
  return { ...base, state, row, pending: null }
}
