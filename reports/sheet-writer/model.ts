/**
 * The sheet model of the writer library (README.md beside this file), shared by every exported file and the
 * pages that show a file before download: rows of cells with a named style and HTML-like merges. Client-safe.
 */
export const STYLES = [
  'plain',
  'title',
  'caption',
  'head',
  'text',
  'textBold',
  'center',
  'count',
  'countBold',
  'decimal',
  'decimalBold',
  // added for the dashboard, register and survey files (ADR 026): a value in days (Excel's serial) shown as a
  // date and time or a duration, a share shown as a percentage, a score, points with their sign, a plain number
  'dateTime',
  'duration',
  'share',
  'score',
  'points',
  'number',
] as const
export type CellStyle = (typeof STYLES)[number]

export interface Cell {
  v: string | number | null
  s?: CellStyle
  colspan?: number
  rowspan?: number
}

const DECIMAL = new Intl.NumberFormat('ru-RU', { minimumFractionDigits: 1, maximumFractionDigits: 3 })
const COUNT = new Intl.NumberFormat('ru-RU')

const SHARE = new Intl.NumberFormat('ru-RU', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 })
const SCORE = new Intl.NumberFormat('ru-RU', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
const POINTS = new Intl.NumberFormat('ru-RU', { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' })

/** Excel's serial day of 1970-01-01 (the 1900 date system). */
export const EPOCH_SERIAL = 25_569
const DAY_MS = 86_400_000

/**
 * A wall-clock moment as the serial day number a `dateTime` cell holds: the Date's UTC fields are read as the
 * local time (pass a Date shifted to the organisation's clock, `localWallClock` in reports/export/workbook.server.ts).
 */
export function serialOf(wallClock: Date): number {
  return EPOCH_SERIAL + wallClock.getTime() / DAY_MS
}

/** Seconds as the fraction of a day a `duration` cell holds. */
export function durationOf(seconds: number): number {
  return seconds / 86_400
}

function two(n: number): string {
  return String(n).padStart(2, '0')
}

/** A cell as a person reads it (the page, the PDF, the publication): decimals with a comma, counts grouped. */
export function cellText(cell: Cell): string {
  if (cell.v === null) return ''
  if (typeof cell.v !== 'number') return cell.v
  const s = cell.s
  if (s === 'dateTime') {
    const d = new Date(Math.round((cell.v - EPOCH_SERIAL) * DAY_MS))
    return `${two(d.getUTCDate())}.${two(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`
  }
  if (s === 'duration') {
    const total = Math.round(cell.v * 86_400)
    return `${Math.floor(total / 3600)}:${two(Math.floor((total % 3600) / 60))}:${two(total % 60)}`
  }
  if (s === 'share') return SHARE.format(cell.v)
  if (s === 'score') return SCORE.format(cell.v)
  if (s === 'points') return POINTS.format(cell.v)
  return s?.startsWith('decimal') ? DECIMAL.format(cell.v) : s?.startsWith('count') ? COUNT.format(cell.v) : String(cell.v)
}
