/**
 * Asterisk `queue_log` (`epoch|uniqueid|queue|agent|EVENT|data…`) → calls (formats.md).
 * ENTERQUEUE starts a call, CONNECT answers it, COMPLETEAGENT/COMPLETECALLER/TRANSFER end an answered
 * call, ABANDON/EXITWITHTIMEOUT/EXITEMPTY/EXITWITHKEY an unanswered one. Calls still open at the end
 * of a file are handed back as pending, to be completed by a later file.
 * Pure: no I/O, so it is unit-tested line by line.
 */
import type { CellProblem, ParsedRow } from './values.ts'

export interface OpenCall {
  call_id: string
  line: string | null
  started_at: Date
  answered_at: Date | null
  agent: string | null
  caller_phone: string | null
  /** the file line that started it (0 when it came from an earlier file) */
  fromLine: number
}

export type QueueLogItem =
  | { kind: 'call'; line: number; row: ParsedRow }
  | { kind: 'rejected'; line: number; problems: CellProblem[] }

const ANSWERED_END = new Set(['COMPLETEAGENT', 'COMPLETECALLER', 'TRANSFER'])
const UNANSWERED_END = new Set(['ABANDON', 'EXITWITHTIMEOUT', 'EXITEMPTY', 'EXITWITHKEY'])
const MIN_EPOCH = Date.UTC(1990, 0, 1) / 1000
const MAX_EPOCH = Date.UTC(2100, 0, 1) / 1000

export interface QueueLogStats {
  lines: number
  ignoredLines: number
}

const orNull = (text: string | undefined) => {
  const t = (text ?? '').trim()
  return t === '' || t.toUpperCase() === 'NONE' ? null : t
}

function rejected(line: number, value: string, reason: string): QueueLogItem {
  return { kind: 'rejected', line, problems: [{ column: 'queue_log', value: value.slice(0, 200), reason }] }
}

export function callRow(call: OpenCall, endedAt: Date): ParsedRow {
  return {
    call_id: call.call_id,
    direction: 'in',
    line: call.line,
    started_at: call.started_at,
    answered_at: call.answered_at,
    ended_at: endedAt,
    agent: call.agent,
    category: null,
    callback_required: false,
    callback_at: null,
    appeal_reg_number: null,
    caller_phone: call.caller_phone,
  }
}

/**
 * Feeds the events of one file; `open` holds the calls pending from earlier files on entry and the
 * calls still pending on exit.
 */
export async function* assembleQueueLog(
  lines: AsyncIterable<{ line: number; text: string }>,
  open: Map<string, OpenCall>,
  stats: QueueLogStats,
): AsyncGenerator<QueueLogItem> {
  for await (const { line, text } of lines) {
    if (text.trim() === '') continue
    stats.lines++
    const fields = text.split('|')
    if (fields.length < 5) {
      yield rejected(line, text, 'строка queue_log должна содержать не менее 5 полей через «|»: время|uniqueid|очередь|агент|событие')
      continue
    }
    const [epochText, uniqueid, queue, agent, eventRaw] = fields as [string, string, string, string, string]
    const epoch = Number(epochText)
    if (!/^\d+(\.\d+)?$/.test(epochText.trim()) || epoch < MIN_EPOCH || epoch > MAX_EPOCH) {
      yield rejected(line, text, `неверное время события «${epochText.slice(0, 20)}»: ожидается число секунд с 01.01.1970 (UTC)`)
      continue
    }
    const at = new Date(Math.round(epoch * 1000))
    const event = eventRaw.trim().toUpperCase()
    const id = orNull(uniqueid)
    if (id === null) {
      stats.ignoredLines++ // queue-wide events: QUEUESTART, AGENTLOGIN …
      continue
    }
    if (event === 'ENTERQUEUE') {
      if (!open.has(id)) {
        open.set(id, {
          call_id: id,
          line: orNull(queue),
          started_at: at,
          answered_at: null,
          agent: null,
          caller_phone: orNull(fields[6]),
          fromLine: line,
        })
      } else stats.ignoredLines++
      continue
    }
    const call = open.get(id)
    if (event === 'CONNECT') {
      if (!call) {
        yield rejected(line, text, `событие CONNECT для звонка ${id}, у которого нет события ENTERQUEUE ни в этом, ни в прежних файлах`)
        continue
      }
      if (at < call.started_at) {
        yield rejected(line, text, `ответ раньше начала звонка ${id}`)
        continue
      }
      call.answered_at = at
      call.agent = orNull(agent)
      continue
    }
    if (ANSWERED_END.has(event) || UNANSWERED_END.has(event)) {
      if (!call) {
        yield rejected(line, text, `событие ${event} для звонка ${id}, у которого нет события ENTERQUEUE ни в этом, ни в прежних файлах`)
        continue
      }
      open.delete(id)
      if (at < call.started_at || (call.answered_at && at < call.answered_at)) {
        yield rejected(line, text, `окончание звонка ${id} раньше его начала или ответа`)
        continue
      }
      if (ANSWERED_END.has(event) && !call.answered_at) {
        yield rejected(line, text, `событие ${event} для звонка ${id} без события CONNECT (ответа)`)
        continue
      }
      if (UNANSWERED_END.has(event) && call.answered_at) call.answered_at = null
      yield { kind: 'call', line: call.fromLine || line, row: callRow(call, at) }
      continue
    }
    stats.ignoredLines++ // RINGNOANSWER, ENTERQUEUE duplicates, agent events …
  }
}
