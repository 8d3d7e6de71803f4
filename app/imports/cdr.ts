/**
 * Asterisk CDR as calls (issue #17, ADR 018): `Master.csv` as `cdr_csv` writes it (no header) and the `cdr`
 * table exported with a header. Several CDR rows make one call (transfers, queue legs, Local channels): they
 * are grouped by linkedid (else uniqueid), and the call is assembled into canonical cells that go through
 * the one validation (values.ts). Pure, unit-tested in cdr.test.ts.
 */
import { kindSpecs, normaliseHeader } from './kinds.ts'
import { type Cell, type CellProblem, type ParsedRow, parseTimestamp, validateRow } from './values.ts'

/** The fields of `Master.csv` in the order cdr_csv writes them (uniqueid, userfield with loguniqueid/loguserfield). */
export const MASTER_CSV_FIELDS = [
  'accountcode',
  'src',
  'dst',
  'dcontext',
  'clid',
  'channel',
  'dstchannel',
  'lastapp',
  'lastdata',
  'start',
  'answer',
  'end',
  'duration',
  'billsec',
  'disposition',
  'amaflags',
  'uniqueid',
  'userfield',
] as const

export const DISPOSITIONS = ['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION'] as const
const DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/

/** A first record that is a Master.csv row, not a header: 16–18 fields, a disposition at 15, a start at 10. */
export function looksLikeMasterCsv(fields: readonly string[]): boolean {
  return fields.length >= 16 && fields.length <= 18 && (DISPOSITIONS as readonly string[]).includes(fields[14]!.trim()) && DATE.test(fields[9]!.trim())
}

/** Positions of the `cdr` table's columns when the header is one (calldate, disposition, uniqueid …). */
export function cdrTableHeader(header: readonly string[]): Map<string, number> | undefined {
  const positions = new Map<string, number>()
  header.forEach((h, i) => positions.set(normaliseHeader(h), i))
  const needed = ['calldate', 'src', 'dst', 'dcontext', 'channel', 'dstchannel', 'lastapp', 'lastdata', 'duration', 'billsec', 'disposition', 'uniqueid']
  return needed.every((n) => positions.has(n)) ? positions : undefined
}

export const masterCsvPositions = new Map<string, number>(MASTER_CSV_FIELDS.map((f, i) => [f, i]))

interface CdrRow {
  line: number
  src: string
  dst: string
  dcontext: string
  channel: string
  dstchannel: string
  lastapp: string
  lastdata: string
  start: Date
  answer: Date | null
  end: Date
  billsec: number
  disposition: string
}

export type CdrItem = { line: number; row: ParsedRow; problems?: undefined } | { line: number; row?: undefined; problems: CellProblem[] }

/** `SIP/101-0000001a` → `SIP/101`, `PJSIP/operator2-00000a3f` → `PJSIP/operator2`, `Local/101@from-queue-00000001;1` → `Local/101@from-queue`. */
export function channelPeer(channel: string): string {
  return channel.trim().replace(/-[0-9a-f]{6,}(?:;\d)?$/i, '')
}

/**
 * Collects CDR rows by call and yields the calls at the end (a call's rows may be far apart in the file).
 * A row that cannot be read (no start, a bad number) is a bad line of its own, with its line number.
 */
export class CdrAssembler {
  private readonly groups = new Map<string, { line: number; rows: CdrRow[] }>()
  private readonly bad: CdrItem[] = []

  constructor(
    private readonly positions: Map<string, number>,
    private readonly table: boolean,
    private readonly zone: string,
  ) {}

  add(line: number, cells: readonly Cell[]): void {
    const get = (name: string) => {
      const i = this.positions.get(name)
      const cell = i === undefined ? undefined : cells[i]
      return cell === undefined ? '' : typeof cell === 'string' ? cell.trim() : cell.date.toISOString().slice(0, 19).replace('T', ' ')
    }
    const problems: CellProblem[] = []
    const time = (name: string, required: boolean): Date | null => {
      const text = get(name)
      if (text === '') {
        if (required) problems.push({ column: name, value: '', reason: 'обязательное значение не заполнено' })
        return null
      }
      const parsed = parseTimestamp(text, this.zone)
      if (!parsed.ok) {
        problems.push({ column: name, value: text, reason: parsed.reason })
        return null
      }
      return parsed.value
    }
    const seconds = (name: string): number => {
      const text = get(name)
      if (!/^\d+$/.test(text)) {
        problems.push({ column: name, value: text, reason: 'ожидается целое число секунд' })
        return 0
      }
      return Number(text)
    }
    const disposition = get('disposition').toUpperCase()
    if (!(DISPOSITIONS as readonly string[]).includes(disposition)) {
      problems.push({ column: 'disposition', value: get('disposition'), reason: `неизвестный итог звонка; допустимо: ${DISPOSITIONS.join(', ')}` })
    }
    const billsec = seconds('billsec')
    let start: Date | null
    let answer: Date | null
    let end: Date | null
    if (this.table) {
      // the cdr table has no answer and end: calldate + duration is the end, the last billsec seconds the talk
      start = time('calldate', true)
      const duration = seconds('duration')
      end = start ? new Date(start.getTime() + duration * 1000) : null
      answer = end && billsec > 0 ? new Date(end.getTime() - billsec * 1000) : null
    } else {
      start = time('start', true)
      answer = time('answer', false)
      end = time('end', true)
    }
    if (problems.length || !start || !end) {
      this.bad.push({ line, problems })
      return
    }
    const uniqueid = get('uniqueid')
    // without loguniqueid a Master.csv row has no id: its start and channel are stable across re-imports
    const key = get('linkedid') || uniqueid || `${get('start')} ${get('channel')}`
    const row: CdrRow = {
      line,
      src: get('src'),
      dst: get('dst'),
      dcontext: get('dcontext'),
      channel: get('channel'),
      dstchannel: get('dstchannel'),
      lastapp: get('lastapp'),
      lastdata: get('lastdata'),
      start,
      answer,
      end,
      billsec,
      disposition,
    }
    const group = this.groups.get(key)
    if (group) group.rows.push(row)
    else this.groups.set(key, { line, rows: [row] })
  }

  /** The calls assembled, in the order of their first line, then the bad lines; each through validateRow. */
  *items(): Generator<CdrItem> {
    const spec = kindSpecs.calls
    const items: CdrItem[] = [...this.bad]
    for (const [key, { line, rows }] of this.groups) {
      rows.sort((a, b) => a.start.getTime() - b.start.getTime() || a.line - b.line)
      const first = rows[0]!
      const queued = rows.filter((r) => r.lastapp.toLowerCase() === 'queue')
      const answered = (queued.length ? queued : rows).find((r) => r.disposition === 'ANSWERED' && r.dstchannel !== '' && r.answer)
      const end = rows.reduce((max, r) => (r.end > max ? r.end : max), first.end)
      const out = /internal|outbound|outgoing/i.test(first.dcontext)
      const cells: Record<string, string> = {
        call_id: key,
        direction: out ? 'out' : 'in',
        line: queued.length ? queued[0]!.lastdata.split(/[,|]/)[0]!.trim() : first.dst,
        started_at: first.start.toISOString(),
        answered_at: answered ? answered.answer!.toISOString() : '',
        ended_at: end.toISOString(),
        // the operator: who called out, or whose channel the call was bridged to
        agent: out ? channelPeer(first.channel) : answered ? channelPeer(answered.dstchannel) : '',
        caller_phone: first.src,
      }
      const { row, problems } = validateRow(spec, (c) => cells[c], this.zone)
      items.push(problems.length ? { line, problems } : { line, row })
    }
    items.sort((a, b) => a.line - b.line)
    yield* items
  }
}
