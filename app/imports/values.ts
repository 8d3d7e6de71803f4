/**
 * Turning one cell into a typed value, with Russian reasons for what cannot be read.
 * Pure functions, no I/O: unit-tested in values.test.ts.
 */
import { localToInstant } from '#reports/time/local-time.ts'
import { codeOf } from '#reports/vocabulary.ts'
import { type ColumnSpec, type KindSpec } from './kinds.ts'

/** An XLSX date cell: exceljs hands it over as a Date whose UTC fields hold the wall-clock time. */
export class WallClock {
  constructor(readonly date: Date) {}
}

export type Cell = string | WallClock

/** The longest value a cell may hold; longer values are a bad row, not a stored novel. */
export const MAX_CELL_LENGTH = 10_000

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string }
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value })
const bad = (reason: string): Parsed<never> => ({ ok: false, reason })

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i
const RU = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const daysInMonth = (year: number, month: number) => (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : MONTH_DAYS[month - 1]!)

function checkFields(y: number, mo: number, d: number, h: number, mi: number, s: number, text: string): string | null {
  if (y < 1990 || y > 2100) return `год ${y} вне допустимого диапазона 1990–2100`
  if (mo < 1 || mo > 12) return `такой даты нет: «${text}» (месяц ${mo})`
  if (d < 1 || d > daysInMonth(y, mo)) return `такой даты нет: «${text}»`
  if (h > 23 || mi > 59 || s > 59) return `такого времени нет: «${text}»`
  return null
}

/** Two or four ASCII digits at `i`, or -1. */
function num(s: string, i: number, n: number): number {
  let v = 0
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k) - 48
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}

/**
 * The two shapes real logs use most, read by character codes (a million rows pay for this):
 * `YYYY-MM-DD[T ]HH:MM:SS(Z|±HH:MM)` and `DD.MM.YYYY HH:MM[:SS]`. Anything else, or an
 * impossible value, returns undefined and goes the general way.
 */
function fastTimestamp(t: string, zone: string): Date | undefined {
  const n = t.length
  if (n >= 19 && t.charCodeAt(4) === 45 && t.charCodeAt(7) === 45 && t.charCodeAt(13) === 58 && t.charCodeAt(16) === 58) {
    const sep = t.charCodeAt(10)
    if (sep !== 84 && sep !== 32) return undefined
    const y = num(t, 0, 4),
      mo = num(t, 5, 2),
      d = num(t, 8, 2),
      h = num(t, 11, 2),
      mi = num(t, 14, 2),
      sec = num(t, 17, 2)
    if (y < 1990 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
      return undefined
    let i = 19
    let ms = 0
    if (i < n && t.charCodeAt(i) === 46) {
      // fraction of a second: milliseconds are kept, finer digits dropped
      let scale = 100
      for (i++; i < n; i++) {
        const c = t.charCodeAt(i) - 48
        if (c < 0 || c > 9) break
        ms += c * scale
        scale /= 10
      }
      ms = Math.floor(ms)
    }
    if (i === n) return localToInstant(zone, y, mo, d, h, mi, sec, ms)
    let offset: number
    const z = t.charCodeAt(i)
    if ((z === 90 || z === 122) && i + 1 === n) offset = 0
    else if ((z === 43 || z === 45) && i + 6 === n && t.charCodeAt(i + 3) === 58) {
      const oh = num(t, i + 1, 2),
        om = num(t, i + 4, 2)
      if (oh < 0 || oh > 14 || om < 0 || om > 59) return undefined
      offset = (z === 45 ? -1 : 1) * (oh * 60 + om)
    } else return undefined
    return new Date(Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offset * 60_000)
  }
  if ((n === 16 || n === 19) && t.charCodeAt(2) === 46 && t.charCodeAt(5) === 46 && t.charCodeAt(10) === 32 && t.charCodeAt(13) === 58) {
    const d = num(t, 0, 2),
      mo = num(t, 3, 2),
      y = num(t, 6, 4),
      h = num(t, 11, 2),
      mi = num(t, 14, 2)
    const sec = n === 19 ? (t.charCodeAt(16) === 58 ? num(t, 17, 2) : -1) : 0
    if (y < 1990 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
      return undefined
    return localToInstant(zone, y, mo, d, h, mi, sec)
  }
  return undefined
}

/**
 * ISO 8601 (`2025-03-14T09:05:00+03:00`, `2025-03-14 09:05`, `…Z`) or Russian
 * `14.03.2025 09:05[:30]`; without an offset, the wall clock of `zone`; a date alone is 00:00.
 * Impossible dates (31 February) are refused, not rolled over as V8 would.
 */
export function parseTimestamp(cell: Cell, zone: string): Parsed<Date> {
  if (cell instanceof WallClock) {
    const d = cell.date
    if (Number.isNaN(d.getTime())) return bad('ячейка даты не содержит даты')
    return ok(localToInstant(zone, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()))
  }
  const fast = fastTimestamp(cell, zone)
  if (fast) return ok(fast)
  const text = cell.trim()
  let m = ISO.exec(text)
  if (m) {
    const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m![i] ?? 0)) as [number, number, number, number, number, number]
    const problem = checkFields(y, mo, d, h, mi, s, text)
    if (problem) return bad(problem)
    const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0
    const offset = m[8]
    if (!offset) return ok(localToInstant(zone, y, mo, d, h, mi, s, ms))
    let offsetMinutes = 0
    if (offset.toUpperCase() !== 'Z') {
      const sign = offset.startsWith('-') ? -1 : 1
      const digits = offset.slice(1).replace(':', '')
      offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0))
      if (Math.abs(offsetMinutes) > 14 * 60) return bad(`смещение часового пояса вне диапазона: «${text}»`)
    }
    return ok(new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMinutes * 60_000))
  }
  m = RU.exec(text)
  if (m) {
    const [d, mo, y, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m![i] ?? 0)) as [number, number, number, number, number, number]
    const problem = checkFields(y, mo, d, h, mi, s, text)
    if (problem) return bad(problem)
    return ok(localToInstant(zone, y, mo, d, h, mi, s))
  }
  return bad(`не удалось прочитать дату и время «${clip(text)}»: ожидается ДД.ММ.ГГГГ ЧЧ:ММ или ГГГГ-ММ-ДДTЧЧ:ММ`)
}

const TRUE = new Set(['1', 'true', 'да', 'yes', 'истина', 'д', 'y'])
const FALSE = new Set(['0', 'false', 'нет', 'no', 'ложь', 'н', 'n', ''])

export function parseBool(text: string): Parsed<boolean> {
  const t = text.trim().toLowerCase()
  if (TRUE.has(t)) return ok(true)
  if (FALSE.has(t)) return ok(false)
  return bad(`ожидается «да» или «нет» (1/0, true/false), получено «${clip(t)}»`)
}

export function clip(text: string, length = 80): string {
  return text.length > length ? `${text.slice(0, length)}…` : text
}

export type RowValue = string | boolean | Date | null
export type ParsedRow = Record<string, RowValue>

export interface CellProblem {
  column: string
  value: string
  reason: string
}

function cellText(cell: Cell | undefined): string {
  if (cell === undefined) return ''
  if (cell instanceof WallClock) return cell.date.toISOString()
  return cell
}

function parseCell(spec: ColumnSpec, cell: Cell, zone: string): Parsed<RowValue> {
  const f = spec.field
  if (f.type === 'timestamp') return parseTimestamp(cell, zone)
  const text = cellText(cell).trim()
  if (f.type === 'text') return ok(text)
  if (f.type === 'bool') return parseBool(text)
  const code = codeOf(f.vocabulary, text)
  if (code === undefined) {
    const allowed = Object.entries(f.vocabulary)
      .map(([c, t]) => `${c} (${t.label})`)
      .join(', ')
    return bad(`неизвестное значение ${f.what} «${clip(text)}»; допустимо: ${allowed}`)
  }
  return ok(code)
}

/**
 * Validates one data row (cells by canonical column). Returns the typed row, or every problem
 * found in it — one per column — so a user can fix a line in one pass.
 */
export function validateRow(spec: KindSpec, cellOf: (column: string) => Cell | undefined, zone: string): { row: ParsedRow; problems: CellProblem[] } {
  const row: ParsedRow = {}
  const problems: CellProblem[] = []
  for (const column of spec.columns) {
    const cell = cellOf(column.name)
    const raw = cellText(cell)
    if (raw.length > MAX_CELL_LENGTH) {
      problems.push({ column: column.name, value: clip(raw), reason: `значение длиннее ${MAX_CELL_LENGTH.toLocaleString('ru-RU')} символов` })
      continue
    }
    if (cell === undefined || (typeof cell === 'string' && cell.trim() === '')) {
      if (column.required) problems.push({ column: column.name, value: '', reason: 'обязательное значение не заполнено' })
      row[column.name] = column.field.type === 'bool' ? false : null
      continue
    }
    const f = column.field
    if (f.type === 'text') {
      row[column.name] = raw.trim()
      continue
    }
    if (f.type === 'enum') {
      const code = codeOf(f.vocabulary, raw)
      if (code !== undefined) {
        row[column.name] = code
        continue
      }
    }
    const parsed = parseCell(column, cell, zone)
    if (parsed.ok) row[column.name] = parsed.value
    else problems.push({ column: column.name, value: clip(raw, 200), reason: parsed.reason })
  }
  for (const rule of spec.order) {
    const later = row[rule.later]
    const earlier = row[rule.earlier]
    if (later instanceof Date && earlier instanceof Date && later < earlier) {
      problems.push({ column: rule.later, value: cellText(cellOf(rule.later)), reason: rule.message })
    }
  }
  for (const rule of spec.requires ?? []) {
    if (row[rule.column] !== null && row[rule.needs] === null) {
      problems.push({ column: rule.column, value: cellText(cellOf(rule.column)), reason: rule.message })
    }
  }
  return { row, problems }
}
